/**
 * The decision-aligned projection of wide layers (src/view/math/decisionTracker.ts): orthonormal axes, the output's
 * direction and boundary for the last hidden layer, a discriminant for earlier layers, stable signs; and
 * the separation the view shows on trained fixtures, against the best plane the principal components allow.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paramLayout, widths } from '../src/engine/spec';
import { prepare } from '../src/experiment/experiment';
import { Random } from '../src/random';
import { importModel } from '../src/share/modelImport';
import { DecisionTracker, bestThreshold } from '../src/view/math/decisionTracker';
import { inverseActivation } from '../src/view/math/displayPath';
import { forwardInto, layerLayout } from '../src/view/math/forward';
import { LogisticFit } from '../src/view/math/logisticFit';
import { PcaTracker } from '../src/view/math/pcaTracker';

function expectOrthonormal(v: Float64Array, w: number, rows: number): void {
  for (let a = 0; a < rows; a++) {
    for (let b = 0; b < rows; b++) {
      let dot = 0;
      for (let j = 0; j < w; j++) dot += v[a * w + j] * v[b * w + j];
      expect(dot).toBeCloseTo(a === b ? 1 : 0, 9);
    }
  }
}

/** Two classes in 8-D: apart by 1 along e_5 (spread 0.15), while e_0..e_2 spread 3 for both. */
function hiddenSeparation(seed: number, n = 600) {
  const rng = new Random(seed);
  const w = 8;
  const data = new Float64Array(n * w);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let j = 0; j < w; j++) data[i * w + j] = rng.normal() * (j < 3 ? 3 : 0.15);
    data[i * w + 5] += labels[i] === 1 ? 0.5 : -0.5;
  }
  return { data, labels, w, n };
}

/** Share of rows on their class's side of u·x = level (class 1 above). */
function separated(
  u: ArrayLike<number>,
  level: number,
  data: ArrayLike<number>,
  labels: ArrayLike<number>,
  w: number,
  n: number,
): number {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < w; j++) s += u[j] * data[i * w + j];
    if (s > level === (labels[i] === 1)) ok++;
  }
  return ok / n;
}

/** The best plane within a 3-D picture (its own discriminant and threshold): how separable it looks. */
function bestInPicture(
  basis: Float64Array,
  dims: number,
  data: ArrayLike<number>,
  labels: ArrayLike<number>,
  w: number,
  n: number,
): number {
  const coords = new Float64Array(n * dims);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < dims; k++) {
      let s = 0;
      for (let j = 0; j < w; j++) s += basis[k * w + j] * data[i * w + j];
      coords[i * dims + k] = s;
    }
  const t = new DecisionTracker(dims);
  t.update({ data: coords, offset: 0, count: n, labels, classes: 2 });
  return separated(t.vectors.subarray(0, dims), t.boundary!.level, coords, labels, dims, n);
}

describe('decision-aligned projection', () => {
  it('finds a low-variance separating direction that principal components miss', () => {
    const { data, labels, w, n } = hiddenSeparation(3);
    const t = new DecisionTracker(w);
    t.update({ data, offset: 0, count: n, labels, classes: 2 });
    expect(t.source).toBe('discriminant');
    expect(t.decisionAxes).toBe(1);
    expectOrthonormal(t.vectors, w, 3);
    expect(Math.abs(t.vectors[5])).toBeGreaterThan(0.95);
    expect(t.vectors[5], 'axis 1 points towards class 1').toBeGreaterThan(0);
    expect(t.boundary!.normal).toEqual([1, 0, 0]);
    expect(separated(t.vectors, t.boundary!.level, data, labels, w, n)).toBeGreaterThan(0.99);
    const pca = new PcaTracker(w);
    pca.update(data, 0, n, w);
    expect(bestInPicture(pca.vectors, 3, data, labels, w, n), 'PCA shows no separation').toBeLessThan(0.7);
  });

  it('reads the output weights of the last hidden layer: one unit, two-way softmax, k classes', () => {
    const rng = new Random(5);
    const w = 6;
    const n = 200;
    const data = Float64Array.from({ length: n * w }, () => rng.normal());
    const weights = Float64Array.from({ length: 4 * w }, () => rng.normal());
    const bias = [0.3, -0.2, 0.1, 0.4];
    const labels = new Float64Array(n);
    const z = (i: number, c: number) => {
      let s = bias[c];
      for (let j = 0; j < w; j++) s += weights[c * w + j] * data[i * w + j];
      return s;
    };
    // One sigmoid unit: boundary z = 0 (f⁻¹(½)).
    const one = new DecisionTracker(w);
    one.update({
      data,
      offset: 0,
      count: n,
      labels,
      classes: 2,
      output: { weights, bias, units: 1, level: 0 },
    });
    expectOrthonormal(one.vectors, w, 3);
    for (let i = 0; i < n; i++) labels[i] = z(i, 0) > 0 ? 1 : 0;
    expect(separated(one.vectors, one.boundary!.level, data, labels, w, n)).toBe(1);
    // A level other than 0 (tanh output read at ½): still exact.
    const level = Math.atanh(0.5);
    one.update({ data, offset: 0, count: n, labels, classes: 2, output: { weights, bias, units: 1, level } });
    for (let i = 0; i < n; i++) labels[i] = z(i, 0) > level ? 1 : 0;
    expect(separated(one.vectors, one.boundary!.level, data, labels, w, n)).toBe(1);
    // Two-way softmax: class 1 where z_1 > z_0.
    const two = new DecisionTracker(w);
    two.update({
      data,
      offset: 0,
      count: n,
      labels,
      classes: 2,
      output: { weights, bias, units: 2, level: 0 },
    });
    for (let i = 0; i < n; i++) labels[i] = z(i, 1) > z(i, 0) ? 1 : 0;
    expect(separated(two.vectors, two.boundary!.level, data, labels, w, n)).toBe(1);
    // Four classes: three axes spanning the row differences, no single plane.
    const four = new DecisionTracker(w);
    four.update({
      data,
      offset: 0,
      count: n,
      labels,
      classes: 4,
      output: { weights, bias, units: 4, level: 0 },
    });
    expect(four.decisionAxes).toBe(3);
    expect(four.boundary).toBeNull();
    expectOrthonormal(four.vectors, w, 3);
    // Each row difference lies in the span of the three axes.
    for (let c = 1; c < 4; c++) {
      const d = Array.from({ length: w }, (_, j) => weights[c * w + j] - weights[j]);
      let inSpan = 0;
      for (let k = 0; k < 3; k++) {
        let dot = 0;
        for (let j = 0; j < w; j++) dot += d[j] * four.vectors[k * w + j];
        inSpan += dot * dot;
      }
      expect(inSpan).toBeCloseTo(
        d.reduce((s, x) => s + x * x, 0),
        8,
      );
    }
  });

  it('keeps signs from one update to the next', () => {
    const { data, labels, w, n } = hiddenSeparation(7);
    const t = new DecisionTracker(w);
    t.update({ data, offset: 0, count: n, labels, classes: 2 });
    const before = Float64Array.from(t.vectors);
    const moved = data.map((x, i) => x * (1 + 0.01 * Math.sin(i)));
    t.update({ data: moved, offset: 0, count: n, labels, classes: 2 });
    for (let k = 0; k < 3; k++) {
      let dot = 0;
      for (let j = 0; j < w; j++) dot += before[k * w + j] * t.vectors[k * w + j];
      expect(dot, `axis ${k + 1}`).toBeGreaterThan(0.9);
    }
  });

  it('bestThreshold puts the most rows on their side', () => {
    const data = [0, 1, 2, 3, 4, 5];
    const labels = [0, 0, 1, 0, 1, 1];
    const level = bestThreshold([1], 1, { data, offset: 0, count: 6, labels, classes: 2 });
    expect(level).toBeGreaterThan(1);
    expect(level).toBeLessThan(2);
  });
});

/** The view's projection of representation r on a fixture's test points, and PCA's best plane beside it. */
function fixtureSeparation(name: string, r: number, withPredictions = true) {
  const model = importModel(readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8'));
  const run = prepare(model.experiment!);
  const spec = model.spec;
  const test = run.test!;
  const n = test.y.length;
  const layout = layerLayout(spec, n);
  const values = new Float32Array(layout.totalFloats);
  forwardInto(spec, model.params, test.x, n, layout, values);
  const w = widths(spec)[r];
  const rep = Float64Array.from(values.subarray(layout.offset[2 * r], layout.offset[2 * r] + n * w));
  const labels = Float64Array.from(test.y);
  // The network's own predictions.
  const L = spec.layers.length;
  const units = spec.layers[L - 1].units;
  const out = values.subarray(layout.offset[2 * L]);
  const predicted = Float64Array.from({ length: n }, (_, i) => {
    if (units === 1) return out[i] >= 0.5 ? 1 : 0;
    let best = 0;
    for (let c = 1; c < units; c++) if (out[i * units + c] > out[i * units + best]) best = c;
    return best;
  });
  const pl = paramLayout(spec);
  const last = r === L - 1;
  const outLayer = spec.layers[L - 1];
  const t = new DecisionTracker(w);
  t.update({
    data: rep,
    offset: 0,
    count: n,
    labels,
    classes: 2,
    predictions: withPredictions ? predicted : null,
    output: last
      ? {
          weights: model.params.subarray(pl.weight[L - 1], pl.weight[L - 1] + units * w),
          bias: model.params.subarray(pl.bias[L - 1], pl.bias[L - 1] + units),
          units,
          level: inverseActivation(outLayer.activation, outLayer.slope, 0.5) ?? 0,
        }
      : null,
  });
  const view = separated(t.vectors, t.boundary!.level, rep, labels, w, n);
  const agree = separated(t.vectors, t.boundary!.level, rep, predicted, w, n);
  const pca = new PcaTracker(w);
  pca.update(rep, 0, n, w);
  const pcaBest = bestInPicture(pca.vectors, 3, rep, labels, w, n);
  return { view, agree, pcaBest, source: t.source, n };
}

describe('separation where the network separates (test points)', () => {
  it('tori 3-8-1, the hidden layer (output weights)', () => {
    const s = fixtureSeparation('tori-3-8-1', 1);
    console.log('tori 3-8-1 hidden layer', JSON.stringify(s));
    expect(s.source).toBe('output weights');
    expect(s.view).toBeGreaterThanOrEqual(0.99);
    expect(s.agree).toBeGreaterThanOrEqual(0.99);
    expect(s.pcaBest).toBeLessThan(0.9);
  });

  it("rings 2-16-16-2, the first hidden layer (not the last: the predictions' logistic plane)", () => {
    const s = fixtureSeparation('rings-2-16-16-2', 1);
    const pca = s.pcaBest;
    console.log('rings 2-16-16-2 first hidden layer', JSON.stringify(s));
    expect(s.source).toBe('logistic');
    expect(s.view).toBeGreaterThanOrEqual(0.99);
    expect(s.agree).toBeGreaterThanOrEqual(0.99);
    expect(pca, "PCA's best plane, for comparison").toBeLessThan(0.95);
  });

  it("holes 2-16-16-2, the first hidden layer (not the last: the predictions' logistic plane)", () => {
    // This layer is not linearly separable by itself (the second ReLU layer still folds it): no plane in
    // it puts more than about 97 % of the test points on their side. The logistic plane of the network's
    // predictions shows 96.8 % (and agrees with the predictions on 97 %), the linear discriminant 92 %,
    // PCA's best plane 79.6 %.
    const s = fixtureSeparation('holes-2-16-16-2', 1);
    const lda = fixtureSeparation('holes-2-16-16-2', 1, false);
    console.log('holes 2-16-16-2 first hidden layer', JSON.stringify(s), 'discriminant', JSON.stringify(lda));
    expect(s.source).toBe('logistic');
    expect(lda.source).toBe('discriminant');
    expect(s.view).toBeGreaterThanOrEqual(0.96);
    expect(s.agree).toBeGreaterThanOrEqual(0.96);
    expect(s.view).toBeGreaterThan(lda.view + 0.03);
    expect(s.view).toBeGreaterThan(s.pcaBest + 0.15);
  });
});

describe('projection bounds, on both sides', () => {
  it('the best threshold: midway between neighbours, the first of equally good ones', () => {
    const at = (labels: number[], proj = [0, 1, 2, 3]) =>
      bestThreshold([1], 1, { data: proj, offset: 0, count: proj.length, labels, classes: 2 });
    // Tied at 3 of 4 between 0.5 and 2.5: the first found (the lower) stays.
    expect(at([0, 1, 0, 1])).toBe(0.5);
    expect(at([0, 0, 1, 1])).toBe(1.5);
    // All class 1: below everything; all class 0: just above everything.
    expect(at([1, 1, 1, 1])).toBe(-1e-6);
    expect(at([0, 0, 0, 0])).toBe(3 + 1e-6);
  });

  it('principal components from two rows on; one row leaves them as they were', () => {
    const pca = new PcaTracker(2);
    pca.update([1, 2], 0, 1);
    expect(Array.from(pca.vectors)).toEqual([0, 0, 0, 0, 0, 0]);
    pca.update([1, 2, 3, 2], 0, 2);
    expect(Array.from(pca.vectors.subarray(0, 2))).toEqual([1, 0]);
    expect(pca.variances[0]).toBe(2);
  });

  it('a logistic plane needs both targets among the rows: none with one kind only', () => {
    const fit = new LogisticFit(1);
    const data = [0, 1, 2, 3];
    expect(fit.fit({ data, offset: 0, count: 4, targets: [1, 1, 1, 1] })).toBe(false);
    expect(fit.fit({ data, offset: 0, count: 4, targets: [0, 0, 0, 0] })).toBe(false);
    expect(fit.fit({ data, offset: 0, count: 0, targets: [] })).toBe(false);
    expect(fit.fit({ data, offset: 0, count: 4, targets: [0, 1, 1, 1] })).toBe(true);
    expect(fit.fit({ data, offset: 0, count: 4, targets: [0, 0, 0, 1] })).toBe(true);
    expect(fit.direction[0]).toBe(1);
  });

  it('the decision axes: a discriminant from two classes on, none for one class', () => {
    const rows = [0, 0, 1, 0.1, 2, 0.3, 3, 0.2];
    const track = (classes: number, labels: number[]) => {
      const t = new DecisionTracker(2);
      t.update({ data: rows, offset: 0, count: 4, labels, classes });
      return [t.source, t.decisionAxes];
    };
    expect(track(1, [0, 0, 0, 0])).toEqual(['none', 0]);
    expect(track(2, [0, 0, 1, 1])).toEqual(['discriminant', 1]);
  });
});
