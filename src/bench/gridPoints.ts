/**
 * Grids of the benchmark: N = 2^k vertices as a gx x gy lattice over [−R, R]², vertex v at column v mod gx,
 * row floor(v / gx). Points are made part by part, so a 16M-vertex grid never needs one huge array.
 */
import { Random } from '../random';
import type { NetworkSpec } from '../engine/spec';
import { paramLayout, widths } from '../engine/spec';

const RADIUS = 4;

export interface GridShape {
  vertices: number;
  columns: number;
  rows: number;
}

export function gridShape(vertices: number): GridShape {
  const columns = 2 ** Math.ceil(Math.log2(vertices) / 2);
  return { vertices, columns, rows: Math.ceil(vertices / columns) };
}

/** "1024×1024 (2^20)". */
export function gridLabel(vertices: number): string {
  const { columns, rows } = gridShape(vertices);
  const power = Math.log2(vertices);
  return Number.isInteger(power) ? `${columns}×${rows} (2^${power})` : `${columns}×${rows}`;
}

/** Coordinates of vertices [start, start + count), two floats each. */
export function gridPoints(shape: GridShape, start: number, count: number): Float32Array {
  const points = new Float32Array(count * 2);
  const dx = (2 * RADIUS) / Math.max(1, shape.columns - 1);
  const dy = (2 * RADIUS) / Math.max(1, shape.rows - 1);
  for (let k = 0; k < count; k++) {
    const v = start + k;
    points[2 * k] = -RADIUS + (v % shape.columns) * dx;
    points[2 * k + 1] = -RADIUS + Math.floor(v / shape.columns) * dy;
  }
  return points;
}

/**
 * Parameters for the grid workloads: Glorot-uniform weights and non-zero biases (the engine's own
 * initialisation has zero biases, which would leave part of the kernel untested).
 */
export function benchParams(spec: NetworkSpec, seed: number): Float32Array {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const random = new Random(seed);
  const params = new Float32Array(layout.count);
  for (let l = 0; l < spec.layers.length; l++) {
    const limit = Math.sqrt(6 / (w[l] + w[l + 1]));
    for (let k = 0; k < w[l] * w[l + 1]; k++) params[layout.weight[l] + k] = random.uniform(-limit, limit);
    for (let j = 0; j < w[l + 1]; j++) params[layout.bias[l] + j] = random.uniform(-0.5, 0.5);
  }
  return params;
}

/** Multiply-adds of one vertex through the network (a measure of work for the CPU baselines' caps). */
export function macsPerVertex(spec: NetworkSpec): number {
  const w = widths(spec);
  let macs = 0;
  for (let l = 1; l < w.length; l++) macs += w[l - 1] * w[l] + 8 * w[l];
  return macs;
}
