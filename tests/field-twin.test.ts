/**
 * The vector-field layer f(x) = x + Σᵢ vᵢ·gᵢ(x) in the twin (float64): its gradient against central finite
 * differences on networks that mix dense and field layers, its start as the identity, where its anchors
 * and σ come from, and how `--arch` tokens such as `vf16` are read and refused.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/types';
import { fieldForward, medianDistance } from '../src/engine/fieldTwin';
import type { Loss, NetworkSpec } from '../src/engine/spec';
import { SpecError, buildSpec, checkSpec, hasField, paramLayout } from '../src/engine/spec';
import { TwinTrainer, batchGradient, forEachWeight, forward, initParams } from '../src/engine/twin';
import { defaultOptimizer } from '../src/engine/spec';
import {
  archText,
  parseArchLayers,
  parseArchText,
  prepare,
  DEFAULT_EXPERIMENT,
} from '../src/experiment/experiment';
import { Random } from '../src/random';
import { blobs, regression } from './helpers/data';

interface Case {
  arch: string;
  activation: string;
  loss: Loss;
  classes: number;
  learnCentres?: boolean;
  regression?: boolean;
  l2?: number;
}

const CASES: Case[] = [
  { arch: '2-vf16-1', activation: 'tanh', loss: 'mse', classes: 2 },
  { arch: '2-vf8-vf8-1', activation: 'tanh', loss: 'bce', classes: 2 },
  { arch: '2-3-vf4-3', activation: 'tanh', loss: 'ce', classes: 3 },
  { arch: '2-4-vf6-4-2', activation: 'sigmoid', loss: 'ce', classes: 2 },
  { arch: '2-vf5-3-vf3-1', activation: 'softplus', loss: 'bce', classes: 2, l2: 0.1 },
  { arch: '2-vf4-1', activation: 'linear', loss: 'mse', classes: 0, regression: true },
  { arch: '2-vf16-1', activation: 'tanh', loss: 'mse', classes: 2, learnCentres: true },
  { arch: '2-3-vf4-vf4-3', activation: 'tanh', loss: 'ce', classes: 3, learnCentres: true },
];

function specOf(c: Case): NetworkSpec {
  const { arch, fields } = parseArchLayers(c.arch);
  const spec = buildSpec(arch, c.activation, c.loss, { regression: c.regression, fields });
  if (c.learnCentres) for (const l of spec.layers) if (l.field) l.field.learnCentres = true;
  checkSpec(spec);
  return spec;
}

function dataOf(c: Case, seed: number): Dataset {
  return c.regression ? regression(24, seed) : blobs(24, c.classes, seed);
}

/** Initial weights with anchors placed from the data, then every vector and bias moved off zero. */
function paramsOf(spec: NetworkSpec, data: Dataset, seed: number): Float64Array {
  const params = Float64Array.from(initParams(spec, seed, data));
  const layout = paramLayout(spec);
  const random = new Random(seed + 99);
  layout.field.forEach((f, l) => {
    if (f) for (let k = 0; k < f.anchors * f.width; k++) params[f.v + k] = 0.6 * random.normal();
    else for (let j = 0; j < spec.layers[l].units; j++) params[layout.bias[l] + j] = 0.3 * random.normal();
  });
  return params;
}

const H = 1e-5;

function objective(
  spec: NetworkSpec,
  params: Float64Array,
  data: Dataset,
  idx: number[],
  l2: number,
): number {
  let total = batchGradient(spec, params, data, idx).loss;
  forEachWeight(spec, (p) => (total += 0.5 * l2 * params[p] * params[p]));
  return total;
}

describe('vector-field layer: twin gradient against central finite differences (float64)', () => {
  for (const c of CASES) {
    const name = `${c.arch} ${c.activation} ${c.loss}${c.learnCentres ? ' learned centres' : ''}${c.l2 ? ' l2' : ''}`;
    it(name, () => {
      const spec = specOf(c);
      const data = dataOf(c, 3);
      const params = paramsOf(spec, data, 5);
      const idx = Array.from({ length: 16 }, (_, i) => (i * 7) % 24);
      const l2 = c.l2 ?? 0;
      const { grad } = batchGradient(spec, params, data, idx, { l1: 0, l2 });
      const layout = paramLayout(spec);
      const fixed = new Set<number>();
      for (const f of layout.field) {
        if (!f) continue;
        fixed.add(f.sigma);
        const learn = spec.layers[layout.field.indexOf(f)].field!.learnCentres;
        if (!learn) for (let k = 0; k < f.anchors * f.width; k++) fixed.add(f.centres + k);
      }
      let worst = 0;
      let where = '';
      for (let p = 0; p < params.length; p++) {
        if (fixed.has(p)) {
          expect(grad[p], `param ${p} is not trained`).toBe(0);
          continue;
        }
        const saved = params[p];
        params[p] = saved + H;
        const up = objective(spec, params, data, idx, l2);
        params[p] = saved - H;
        const down = objective(spec, params, data, idx, l2);
        params[p] = saved;
        const numeric = (up - down) / (2 * H);
        const error = Math.abs(grad[p] - numeric) / (1e-6 + 1e-5 * Math.abs(numeric));
        if (error > worst) [worst, where] = [error, `param ${p}: analytic ${grad[p]}, numeric ${numeric}`];
      }
      expect(worst, where).toBeLessThan(1);
    });
  }

  it('the centres gradient, when learned, is not zero (the check above sees it)', () => {
    const c = CASES[6];
    const spec = specOf(c);
    const data = dataOf(c, 3);
    const params = paramsOf(spec, data, 5);
    const f = paramLayout(spec).field[0]!;
    const { grad } = batchGradient(spec, params, data, [0, 1, 2, 3, 4, 5]);
    const norm = Math.hypot(...grad.subarray(f.centres, f.centres + f.anchors * f.width));
    expect(norm).toBeGreaterThan(1e-4);
  });
});

describe('vector-field layer: start, anchors and σ', () => {
  it('starts as the identity: vectors 0, output = input at every point', () => {
    const spec = specOf(CASES[2]);
    const data = dataOf(CASES[2], 1);
    const params = initParams(spec, 7, data);
    const f = paramLayout(spec).field[1]!;
    expect(Array.from(params.subarray(f.v, f.v + f.anchors * f.width)).every((v) => v === 0)).toBe(true);
    for (let s = 0; s < 5; s++) {
      const t = forward(spec, params, data.x.subarray(2 * s, 2 * s + 2));
      expect(Array.from(t.post[2])).toEqual(Array.from(t.post[1]));
    }
  });

  it('anchors are training points at the layer input (a later layer: through the layers before it), σ their median distance', () => {
    const spec = specOf(CASES[2]); // 2-3-vf4-3: the field layer sees the first layer's tanh outputs
    const data = dataOf(CASES[2], 1);
    const params = initParams(spec, 7, data);
    const f = paramLayout(spec).field[1]!;
    const reps: Float64Array[] = [];
    for (let s = 0; s < data.y.length; s++)
      reps.push(forward(spec, params, data.x.subarray(2 * s, 2 * s + 2)).post[1]);
    const anchors: Float64Array[] = [];
    for (let i = 0; i < f.anchors; i++) {
      const c = Float64Array.from(params.subarray(f.centres + i * f.width, f.centres + (i + 1) * f.width));
      anchors.push(c);
      const match = reps.findIndex((r) => r.every((v, u) => Math.abs(v - c[u]) < 1e-6));
      expect(match, `anchor ${i} is a training point's representation`).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(anchors.map((a) => a.join())).size).toBe(f.anchors);
    expect(params[f.sigma]).toBeCloseTo(medianDistance(anchors), 5);
    // Same seed, same anchors; another seed, others.
    expect(initParams(spec, 7, data)).toEqual(params);
    expect(initParams(spec, 8, data)).not.toEqual(params);
  });

  it('medianDistance: the middle of the pairwise distances; 1 with no pair', () => {
    const p = (x: number, y: number): Float64Array => Float64Array.of(x, y);
    expect(medianDistance([p(0, 0), p(3, 0), p(0, 4)])).toBe(4); // 3, 4, 5
    expect(medianDistance([p(0, 0), p(1, 0), p(3, 0), p(6, 0)])).toBe(3); // 1 2 3 3 5 6
    expect(medianDistance([p(1, 1)])).toBe(1);
  });

  it('fieldForward: x + Σ vᵢ gᵢ(x) written out for one anchor', () => {
    const f = { anchors: 1, width: 2, v: 0, centres: 2, sigma: 4 };
    const params = [0.5, -1, 1, 1, 2];
    const g = Math.exp(-(1 + 4) / 8); // x = (0, -1), c = (1, 1): ‖x − c‖² = 5
    expect(Array.from(fieldForward(f, params, [0, -1]))).toEqual([0.5 * g, -1 - g]);
  });

  it('the twin trainer places the anchors when the data comes, and keeps weights it was given', () => {
    const spec = specOf(CASES[0]);
    const data = dataOf(CASES[0], 2);
    const config = { spec, optimizer: defaultOptimizer('adam', 0.05), train: { seed: 4, batchSize: 8 } };
    const twin = new TwinTrainer(config);
    twin.setData(data, null);
    expect(twin.params).toEqual(initParams(spec, 4, data));
    twin.train(20);
    const f = paramLayout(spec).field[0]!;
    expect(Math.hypot(...twin.params.subarray(f.v, f.v + 32))).toBeGreaterThan(0);
    // The anchors and σ stay where they were placed: they are not trained.
    expect(twin.params.subarray(f.centres, f.sigma + 1)).toEqual(
      initParams(spec, 4, data).subarray(f.centres, f.sigma + 1),
    );
    const given = new TwinTrainer(config);
    const weights = initParams(spec, 9, data);
    given.setParams(weights);
    given.setData(data, null);
    expect(given.params).toEqual(weights);
  });
});

describe('vector-field layer: --arch tokens', () => {
  it('vfK is a field layer as wide as the layer before it', () => {
    expect(parseArchLayers('2-vf16-vf16-1')).toEqual({ arch: [2, 2, 2, 1], fields: [16, 16, 0] });
    expect(parseArchLayers('2-3-VF4-3')).toEqual({ arch: [2, 3, 3, 3], fields: [0, 4, 0] });
    expect(parseArchLayers('2-3-1')).toEqual({ arch: [2, 3, 1] });
    expect(archText([2, 3, 3, 3], [0, 4, 0])).toBe('2-3-vf4-3');
    expect(archText([2, 3, 1])).toBe('2-3-1');
    const spec = buildSpec([2, 2, 2, 1], 'tanh', 'bce', { fields: [16, 16, 0] });
    expect(spec.layers.map((l) => [l.units, l.activation, l.field?.anchors ?? 0])).toEqual([
      [2, 'linear', 16],
      [2, 'linear', 16],
      [1, 'sigmoid', 0],
    ]);
    expect(hasField(spec)).toBe(true);
    // V and the anchors: 2 × 16 × 2 + σ per field layer; then the dense output 2 + 1.
    expect(paramLayout(spec).count).toBe(2 * 65 + 3);
  });

  it('refuses, in one line, what cannot be', () => {
    const refused: [string, RegExp][] = [
      ['vf4-2-1', /first size is the input/],
      ['2-3-vf4', /output layer must be dense/],
      ['2-vf0-1', /1 to 64 anchors; got 0/],
      ['2-vf65-1', /1 to 64 anchors; got 65/],
      ['2-vf-1', /size 2 is "vf"; a vector-field layer is vfK with K its anchors, e\.g\. 2-vf16-1$/],
      ['2-vfa-1', /size 2 is "vfa"; a vector-field layer is vfK/],
      ['2-vfx-1', /size 2 is "vf"; a vector-field layer is vfK/],
      ['2-a-1', /size 2 is "a"$/],
    ];
    for (const [text, message] of refused) {
      expect(() => parseArchLayers(text), text).toThrow(SpecError);
      expect(() => parseArchLayers(text), text).toThrow(message);
      try {
        parseArchLayers(text);
      } catch (e) {
        expect((e as Error).message).not.toContain('\n');
      }
    }
    expect(() => parseArchText('2-vf4-1')).toThrow(/vector-field layer/);
    expect(() => buildSpec([2, 3, 1], 'tanh', 'mse', { fields: [0, 4] })).toThrow(/output layer/);
    expect(() =>
      checkSpec({
        inputSize: 2,
        loss: 'mse',
        layers: [
          { units: 3, activation: 'linear', slope: 0.01, field: { anchors: 4 } },
          { units: 1, activation: 'sigmoid', slope: 0.01 },
        ],
      }),
    ).toThrow(/keeps its input's width \(2\); got 3/);
  });

  it('an experiment with field layers prepares (features widen a leading field layer) and refuses the contractive penalty', () => {
    const exp = {
      ...DEFAULT_EXPERIMENT,
      dataset: 'rings',
      params: { samples: 200 },
      arch: [2, 2, 1],
      fields: [8, 0],
    };
    const run = prepare(exp);
    expect(run.spec.layers[0].field).toEqual({ anchors: 8 });
    const lifted = prepare({ ...exp, features: ['r2'] });
    expect(lifted.spec.layers[0].units).toBe(3);
    expect(() => prepare({ ...exp, contractive: 0.1 })).toThrow(
      /contractive penalty is for dense layers only/,
    );
  });
});
