import { Random } from '../random';
import { DataError } from './errors';
import type { Dataset } from './types';

/** Largest accepted test fraction: at least a tenth of the points stay for training. */
export const MAX_TEST_FRACTION = 0.9;

function pick(d: Dataset, order: Uint32Array, from: number, to: number): Dataset {
  const k = d.inputSize;
  const n = to - from;
  const x = new Float32Array(n * k);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const j = order[from + i];
    y[i] = d.y[j];
    for (let c = 0; c < k; c++) x[i * k + c] = d.x[j * k + c];
  }
  return { inputSize: k, x, y, classes: d.classes };
}

/**
 * Splits a dataset at random into a training and a test set: round(N x testFraction) points go to
 * the test set (fewer where that would leave no training point). The same seed gives the same split.
 * testFraction must be in [0, 0.9]; 0 gives an empty test set.
 */
export function splitDataset(
  d: Dataset,
  testFraction: number,
  seed: number,
): { train: Dataset; test: Dataset } {
  if (!Number.isFinite(testFraction) || testFraction < 0 || testFraction > MAX_TEST_FRACTION) {
    throw new DataError(`test fraction must be a number from 0 to ${MAX_TEST_FRACTION}; got ${testFraction}`);
  }
  if (!Number.isFinite(seed)) throw new DataError(`seed must be a finite number; got ${seed}`);
  const n = d.y.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = new Random(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const nTest = Math.max(0, Math.min(Math.round(n * testFraction), n - 1));
  return { test: pick(d, order, 0, nTest), train: pick(d, order, nTest, n) };
}

/** Per-axis extent of the points, and of the targets (for regression views). */
export interface Bounds {
  /** Smallest coordinate on each axis, `inputSize` entries. */
  min: number[];
  /** Largest coordinate on each axis. */
  max: number[];
  /** Smallest and largest y (class index or regression target). */
  yMin: number;
  yMax: number;
}

/** Per-axis min and max of a dataset; an empty one gives zeros. */
export function datasetBounds(d: Dataset): Bounds {
  const k = d.inputSize;
  const n = d.y.length;
  if (n === 0) return { min: new Array(k).fill(0), max: new Array(k).fill(0), yMin: 0, yMax: 0 };
  const min = new Array<number>(k).fill(Infinity);
  const max = new Array<number>(k).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const v = d.x[i * k + c];
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
  }
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < n; i++) {
    if (d.y[i] < yMin) yMin = d.y[i];
    if (d.y[i] > yMax) yMax = d.y[i];
  }
  return { min, max, yMin, yMax };
}
