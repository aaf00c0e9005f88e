/**
 * Paths inside the rotation group SO(n) from the identity to a given rotation Q: R(0) = I, R(1) = Q,
 * and every R(s) a rotation (orthogonal, determinant +1), so a linear map built on it never collapses.
 *   n = 2: the rotation angle, interpolated.
 *   n = 3: axis and angle (Rodrigues), interpolated: the shortest path (a geodesic).
 *   n >= 4: Q written as a product of Givens (plane) rotations, each angle interpolated.
 */
import type { Mat } from './linalg';

export class RotationPath {
  private readonly n: number;
  private angle = 0;
  private readonly axis = new Float64Array(3);
  /** Givens factors for n >= 4: plane (p, q) and angle, applied in order. */
  private readonly planes: number[] = [];
  private readonly angles: number[] = [];

  constructor(q: Mat, n: number) {
    this.n = n;
    if (n === 2) this.angle = Math.atan2(q[2], q[0]);
    else if (n === 3) this.setAxisAngle(q);
    else if (n >= 4) this.factorGivens(q);
  }

  /** Writes R(s) (n x n) into out. */
  at(s: number, out: Mat): Mat {
    const n = this.n;
    out.fill(0);
    for (let i = 0; i < n; i++) out[i * n + i] = 1;
    if (n === 2) {
      const c = Math.cos(s * this.angle);
      const si = Math.sin(s * this.angle);
      out[0] = c;
      out[1] = -si;
      out[2] = si;
      out[3] = c;
    } else if (n === 3) {
      rodrigues(this.axis, s * this.angle, out);
    } else if (n >= 4) {
      // out = G_1(s θ_1) G_2(s θ_2) ... : right-multiplying by a plane rotation mixes two columns.
      for (let g = 0; g < this.angles.length; g++) {
        const p = this.planes[2 * g];
        const q = this.planes[2 * g + 1];
        const c = Math.cos(s * this.angles[g]);
        const si = Math.sin(s * this.angles[g]);
        for (let r = 0; r < n; r++) {
          const a = out[r * n + p];
          const b = out[r * n + q];
          out[r * n + p] = c * a + si * b;
          out[r * n + q] = -si * a + c * b;
        }
      }
    }
    return out;
  }

  private setAxisAngle(q: Mat): void {
    const trace = q[0] + q[4] + q[8];
    const angle = Math.acos(Math.min(1, Math.max(-1, (trace - 1) / 2)));
    this.angle = angle;
    const ax = this.axis;
    if (angle < 1e-12) {
      ax[0] = 1;
      ax[1] = 0;
      ax[2] = 0;
      return;
    }
    if (Math.PI - angle > 1e-4) {
      const k = 1 / (2 * Math.sin(angle));
      ax[0] = (q[7] - q[5]) * k;
      ax[1] = (q[2] - q[6]) * k;
      ax[2] = (q[3] - q[1]) * k;
    } else {
      // Near a half turn the skew part vanishes; (Q + I) / 2 = a a^T there.
      let best = 0;
      for (let i = 1; i < 3; i++) if (q[i * 4] > q[best * 4]) best = i;
      for (let i = 0; i < 3; i++) ax[i] = (q[i * 3 + best] + (i === best ? 1 : 0)) / 2;
      // Fix the sign with the (small) skew part so that the angle stays below π consistently.
      const skew = [q[7] - q[5], q[2] - q[6], q[3] - q[1]];
      if (ax[0] * skew[0] + ax[1] * skew[1] + ax[2] * skew[2] < 0) for (let i = 0; i < 3; i++) ax[i] = -ax[i];
    }
    const len = Math.hypot(ax[0], ax[1], ax[2]) || 1;
    for (let i = 0; i < 3; i++) ax[i] /= len;
  }

  /**
   * Reduces Q to the identity by plane rotations from the left, G_K^T ... G_1^T Q = I, so that
   * Q = G_1 ... G_K. Each rotation puts a positive value on the diagonal; det Q = +1 makes the last one +1 too.
   */
  private factorGivens(q: Mat): void {
    const n = this.n;
    const m = Float64Array.from(q.subarray(0, n * n));
    for (let p = 0; p < n - 1; p++) {
      for (let r = p + 1; r < n; r++) {
        const xp = m[p * n + p];
        const xr = m[r * n + p];
        if (xr === 0 && xp >= 0) continue;
        const h = Math.hypot(xp, xr);
        const c = xp / h;
        const s = xr / h;
        for (let j = 0; j < n; j++) {
          const a = m[p * n + j];
          const b = m[r * n + j];
          m[p * n + j] = c * a + s * b;
          m[r * n + j] = -s * a + c * b;
        }
        this.planes.push(p, r);
        this.angles.push(Math.atan2(s, c));
      }
    }
  }
}

/** Rotation by `angle` about the unit axis a: R = I + sin φ K + (1 − cos φ) K², K the cross-product matrix. */
function rodrigues(a: Float64Array, angle: number, out: Mat): void {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  const [x, y, z] = [a[0], a[1], a[2]];
  out[0] = c + t * x * x;
  out[1] = t * x * y - s * z;
  out[2] = t * x * z + s * y;
  out[3] = t * x * y + s * z;
  out[4] = c + t * y * y;
  out[5] = t * y * z - s * x;
  out[6] = t * x * z - s * y;
  out[7] = t * y * z + s * x;
  out[8] = c + t * z * z;
}
