/**
 * The app's side of links, saved state and model files (DOM-free): settings to experiment and back for
 * every preset, links printed by `npm run train -- --url` opening the same network, model files
 * rebuilding the same layers, and the clamping of sizes to a device's buffer limits.
 */
import { describe, expect, it } from 'vitest';
import { makeDataset } from '../src/data/registry';
import { PRESETS } from '../src/data/presets';
import { LIMITS } from '../src/engine/limits';
import { buildSpec, widths } from '../src/engine/spec';
import { DEFAULT_EXPERIMENT, experimentFromPreset, prepare } from '../src/experiment/experiment';
import { exportModel } from '../src/share/modelExport';
import { importModel } from '../src/share/modelImport';
import { experimentUrl, parseExperimentQuery } from '../src/share/url';
import { DEFAULT_VIEW } from '../src/share/view';
import {
  experimentOf,
  matchPreset,
  misfit,
  normalizeOutput,
  sameNetwork,
  settingsForModel,
  settingsFromShared,
  viewOf,
} from '../src/app/io/experimentLink';
import {
  floatsPerVertex,
  gridVertices,
  maxBatch,
  maxGridSize,
  maxSamples,
  maxTransformPoints,
  scratchFloatsPerSample,
} from '../src/app/runtime/limits';
import { defaultSettings, networkSpec, settingsFromPreset } from '../src/state/settings';

/** A small sample of the experiment's data (its classes and inputs are what matter here). */
function sampleOf(dataset: string, params: Record<string, number>, seed: number) {
  return makeDataset(dataset, { ...params, samples: 200 }, seed);
}

describe('links from the command line open the same run', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))('%s', async (_, preset) => {
    const exp = experimentFromPreset(preset);
    const url = experimentUrl(exp, 'http://127.0.0.1:5173/');
    const shared = await parseExperimentQuery(url);
    const data = sampleOf(shared.experiment.dataset, shared.experiment.params, shared.experiment.seed);
    const settings = normalizeOutput(
      settingsFromShared(defaultSettings(true), shared, { gridGiven: false }),
      data,
    );
    // The network the app builds is the one the command line trains.
    const spec = networkSpec(settings, data);
    expect(sameNetwork(spec, prepare(exp, data).spec)).toBe(true);
    // Every setting of the run survives.
    const back = experimentOf(settings, data, false);
    for (const key of [
      'learningRate',
      'batchSize',
      'epochs',
      'testSplit',
      'seed',
      'optimizer',
      'loss',
    ] as const) {
      expect(back[key], key).toEqual(exp[key]);
    }
    expect(back.arch).toEqual(exp.arch);
    expect({ ...settings.datasetParams }).toEqual({ ...exp.params });
    // The preset is recognised, so its caption shows.
    expect(settings.preset).toBe(preset.id);
  });
});

describe('the app writes links that read back as the same settings', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))('%s', async (_, preset) => {
    const first = settingsFromPreset(preset);
    const data = sampleOf(first.dataset, first.datasetParams, first.seed);
    const s = {
      ...first,
      position: Math.min(1.25, networkSpec(first, data).layers.length),
      gridSize: 48,
      chosenGrid: 48,
    };
    const exp = experimentOf(s, data, false);
    const url = experimentUrl(exp, 'http://x/', viewOf(s, networkSpec(s, data).layers.length));
    const shared = await parseExperimentQuery(url);
    const back = normalizeOutput(
      settingsFromShared(defaultSettings(true), shared, { gridGiven: true }),
      data,
    );
    expect(sameNetwork(networkSpec(back, data), networkSpec(s, data))).toBe(true);
    for (const key of [
      'dataset',
      'testSplit',
      'seed',
      'loss',
      'optimizer',
      'learningRate',
      'batchSize',
      'epochs',
      'position',
      'gridSize',
      'chosenGrid',
      'projection',
    ] as const) {
      expect(back[key], key).toEqual(s[key]);
    }
    expect(back.hidden).toEqual(s.hidden);
    // A k-NN preset's last layer is its representation (linear), kept as an explicit output layer.
    expect(back.output).toEqual(preset.output === 'knn' ? s.output : null);
    expect(matchPreset(shared.experiment)).toBe(preset.id);
  });

  it('keeps an output layer the data and loss do not imply, and per-layer activations', async () => {
    const base = defaultSettings(true);
    const s = {
      ...base,
      hidden: [
        { units: 4, activation: 'relu' as const },
        { units: 3, activation: 'tanh' as const },
      ],
      output: { units: 2, activation: 'sigmoid' as const },
    };
    const data = sampleOf('rings', {}, 1);
    const exp = experimentOf(s, data, false);
    expect(exp.arch).toEqual([2, 4, 3, 2]);
    expect(exp.activation).toBe('relu,tanh,sigmoid');
    const shared = await parseExperimentQuery(experimentUrl(exp, 'http://x/'));
    const back = normalizeOutput(settingsFromShared(base, shared, { gridGiven: false }), data);
    expect(back.output).toEqual({ units: 2, activation: 'sigmoid' });
    expect(sameNetwork(networkSpec(back, data), networkSpec(s, data))).toBe(true);
  });

  it('carries the network diagram in the link, the strip by default, and refuses other words', async () => {
    const s = { ...defaultSettings(true), networkView: 'both' as const };
    expect(viewOf(s, 3).network).toBe('both');
    expect(viewOf({ ...s, networkView: 'strip' }, 3).network).toBeUndefined();
    const shared = await parseExperimentQuery('#dataset=rings&arch=2-3-2-1&net=diagram');
    expect(settingsFromShared(s, shared, { gridGiven: false }).networkView).toBe('diagram');
    const plain = await parseExperimentQuery('#dataset=rings&arch=2-3-2-1');
    expect(settingsFromShared(s, plain, { gridGiven: false }).networkView).toBe('strip');
    await expect(parseExperimentQuery('#dataset=rings&arch=2-3-2-1&net=sideways')).rejects.toThrow(/net/);
  });

  it('clamps the view to what a link holds, and the grid only when the link names one', async () => {
    const s = { ...defaultSettings(true), gridSize: 1024, chosenGrid: 1024, position: 9 };
    expect(viewOf(s, 3)).toEqual({ layer: -1, slider: 3, grid: 256, projection: s.projection });
    const shared = await parseExperimentQuery('#dataset=rings&arch=2-3-2-1');
    expect(settingsFromShared(s, shared, { gridGiven: false }).gridSize).toBe(1024);
    expect(settingsFromShared(s, shared, { gridGiven: false }).chosenGrid).toBe(1024);
    expect(shared.view).toEqual(DEFAULT_VIEW);
  });

  it('carries the density the person chose, not one lowered while frames were slow', async () => {
    const s = { ...defaultSettings(true), gridSize: 24, chosenGrid: 96 };
    const view = viewOf(s, 3);
    expect(view.grid).toBe(96);
    const data = sampleOf('rings', {}, 1);
    const url = experimentUrl(experimentOf(s, data, false), 'http://x/', view);
    const back = settingsFromShared(defaultSettings(true), await parseExperimentQuery(url), {
      gridGiven: true,
    });
    expect([back.gridSize, back.chosenGrid]).toEqual([96, 96]);
  });
});

describe('the contractive penalty travels with the run', () => {
  const data = sampleOf('rings', {}, 1);
  const s = { ...defaultSettings(true), contractive: 0.0037, l2: 0.001 };

  it('in a link, and a link without it turns it off', async () => {
    const exp = experimentOf(s, data, false);
    expect(exp.contractive).toBe(0.0037);
    const url = experimentUrl(exp, 'http://x/', viewOf(s, 3));
    expect(url).toContain('contractive=0.0037');
    const back = settingsFromShared(defaultSettings(true), await parseExperimentQuery(url), {
      gridGiven: false,
    });
    expect(back.contractive).toBe(0.0037);
    const plain = experimentUrl(
      experimentOf({ ...s, contractive: 0 }, data, false),
      'http://x/',
      viewOf(s, 3),
    );
    expect(plain).not.toContain('contractive');
    const off = settingsFromShared(s, await parseExperimentQuery(plain), { gridGiven: false });
    expect(off.contractive).toBe(0);
    await expect(parseExperimentQuery(url.replace('0.0037', '11'))).rejects.toThrow(/contractive/);
  });

  it('in a model file; a weight out of range names its field', () => {
    const spec = networkSpec(s, data);
    const params = new Float32Array(
      spec.layers.reduce((n, l, i) => n + l.units * ((i ? spec.layers[i - 1].units : 2) + 1), 0),
    );
    const text = exportModel(spec, params, experimentOf(s, data, false));
    const model = importModel(text);
    expect(model.experiment?.contractive).toBe(0.0037);
    expect(settingsForModel(defaultSettings(true), model).settings.contractive).toBe(0.0037);
    expect(() => importModel(text.replace('"contractive":0.0037', '"contractive":-1'))).toThrow(
      /experiment\.contractive/,
    );
  });
});

describe('model files rebuild the same network', () => {
  const data = sampleOf('rings', {}, 1);

  it('with the experiment recorded in the file', () => {
    const s = {
      ...defaultSettings(true),
      hidden: [{ units: 5, activation: 'leaky_relu' as const }],
      slope: 0.2,
    };
    const spec = networkSpec(s, data);
    const params = Float32Array.from({ length: 21 }, (_, i) => Math.sin(i));
    const text = exportModel(spec, params, experimentOf(s, data, false));
    const model = importModel(text);
    const { settings, data: source } = settingsForModel(defaultSettings(true), model);
    expect(source).toBe('experiment');
    const next = normalizeOutput(settings, data);
    expect(misfit(model.spec, data)).toBeNull();
    expect(sameNetwork(networkSpec(next, data), model.spec)).toBe(true);
    expect(next.slope).toBe(0.2);
  });

  it('without one: the current data, whose fit is checked', () => {
    const spec = buildSpec([3, 4, 1], 'tanh', 'mse');
    const model = importModel(exportModel(spec, new Float32Array(21)));
    const { data: source } = settingsForModel(defaultSettings(true), model);
    expect(source).toBe('current');
    expect(misfit(model.spec, data, 'the model')).toMatch(/takes 3 inputs but the data has 2/);
    const ce = buildSpec([2, 4, 3], 'tanh', 'ce');
    expect(misfit(ce, data)).toBeNull();
    const three = makeDataset('blobs', { classes: 3, samples: 90 }, 1);
    expect(misfit(buildSpec([2, 4, 1], 'tanh', 'mse'), three)).toMatch(/3 classes/);
    const regression = makeDataset('polynomial', { samples: 50 }, 1);
    expect(misfit(buildSpec([1, 4, 1], 'tanh', 'bce'), regression)).toMatch(/mse/);
  });

  it('per-layer slopes and a non-default output survive', () => {
    const spec = {
      inputSize: 2,
      loss: 'mse' as const,
      layers: [
        { units: 3, activation: 'leaky_relu' as const, slope: 0.1 },
        { units: 2, activation: 'leaky_relu' as const, slope: 0.3 },
        { units: 1, activation: 'tanh' as const, slope: 0.1 },
      ],
    };
    const model = importModel(exportModel(spec, new Float32Array(9 + 8 + 3)));
    const next = normalizeOutput(settingsForModel(defaultSettings(true), model).settings, data);
    expect(next.output?.activation).toBe('tanh');
    expect(sameNetwork(networkSpec(next, data), spec)).toBe(true);
  });
});

describe('device limits', () => {
  const spec = buildSpec([2, 32, 32, 32, 1], 'tanh', 'mse');
  const big = { maxStorageBufferBindingSize: 2 ** 31, maxBufferSize: 2 ** 31 };
  const small = { maxStorageBufferBindingSize: 4 * 1024 * 1024, maxBufferSize: 2 ** 30 };

  it('counts what the buffers hold', () => {
    expect(floatsPerVertex(spec)).toBe(2 + 2 * 97);
    expect(gridVertices(2, 64)).toBe(4096);
    expect(gridVertices(1, 64)).toBe(256);
    expect(scratchFloatsPerSample(buildSpec([2, 3, 1], 'tanh', 'mse'))).toBe(6 + 4 + 1);
  });

  it('clamps the grid, the points, the batch and the data to the smaller binding limit', () => {
    expect(maxGridSize(spec, big, 256)).toBe(256);
    const g = maxGridSize(spec, small, 1024);
    expect(g * g * floatsPerVertex(spec) * 4).toBeLessThanOrEqual(small.maxStorageBufferBindingSize);
    expect((g + 1) * (g + 1) * floatsPerVertex(spec) * 4).toBeGreaterThan(small.maxStorageBufferBindingSize);
    expect(maxTransformPoints(spec, small)).toBe(Math.floor((4 * 1024 * 1024) / (4 * 196)));
    expect(maxBatch(spec, big)).toBe(LIMITS.maxBatch);
    expect(maxBatch(spec, small)).toBe(Math.floor((4 * 1024 * 1024) / (4 * scratchFloatsPerSample(spec))));
    expect(maxSamples(2, big)).toBe(LIMITS.maxSamples);
    expect(maxSamples(3, small)).toBe(Math.floor((4 * 1024 * 1024) / 12));
  });

  it('an experiment the defaults build stays within them', () => {
    const s = defaultSettings(true);
    const spec = networkSpec(s, sampleOf(s.dataset, s.datasetParams, s.seed));
    expect(widths(spec)).toEqual([2, 3, 2, 1]);
    expect(DEFAULT_EXPERIMENT.arch).toEqual([2, 3, 2, 1]);
  });
});
