/**
 * Reads a model file (modelFormat.ts). Checks the schema and the app's limits (through checkSpec) and
 * rejects anything else with a ShareError whose field is a JSON path (`layers[2].weights[1][0]`). Values
 * from the file are only ever compared and copied into fresh arrays: never used as keys, never run.
 */
import { formatBytes } from '../data/csv';
import { LIMITS } from '../engine/limits';
import type {
  Activation,
  FieldLayout,
  KnnSpec,
  LayerSpec,
  Loss,
  NetworkSpec,
  OutputActivation,
} from '../engine/spec';
import {
  DEFAULT_SLOPE,
  LOSSES,
  MAX_ANCHORS,
  MAX_KNN_K,
  SpecError,
  checkSpec,
  paramLayout,
  widths,
} from '../engine/spec';
import type { Experiment } from '../experiment/experiment';
import { DEFAULT_EXPERIMENT, specArchText } from '../experiment/experiment';
import { ShareError, messageOf, show } from './errors';
import { floatsFromBase64 } from './float32Base64';
import type { JsonObject } from './jsonReaders';
import { arrayAt, floatAt, floatsInto, integerAt, isObject, objectAt, own } from './jsonReaders';
import type { ImportedModel, ModelMoment } from './modelFormat';
import {
  HISTORY_MAX_BYTES,
  HISTORY_MAX_MOMENTS,
  MAX_STEP,
  MODEL_FORMAT,
  MODEL_MAX_BYTES,
  MODEL_MIN_VERSION,
  MODEL_VERSION,
  FIELD_VERSION,
  checkMomentStep,
} from './modelFormat';
import type { FieldNames } from './validate';
import { EXPERIMENT_KEYS, checkExperiment, cleanExperiment } from './validate';

/** Activation names accepted on import (lower case, without '_' and '-'): Keras, PyTorch, scikit-learn. */
const ACTIVATION_ALIASES: ReadonlyMap<string, OutputActivation> = new Map<string, OutputActivation>([
  ['tanh', 'tanh'],
  ['relu', 'relu'],
  ['leakyrelu', 'leaky_relu'],
  ['lrelu', 'leaky_relu'],
  ['sigmoid', 'sigmoid'],
  ['logistic', 'sigmoid'],
  ['softplus', 'softplus'],
  ['linear', 'linear'],
  ['identity', 'linear'],
  ['none', 'linear'],
  ['softmax', 'softmax'],
]);

/** Field names of the experiment in a model file. */
const JSON_FIELDS: FieldNames = Object.fromEntries(
  EXPERIMENT_KEYS.map((k) => [k, `experiment.${k}`]),
) as FieldNames;

function activationAt(v: unknown, path: string): OutputActivation {
  if (typeof v !== 'string') throw new ShareError(`must be an activation name; got ${show(v)}`, path);
  const act = ACTIVATION_ALIASES.get(v.trim().toLowerCase().replace(/[-_]/g, ''));
  if (act === undefined) {
    const names: Activation[] = ['tanh', 'relu', 'leaky_relu', 'sigmoid', 'softplus', 'linear'];
    throw new ShareError(
      `unknown activation ${show(v)}; use one of ${names.join(', ')} (softmax only as the output of loss ce)`,
      path,
    );
  }
  return act;
}

/**
 * A layer's kind: `dense` (absent) or `field` (version 3 on). Keras and PyTorch layers other than Dense
 * and Linear have no Detangle kind, and a vector-field layer has no Keras or PyTorch equivalent.
 */
function layerKind(obj: JsonObject, version: number, path: string): 'dense' | 'field' {
  const kind = own(obj, 'kind');
  if (kind === undefined || kind === 'dense') return 'dense';
  if (kind === 'field') {
    if (version < FIELD_VERSION) {
      throw new ShareError(
        `came with version ${FIELD_VERSION}: a version ${version} file has no vector-field layers`,
        `${path}.kind`,
      );
    }
    return 'field';
  }
  throw new ShareError(
    `unknown layer kind ${show(kind)}; a model file holds "dense" and "field" (vector-field) layers, and only Keras Dense or PyTorch Linear layers convert to it`,
    `${path}.kind`,
  );
}

/** The root's `output` (version 3 on): absent, or colah's k-NN output with its k and ε. */
function outputAt(v: unknown, version: number): KnnSpec | null {
  if (v === undefined) return null;
  if (version < FIELD_VERSION) {
    throw new ShareError(
      `came with version ${FIELD_VERSION}: a version ${version} file has no k-NN output`,
      'output',
    );
  }
  const obj = objectAt(v, 'output');
  if (own(obj, 'kind') !== 'knn')
    throw new ShareError(`must be "knn"; got ${show(own(obj, 'kind'))}`, 'output.kind');
  const k = integerAt(own(obj, 'k'), 1, MAX_KNN_K, 'output.k');
  const epsilon = floatAt(own(obj, 'epsilon'), 'output.epsilon');
  if (!(epsilon > 0 && epsilon <= 1))
    throw new ShareError(`must be in (0, 1]; got ${epsilon}`, 'output.epsilon');
  return { k, epsilon };
}

function fieldLayerAt(obj: JsonObject, path: string): LayerSpec {
  const units = integerAt(own(obj, 'units'), 1, LIMITS.maxWidth, `${path}.units`);
  const anchors = integerAt(own(obj, 'anchors'), 1, MAX_ANCHORS, `${path}.anchors`);
  const learn = own(obj, 'learnCentres');
  if (learn !== undefined && typeof learn !== 'boolean') {
    throw new ShareError(`must be true or false; got ${show(learn)}`, `${path}.learnCentres`);
  }
  return {
    units,
    activation: 'linear',
    slope: DEFAULT_SLOPE,
    field: { anchors, ...(learn ? { learnCentres: true } : {}) },
  };
}

/** A field layer's vectors, anchors (one row each per anchor) and σ (a positive number) into `params`. */
function fieldParamsAt(obj: JsonObject, f: FieldLayout, params: Float32Array, path: string): void {
  for (const [key, at] of [
    ['vectors', f.v],
    ['centres', f.centres],
  ] as const) {
    const rows = arrayAt(own(obj, key), f.anchors, 'rows (one per anchor)', `${path}.${key}`);
    rows.forEach((row, i) =>
      floatsInto(row, params, at + i * f.width, f.width, 'numbers (one per unit)', `${path}.${key}[${i}]`),
    );
  }
  const sigma = floatAt(own(obj, 'sigma'), `${path}.sigma`);
  if (!(sigma > 0)) throw new ShareError(`must be a positive number; got ${sigma}`, `${path}.sigma`);
  params[f.sigma] = sigma;
}

function specPath(message: string): string {
  const m = /^layer (\d+)/.exec(message);
  if (m) return `layers[${Number(m[1]) - 1}]`;
  if (/input size/.test(message)) return 'inputSize';
  return 'layers';
}

function experimentAt(v: unknown, spec: NetworkSpec): Experiment {
  const obj = objectAt(v, 'experiment');
  const dataset = own(obj, 'dataset');
  if (dataset === undefined) throw new ShareError('is missing', 'experiment.dataset');
  const exp: Experiment = { ...DEFAULT_EXPERIMENT, params: {}, dataset: dataset as string };
  for (const key of EXPERIMENT_KEYS) {
    const value = own(obj, key);
    if (value !== undefined && key !== 'dataset') (exp as unknown as JsonObject)[key] = value;
  }
  const expSpec = checkExperiment(exp, JSON_FIELDS, { allowCsv: true });
  if (specArchText(expSpec) !== specArchText(spec)) {
    throw new ShareError(
      `is ${specArchText(expSpec)} but the layers make ${specArchText(spec)}`,
      'experiment.arch',
    );
  }
  if (Boolean(expSpec.knn) !== Boolean(spec.knn)) {
    throw new ShareError(
      `is ${show(exp.output)} but the model's output is ${spec.knn ? 'knn' : "its loss's"}`,
      'experiment.output',
    );
  }
  if (expSpec.loss !== spec.loss) {
    throw new ShareError(
      `is ${show(expSpec.loss)} but the model's loss is ${show(spec.loss)}`,
      'experiment.loss',
    );
  }
  return cleanExperiment(exp);
}

/**
 * Reads a model file. Throws a ShareError naming the JSON path of the first problem; never anything
 * else, whatever the text.
 */
export function importModel(text: string, options: { maxBytes?: number } = {}): ImportedModel {
  const maxBytes = options.maxBytes ?? MODEL_MAX_BYTES;
  if (typeof text !== 'string') throw new ShareError('a model file must be text');
  // Encoding a huge text only to measure it is wasted work: its length is already a lower bound.
  const huge = text.length > 4 * maxBytes;
  const size = huge ? text.length : new TextEncoder().encode(text).length;
  if (size > maxBytes) {
    throw new ShareError(
      `the file is too large: it is ${huge ? 'at least ' : ''}${formatBytes(size)}, and a model file may be ` +
        `at most ${formatBytes(maxBytes)}`,
    );
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    const detail = messageOf(e);
    throw new ShareError(
      `the file is not valid JSON (${detail.length > 120 ? `${detail.slice(0, 117)}...` : detail})`,
    );
  }
  if (!isObject(root)) throw new ShareError(`a model file is a JSON object; got ${show(root)}`);
  const format = own(root, 'format');
  if (format !== MODEL_FORMAT) {
    throw new ShareError(`must be ${show(MODEL_FORMAT)}; got ${show(format)}`, 'format');
  }
  const version = own(root, 'version');
  if (
    typeof version !== 'number' ||
    !Number.isInteger(version) ||
    version < MODEL_MIN_VERSION ||
    version > MODEL_VERSION
  ) {
    throw new ShareError(
      `${show(version)} is not supported; this app reads versions ${MODEL_MIN_VERSION} to ${MODEL_VERSION}`,
      'version',
    );
  }
  const inputSize = integerAt(own(root, 'inputSize'), LIMITS.minInput, LIMITS.maxInput, 'inputSize');
  const loss = own(root, 'loss');
  if (!(LOSSES as readonly unknown[]).includes(loss)) {
    throw new ShareError(`must be one of ${LOSSES.join(', ')}; got ${show(loss)}`, 'loss');
  }
  const rawLayers = own(root, 'layers');
  if (!Array.isArray(rawLayers) || rawLayers.length < 1 || rawLayers.length > LIMITS.maxLayers) {
    throw new ShareError(
      `must be an array of 1 to ${LIMITS.maxLayers} layers; got ${Array.isArray(rawLayers) ? `${rawLayers.length}` : show(rawLayers)}`,
      'layers',
    );
  }
  const layerObjects = rawLayers.map((v, l) => objectAt(v, `layers[${l}]`));
  const layers: LayerSpec[] = layerObjects.map((obj, l) => {
    const path = `layers[${l}]`;
    if (layerKind(obj, version, path) === 'field') return fieldLayerAt(obj, path);
    const units = integerAt(own(obj, 'units'), 1, LIMITS.maxWidth, `${path}.units`);
    const activation = activationAt(own(obj, 'activation'), `${path}.activation`);
    const rawSlope = own(obj, 'slope');
    const slope = rawSlope === undefined ? DEFAULT_SLOPE : floatAt(rawSlope, `${path}.slope`);
    return { units, activation, slope };
  });
  const knn = outputAt(own(root, 'output'), version);
  const spec: NetworkSpec = { inputSize, layers, loss: loss as Loss, ...(knn ? { knn } : {}) };
  try {
    checkSpec(spec);
  } catch (e) {
    if (e instanceof SpecError) throw new ShareError(e.message, specPath(e.message));
    throw e;
  }
  const layout = paramLayout(spec);
  const w = widths(spec);
  const params = new Float32Array(layout.count);
  layerObjects.forEach((obj, l) => {
    const path = `layers[${l}]`;
    const field = layout.field[l];
    if (field) {
      fieldParamsAt(obj, field, params, path);
      return;
    }
    const rows = arrayAt(own(obj, 'weights'), w[l + 1], 'rows (one per unit)', `${path}.weights`);
    rows.forEach((row, u) => {
      const at = `${path}.weights[${u}]`;
      floatsInto(row, params, layout.weight[l] + u * w[l], w[l], 'numbers (one per input)', at);
    });
    floatsInto(own(obj, 'bias'), params, layout.bias[l], w[l + 1], 'numbers (one per unit)', `${path}.bias`);
  });
  const model: ImportedModel = { spec, params };
  const experiment = own(root, 'experiment');
  if (experiment !== undefined) {
    if (version < 2 && isObject(experiment) && own(experiment, 'features') !== undefined) {
      throw new ShareError('came with version 2: a version 1 file has no features', 'experiment.features');
    }
    model.experiment = experimentAt(experiment, spec);
  }
  const state = own(root, 'optimizerState');
  if (state !== undefined) {
    const obj = objectAt(state, 'optimizerState');
    const moments = new Float32Array(2 * layout.count);
    const step = integerAt(own(obj, 'step'), 0, MAX_STEP, 'optimizerState.step');
    floatsInto(
      own(obj, 'moments'),
      moments,
      0,
      moments.length,
      'numbers (2 per parameter)',
      'optimizerState.moments',
    );
    model.optimizerState = { step, moments };
  }
  const history = own(root, 'history');
  if (history !== undefined) model.history = historyAt(history, layout.count, model.optimizerState?.step);
  return model;
}

/** A loss or accuracy of a history moment: null, or a finite number (an accuracy from 0 to 1). */
function figureAt(v: unknown, accuracy: boolean, path: string): number | null {
  if (v === null || v === undefined) return null;
  const x = floatAt(v, path);
  if (accuracy ? x < 0 || x > 1 : x < 0) {
    throw new ShareError(`must be null or a number ${accuracy ? 'from 0 to 1' : '>= 0'}; got ${x}`, path);
  }
  return x;
}

/** The `history` array: checked whole (limits, steps increasing, base64 of the right length) or refused. */
function historyAt(v: unknown, count: number, modelStep: number | undefined): ModelMoment[] {
  if (!Array.isArray(v)) throw new ShareError(`must be an array of moments; got ${show(v)}`, 'history');
  if (v.length > HISTORY_MAX_MOMENTS) {
    throw new ShareError(`has ${v.length} moments; at most ${HISTORY_MAX_MOMENTS}`, 'history');
  }
  let chars = 0;
  for (const item of v) {
    if (isObject(item)) {
      for (const key of ['weights', 'moments']) {
        const text = own(item, key);
        if (typeof text === 'string') chars += text.length;
      }
    }
  }
  if (chars > HISTORY_MAX_BYTES) {
    throw new ShareError(
      `has ${formatBytes(chars)} of base64 weights; at most ${formatBytes(HISTORY_MAX_BYTES)}`,
      'history',
    );
  }
  const out: ModelMoment[] = [];
  v.forEach((item, i) => {
    const at = `history[${i}]`;
    const obj = objectAt(item, at);
    const step = integerAt(own(obj, 'step'), 0, MAX_STEP, `${at}.step`);
    if (i > 0 && step <= out[i - 1].step) {
      throw new ShareError(
        `must be after the step before it (${out[i - 1].step}); got ${step}`,
        `${at}.step`,
      );
    }
    checkMomentStep(step, modelStep, `${at}.step`);
    const epoch = own(obj, 'epoch');
    const rawMoments = own(obj, 'moments');
    out.push({
      step,
      epoch: epoch === null || epoch === undefined ? null : integerAt(epoch, 0, MAX_STEP, `${at}.epoch`),
      trainLoss: figureAt(own(obj, 'trainLoss'), false, `${at}.trainLoss`),
      testLoss: figureAt(own(obj, 'testLoss'), false, `${at}.testLoss`),
      trainAccuracy: figureAt(own(obj, 'trainAccuracy'), true, `${at}.trainAccuracy`),
      testAccuracy: figureAt(own(obj, 'testAccuracy'), true, `${at}.testAccuracy`),
      params: floatsFromBase64(own(obj, 'weights'), count, 'weights', `${at}.weights`),
      moments:
        rawMoments === null || rawMoments === undefined
          ? null
          : floatsFromBase64(rawMoments, 2 * count, 'moments (2 per parameter)', `${at}.moments`),
    });
  });
  return out;
}
