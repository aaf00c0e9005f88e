/**
 * The display formula: every drawn vertex is an affine function of at most three of the representations
 * the engine writes for it,
 *
 *   position = A · a_k + B · z_{k+1} + C · a_{k+1} + c + jitter · e_y · j(v)
 *
 * (a_0 is the input, z the pre-activation, a the activation; j(v) a fixed per-point offset that spreads
 * 1-unit layers into a band). The display path (displayPath.ts) fills the coefficients for a slider
 * position; the GPU evaluates the formula in the vertex stage (draw/displayNodes.ts), and `evaluate` is
 * the same formula on the CPU (the WebGL2 fallback, picking, camera framing and the tests).
 */
import { LIMITS } from '../../engine/limits';
import type { LayerBufferLayout } from '../../engine/types';
import type { Phase } from './phases';

export const MAX_UNITS = LIMITS.maxWidth;

export interface Coefficients {
  /** The segment k: from representation k to k + 1 (k = L − 1 at the very end). */
  segment: number;
  /** Representation indices in the engine's layer buffer (0 input, 2l − 1 = z_l, 2l = a_l). */
  readonly source: Int32Array;
  /** Widths of the three sources. */
  readonly width: Int32Array;
  /** A, B, C: row-major 3 x width[k] each, in MAX_UNITS columns of room. */
  readonly matrix: [Float32Array, Float32Array, Float32Array];
  readonly offset: Float32Array;
  jitter: number;
  phase: Phase;
  /** Progress inside the phase, 0..1. */
  s: number;
  /** Dimensions on display: 1 (a line with a jittered band), 2 or 3. */
  dims: number;
}

export function createCoefficients(): Coefficients {
  return {
    segment: 0,
    source: new Int32Array(3),
    width: new Int32Array(3),
    matrix: [
      new Float32Array(3 * MAX_UNITS),
      new Float32Array(3 * MAX_UNITS),
      new Float32Array(3 * MAX_UNITS),
    ],
    offset: new Float32Array(3),
    jitter: 0,
    phase: 'linear',
    s: 0,
    dims: 2,
  };
}

/** The display formula on the CPU for vertex v: writes x, y, z into out[o..o+2]. */
export function evaluate(
  c: Coefficients,
  layout: LayerBufferLayout,
  data: Float32Array,
  v: number,
  jitter: number,
  out: Float32Array,
  o: number,
): void {
  let x = c.offset[0];
  let y = c.offset[1];
  let z = c.offset[2];
  for (let k = 0; k < 3; k++) {
    const w = c.width[k];
    const base = layout.offset[c.source[k]] + v * layout.width[c.source[k]];
    const M = c.matrix[k];
    for (let j = 0; j < w; j++) {
      const value = data[base + j];
      x += M[j] * value;
      y += M[w + j] * value;
      z += M[2 * w + j] * value;
    }
  }
  out[o] = x;
  out[o + 1] = y + c.jitter * jitter;
  out[o + 2] = z;
}
