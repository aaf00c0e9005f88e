/**
 * What a thumbnail draws (DOM-free): one hidden layer's representation of up to 300 data points, and of
 * a coarse grid of the input plane, as 2-D positions. Computed with the TypeScript twin's forward pass
 * (src/engine/twin.ts) on the CPU: 300 points through a network of at most 320 parameters is about 0.1
 * million multiply-adds per member, under a millisecond, where the GPU would need a buffer set, a
 * dispatch and a readback per member for the same picture.
 *
 * Layers wider than 2 are projected on their first two principal components over the drawn points (the
 * grid goes through the same projection); a 1-unit layer is drawn as a strip, the unit's value across and
 * the class up.
 */
import type { Dataset } from '../data/types';
import type { NetworkSpec } from '../engine/spec';
import { forward } from '../engine/twin';
import { PcaTracker } from '../view/math/pcaTracker';

export const MAX_POINTS = 300;
/** Lines of the coarse grid in each direction, and samples along each. */
export const GRID_LINES = 9;
const GRID_SAMPLES = 24;

export type Projection = 'units' | 'pca' | 'strip';

export interface Representation {
  /** x, y per point. */
  points: Float32Array;
  labels: Uint8Array;
  /** Polylines of the grid (x, y pairs), empty when the input is not a plane. */
  lines: Float32Array[];
  projection: Projection;
}

/** Evenly spread indices of at most `most` of `n` points. */
export function pointPicks(n: number, most = MAX_POINTS): number[] {
  const take = Math.min(n, most);
  return Array.from({ length: take }, (_, i) => Math.floor((i * n) / take));
}

/** Words for how a layer of `width` units is drawn. */
export function projectionText(width: number): string {
  if (width === 1) return 'one unit: its value across, the class up';
  if (width === 2) return 'the two units as they are';
  return `${width} units projected on their first two principal components`;
}

/** A deterministic spread in [−1, 1] for point i (keeps a strip's points apart). */
const jitter = (i: number): number => (((i * 2654435761) >>> 0) / 4294967296) * 2 - 1;

export function representation(
  spec: NetworkSpec,
  params: ArrayLike<number>,
  data: Dataset,
  layer: number,
): Representation {
  const width = spec.layers[layer - 1].units;
  const inSize = data.inputSize;
  const picks = pointPicks(data.y.length);
  const hidden = (input: ArrayLike<number>): Float64Array => forward(spec, params, input).post[layer];
  const reps = picks.map((i) => hidden(data.x.subarray(i * inSize, (i + 1) * inSize)));
  const labels = Uint8Array.from(picks, (i) => data.y[i]);

  const grid: Float64Array[][] = [];
  if (inSize === 2) {
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < data.y.length; i++) {
      x0 = Math.min(x0, data.x[2 * i]);
      x1 = Math.max(x1, data.x[2 * i]);
      y0 = Math.min(y0, data.x[2 * i + 1]);
      y1 = Math.max(y1, data.x[2 * i + 1]);
    }
    const at = (lo: number, hi: number, t: number): number => lo + (hi - lo) * t;
    for (let k = 0; k < GRID_LINES; k++) {
      const u = k / (GRID_LINES - 1);
      const across: Float64Array[] = [];
      const up: Float64Array[] = [];
      for (let s = 0; s < GRID_SAMPLES; s++) {
        const v = s / (GRID_SAMPLES - 1);
        across.push(hidden([at(x0, x1, v), at(y0, y1, u)]));
        up.push(hidden([at(x0, x1, u), at(y0, y1, v)]));
      }
      grid.push(across, up);
    }
  }

  let project: (r: Float64Array, i: number) => [number, number];
  let projection: Projection;
  if (width === 1) {
    projection = 'strip';
    project = (r, i) => [r[0], i < 0 ? NaN : labels[i] + 0.3 * jitter(i)];
  } else if (width === 2) {
    projection = 'units';
    project = (r) => [r[0], r[1]];
  } else {
    projection = 'pca';
    const flat = new Float64Array(reps.length * width);
    reps.forEach((r, i) => flat.set(r, i * width));
    const pca = new PcaTracker(width);
    pca.update(flat, 0, reps.length);
    const mean = new Float64Array(width);
    for (const r of reps) for (let j = 0; j < width; j++) mean[j] += r[j] / reps.length;
    const v = pca.vectors;
    project = (r) => {
      let a = 0;
      let b = 0;
      for (let j = 0; j < width; j++) {
        a += (r[j] - mean[j]) * v[j];
        b += (r[j] - mean[j]) * v[width + j];
      }
      return [a, b];
    };
  }
  const points = new Float32Array(reps.length * 2);
  reps.forEach((r, i) => points.set(project(r, i), 2 * i));
  // A strip has no room for a grid: each grid line would be a run along one axis.
  const lines =
    projection === 'strip'
      ? []
      : grid.map((line) => {
          const out = new Float32Array(line.length * 2);
          line.forEach((r, s) => out.set(project(r, -1), 2 * s));
          return out;
        });
  return { points, labels, lines, projection };
}
