/** The flags shared by `train` and `experiment`, turned into an Experiment. */
import { readFileSync, statSync } from 'node:fs';
import { CSV_MAX_BYTES, parseCsv } from '../data/csv';
import { findPreset } from '../data/presets';
import { DATASETS, DATASET_NAMES, getDataset } from '../data/registry';
import type { Dataset } from '../data/types';
import { LIMITS } from '../engine/limits';
import { LOSSES, OPTIMIZERS, parseArch } from '../engine/spec';
import type { Experiment } from '../experiment/experiment';
import { DEFAULT_EXPERIMENT, experimentFromPreset } from '../experiment/experiment';
import type { ParsedFlags } from './args';
import { UsageError, choiceFlag, numberFlag } from './args';

export const EXPERIMENT_FLAGS = [
  'preset',
  'dataset',
  'csv',
  'arch',
  'activation',
  'loss',
  'optimizer',
  'lr',
  'batch',
  'epochs',
  'seed',
  'test-split',
  'l1',
  'l2',
  'slope',
  'kernel',
  'steps-per-dispatch',
] as const;

/** Every parameter name of every dataset (`--samples`, `--noise`, `--factor`, ...). */
export const DATASET_FLAGS: string[] = [
  ...new Set(Object.values(DATASETS).flatMap((d) => Object.keys(d.params))),
];

export function experimentFromFlags(flags: ParsedFlags): { exp: Experiment; data?: Dataset } {
  const presetId = flags.values.get('preset');
  let exp: Experiment;
  try {
    exp = presetId ? experimentFromPreset(findPreset(presetId)) : structuredClone(DEFAULT_EXPERIMENT);
  } catch (e) {
    throw new UsageError(`--preset: ${(e as Error).message}`);
  }
  const dataset = flags.values.get('dataset');
  if (dataset !== undefined) {
    if (!DATASET_NAMES.includes(dataset)) {
      throw new UsageError(`--dataset must be one of ${DATASET_NAMES.join(', ')}; got "${dataset}"`);
    }
    if (dataset !== exp.dataset) exp.params = {};
    exp.dataset = dataset;
    if (!presetId) exp.params = {};
  }
  const def = getDataset(exp.dataset);
  for (const name of DATASET_FLAGS) {
    if (!flags.values.has(name)) continue;
    const spec = def.params[name];
    if (!spec) {
      throw new UsageError(
        `--${name} is not a parameter of ${exp.dataset}; its parameters are ${Object.keys(def.params)
          .map((p) => `--${p}`)
          .join(', ')}`,
      );
    }
    exp.params[name] = numberFlag(flags, name, { min: spec.min, max: spec.max, integer: spec.integer })!;
  }
  const arch = flags.values.get('arch');
  if (arch !== undefined) {
    try {
      exp.arch = parseArch(arch);
    } catch (e) {
      throw new UsageError(`--arch: ${(e as Error).message}`);
    }
  }
  exp.activation = flags.values.get('activation') ?? exp.activation;
  exp.loss = choiceFlag(flags, 'loss', LOSSES) ?? exp.loss;
  exp.optimizer = choiceFlag(flags, 'optimizer', OPTIMIZERS) ?? exp.optimizer;
  exp.learningRate = numberFlag(flags, 'lr', { min: 1e-12, max: 1e6 }) ?? exp.learningRate;
  exp.batchSize =
    numberFlag(flags, 'batch', { min: 1, max: LIMITS.maxBatch, integer: true }) ?? exp.batchSize;
  exp.epochs = numberFlag(flags, 'epochs', { min: 1, max: 1e6, integer: true }) ?? exp.epochs;
  exp.seed = numberFlag(flags, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true }) ?? exp.seed;
  exp.testSplit = numberFlag(flags, 'test-split', { min: 0, max: 0.9 }) ?? exp.testSplit;
  exp.l1 = numberFlag(flags, 'l1', { min: 0, max: 10 }) ?? exp.l1;
  exp.l2 = numberFlag(flags, 'l2', { min: 0, max: 10 }) ?? exp.l2;
  exp.slope = numberFlag(flags, 'slope', { min: 0, max: 0.999 }) ?? exp.slope;

  const csv = flags.values.get('csv');
  let data: Dataset | undefined;
  if (csv !== undefined) {
    let text: string;
    try {
      if (statSync(csv).size > CSV_MAX_BYTES) throw new Error(`larger than ${CSV_MAX_BYTES} bytes`);
      text = readFileSync(csv, 'utf8');
    } catch (e) {
      throw new UsageError(`--csv ${csv}: ${(e as Error).message}`);
    }
    try {
      data = parseCsv(text);
    } catch (e) {
      throw new UsageError(`--csv ${csv}: ${(e as Error).message}`);
    }
    exp.dataset = 'csv';
    exp.params = {};
  }
  return { exp, data };
}
