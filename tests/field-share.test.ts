/**
 * Vector-field layers through links and model files: the anchors and σ travel with the weights (they are
 * parameters), the layer kind through the arch text (`2-vf8-1`) and the model file's `"kind": "field"`
 * (version 3; dense-only files stay version 2); what does not fit is refused by name.
 */
import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../src/engine/spec';
import { paramLayout } from '../src/engine/spec';
import { initParams } from '../src/engine/twin';
import type { Experiment } from '../src/experiment/experiment';
import { DEFAULT_EXPERIMENT, prepare } from '../src/experiment/experiment';
import { ShareError } from '../src/share/errors';
import { exportModel } from '../src/share/modelExport';
import { importModel } from '../src/share/modelImport';
import { experimentQuery, parseExperimentQuery, shareQuery } from '../src/share/url';

const EXP: Experiment = {
  ...DEFAULT_EXPERIMENT,
  dataset: 'rings',
  params: { samples: 300 },
  arch: [2, 3, 3, 1],
  fields: [0, 8, 0],
  loss: 'bce',
};

/** The run's weights: anchors placed from its data, vectors moved off zero. */
function trained(exp: Experiment): { spec: NetworkSpec; params: Float32Array } {
  const run = prepare(exp);
  const params = initParams(run.spec, exp.seed, run.train);
  const f = paramLayout(run.spec).field[1]!;
  for (let k = 0; k < f.anchors * f.width; k++) params[f.v + k] = Math.sin(k + 1) / 3;
  return { spec: run.spec, params };
}

function refusal(fn: () => unknown): ShareError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ShareError);
    return e as ShareError;
  }
  throw new Error('expected a ShareError');
}

describe('vector-field layers in model files', () => {
  it('round-trips the layer, its vectors, anchors and σ bit for bit, in version 3', () => {
    const { spec, params } = trained(EXP);
    spec.layers[1].field!.learnCentres = true;
    const text = exportModel(spec, params, EXP);
    expect(text).toContain('"version": 3');
    expect(text).toContain('"kind": "field", "units": 3, "anchors": 8, "learnCentres": true,');
    const model = importModel(text);
    expect(model.spec).toEqual(spec);
    expect(model.params).toEqual(params);
    expect(model.experiment?.fields).toEqual([0, 8, 0]);
    const f = paramLayout(spec).field[1]!;
    expect(model.params[f.sigma]).toBeGreaterThan(0);
  });

  it('a dense network is still written as version 2', () => {
    const dense = { ...EXP, fields: undefined, arch: [2, 3, 1] };
    const run = prepare(dense);
    expect(exportModel(run.spec, initParams(run.spec, 1), dense)).toContain('"version": 2');
  });

  it('refuses a field layer in an older version, an unknown kind, σ ≤ 0 and an arch that disagrees', () => {
    const { spec, params } = trained(EXP);
    const text = exportModel(spec, params, EXP);
    const old = refusal(() => importModel(text.replace('"version": 3', '"version": 2')));
    expect(old.field).toBe('layers[1].kind');
    expect(old.message).toMatch(/came with version 3/);
    const keras = refusal(() => importModel(text.replace('"kind": "field"', '"kind": "Conv2D"')));
    expect(keras.message).toMatch(/unknown layer kind "Conv2D".*only Keras Dense or PyTorch Linear/);
    const sigma = refusal(() => importModel(text.replace(/"sigma": [0-9.e-]+/, '"sigma": 0')));
    expect(sigma.field).toBe('layers[1].sigma');
    const exp = refusal(() => importModel(text.replace('"fields":[0,8,0]', '"fields":[0,4,0]')));
    expect(exp.field).toBe('experiment.arch');
    expect(exp.message).toBe('experiment.arch is 2-3-vf4-1 but the layers make 2-3-vf8-1');
    const rows = refusal(() => importModel(text.replace('"anchors": 8', '"anchors": 7')));
    expect(rows.field).toBe('layers[1].vectors');
  });
});

describe('vector-field layers in links', () => {
  it('the arch carries the vfK token; the weights carry the anchors and σ', async () => {
    expect(experimentQuery(EXP).get('arch')).toBe('2-3-vf8-1');
    const { params } = trained(EXP);
    const link = await shareQuery(EXP, { weights: params, precision: 'f32' });
    const shared = await parseExperimentQuery(link);
    expect(shared.experiment.arch).toEqual([2, 3, 3, 1]);
    expect(shared.experiment.fields).toEqual([0, 8, 0]);
    expect(shared.spec.layers[1].field).toEqual({ anchors: 8 });
    expect(shared.weights).toEqual(params);
    // Quantised, σ and the anchors come back within the step of their tensor's scale.
    const q8 = (await parseExperimentQuery(await shareQuery(EXP, { weights: params, precision: 'q8' })))
      .weights!;
    const f = paramLayout(shared.spec).field[1]!;
    expect(Math.abs(q8[f.sigma] - params[f.sigma])).toBeLessThan(1e-6 * params[f.sigma] + 1e-7);
    expect(q8[f.sigma]).toBeGreaterThan(0);
  });

  it('a link whose arch names a field layer wrongly is refused on the arch', async () => {
    const bad = experimentQuery(EXP);
    bad.set('arch', '2-vf99-1');
    await expect(parseExperimentQuery(bad.toString())).rejects.toThrow(/1 to 64 anchors; got 99/);
    bad.set('arch', '2-3-vf8');
    await expect(parseExperimentQuery(bad.toString())).rejects.toThrow(/output layer must be dense/);
  });
});
