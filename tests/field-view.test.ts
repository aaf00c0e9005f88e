import { describe, expect, it } from 'vitest';
import { describePosition } from '../src/app/shell/captions';
import { buildSpec, paramLayout, type NetworkSpec } from '../src/engine/spec';
import { initParams, transformPoints } from '../src/engine/twin';
import { Random } from '../src/random';
import { DisplayPath } from '../src/view/math/displayPath';
import { createCoefficients, evaluate } from '../src/view/math/coefficients';
import { fieldForward } from '../src/engine/fieldTwin';
import {
  fieldArrows,
  fieldFoldShare,
  fieldJacobian,
  fieldShownAt,
  fieldVector,
  lipschitzBound,
} from '../src/view/math/fieldMath';
import { forwardInto, layerLayout } from '../src/view/math/forward';
import { makeGrid } from '../src/view/math/grid';
import { layerBadgesOver } from '../src/view/math/layerBadges';

/** Field networks with anchors spread over the plane and vectors large enough to bend it. */
export function fieldParams(spec: NetworkSpec, seed: number, strength = 0.8): Float32Array {
  const rng = new Random(seed);
  const params = initParams(spec, seed);
  for (let i = 0; i < params.length; i++) params[i] *= 2;
  const pl = paramLayout(spec);
  for (const f of pl.field) {
    if (!f) continue;
    for (let i = 0; i < f.anchors * f.width; i++) {
      params[f.v + i] = rng.uniform(-strength, strength);
      params[f.centres + i] = rng.uniform(-1.5, 1.5);
    }
    params[f.sigma] = 0.7;
  }
  return params;
}

function setup(spec: NetworkSpec, seed: number, count = 64) {
  const rng = new Random(seed + 1);
  const params = fieldParams(spec, seed);
  const points = Float32Array.from({ length: count * spec.inputSize }, () => rng.uniform(-1.5, 1.5));
  const layout = layerLayout(spec, count);
  const data = new Float32Array(layout.totalFloats);
  forwardInto(spec, params, points, count, layout, data);
  const path = new DisplayPath(spec);
  path.setParams(params);
  return { spec, params, points, layout, data, path, count };
}

function positionsAt(s: ReturnType<typeof setup>, t: number, out: Float32Array): void {
  const c = createCoefficients();
  s.path.coefficientsAt(t, c);
  for (let v = 0; v < s.count; v++) evaluate(c, s.layout, s.data, v, 0.3, out, 3 * v);
}

const CASES: [string, number[], number[], string][] = [
  ['2-vf8-1', [2, 2, 1], [8, 0], 'tanh'],
  ['2-vf16-vf16-1', [2, 2, 2, 1], [16, 16, 0], 'tanh'],
  ['2-3-vf6-1', [2, 3, 3, 1], [0, 6, 0], 'tanh'],
  ['2-vf4-8-2 relu', [2, 2, 8, 2], [4, 0, 0], 'relu'],
];

describe('a vector-field layer on the slider', () => {
  it('the CPU forward pass matches the twin on a field network', () => {
    const spec = buildSpec([2, 2, 3, 3, 2], 'tanh', 'mse', { fields: [8, 0, 5, 0] });
    const params = fieldParams(spec, 5);
    const pts = Float32Array.from({ length: 80 }, (_, i) => Math.sin(i * 1.7) * 1.4);
    const want = transformPoints(spec, params, pts, 40);
    const layout = layerLayout(spec, 40);
    const got = new Float32Array(layout.totalFloats);
    forwardInto(spec, params, pts, 40, layout, got);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want.data[i], 5);
  });

  for (const [name, sizes, fields, act] of CASES) {
    for (const preActivation of [false, true]) {
      it(`${name}${preActivation ? ' (pre-activations)' : ''}: continuous, and exact at every layer`, () => {
        const spec = buildSpec(sizes, act, 'mse', { fields });
        const s = setup(spec, sizes.length * 7 + fields[0]);
        s.path.preActivation = preActivation;
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
        const scale = 1 + s.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
        expect(worst).toBeLessThan(0.03 * scale);
        const c = createCoefficients();
        for (let r = 0; r <= L; r++) {
          positionsAt(s, r, a);
          s.path.coefficientsAt(r, c);
          const basis = s.path.displayBasis(r);
          const w = s.path.repWidth[r];
          // Pre-activations shown: layer r is drawn by z_r (a field layer's z is its a).
          const rep = preActivation && r > 0 ? 2 * r - 1 : 2 * r;
          const repOffset = s.layout.offset[rep];
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
  }

  it('shows x + s·V(x) at progress s of the segment, in the input units', () => {
    const spec = buildSpec([2, 2, 1], 'tanh', 'bce', { fields: [8, 0] });
    const s = setup(spec, 3, 20);
    const c = createCoefficients();
    const pos = new Float32Array(3 * s.count);
    for (const u of [0.1, 0.37, 0.5, 0.9]) {
      s.path.coefficientsAt(u, c);
      expect(c.phase).toBe('flow');
      expect(c.s).toBeCloseTo(u, 12);
      for (let v = 0; v < s.count; v++) evaluate(c, s.layout, s.data, v, 0, pos, 3 * v);
      for (let v = 0; v < s.count; v++) {
        for (let d = 0; d < 2; d++) {
          const x = s.points[2 * v + d];
          const f = s.data[s.layout.offset[2] + 2 * v + d];
          expect(pos[3 * v + d]).toBeCloseTo(x + u * (f - x), 5);
        }
      }
    }
  });
});

describe('when a vector-field layer stops being one-to-one', () => {
  const spec = buildSpec([2, 2, 1], 'tanh', 'bce', { fields: [6, 0] });
  const f = paramLayout(spec).field[0]!;

  it('its Jacobian I + Σ vᵢ∇gᵢᵀ matches central differences of the twin', () => {
    const params = fieldParams(spec, 9, 1.2);
    const J = new Float64Array(4);
    const h = 1e-5;
    for (const x of [
      [0.1, -0.3],
      [1.2, 0.8],
      [-0.7, 0.4],
    ]) {
      fieldJacobian(f, params, x, J);
      for (let c = 0; c < 2; c++) {
        const up = x.slice();
        const down = x.slice();
        up[c] += h;
        down[c] -= h;
        const a = fieldForward(f, params, up);
        const b = fieldForward(f, params, down);
        for (let r = 0; r < 2; r++) expect(J[r * 2 + c]).toBeCloseTo((a[r] - b[r]) / (2 * h), 6);
      }
      const v = fieldVector(f, params, x, new Float64Array(2));
      const y = fieldForward(f, params, x);
      for (let r = 0; r < 2; r++) expect(v[r]).toBeCloseTo(y[r] - x[r], 12);
    }
  });

  it('below the Lipschitz bound 1 no point folds; a strong field folds, and the badge says so', () => {
    const rng = new Random(4);
    const pts = Float32Array.from({ length: 600 }, () => rng.uniform(-2, 2));
    for (let seed = 1; seed <= 6; seed++) {
      const weak = fieldParams(spec, seed, 1);
      const bound = lipschitzBound(f, weak);
      // Scale the vectors to just under the bound: still one-to-one at every point.
      for (let i = 0; i < f.anchors * 2; i++) weak[f.v + i] *= 0.99 / bound;
      expect(lipschitzBound(f, weak)).toBeLessThan(1);
      expect(fieldFoldShare(f, weak, pts, 0, 300)).toBe(0);
      expect(layerBadgesOver(spec, weak, pts)[0].kind).toBe('homeomorphism');
    }
    const strong = fieldParams(spec, 2, 4);
    expect(lipschitzBound(f, strong)).toBeGreaterThan(1);
    const share = fieldFoldShare(f, strong, pts, 0, 300);
    expect(share).toBeGreaterThan(0);
    const badge = layerBadgesOver(spec, strong, pts)[0];
    expect(badge.kind).toBe('folds');
    expect(badge.label).toMatch(/^folds \(\d+ % of the data's points\)$/);
  });

  it('with one anchor the bound is tight: just over 1 the layer folds at c + σ·v/‖v‖, just under it does not', () => {
    const one = buildSpec([2, 2, 1], 'tanh', 'bce', { fields: [1, 0] });
    const g = paramLayout(one).field[0]!;
    const params = new Float32Array(paramLayout(one).count);
    const sigma = 0.6;
    params[g.sigma] = sigma;
    params.set([0.3, -0.2], g.centres);
    const dir = [0.6, 0.8];
    const at = Float32Array.from([0.3 + sigma * dir[0], -0.2 + sigma * dir[1]]);
    for (const [factor, folds] of [
      [1.01, true],
      [0.99, false],
    ] as const) {
      const norm = factor * sigma * Math.exp(0.5);
      params.set([norm * dir[0], norm * dir[1]], g.v);
      expect(lipschitzBound(g, params)).toBeCloseTo(factor, 5);
      expect(fieldFoldShare(g, params, at, 0, 1)).toBe(folds ? 1 : 0);
    }
  });

  it('below the bound every picture along the flow keeps each grid cell’s orientation (s·Λ < 1)', () => {
    const grid = makeGrid({ min: [-2, -2], max: [2, 2] }, 2, 24);
    for (let seed = 1; seed <= 4; seed++) {
      const params = fieldParams(spec, seed, 1);
      const bound = lipschitzBound(f, params);
      for (let i = 0; i < f.anchors * 2; i++) params[f.v + i] *= 0.98 / bound;
      const path = new DisplayPath(spec);
      path.setParams(params);
      const layout = layerLayout(spec, grid.count);
      const data = new Float32Array(layout.totalFloats);
      forwardInto(spec, params, grid.points, grid.count, layout, data);
      const c = createCoefficients();
      const pos = new Float32Array(3 * grid.count);
      for (let step = 1; step <= 20; step++) {
        path.coefficientsAt(step / 20, c);
        for (let v = 0; v < grid.count; v++) evaluate(c, layout, data, v, 0, pos, 3 * v);
        for (let j = 0; j + 1 < grid.size; j++) {
          for (let i = 0; i + 1 < grid.size; i++) {
            const o = j * grid.size + i;
            const ax = pos[3 * (o + 1)] - pos[3 * o];
            const ay = pos[3 * (o + 1) + 1] - pos[3 * o + 1];
            const bx = pos[3 * (o + grid.size)] - pos[3 * o];
            const by = pos[3 * (o + grid.size) + 1] - pos[3 * o + 1];
            expect(ax * by - ay * bx).toBeGreaterThan(0);
          }
        }
      }
    }
  });

  it('the arrows show from a field layer’s input up to, not at, its output; between two, the one about to flow', () => {
    const two = buildSpec([2, 2, 2, 1], 'tanh', 'bce', { fields: [6, 6, 0] });
    expect([0, 0.5, 0.999, 1, 1.5, 1.999, 2, 2.5, 3].map((x) => fieldShownAt(two, x))).toEqual([
      0, 0, 0, 1, 1, 1, -1, -1, -1,
    ]);
    const one = buildSpec([2, 2, 3, 1], 'tanh', 'bce', { fields: [6, 0, 0] });
    expect([0, 0.5, 1, 1.5, 3].map((x) => fieldShownAt(one, x))).toEqual([0, 0, -1, -1, -1]);
  });

  it('the arrows run from x to x + V(x), and the anchors are the layer’s', () => {
    const params = fieldParams(spec, 3);
    const arrows = fieldArrows(f, params, [-1, -1, 1, 1], 4);
    expect(arrows.count).toBe(16);
    for (let a = 0; a < 16; a++) {
      const x = [arrows.segments[4 * a], arrows.segments[4 * a + 1]];
      const y = fieldForward(f, params, x);
      expect(arrows.segments[4 * a + 2]).toBeCloseTo(y[0], 5);
      expect(arrows.segments[4 * a + 3]).toBeCloseTo(y[1], 5);
    }
    expect(Array.from(arrows.anchors)).toEqual(Array.from(params.subarray(f.centres, f.centres + 12)));
  });
});

describe('the captions of a field layer and a k-NN output', () => {
  it('say the flow, the field’s anchors and the k-NN regions', () => {
    const spec = buildSpec([2, 2, 3, 2], 'tanh', 'ce', { fields: [8, 0, 0], knn: { k: 5, epsilon: 1e-3 } });
    const path = new DisplayPath(spec);
    path.setParams(fieldParams(spec, 2));
    const mid = describePosition(spec, path, 0.5);
    expect(mid.detail).toContain('flowing along the vector field x + s·V(x) (8 anchors)');
    expect(mid.phase).toMatch(/^flow 50 %|^flow 50%/);
    expect(describePosition(spec, path, 1).detail).toContain('2 units, vector field of 8 anchors');
    expect(describePosition(spec, path, 3).detail).toContain('coloured by its k-NN regions (k = 5)');
  });
});
