/**
 * What the main camera frames at each slider position, as pure functions (no DOM, no GPU):
 *  - the framing table: the box of the probe points and the probes themselves at t = i / perLayer for
 *    every i, recomputed when the weights or the projections change and smoothed over those updates (a
 *    layer does not re-zoom or jitter as training goes on). Between samples they are interpolated
 *    linearly, so the camera fitted to them is continuous in t;
 *  - the pace of every phase, from how much the framed picture moves along it (FramingTable.pace).
 */
import { setBox, type Box } from './cameraFit';
import type { LayerBufferLayout } from '../../engine/types';
import { type DisplayPath } from './displayPath';
import { createCoefficients, evaluate } from './coefficients';
import { PHASE_ENDS } from './phases';

/** Framing samples per layer of the slider. */
export const SAMPLES_PER_LAYER = 100;
/** Share of a new framing taken at each update (exponential smoothing over training). */
export const FRAMING_SMOOTHING = 0.3;
/**
 * How far beyond the data the grid is framed, as a share of the data's extent on each side: the grid
 * around the points is shown, but a grid stretched far from the data never shrinks the data to a corner.
 */
export const GRID_REACH = 0.25;

/**
 * Frames the data: probes [0, points) are data points and framed as they are; the others (the grid) are
 * drawn in towards the points' centre until they lie inside the ellipsoid that fills the points' box
 * widened by GRID_REACH of its extent on each side (an ellipsoid, not the box: an oblique view of a 3-D
 * cloud would otherwise frame the box's empty corners). In place on `p` (count x 3). No point probes (or
 * none finite): left as they are.
 */
export function clampToData<A extends Float32Array | Float64Array>(p: A, count: number, points: number): A {
  if (points <= 0 || points >= count) return p;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let v = 0; v < points; v++) {
    for (let a = 0; a < 3; a++) {
      const x = p[3 * v + a];
      if (x < lo[a]) lo[a] = x;
      if (x > hi[a]) hi[a] = x;
    }
  }
  if (!(hi[0] >= lo[0] && hi[1] >= lo[1] && hi[2] >= lo[2])) return p;
  const c = [0, 1, 2].map((a) => (lo[a] + hi[a]) / 2);
  const scale = Math.max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2], 1e-12);
  // Semi-axes; an axis the points do not spread along (z of a flat layer) holds the grid at their level.
  const r = [0, 1, 2].map((a) => Math.max(((hi[a] - lo[a]) / 2) * (1 + 2 * GRID_REACH), 1e-9 * scale));
  for (let v = points; v < count; v++) {
    const o = 3 * v;
    const dx = p[o] - c[0];
    const dy = p[o + 1] - c[1];
    const dz = p[o + 2] - c[2];
    const k = Math.hypot(dx / r[0], dy / r[1], dz / r[2]);
    if (!(k > 1)) continue;
    p[o] = c[0] + dx / k;
    p[o + 1] = c[1] + dy / k;
    p[o + 2] = c[2] + dz / k;
  }
  return p;
}

/** The framing box at t, linear between the table's samples. */
export function framingBoxAt<B extends Box>(t: number, table: Float64Array, perLayer: number, out: B): B {
  const samples = table.length / 6;
  if (samples < 1) return setBox(out, -1, -1, 0, 1, 1, 0);
  const x = Math.min(samples - 1, Math.max(0, t * perLayer));
  const i = Math.min(samples - 2, Math.floor(x));
  if (i < 0) return setBox(out, table[0], table[1], table[2], table[3], table[4], table[5]);
  const f = x - i;
  const a = 6 * i;
  const b = a + 6;
  const mix = (j: number): number => table[a + j] + (table[b + j] - table[a + j]) * f;
  return setBox(out, mix(0), mix(1), mix(2), mix(3), mix(4), mix(5));
}

/** Steps at which each phase's motion is measured for its pace (see FramingTable.update). */
export const PACE_STEPS = 64;
/** Probes (at most) whose motion paces the phases. */
export const PACE_PROBES = 512;
/**
 * Share of a phase's mean pace that every part of it gets at least: where nothing moves, the slider still
 * moves on (a still stretch is not skipped in one step).
 */
export const PACE_FLOOR = 0.05;
/** Weight of the picture's change of size (its log) in the motion that paces a phase. */
export const ZOOM_WEIGHT = 0.5;
/** Motion (in the picture's diagonals) below which a phase counts as still: its pace stays even. */
export const PACE_MIN_MOTION = 0.02;

/** The phases of a segment on its local parameter u: [start, end). */
const PHASE_SPANS: readonly [number, number][] = [
  [0, PHASE_ENDS.linear],
  [PHASE_ENDS.linear, PHASE_ENDS.bias],
  [PHASE_ENDS.bias, PHASE_ENDS.activation],
];

/**
 * The framing table of one network: per sample (t = i / perLayer) the box of the probes and the probes
 * themselves, smoothed over updates, and each phase's pace.
 */
export class FramingTable {
  readonly perLayer: number;
  /** min x, y, z, max x, y, z per sample; (layers · perLayer + 1) samples. */
  readonly boxes: Float64Array;
  /** Probe positions per sample (count x 3 floats each), smoothed like the boxes; the camera fits these. */
  positions: Float32Array = new Float32Array(0);
  /** Probes per sample in `positions`. */
  count = 0;
  /** The first `pointCount` probes are data points (the camera frames them; the grid only near them). */
  pointCount = 0;
  /** Counts the updates and clears: a camera that caches what it fitted to the table refits when it moves. */
  version = 0;
  /** Width over height of the view the picture is framed in (paces are measured in its units). */
  aspect = 1.5;
  private readonly fresh: Float64Array;
  private freshPositions: Float32Array = new Float32Array(0);
  private readonly position = new Float32Array(3);
  private readonly coefficients = createCoefficients();
  private readonly samples: number;
  private paceBefore = new Float64Array(0);
  private paceNow = new Float64Array(0);
  private readonly motion = new Float64Array(PACE_STEPS + 1);
  private readonly cumulative = new Float64Array(PACE_STEPS + 1);
  private filled = false;

  constructor(layers: number, perLayer = SAMPLES_PER_LAYER) {
    this.perLayer = perLayer;
    this.samples = layers * perLayer + 1;
    this.boxes = new Float64Array(6 * this.samples);
    this.fresh = new Float64Array(this.boxes.length);
  }

  /** The framing box at slider position t (linear between samples). */
  boxAt<B extends Box>(t: number, out: B): B {
    return framingBoxAt(t, this.boxes, this.perLayer, out);
  }

  /** Forget the history (a new network or new points): the next update is taken whole. */
  clear(): void {
    this.filled = false;
    this.version++;
  }

  /** The probes at slider position t (linear between samples) into out (count x 3). */
  positionsAt(t: number, out: Float32Array): Float32Array {
    const n = 3 * this.count;
    const x = Math.min(this.samples - 1, Math.max(0, t * this.perLayer));
    const i = Math.min(this.samples - 2, Math.floor(x));
    const p = this.positions;
    if (i < 0) {
      out.set(p.subarray(0, n));
      return out;
    }
    const f = x - i;
    const a = i * n;
    const b = a + n;
    for (let j = 0; j < n; j++) out[j] = p[a + j] + (p[b + j] - p[a + j]) * f;
    return out;
  }

  /** What the camera frames at slider position t: the probes, the grid clamped near the data (clampToData). */
  framedAt(t: number, out: Float32Array): Float32Array {
    return clampToData(this.positionsAt(t, out), this.count, this.pointCount);
  }

  /**
   * Paces every phase of every segment (DisplayPath.setPace) so that the picture moves by about the same
   * amount at every step of the slider inside a phase: the motion of up to PACE_PROBES probes, each
   * measured against the size of the probes' box at that moment (what the framed picture shows), at
   * PACE_STEPS steps of the phase; the pace is the inverse of the accumulated motion. A saturating
   * activation that squashes the plane forty-fold, a rotation that turns fast in its middle, a bias that
   * barely moves: each gets the share of its phase that its motion asks for.
   */
  private pace(
    path: DisplayPath,
    layout: LayerBufferLayout,
    data: Float32Array,
    count: number,
    jitter: (v: number) => number,
  ): void {
    const stride = Math.max(1, Math.floor(count / PACE_PROBES));
    const n = Math.ceil(count / stride);
    if (this.paceBefore.length !== 3 * n) {
      this.paceBefore = new Float64Array(3 * n);
      this.paceNow = new Float64Array(3 * n);
    }
    const c = this.coefficients;
    const p = this.position;
    const motion = this.motion;
    for (let k = 0; k < path.layers; k++) {
      for (let phase = 0; phase < 3; phase++) {
        path.setPace(k, phase, null);
        const [u0, u1] = PHASE_SPANS[phase];
        let total = 0;
        let sizeBefore = 1;
        for (let step = 0; step <= PACE_STEPS; step++) {
          path.coefficientsInSegment(k, u0 + ((u1 - u0) * step) / PACE_STEPS, c);
          const now = this.paceNow;
          let x0 = Infinity;
          let y0 = Infinity;
          let z0 = Infinity;
          let x1 = -Infinity;
          let y1 = -Infinity;
          let z1 = -Infinity;
          for (let i = 0; i < n; i++) {
            const v = i * stride;
            evaluate(c, layout, data, v, jitter(v), p, 0);
            const ok = Number.isFinite(p[0] + p[1] + p[2]);
            now[3 * i] = ok ? p[0] : 0;
            now[3 * i + 1] = ok ? p[1] : 0;
            now[3 * i + 2] = ok ? p[2] : 0;
            if (!ok) continue;
            x0 = Math.min(x0, p[0]);
            x1 = Math.max(x1, p[0]);
            y0 = Math.min(y0, p[1]);
            y1 = Math.max(y1, p[1]);
            z0 = Math.min(z0, p[2]);
            z1 = Math.max(z1, p[2]);
          }
          // What the view frames: the data, and the grid only near it.
          clampToData(now, n, Math.ceil(this.pointCount / stride));
          x0 = y0 = z0 = Infinity;
          x1 = y1 = z1 = -Infinity;
          for (let i = 0; i < n; i++) {
            const [x, y, z] = [now[3 * i], now[3 * i + 1], now[3 * i + 2]];
            if (!Number.isFinite(x + y + z)) continue;
            [x0, y0, z0] = [Math.min(x0, x), Math.min(y0, y), Math.min(z0, z)];
            [x1, y1, z1] = [Math.max(x1, x), Math.max(y1, y), Math.max(z1, z)];
          }
          // In units of the picture as the view fits it: about the box's centre, over the extent that sets
          // the zoom (the width over the view's aspect, or the height; depth counts as height).
          const size = Math.max(1e-9, (x1 - x0) / this.aspect, y1 - y0, z1 - z0) || 1;
          const cx = (x0 + x1) / 2 || 0;
          const cy = (y0 + y1) / 2 || 0;
          const cz = (z0 + z1) / 2 || 0;
          for (let i = 0; i < n; i++) {
            now[3 * i] = (now[3 * i] - cx) / size;
            now[3 * i + 1] = (now[3 * i + 1] - cy) / size;
            now[3 * i + 2] = (now[3 * i + 2] - cz) / size;
          }
          if (step > 0) {
            const before = this.paceBefore;
            let sum = 0;
            let max = 0;
            for (let i = 0; i < n; i++) {
              const d = Math.hypot(
                now[3 * i] - before[3 * i],
                now[3 * i + 1] - before[3 * i + 1],
                now[3 * i + 2] - before[3 * i + 2],
              );
              sum += d;
              if (d > max) max = d;
            }
            // The largest move and the mean one alike: no probe jumps, and the picture as a whole is even.
            // A picture that grows or shrinks moves too: the camera follows its size, and a steady camera
            // asks for the zoom to be spread over the phase as evenly as the motion.
            const m = 0.5 * (sum / n + max) + ZOOM_WEIGHT * Math.abs(Math.log(size / sizeBefore));
            motion[step] = Number.isFinite(m) ? m : 0;
            total += motion[step];
          } else motion[0] = 0;
          this.paceNow = this.paceBefore;
          this.paceBefore = now;
          sizeBefore = size;
        }
        // The floor is a share of the phase's motion, and at least a share of the picture: a phase that
        // barely moves the framed picture (a bias that only translates it) keeps an even pace, not one
        // shaped by rounding.
        const floor = Math.max(PACE_FLOOR * total, PACE_MIN_MOTION) / PACE_STEPS;
        // Cumulative motion (with the floor) at s = step / PACE_STEPS, normalised to 0..1; the pace is its
        // inverse: the progress at which the motion reaches j / PACE_STEPS of its whole.
        const cumulative = this.cumulative;
        cumulative[0] = 0;
        for (let step = 1; step <= PACE_STEPS; step++)
          cumulative[step] = cumulative[step - 1] + motion[step] + floor;
        const whole = cumulative[PACE_STEPS];
        const table = new Float64Array(PACE_STEPS + 1);
        let i = 0;
        for (let j = 1; j < PACE_STEPS; j++) {
          const target = (whole * j) / PACE_STEPS;
          while (i < PACE_STEPS - 1 && cumulative[i + 1] < target) i++;
          const f = (target - cumulative[i]) / Math.max(1e-300, cumulative[i + 1] - cumulative[i]);
          table[j] = (i + Math.min(1, Math.max(0, f))) / PACE_STEPS;
        }
        table[PACE_STEPS] = 1;
        path.setPace(k, phase, table);
      }
    }
  }

  /**
   * Recomputes the paces, the boxes and the probe positions from `count` probes (their representations
   * in `data`, in `layout`); `jitter(v)` spreads 1-unit bands. `smoothing` is the share of the new values.
   */
  update(
    path: DisplayPath,
    layout: LayerBufferLayout,
    data: Float32Array,
    count: number,
    jitter: (v: number) => number,
    smoothing = FRAMING_SMOOTHING,
  ): void {
    this.pace(path, layout, data, count, jitter);
    const fresh = this.fresh;
    const samples = this.samples;
    if (this.count !== count) {
      this.count = count;
      this.positions = new Float32Array(samples * count * 3);
      this.freshPositions = new Float32Array(samples * count * 3);
      this.filled = false;
    }
    const fp = this.freshPositions;
    const p = this.position;
    for (let i = 0; i < samples; i++) {
      const c = path.coefficientsAt(i / this.perLayer, this.coefficients);
      let x0 = Infinity;
      let y0 = Infinity;
      let z0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      let z1 = -Infinity;
      const base = i * count * 3;
      for (let v = 0; v < count; v++) {
        evaluate(c, layout, data, v, jitter(v), p, 0);
        if (!Number.isFinite(p[0] + p[1] + p[2])) {
          fp[base + 3 * v] = fp[base + 3 * v + 1] = fp[base + 3 * v + 2] = 0;
          continue;
        }
        fp[base + 3 * v] = p[0];
        fp[base + 3 * v + 1] = p[1];
        fp[base + 3 * v + 2] = p[2];
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
    // A box grows at once (nothing leaves the view) and shrinks smoothly (no re-zoom from one update
    // to the next); the probes the camera fits follow smoothly.
    const boxes = this.boxes;
    for (let j = 0; j < fresh.length; j++) {
      const grows = j % 6 < 3 ? fresh[j] < boxes[j] : fresh[j] > boxes[j];
      boxes[j] = grows ? fresh[j] : boxes[j] + (fresh[j] - boxes[j]) * k;
    }
    const positions = this.positions;
    for (let j = 0; j < fp.length; j++) positions[j] += (fp[j] - positions[j]) * k;
    this.filled = true;
    this.version++;
  }
}
