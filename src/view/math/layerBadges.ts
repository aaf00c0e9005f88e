/**
 * Per-layer badges from a layer's spec and current weights (colah's distinction): a square layer with a
 * non-singular W and an invertible activation is a homeomorphism, it stretches and squishes but never cuts
 * or folds; ReLU folds half-spaces onto the axes; a narrowing layer or a (nearly) singular W collapses a
 * dimension. Pure and DOM-free: the strip shows `label`, and `why` where a person taps, clicks or focuses it.
 *
 * A layer that could fold (ReLU) but folds none of the data's cells says so ("no fold on the data"), never
 * "folds (0 % …)".
 */
import type { LayerSpec, NetworkSpec } from '../../engine/spec';
import { paramLayout, widths } from '../../engine/spec';
import { fieldFoldShare, lipschitzBound } from './fieldMath';
import { foldShares } from './foldShares';
import { forwardInto, layerLayout } from './forward';
import { det, frobenius, symmetricEigen } from './linalg';

export type BadgeKind = 'homeomorphism' | 'folds' | 'unfolded' | 'collapses';

export interface LayerBadge {
  kind: BadgeKind;
  /** Short text for the badge. */
  label: string;
  /** One line: why. */
  why: string;
}

export const BADGE_LABELS: Readonly<Record<BadgeKind, string>> = {
  homeomorphism: 'homeomorphism',
  folds: 'folds',
  unfolded: 'no fold on the data',
  collapses: 'collapses a dimension',
};

/** The smallest singular value (or, for a W wider than square, det WᵀW's root) below this share of the matrix's scale is singular. */
export const SINGULAR_THRESHOLD = 1e-3;

/** Activations that are one-to-one (leaky ReLU with a positive slope too). */
export function invertibleActivation(layer: LayerSpec): boolean {
  switch (layer.activation) {
    case 'tanh':
    case 'sigmoid':
    case 'softplus':
    case 'linear':
      return true;
    case 'leaky_relu':
      return layer.slope > 0;
    default:
      return false;
  }
}

/** A share as a whole percentage; a share that is there but rounds to 0 reads "< 1 %". */
export function percent(share: number): string {
  const p = Math.round(100 * Math.min(1, Math.max(0, share)));
  return p === 0 && share > 0 ? '< 1 %' : p === 100 && share < 1 ? '> 99 %' : `${p} %`;
}

const fmt = (x: number): string => (Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(2) : x.toExponential(1));

/**
 * det W / scale^n for a square W (n x n), scale = ‖W‖_F / √n: 1 for a multiple of a rotation, 0 when
 * singular, whatever the units of W.
 */
export function relativeDet(w: ArrayLike<number>, n: number): number {
  const a = Float64Array.from({ length: n * n }, (_, i) => w[i]);
  const scale = frobenius(a) / Math.sqrt(n);
  if (!(scale > 0)) return 0;
  return det(a, n) / scale ** n;
}

/** WᵀW for a square W (n x n, row-major) and ‖W‖_F². */
function gram(w: ArrayLike<number>, n: number): { g: Float64Array; f: number } {
  const g = new Float64Array(n * n);
  let f = 0;
  for (let i = 0; i < n * n; i++) f += w[i] * w[i];
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += w[r * n + i] * w[r * n + j];
      g[i * n + j] = s;
      g[j * n + i] = s;
    }
  return { g, f };
}

/**
 * The smallest singular value of a square W (n x n) over its scale ‖W‖_F / √n: 0 when W flattens some
 * direction, whatever n (unlike det W / scale^n, which for a random 16 x 16 matrix is already about 1e-3).
 */
export function relativeSmallestStretch(w: ArrayLike<number>, n: number): number {
  const { g, f } = gram(w, n);
  if (!(f > 0)) return 0;
  const values = new Float64Array(n);
  symmetricEigen(g, n, values, new Float64Array(n * n));
  return Math.sqrt(Math.max(0, Math.min(...values))) / Math.sqrt(f / n);
}

/**
 * Whether relativeSmallestStretch(w, n) ≥ t, without the eigenvalues: WᵀW − (t·scale)² I is positive
 * definite exactly when every singular value is above t·scale, and its Cholesky factorisation (n³/6
 * multiplications) succeeds exactly then.
 */
export function stretchAtLeast(w: ArrayLike<number>, n: number, t: number): boolean {
  const { g, f } = gram(w, n);
  if (!(f > 0)) return false;
  const shift = (t * t * f) / n;
  for (let i = 0; i < n; i++) g[i * n + i] -= shift;
  for (let j = 0; j < n; j++) {
    let d = g[j * n + j];
    for (let k = 0; k < j; k++) d -= g[j * n + k] * g[j * n + k];
    if (!(d > 0)) return false;
    const root = Math.sqrt(d);
    g[j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let s = g[i * n + j];
      for (let k = 0; k < j; k++) s -= g[i * n + k] * g[j * n + k];
      g[i * n + j] = s / root;
    }
  }
  return true;
}

/** det(WᵀW) / scale^(2n) for W m x n, m ≥ n: how far W's columns are from dependent (0 = dependent). */
function relativeGram(w: ArrayLike<number>, m: number, n: number): number {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += w[r * n + i] * w[r * n + j];
      g[i * n + j] = s;
    }
  let f = 0;
  for (let i = 0; i < m * n; i++) f += w[i] * w[i];
  const scale2 = f / n;
  if (!(scale2 > 0)) return 0;
  return det(g, n) / scale2 ** n;
}

/**
 * The badge of layer l: from n units to m with weights W (m x n, row-major, in `params` at the spec's
 * layout). `foldedShare`, when known (the share of the data's cells the map up to this layer turns over or
 * collapses, foldShares.ts), goes into a fold's label and why.
 */
export function layerBadge(
  spec: NetworkSpec,
  l: number,
  params: ArrayLike<number>,
  foldedShare?: number,
): LayerBadge {
  const w = widths(spec);
  const n = w[l];
  const m = w[l + 1];
  const layer = spec.layers[l];
  const field = paramLayout(spec).field[l];
  if (field) return fieldBadge(lipschitzBound(field, params), foldedShare);
  const offset = paramLayout(spec).weight[l];
  const W = Array.from({ length: m * n }, (_, i) => params[offset + i]);
  const badge = (kind: BadgeKind, why: string): LayerBadge => ({ kind, label: BADGE_LABELS[kind], why });
  const act = layer.activation === 'leaky_relu' ? `leaky ReLU (slope ${layer.slope})` : layer.activation;
  if (m < n) {
    const why = `narrowing: ${n} units into ${m}, so ${n - m} dimension${n - m > 1 ? 's are' : ' is'} squashed flat`;
    // Onto two or more units the data's sheet may also turn over on itself: the share says how much (onto
    // one unit every cell is flat, so a share would say nothing).
    if (m < 2 || foldedShare === undefined || !(foldedShare > 0)) return badge('collapses', why);
    const pct = percent(foldedShare);
    return {
      kind: 'collapses',
      label: `${BADGE_LABELS.collapses} · folds (${pct} of the data's cells)`,
      why: `${why}; ${pct} of the cells holding data are turned over or squashed flat here`,
    };
  }
  if (layer.activation === 'softmax') {
    return badge('collapses', 'softmax outputs always sum to 1: one dimension is lost');
  }
  if (m === n) {
    if (!stretchAtLeast(W, n, SINGULAR_THRESHOLD)) {
      const s = relativeSmallestStretch(W, n);
      return badge(
        'collapses',
        n === 2
          ? `det W is ${fmt(relativeDet(W, n))} of its scale, nearly 0: W squashes the plane almost onto a line`
          : `W's smallest singular value is ${fmt(s)} of its scale, nearly 0: W squashes its ${n}-D space almost flat along one direction`,
      );
    }
  } else if (relativeGram(W, m, n) < SINGULAR_THRESHOLD ** 2) {
    return badge(
      'collapses',
      `W's ${n} columns are nearly dependent: the ${n}-D input lands on a thinner sheet`,
    );
  }
  if (!invertibleActivation(layer)) {
    const why =
      layer.activation === 'relu'
        ? 'ReLU sends every negative pre-activation to 0: half-spaces fold onto the axes'
        : `${act} is not one-to-one: regions fold onto each other`;
    if (foldedShare === undefined || !Number.isFinite(foldedShare)) return badge('folds', why);
    if (!(foldedShare > 0)) {
      return badge(
        'unfolded',
        `${layer.activation === 'relu' ? 'ReLU' : act} could fold, but none of the cells holding data is turned over or squashed flat here: over the data this layer is one-to-one`,
      );
    }
    const pct = percent(foldedShare);
    return {
      kind: 'folds',
      label: `${BADGE_LABELS.folds} (${pct} of the data's cells)`,
      why: `${why}; ${pct} of the cells holding data are turned over or squashed flat here`,
    };
  }
  if (m === n) {
    const d = relativeDet(W, n);
    return badge(
      'homeomorphism',
      `square, det W = ${fmt(d)} of its scale (≠ 0) and ${act} is invertible: it stretches and squishes, never cuts or folds`,
    );
  }
  return badge(
    'homeomorphism',
    `${n} unit${n === 1 ? '' : 's'} lifted into ${m} by a full-rank W and an invertible ${act}: a homeomorphism onto its image`,
  );
}

/**
 * The badge of a vector-field layer x + V(x) from Λ, the bound on V's Lipschitz constant (fieldMath.ts),
 * and, when known, the share of the data's points where the layer's own Jacobian I + Σ vᵢ∇gᵢᵀ has
 * det ≤ 0 (it turns space over or flattens it there).
 */
export function fieldBadge(bound: number, foldedShare?: number): LayerBadge {
  const badge = (kind: BadgeKind, label: string, why: string): LayerBadge => ({ kind, label, why });
  if (bound < 1) {
    return badge(
      'homeomorphism',
      BADGE_LABELS.homeomorphism,
      `x + V(x) with V's Lipschitz bound Σ‖vᵢ‖e^(−½)/σ = ${fmt(bound)} < 1: the field never pushes two points onto each other, so the layer is one-to-one everywhere`,
    );
  }
  const could = `V's Lipschitz bound Σ‖vᵢ‖e^(−½)/σ = ${fmt(bound)} ≥ 1: the field is strong enough to fold`;
  if (foldedShare === undefined || !Number.isFinite(foldedShare)) {
    return badge('folds', 'may fold', `${could}; where det(I + Σ vᵢ∇gᵢᵀ) ≤ 0 it does`);
  }
  if (!(foldedShare > 0)) {
    return badge(
      'unfolded',
      BADGE_LABELS.unfolded,
      `${could}, but det(I + Σ vᵢ∇gᵢᵀ) > 0 at every data point: over the data the layer stays one-to-one`,
    );
  }
  const pct = percent(foldedShare);
  return badge(
    'folds',
    `${BADGE_LABELS.folds} (${pct} of the data's points)`,
    `${could}; det(I + Σ vᵢ∇gᵢᵀ) ≤ 0 at ${pct} of the data's points: there the field turns the space over, and the layer is no longer one-to-one`,
  );
}

/** Badges of every layer. */
export function layerBadges(
  spec: NetworkSpec,
  params: ArrayLike<number>,
  foldedShare?: number[],
): LayerBadge[] {
  return spec.layers.map((_, l) => layerBadge(spec, l, params, foldedShare?.[l]));
}

/**
 * Badges of every layer with the share of the data's cells each folds over or collapses (foldShares.ts),
 * from the 2-D data points (x, y interleaved); without points (or for other inputs), the badges alone.
 * Meant for once per weights read back: about a millisecond for a 12 x 32 network.
 */
export function layerBadgesOver(
  spec: NetworkSpec,
  params: ArrayLike<number>,
  points: Float32Array | null,
): LayerBadge[] {
  const shares = points ? foldShares(spec, params, points) : null;
  const share = shares?.share.slice();
  const fields = paramLayout(spec).field;
  if (share && points && fields.some((f) => f)) {
    // A field layer's own folds: det of its Jacobian at the data's representations entering it.
    const count = points.length / 2;
    const layout = layerLayout(spec, count);
    const data = new Float32Array(layout.totalFloats);
    forwardInto(spec, params, points, count, layout, data);
    fields.forEach((f, l) => {
      if (f) share[l] = fieldFoldShare(f, params, data, layout.offset[2 * l], count);
    });
  }
  return layerBadges(spec, params, share);
}
