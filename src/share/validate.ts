/**
 * Checks an experiment that came from outside (a link, a model file, saved state) with the app's own
 * rules: the dataset and its parameters through the registry, the network through buildSpec/checkSpec,
 * and data, network and loss together through `prepare` on a small sample of the same dataset.
 * Every failure is a ShareError naming the field as the source spells it.
 */
import { DataError } from '../data/errors';
import { FEATURES, orderFeatures, type FeatureName } from '../data/features';
import { DATASETS, DATASET_NAMES, datasetParams, getDataset, makeDataset } from '../data/registry';
import { MAX_TEST_FRACTION } from '../data/split';
import { LIMITS } from '../engine/limits';
import type { NetworkSpec } from '../engine/spec';
import {
  DEFAULT_KNN,
  LOSSES,
  MAX_ANCHORS,
  MAX_CONTRACTIVE,
  OPTIMIZERS,
  SpecError,
  buildSpec,
} from '../engine/spec';
import type { Experiment } from '../experiment/experiment';
import { learnedCentres, networkSizes, prepare } from '../experiment/experiment';
import { ShareError, messageOf, show } from './errors';

/** The dataset name of an experiment trained on a CSV file: its points travel in no link. */
export const CSV_DATASET = 'csv';

/** Ranges of the numeric settings (those of `npm run train`'s flags). */
export const EXPERIMENT_RANGES = {
  learningRate: { min: 1e-12, max: 1e6, integer: false },
  batchSize: { min: 1, max: LIMITS.maxBatch, integer: true },
  epochs: { min: 1, max: 1e6, integer: true },
  testSplit: { min: 0, max: MAX_TEST_FRACTION, integer: false },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
  l1: { min: 0, max: 10, integer: false },
  l2: { min: 0, max: 10, integer: false },
} as const;

export type ExperimentKey = keyof Experiment;
/** How a source names each field in messages (`lr` in a link, `experiment.learningRate` in a file). */
/** `dataSeed` is the CLI's alone: links and model files record one seed (train refuses the mix). */
export type FieldNames = Record<Exclude<ExperimentKey, 'dataSeed'>, string>;

export const EXPERIMENT_KEYS: readonly ExperimentKey[] = [
  'dataset',
  'params',
  'arch',
  'fields',
  'learnCentres',
  'activation',
  'output',
  'loss',
  'optimizer',
  'learningRate',
  'batchSize',
  'epochs',
  'testSplit',
  'seed',
  'l1',
  'l2',
  'contractive',
  'slope',
  'features',
];

/** Points generated to check that data and network fit; enough for every class to appear. */
const SAMPLE_POINTS = 64;

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function range(r: { min: number; max: number; integer: boolean }): string {
  return `${r.integer ? 'a whole number' : 'a number'} from ${r.min} to ${r.max}`;
}

/** Throws a ShareError unless `value` is a number in the range. */
export function checkNumber(
  value: unknown,
  r: { min: number; max: number; integer: boolean },
  field: string,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < r.min || value > r.max) {
    throw new ShareError(`must be ${range(r)}; got ${show(value)}`, field);
  }
  if (r.integer && !Number.isInteger(value)) throw new ShareError(`must be ${range(r)}; got ${value}`, field);
}

function specField(message: string, names: FieldNames): string {
  if (/slope/.test(message)) return names.slope;
  if (/activation|softmax/.test(message)) return names.activation;
  return names.arch;
}

/**
 * Checks every field of `exp` (types included: it may come from JSON) and returns the network spec it
 * gives. `allowCsv` accepts the dataset "csv" (a model file may record it); its data cannot be checked.
 */
export function checkExperiment(
  exp: Experiment,
  names: FieldNames,
  options: { allowCsv?: boolean } = {},
): NetworkSpec {
  const name: unknown = exp.dataset;
  const csv = name === CSV_DATASET;
  if (typeof name !== 'string') {
    throw new ShareError(`must be a dataset name; got ${show(name)}`, names.dataset);
  }
  if (csv && !options.allowCsv) {
    throw new ShareError(
      'the experiment was trained on a CSV file, whose points are not part of a link; load the file in the app instead',
      names.dataset,
    );
  }
  if (!csv && !Object.hasOwn(DATASETS, name)) {
    throw new ShareError(
      `unknown dataset ${show(name)}; choose one of ${DATASET_NAMES.join(', ')}`,
      names.dataset,
    );
  }
  const params: unknown = exp.params;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new ShareError(`must be an object of dataset parameters; got ${show(params)}`, names.params);
  }
  const given = Object.keys(params);
  if (csv && given.length > 0) throw new ShareError('a CSV dataset has no parameters', names.params);
  if (!csv) {
    const def = getDataset(name);
    for (const key of given) {
      const field = `${names.params}.${clip(key)}`;
      if (!Object.hasOwn(def.params, key)) {
        throw new ShareError(
          `${name} has no parameter ${show(key)}; its parameters are ${Object.keys(def.params).join(', ')}`,
          field,
        );
      }
      try {
        datasetParams(name, { [key]: (params as Record<string, unknown>)[key] as number });
      } catch (e) {
        throw new ShareError(messageOf(e), field);
      }
    }
  }
  if (!(LOSSES as readonly unknown[]).includes(exp.loss)) {
    throw new ShareError(`must be one of ${LOSSES.join(', ')}; got ${show(exp.loss)}`, names.loss);
  }
  if (!(OPTIMIZERS as readonly unknown[]).includes(exp.optimizer)) {
    throw new ShareError(
      `must be one of ${OPTIMIZERS.join(', ')}; got ${show(exp.optimizer)}`,
      names.optimizer,
    );
  }
  for (const key of Object.keys(EXPERIMENT_RANGES) as (keyof typeof EXPERIMENT_RANGES)[]) {
    checkNumber(exp[key], EXPERIMENT_RANGES[key], names[key]);
  }
  if (typeof exp.slope !== 'number' || !Number.isFinite(exp.slope)) {
    throw new ShareError(`must be a number in [0, 1); got ${show(exp.slope)}`, names.slope);
  }
  if (exp.contractive !== undefined) {
    checkNumber(exp.contractive, { min: 0, max: MAX_CONTRACTIVE, integer: false }, names.contractive);
  }
  const arch: unknown = exp.arch;
  if (!Array.isArray(arch)) {
    throw new ShareError(`must be layer sizes, input first; got ${show(arch)}`, names.arch);
  }
  arch.forEach((units: unknown, i) => {
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
      throw new ShareError(`size ${i + 1} must be a whole number >= 1; got ${show(units)}`, names.arch);
    }
  });
  if (typeof exp.activation !== 'string') {
    throw new ShareError(
      `must be an activation name or a comma-separated list; got ${show(exp.activation)}`,
      names.activation,
    );
  }
  const fields = checkFields(exp.fields, arch.length - 1, names.fields);
  if (exp.output !== undefined && exp.output !== 'knn') {
    throw new ShareError(`must be knn or absent; got ${show(exp.output)}`, names.output);
  }
  if (exp.learnCentres !== undefined && typeof exp.learnCentres !== 'boolean') {
    throw new ShareError(`must be true or false; got ${show(exp.learnCentres)}`, names.learnCentres);
  }
  const features = checkFeatures(exp.features, names.features);
  const regression = !csv && getDataset(name).classes === 0;
  const netArch = networkSizes(arch as number[], fields, features.length);
  let spec: NetworkSpec;
  try {
    spec = buildSpec(netArch, exp.activation, exp.loss, {
      regression,
      slope: exp.slope,
      ...(fields ? { fields } : {}),
      ...(exp.output === 'knn' ? { knn: DEFAULT_KNN } : {}),
    });
    spec = learnedCentres(spec, exp.learnCentres === true);
  } catch (e) {
    if (e instanceof SpecError) throw new ShareError(e.message, specField(e.message, names));
    throw e;
  }
  if (!csv) {
    try {
      const full = datasetParams(name, params as Record<string, number>);
      const sample = { ...full };
      const samples = getDataset(name).params.samples;
      if (samples) sample.samples = Math.max(samples.min, Math.min(full.samples, SAMPLE_POINTS));
      prepare(exp, makeDataset(name, sample, exp.seed));
    } catch (e) {
      if (e instanceof SpecError || e instanceof DataError) throw new ShareError(e.message, names.arch);
      throw e;
    }
  }
  return spec;
}

/** Checks the anchors per layer from outside (whole numbers, 0 for a dense layer, one per layer). */
export function checkFields(value: unknown, layers: number, field: string): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== layers) {
    throw new ShareError(
      `must be ${layers} anchor counts, one per layer (0 for a dense layer); got ${show(value)}`,
      field,
    );
  }
  value.forEach((k: unknown, i) => {
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > MAX_ANCHORS) {
      throw new ShareError(
        `layer ${i + 1}: anchors must be a whole number from 0 to ${MAX_ANCHORS}; got ${show(k)}`,
        field,
      );
    }
  });
  return (value as number[]).some((k) => k > 0) ? (value as number[]) : undefined;
}

/** Checks a list of feature names from outside (known, none twice) and returns it in the fixed order. */
export function checkFeatures(value: unknown, field: string): FeatureName[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new ShareError(`must be a list of feature names; got ${show(value)}`, field);
  const seen = new Set<string>();
  for (const f of value as unknown[]) {
    if (typeof f !== 'string' || !(FEATURES as readonly string[]).includes(f)) {
      throw new ShareError(`unknown feature ${show(f)}; features are ${FEATURES.join(', ')}`, field);
    }
    if (seen.has(f)) throw new ShareError(`feature ${f} is named twice`, field);
    seen.add(f);
  }
  return orderFeatures(value as FeatureName[]);
}

/** A deep copy with exactly the Experiment's fields, so nothing else from the source survives; -0 becomes 0. */
export function cleanExperiment(exp: Experiment): Experiment {
  const params: Record<string, number> = {};
  for (const key of Object.keys(exp.params)) {
    Object.defineProperty(params, key, {
      value: exp.params[key] + 0,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    dataset: exp.dataset,
    params,
    arch: exp.arch.map((n) => n + 0),
    ...(exp.fields?.some((k) => k > 0) ? { fields: exp.fields.map((k) => k + 0) } : {}),
    ...(exp.learnCentres ? { learnCentres: true } : {}),
    activation: exp.activation,
    ...(exp.output === 'knn' ? { output: 'knn' as const } : {}),
    loss: exp.loss,
    optimizer: exp.optimizer,
    learningRate: exp.learningRate + 0,
    batchSize: exp.batchSize + 0,
    epochs: exp.epochs + 0,
    testSplit: exp.testSplit + 0,
    seed: exp.seed + 0,
    l1: exp.l1 + 0,
    l2: exp.l2 + 0,
    ...(exp.contractive ? { contractive: exp.contractive + 0 } : {}),
    slope: exp.slope + 0,
    ...(exp.features?.length ? { features: orderFeatures(exp.features) } : {}),
  };
}

/**
 * Why the app cannot show this network yet, or null. Its views draw dense layers, vector-field layers and
 * the k-NN output, so every network that validates is shown; this stays the one place where a layer kind
 * the views do not draw yet would be refused (openExperiment.ts asks it before opening a link or a file).
 */
export function notShownYet(spec: NetworkSpec): string | null {
  void spec;
  return null;
}
