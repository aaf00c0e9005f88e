/**
 * Feature inputs (src/data/features.ts): each feature by hand values, their order, the names read from
 * text, and the experiment they make (the network's input widened, the data expanded), links and model
 * files included. Pure Node: no GPU.
 */
import { describe, expect, it } from 'vitest';
import {
  FEATURES,
  FEATURE_LABELS,
  expandDataset,
  expandPoint,
  expandPoints,
  inputLabels,
  parseFeatures,
} from '../src/data/features';
import { makeDataset } from '../src/data/registry';
import { paramLayout } from '../src/engine/spec';
import { initParams } from '../src/engine/twin';
import { DEFAULT_EXPERIMENT, prepare, type Experiment } from '../src/experiment/experiment';
import { exportModel } from '../src/share/modelExport';
import { importModel } from '../src/share/modelImport';
import { experimentUrl, parseExperimentFields } from '../src/share/url';
import { reduce } from '../src/state/commands';
import { defaultForm, queryForm, readRequest } from '../src/sweep/request';
import { claimOfRow } from '../src/sweep/summary';
import { DisplayState } from '../src/view/math/displayState';
import { gridInputs, makeGrid } from '../src/view/math/grid';
import { buildSpec } from '../src/engine/spec';
import { freshSettings } from '../src/state/settings';

describe('each feature by hand', () => {
  const x1 = 0.5;
  const x2 = -2;
  it.each([
    ['x1sq', 0.25],
    ['x2sq', 4],
    ['x1x2', -1],
    ['sinx1', Math.sin(0.5)],
    ['sinx2', Math.sin(-2)],
    ['r2', 4.25],
  ] as const)('%s at (0.5, −2) is %d', (f, want) => {
    const out = new Float32Array(3);
    expandPoint([f], x1, x2, out);
    expect(Array.from(out)).toEqual([0.5, -2, Math.fround(want)]);
  });

  it('all six follow the coordinates in the fixed order, whatever order they are asked for in', () => {
    const out: number[] = [];
    expandPoint(['r2', 'sinx2', 'x1sq', 'x1x2', 'sinx1', 'x2sq'], 3, 1, out);
    expect(out).toEqual([3, 1, 9, 1, 3, Math.sin(3), Math.sin(1), 10]);
    expect(FEATURES).toEqual(['x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2', 'r2']);
    expect(inputLabels(['r2', 'x1sq'])).toEqual(['x₁', 'x₂', 'x₁²', 'r²']);
    expect(inputLabels([])).toBeNull();
    expect(Object.values(FEATURE_LABELS)).toEqual(['x₁²', 'x₂²', 'x₁x₂', 'sin x₁', 'sin x₂', 'r²']);
  });

  it('expands many points and a dataset; none leaves them as they are', () => {
    const pts = new Float32Array([1, 2, -1, 0.5]);
    expect(Array.from(expandPoints(['x1x2', 'r2'], pts, 2))).toEqual([1, 2, 2, 5, -1, 0.5, -0.5, 1.25]);
    expect(expandPoints([], pts, 2)).toBe(pts);
    const d = makeDataset('rings', { samples: 50 }, 3);
    const e = expandDataset(['r2'], d);
    expect(e.inputSize).toBe(3);
    expect(e.y).toBe(d.y);
    for (let i = 0; i < 50; i++) {
      expect(e.x[3 * i]).toBe(d.x[2 * i]);
      expect(e.x[3 * i + 2]).toBe(Math.fround(d.x[2 * i] ** 2 + d.x[2 * i + 1] ** 2));
    }
  });
});

describe('features read from text', () => {
  it('reads names joined by commas into the fixed order; empty and "none" are none', () => {
    expect(parseFeatures('r2, x1sq')).toEqual(['x1sq', 'r2']);
    expect(parseFeatures('')).toEqual([]);
    expect(parseFeatures('none')).toEqual([]);
  });
  it('refuses an unknown name and a repeated one, saying which', () => {
    expect(() => parseFeatures('x1sq,x3sq')).toThrow(/unknown feature "x3sq": features are x1sq, x2sq/);
    expect(() => parseFeatures('r2,x1sq,r2')).toThrow('feature r2 is named twice');
  });
});

const R2: Experiment = {
  ...DEFAULT_EXPERIMENT,
  dataset: 'rings',
  params: { samples: 200 },
  arch: [2, 1],
  activation: 'linear',
  loss: 'bce',
  features: ['r2'],
};

describe('an experiment with features', () => {
  it('widens the network input by the features; arch[0] stays the data dimension', () => {
    const run = prepare({ ...R2, features: ['x1sq', 'x2sq', 'r2'] });
    expect(run.spec.inputSize).toBe(5);
    expect(run.train.inputSize).toBe(5);
    const raw = makeDataset('rings', { samples: 200 }, 1);
    const x1 = run.train.x[0];
    const x2 = run.train.x[1];
    expect(run.train.x[2]).toBe(Math.fround(x1 * x1));
    expect(run.train.x[4]).toBe(Math.fround(x1 * x1 + x2 * x2));
    expect(raw.inputSize).toBe(2);
  });
  it('refuses features on data that is not 2-D', () => {
    expect(() => prepare({ ...R2, dataset: 'tori', params: {}, arch: [3, 1] })).toThrow(
      /features \(r2\) need 2-D data; this data has 3 inputs/,
    );
  });
});

describe('links and model files carry the features', () => {
  it('a link with features round-trips to the same experiment and network', () => {
    const exp: Experiment = { ...R2, features: ['r2', 'x1sq'] };
    const url = experimentUrl(exp, 'http://x/');
    expect(url).toContain('features=x1sq%2Cr2');
    const back = parseExperimentFields(url);
    expect(back.experiment.features).toEqual(['x1sq', 'r2']);
    expect(back.spec.inputSize).toBe(4);
    expect(back.experiment).toEqual({ ...R2, features: ['x1sq', 'r2'] });
    const none = parseExperimentFields(experimentUrl({ ...R2, features: undefined }, 'http://x/'));
    expect(none.experiment.features).toBeUndefined();
    expect(none.spec.inputSize).toBe(2);
  });
  it('a link with a bad feature names the field', () => {
    const url = experimentUrl(R2, 'http://x/');
    expect(() => parseExperimentFields(url.replace('features=r2', 'features=r3'))).toThrow(
      /features: unknown feature "r3"/,
    );
    expect(() => parseExperimentFields(url.replace('features=r2', 'features=r2,r2'))).toThrow(
      /features: feature r2 is named twice/,
    );
  });
  it('a model file with features is version 2 and loads back; version 1 files still load', () => {
    const spec = prepare(R2).spec;
    const params = initParams(spec, 1);
    const text = exportModel(spec, params, R2);
    expect(text).toContain('"version": 2');
    expect(text).toContain('"features":["r2"]');
    const back = importModel(text);
    expect(back.spec.inputSize).toBe(3);
    expect(back.experiment?.features).toEqual(['r2']);
    expect(back.params).toEqual(params);
    const plain = exportModel(prepare({ ...R2, features: undefined }).spec, params.slice(0, 3), {
      ...R2,
      features: undefined,
    });
    expect(importModel(plain.replace('"version": 2', '"version": 1')).experiment?.features).toBeUndefined();
    expect(() => importModel(text.replace('"version": 2', '"version": 1'))).toThrow(
      /experiment.features: came with version 2/,
    );
    // Features that do not make the model's input width are refused.
    expect(() => importModel(text.replace('"features":["r2"]', '"features":["r2","x1sq"]'))).toThrow(
      /experiment.arch/,
    );
    expect(paramLayout(spec).count).toBe(4);
  });
});

describe('the setFeatures command', () => {
  it('stores the features in their order, leaves the preset and asks for a new network', () => {
    const s = freshSettings(true);
    expect(s.features).toEqual([]);
    const r = reduce(s, { type: 'setFeatures', features: ['r2', 'x1sq'] }, 3);
    expect(s.features).toEqual(['x1sq', 'r2']);
    expect(s.preset).toBe('');
    expect(r).toEqual({ topics: ['settings'], effect: 'newNetwork' });
    expect(reduce(s, { type: 'setFeatures', features: ['x1sq', 'r2'] }, 3).effect).toBe('none');
  });
  it('data that is not 2-D drops them', () => {
    const s = { ...freshSettings(true), features: ['r2' as const] };
    s.dataset = 'tori';
    reduce(s, { type: 'pickDataset' }, 3);
    expect(s.features).toEqual([]);
    s.dataset = 'moons';
    s.features = ['r2'];
    reduce(s, { type: 'pickDataset' }, 3);
    expect(s.features).toEqual(['r2']);
    s.dataset = 'tori';
    s.features = [];
    expect(reduce(s, { type: 'setFeatures', features: ['r2'] }, 3).effect).toBe('none');
    expect(s.features).toEqual([]);
  });
});

describe("the sweep page's Features field", () => {
  it('sweeps the preset with the features asked for, in their order; empty is none', () => {
    const form = { ...defaultForm('rings-2-units-fail'), features: 'r2, x1sq' };
    expect(defaultForm('rings-2-units-fail').features).toBe('');
    const request = readRequest(form);
    expect(request.exp.features).toEqual(['x1sq', 'r2']);
    expect(prepare(request.exp).spec.inputSize).toBe(4);
    expect(readRequest({ ...form, features: '' }).exp.features).toBeUndefined();
    expect(queryForm('?preset=rings-2-units-fail&features=r2').form.features).toBe('r2');
    // The preset's claim is about the bare coordinates: a featured row does not quote it.
    expect(claimOfRow(readRequest({ ...form, features: '' }).exp, { arch: '2-2-2-1' })).not.toBeNull();
    expect(claimOfRow(request.exp, { arch: '2-2-2-1' })).toBeNull();
  });
  it('names the field for a bad name and for data that is not 2-D', () => {
    const form = defaultForm('rings-2-units-fail');
    expect(() => readRequest({ ...form, features: 'r3' })).toThrow(/^Features: unknown feature "r3"/);
    const tori = defaultForm('tori-3-units-fail');
    expect(() => readRequest({ ...tori, features: 'r2' })).toThrow(
      /^Features: features \(r2\) need 2-D data; this data has 3 inputs$/,
    );
  });
});

describe('the views on a featured network', () => {
  it('probe the grid at its expanded vertices and name the input units x₁, x₂, r²', () => {
    const lattice = makeGrid({ min: [-1, -1], max: [1, 1] }, 2, 9);
    const grid = { ...lattice, inputs: expandPoints(['r2'], lattice.points, lattice.count) };
    expect(gridInputs(grid)).toBe(grid.inputs);
    expect(gridInputs(lattice)).toBe(lattice.points);
    const spec = buildSpec([3, 2, 1], 'tanh', 'bce');
    const state = new DisplayState({
      spec,
      grid,
      pointCount: 0,
      pointCoords: new Float32Array(0),
      pointInfo: new Float32Array(0),
      pointValues: new Float32Array(0),
      classes: 2,
      inputNames: inputLabels(['r2']),
    });
    // The lattice's corner (1, 1) lifted to r² = 2, among the probes.
    const probes = Array.from({ length: state.probeCount }, (_, i) =>
      Array.from(state.probeCoords.subarray(3 * i, 3 * i + 3)),
    );
    expect(probes).toContainEqual([1, 1, 2]);
    for (const [x1, x2, r2] of probes) expect(r2).toBeCloseTo(x1 * x1 + x2 * x2, 6);
    expect(state.path.axisLabels(0)).toEqual(expect.arrayContaining(['x₁', 'x₂', 'r²']));
  });
});
