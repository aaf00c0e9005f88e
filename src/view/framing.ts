/**
 * What the main camera wants at each slider position, as pure functions (no DOM, no GPU):
 *  - the orientation each representation asks for (top-down for 1-D and 2-D, oblique for 3-D), eased
 *    across each segment so that it never snaps;
 *  - the framing table: the box of the probe points at t = i / perLayer for every i, recomputed when the
 *    weights or the projections change and smoothed over those updates (a layer does not re-zoom or jitter
 *    as training goes on). Between samples the box is interpolated linearly, so it is continuous in t.
 */
import type { Box3 } from 'three';
import type { LayerBufferLayout } from '../engine/types';
import { createCoefficients, evaluate, type DisplayPath } from './display';
import { PHASE_ENDS } from './path';

export interface Orientation {
  /** Tilt away from straight down the z axis (radians). */
  tilt: number;
  /** Turn about the z axis (radians). */
  turn: number;
}

/** The oblique view of 3-D representations: 60° from the vertical, turned 35°. */
export const OBLIQUE: Readonly<Orientation> = { tilt: (60 * Math.PI) / 180, turn: (35 * Math.PI) / 180 };
export const TOP_DOWN: Readonly<Orientation> = { tilt: 0, turn: 0 };

/** Framing samples per layer of the slider. */
export const SAMPLES_PER_LAYER = 40;
/** Share of a new framing taken at each update (exponential smoothing over training). */
export const FRAMING_SMOOTHING = 0.3;

/** 0..1 with zero slope at both ends. */
export function ease(u: number): number {
  const x = Math.min(1, Math.max(0, u));
  return x * x * (3 - 2 * x);
}

function wanted(dims: number): Readonly<Orientation> {
  return dims >= 3 ? OBLIQUE : TOP_DOWN;
}

/**
 * The orientation at slider position t, with dims[r] the display dimensions of representation r. Reduced
 * motion: one orientation along the whole slider (oblique where any representation is 3-D).
 */
export function orientationAt(
  t: number,
  dims: readonly number[],
  reducedMotion: boolean,
  out: Orientation = { tilt: 0, turn: 0 },
): Orientation {
  const layers = dims.length - 1;
  if (reducedMotion || layers < 1) {
    const o = dims.some((d) => d >= 3) ? OBLIQUE : TOP_DOWN;
    out.tilt = o.tilt;
    out.turn = o.turn;
    return out;
  }
  const x = Math.min(layers, Math.max(0, t));
  const k = Math.min(layers - 1, Math.floor(x));
  const a = wanted(dims[k]);
  const b = wanted(dims[k + 1]);
  const e = ease(x - k);
  out.tilt = a.tilt + (b.tilt - a.tilt) * e;
  out.turn = a.turn + (b.turn - a.turn) * e;
  return out;
}

/** The framing box at t, linear between the table's samples. */
export function framingBoxAt(t: number, table: Float64Array, perLayer: number, out: Box3): Box3 {
  const samples = table.length / 6;
  if (samples < 1) return out.set(out.min.set(-1, -1, 0), out.max.set(1, 1, 0));
  const x = Math.min(samples - 1, Math.max(0, t * perLayer));
  const i = Math.min(samples - 2, Math.floor(x));
  if (i < 0) {
    out.min.set(table[0], table[1], table[2]);
    out.max.set(table[3], table[4], table[5]);
    return out;
  }
  const f = x - i;
  const a = 6 * i;
  const b = a + 6;
  const mix = (j: number): number => table[a + j] + (table[b + j] - table[a + j]) * f;
  out.min.set(mix(0), mix(1), mix(2));
  out.max.set(mix(3), mix(4), mix(5));
  return out;
}

/**
 * Share of the smaller size that the activation phase's pacing leaves out (see paceRatio). A saturating
 * activation squashes the far points first and the near ones last: the shape changes fastest as the
 * picture nears its final size, so the pace slows down there. 0.8 halved the largest step of the tori's
 * and the disk's final sigmoid (in the framed picture) against pacing by the whole size.
 */
export const PACE_FLOOR = 0.8;

/**
 * The factor the activation phase's pace is geometric in (DisplayPath.setTiming): not the whole size,
 * which spends the same time on every 10 % of shrinking, but the size beyond PACE_FLOOR of the smaller
 * end, which keeps shrinking by the same factor right up to the end, where the shape changes most.
 */
export function paceRatio(from: number, to: number): number {
  const floor = PACE_FLOOR * Math.min(from, to);
  return (to - floor) / (from - floor);
}

/** The framing table of one network: boxes at every sample, smoothed over updates. */
export class FramingTable {
  readonly perLayer: number;
  /** min x, y, z, max x, y, z per sample; (layers · perLayer + 1) samples. */
  readonly boxes: Float64Array;
  private readonly fresh: Float64Array;
  private readonly position = new Float32Array(3);
  private readonly coefficients = createCoefficients();
  private filled = false;

  constructor(layers: number, perLayer = SAMPLES_PER_LAYER) {
    this.perLayer = perLayer;
    this.boxes = new Float64Array(6 * (layers * perLayer + 1));
    this.fresh = new Float64Array(this.boxes.length);
  }

  /** The diagonal of the probes' box at slider position t. */
  private sizeAt(
    path: DisplayPath,
    t: number,
    layout: LayerBufferLayout,
    data: Float32Array,
    count: number,
    jitter: (v: number) => number,
  ): number {
    const c = path.coefficientsAt(t, this.coefficients);
    const p = this.position;
    let x0 = Infinity;
    let y0 = Infinity;
    let z0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    let z1 = -Infinity;
    for (let v = 0; v < count; v++) {
      evaluate(c, layout, data, v, jitter(v), p, 0);
      x0 = Math.min(x0, p[0]);
      x1 = Math.max(x1, p[0]);
      y0 = Math.min(y0, p[1]);
      y1 = Math.max(y1, p[1]);
      z0 = Math.min(z0, p[2]);
      z1 = Math.max(z1, p[2]);
    }
    const size = Math.hypot(x1 - x0, y1 - y0, z1 - z0);
    return Number.isFinite(size) ? Math.max(1e-6, size) : 1;
  }

  /** Forget the history (a new network or new points): the next update is taken whole. */
  clear(): void {
    this.filled = false;
  }

  /**
   * Recomputes the boxes from `count` probes (their representations in `data`, in `layout`); probes below
   * `jittered` are points whose 1-unit bands spread by jitter[v]. `smoothing` is the share of the new boxes.
   */
  update(
    path: DisplayPath,
    layout: LayerBufferLayout,
    data: Float32Array,
    count: number,
    jitter: (v: number) => number,
    smoothing = FRAMING_SMOOTHING,
  ): void {
    const fresh = this.fresh;
    const samples = fresh.length / 6;
    // Pace each segment's phases by how much they grow or shrink the picture (DisplayPath.setTiming).
    for (let k = 0; k < path.layers; k++) {
      const start = this.sizeAt(path, k, layout, data, count, jitter);
      const linearEnd = this.sizeAt(path, k + PHASE_ENDS.linear, layout, data, count, jitter);
      const biasEnd = this.sizeAt(path, k + PHASE_ENDS.bias, layout, data, count, jitter);
      const end = this.sizeAt(path, k + 1 - 1e-9, layout, data, count, jitter);
      path.setTiming(k, linearEnd / start, paceRatio(biasEnd, end));
    }
    const p = this.position;
    for (let i = 0; i < samples; i++) {
      const c = path.coefficientsAt(i / this.perLayer, this.coefficients);
      let x0 = Infinity;
      let y0 = Infinity;
      let z0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      let z1 = -Infinity;
      for (let v = 0; v < count; v++) {
        evaluate(c, layout, data, v, jitter(v), p, 0);
        if (!Number.isFinite(p[0] + p[1] + p[2])) continue;
        if (p[0] < x0) x0 = p[0];
        if (p[0] > x1) x1 = p[0];
        if (p[1] < y0) y0 = p[1];
        if (p[1] > y1) y1 = p[1];
        if (p[2] < z0) z0 = p[2];
        if (p[2] > z1) z1 = p[2];
      }
      if (!(x1 >= x0)) {
        x0 = y0 = z0 = -1;
        x1 = y1 = z1 = 1;
      }
      // Never a box of zero size: a representation collapsed to a point still gets a view around it.
      const r = 1e-3 * Math.max(1, Math.abs(x0), Math.abs(x1), Math.abs(y0), Math.abs(y1));
      const o = 6 * i;
      fresh[o] = x0 - r;
      fresh[o + 1] = y0 - r;
      fresh[o + 2] = z0;
      fresh[o + 3] = x1 + r;
      fresh[o + 4] = y1 + r;
      fresh[o + 5] = z1;
    }
    const k = this.filled ? smoothing : 1;
    // (Growth factors are not smoothed: they only pace the path; the boxes that follow it are.)
    // A box grows at once (nothing leaves the view) and shrinks smoothly (no re-zoom from one update
    // to the next).
    const boxes = this.boxes;
    for (let j = 0; j < fresh.length; j++) {
      const grows = j % 6 < 3 ? fresh[j] < boxes[j] : fresh[j] > boxes[j];
      boxes[j] = grows ? fresh[j] : boxes[j] + (fresh[j] - boxes[j]) * k;
    }
    this.filled = true;
  }
}
