/**
 * Counts the GPU buffers a device creates and destroys, so the browser tests can check for leaks. Installed
 * only on pages opened with the test flag (`?test`); a leaf: it imports nothing of the app.
 */
/** GPU buffers created and destroyed on devices passed to countBuffers. */
export const bufferCount = { created: 0, destroyed: 0 };
/** The live ones with their labels (a leak names itself). */
const live = new Map<GPUBuffer, string>();
let destroyWrapped = false;

/** Counts the buffers a device creates, and their destroy() calls, so a test can check for leaks. */
export function countBuffers(device: GPUDevice): void {
  const create = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor): GPUBuffer => {
    const buffer = create(descriptor);
    live.set(buffer, descriptor.label || '(no label)');
    bufferCount.created++;
    return buffer;
  };
  if (!destroyWrapped && typeof GPUBuffer !== 'undefined') {
    destroyWrapped = true;
    const destroy = GPUBuffer.prototype.destroy;
    GPUBuffer.prototype.destroy = function (this: GPUBuffer): undefined {
      if (live.delete(this)) bufferCount.destroyed++;
      return destroy.call(this);
    };
  }
}

/** Live buffers by label: `{ label: count }`. */
export function liveBuffers(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const label of live.values()) out[label] = (out[label] ?? 0) + 1;
  return out;
}
