/**
 * The app opens a vector-field network: a link or a model file with one becomes settings that carry the
 * field layers (and build the same network again), against a fake host, DOM-free.
 */
import { describe, expect, it } from 'vitest';
import { experimentOf } from '../src/app/io/experimentLink';
import { importModelText, openLink } from '../src/app/io/openExperiment';
import { findPreset, type Preset } from '../src/data/presets';
import { initParams } from '../src/engine/twin';
import {
  DEFAULT_EXPERIMENT,
  experimentFromPreset,
  prepare,
  type Experiment,
} from '../src/experiment/experiment';
import { exportModel } from '../src/share/modelExport';
import { experimentQuery } from '../src/share/url';
import { reduce } from '../src/state/commands';
import { hiddenText, parseHidden } from '../src/state/hiddenText';
import { networkSpec, settingsFromPreset } from '../src/state/settings';
import { fakeOpenHost } from './helpers/appHosts';

const host = () => fakeOpenHost();

const EXP: Experiment = {
  ...DEFAULT_EXPERIMENT,
  dataset: 'rings',
  params: { samples: 200 },
  arch: [2, 2, 3, 1],
  fields: [8, 0, 0],
};

describe('a vector-field network in the app', () => {
  it('a link opens: the settings carry the field layer and build the same network', async () => {
    const { h, door, notice } = host();
    expect(await openLink(h, `#${experimentQuery(EXP).toString()}`)).toBe(true);
    expect(notice.shown.filter((n) => n.kind === 'error')).toEqual([]);
    const s = door.settings;
    expect(s.hidden.map((l) => l.anchors)).toEqual([8, undefined]);
    const spec = networkSpec(s, { inputSize: 2, classes: 2 });
    expect(spec.layers.map((l) => l.field?.anchors ?? 0)).toEqual([8, 0, 0]);
    expect(spec.layers.map((l) => l.units)).toEqual([2, 3, 1]);
    // And back into a link: the same experiment.
    const back = experimentOf(s, { inputSize: 2, classes: 2 }, false);
    expect(back.fields).toEqual([8, 0, 0]);
    expect(back.arch).toEqual([2, 2, 3, 1]);
  });

  it('a model file too, with its weights', async () => {
    const { h, door, notice, calls } = host();
    const run = prepare(EXP);
    const text = exportModel(run.spec, initParams(run.spec, 1, run.train), EXP);
    expect(await importModelText(h, text, 'vf.json')).toBe(true);
    expect(notice.shown.filter((n) => n.kind === 'error')).toEqual([]);
    expect(door.settings.hidden[0].anchors).toBe(8);
    expect(calls).toContain('state loaded');
  });

  it('a preset with fields becomes settings whose network and experiment are the preset’s', () => {
    const preset: Preset = {
      ...findPreset('rings-3-units-separate')!,
      id: 'test-field',
      arch: [2, 2, 2, 1],
      activation: 'tanh',
      fields: [16, 16, 0],
    };
    const s = settingsFromPreset(preset);
    const spec = networkSpec(s, { inputSize: 2, classes: 2 });
    expect(spec.layers.map((l) => l.field?.anchors ?? 0)).toEqual([16, 16, 0]);
    const exp = experimentOf(s, { inputSize: 2, classes: 2 }, false);
    const cli = experimentFromPreset(preset);
    expect(exp.fields).toEqual(cli.fields);
    expect(exp.arch).toEqual(cli.arch);
    expect(prepare(exp).spec).toEqual(prepare(cli).spec);
  });
});

describe('the Network controls’ text and output choice', () => {
  it('hidden layers read and write vfK tokens, keeping each dense layer’s activation', () => {
    const before = [
      { units: 3, activation: 'relu' as const },
      { units: 4, activation: 'sigmoid' as const },
    ];
    const hidden = parseHidden('vf16 - 5-vf4', before);
    expect(hidden).toEqual([
      { units: 2, activation: 'linear', anchors: 16 },
      { units: 5, activation: 'sigmoid' },
      { units: 5, activation: 'linear', anchors: 4 },
    ]);
    expect(hiddenText(hidden)).toBe('vf16-5-vf4');
    expect(parseHidden('', before)).toEqual([]);
    expect(() => parseHidden('vf65', before)).toThrow(/1 to 64 anchors; got 65/);
    expect(() => parseHidden('3-q', before)).toThrow(/layer 2: "q" is neither/);
    expect(() => parseHidden('3--4', before)).toThrow(/layer 2 is empty/);
    const s = settingsFromPreset(findPreset('rings-3-units-separate')!);
    s.hidden = parseHidden('vf8-3', s.hidden);
    expect(networkSpec(s, { inputSize: 2, classes: 2 }).layers.map((l) => l.field?.anchors ?? 0)).toEqual([
      8, 0, 0,
    ]);
  });

  it('setOutput: k-NN over the last layer’s units with loss ce, and back to the loss’s own output', () => {
    const s = settingsFromPreset(findPreset('rings-3-units-separate')!);
    reduce(s, { type: 'setOutput', loss: 'ce', knn: { k: 5, epsilon: 1e-3 }, units: 3 }, 2);
    let spec = networkSpec(s, { inputSize: 2, classes: 2 });
    expect(spec.knn).toEqual({ k: 5, epsilon: 1e-3 });
    expect(spec.loss).toBe('ce');
    expect(spec.layers.at(-1)).toMatchObject({ units: 3, activation: 'linear' });
    reduce(s, { type: 'setOutput', loss: 'bce', knn: null }, 2);
    spec = networkSpec(s, { inputSize: 2, classes: 2 });
    expect(spec.knn).toBeUndefined();
    expect(spec.layers.at(-1)).toMatchObject({ units: 1, activation: 'sigmoid' });
  });
});
