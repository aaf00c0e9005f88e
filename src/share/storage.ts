/**
 * The current experiment saved locally (localStorage in the app; any object with getItem, setItem and
 * removeItem), so it survives a reload. One versioned key holds JSON:
 *
 *   { "format": "detangle-saved", "version": 1, "savedAt": <ms since 1970>,
 *     "link": "<the experiment and view as link query text>", "weights"?: "f32.<base64url>" }
 *
 * The experiment travels as link text, so restoring checks it exactly as opening a link does. None of
 * these functions throws: a full or blocked storage, or damaged content, gives a reason instead.
 */
import type { NetworkSpec } from '../engine/spec';
import type { Experiment } from '../experiment/experiment';
import { ShareError, messageOf } from './errors';
import { experimentQuery, parseExperimentFields } from './url';
import type { ViewSettings } from './view';
import type { WeightPrecision } from './weights';
import { decodeWeightsRaw, encodeWeightsRaw } from './weights';

/** The part of the Web Storage interface used here. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const STORAGE_KEY = 'detangle:v1:experiment';
export const SAVED_FORMAT = 'detangle-saved';
export const SAVED_VERSION = 1;
/** Larger saved content is not read: 2 MiB characters (the largest network's weights need about 70 KB). */
export const MAX_SAVED_CHARS = 2 * 1024 * 1024;

export interface SavedState {
  experiment: Experiment;
  spec: NetworkSpec;
  view: ViewSettings;
  weights?: Float32Array;
  /** When it was saved, in milliseconds since 1970. */
  savedAt: number;
}

export type SaveResult = { ok: true } | { ok: false; reason: string };
/** `saved` null and `reason` null: nothing saved. `saved` null with a reason: the content was unusable. */
export type RestoreResult = { saved: SavedState; reason: null } | { saved: null; reason: string | null };

/** Saves the experiment, its view and optionally its weights (f32 unless told). Never throws. */
export function saveExperiment(
  storage: StorageLike,
  exp: Experiment,
  options: {
    view?: Partial<ViewSettings>;
    weights?: Float32Array;
    precision?: WeightPrecision;
    now?: number;
  } = {},
): SaveResult {
  let value: string;
  try {
    const link = experimentQuery(exp, options.view).toString();
    const { spec } = parseExperimentFields(link);
    const record: Record<string, unknown> = {
      format: SAVED_FORMAT,
      version: SAVED_VERSION,
      savedAt: options.now ?? Date.now(),
      link,
    };
    if (options.weights) record.weights = encodeWeightsRaw(spec, options.weights, options.precision ?? 'f32');
    value = JSON.stringify(record);
  } catch (e) {
    return { ok: false, reason: `the experiment cannot be saved: ${messageOf(e)}` };
  }
  try {
    storage.setItem(STORAGE_KEY, value);
  } catch (e) {
    return { ok: false, reason: `the browser did not store it (${messageOf(e)})` };
  }
  return { ok: true };
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function readSaved(text: string): SavedState {
  if (text.length > MAX_SAVED_CHARS) throw new ShareError(`it is over ${MAX_SAVED_CHARS} characters`);
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    throw new ShareError('it is not valid JSON');
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new ShareError('it is not a JSON object');
  }
  const obj = root as Record<string, unknown>;
  if (own(obj, 'format') !== SAVED_FORMAT) throw new ShareError(`must be "${SAVED_FORMAT}"`, 'format');
  if (own(obj, 'version') !== SAVED_VERSION) throw new ShareError(`must be ${SAVED_VERSION}`, 'version');
  const savedAt = own(obj, 'savedAt');
  if (typeof savedAt !== 'number' || !Number.isFinite(savedAt) || savedAt < 0) {
    throw new ShareError('must be a time in milliseconds', 'savedAt');
  }
  const link = own(obj, 'link');
  if (typeof link !== 'string') throw new ShareError('must be link text', 'link');
  const { experiment, spec, view } = parseExperimentFields(link);
  const state: SavedState = { experiment, spec, view, savedAt };
  const weights = own(obj, 'weights');
  if (weights !== undefined) {
    if (typeof weights !== 'string') throw new ShareError('must be text', 'weights');
    state.weights = decodeWeightsRaw(spec, weights, 'weights');
  }
  return state;
}

/** Reads the saved experiment. Never throws: damaged content gives `saved: null` and the reason. */
export function restoreExperiment(storage: StorageLike): RestoreResult {
  let text: string | null;
  try {
    text = storage.getItem(STORAGE_KEY);
  } catch (e) {
    return { saved: null, reason: `the saved experiment cannot be read (${messageOf(e)})` };
  }
  if (text === null || text === undefined) return { saved: null, reason: null };
  try {
    return { saved: readSaved(String(text)), reason: null };
  } catch (e) {
    return { saved: null, reason: `the saved experiment is damaged and was not restored: ${messageOf(e)}` };
  }
}

/** Forgets the saved experiment ("start fresh"). Never throws; returns false when storage refused. */
export function clearSaved(storage: StorageLike): boolean {
  try {
    storage.removeItem(STORAGE_KEY);
    return true;
  } catch {
    return false;
  }
}
