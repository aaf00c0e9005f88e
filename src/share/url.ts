/**
 * An experiment in a link: every setting as a short query parameter in the URL's hash, so a link
 * reproduces the run; optionally the view settings and the trained weights too.
 *
 *   #dataset=rings&d.samples=4000&arch=2-3-2-1&act=tanh&loss=mse&opt=sgd&lr=0.1&batch=32&epochs=20
 *    &split=0.2&seed=1[&l1=..][&l2=..][&contractive=..][&slope=..][&features=x1sq,r2][&layer=2][&t=1.5][&grid=64][&proj=pca][&w=f32.<data>]
 *
 * Reading is strict: a link that names an unknown dataset, parameter or activation, a value out of
 * range or of the wrong kind, weights of another network, or that is over MAX_LINK_CHARS long gives a
 * ShareError naming the field. Keys it does not know are ignored; missing settings other than the
 * dataset take the defaults of DEFAULT_EXPERIMENT and DEFAULT_VIEW.
 */
import { featuresText, type FeatureName } from '../data/features';
import type { NetworkSpec } from '../engine/spec';
import { MAX_CONTRACTIVE } from '../engine/spec';
import type { Experiment } from '../experiment/experiment';
import { DEFAULT_EXPERIMENT, archText, parseArchLayers } from '../experiment/experiment';
import { ShareError, messageOf } from './errors';
import { decimalValue } from './numberText';
import type { FieldNames } from './validate';
import { checkExperiment, cleanExperiment } from './validate';
import type { Projection, ViewSettings } from './view';
import { DEFAULT_VIEW, VIEW_KEYS, checkView } from './view';
import type { WeightPrecision } from './weights';
import { decodeWeights, encodeWeights } from './weights';

/** Where the demo is served when no base is given (vite's dev server). */
export const DEFAULT_APP_URL = 'http://127.0.0.1:5173/';

/** Longest link text accepted: 64 KiB characters. */
export const MAX_LINK_CHARS = 65536;
/** Room left for the page address when choosing a weight precision that fits in a link. */
const BASE_ALLOWANCE = 2048;

/** The link key of every experiment field; dataset parameters are `d.<name>`. */
export const URL_FIELDS: Readonly<FieldNames> = Object.freeze({
  dataset: 'dataset',
  params: 'd',
  arch: 'arch',
  // Vector-field layers are tokens of the arch (`2-vf16-1`).
  fields: 'arch',
  activation: 'act',
  output: 'out',
  learnCentres: 'lc',
  loss: 'loss',
  optimizer: 'opt',
  learningRate: 'lr',
  batchSize: 'batch',
  epochs: 'epochs',
  testSplit: 'split',
  seed: 'seed',
  l1: 'l1',
  l2: 'l2',
  contractive: 'contractive',
  slope: 'slope',
  features: 'features',
});

/** The contractive penalty's weight of an experiment (absent: 0, off). */
function contractiveOf(exp: Experiment): number {
  return (exp as { contractive?: number }).contractive ?? 0;
}

/** The key of the weights. */
export const WEIGHTS_KEY = 'w';

/** What a link holds, checked: the experiment, its network, the view and the weights if any. */
export interface SharedState {
  experiment: Experiment;
  spec: NetworkSpec;
  view: ViewSettings;
  weights?: Float32Array;
}

/** The experiment (and view settings other than the defaults) as query parameters. */
export function experimentQuery(exp: Experiment, view?: Partial<ViewSettings>): URLSearchParams {
  const q = new URLSearchParams();
  q.set('dataset', exp.dataset);
  for (const [k, v] of Object.entries(exp.params)) q.set(`d.${k}`, String(v));
  q.set('arch', archText(exp.arch, exp.fields));
  q.set('act', exp.activation);
  if (exp.output) q.set('out', exp.output);
  if (exp.learnCentres) q.set('lc', '1');
  q.set('loss', exp.loss);
  q.set('opt', exp.optimizer);
  q.set('lr', String(exp.learningRate));
  q.set('batch', String(exp.batchSize));
  q.set('epochs', String(exp.epochs));
  q.set('split', String(exp.testSplit));
  q.set('seed', String(exp.seed));
  if (exp.l1 !== DEFAULT_EXPERIMENT.l1) q.set('l1', String(exp.l1));
  if (exp.l2 !== DEFAULT_EXPERIMENT.l2) q.set('l2', String(exp.l2));
  if (contractiveOf(exp) !== 0) q.set('contractive', String(contractiveOf(exp)));
  if (exp.slope !== DEFAULT_EXPERIMENT.slope) q.set('slope', String(exp.slope));
  if (exp.features?.length) q.set(URL_FIELDS.features, featuresText(exp.features));
  if (view) {
    for (const key of Object.keys(VIEW_KEYS) as (keyof ViewSettings)[]) {
      const value = view[key];
      if (value !== undefined && value !== DEFAULT_VIEW[key]) q.set(VIEW_KEYS[key], String(value));
    }
  }
  return q;
}

function defaultBase(): string {
  const env = typeof process !== 'undefined' ? process.env?.DETANGLE_APP_URL : undefined;
  return env ?? DEFAULT_APP_URL;
}

/** `base#query`: a link that opens the experiment in the app. */
export function experimentUrl(exp: Experiment, base = defaultBase(), view?: Partial<ViewSettings>): string {
  return `${base}#${experimentQuery(exp, view).toString()}`;
}

export interface ShareOptions {
  view?: Partial<ViewSettings>;
  /** The trained parameters (the engine's flat layout) to put in the link. */
  weights?: Float32Array;
  /** 'auto' (the default): f32 when the link stays within `maxLength`, else q16, else q8. */
  precision?: WeightPrecision | 'auto';
  /** Longest query text wanted (default: MAX_LINK_CHARS less room for the page address). */
  maxLength?: number;
}

/**
 * The query text (without '#') of the experiment, its view and optionally its weights. Checks the
 * experiment first, so a link that is made can be read; throws a ShareError otherwise.
 */
export async function shareQuery(exp: Experiment, options: ShareOptions = {}): Promise<string> {
  const spec = checkExperiment(exp, URL_FIELDS);
  const q = experimentQuery(exp, options.view);
  const base = q.toString();
  if (!options.weights) return base;
  const precisions: WeightPrecision[] =
    options.precision === undefined || options.precision === 'auto'
      ? ['f32', 'q16', 'q8']
      : [options.precision];
  const maxLength = Math.min(options.maxLength ?? MAX_LINK_CHARS - BASE_ALLOWANCE, MAX_LINK_CHARS);
  let text = '';
  for (const precision of precisions) {
    text = `${base}&${WEIGHTS_KEY}=${await encodeWeights(spec, options.weights, precision)}`;
    if (text.length <= maxLength) return text;
  }
  throw new ShareError(
    `the link would be ${text.length} characters, over the limit of ${maxLength}`,
    WEIGHTS_KEY,
  );
}

/** A full link: `base#` + shareQuery. */
export async function shareUrl(
  exp: Experiment,
  options: ShareOptions & { base?: string } = {},
): Promise<string> {
  return `${options.base ?? defaultBase()}#${await shareQuery(exp, options)}`;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function numberParam(text: string, field: string): number {
  const value = decimalValue(text); // -0 reads as 0, as it is written
  if (value === null) {
    throw new ShareError(`must be a number; got ${JSON.stringify(clip(text))}`, field);
  }
  return value;
}

/** The query part of a link, hash or query text. */
function queryText(text: string): string {
  const hash = text.indexOf('#');
  if (hash >= 0) return text.slice(hash + 1);
  return text.startsWith('?') ? text.slice(1) : text;
}

/**
 * Reads and checks everything but the weights (synchronous): the experiment, its spec, the view, and
 * the weights' text if the link has them. Throws a ShareError naming the field.
 */
export function parseExperimentFields(
  text: string,
): Omit<SharedState, 'weights'> & { weightsText: string | null } {
  if (typeof text !== 'string') throw new ShareError('a link must be text');
  if (text.length > MAX_LINK_CHARS) {
    throw new ShareError(`the link is too long: ${text.length} characters (the limit is ${MAX_LINK_CHARS})`);
  }
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(queryText(text));
  } catch (e) {
    throw new ShareError(`the link cannot be read (${messageOf(e)})`);
  }
  const seen = new Set<string>();
  for (const key of q.keys()) {
    if (seen.has(key)) throw new ShareError('is given more than once', clip(key));
    seen.add(key);
  }
  const get = (key: string): string | null => q.get(key);
  const dataset = get(URL_FIELDS.dataset);
  if (dataset === null) throw new ShareError('is missing: the link names no dataset', URL_FIELDS.dataset);

  const exp: Experiment = { ...DEFAULT_EXPERIMENT, dataset, params: {} };
  for (const [key, value] of q) {
    if (!key.startsWith('d.')) continue;
    const name = key.slice(2);
    Object.defineProperty(exp.params, name, {
      value: numberParam(value, clip(key)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const arch = get(URL_FIELDS.arch);
  if (arch !== null) {
    try {
      const layers = parseArchLayers(arch);
      exp.arch = layers.arch;
      if (layers.fields) exp.fields = layers.fields;
    } catch (e) {
      throw new ShareError(messageOf(e), URL_FIELDS.arch);
    }
  }
  const act = get(URL_FIELDS.activation);
  if (act !== null) exp.activation = act;
  const lc = get(URL_FIELDS.learnCentres);
  if (lc !== null) {
    if (lc !== '1' && lc !== '0')
      throw new ShareError(`must be 1 or 0; got ${JSON.stringify(clip(lc))}`, 'lc');
    if (lc === '1') exp.learnCentres = true;
  }
  const output = get(URL_FIELDS.output);
  if (output !== null) exp.output = output as Experiment['output'];
  const loss = get(URL_FIELDS.loss);
  if (loss !== null) exp.loss = loss as Experiment['loss'];
  const opt = get(URL_FIELDS.optimizer);
  if (opt !== null) exp.optimizer = opt as Experiment['optimizer'];
  const numeric = ['learningRate', 'batchSize', 'epochs', 'testSplit', 'seed', 'l1', 'l2', 'slope'] as const;
  for (const field of numeric) {
    const value = get(URL_FIELDS[field]);
    if (value !== null) exp[field] = numberParam(value, URL_FIELDS[field]);
  }
  const contractive = get('contractive');
  if (contractive !== null) {
    const value = numberParam(contractive, 'contractive');
    if (!(value >= 0 && value <= MAX_CONTRACTIVE)) {
      throw new ShareError(
        `must be a number from 0 to ${MAX_CONTRACTIVE}; got ${contractive}`,
        'contractive',
      );
    }
    (exp as { contractive?: number }).contractive = value;
  }
  const features = get(URL_FIELDS.features);
  if (features !== null && features !== '') {
    // Names are checked with the rest of the experiment (checkExperiment): unknown or repeated ones fail there.
    exp.features = features.split(',') as FeatureName[];
  }
  const spec = checkExperiment(exp, URL_FIELDS);

  const view: ViewSettings = { ...DEFAULT_VIEW };
  for (const field of ['layer', 'slider', 'grid'] as const) {
    const value = get(VIEW_KEYS[field]);
    if (value !== null) view[field] = numberParam(value, VIEW_KEYS[field]);
  }
  const projection = get(VIEW_KEYS.projection);
  if (projection !== null) view.projection = projection as Projection;
  const network = get(VIEW_KEYS.network);
  if (network !== null) view.network = network as ViewSettings['network'];
  checkView(view, spec.layers.length);

  return { experiment: cleanExperiment(exp), spec, view, weightsText: get(WEIGHTS_KEY) };
}

/**
 * Reads a link (a full URL, `#hash`, `?query` or bare query text) and checks all of it, weights
 * included. Rejects with a ShareError naming the field; never with anything else.
 */
export async function parseExperimentQuery(text: string): Promise<SharedState> {
  const { weightsText, ...state } = parseExperimentFields(text);
  if (weightsText === null) return state;
  return { ...state, weights: await decodeWeights(state.spec, weightsText, WEIGHTS_KEY) };
}
