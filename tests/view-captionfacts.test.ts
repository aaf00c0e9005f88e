import { describe, expect, it } from 'vitest';
import { buildSpec, paramLayout } from '../src/engine/spec';
import { DisplayPath } from '../src/view/math/displayPath';
import { invertibleMap, projectionName, unitSwapShown } from '../src/view/math/captionFacts';
import { describePosition, explainable, stripLabel, swapWhy } from '../src/app/shell/captions';

function pathWith(arch: number[], fill: (layer: number, i: number, j: number) => number): DisplayPath {
  const spec = buildSpec(arch, 'tanh', 'mse', {});
  const pl = paramLayout(spec);
  const params = new Float32Array(pl.count);
  for (let l = 0; l < arch.length - 1; l++)
    for (let i = 0; i < arch[l + 1]; i++)
      for (let j = 0; j < arch[l]; j++) params[pl.weight[l] + i * arch[l] + j] = fill(l, i, j);
  const path = new DisplayPath(spec);
  path.setParams(params);
  return path;
}

describe('caption facts', () => {
  it('an invertible path only for a square, non-singular map', () => {
    const p = pathWith([2, 3, 2, 2, 1], (l, i, j) => (l === 2 ? (i === j ? 2 : 0.5) : i + 2 * j + 1));
    expect(invertibleMap(p, 0), '2→3').toBe(false);
    expect(invertibleMap(p, 1), '3→2').toBe(false);
    expect(invertibleMap(p, 2), '2→2, det 3.75').toBe(true);
    const singular = pathWith([2, 2, 1], (l, i, j) => (l === 0 ? 1 + i + 0 * j : 1));
    expect(invertibleMap(singular, 0), 'rank 1').toBe(false);
  });

  it('a unit swap only where units are on screen', () => {
    // det W < 0: the units of layer 1 are swapped on screen.
    const p = pathWith([2, 2, 1], (l, i, j) => (l === 0 ? (i === j ? 0 : 1) : 1));
    expect(p.swapped[0]).toBe(true);
    expect(unitSwapShown(p, 1)).toBe(true);
    expect(projectionName(p, 1)).toBe('units');
    const wide = pathWith([2, 4, 4, 1], (l, i, j) =>
      l === 1 ? (i === j ? (i < 2 ? 0 : 1) : i + j === 1 ? 1 : 0) : 0.3 * (i + 1) - 0.2 * j,
    );
    wide.setProjection(2, { kind: 'pca', vectors: new Float64Array(12).fill(0.5), dims: 3 });
    expect(unitSwapShown(wide, 2)).toBe(false);
    expect(projectionName(wide, 2)).toBe('principal components');
    wide.setProjection(2, {
      kind: 'pca',
      vectors: new Float64Array(12).fill(0.5),
      dims: 3,
      labels: ['decision', 'PC1', 'PC2'],
    });
    expect(projectionName(wide, 2)).toBe('decision-aligned');
  });
});

describe('caption words for a unit swap', () => {
  it('is information in a neutral note, never a warning, and the strip explains it without a hover', () => {
    // det W₁ < 0: units 1 and 2 of hidden 1 are drawn swapped.
    const p = pathWith([2, 2, 1], (l, i, j) => (l === 0 ? (i === j ? 0 : 1) : 1));
    const spec = p.spec;
    const at = describePosition(spec, p, 1);
    expect(at.detail).toContain('<span class="note">drawn as unit 2, unit 1: W₁ mirrors the plane');
    expect(at.detail).not.toMatch(/warn|swapped on screen/);
    expect(describePosition(spec, p, 0.5).detail).toContain('class="note"');
    const strip = stripLabel(spec, p, 1);
    expect(strip).not.toContain('warn');
    expect(strip).toMatch(
      /<span class="note swap" tabindex="0" role="button" data-layer="1" data-explain="swap"/,
    );
    expect(strip).toContain(`title="${swapWhy(1).replace('<', '&#60;')}"`);
    // No swap (det W > 0): no note.
    const plain = pathWith([2, 2, 1], (l, i, j) => (l === 0 ? (i === j ? 1 : 0.2) : 1));
    expect(plain.swapped[0]).toBe(false);
    expect(describePosition(spec, plain, 1).detail).not.toContain('note');
    expect(stripLabel(spec, plain, 1)).not.toContain('data-explain');
  });

  it('an explainable element carries its words escaped, for the caption and for assistive technology', () => {
    const html = explainable('badge folds', "folds (5 % of the data's cells)", 'a < b & "c"', 2, 'badge');
    expect(html).toContain('data-layer="2" data-explain="badge"');
    expect(html).toContain('title="a &#60; b &#38; &#34;c&#34;"');
    expect(html).toContain('>folds (5 % of the data&#39;s cells)</span>');
  });
});

describe('caption fact bounds', () => {
  it('a square W is invertible from det W above 1e-9 of its scale², not at or below it', () => {
    // diag(1, s): scale² = (1 + s²)/2, so the bound is s = 1e-9 · (1 + s²)/2 ≈ 5e-10.
    const at = (s: number) =>
      invertibleMap(
        pathWith([2, 2, 1], (l, i, j) => (l === 0 ? (i === j ? (i ? s : 1) : 0) : 1)),
        0,
      );
    expect([at(5e-10 * 1.01), at(5e-10 * 0.99), at(0), at(1e-3)]).toEqual([true, false, false, true]);
  });
});
