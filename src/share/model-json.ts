/**
 * The model file: a trained dense network as JSON, to export from the app and to import networks
 * trained elsewhere (see the README for Keras and PyTorch converters).
 *
 *   {
 *     "format": "detangle-model",
 *     "version": 1,
 *     "inputSize": 2,
 *     "loss": "mse" | "bce" | "ce",
 *     "layers": [
 *       { "units": 3, "activation": "tanh", "slope": 0.01,   // slope: leaky_relu only, optional
 *         "weights": [[w00, w01], [w10, w11], [w20, w21]],  // one row per unit, one number per input
 *         "bias": [b0, b1, b2] },
 *       ...
 *     ],
 *     "experiment": { ...the settings of the run... },     // optional
 *     "optimizerState": { "step": 1200, "moments": [...] }, // optional: 2 x parameter count numbers
 *     "history": [                                          // optional: kept moments of training
 *       { "step": 0, "epoch": 0, "trainLoss": 0.26, "testLoss": 0.25, "trainAccuracy": 0.5,
 *         "testAccuracy": 0.49, "weights": "<base64>", "moments": "<base64>" },  // moments optional
 *       ...
 *     ]
 *   }
 *
 * A history moment's `weights` (and `moments`, 2 per parameter) are little-endian float32 values in
 * standard base64 (RFC 4648 section 4, padded); steps increase strictly. The history has its own limits
 * (HISTORY_MAX_MOMENTS, HISTORY_MAX_BYTES of base64 text): exporters thin it to fit.
 *
 * Reading checks the schema and the app's limits (limits.ts, through checkSpec) and rejects anything
 * else with a ShareError whose field is a JSON path (`layers[2].weights[1][0]`). Values from the file
 * are only ever compared and copied into fresh arrays: never used as keys, never run.
 */
import { formatBytes } from '../data/csv';
import { LIMITS } from '../engine/limits';
import type { Activation, LayerSpec, Loss, NetworkSpec, OutputActivation } from '../engine/spec';
import { DEFAULT_SLOPE, LOSSES, SpecError, checkSpec, paramLayout, widths } from '../engine/spec';
import type { Experiment } from '../experiment/experiment';
import { DEFAULT_EXPERIMENT, archText } from '../experiment/experiment';
import { fromBase64url, toBase64url } from './base64url';
import { ShareError, messageOf, show } from './errors';
import type { FieldNames } from './validate';
import { EXPERIMENT_KEYS, checkExperiment, cleanExperiment } from './validate';
import { checkParams } from './weights';

export const MODEL_FORMAT = 'detangle-model';
export const MODEL_VERSION = 1;
/** Most moments a model file's history holds (the app's recorder keeps as many). */
export const HISTORY_MAX_MOMENTS = 1000;
/** Most base64 text a model file's history holds: 16 MiB. */
export const HISTORY_MAX_BYTES = 16 * 1024 * 1024;
/**
 * Largest model file read: 5 MiB for the network (the largest the engine takes needs well under 1 MiB)
 * and HISTORY_MAX_BYTES for its history.
 */
export const MODEL_MAX_BYTES = 5 * 1024 * 1024 + HISTORY_MAX_BYTES;

/** The optimiser's state for continuing training: step count and moments (the engine's readState). */
export interface OptimizerState {
  step: number;
  /** First moments (or velocity, or mean squares) of every parameter, then second moments: 2 x count. */
  moments: Float32Array;
}

/** One kept moment of training in a model file: the state at `step` and the figures known then. */
export interface ModelMoment {
  step: number;
  epoch: number | null;
  trainLoss: number | null;
  testLoss: number | null;
  trainAccuracy: number | null;
  testAccuracy: number | null;
  params: Float32Array;
  /** Optimiser moments (2 per parameter), which training on from this moment needs; null when absent. */
  moments: Float32Array | null;
}

export interface ImportedModel {
  spec: NetworkSpec;
  params: Float32Array;
  experiment?: Experiment;
  optimizerState?: OptimizerState;
  history?: ModelMoment[];
}

const MAX_STEP = 2 ** 32 - 1;

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

// ---------------------------------------------------------------------------------------------------
// Export

/** The shortest decimal text that reads back as the same float32 (`-0` kept). */
export function float32Text(v: number): string {
  if (Object.is(v, -0)) return '-0';
  const f = Math.fround(v);
  for (let p = 1; p < 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return String(s);
  }
  return String(f);
}

function numberList(values: ArrayLike<number>, from: number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(float32Text(values[from + i]));
  return `[${out.join(', ')}]`;
}

// Standard base64 (with + / and = padding) on top of the base64url codec.
function toBase64(bytes: Uint8Array): string {
  const url = toBase64url(bytes);
  return url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (url.length % 4)) % 4);
}

function fromBase64(text: string, field: string): Uint8Array<ArrayBuffer> {
  if (text.length % 4 !== 0) {
    throw new ShareError(`is not base64: its length ${text.length} is not a multiple of 4`, field);
  }
  const body = text.replace(/={1,2}$/, '');
  const bad = /[^A-Za-z0-9+/]/.exec(body);
  if (bad) {
    throw new ShareError(
      `is not base64: character ${bad.index + 1} is ${JSON.stringify(bad[0])} (A-Z, a-z, 0-9, + and / only)`,
      field,
    );
  }
  return fromBase64url(body.replace(/\+/g, '-').replace(/\//g, '_'), field);
}

/** Float32 values as little-endian bytes in base64. */
export function floatsToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return toBase64(bytes);
}

/** Base64 of `count` little-endian float32 values, each finite; a ShareError naming `field` otherwise. */
function floatsFromBase64(v: unknown, count: number, what: string, field: string): Float32Array {
  if (typeof v !== 'string') {
    throw new ShareError(`must be base64 text of ${count} float32 ${what}; got ${show(v)}`, field);
  }
  const bytes = fromBase64(v, field);
  if (bytes.length !== 4 * count) {
    throw new ShareError(
      `must hold ${count} float32 ${what} (${4 * count} bytes); got ${bytes.length} bytes`,
      field,
    );
  }
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = view.getFloat32(i * 4, true);
    if (!Number.isFinite(out[i])) throw new ShareError(`value ${i} is ${out[i]}; only finite numbers`, field);
  }
  return out;
}

/** Characters of base64 text for `count` float32 values. */
function base64Chars(count: number): number {
  return 4 * Math.ceil((4 * count) / 3);
}

/**
 * How many history moments of a network with `paramCount` parameters fit the history's limits (with their
 * optimiser moments, or weights only).
 */
export function historyCapacity(paramCount: number, withMoments: boolean): number {
  const perMoment = base64Chars(paramCount) + (withMoments ? base64Chars(2 * paramCount) : 0);
  return Math.max(1, Math.min(HISTORY_MAX_MOMENTS, Math.floor(HISTORY_MAX_BYTES / perMoment)));
}

function figureText(v: number | null): string {
  return v === null || !Number.isFinite(v) ? 'null' : JSON.stringify(v);
}

function historyText(history: readonly ModelMoment[], spec: NetworkSpec, count: number): string {
  if (history.length > HISTORY_MAX_MOMENTS) {
    throw new ShareError(`has ${history.length} moments; at most ${HISTORY_MAX_MOMENTS}`, 'history');
  }
  let chars = 0;
  const lines = history.map((m, i) => {
    const at = `history[${i}]`;
    integerAt(m.step, 0, MAX_STEP, `${at}.step`);
    if (i > 0 && !(m.step > history[i - 1].step)) {
      throw new ShareError(
        `must be after the step before (${history[i - 1].step}); got ${m.step}`,
        `${at}.step`,
      );
    }
    checkParams(spec, m.params, `${at}.weights`);
    const weights = floatsToBase64(m.params);
    let moments = '';
    if (m.moments) {
      checkOptimizerState(m.step, m.moments, count, at);
      moments = `, "moments": "${floatsToBase64(m.moments)}"`;
    }
    chars += weights.length + moments.length;
    return (
      `    { "step": ${m.step}, "epoch": ${m.epoch ?? 'null'}, "trainLoss": ${figureText(m.trainLoss)}, ` +
      `"testLoss": ${figureText(m.testLoss)}, "trainAccuracy": ${figureText(m.trainAccuracy)}, ` +
      `"testAccuracy": ${figureText(m.testAccuracy)}, "weights": "${weights}"${moments} }`
    );
  });
  if (chars > HISTORY_MAX_BYTES) {
    throw new ShareError(
      `has ${formatBytes(chars)} of base64 weights; at most ${formatBytes(HISTORY_MAX_BYTES)}: thin it first`,
      'history',
    );
  }
  return `[\n${lines.join(',\n')}\n  ]`;
}

/**
 * The network as a model file. `experiment`, `optimizerState` and `history` are included when given.
 * Throws a ShareError when the parameters or state do not fit the network or are not finite (a diverged
 * run), or when the history is over its limits (thin it first: `historyCapacity`).
 */
export function exportModel(
  spec: NetworkSpec,
  params: Float32Array,
  experiment?: Experiment,
  optimizerState?: OptimizerState,
  history?: readonly ModelMoment[],
): string {
  try {
    checkSpec(spec);
  } catch (e) {
    throw new ShareError(messageOf(e), 'spec');
  }
  checkParams(spec, params, 'params');
  const layout = paramLayout(spec);
  const w = widths(spec);
  const layers = spec.layers.map((layer, l) => {
    const rows: string[] = [];
    for (let u = 0; u < layer.units; u++) rows.push(numberList(params, layout.weight[l] + u * w[l], w[l]));
    const slope =
      layer.activation === 'leaky_relu' || layer.slope !== DEFAULT_SLOPE ? `, "slope": ${layer.slope}` : '';
    return [
      `    {`,
      `      "units": ${layer.units}, "activation": ${JSON.stringify(layer.activation)}${slope},`,
      `      "weights": [`,
      rows.map((r) => `        ${r}`).join(',\n'),
      `      ],`,
      `      "bias": ${numberList(params, layout.bias[l], layer.units)}`,
      `    }`,
    ].join('\n');
  });
  const parts = [
    `  "format": ${JSON.stringify(MODEL_FORMAT)}`,
    `  "version": ${MODEL_VERSION}`,
    `  "inputSize": ${spec.inputSize}`,
    `  "loss": ${JSON.stringify(spec.loss)}`,
    `  "layers": [\n${layers.join(',\n')}\n  ]`,
  ];
  if (experiment) parts.push(`  "experiment": ${JSON.stringify(cleanExperiment(experiment))}`);
  if (optimizerState) {
    checkOptimizerState(optimizerState.step, optimizerState.moments, layout.count, 'optimizerState');
    const m = optimizerState.moments;
    parts.push(
      `  "optimizerState": { "step": ${optimizerState.step}, "moments": ${numberList(m, 0, m.length)} }`,
    );
  }
  if (history) parts.push(`  "history": ${historyText(history, spec, layout.count)}`);
  return `{\n${parts.join(',\n')}\n}\n`;
}

// ---------------------------------------------------------------------------------------------------
// Import

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An own property of a parsed object (never one inherited from Object.prototype). */
function own(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function objectAt(v: unknown, path: string): JsonObject {
  if (!isObject(v)) throw new ShareError(`must be an object; got ${show(v)}`, path);
  return v;
}

function arrayAt(v: unknown, length: number, what: string, path: string): unknown[] {
  if (!Array.isArray(v)) throw new ShareError(`must be an array of ${length} ${what}; got ${show(v)}`, path);
  if (v.length !== length) throw new ShareError(`must have ${length} ${what}; got ${v.length}`, path);
  return v;
}

function integerAt(v: unknown, min: number, max: number, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ShareError(`must be a whole number from ${min} to ${max}; got ${show(v)}`, path);
  }
  return v;
}

function floatAt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ShareError(`must be a finite number; got ${show(v)}`, path);
  }
  if (!Number.isFinite(Math.fround(v))) throw new ShareError(`is ${v}, out of range for 32-bit floats`, path);
  return v;
}

function floatsInto(
  v: unknown,
  out: Float32Array,
  offset: number,
  length: number,
  what: string,
  path: string,
): void {
  const list = arrayAt(v, length, what, path);
  for (let i = 0; i < length; i++) out[offset + i] = floatAt(list[i], `${path}[${i}]`);
}

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

function checkOptimizerState(step: unknown, moments: ArrayLike<number>, count: number, path: string): void {
  integerAt(step, 0, MAX_STEP, `${path}.step`);
  if (moments.length !== 2 * count) {
    throw new ShareError(
      `must have ${2 * count} numbers (2 per parameter); got ${moments.length}`,
      `${path}.moments`,
    );
  }
  for (let i = 0; i < moments.length; i++) floatAt(moments[i], `${path}.moments[${i}]`);
}

/** Where a SpecError about "layer N" points in the file. */
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
  const arch = widths(spec);
  if (archText(widths(expSpec)) !== archText(arch)) {
    throw new ShareError(
      `is ${archText(widths(expSpec))} but the layers make ${archText(arch)}`,
      'experiment.arch',
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
  if (version !== MODEL_VERSION) {
    throw new ShareError(
      `${show(version)} is not supported; this app reads version ${MODEL_VERSION}`,
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
    const units = integerAt(own(obj, 'units'), 1, LIMITS.maxWidth, `${path}.units`);
    const activation = activationAt(own(obj, 'activation'), `${path}.activation`);
    const rawSlope = own(obj, 'slope');
    const slope = rawSlope === undefined ? DEFAULT_SLOPE : floatAt(rawSlope, `${path}.slope`);
    return { units, activation, slope };
  });
  const spec: NetworkSpec = { inputSize, layers, loss: loss as Loss };
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
    const rows = arrayAt(own(obj, 'weights'), w[l + 1], 'rows (one per unit)', `${path}.weights`);
    rows.forEach((row, u) => {
      const at = `${path}.weights[${u}]`;
      floatsInto(row, params, layout.weight[l] + u * w[l], w[l], 'numbers (one per input)', at);
    });
    floatsInto(own(obj, 'bias'), params, layout.bias[l], w[l + 1], 'numbers (one per unit)', `${path}.bias`);
  });
  const model: ImportedModel = { spec, params };
  const experiment = own(root, 'experiment');
  if (experiment !== undefined) model.experiment = experimentAt(experiment, spec);
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
    if (modelStep !== undefined && step > modelStep) {
      throw new ShareError(
        `is ${step}, after the model's own step (optimizerState.step ${modelStep})`,
        `${at}.step`,
      );
    }
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
