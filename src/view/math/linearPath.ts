/**
 * The continuous path from one representation to the next, as in colah's "Neural Networks, Manifolds, and
 * Topology": a layer a' = f(W a + b) is shown as three moves in order,
 *   1. the linear map, applied gradually:      x -> L(s) x,  L(0) = I, L(1) = W
 *   2. the translation by the bias:            x -> W a + s b
 *   3. the activation, pointwise:              z -> (1 − s) z + s f(z)
 *
 * The straight path L(s) = (1 − s) I + s W can pass through a singular matrix and crush the plane for a
 * moment. Where it can, L(s) stays invertible: with the polar decomposition W = Q S (Q a rotation,
 * S symmetric positive definite), L(s) = R(s) ((1 − s) I + s S), R a path in SO(n) from I to Q. That needs
 * det W > 0; when det W < 0 two output units are swapped (a permutation of the hidden layer's neurons,
 * which colah's ambient-isotopy argument allows), and the view says so.
 *
 * When the two sides have different sizes n (in) and m (out), both live in R^D, D = max(n, m):
 *   n < m: the input is embedded as (a, 0) and W (m x n) is completed to a square matrix [W | N] whose
 *          extra columns span the orthogonal complement of W's columns, signed so that det > 0;
 *   n > m: W is completed with rows spanning its null space, [W ; N^T], det > 0, and the extra coordinates
 *          are squeezed to 0 along the way: L(s) = diag(I_m, (1 − s) I_{n−m}) R(s) S(s).
 * Where W is (numerically) rank-deficient, the straight path is used.
 */
import { det, frobenius, mul, orthogonalComplement, polar, type Mat } from './linalg';
import { RotationPath } from './rotationPath';

/** Which path the linear move follows. */
export type PathKind = 'polar' | 'straight';

/**
 * The linear move of one layer. `w` is W (m x n, row-major) already expressed in the permuted coordinates
 * the view uses on both sides (see `chooseOutputOrder`).
 */
export class LinearPath {
  readonly n: number;
  readonly m: number;
  readonly size: number;
  readonly kind: PathKind;
  /** W embedded in D x D (top-left block), for the straight path. */
  private readonly embedded: Mat;
  private readonly rotation: RotationPath | null = null;
  private readonly spd: Mat;
  private readonly rot: Mat;
  private readonly tmp: Mat;

  constructor(w: ArrayLike<number>, m: number, n: number) {
    this.n = n;
    this.m = m;
    const size = Math.max(n, m);
    this.size = size;
    this.embedded = new Float64Array(size * size);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) this.embedded[i * size + j] = w[i * n + j];
    this.spd = new Float64Array(size * size);
    this.rot = new Float64Array(size * size);
    this.tmp = new Float64Array(size * size);

    const square = completeToSquare(w, m, n);
    let kind: PathKind = 'straight';
    if (square) {
      const q = new Float64Array(size * size);
      const scale = frobenius(square) / Math.sqrt(size);
      const d = det(square, size);
      // Relative test: |det| against the scale of the matrix, so units do not matter.
      if (scale > 0 && d > 1e-9 * scale ** size && polar(square, size, q, this.spd)) {
        this.rotation = new RotationPath(q, size);
        kind = 'polar';
      }
    }
    this.kind = kind;
  }

  /** Writes L(s) (D x D) into out. */
  at(s: number, out: Mat): Mat {
    const size = this.size;
    if (!this.rotation) {
      for (let i = 0; i < size * size; i++) out[i] = s * this.embedded[i];
      for (let i = 0; i < size; i++) out[i * size + i] += 1 - s;
      return out;
    }
    this.rotation.at(s, this.rot);
    // (1 − s) I + s S stays positive definite: the positive definite matrices form a convex cone.
    for (let i = 0; i < size * size; i++) this.tmp[i] = s * this.spd[i];
    for (let i = 0; i < size; i++) this.tmp[i * size + i] += 1 - s;
    mul(this.rot, this.tmp, size, size, size, out);
    if (this.n > this.m) {
      for (let i = this.m; i < size; i++) for (let j = 0; j < size; j++) out[i * size + j] *= 1 - s;
    }
    return out;
  }
}

/**
 * W completed to a square matrix with positive determinant (see the module comment), or null where W is
 * rank-deficient. For a square W, W itself (its determinant sign is the caller's business).
 */
export function completeToSquare(w: ArrayLike<number>, m: number, n: number): Mat | null {
  const size = Math.max(n, m);
  const out = new Float64Array(size * size);
  if (n === m) {
    for (let i = 0; i < n * n; i++) out[i] = w[i];
    return out;
  }
  if (n < m) {
    // Columns: W's n columns, then the complement of their span.
    const cols = Float64Array.from({ length: m * n }, (_, k) => w[k]);
    const extra = orthogonalComplement(cols, m, n);
    const k = m - n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) out[i * m + j] = w[i * n + j];
      for (let j = 0; j < k; j++) out[i * m + n + j] = extra[i * k + j];
    }
  } else {
    // Rows: W's m rows, then the complement of their span (the null space of W).
    const rowsT = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) rowsT[j * m + i] = w[i * n + j];
    const extra = orthogonalComplement(rowsT, n, m);
    const k = n - m;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = w[i * n + j];
    for (let r = 0; r < k; r++) for (let j = 0; j < n; j++) out[(m + r) * n + j] = extra[j * k + r];
  }
  const d = det(out, size);
  const scale = frobenius(out) / Math.sqrt(size);
  if (!(Math.abs(d) > 1e-9 * scale ** size)) return null;
  if (d < 0) {
    // Flip the last completing column (or row): it is not part of W, so this changes nothing shown.
    if (n < m) for (let i = 0; i < m; i++) out[i * m + m - 1] = -out[i * m + m - 1];
    else for (let j = 0; j < n; j++) out[(n - 1) * n + j] = -out[(n - 1) * n + j];
  }
  return out;
}

/**
 * Permutations of each representation's units so that every square layer has det > 0 in the permuted
 * coordinates: order[r][i] is the natural unit shown as coordinate i of representation r.
 * W' = Π_out W Π_in^T; when det W' would be negative, units 0 and 1 of the output are swapped.
 */
export function chooseOutputOrder(
  w: ArrayLike<number>,
  m: number,
  n: number,
  inputOrder: ArrayLike<number>,
): { order: Int32Array; swapped: boolean } {
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  if (m !== n || m < 2) return { order, swapped: false };
  const permuted = permuteWeights(w, m, n, order, inputOrder);
  const swapped = det(permuted, n) < 0;
  if (swapped) {
    order[0] = 1;
    order[1] = 0;
  }
  return { order, swapped };
}

/** W' = Π_out W Π_in^T: W'[i][j] = W[outOrder[i]][inOrder[j]]. */
export function permuteWeights(
  w: ArrayLike<number>,
  m: number,
  n: number,
  outOrder: ArrayLike<number>,
  inOrder: ArrayLike<number>,
  out: Mat = new Float64Array(m * n),
): Mat {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = w[outOrder[i] * n + inOrder[j]];
  return out;
}
