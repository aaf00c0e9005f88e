/**
 * What a thumbnail draws (DOM-free): one hidden layer's representation of up to 300 data points, and of
 * a coarse grid of the input plane, as 2-D positions. Computed with the TypeScript twin's forward pass
 * (src/engine/twin.ts) on the CPU: 300 points through a network of at most 320 parameters is about 0.1
 * million multiply-adds per member, under a millisecond, where the GPU would need a buffer set, a
 * dispatch and a readback per member for the same picture.
 *
 * Layers wider than 2 are projected as the main view projects wide layers by default (DecisionTracker in
 * src/view/math/decisionTracker.ts, fitted on the drawn points): across, the direction the later layers
 * read the class from (the output's weights for the last hidden layer, else a logistic fit of the
 * network's own predictions); up, the largest spread left once that direction is taken out. The grid goes
 * through the same projection, and the threshold along the decision axis is kept for drawing. Their first
 * two principal components ('pca', the spread alone) can be asked for instead: a layer that classifies at
 * 100 % often looks tangled there, the inner ring still inside the outer one. A 1-unit layer is drawn as a
 * strip, the unit's value across and the class up.
 */
import type { Dataset } from '../data/types';
import { memberSpec } from '../engine/populationConfig';
import type { NetworkSpec } from '../engine/spec';
import { paramLayout } from '../engine/spec';
import { forward } from '../engine/twin';
import { DecisionTracker, type DecisionInput } from '../view/math/decisionTracker';
import { inverseActivation } from '../view/math/displayPath';
import { PcaTracker } from '../view/math/pcaTracker';
import type { SweepResult } from '../experiment/sweep';

export const MAX_POINTS = 300;
/** Lines of the coarse grid in each direction, and samples along each. */
export const GRID_LINES = 9;
const GRID_SAMPLES = 24;

export type Projection = 'units' | 'decision' | 'pca' | 'strip';
/** How a layer wider than 2 is projected. */
export type WideProjection = 'decision' | 'pca';

export interface Representation {
  /** x, y per point. */
  points: Float32Array;
  labels: Uint8Array;
  /** Polylines of the grid (x, y pairs), empty when the input is not a plane. */
  lines: Float32Array[];
  projection: Projection;
  /** Names of the horizontal and vertical axes ('decision', 'PC1', 'unit 1', …). */
  axes: [string, string];
  /** The decision threshold along the horizontal axis (class 1 beyond it), or null where there is none. */
  threshold: number | null;
}

/** Evenly spread indices of at most `most` of `n` points. */
export function pointPicks(n: number, most = MAX_POINTS): number[] {
  const take = Math.min(n, most);
  return Array.from({ length: take }, (_, i) => Math.floor((i * n) / take));
}

/** Words for how a layer of `width` units is drawn. */
export function projectionText(width: number, wide: WideProjection = 'decision'): string {
  if (width === 1) return 'one unit: its value across, the class up';
  if (width === 2) return 'the two units as they are';
  if (wide === 'pca') return 'projected on their first two principal components';
  return (
    'decision-aligned, as the main view draws wide layers (across, the direction the later layers read the ' +
    'class from, the dashed line their threshold; up, the largest spread left)'
  );
}

/** The network's predicted class of one output (one unit: above ½; several: the largest). */
function predictedClass(out: ArrayLike<number>): number {
  if (out.length === 1) return out[0] > 0.5 ? 1 : 0;
  let best = 0;
  for (let c = 1; c < out.length; c++) if (out[c] > out[best]) best = c;
  return best;
}

/** The output layer as the decision projection reads it, when `layer` is the last hidden layer. */
function outputOf(spec: NetworkSpec, params: ArrayLike<number>, layer: number): DecisionInput['output'] {
  const L = spec.layers.length;
  if (layer !== L - 1) return null;
  const out = spec.layers[L - 1];
  const width = spec.layers[layer - 1].units;
  const pl = paramLayout(spec);
  const from = (start: number, n: number): Float64Array =>
    Float64Array.from({ length: n }, (_, i) => params[start + i]);
  return {
    weights: from(pl.weight[L - 1], out.units * width),
    bias: from(pl.bias[L - 1], out.units),
    units: out.units,
    level: inverseActivation(out.activation, out.slope, 0.5) ?? 0,
  };
}

/** A deterministic spread in [−1, 1] for point i (keeps a strip's points apart). */
const jitter = (i: number): number => (((i * 2654435761) >>> 0) / 4294967296) * 2 - 1;

export function representation(
  spec: NetworkSpec,
  params: ArrayLike<number>,
  data: Dataset,
  layer: number,
  wide: WideProjection = 'decision',
): Representation {
  const width = spec.layers[layer - 1].units;
  const inSize = data.inputSize;
  const picks = pointPicks(data.y.length);
  const hidden = (input: ArrayLike<number>): Float64Array => forward(spec, params, input).post[layer];
  const traces = picks.map((i) => forward(spec, params, data.x.subarray(i * inSize, (i + 1) * inSize)));
  const reps = traces.map((t) => t.post[layer]);
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
  let axes: [string, string] = ['PC1', 'PC2'];
  let threshold: number | null = null;
  if (width === 1) {
    projection = 'strip';
    axes = ['unit 1', 'class'];
    project = (r, i) => [r[0], i < 0 ? NaN : labels[i] + 0.3 * jitter(i)];
  } else if (width === 2) {
    projection = 'units';
    axes = ['unit 1', 'unit 2'];
    project = (r) => [r[0], r[1]];
  } else if (wide === 'decision') {
    projection = 'decision';
    const flat = new Float64Array(reps.length * width);
    reps.forEach((r, i) => flat.set(r, i * width));
    const L = spec.layers.length;
    const tracker = new DecisionTracker(width);
    tracker.update({
      data: flat,
      offset: 0,
      count: reps.length,
      labels,
      classes: data.classes,
      predictions: data.classes === 2 ? traces.map((t) => predictedClass(t.post[L])) : null,
      output: outputOf(spec, params, layer),
    });
    const names = tracker.labels;
    axes = [names[0], names[1]];
    threshold = tracker.boundary?.level ?? null;
    const v = tracker.vectors;
    // Not centred: the first coordinate is the position along the decision axis, as the threshold is.
    project = (r) => {
      let a = 0;
      let b = 0;
      for (let j = 0; j < width; j++) {
        a += r[j] * v[j];
        b += r[j] * v[width + j];
      }
      return [a, b];
    };
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
  return { points, labels, lines, projection, axes, threshold };
}

/**
 * What one member's thumbnail draws: the sweep's network with the member's width of the varied layer,
 * its final weights, that layer. `spec` is the sweep's network (the preset's widths), `data` the points
 * drawn (the test split, else the training set).
 */
export function memberRepresentation(
  spec: NetworkSpec,
  result: SweepResult,
  group: number,
  member: number,
  data: Dataset,
  wide: WideProjection = 'decision',
): Representation {
  const row = result.rows[group];
  const params = row.members[member].params;
  if (!params) throw new Error('the sweep kept no weights (keepParams) to draw its members with');
  return representation(memberSpec(spec, result.layer, row.width), params, data, result.layer, wide);
}
