/**
 * A vector-field layer's field as the views need it (pure, float64): V(x) = Σᵢ vᵢ gᵢ(x) with
 * gᵢ(x) = exp(−‖x − cᵢ‖² / (2σ²)) (engine/fieldTwin.ts is the layer itself), its Jacobian
 * J(x) = I + Σᵢ vᵢ ∇gᵢ(x)ᵀ, ∇gᵢ(x) = −gᵢ(x) (x − cᵢ) / σ², when the layer is certainly one-to-one, where
 * over the data it turns space over, and the lattice of arrows the main view draws.
 *
 * One-to-one: f(x) = x + V(x) is injective wherever V is a contraction (f(x) = f(y) gives
 * ‖x − y‖ = ‖V(x) − V(y)‖ < ‖x − y‖ unless x = y). ‖∇gᵢ‖ = gᵢ ‖x − cᵢ‖ / σ² is largest at ‖x − cᵢ‖ = σ,
 * where it is e^(−½) / σ, so V's Lipschitz constant is at most Λ = Σᵢ ‖vᵢ‖ e^(−½) / σ: below 1 the layer
 * is a homeomorphism of the whole space. At or above it, it may fold: det J(x) ≤ 0 at a point says it does
 * there (the map turns space over, or flattens it).
 */
import type { FieldLayout, NetworkSpec } from '../../engine/spec';
import { paramLayout } from '../../engine/spec';
import { det } from './linalg';

/** V(x) into out (width d). */
export function fieldVector(
  f: FieldLayout,
  params: ArrayLike<number>,
  x: ArrayLike<number>,
  out: Float64Array,
  xOffset = 0,
): Float64Array {
  const d = f.width;
  const sigma = params[f.sigma];
  const scale = 1 / (2 * sigma * sigma);
  out.fill(0, 0, d);
  for (let i = 0; i < f.anchors; i++) {
    let d2 = 0;
    for (let u = 0; u < d; u++) {
      const diff = x[xOffset + u] - params[f.centres + i * d + u];
      d2 += diff * diff;
    }
    const g = Math.exp(-d2 * scale);
    for (let u = 0; u < d; u++) out[u] += params[f.v + i * d + u] * g;
  }
  return out;
}

/** J(x) = I + Σᵢ vᵢ ∇gᵢ(x)ᵀ into out (d x d, row-major). */
export function fieldJacobian(
  f: FieldLayout,
  params: ArrayLike<number>,
  x: ArrayLike<number>,
  out: Float64Array,
  xOffset = 0,
): Float64Array {
  const d = f.width;
  const sigma = params[f.sigma];
  const inv = 1 / (sigma * sigma);
  out.fill(0, 0, d * d);
  for (let u = 0; u < d; u++) out[u * d + u] = 1;
  for (let i = 0; i < f.anchors; i++) {
    let d2 = 0;
    for (let u = 0; u < d; u++) {
      const diff = x[xOffset + u] - params[f.centres + i * d + u];
      d2 += diff * diff;
    }
    const g = Math.exp(-d2 * inv * 0.5);
    for (let r = 0; r < d; r++) {
      const vr = params[f.v + i * d + r] * g * inv;
      if (vr === 0) continue;
      for (let c = 0; c < d; c++) out[r * d + c] -= vr * (x[xOffset + c] - params[f.centres + i * d + c]);
    }
  }
  return out;
}

/** Λ = Σᵢ ‖vᵢ‖ e^(−½) / σ: a bound on V's Lipschitz constant; below 1 the layer is one-to-one everywhere. */
export function lipschitzBound(f: FieldLayout, params: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < f.anchors; i++) {
    let s = 0;
    for (let u = 0; u < f.width; u++) s += params[f.v + i * f.width + u] ** 2;
    sum += Math.sqrt(s);
  }
  const sigma = Math.abs(params[f.sigma]);
  return sigma > 0 ? (sum * Math.exp(-0.5)) / sigma : sum > 0 ? Infinity : 0;
}

/**
 * The share of `count` points (the layer's input representations, d floats each from `offset` with
 * stride d) where det J ≤ 0: where the layer itself turns space over or flattens it.
 */
export function fieldFoldShare(
  f: FieldLayout,
  params: ArrayLike<number>,
  reps: ArrayLike<number>,
  offset: number,
  count: number,
): number {
  if (count <= 0) return 0;
  const d = f.width;
  const J = new Float64Array(d * d);
  const scratch = new Float64Array(d * d);
  let folded = 0;
  for (let v = 0; v < count; v++) {
    fieldJacobian(f, params, reps, J, offset + v * d);
    if (!(det(J, d, scratch) > 0)) folded++;
  }
  return folded / count;
}

/** Arrows of the field over a rectangle of its input, for drawing (display coordinates, 2-D). */
export interface FieldArrows {
  /** Per arrow: tail x, y, head x, y (the head at x + V(x)). */
  segments: Float32Array;
  /** Per anchor: x, y. */
  anchors: Float32Array;
  count: number;
  /** The longest arrow's length. */
  longest: number;
}

/**
 * The field at an n x n lattice over [x0, x1] x [y0, y1] of a 2-unit field layer's input (units u0, u1 on
 * the display's x and y; any other unit, in a wider layer, taken at 0), arrows from x to x + V(x).
 */
export function fieldArrows(
  f: FieldLayout,
  params: ArrayLike<number>,
  box: readonly [number, number, number, number],
  n: number,
  units: readonly [number, number] = [0, 1],
): FieldArrows {
  const d = f.width;
  const x = new Float64Array(d);
  const out = new Float64Array(d);
  const segments = new Float32Array(4 * n * n);
  const [x0, y0, x1, y1] = box;
  let longest = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      x.fill(0);
      x[units[0]] = x0 + ((i + 0.5) / n) * (x1 - x0);
      x[units[1]] = y0 + ((j + 0.5) / n) * (y1 - y0);
      fieldVector(f, params, x, out);
      const o = 4 * (j * n + i);
      segments[o] = x[units[0]];
      segments[o + 1] = x[units[1]];
      segments[o + 2] = x[units[0]] + out[units[0]];
      segments[o + 3] = x[units[1]] + out[units[1]];
      longest = Math.max(longest, Math.hypot(out[units[0]], out[units[1]]));
    }
  }
  const anchors = new Float32Array(2 * f.anchors);
  for (let i = 0; i < f.anchors; i++) {
    anchors[2 * i] = params[f.centres + i * d + units[0]];
    anchors[2 * i + 1] = params[f.centres + i * d + units[1]];
  }
  return { segments, anchors, count: n * n, longest };
}

/** The field layout of layer l, or null for a dense layer. */
export function fieldOf(spec: NetworkSpec, l: number): FieldLayout | null {
  return paramLayout(spec).field[l] ?? null;
}
