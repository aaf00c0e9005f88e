/**
 * The model file's format: its name, version, limits and the shapes of what it holds. The file itself:
 *
 *   {
 *     "format": "detangle-model",
 *     "version": 2,
 *     "inputSize": 2,                                       // the network's input: coordinates + features
 *     "loss": "mse" | "bce" | "ce",
 *     "layers": [
 *       { "units": 3, "activation": "tanh", "slope": 0.01,   // slope: leaky_relu only, optional
 *         "weights": [[w00, w01], [w10, w11], [w20, w21]],  // one row per unit, one number per input
 *         "bias": [b0, b1, b2] },
 *       { "kind": "field", "units": 2, "anchors": 16,       // a vector-field layer (version 3)
 *         "learnCentres": true,                              // optional: the anchors are trained
 *         "vectors": [[v00, v01], ...],                      // one row per anchor: v_i (units numbers)
 *         "centres": [[c00, c01], ...],                      // one row per anchor: c_i
 *         "sigma": 0.71 },                                   // the Gaussians' width
 *       ...
 *     ],
 *     "experiment": { ...the settings of the run... },     // optional; "features": ["r2"] (version 2)
 *     "optimizerState": { "step": 1200, "moments": [...] }, // optional: 2 x parameter count numbers
 *     "history": [                                          // optional: kept moments of training
 *       { "step": 0, "epoch": 0, "trainLoss": 0.26, "testLoss": 0.25, "trainAccuracy": 0.5,
 *         "testAccuracy": 0.49, "weights": "<base64>", "moments": "<base64>" },  // moments optional
 *       ...
 *     ]
 *
 * A history moment's `weights` (and `moments`, 2 per parameter) are little-endian float32 values in
 * standard base64 (RFC 4648 section 4, padded); steps increase strictly. The history has its own limits
 * (HISTORY_MAX_MOMENTS, HISTORY_MAX_BYTES of base64 text): exporters thin it to fit. modelExport.ts
 * writes it, modelImport.ts reads it.
 */
import type { Experiment } from '../experiment/experiment';
import type { NetworkSpec } from '../engine/spec';
import { base64Chars } from './float32Base64';
import { ShareError } from './errors';
import { floatAt, integerAt } from './jsonReaders';

export const MODEL_FORMAT = 'detangle-model';
/** Version 2 adds `experiment.features` (the network's input is the data's coordinates and those
 *  features); version 3 adds vector-field layers (`"kind": "field"`, `experiment.fields`). A file is
 *  written with the lowest version that holds it (2 without a field layer), and versions 1 and 2 still
 *  load. */
export const MODEL_VERSION = 3;
/** The version that first holds vector-field layers, and the one a file without them is written with. */
export const FIELD_VERSION = 3;
export const DENSE_VERSION = 2;
/** The oldest version read. */
export const MODEL_MIN_VERSION = 1;
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

/**
 * The largest step a model file holds (its optimiser's and its history's): 2^30. The engine counts steps
 * in 32-bit integers; a model loaded at 2^30 can still train 2^30 − 1 more steps before a signed count
 * (2^31 − 1) would wrap, and 3·2^30 before the GPU's unsigned one would, far more than any run of the app
 * or the CLI: at 300,000 steps a second, about an hour of training.
 */
export const MAX_STEP = 2 ** 30;

/**
 * Refuses a history moment after the model's own step: `modelStep` is optimizerState.step, or undefined
 * where the file has no optimiser state and so its network starts again from step 0.
 */
export function checkMomentStep(step: number, modelStep: number | undefined, path: string): void {
  const own = modelStep ?? 0;
  if (step > own) {
    const which =
      modelStep === undefined
        ? '0: without optimizerState the network starts again from step 0'
        : `optimizerState.step ${modelStep}`;
    throw new ShareError(`is ${step}, after the model's own step (${which})`, path);
  }
}

/**
 * How many history moments of a network with `paramCount` parameters fit the history's limits (with their
 * optimiser moments, or weights only).
 */
export function historyCapacity(paramCount: number, withMoments: boolean): number {
  const perMoment = base64Chars(paramCount) + (withMoments ? base64Chars(2 * paramCount) : 0);
  return Math.max(1, Math.min(HISTORY_MAX_MOMENTS, Math.floor(HISTORY_MAX_BYTES / perMoment)));
}

/** Checks an optimiser state against the network: a step in range, 2 finite numbers per parameter. */
export function checkOptimizerState(
  step: unknown,
  moments: ArrayLike<number>,
  count: number,
  path: string,
): void {
  integerAt(step, 0, MAX_STEP, `${path}.step`);
  if (moments.length !== 2 * count) {
    throw new ShareError(
      `must have ${2 * count} numbers (2 per parameter); got ${moments.length}`,
      `${path}.moments`,
    );
  }
  for (let i = 0; i < moments.length; i++) floatAt(moments[i], `${path}.moments[${i}]`);
}
