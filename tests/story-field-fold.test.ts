/**
 * The fold survey of the vector-field stories: det J of a field layer against central differences of its
 * forward map, and the survey telling a field that folds the plane from one that only bends it.
 */
import { describe, expect, it } from 'vitest';
import { fieldForward } from '../src/engine/fieldTwin';
import { buildSpec, paramLayout, type FieldLayout } from '../src/engine/spec';
import { fieldJacobianDet, firstFieldFold, surveyFold } from '../src/story/fieldFold';

/** A 2-wide field of three anchors: vectors, anchors, σ (the parameter layout of spec.ts). */
const F: FieldLayout = { anchors: 3, width: 2, v: 0, centres: 6, sigma: 12 };
const params = (scale: number): number[] => [
  ...[0.9, -0.4, -0.3, 0.7, 0.5, 0.2].map((v) => scale * v),
  ...[0.2, 0.1, -0.5, 0.4, 0.3, -0.6],
  0.6,
];

/** det of the Jacobian of fieldForward by central differences. */
function detByDifferences(p: number[], x: [number, number]): number {
  const h = 1e-5;
  const col = (u: number) => {
    const plus: [number, number] = [...x];
    const minus: [number, number] = [...x];
    plus[u] += h;
    minus[u] -= h;
    const a = fieldForward(F, p, plus);
    const b = fieldForward(F, p, minus);
    return [(a[0] - b[0]) / (2 * h), (a[1] - b[1]) / (2 * h)];
  };
  const [c0, c1] = [col(0), col(1)];
  return c0[0] * c1[1] - c1[0] * c0[1];
}

describe('the fold survey of a vector-field layer', () => {
  it('det J matches central differences of the field’s forward map', () => {
    for (const scale of [0.5, 3])
      for (const x of [
        [0, 0],
        [0.3, -0.2],
        [-0.7, 0.5],
        [1.1, 0.9],
      ] as [number, number][]) {
        const p = params(scale);
        expect(fieldJacobianDet(F, p, x)).toBeCloseTo(detByDifferences(p, x), 6);
      }
  });

  it('is 1 everywhere for the identity (vectors 0) and refuses a layer that is not 2 wide', () => {
    const id = params(0);
    expect(surveyFold(F, id, 1.2, 5)).toEqual({ minDet: 1, maxDet: 1, foldedShare: 0 });
    expect(() => fieldJacobianDet({ ...F, width: 3 }, id, [0, 0, 0])).toThrow(/3 wide/);
  });

  it('tells small arrows (one-to-one) from large ones (the plane folded)', () => {
    const gentle = surveyFold(F, params(0.1), 1.2, 21);
    expect(gentle.minDet).toBeGreaterThan(0);
    expect(gentle.foldedShare).toBe(0);
    const strong = surveyFold(F, params(3), 1.2, 21);
    expect(strong.minDet).toBeLessThan(0);
    expect(strong.foldedShare).toBeGreaterThan(0);
    expect(strong.foldedShare).toBeLessThan(1);
  });

  it('finds a network’s first field layer, and none in a dense network', () => {
    const spec = buildSpec([2, 2, 1], 'tanh', 'bce', { fields: [3, 0] });
    const layout = paramLayout(spec);
    const p = new Float32Array(layout.count);
    p.set(params(3), layout.field[0]!.v);
    expect(firstFieldFold(spec, p)!.minDet).toBeLessThan(0);
    expect(firstFieldFold(buildSpec([2, 2, 1], 'tanh', 'bce'), new Float32Array(9))).toBeNull();
  });
});
