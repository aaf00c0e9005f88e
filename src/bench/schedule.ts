/**
 * The engine's batch schedule for the CPU baselines (see engine/permutation.ts): each epoch's order is
 * computed once, so drawing a batch costs nothing per step. The same order as the GPU and the twin, so
 * every implementation's weights can be compared after the same steps.
 */
import { batchOfStep, epochKey, indexBits, permute } from '../engine/permutation';

export class BatchSchedule {
  private epoch = -1;
  private readonly order: Int32Array;
  private readonly indexBits: number;

  constructor(
    readonly samples: number,
    readonly batch: number,
    readonly seed: number,
  ) {
    this.order = new Int32Array(samples);
    this.indexBits = indexBits(samples);
  }

  /** The sample indices of step `step` (a view; valid until the next call). */
  indices(step: number): Int32Array {
    const slice = batchOfStep(step, this.samples, this.batch);
    if (slice.epoch !== this.epoch) {
      const key = epochKey(this.seed, slice.epoch);
      for (let i = 0; i < this.samples; i++) this.order[i] = permute(i, this.samples, key, this.indexBits);
      this.epoch = slice.epoch;
    }
    return this.order.subarray(slice.start, slice.end);
  }
}
