import { describe, expect, it } from 'vitest';
import { buildSpec, outputUnits } from '../src/engine/spec';
import { DataError } from '../src/data/errors';
import { PRESETS, findPreset } from '../src/data/presets';
import { DATASETS, datasetParams, makeDataset } from '../src/data/registry';
import { splitDataset } from '../src/data/split';
import { settingsFromPreset } from '../src/state/settings';
import { experimentFromPreset } from '../src/experiment/experiment';

describe('presets', () => {
  it('have unique kebab-case ids', () => {
    const ids = PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('cover every experiment of the seeds', () => {
    const ids = PRESETS.map((p) => p.id);
    for (const id of [
      'rings-1-unit-collapses',
      'rings-2-units-fail',
      'rings-3-units-separate',
      'rings-4-units-exotic',
      'poly-1-2-1-too-narrow',
      'poly-1-2-2-2-1-deeper',
      'poly-1-6-1-fits',
      'poly-1-3-3-1',
      'poly-chokepoint-1-3-1-3-1-fails',
      'poly-chokepoint-1-3-3-1-3-3-1',
      'circles-6-units-linear-view',
      'spiral-slight-4-layers',
      'spiral-tight-fails',
      'interval-2-units',
      'segments-relu-2-2',
      'holes-relu',
      'tori-3-units-fail',
    ]) {
      expect(ids).toContain(id);
    }
  });

  for (const p of PRESETS) {
    describe(p.id, () => {
      const def = DATASETS[p.dataset];

      it('names an existing dataset with valid parameters', () => {
        expect(def, p.dataset).toBeDefined();
        expect(() => datasetParams(p.dataset, p.params)).not.toThrow();
      });

      it('builds a valid network for its dataset', () => {
        const regression = def.classes === 0;
        const spec = buildSpec(p.arch, p.activation, p.loss, { regression });
        expect(spec.inputSize).toBe(def.inputSize);
        const classes = datasetParams(p.dataset, p.params).classes ?? def.classes;
        if (regression) expect(p.loss).toBe('mse');
        if (p.loss === 'ce') expect(outputUnits(spec)).toBe(classes);
        else expect(outputUnits(spec)).toBe(1);
        expect(classes === 2 || p.loss === 'ce' || regression).toBe(true);
      });

      it('has sensible training settings', () => {
        expect(p.title.length).toBeGreaterThan(3);
        expect(p.watch.length).toBeGreaterThan(20);
        expect(p.source.length).toBeGreaterThan(3);
        expect(['sgd', 'momentum', 'rmsprop', 'adam']).toContain(p.optimizer);
        expect(p.learningRate).toBeGreaterThan(0);
        expect(p.learningRate).toBeLessThanOrEqual(1);
        expect(Number.isInteger(p.batchSize) && p.batchSize >= 1).toBe(true);
        expect(Number.isInteger(p.epochs) && p.epochs >= 1).toBe(true);
        expect(Number.isInteger(p.seed)).toBe(true);
        const d = makeDataset(p.dataset, p.params, p.seed);
        const { train } = splitDataset(d, p.testSplit, p.seed);
        expect(train.y.length).toBeGreaterThanOrEqual(p.batchSize);
        // Keeps a demo short: at most about 20,000 steps and 1,000,000 point passes.
        const steps = Math.ceil(train.y.length / p.batchSize) * p.epochs;
        expect(steps).toBeLessThanOrEqual(20000);
        expect(train.y.length * p.epochs).toBeLessThanOrEqual(1_000_000);
      });
    });
  }

  it('every preset holds out a real test set, so the command line checks what the app shows', () => {
    for (const p of PRESETS) {
      expect(p.testSplit, p.id).toBeGreaterThanOrEqual(0.1);
      const cli = experimentFromPreset(p);
      const app = settingsFromPreset(p);
      expect([app.testSplit, app.seed, app.epochs, app.learningRate, app.batchSize], p.id).toEqual([
        cli.testSplit,
        cli.seed,
        cli.epochs,
        cli.learningRate,
        cli.batchSize,
      ]);
      expect(app.datasetParams, p.id).toEqual(cli.params);
    }
  });

  it('the slight spiral winds about a full turn, as in colah’s figure, and the tight one more', () => {
    const slight = findPreset('spiral-slight-4-layers');
    const tight = findPreset('spiral-tight-fails');
    expect(slight.params.turns).toBeGreaterThanOrEqual(0.85);
    expect(slight.params.turns).toBeLessThanOrEqual(1.15);
    expect(tight.params.turns).toBeGreaterThan(slight.params.turns + 0.4);
    expect(slight.arch).toEqual([2, 2, 2, 2, 2, 1]);
    expect(tight.arch).toEqual(slight.arch);
  });

  it('findPreset returns a preset or lists the ids', () => {
    expect(findPreset('rings-3-units-separate').arch).toEqual([2, 3, 2, 1]);
    expect(() => findPreset('nope')).toThrow(DataError);
    expect(() => findPreset('nope')).toThrow(/unknown preset "nope"; choose one of rings-1-unit-collapses, /);
  });

  it('follow the sources where they are explicit', () => {
    const rome = findPreset('rings-2-units-fail');
    expect([rome.arch, rome.activation, rome.loss, rome.optimizer, rome.batchSize]).toEqual([
      [2, 2, 2, 1],
      'tanh',
      'mse',
      'sgd',
      32,
    ]);
    const circles = findPreset('circles-6-units-linear-view');
    expect(circles).toMatchObject({
      dataset: 'circles',
      params: {},
      arch: [2, 6, 2, 1],
      activation: 'relu,linear,sigmoid',
      loss: 'bce',
      optimizer: 'rmsprop',
      learningRate: 0.001,
      testSplit: 0.2,
    });
    const poly = findPreset('poly-1-6-1-fits');
    expect(poly).toMatchObject({
      arch: [1, 6, 1],
      activation: 'tanh',
      loss: 'mse',
      batchSize: 32,
    });
    const segments = findPreset('segments-relu-2-2');
    expect(segments).toMatchObject({
      arch: [2, 2, 2],
      activation: 'relu',
      loss: 'ce',
      batchSize: 64,
      epochs: 100,
    });
  });
});
