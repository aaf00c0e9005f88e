/** The flags shared by `train` and `experiment`, turned into an Experiment. */
import type { CsvDataset } from '../data/csv';
import { CSV_MAX_BYTES, parseCsvBytes } from '../data/csv';
import { parseFeatures } from '../data/features';
import { findPreset } from '../data/presets';
import { DATASETS, DATASET_NAMES, getDataset } from '../data/registry';
import { LIMITS } from '../engine/limits';
import type { NetworkSpec } from '../engine/spec';
import { LOSSES, MAX_CONTRACTIVE, OPTIMIZERS } from '../engine/spec';
import type { Experiment, PreparedRun } from '../experiment/experiment';
import { DEFAULT_EXPERIMENT, experimentFromPreset, parseArchLayers, prepare } from '../experiment/experiment';
import { CSV_DATASET } from '../share/validate';
import type { ParsedFlags } from '../flags';
import { UsageError, choiceFlag, numberFlag } from '../flags';
import { readFileLimited } from './readFile';

export const EXPERIMENT_FLAGS = [
  'preset',
  'dataset',
  'csv',
  'arch',
  'activation',
  'output',
  'loss',
  'optimizer',
  'lr',
  'batch',
  'epochs',
  'seed',
  'data-seed',
  'test-split',
  'l1',
  'l2',
  'contractive',
  'slope',
  'kernel',
  'steps-per-dispatch',
  'features',
] as const;

/** Switches shared by `train` and `experiment`. */
export const EXPERIMENT_SWITCHES = ['classes', 'learn-centres'] as const;

/** Every parameter name of every dataset (`--samples`, `--noise`, `--factor`, ...). */
export const DATASET_FLAGS: string[] = [
  ...new Set(Object.values(DATASETS).flatMap((d) => Object.keys(d.params))),
];

/** The flags that decide the network itself (fixed by a model file given with --load). */
export const NETWORK_FLAGS = ['preset', 'arch', 'activation', 'output', 'loss', 'slope', 'features'] as const;

export interface FlagsContext {
  /** Settings to start from instead of the default experiment or a preset (a loaded model's). */
  base?: Experiment;
  /** Accept --epochs 0 (evaluate only). */
  allowZeroEpochs?: boolean;
}

export interface FlagsResult {
  exp: Experiment;
  /** The points of --csv, when given. */
  data?: CsvDataset;
}

function csvFlag(flags: ParsedFlags, path: string): CsvDataset {
  const given = [...flags.values.keys()].filter((k) => k === 'dataset' || DATASET_FLAGS.includes(k));
  if (given.length) {
    throw new UsageError(
      `--${given[0]} cannot be used with --csv: the points come from the file, so there is no dataset to choose or generate`,
    );
  }
  const bytes = readFileLimited(path, CSV_MAX_BYTES, '--csv', 'a CSV file');
  let data: CsvDataset;
  try {
    data = parseCsvBytes(bytes, { classes: flags.switches.has('classes') });
  } catch (e) {
    throw new UsageError(`--csv ${path}: ${(e as Error).message}`);
  }
  return data;
}

/** --features x1sq,r2: names checked here, the data's dimension by `prepare` (features need 2-D data). */
function featuresFlag(flags: ParsedFlags, exp: Experiment): void {
  const text = flags.values.get('features');
  if (text === undefined) return;
  try {
    const features = parseFeatures(text);
    if (features.length) exp.features = features;
    else delete exp.features;
  } catch (e) {
    throw new UsageError(`--features: ${(e as Error).message}`);
  }
}

export function experimentFromFlags(flags: ParsedFlags, context: FlagsContext = {}): FlagsResult {
  const presetId = flags.values.get('preset');
  let exp: Experiment;
  try {
    exp = structuredClone(
      presetId !== undefined
        ? experimentFromPreset(findPreset(presetId))
        : (context.base ?? DEFAULT_EXPERIMENT),
    );
  } catch (e) {
    throw new UsageError(`--preset: ${(e as Error).message}`);
  }
  const csv = flags.values.get('csv');
  if (csv === undefined && flags.switches.has('classes')) {
    throw new UsageError('--classes applies to the labels of a CSV file; give one with --csv FILE');
  }
  const data = csv !== undefined ? csvFlag(flags, csv) : undefined;

  const dataset = flags.values.get('dataset');
  if (dataset !== undefined) {
    if (!DATASET_NAMES.includes(dataset)) {
      throw new UsageError(`--dataset must be one of ${DATASET_NAMES.join(', ')}; got "${dataset}"`);
    }
    if (dataset !== exp.dataset) exp.params = {};
    exp.dataset = dataset;
    if (presetId === undefined) exp.params = {};
  }
  if (data) {
    exp.dataset = CSV_DATASET;
    exp.params = {};
  } else if (exp.dataset === CSV_DATASET) {
    throw new UsageError(
      'the model was trained on a CSV file: give its points with --csv FILE (or choose --dataset)',
    );
  } else {
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
  }
  const arch = flags.values.get('arch');
  if (arch !== undefined) {
    try {
      const layers = parseArchLayers(arch);
      exp.arch = layers.arch;
      if (layers.fields) exp.fields = layers.fields;
      else delete exp.fields;
    } catch (e) {
      throw new UsageError(`--arch: ${(e as Error).message}`);
    }
  }
  exp.activation = flags.values.get('activation') ?? exp.activation;
  exp.loss = choiceFlag(flags, 'loss', LOSSES) ?? exp.loss;
  if (flags.switches.has('learn-centres')) exp.learnCentres = true;
  const output = choiceFlag(flags, 'output', ['knn', 'loss'] as const);
  // The k-NN output trains with cross-entropy on its votes: ce unless --loss says otherwise.
  if (output === 'knn' && !flags.values.has('loss')) exp.loss = 'ce';
  if (output === 'knn') exp.output = 'knn';
  else if (output === 'loss') delete exp.output;
  exp.optimizer = choiceFlag(flags, 'optimizer', OPTIMIZERS) ?? exp.optimizer;
  exp.learningRate = numberFlag(flags, 'lr', { min: 1e-12, max: 1e6 }) ?? exp.learningRate;
  exp.batchSize =
    numberFlag(flags, 'batch', { min: 1, max: LIMITS.maxBatch, integer: true }) ?? exp.batchSize;
  const minEpochs = context.allowZeroEpochs ? 0 : 1;
  exp.epochs = numberFlag(flags, 'epochs', { min: minEpochs, max: 1e6, integer: true }) ?? exp.epochs;
  exp.seed = numberFlag(flags, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true }) ?? exp.seed;
  const dataSeed = numberFlag(flags, 'data-seed', { min: 0, max: 2 ** 32 - 1, integer: true });
  if (dataSeed !== undefined) exp.dataSeed = dataSeed;
  exp.testSplit = numberFlag(flags, 'test-split', { min: 0, max: 0.9 }) ?? exp.testSplit;
  exp.l1 = numberFlag(flags, 'l1', { min: 0, max: 10 }) ?? exp.l1;
  exp.l2 = numberFlag(flags, 'l2', { min: 0, max: 10 }) ?? exp.l2;
  const contractive = numberFlag(flags, 'contractive', { min: 0, max: MAX_CONTRACTIVE });
  if (contractive !== undefined) exp.contractive = contractive;
  exp.slope = numberFlag(flags, 'slope', { min: 0, max: 0.999 }) ?? exp.slope;
  featuresFlag(flags, exp);
  return { exp, data };
}

/**
 * `prepare` for the command line: what does not fit becomes a UsageError, and CSV labels read as
 * regression targets name the switch that reads them as classes.
 */
export function prepareFromFlags(exp: Experiment, data?: CsvDataset, spec?: NetworkSpec): PreparedRun {
  let run: PreparedRun;
  try {
    run = prepare(exp, data, spec);
  } catch (e) {
    const message = (e as Error).message;
    if (data?.regressionReason && message.startsWith(data.regressionReason)) {
      throw new UsageError(
        `--csv: ${message}; pass --classes to read the labels as classes, or train with --loss mse`,
      );
    }
    throw new UsageError(message);
  }
  // The run must train with the penalty asked for, never silently without it.
  const contractive = exp.contractive ?? 0;
  if ((run.optimizer.contractive ?? 0) !== contractive) {
    throw new UsageError(
      `--contractive: the experiment settings did not carry the weight ${contractive} into the optimiser`,
    );
  }
  return run;
}
