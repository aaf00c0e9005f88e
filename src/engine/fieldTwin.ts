/**
 * The twin of the vector-field layer (float64): f(x) = x + Σᵢ vᵢ·gᵢ(x), gᵢ(x) = exp(−‖x − cᵢ‖² / (2σ²)),
 * its backward pass, and where its anchors and σ come from. The layer's numbers sit in the parameter
 * array (see FieldLayout in spec.ts); docs/maths.md derives the gradient.
 */
import { Random } from '../random';
import type { Dataset } from './dataset';
import type { FieldLayout, NetworkSpec } from './spec';
import { paramLayout } from './spec';

type Vec = Float64Array;

/** gᵢ(x) of anchor i, x read from `xOffset` of `x`. */
export function fieldWeight(
  f: FieldLayout,
  params: ArrayLike<number>,
  x: ArrayLike<number>,
  i: number,
  xOffset = 0,
): number {
  const sigma = params[f.sigma];
  let d2 = 0;
  for (let u = 0; u < f.width; u++) {
    const d = x[xOffset + u] - params[f.centres + i * f.width + u];
    d2 += d * d;
  }
  return Math.exp(-d2 * (1 / (2 * sigma * sigma)));
}

/** gᵢ(x) for every anchor i. */
export function fieldWeights(f: FieldLayout, params: ArrayLike<number>, x: ArrayLike<number>): Vec {
  const g = new Float64Array(f.anchors);
  for (let i = 0; i < f.anchors; i++) g[i] = fieldWeight(f, params, x, i);
  return g;
}

/**
 * The layer's Jacobian J(x) = I + Σᵢ vᵢ ∇gᵢ(x)ᵀ, ∇gᵢ(x) = −gᵢ(x) (x − cᵢ) / σ², into out (width × width,
 * row-major), x read from `xOffset`: where det J ≤ 0 the layer turns space over or flattens it.
 */
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
    const g = fieldWeight(f, params, x, i, xOffset);
    for (let r = 0; r < d; r++) {
      const vr = params[f.v + i * d + r] * g * inv;
      if (vr === 0) continue;
      for (let c = 0; c < d; c++) out[r * d + c] -= vr * (x[xOffset + c] - params[f.centres + i * d + c]);
    }
  }
  return out;
}

/** f(x) = x + Σᵢ vᵢ gᵢ(x). */
export function fieldForward(f: FieldLayout, params: ArrayLike<number>, x: ArrayLike<number>): Vec {
  const g = fieldWeights(f, params, x);
  const out = Float64Array.from(x);
  for (let i = 0; i < f.anchors; i++) {
    for (let u = 0; u < f.width; u++) out[u] += params[f.v + i * f.width + u] * g[i];
  }
  return out;
}

/**
 * Given δ = dL/df at input x, adds dL/dvᵢ = δ·gᵢ into `grad` (and dL/dcᵢ = (δ·vᵢ) gᵢ (x − cᵢ)/σ² when the
 * centres are learned) and returns dL/dx = δ − Σᵢ (δ·vᵢ) gᵢ (x − cᵢ)/σ².
 */
export function fieldBackward(
  f: FieldLayout,
  params: ArrayLike<number>,
  x: ArrayLike<number>,
  delta: ArrayLike<number>,
  grad: Vec,
  learnCentres: boolean,
): Vec {
  const g = fieldWeights(f, params, x);
  const sigma = params[f.sigma];
  const inv = 1 / (sigma * sigma);
  const dx = Float64Array.from(delta);
  for (let i = 0; i < f.anchors; i++) {
    const row = i * f.width;
    let dv = 0;
    for (let u = 0; u < f.width; u++) {
      grad[f.v + row + u] += delta[u] * g[i];
      dv += delta[u] * params[f.v + row + u];
    }
    const s = dv * g[i] * inv;
    for (let u = 0; u < f.width; u++) {
      const diff = x[u] - params[f.centres + row + u];
      dx[u] -= s * diff;
      if (learnCentres) grad[f.centres + row + u] += s * diff;
    }
  }
  return dx;
}

/** The median of the distances between distinct anchors (1 where there is no pair or they coincide). */
export function medianDistance(points: Float64Array[]): number {
  const d: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      let s = 0;
      for (let u = 0; u < points[i].length; u++) s += (points[i][u] - points[j][u]) ** 2;
      d.push(Math.sqrt(s));
    }
  }
  if (d.length === 0) return 1;
  d.sort((a, b) => a - b);
  const m = d.length >> 1;
  const median = d.length % 2 ? d[m] : (d[m - 1] + d[m]) / 2;
  return median > 1e-6 ? median : 1;
}

/** Which training samples become a layer's anchors: K distinct indices (repeats only when n < K). */
export function anchorSamples(seed: number, layer: number, n: number, k: number): number[] {
  const random = new Random((seed ^ Math.imul(layer + 1, 0x5bd1e995)) >>> 0);
  const chosen: number[] = [];
  const taken = new Set<number>();
  while (chosen.length < k) {
    if (taken.size === n) taken.clear();
    const i = random.int(n);
    if (taken.has(i)) continue;
    taken.add(i);
    chosen.push(i);
  }
  return chosen;
}

/**
 * Places every field layer's anchors and σ in `params` (in place), layer by layer: the anchors are K
 * training samples chosen with the seed, taken at the layer's input representation under the weights
 * in `params` (the layers below at their initial weights: a field layer below is the identity there,
 * its vectors being 0); σ is the median distance between them. `represent(params, x, l)` gives the
 * representation entering layer l of input x (the twin's forward pass).
 */
export function placeAnchors(
  spec: NetworkSpec,
  params: Float32Array,
  data: Dataset,
  seed: number,
  represent: (params: ArrayLike<number>, x: ArrayLike<number>, layer: number) => ArrayLike<number>,
): void {
  const layout = paramLayout(spec);
  const n = data.y.length;
  if (n === 0) return;
  const inSize = spec.inputSize;
  layout.field.forEach((f, l) => {
    if (!f) return;
    const points = anchorSamples(seed, l, n, f.anchors).map((s) =>
      Float64Array.from(represent(params, data.x.subarray(s * inSize, s * inSize + inSize), l)),
    );
    points.forEach((p, i) => params.set(p, f.centres + i * f.width));
    params[f.sigma] = medianDistance(points);
  });
}
