/** WebGPU in Node through Dawn (the `webgpu` package). */
import { create, globals } from 'webgpu';
import { adapterName, requestEngineDevice } from '../engine/device';

Object.assign(globalThis, globals);

// Dawn's GPU object must stay reachable for the life of the process: if it is collected while work is
// in flight the process crashes. A module-level binding keeps it.
let gpu: GPU | null = null;

export interface NodeGpu {
  adapter: GPUAdapter;
  device: GPUDevice;
  adapterName: string;
}

export async function openNodeGpu(): Promise<NodeGpu> {
  gpu ??= create([]) as unknown as GPU;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      "no WebGPU adapter found: Node needs a Vulkan driver (install Debian's chromium for SwiftShader, " +
        "or set VK_ICD_FILENAMES to your GPU driver's ICD file)",
    );
  }
  const device = await requestEngineDevice(adapter, 'Detangle (Node)');
  return { adapter, device, adapterName: adapterName(adapter.info) };
}
