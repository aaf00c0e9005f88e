/**
 * The benchmark page as Node drives it (bench.html?driven; entry.ts builds its canvas and status line).
 * Node opens it in headless Chromium and calls window.detangleBench.run;
 * the report comes back as the same JSON document the Node run prints. Adds what only a browser has:
 * the whole-frame workload (three.js drawing) and TF.js on WebGPU.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// tfjs-core alone has no gradients; the tfjs package would register these for us.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { adapterName, requestEngineDevice } from '../../engine/device';
import { runBench } from '../run';
import type { TfBackend } from '../tfjsCommon';
import type { BenchReport } from '../types';
import { ThreeFrameBench } from './frame';

export interface PageOptions {
  quick: boolean;
  only: string | null;
  maxGpuMb: number | null;
  command: string;
}

declare global {
  interface Window {
    detangleBench?: { run(options: PageOptions): Promise<BenchReport> };
  }
}

/** What a browser run plans for without --max-gpu-mb: the page shares the GPU process with everything else. */
const DEFAULT_BROWSER_GPU_BYTES = 4 * 1024 ** 3;

const TF_BACKENDS: TfBackend[] = [
  { impl: 'tfjs-cpu', backend: 'cpu', flags: {} },
  { impl: 'tfjs-wasm', backend: 'wasm', flags: {} },
  // -1 lets TF.js choose its matMul program; 3 forces MatMulPackedProgram, far cheaper on software GPUs.
  { impl: 'tfjs-webgpu', backend: 'webgpu', flags: { WEBGPU_MATMUL_PROGRAM_TYPE: -1 } },
  { impl: 'tfjs-webgpu-mm3', backend: 'webgpu', flags: { WEBGPU_MATMUL_PROGRAM_TYPE: 3 } },
];

const status = document.getElementById('status')!;
const log = (line: string): void => {
  console.log(`[bench] ${line}`);
  status.textContent = line;
};

async function run(options: PageOptions): Promise<BenchReport> {
  if (!navigator.gpu) throw new Error('this browser has no WebGPU (navigator.gpu is missing)');
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter');
  const device = await requestEngineDevice(adapter, 'Detangle bench');
  device.addEventListener('uncapturederror', (event) =>
    log(`WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message}`),
  );
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  const canvas = document.getElementById('frame') as HTMLCanvasElement;
  const name = adapterName(adapter.info);
  log(`adapter: ${name}`);
  const browser = navigator.userAgent.match(/Chrom(e|ium)\/[\d.]+/)?.[0] ?? navigator.userAgent;
  try {
    return await runBench(
      {
        device,
        adapter: name,
        runtime: `${browser} (headless, WebGPU in the page)`,
        command: options.command,
        tfBackends: TF_BACKENDS,
        maxGpuBytes: options.maxGpuMb !== null ? options.maxGpuMb * 1024 * 1024 : DEFAULT_BROWSER_GPU_BYTES,
        frame: await ThreeFrameBench.create(device, canvas),
        log,
      },
      { quick: options.quick, only: options.only },
    );
  } finally {
    device.destroy();
  }
}

window.detangleBench = { run };
