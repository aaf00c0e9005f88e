/**
 * How the engine reads results back from the GPU without waiting on it: a small ring of staging buffers
 * for the statistics (several reads in flight; when all are busy, the newest pending read is shared), and
 * one staging buffer for the position and the weights, read one at a time in the order asked.
 */

interface Slot<T> {
  buffer: GPUBuffer;
  busy: Promise<T> | null;
}

export class Readback<T> {
  private readonly ring: Slot<T>[] = [];
  private readonly single: GPUBuffer;
  /** The last read of the single buffer (the next waits for it; its failure does not pass on). */
  private last: Promise<unknown> = Promise.resolve();

  /** `slots` ring buffers of `ringBytes` (labelled `label.staging[i]`), one of `singleBytes`. */
  constructor(
    private readonly device: GPUDevice,
    label: string,
    slots: number,
    ringBytes: number,
    singleBytes: number,
  ) {
    for (let i = 0; i < slots; i++) {
      this.ring.push({
        buffer: device.createBuffer({
          label: `${label}.staging[${i}]`,
          size: ringBytes,
          usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        }),
        busy: null,
      });
    }
    this.single = device.createBuffer({
      label: `${label}.paramStaging`,
      size: singleBytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }

  /**
   * Encodes (`encode` copies into the given staging buffer) and reads through a free ring slot, decoding
   * the bytes; when every slot is busy, the newest pending read is shared instead.
   */
  throughRing(
    label: string,
    encode: (encoder: GPUCommandEncoder, target: GPUBuffer) => void,
    decode: (bytes: ArrayBuffer) => T,
  ): Promise<T> {
    const free = this.ring.find((s) => !s.busy);
    if (!free) return this.ring.reduce((a, b) => (a.busy && b.busy ? b : a)).busy!;
    const encoder = this.device.createCommandEncoder({ label });
    encode(encoder, free.buffer);
    this.device.queue.submit([encoder.finish()]);
    free.busy = free.buffer.mapAsync(GPUMapMode.READ).then(
      () => {
        const bytes = free.buffer.getMappedRange().slice(0);
        free.buffer.unmap();
        free.busy = null;
        return decode(bytes);
      },
      (error: unknown) => {
        free.busy = null;
        throw error;
      },
    );
    return free.busy;
  }

  /**
   * After every earlier read of the single buffer: `start` (which may throw), then `encode` copies into
   * it (its result is handed back with the bytes), and the first `bytes` bytes are read: the mapped range
   * only (`range`), or copied from the whole mapping.
   */
  throughSingle<C>(
    label: string,
    start: () => void,
    encode: (encoder: GPUCommandEncoder, target: GPUBuffer) => C,
    bytes: number,
    range: boolean,
  ): Promise<{ bytes: ArrayBuffer; context: C }> {
    const next = this.last.then(async () => {
      start();
      const encoder = this.device.createCommandEncoder({ label });
      const context = encode(encoder, this.single);
      this.device.queue.submit([encoder.finish()]);
      if (range) {
        await this.single.mapAsync(GPUMapMode.READ, 0, bytes);
        const read = this.single.getMappedRange(0, bytes).slice(0);
        this.single.unmap();
        return { bytes: read, context };
      }
      await this.single.mapAsync(GPUMapMode.READ);
      const read = this.single.getMappedRange().slice(0, bytes);
      this.single.unmap();
      return { bytes: read, context };
    });
    this.last = next.catch(() => null);
    return next;
  }

  /** The staging buffers, for the owner to destroy with its own. */
  get buffers(): GPUBuffer[] {
    return [this.single, ...this.ring.map((s) => s.buffer)];
  }
}
