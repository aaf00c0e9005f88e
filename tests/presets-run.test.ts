/**
 * Every preset runs through the same path as `npm run train -- --preset ID` (flags → experiment → GPU
 * engine), shortened to one epoch on at most 2,000 points, and ends with a finite loss and test figures.
 */
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../src/flags';
import { DATASET_FLAGS, EXPERIMENT_FLAGS, experimentFromFlags } from '../src/cli/experimentFlags';
import { PRESETS } from '../src/data/presets';
import { runExperiment } from '../src/experiment/run';
import { openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

describe.skipIf(!gpu)('every preset trains from the command-line path', () => {
  for (const preset of PRESETS) {
    it(preset.id, async () => {
      const samples = Math.min(2000, (preset.params.samples as number | undefined) ?? 2000);
      const argv = ['--preset', preset.id, '--epochs', '1', '--samples', String(samples)];
      const { exp, data } = experimentFromFlags(
        parseFlags(argv, { switches: [], values: EXPERIMENT_FLAGS }, DATASET_FLAGS),
      );
      expect(exp.arch).toEqual(preset.arch);
      const result = await runExperiment(gpu!.device, exp, { data });
      expect(result.steps).toBeGreaterThan(0);
      expect(Number.isFinite(result.final.train.loss)).toBe(true);
      expect(result.final.divergedAtStep).toBeNull();
      // A real test set, as in the app: the command line's test figures are not training figures.
      expect(result.final.test).not.toBeNull();
      expect(result.final.test!.count).toBeGreaterThan(0);
      if (!result.regression) expect(result.final.train.accuracy).toBeGreaterThanOrEqual(0);
    });
  }
});
