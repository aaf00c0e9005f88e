/**
 * The experiment path reads statistics only after the epochs someone asked for: a read evaluates the whole
 * training and test sets, so the claims and story checks read once where they used to read every epoch. Reading less must change
 * nothing but the cost: the same weights, the same figures, the same divergence step.
 */
import { describe, expect, it } from 'vitest';
import { findPreset } from '../src/data/presets';
import { experimentFromPreset, type Experiment } from '../src/experiment/experiment';
import { runExperiment } from '../src/experiment/run';
import type { Stats } from '../src/engine/types';
import { openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

describe.skipIf(!gpu)('runExperiment reads statistics where asked', () => {
  const exp: Experiment = { ...experimentFromPreset(findPreset('curves-line-fails')), seed: 5, epochs: 6 };

  it('every epoch for a listener, the asked ones with statsAfter, the last alone without either; same end', async () => {
    const every: Stats[] = [];
    const some: Stats[] = [];
    const all = await runExperiment(gpu!.device, exp, { onEpoch: (s) => every.push(s), keepState: true });
    const asked = await runExperiment(gpu!.device, exp, {
      onEpoch: (s) => some.push(s),
      statsAfter: (epoch) => epoch === 2 || epoch === 4,
      keepState: true,
    });
    const alone = await runExperiment(gpu!.device, exp, { keepState: true });
    expect(every.map((s) => s.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(some.map((s) => s.epoch)).toEqual([2, 4, 6]);
    expect(some[0]).toEqual(every[1]);
    expect(some[1]).toEqual(every[3]);
    for (const other of [asked, alone]) {
      expect(other.final).toEqual(all.final);
      expect(other.steps).toBe(all.steps);
      expect(other.state!.params).toEqual(all.state!.params);
    }
  });

  it('a diverging run read only at its end reports the same step as one read every epoch', async () => {
    const wild: Experiment = {
      ...exp,
      dataset: 'polynomial',
      params: { samples: 300 },
      arch: [1, 16, 16, 1],
    };
    const bad = {
      ...wild,
      activation: 'relu',
      loss: 'mse' as const,
      optimizer: 'sgd' as const,
      learningRate: 10,
      epochs: 4,
    };
    const read = await runExperiment(gpu!.device, bad, { onEpoch: () => undefined });
    const once = await runExperiment(gpu!.device, bad);
    expect(read.final.divergedAtStep).not.toBeNull();
    expect(once.final.divergedAtStep).toBe(read.final.divergedAtStep);
    expect(once.steps).toBe(read.steps);
  });
});
