/**
 * Misclassified points. Two places decide, by one rule (the engine's: one output unit says class 1 above
 * ½; several say the first largest):
 *  - the views' shaders, per drawn point and per frame, from the output the engine already wrote into the
 *    point layer buffer (WebGPU; nothing copied), so the mark always matches the picture;
 *  - the CPU, at the statistics rate, from the weights read back, over the few hundred points on display,
 *    for the count (train and test) and for the WebGL2 fallback's marks.
 */
import type { NetworkSpec } from '../../engine/spec';
import type { LayerBufferLayout } from '../../engine/types';
import { forwardInto, layerLayout } from './forward';
import { KnnRegions, type KnnReference } from './knnRegions';

/** The predicted class from `units` outputs at data[at..at+units−1]. */
export function predictedClass(data: ArrayLike<number>, at: number, units: number): number {
  if (units === 1) return data[at] > 0.5 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < units; k++) if (data[at + k] > data[at + best]) best = k;
  return best;
}

export interface MistakeCount {
  train: number;
  test: number;
}

/** The CPU side: which drawn points the current weights misclassify, and how many. */
export class MistakeTracker {
  /** 1 for a misclassified point, else 0 (one per drawn point). */
  readonly flags: Float32Array;
  readonly count: MistakeCount = { train: 0, test: 0 };
  private readonly spec: NetworkSpec;
  private readonly coords: Float32Array;
  private readonly labels: ArrayLike<number>;
  private readonly test: Uint8Array;
  private readonly layout: LayerBufferLayout;
  private readonly data: Float32Array;
  /** A k-NN output: each point classified by its k nearest training points (knnRegions.ts). */
  private readonly knn: { regions: KnnRegions; out: Float32Array } | null;

  /**
   * @param labels class index per point
   * @param info per point (class, test flag, jitter, 0), as the views get it
   * @param knn a k-NN output's training points, which classify the points instead of the outputs
   */
  constructor(
    spec: NetworkSpec,
    coords: Float32Array,
    labels: ArrayLike<number>,
    info: Float32Array,
    knn: KnnReference | null = null,
  ) {
    const n = labels.length;
    this.spec = spec;
    this.coords = coords;
    this.labels = labels;
    this.flags = new Float32Array(n);
    this.test = new Uint8Array(n);
    for (let i = 0; i < n; i++) this.test[i] = info[4 * i + 1] > 0.5 ? 1 : 0;
    this.layout = layerLayout(spec, n);
    this.data = new Float32Array(this.layout.totalFloats);
    this.knn =
      spec.knn && knn
        ? { regions: new KnnRegions(spec, knn), out: new Float32Array(2 * Math.max(1, n)) }
        : null;
  }

  /** New weights: forward the drawn points once and mark the misclassified ones. */
  update(params: ArrayLike<number>): MistakeCount {
    const n = this.flags.length;
    forwardInto(this.spec, params, this.coords, n, this.layout, this.data);
    const out = this.layout.offset.length - 1;
    const units = this.layout.width[out];
    const base = this.layout.offset[out];
    this.count.train = 0;
    this.count.test = 0;
    const knn = this.knn;
    if (knn) knn.regions.compute(params, this.data, this.layout, n, knn.out);
    for (let v = 0; v < n; v++) {
      const predicted = knn ? knn.out[2 * v] : predictedClass(this.data, base + v * units, units);
      const wrong = predicted !== Math.round(this.labels[v]);
      this.flags[v] = wrong ? 1 : 0;
      if (wrong) {
        if (this.test[v]) this.count.test++;
        else this.count.train++;
      }
    }
    return this.count;
  }
}
