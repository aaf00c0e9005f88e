/** Small helpers over the WebGPU API shared by the engine's stages. */
import { cachedPipelines } from './pipelineCache';

export function createBuffer(
  device: GPUDevice,
  label: string,
  size: number,
  usage: GPUBufferUsageFlags,
): GPUBuffer {
  return device.createBuffer({ label, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
}

export function storageBuffer(
  device: GPUDevice,
  label: string,
  bytes: number,
  extra: GPUBufferUsageFlags = 0,
): GPUBuffer {
  return createBuffer(
    device,
    label,
    bytes,
    GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | extra,
  );
}

export function uniformBuffer(device: GPUDevice, label: string, bytes: number): GPUBuffer {
  return createBuffer(device, label, bytes, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
}

/** Splits a workgroup count over x and y so that neither exceeds the device's per-dimension limit. */
export function dispatchSize(device: GPUDevice, workgroups: number): [number, number] {
  const max = device.limits.maxComputeWorkgroupsPerDimension;
  if (workgroups <= max) return [Math.max(1, workgroups), 1];
  const y = Math.ceil(workgroups / max);
  return [Math.ceil(workgroups / y), y];
}

export function bindGroup(
  device: GPUDevice,
  label: string,
  pipeline: GPUComputePipeline,
  buffers: GPUBuffer[],
): GPUBindGroup {
  return device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}

/** Runs `create` inside validation and out-of-memory error scopes and throws the first error. */
export async function checked<T>(device: GPUDevice, what: string, create: () => T): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T | undefined;
  let thrown: unknown = null;
  try {
    value = create();
  } catch (e) {
    thrown = e;
  }
  const validation = await device.popErrorScope();
  const memory = await device.popErrorScope();
  const error = validation ?? memory;
  if (error) throw new Error(`${what}: ${error.message}`);
  if (thrown) throw thrown;
  return value as T;
}

/** Writes a typed array (of any backing buffer) into a GPU buffer. */
export function write(device: GPUDevice, buffer: GPUBuffer, data: ArrayBufferView, offset = 0): void {
  device.queue.writeBuffer(buffer, offset, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}

/**
 * One shader module and a compute pipeline per entry point, labelled `label` (one entry point) or
 * `label.entryPoint` (several); reused from the device's cache where it compiled the same before.
 */
export function pipelines<E extends string>(
  device: GPUDevice,
  label: string,
  code: string,
  layout: GPUPipelineLayout | 'auto',
  entryPoints: readonly E[],
): Record<E, GPUComputePipeline> {
  return cachedPipelines(device, label, code, layout, entryPoints);
}
