/**
 * Finding a GPU in a browser (the app and the sweep page): an adapter and a device with what the engine can use, or the reason there is none (the
 * app then trains on the CPU and draws with WebGL2). Used at start and again after a lost device.
 */
import { adapterName, requestEngineDevice } from './device';

export type GpuChoice = { device: GPUDevice; adapter: string } | { device: null; why: string };

/** Called with every device made (the test page counts its buffers). */
let onDevice: ((device: GPUDevice) => void) | null = null;
export function watchDevices(f: (device: GPUDevice) => void): void {
  onDevice = f;
}

export async function requestGpu(): Promise<GpuChoice> {
  if (!('gpu' in navigator) || !navigator.gpu) return { device: null, why: 'This browser has no WebGPU.' };
  const adapter = await navigator.gpu
    .requestAdapter({ powerPreference: 'high-performance' })
    .catch(() => null);
  if (!adapter) return { device: null, why: 'WebGPU is present but found no GPU adapter.' };
  try {
    const device = await requestEngineDevice(adapter);
    onDevice?.(device);
    return { device, adapter: adapterName(adapter.info) };
  } catch (e) {
    return {
      device: null,
      why: `The WebGPU device could not be created (${e instanceof Error ? e.message : String(e)}).`,
    };
  }
}

/** Tries a few times, a little apart: right after a loss the adapter may not be back yet. */
export async function requestGpuAgain(tries = 4, delayMs = 750): Promise<GpuChoice> {
  let last: GpuChoice = { device: null, why: 'no attempt was made' };
  for (let i = 0; i < tries; i++) {
    last = await requestGpu();
    if (last.device) return last;
    await new Promise((r) => setTimeout(r, delayMs * (i + 1)));
  }
  return last;
}

/** Words for the fallback without a GPU. */
export function fallbackMessage(why: string): string {
  return (
    `${why} Training runs on the CPU instead and the views are drawn with WebGL2, on a smaller grid. ` +
    'For the full experience use a browser with WebGPU (recent Chrome or Edge; Firefox and Safari behind a setting).'
  );
}
