/**
 * Small dense linear algebra for the view: square or rectangular matrices of at most a few dozen rows,
 * stored row-major in Float64Array. Nothing here touches the DOM or the GPU.
 */

export type Mat = Float64Array;

export function identity(n: number, out: Mat = new Float64Array(n * n)): Mat {
  out.fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/** out (r x c) = a (r x k) * b (k x c). `out` must not alias a or b. */
export function mul(
  a: Mat,
  b: Mat,
  r: number,
  k: number,
  c: number,
  out: Mat = new Float64Array(r * c),
): Mat {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += a[i * k + q] * b[q * c + j];
      out[i * c + j] = s;
    }
  }
  return out;
}

export function transpose(a: Mat, r: number, c: number, out: Mat = new Float64Array(r * c)): Mat {
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

export function frobenius(a: Mat, len = a.length): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** Determinant by Gaussian elimination with partial pivoting (on a copy). */
export function det(a: Mat, n: number, scratch: Mat = new Float64Array(n * n)): number {
  const m = scratch;
  for (let i = 0; i < n * n; i++) m[i] = a[i];
  let d = 1;
  for (let col = 0; col < n; col++) {
    let p = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col]) > Math.abs(m[p * n + col])) p = r;
    const pivot = m[p * n + col];
    if (pivot === 0) return 0;
    if (p !== col) {
      for (let j = 0; j < n; j++) {
        const t = m[p * n + j];
        m[p * n + j] = m[col * n + j];
        m[col * n + j] = t;
      }
      d = -d;
    }
    d *= pivot;
    for (let r = col + 1; r < n; r++) {
      const f = m[r * n + col] / pivot;
      if (f !== 0) for (let j = col; j < n; j++) m[r * n + j] -= f * m[col * n + j];
    }
  }
  return d;
}

/** Inverse by Gauss–Jordan elimination; returns false (and leaves `out` undefined) when singular. */
export function invert(a: Mat, n: number, out: Mat, scratch: Mat = new Float64Array(n * n)): boolean {
  const m = scratch;
  for (let i = 0; i < n * n; i++) m[i] = a[i];
  identity(n, out);
  const scale = frobenius(a, n * n) || 1;
  for (let col = 0; col < n; col++) {
    let p = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col]) > Math.abs(m[p * n + col])) p = r;
    const pivot = m[p * n + col];
    if (Math.abs(pivot) <= 1e-13 * scale) return false;
    if (p !== col) {
      for (let j = 0; j < n; j++) {
        let t = m[p * n + j];
        m[p * n + j] = m[col * n + j];
        m[col * n + j] = t;
        t = out[p * n + j];
        out[p * n + j] = out[col * n + j];
        out[col * n + j] = t;
      }
    }
    const inv = 1 / pivot;
    for (let j = 0; j < n; j++) {
      m[col * n + j] *= inv;
      out[col * n + j] *= inv;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r * n + col];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        m[r * n + j] -= f * m[col * n + j];
        out[r * n + j] -= f * out[col * n + j];
      }
    }
  }
  return true;
}

/**
 * Polar decomposition W = Q S of a non-singular square matrix: Q orthogonal, S symmetric positive definite.
 * Scaled Newton iteration Q <- (g Q + (g Q)^-T) / 2 (Higham), which converges quadratically.
 * Returns false when W is (numerically) singular.
 */
export function polar(w: Mat, n: number, q: Mat, s: Mat): boolean {
  const x = Float64Array.from(w.subarray(0, n * n));
  const inv = new Float64Array(n * n);
  const scratch = new Float64Array(n * n);
  for (let iter = 0; iter < 60; iter++) {
    if (!invert(x, n, inv, scratch)) return false;
    const g = Math.sqrt(frobenius(inv) / frobenius(x));
    let change = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        // (g X + (g X)^-T) / 2: the inverse transposed is inv[j][i].
        const next = 0.5 * (g * x[i * n + j] + inv[j * n + i] / g);
        change = Math.max(change, Math.abs(next - x[i * n + j]));
        scratch[i * n + j] = next;
      }
    }
    x.set(scratch);
    if (change < 1e-14) break;
  }
  q.set(x);
  // S = Q^T W, symmetrised against rounding.
  const qt = transpose(q, n, n);
  mul(qt, w, n, n, n, s);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const avg = 0.5 * (s[i * n + j] + s[j * n + i]);
      s[i * n + j] = avg;
      s[j * n + i] = avg;
    }
  }
  return true;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations. Eigenvalues go to `values`
 * sorted descending; eigenvector k is column k of `vectors` (n x n).
 */
export function symmetricEigen(a: Mat, n: number, values: Float64Array, vectors: Mat, scratch?: Mat): void {
  const m = scratch ?? new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) m[i] = a[i];
  identity(n, vectors);
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i * n + j] * m[i * n + j];
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let r = p + 1; r < n; r++) {
        const apq = m[p * n + r];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[r * n + r] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkr = m[k * n + r];
          m[k * n + p] = c * mkp - s * mkr;
          m[k * n + r] = s * mkp + c * mkr;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mrk = m[r * n + k];
          m[p * n + k] = c * mpk - s * mrk;
          m[r * n + k] = s * mpk + c * mrk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = vectors[k * n + p];
          const vkr = vectors[k * n + r];
          vectors[k * n + p] = c * vkp - s * vkr;
          vectors[k * n + r] = s * vkp + c * vkr;
        }
      }
    }
  }
  // Selection sort of eigenpairs, descending.
  for (let i = 0; i < n; i++) values[i] = m[i * n + i];
  for (let i = 0; i < n; i++) {
    let best = i;
    for (let j = i + 1; j < n; j++) if (values[j] > values[best]) best = j;
    if (best === i) continue;
    const tv = values[i];
    values[i] = values[best];
    values[best] = tv;
    for (let k = 0; k < n; k++) {
      const t = vectors[k * n + i];
      vectors[k * n + i] = vectors[k * n + best];
      vectors[k * n + best] = t;
    }
  }
}

/**
 * Completes the k orthonormalised columns of `a` (r x k, r >= k, full column rank assumed) with r - k
 * orthonormal columns spanning the orthogonal complement (Gram–Schmidt against the standard basis).
 * Returns the r x (r - k) complement, row-major.
 */
export function orthogonalComplement(a: Mat, r: number, k: number): Mat {
  const basis: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(r);
    for (let i = 0; i < r; i++) v[i] = a[i * k + j];
    for (const b of basis) subtractProjection(v, b);
    const len = Math.hypot(...v);
    if (len > 1e-12) {
      for (let i = 0; i < r; i++) v[i] /= len;
      basis.push(v);
    }
  }
  const extra: Float64Array[] = [];
  while (basis.length < r) {
    // The standard basis vector with the largest residual keeps the most precision.
    let best: Float64Array | null = null;
    let bestLen = -1;
    for (let e = 0; e < r; e++) {
      const v = new Float64Array(r);
      v[e] = 1;
      for (const b of basis) subtractProjection(v, b);
      const len = Math.hypot(...v);
      if (len > bestLen) {
        bestLen = len;
        best = v;
      }
    }
    const v = best as Float64Array;
    for (let i = 0; i < r; i++) v[i] /= bestLen;
    basis.push(v);
    extra.push(v);
  }
  const out = new Float64Array(r * (r - k));
  // When `a` was rank-deficient the extra list is longer than r - k; keep the first r - k.
  for (let j = 0; j < r - k; j++) for (let i = 0; i < r; i++) out[i * (r - k) + j] = extra[j]?.[i] ?? 0;
  return out;
}

function subtractProjection(v: Float64Array, unit: Float64Array): void {
  let d = 0;
  for (let i = 0; i < v.length; i++) d += v[i] * unit[i];
  for (let i = 0; i < v.length; i++) v[i] -= d * unit[i];
}
