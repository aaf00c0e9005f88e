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
 *     "optimizerState": { "step": 1200, "moments": [...] } // optional: 2 x parameter count numbers
 *   }
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
import { ShareError, messageOf, show } from './errors';
import type { FieldNames } from './validate';
import { EXPERIMENT_KEYS, checkExperiment, cleanExperiment } from './validate';
import { checkParams } from './weights';

export const MODEL_FORMAT = 'detangle-model';
export const MODEL_VERSION = 1;
/** Largest model file read: 5 MiB. The largest network the engine takes needs well under 1 MiB. */
export const MODEL_MAX_BYTES = 5 * 1024 * 1024;

/** The optimiser's state for continuing training: step count and moments (the engine's readState). */
export interface OptimizerState {
  step: number;
  /** First moments (or velocity, or mean squares) of every parameter, then second moments: 2 x count. */
  moments: Float32Array;
}

export interface ImportedModel {
  spec: NetworkSpec;
  params: Float32Array;
  experiment?: Experiment;
  optimizerState?: OptimizerState;
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

/**
 * The network as a model file. `experiment` and `optimizerState` are included when given. Throws a
 * ShareError when the parameters or state do not fit the network or are not finite (a diverged run).
 */
export function exportModel(
  spec: NetworkSpec,
  params: Float32Array,
  experiment?: Experiment,
  optimizerState?: OptimizerState,
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
  return model;
}
