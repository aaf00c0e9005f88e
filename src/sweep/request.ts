/**
 * What the sweep page's form asks for, read and checked (DOM-free): the preset, seeds 1..N, the widths of
 * one hidden layer, the learning rates, the target and the epochs. A bad field gives a SweepRequestError
 * whose one-line message names the field and what it accepts.
 */
import { checkFeatureData, featuresText, parseFeatures, type FeatureName } from '../data/features';
import type { Preset } from '../data/presets';
import { getDataset } from '../data/registry';
import { findPreset } from '../data/presets';
import { LIMITS } from '../engine/limits';
import type { Experiment } from '../experiment/experiment';
import { experimentFromPreset } from '../experiment/experiment';
import { decimalValue } from '../share/numberText';

/** The presets whose stories are about how wide a layer must be, with the widths to sweep by default. */
export const WIDTH_PRESETS: readonly { id: string; widths: string; layer: number }[] = [
  { id: 'rings-2-units-fail', widths: '1-4', layer: 1 },
  { id: 'rings-1-unit-collapses', widths: '1-4', layer: 1 },
  { id: 'rings-3-units-separate', widths: '1-4', layer: 1 },
  { id: 'rings-4-units-exotic', widths: '1-4', layer: 1 },
  { id: 'colah-disk-2-units-fail', widths: '1-4', layer: 1 },
  { id: 'colah-disk-3-units', widths: '1-4', layer: 1 },
  { id: 'interval-1-unit-fails', widths: '1-3', layer: 1 },
  { id: 'interval-2-units', widths: '1-3', layer: 1 },
  { id: 'tori-3-units-fail', widths: '3,5,8', layer: 1 },
  { id: 'tori-wide-layer-separates', widths: '3,5,8', layer: 1 },
];

export const DEFAULT_PRESET = 'rings-2-units-fail';
export const DEFAULT_SEEDS = 32;
export const DEFAULT_TARGET = 0.99;
/** Most members in one sweep from this page (configurations × seeds). */
export const MAX_PAGE_MEMBERS = 4096;

export class SweepRequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'SweepRequestError';
  }
}

/** The form's text, field by field. */
export interface SweepForm {
  preset: string;
  seeds: string;
  widths: string;
  layer: string;
  rates: string;
  target: string;
  epochs: string;
  /** Feature inputs for 2-D data, names joined by commas ("r2"); empty: none. */
  features: string;
}

export interface SweepRequest {
  preset: Preset;
  /** The preset's experiment with the epochs asked for: its seed is the data seed. */
  exp: Experiment;
  seeds: number[];
  widths: number[];
  layer: number;
  rates: number[];
  target: number;
}

/** The form's fields, in the order of the page. */
export const FORM_KEYS: readonly (keyof SweepForm)[] = [
  'preset',
  'seeds',
  'widths',
  'layer',
  'rates',
  'target',
  'epochs',
  'features',
];

/**
 * Settings from the page's address (`?preset=…&seeds=…&widths=…&epochs=…`), for links and tests, and what
 * of it was not taken: a preset the page does not sweep is left out (the form keeps its default preset and
 * the rest of the address), with a line saying which value and what is accepted.
 */
export function queryForm(search: string): { form: Partial<SweepForm>; problems: string[] } {
  const q = new URLSearchParams(search);
  const form: Partial<SweepForm> = {};
  const problems: string[] = [];
  for (const key of FORM_KEYS) {
    const v = q.get(key);
    if (v !== null) form[key] = v;
  }
  if (form.preset !== undefined && !WIDTH_PRESETS.some((p) => p.id === form.preset)) {
    problems.push(
      `Preset: the address asks for ${JSON.stringify(form.preset.slice(0, 60))}, which is not one of ` +
        `${WIDTH_PRESETS.map((p) => p.id).join(', ')}; showing ${DEFAULT_PRESET} with the rest of the address.`,
    );
    delete form.preset;
  }
  return { form, problems };
}

/** The form's defaults for a preset. */
export function defaultForm(presetId = DEFAULT_PRESET): SweepForm {
  const preset = findPreset(presetId);
  const entry = WIDTH_PRESETS.find((p) => p.id === presetId);
  return {
    preset: presetId,
    seeds: String(DEFAULT_SEEDS),
    widths: entry?.widths ?? String(preset.arch[1]),
    layer: String(entry?.layer ?? 1),
    rates: String(preset.learningRate),
    target: String(DEFAULT_TARGET),
    epochs: String(preset.epochs),
    features: featuresText(preset.features ?? []),
  };
}

function wholeNumber(field: string, text: string, lo: number, hi: number): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < lo || Number(t) > hi) {
    throw new SweepRequestError(
      field,
      `a whole number from ${lo} to ${hi}; got ${JSON.stringify(t.slice(0, 40))}`,
    );
  }
  return Number(t);
}

/** "1-4" (a range) or "1,2,4" (a list) of widths from 1 to the engine's maximum, no repeats. */
export function parseWidthList(text: string): number[] {
  const what = `a range like 1-4 or a list like 1,2,4 of whole numbers from 1 to ${LIMITS.maxWidth}`;
  const bad = (): never => {
    throw new SweepRequestError('Widths', `${what}; got ${JSON.stringify(text.trim().slice(0, 40))}`);
  };
  const whole = (s: string): number => {
    const t = s.trim();
    if (!/^\d+$/.test(t)) bad();
    const n = Number(t);
    if (n < 1 || n > LIMITS.maxWidth) bad();
    return n;
  };
  const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  if (range) {
    const lo = whole(range[1]);
    const hi = whole(range[2]);
    if (hi < lo) bad();
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  const list = text.split(',').map(whole);
  if (new Set(list).size !== list.length) bad();
  return list;
}

/** The Features field: names joined by commas, for 2-D data only. */
function readFeatures(text: string, inputSize: number): FeatureName[] {
  try {
    const features = parseFeatures(text);
    checkFeatureData(features, inputSize);
    return features;
  } catch (e) {
    throw new SweepRequestError('Features', (e as Error).message);
  }
}

/** "0.1" or "0.03,0.1,0.3": positive decimal learning rates, no repeats. */
export function parseRateList(text: string): number[] {
  const rates = text.split(',').map((s) => decimalValue(s.trim()) ?? NaN);
  if (rates.some((r) => !(r >= 1e-12 && r <= 1e6)) || new Set(rates).size !== rates.length) {
    throw new SweepRequestError(
      'Learning rates',
      `one rate or a comma-separated list, each from 1e-12 to 1e6, no repeats; got ${JSON.stringify(text.trim().slice(0, 40))}`,
    );
  }
  return rates;
}

/** Reads and checks the form; throws a SweepRequestError naming the first bad field. */
export function readRequest(form: SweepForm): SweepRequest {
  const entry = WIDTH_PRESETS.find((p) => p.id === form.preset);
  if (!entry) {
    throw new SweepRequestError(
      'Preset',
      `one of ${WIDTH_PRESETS.map((p) => p.id).join(', ')}; got ${JSON.stringify(form.preset)}`,
    );
  }
  const preset = findPreset(form.preset);
  const seedCount = wholeNumber('Seeds', form.seeds, 1, MAX_PAGE_MEMBERS);
  const widths = parseWidthList(form.widths);
  const hidden = preset.arch.length - 2;
  const layer = wholeNumber('Layer', form.layer, 1, hidden);
  const rates = parseRateList(form.rates);
  const targetValue = decimalValue(form.target.trim());
  if (targetValue === null || !(targetValue >= 0 && targetValue <= 1)) {
    throw new SweepRequestError(
      'Target',
      `a test accuracy from 0 to 1; got ${JSON.stringify(form.target.trim().slice(0, 40))}`,
    );
  }
  const epochs = wholeNumber('Epochs', form.epochs, 1, 10000);
  const members = seedCount * widths.length * rates.length;
  if (members > MAX_PAGE_MEMBERS) {
    throw new SweepRequestError(
      'Seeds',
      `at most ${MAX_PAGE_MEMBERS} members in all (seeds × widths × learning rates); ${seedCount} × ${widths.length} × ${rates.length} is ${members}`,
    );
  }
  const exp: Experiment = { ...experimentFromPreset(preset), epochs };
  const features = readFeatures(form.features ?? '', getDataset(preset.dataset).inputSize);
  if (features.length) exp.features = features;
  else delete exp.features;
  return {
    preset,
    exp,
    seeds: Array.from({ length: seedCount }, (_, i) => i + 1),
    widths,
    layer,
    rates,
    target: targetValue,
  };
}
