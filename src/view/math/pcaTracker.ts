/**
 * Principal components of a wide representation, recomputed as the network trains, with stable signs:
 * an eigenvector's sign is arbitrary, so each new component is flipped to agree with the previous one
 * (and the first time, so that its largest entry is positive). Without that the picture would mirror
 * itself from one update to the next.
 */
import { symmetricEigen } from './linalg';

export class PcaTracker {
  readonly width: number;
  /** Top components, row-major (3 x width); valid after the first update. */
  readonly vectors: Float64Array;
  /** Variance along each of the top three components. */
  readonly variances = new Float64Array(3);
  private readonly mean: Float64Array;
  private readonly cov: Float64Array;
  private readonly eigenvectors: Float64Array;
  private readonly eigenvalues: Float64Array;
  private readonly scratch: Float64Array;
  private initialised = false;

  constructor(width: number) {
    this.width = width;
    this.vectors = new Float64Array(3 * width);
    this.mean = new Float64Array(width);
    this.cov = new Float64Array(width * width);
    this.eigenvectors = new Float64Array(width * width);
    this.eigenvalues = new Float64Array(width);
    this.scratch = new Float64Array(width * width);
  }

  /** `data` holds `count` rows of `width` values, `stride` floats apart, starting at `offset`. */
  update(data: ArrayLike<number>, offset: number, count: number, stride = this.width): void {
    const w = this.width;
    const mean = this.mean.fill(0);
    const cov = this.cov.fill(0);
    if (count < 2) return;
    for (let v = 0; v < count; v++) for (let j = 0; j < w; j++) mean[j] += data[offset + v * stride + j];
    for (let j = 0; j < w; j++) mean[j] /= count;
    for (let v = 0; v < count; v++) {
      const base = offset + v * stride;
      for (let i = 0; i < w; i++) {
        const di = data[base + i] - mean[i];
        for (let j = i; j < w; j++) cov[i * w + j] += di * (data[base + j] - mean[j]);
      }
    }
    for (let i = 0; i < w; i++) {
      for (let j = i; j < w; j++) {
        cov[i * w + j] /= count - 1;
        cov[j * w + i] = cov[i * w + j];
      }
    }
    symmetricEigen(cov, w, this.eigenvalues, this.eigenvectors, this.scratch);
    const dims = Math.min(3, w);
    for (let k = 0; k < dims; k++) {
      this.variances[k] = Math.max(0, this.eigenvalues[k]);
      let dot = 0;
      let big = 0;
      for (let j = 0; j < w; j++) {
        const e = this.eigenvectors[j * w + k];
        dot += e * this.vectors[k * w + j];
        if (Math.abs(e) > Math.abs(big)) big = e;
      }
      const flip = this.initialised ? dot < 0 : big < 0;
      for (let j = 0; j < w; j++) this.vectors[k * w + j] = (flip ? -1 : 1) * this.eigenvectors[j * w + k];
    }
    this.initialised = true;
  }
}
