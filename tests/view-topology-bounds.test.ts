/**
 * The topology maths on each side of every bound: the share in whole per cent, the singular thresholds of
 * a square and a wider W, the fold share beside a narrowing, leaky ReLU's slope, the collapse share of the
 * data's cells, and the fold map's turned-over and collapsed ends. Each bound is met exactly where it can
 * be, and a small step either side.
 */
import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../src/engine/spec';
import { collapsedShare, foldLevel, foldMap, foldedShare, FOLD_SCALE } from '../src/view/math/foldMap';
import { COLLAPSE_SHARE, FoldShares } from '../src/view/math/foldShares';
import {
  layerBadge,
  percent,
  relativeSmallestStretch,
  SINGULAR_THRESHOLD,
  stretchAtLeast,
} from '../src/view/math/layerBadges';

/** A one-layer network n → m with the given weights (row-major) and zero biases after them. */
function oneLayer(m: number, n: number, activation: string, w: number[], slope = 0.01) {
  const spec = { inputSize: n, layers: [{ units: m, activation, slope }], loss: 'mse' } as NetworkSpec;
  const params = new Float32Array(m * n + m);
  params.set(w);
  return { spec, params };
}

const ROTATION = [Math.cos(0.7), -Math.sin(0.7), Math.sin(0.7), Math.cos(0.7)];

/** n × n points evenly over [−1, 1]². */
function squarePoints(n: number): Float32Array {
  const p = new Float32Array(2 * n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) p.set([-1 + (2 * i) / (n - 1), -1 + (2 * j) / (n - 1)], 2 * (j * n + i));
  return p;
}

describe('badge and fold-share bounds, on both sides', () => {
  it('a share in whole per cent: "< 1 %" only above 0, "> 99 %" only below 1', () => {
    expect([0, 1e-9, 0.0049, 0.005, 0.0051, 0.5, 0.9949, 0.995, 0.999999, 1, 1.2, -0.1].map(percent)).toEqual(
      ['0 %', '< 1 %', '< 1 %', '1 %', '1 %', '50 %', '99 %', '> 99 %', '> 99 %', '100 %', '100 %', '0 %'],
    );
  });

  it(`a square W is singular below ${SINGULAR_THRESHOLD} of its scale in its smallest stretch, not above`, () => {
    // diag(1, s): smallest stretch s / √((1 + s²)/2) = t exactly when s = t / √(2 − t²).
    expect(SINGULAR_THRESHOLD).toBe(1e-3);
    const t = SINGULAR_THRESHOLD;
    const s = t / Math.sqrt(2 - t * t);
    const kind = (x: number) =>
      layerBadge(oneLayer(2, 2, 'tanh', [1, 0, 0, x]).spec, 0, oneLayer(2, 2, 'tanh', [1, 0, 0, x]).params)
        .kind;
    expect(relativeSmallestStretch([1, 0, 0, s], 2)).toBeCloseTo(t, 12);
    expect([kind(s * (1 + 1e-5)), kind(s * (1 - 1e-5))]).toEqual(['homeomorphism', 'collapses']);
    expect([
      stretchAtLeast([1, 0, 0, s * (1 + 1e-9)], 2, t),
      stretchAtLeast([1, 0, 0, s * (1 - 1e-9)], 2, t),
    ]).toEqual([true, false]);
  });

  it(`a wider W collapses when det WᵀW is below ${SINGULAR_THRESHOLD}² of its scale, not above`, () => {
    // Columns (1, 0, 0) and (0, s, 0): det WᵀW / scale⁴ = 4s² / (1 + s²)² = t² when s = (1 − √(1 − t²)) / t.
    const t = SINGULAR_THRESHOLD;
    const s = (1 - Math.sqrt(1 - t * t)) / t;
    const kind = (x: number) => {
      const n = oneLayer(3, 2, 'tanh', [1, 0, 0, x, 0, 0]);
      return layerBadge(n.spec, 0, n.params).kind;
    };
    expect([kind(s * (1 + 1e-5)), kind(s * (1 - 1e-5))]).toEqual(['homeomorphism', 'collapses']);
  });

  it('narrowing onto one unit never shows a fold share; onto two it does, from any share above 0', () => {
    const onto1 = oneLayer(1, 2, 'tanh', [1, 1]);
    expect(layerBadge(onto1.spec, 0, onto1.params, 0.4).label).toBe('collapses a dimension');
    const onto2 = oneLayer(2, 3, 'tanh', [1, 0, 0, 0, 1, 0]);
    expect(layerBadge(onto2.spec, 0, onto2.params, 0.4).label).toBe(
      "collapses a dimension · folds (40 % of the data's cells)",
    );
    expect(layerBadge(onto2.spec, 0, onto2.params, Number.MIN_VALUE).label).toBe(
      "collapses a dimension · folds (< 1 % of the data's cells)",
    );
    expect(layerBadge(onto2.spec, 0, onto2.params, 0).label).toBe('collapses a dimension');
    // Square (not narrowing): no "collapses" for a regular W.
    const square = oneLayer(2, 2, 'relu', ROTATION);
    expect(layerBadge(square.spec, 0, square.params, Number.MIN_VALUE).kind).toBe('folds');
    expect(layerBadge(square.spec, 0, square.params, 0).kind).toBe('unfolded');
  });

  it('leaky ReLU is one-to-one from any slope above 0', () => {
    const kind = (slope: number) => {
      const n = oneLayer(2, 2, 'leaky_relu', ROTATION, slope);
      return layerBadge(n.spec, 0, n.params).kind;
    };
    expect([kind(0), kind(Number.MIN_VALUE), kind(-0.1)]).toEqual(['folds', 'homeomorphism', 'folds']);
  });

  it(`a cell is collapsed when its area ratio is at most ${COLLAPSE_SHARE} of the mean, not above`, () => {
    // Leaky ReLU (slope σ) on the square: area ratio 1, σ, σ, σ² in the four quadrants' cells (the grid's
    // lines run along the axes), mean ((1 + σ)/2)²: the third quadrant collapses exactly when σ ≤ 1/31.
    const points = squarePoints(40);
    const share = (slope: number) => {
      const spec = {
        inputSize: 2,
        layers: [{ units: 2, activation: 'leaky_relu', slope }],
        loss: 'mse',
      } as NetworkSpec;
      return new FoldShares(spec, points, points.length / 2).compute(Float32Array.of(1, 0, 0, 1, 0, 0));
    };
    expect(COLLAPSE_SHARE).toBe(2 ** -8);
    const sigma = Math.sqrt(COLLAPSE_SHARE) / (2 - Math.sqrt(COLLAPSE_SHARE));
    expect(sigma).toBeCloseTo(1 / 31, 15);
    expect(share(sigma * (1 - 1e-4)).collapsed).toEqual([0.25]);
    expect(share(sigma * (1 + 1e-4)).collapsed).toEqual([0]);
    expect(share(sigma * (1 + 1e-4)).folded).toEqual([0]);
  });
});

describe('fold map bounds', () => {
  /** A 4 x 4 grid (spacing 1) through the linear map [[a, b], [c, d]], flat (z = 0). */
  const linearMap = (a: number, b: number, c: number, d: number) => {
    const g = 4;
    const p = new Float32Array(3 * g * g);
    for (let j = 0; j < g; j++)
      for (let i = 0; i < g; i++) p.set([a * i + b * j, c * i + d * j, 0], 3 * (j * g + i));
    return foldMap(p, g, 1, 1, 2);
  };

  it('turned over only below 0: a map flattened onto a line (det 0) is collapsed, not folded', () => {
    expect(foldedShare(linearMap(1, 2, 0.5, 1))).toBe(0);
    expect(collapsedShare(linearMap(1, 2, 0.5, 1))).toBe(1);
    expect(foldedShare(linearMap(1, 0, 0, -(2 ** -20)))).toBe(1);
    expect(foldedShare(linearMap(1, 0, 0, 2 ** -20))).toBe(0);
  });

  it(`collapsed below 2^${FOLD_SCALE.lowLog2} of the input's area, not at it`, () => {
    const low = 2 ** FOLD_SCALE.lowLog2;
    expect(FOLD_SCALE.lowLog2).toBe(-8);
    expect(collapsedShare(linearMap(1, 0, 0, low))).toBe(0);
    expect(collapsedShare(linearMap(1, 0, 0, low * (1 - 2 ** -20)))).toBe(1);
    expect(collapsedShare(linearMap(1, 0, 0, -low))).toBe(0);
    // The colour ramp starts and ends at the same bounds.
    expect([
      foldLevel(low),
      foldLevel(low / 2),
      foldLevel(1),
      foldLevel(2 ** FOLD_SCALE.highLog2),
      foldLevel(1e9),
    ]).toEqual([0, 0, 8 / 14, 1, 1]);
  });
});
