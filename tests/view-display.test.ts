import { describe, expect, it } from 'vitest';
import { buildSpec, paramLayout, type NetworkSpec } from '../src/engine/spec';
import { initParams, transformPoints } from '../src/engine/twin';
import { Random } from '../src/random';
import { DisplayPath } from '../src/view/math/displayPath';
import { createCoefficients, evaluate } from '../src/view/math/coefficients';
import { forwardInto, layerLayout } from '../src/view/math/forward';
import { makeGrid } from '../src/view/math/grid';
import { PcaTracker } from '../src/view/math/pcaTracker';

function randomPoints(rng: Random, count: number, size: number): Float32Array {
  return Float32Array.from({ length: count * size }, () => rng.uniform(-1.5, 1.5));
}

function setup(spec: NetworkSpec, seed: number, count = 64) {
  const rng = new Random(seed);
  const params = initParams(spec, seed);
  // Make the weights larger than at init so the paths have real work to do.
  for (let i = 0; i < params.length; i++) params[i] *= 2;
  const points = randomPoints(rng, count, spec.inputSize);
  const layout = layerLayout(spec, count);
  const data = new Float32Array(layout.totalFloats);
  forwardInto(spec, params, points, count, layout, data);
  const path = new DisplayPath(spec);
  path.setParams(params);
  return { params, points, layout, data, path, count };
}

function positionsAt(s: ReturnType<typeof setup>, t: number, out: Float32Array): void {
  const c = createCoefficients();
  s.path.coefficientsAt(t, c);
  for (let v = 0; v < s.count; v++) evaluate(c, s.layout, s.data, v, 0.3, out, 3 * v);
}

const CASES: [string, number[], string][] = [
  ['2-3-2-1 tanh', [2, 3, 2, 1], 'tanh'],
  ['2-2-2-2-1 tanh', [2, 2, 2, 2, 1], 'tanh'],
  ['2-8-8-2 relu', [2, 8, 8, 2], 'relu'],
  ['1-4-1 sigmoid', [1, 4, 1], 'sigmoid'],
  ['3-3-3-1 softplus', [3, 3, 3, 1], 'softplus'],
];

describe('the drawn positions along the slider', () => {
  for (const [name, sizes, act] of CASES) {
    it(`${name}: continuous, and exact at every layer`, () => {
      const spec = buildSpec(sizes, act, 'mse');
      const s = setup(spec, sizes.length * 13 + sizes[1]);
      const L = spec.layers.length;
      const a = new Float32Array(3 * s.count);
      const b = new Float32Array(3 * s.count);
      const steps = 600 * L;
      positionsAt(s, 0, a);
      let worst = 0;
      for (let k = 1; k <= steps; k++) {
        positionsAt(s, (k * L) / steps, b);
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(b[i] - a[i]));
        a.set(b);
      }
      // Neighbouring slider values 1/600 of a layer apart: no jumps (relative to the size of the values).
      const scale = 1 + s.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      expect(worst).toBeLessThan(0.03 * scale);

      // At each layer r the picture is that representation through its display basis.
      const c = createCoefficients();
      for (let r = 0; r <= L; r++) {
        positionsAt(s, r, a);
        s.path.coefficientsAt(r, c);
        const basis = s.path.displayBasis(r);
        const w = s.path.repWidth[r];
        const repOffset = s.layout.offset[2 * r];
        for (let v = 0; v < s.count; v++) {
          for (let d = 0; d < 3; d++) {
            let want = 0;
            for (let j = 0; j < w; j++) want += basis[d * w + j] * s.data[repOffset + v * w + j];
            if (d === 1 && s.path.dims(r) === 1) want += c.jitter * 0.3;
            expect(a[3 * v + d]).toBeCloseTo(want, 4);
          }
        }
      }
    });
  }

  it('a square 2-D layer never folds the plane: the signed area of a grid cell keeps its sign', () => {
    const spec = buildSpec([2, 2, 2, 1], 'tanh', 'bce');
    for (let seed = 1; seed <= 12; seed++) {
      const params = initParams(spec, seed);
      for (let i = 0; i < params.length; i++) params[i] *= 3;
      const path = new DisplayPath(spec);
      path.setParams(params);
      const grid = makeGrid({ min: [-1, -1], max: [1, 1] }, 2, 5);
      const layout = layerLayout(spec, grid.count);
      const data = new Float32Array(layout.totalFloats);
      forwardInto(spec, params, grid.points, grid.count, layout, data);
      const c = createCoefficients();
      const pos = new Float32Array(3 * grid.count);
      for (let k = 0; k <= 400; k++) {
        // The linear and bias moves of the first two layers (the activation is monotone per unit).
        const t = (k / 400) * 0.65;
        for (const layerStart of [0, 1]) {
          path.coefficientsAt(layerStart + t, c);
          for (let v = 0; v < grid.count; v++) evaluate(c, layout, data, v, 0, pos, 3 * v);
          // Cell (0,0)-(1,0)-(0,1): its orientation is the sign of det of the map so far.
          const ax = pos[3] - pos[0];
          const ay = pos[4] - pos[1];
          const bx = pos[3 * grid.size] - pos[0];
          const by = pos[3 * grid.size + 1] - pos[1];
          expect(ax * by - ay * bx).toBeGreaterThan(0);
        }
      }
    }
  });

  it('names a swap when det W < 0, and the last hidden layer gets the separating line', () => {
    const spec = buildSpec([2, 2, 1], 'tanh', 'bce');
    const params = new Float32Array(paramLayout(spec).count);
    // W1 = [[0, 1], [1, 0]] (det −1), b1 = 0; W2 = [1, -2], b2 = 0.5
    params.set([0, 1, 1, 0, 0, 0, 1, -2, 0.5]);
    const path = new DisplayPath(spec);
    path.setParams(params);
    expect(path.swapped).toEqual([true, false]);
    expect(path.axisLabels(1)).toEqual(['unit 2', 'unit 1']);
    const line = path.linearBoundary(1);
    expect(line).not.toBeNull();
    // Display axes are (unit 2, unit 1): the normal is (w_2, w_1) = (−2, 1); level = logit(½) − b = −0.5.
    expect(line!.normal.slice(0, 2)).toEqual([-2, 1]);
    expect(line!.level).toBeCloseTo(-0.5, 12);
  });
});

describe('CPU forward pass and PCA', () => {
  it('forwardInto matches the twin transform', () => {
    const spec = buildSpec([2, 5, 3, 3], ['relu', 'tanh', 'softmax'], 'ce');
    const params = initParams(spec, 4);
    const pts = randomPoints(new Random(3), 50, 2);
    const want = transformPoints(spec, params, pts, 50);
    const layout = layerLayout(spec, 50);
    expect(layout).toEqual(want.layout);
    const got = new Float32Array(layout.totalFloats);
    forwardInto(spec, params, pts, 50, layout, got);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want.data[i], 5);
  });

  it('finds the principal axes and keeps their signs from update to update', () => {
    const rng = new Random(9);
    const count = 500;
    const w = 5;
    const data = new Float32Array(count * w);
    for (let v = 0; v < count; v++) {
      const a = 3 * rng.normal();
      const b = rng.normal();
      data[v * w] = a;
      data[v * w + 1] = a + 0.1 * rng.normal();
      data[v * w + 2] = b;
      data[v * w + 3] = 0.01 * rng.normal();
      data[v * w + 4] = 0.01 * rng.normal();
    }
    const pca = new PcaTracker(w);
    pca.update(data, 0, count);
    const first = Array.from(pca.vectors.subarray(0, w));
    expect(Math.abs(first[0])).toBeCloseTo(Math.SQRT1_2, 1);
    expect(Math.abs(first[1])).toBeCloseTo(Math.SQRT1_2, 1);
    expect(Math.abs(pca.vectors[w + 2])).toBeCloseTo(1, 2);
    expect(pca.variances[0]).toBeGreaterThan(pca.variances[1]);
    // Negating the data gives the same axes up to sign: the tracker keeps the old signs.
    for (let i = 0; i < data.length; i++) data[i] = -data[i];
    pca.update(data, 0, count);
    for (let j = 0; j < w; j++) expect(pca.vectors[j]).toBeCloseTo(first[j], 6);
  });
});

describe('the grid', () => {
  it('has G x G vertices, 2G(G−1) segments and 2(G−1)² triangles for a 2-D input', () => {
    const g = makeGrid({ min: [0, 0], max: [1, 1] }, 2, 64);
    expect(g.count).toBe(4096);
    expect(g.lines.length).toBe(4 * 64 * 63);
    expect(g.triangles.length).toBe(6 * 63 * 63);
    expect(Math.max(...g.lines)).toBe(4095);
  });
  it('is a line for 1-D input and a lattice for 3-D input', () => {
    expect(makeGrid({ min: [0], max: [1] }, 1, 16).count).toBe(64);
    const l = makeGrid({ min: [0, 0, 0], max: [1, 1, 1] }, 3, 16);
    expect(l.count).toBe(l.size ** 3);
    expect(l.lines.length).toBe(6 * l.size * l.size * (l.size - 1));
  });
});
