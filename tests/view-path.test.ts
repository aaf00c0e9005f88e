import { describe, expect, it } from 'vitest';
import { Random } from '../src/random';
import { det, identity, mul, polar, transpose } from '../src/view/math/linalg';
import { RotationPath } from '../src/view/math/rotationPath';
import { LinearPath, chooseOutputOrder, completeToSquare, permuteWeights } from '../src/view/math/linearPath';
import { phaseAt } from '../src/view/math/phases';

function randomMatrix(rng: Random, r: number, c: number): Float64Array {
  return Float64Array.from({ length: r * c }, () => rng.normal());
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, len: number): number {
  let d = 0;
  for (let i = 0; i < len; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** A random rotation: the Q of a polar decomposition, with a column flipped if needed. */
function randomRotation(rng: Random, n: number): Float64Array {
  for (;;) {
    const w = randomMatrix(rng, n, n);
    const q = new Float64Array(n * n);
    if (!polar(w, n, q, new Float64Array(n * n))) continue;
    if (det(q, n) < 0) for (let i = 0; i < n; i++) q[i * n] = -q[i * n];
    return q;
  }
}

const STEPS = 400;

describe('rotation paths stay in SO(n)', () => {
  for (const n of [2, 3, 4, 5, 8]) {
    it(`n = ${n}`, () => {
      const rng = new Random(100 + n);
      for (let trial = 0; trial < 5; trial++) {
        const q = randomRotation(rng, n);
        const path = new RotationPath(q, n);
        const r = new Float64Array(n * n);
        expect(maxAbsDiff(path.at(0, r), identity(n), n * n)).toBeLessThan(1e-12);
        expect(maxAbsDiff(path.at(1, r), q, n * n)).toBeLessThan(1e-9);
        const prev = new Float64Array(n * n);
        path.at(0, prev);
        for (let k = 1; k <= STEPS; k++) {
          path.at(k / STEPS, r);
          const rtr = mul(transpose(r, n, n), r, n, n, n);
          expect(maxAbsDiff(rtr, identity(n), n * n)).toBeLessThan(1e-9);
          expect(det(r, n)).toBeCloseTo(1, 9);
          // Every angle is at most π, and each plane turns by at most π over the path: bounded speed.
          expect(maxAbsDiff(r, prev, n * n)).toBeLessThan((n * n * Math.PI) / STEPS);
          prev.set(r);
        }
      }
    });
  }

  it('handles a half turn in 3-D', () => {
    const q = Float64Array.of(-1, 0, 0, 0, -1, 0, 0, 0, 1);
    const path = new RotationPath(q, 3);
    const r = new Float64Array(9);
    expect(maxAbsDiff(path.at(1, r), q, 9)).toBeLessThan(1e-9);
    expect(det(path.at(0.5, r), 3)).toBeCloseTo(1, 12);
  });
});

describe('the linear move of a layer', () => {
  for (const n of [2, 3, 4, 6, 8]) {
    it(`square ${n}x${n}: starts at I, ends at W (units permuted when det < 0), invertible and continuous`, () => {
      const rng = new Random(7 * n);
      let swaps = 0;
      for (let trial = 0; trial < 20; trial++) {
        const w = randomMatrix(rng, n, n);
        const natural = Int32Array.from({ length: n }, (_, i) => i);
        const { order, swapped } = chooseOutputOrder(w, n, n, natural);
        if (swapped) swaps++;
        expect(swapped).toBe(det(w, n) < 0);
        const wp = permuteWeights(w, n, n, order, natural);
        expect(det(wp, n)).toBeGreaterThan(0);
        const path = new LinearPath(wp, n, n);
        expect(path.kind).toBe('polar');
        const l = new Float64Array(n * n);
        expect(maxAbsDiff(path.at(0, l), identity(n), n * n)).toBeLessThan(1e-12);
        expect(maxAbsDiff(path.at(1, l), wp, n * n)).toBeLessThan(1e-8);
        const prev = identity(n);
        const scale = 1 + Math.sqrt(wp.reduce((s, x) => s + x * x, 0));
        for (let k = 1; k <= STEPS; k++) {
          path.at(k / STEPS, l);
          expect(det(l, n)).toBeGreaterThan(0);
          expect(maxAbsDiff(l, prev, n * n)).toBeLessThan((10 * n * scale) / STEPS);
          prev.set(l);
        }
      }
      expect(swaps).toBeGreaterThan(0);
    });
  }

  for (const [m, n] of [
    [3, 2],
    [2, 3],
    [1, 2],
    [4, 2],
    [2, 5],
  ]) {
    it(`${n} -> ${m}: the smaller space is embedded in the larger, the path ends at W`, () => {
      const rng = new Random(31 * m + n);
      const size = Math.max(m, n);
      for (let trial = 0; trial < 10; trial++) {
        const w = randomMatrix(rng, m, n);
        expect(completeToSquare(w, m, n)).not.toBeNull();
        const path = new LinearPath(w, m, n);
        expect(path.kind).toBe('polar');
        const l = new Float64Array(size * size);
        expect(maxAbsDiff(path.at(0, l), identity(size), size * size)).toBeLessThan(1e-12);
        path.at(1, l);
        // L(1) applied to an embedded input (x, 0) gives (W x, 0).
        const x = randomMatrix(rng, n, 1);
        for (let i = 0; i < size; i++) {
          let got = 0;
          for (let j = 0; j < n; j++) got += l[i * size + j] * x[j];
          let want = 0;
          if (i < m) for (let j = 0; j < n; j++) want += w[i * n + j] * x[j];
          expect(got).toBeCloseTo(want, 8);
        }
        const prev = identity(size);
        for (let k = 1; k < STEPS; k++) {
          path.at(k / STEPS, l);
          expect(det(l, size)).toBeGreaterThan(0);
          expect(maxAbsDiff(l, prev, size * size)).toBeLessThan(
            (20 * size * (1 + Math.max(...w.map(Math.abs)))) / STEPS,
          );
          prev.set(l);
        }
      }
    });
  }

  it('falls back to the straight path for a singular W', () => {
    const w = Float64Array.of(1, 2, 2, 4);
    const path = new LinearPath(w, 2, 2);
    expect(path.kind).toBe('straight');
    const l = new Float64Array(4);
    expect(maxAbsDiff(path.at(1, l), w, 4)).toBeLessThan(1e-12);
  });
});

describe('phases of a segment', () => {
  it('run linear, bias, activation in order and cover [0, 1] continuously', () => {
    expect(phaseAt(0)).toEqual({ phase: 'linear', s: 0 });
    expect(phaseAt(1)).toEqual({ phase: 'activation', s: 1 });
    let last = { phase: 'linear', s: 0 };
    const order = ['linear', 'bias', 'activation'];
    for (let k = 1; k <= 1000; k++) {
      const p = phaseAt(k / 1000);
      expect(order.indexOf(p.phase)).toBeGreaterThanOrEqual(order.indexOf(last.phase));
      last = p;
    }
  });
});
