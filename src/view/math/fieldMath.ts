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
import { fieldJacobian, fieldWeight } from '../../engine/fieldTwin';
import type { FieldLayout, NetworkSpec } from '../../engine/spec';
import { paramLayout } from '../../engine/spec';
import { forwardInto, layerLayout } from './forward';
import { det } from './linalg';

/** V(x) into out (width d), x read from `xOffset`. */
export function fieldVector(
  f: FieldLayout,
  params: ArrayLike<number>,
  x: ArrayLike<number>,
  out: Float64Array,
  xOffset = 0,
): Float64Array {
  const d = f.width;
  out.fill(0, 0, d);
  for (let i = 0; i < f.anchors; i++) {
    const g = fieldWeight(f, params, x, i, xOffset);
    for (let u = 0; u < d; u++) out[u] += params[f.v + i * d + u] * g;
  }
  return out;
}

export { fieldJacobian };

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

/** Arrows per side of the lattice the main view draws over a field layer's input. */
export const ARROW_LATTICE = 16;

/** What the main view draws over a field layer: its arrows and anchors in display coordinates. */
export interface FieldPicture {
  /** The field layer (segment) drawn. */
  layer: number;
  /** Per arrow: tail x, y, z, head x, y, z (display coordinates of the layer's input). */
  arrows: Float32Array;
  arrowCount: number;
  /** Per anchor: x, y, z. */
  anchors: Float32Array;
  anchorCount: number;
}

/**
 * The field of layer k (a field layer) drawn over the plane: a lattice of n x n vertices of the input grid
 * (G x G vertices, the network's inputs in `inputs`, `inputSize` each) goes through the network; each arrow
 * runs from the vertex's representation entering the layer, a_k, to where the layer sends it,
 * a_k + V(a_k) = a_{k+1}, both through representation k's display basis (3 x w, natural unit order); the
 * anchors cᵢ through the same basis.
 */
export function fieldPicture(
  spec: NetworkSpec,
  params: ArrayLike<number>,
  k: number,
  basis: ArrayLike<number>,
  inputs: ArrayLike<number>,
  gridSize: number,
  n = ARROW_LATTICE,
): FieldPicture | null {
  const f = paramLayout(spec).field[k];
  if (!f || gridSize < 2) return null;
  const side = Math.min(n, gridSize);
  const size = spec.inputSize;
  const count = side * side;
  const lattice = new Float32Array(count * size);
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      const gi = Math.round(((i + 0.5) / side) * (gridSize - 1));
      const gj = Math.round(((j + 0.5) / side) * (gridSize - 1));
      const v = gj * gridSize + gi;
      for (let u = 0; u < size; u++) lattice[(j * side + i) * size + u] = inputs[v * size + u];
    }
  }
  const layout = layerLayout(spec, count);
  const data = new Float32Array(layout.totalFloats);
  forwardInto(spec, params, lattice, count, layout, data);
  const d = f.width;
  const project = (src: ArrayLike<number>, at: number, out: Float32Array, o: number): void => {
    for (let r = 0; r < 3; r++) {
      let sum = 0;
      for (let u = 0; u < d; u++) sum += basis[r * d + u] * src[at + u];
      out[o + r] = sum;
    }
  };
  const arrows = new Float32Array(6 * count);
  for (let v = 0; v < count; v++) {
    project(data, layout.offset[2 * k] + v * d, arrows, 6 * v);
    project(data, layout.offset[2 * k + 2] + v * d, arrows, 6 * v + 3);
  }
  const anchors = new Float32Array(3 * f.anchors);
  for (let i = 0; i < f.anchors; i++) project(params, f.centres + i * d, anchors, 3 * i);
  return { layer: k, arrows, arrowCount: count, anchors, anchorCount: f.anchors };
}

/**
 * The field layer whose arrows show at path position x (DisplayPath.pathPosition): the one whose segment
 * holds x, from its input up to but not at its output, or −1. The arrows stand on the layer's input, where
 * the plane was before it flowed: at the layer's output the plane has moved away from them, and the picture
 * that shows what the layer did is clearer without them (a story's end picture among them).
 */
export function fieldShownAt(spec: NetworkSpec, x: number): number {
  for (let k = 0; k < spec.layers.length; k++) if (spec.layers[k].field && x >= k && x < k + 1) return k;
  return -1;
}
