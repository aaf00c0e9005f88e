import { describe, expect, it } from 'vitest';
import { makeDataset } from '../src/data/registry';
import { PRESETS } from '../src/data/presets';
import { buildSpec } from '../src/engine/spec';
import { layerNames } from '../src/app/runtime/layerNames';
import { describePosition } from '../src/app/shell/captions';
import {
  defaultSettings,
  effectiveLoss,
  jitterOf,
  networkSpec,
  outputUnits,
  pointsOnDisplay,
  settingsFromPreset,
  split,
} from '../src/state/settings';
import { DisplayPath } from '../src/view/math/displayPath';
import { CLASS_COLORS, rgb, shade } from '../src/view/theme';

describe('settings', () => {
  it('default: rings with 2-3-2-1', () => {
    const s = defaultSettings(true);
    expect(s.dataset).toBe('rings');
    const data = makeDataset(s.dataset, s.datasetParams, s.seed);
    const spec = networkSpec(s, data);
    expect([spec.inputSize, ...spec.layers.map((l) => l.units)]).toEqual([2, 3, 2, 1]);
    expect(defaultSettings(false).gridSize).toBeLessThan(s.gridSize);
  });

  it('every preset gives a valid network for its data', () => {
    for (const p of PRESETS) {
      const s = settingsFromPreset(p);
      const data = makeDataset(s.dataset, { ...s.datasetParams, samples: 200 }, s.seed);
      const spec = networkSpec(s, data);
      // The arch names the data's own dimension; feature inputs widen the network's input beyond it.
      expect(spec.inputSize, p.id).toBe(p.arch[0] + (p.features?.length ?? 0));
      expect(spec.layers.map((l) => l.units).slice(0, -1), p.id).toEqual(p.arch.slice(1, -1));
    }
  });

  it('output units and loss follow the data', () => {
    expect(outputUnits(0, 'mse')).toBe(1);
    expect(outputUnits(2, 'bce')).toBe(1);
    expect(outputUnits(2, 'ce')).toBe(2);
    expect(outputUnits(4, 'mse')).toBe(4);
    expect(effectiveLoss(0, 'bce')).toBe('mse');
    expect(effectiveLoss(3, 'bce')).toBe('ce');
  });

  it('points on display keep train and test in proportion, training first', () => {
    const s = defaultSettings(true);
    const data = makeDataset('rings', { samples: 1000 }, 1);
    const { train, test } = split({ ...s, testSplit: 0.2 }, data);
    const shown = pointsOnDisplay(train, test, 100);
    expect(shown.count).toBe(100);
    const tests = Array.from({ length: shown.count }, (_, i) => shown.info[4 * i + 1]);
    expect(tests.filter((t) => t === 1).length).toBe(20);
    expect(tests.indexOf(1)).toBe(80);
    for (let i = 0; i < 50; i++) expect(Math.abs(jitterOf(i))).toBeLessThanOrEqual(0.5);
  });
});

describe('captions', () => {
  it('name layers and phases', () => {
    const spec = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
    expect(layerNames(spec)).toEqual(['input', 'hidden 1', 'hidden 2', 'output']);
    const path = new DisplayPath(spec);
    path.setParams(new Float32Array(9 + 8 + 3).map((_, i) => Math.sin(i + 1)));
    expect(describePosition(spec, path, 1).title).toBe('hidden 1');
    expect(describePosition(spec, path, 1.2).phase).toMatch(/^linear map \d+% · hidden 1 → hidden 2$/);
    expect(describePosition(spec, path, 1.6).detail).toMatch(/adding b₂/);
    expect(describePosition(spec, path, 1.9).detail).toMatch(/tanh pointwise/);
  });
});

describe('shading by the prediction', () => {
  it('is neutral on the boundary and takes the predicted class colour away from it', () => {
    const out = new Float32Array(3);
    expect(shade([0.5], 0, 1, out, 0)).toBe(0);
    const neutral = Array.from(out);
    expect(shade([0.99], 0, 1, out, 0)).toBeCloseTo(0.49, 6);
    const orange = rgb(CLASS_COLORS[1]);
    // Closer to class 1's colour than the neutral shade is.
    const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    expect(dist(Array.from(out), orange)).toBeLessThan(dist(neutral, orange));
    // Three classes: margin best − second.
    expect(shade([0.1, 0.2, 0.7], 0, 3, out, 0)).toBeCloseTo(0.5, 6);
  });
});
