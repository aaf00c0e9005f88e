import { LIMITS } from './limits';

export const ACTIVATIONS = ['tanh', 'relu', 'leaky_relu', 'sigmoid', 'softplus', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
/** Softmax exists only as the output of softmax cross-entropy. */
export type OutputActivation = Activation | 'softmax';

export const LOSSES = ['mse', 'bce', 'ce'] as const;
export type Loss = (typeof LOSSES)[number];

export const OPTIMIZERS = ['sgd', 'momentum', 'rmsprop', 'adam'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

/**
 * A vector-field layer (same width in and out): f(x) = x + Σᵢ vᵢ·gᵢ(x), gᵢ(x) = exp(−‖x − cᵢ‖² / (2σ²)).
 * Its anchors cᵢ and σ are not in the spec: they live in the parameter array beside the vᵢ (see
 * paramLayout and docs/engine.md), placed from the training data when the weights are first made.
 */
export interface FieldSpec {
  /** K, the number of anchors (Gaussians). */
  anchors: number;
  /** Whether the anchors move with training (their gradient is applied); absent = fixed. */
  learnCentres?: boolean;
}

export interface LayerSpec {
  units: number;
  activation: OutputActivation;
  /** Negative slope of leaky_relu. */
  slope: number;
  /** Present on a vector-field layer (its activation is then 'linear' and its units its input's width). */
  field?: FieldSpec;
}

/** Anchors of a vector-field layer: at least 1, at most this. */
export const MAX_ANCHORS = 64;
export const DEFAULT_ANCHORS = 16;

/** Whether any layer of the network is a vector-field layer. */
export function hasField(spec: NetworkSpec): boolean {
  return spec.layers.some((l) => l.field !== undefined);
}

/**
 * colah's k-nearest-neighbour output, instead of a softmax: the last layer's values are a representation;
 * in training each batch element is classified by the other elements of its batch, weighted by
 * 1/(distance + ε), with cross-entropy on those normalised votes (loss `ce`); at test time by its `k`
 * nearest training points' representations (src/engine/knnTwin.ts).
 */
export interface KnnSpec {
  k: number;
  epsilon: number;
}

export const DEFAULT_KNN: KnnSpec = { k: 8, epsilon: 1e-3 };
/** Most neighbours a k-NN output counts at test time. */
export const MAX_KNN_K = 64;

/** A network: `layers[l]` maps the previous representation (the input for l = 0) to `units` values. */
export interface NetworkSpec {
  inputSize: number;
  layers: LayerSpec[];
  loss: Loss;
  /** Present when the output is a k-NN classifier over the last layer's values (loss `ce`). */
  knn?: KnnSpec;
}

export interface OptimizerSpec {
  kind: Optimizer;
  learningRate: number;
  /** Momentum coefficient (momentum), decay of the squared-gradient average (rmsprop). */
  momentum: number;
  rho: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  l1: number;
  l2: number;
  /**
   * Weight λ of the contractive penalty λ·(1/B)·Σ_samples Σ_hidden ‖∂a_l/∂a_{l−1}‖²_F (absent = 0, off).
   * Its gradient joins the data loss's; the reported loss stays the data loss alone.
   */
  contractive?: number;
}

/** Largest contractive weight accepted: beyond it the penalty swamps any data loss. */
export const MAX_CONTRACTIVE = 10;

/** The contractive weight of an optimiser spec: 0 (off) when absent. */
export function contractiveOf(o: OptimizerSpec): number {
  return o.contractive ?? 0;
}

/**
 * Throws a SpecError when the contractive weight is not a finite number in [0, MAX_CONTRACTIVE], or is on
 * for a network (when given) with a vector-field layer: the penalty is defined for dense layers only.
 */
export function checkOptimizer(o: OptimizerSpec, spec?: NetworkSpec): void {
  if (spec && contractiveOf(o) > 0 && hasField(spec)) {
    throw new SpecError(
      'the contractive penalty is for dense layers only; this network has a vector-field layer',
    );
  }
  if (spec?.knn && contractiveOf(o) > 0) {
    throw new SpecError('the contractive penalty is not defined with the k-NN output');
  }
  const c = o.contractive;
  if (c !== undefined && !(typeof c === 'number' && Number.isFinite(c) && c >= 0 && c <= MAX_CONTRACTIVE)) {
    throw new SpecError(
      `contractive: the penalty weight must be a number from 0 to ${MAX_CONTRACTIVE}; got ${c}`,
    );
  }
}

export const DEFAULT_SLOPE = 0.01;

export function defaultOptimizer(kind: Optimizer, learningRate: number): OptimizerSpec {
  return {
    kind,
    learningRate,
    momentum: 0.9,
    rho: 0.9,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    l1: 0,
    l2: 0,
  };
}

export class SpecError extends Error {
  override name = 'SpecError';
}

/** The output activation a loss implies when none is given: sigmoid for BCE, softmax for CE,
 *  sigmoid for MSE on 0/1 labels (as the seeds do), linear for regression. */
export function outputActivationFor(loss: Loss, regression: boolean, knn = false): OutputActivation {
  if (knn) return 'linear';
  if (loss === 'ce') return 'softmax';
  if (loss === 'bce') return 'sigmoid';
  return regression ? 'linear' : 'sigmoid';
}

/** Parses "2-3-2-1" into unit counts, input first (dense layers only: see archTokens for `vf16`). */
export function parseArch(text: string): number[] {
  const parts = text.trim().split(/[-x,\s]+/);
  const sizes = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new SpecError(
      `architecture "${text}" must be sizes from input to output joined by dashes, e.g. 2-3-2-1`,
    );
  }
  return sizes;
}

export function isActivation(name: string): name is Activation {
  return (ACTIVATIONS as readonly string[]).includes(name);
}

/**
 * Builds a spec from sizes (input first) and activations: one name for all hidden layers, or one per
 * layer, output included. The output activation follows the loss unless given.
 */
export function buildSpec(
  sizes: number[],
  activations: string | string[],
  loss: Loss,
  options: { regression?: boolean; slope?: number; fields?: readonly number[]; knn?: KnnSpec } = {},
): NetworkSpec {
  const fields = options.fields ?? [];
  if (fields.some((k) => k > 0) || options.knn)
    return buildFieldSpec(sizes, activations, loss, options, fields);
  const layerCount = sizes.length - 1;
  const list = typeof activations === 'string' ? activations.split(',').map((s) => s.trim()) : activations;
  if (list.length !== 1 && list.length !== layerCount) {
    throw new SpecError(
      `activation: give one name for the hidden layers or ${layerCount} (one per layer, output included); got ${list.length}`,
    );
  }
  const slope = options.slope ?? DEFAULT_SLOPE;
  const layers: LayerSpec[] = [];
  for (let l = 0; l < layerCount; l++) {
    const last = l === layerCount - 1;
    let act: string;
    // One name means the hidden layers (the output follows the loss), even when there are none.
    const perLayer =
      list.length === layerCount &&
      !(typeof activations === 'string' && list.length === 1 && layerCount === 1);
    if (perLayer) act = list[l];
    else act = last ? outputActivationFor(loss, options.regression ?? false) : list[0];
    layers.push({ units: sizes[l + 1], activation: act as OutputActivation, slope });
  }
  const spec = { inputSize: sizes[0], layers, loss };
  checkSpec(spec);
  return spec;
}

/**
 * buildSpec with vector-field layers or a k-NN output: `fields[l]` > 0 makes layer l a field layer of that
 * many anchors (its width is its input's). The activation list names the dense layers only (one for all
 * hidden dense layers, or one per dense layer, output included); a k-NN output is linear unless named.
 */
function buildFieldSpec(
  sizes: number[],
  activations: string | string[],
  loss: Loss,
  options: { regression?: boolean; slope?: number; knn?: KnnSpec },
  given: readonly number[],
): NetworkSpec {
  const layerCount = sizes.length - 1;
  const fields = given.length ? given : new Array<number>(layerCount).fill(0);
  if (fields.length !== layerCount) {
    throw new SpecError(`fields: one anchor count per layer (${layerCount}); got ${fields.length}`);
  }
  const dense: number[] = [];
  for (let l = 0; l < layerCount; l++) if (!(fields[l] > 0)) dense.push(l);
  const list = typeof activations === 'string' ? activations.split(',').map((s) => s.trim()) : activations;
  const perLayer = list.length === dense.length && !(list.length === 1 && typeof activations === 'string');
  if (list.length !== 1 && !perLayer) {
    throw new SpecError(
      `activation: give one name for the hidden layers or ${dense.length} (one per dense layer, output included); got ${list.length}`,
    );
  }
  const slope = options.slope ?? DEFAULT_SLOPE;
  const layers: LayerSpec[] = [];
  for (let l = 0; l < layerCount; l++) {
    const k = fields[l];
    if (k > 0) {
      layers.push({ units: sizes[l], activation: 'linear', slope, field: { anchors: k } });
      continue;
    }
    const last = l === layerCount - 1;
    const act = perLayer
      ? list[dense.indexOf(l)]
      : last
        ? outputActivationFor(loss, options.regression ?? false, options.knn !== undefined)
        : list[0];
    layers.push({ units: sizes[l + 1], activation: act as OutputActivation, slope });
  }
  const spec: NetworkSpec = {
    inputSize: sizes[0],
    layers,
    loss,
    ...(options.knn ? { knn: options.knn } : {}),
  };
  checkSpec(spec);
  return spec;
}

/** Throws a SpecError naming the first thing outside the limits or inconsistent. */
export function checkSpec(spec: NetworkSpec): void {
  const { inputSize, layers, loss } = spec;
  if (spec.knn) checkKnn(spec.knn, loss, layers[layers.length - 1]);
  const knn = spec.knn !== undefined;
  if (!Number.isInteger(inputSize) || inputSize < LIMITS.minInput || inputSize > LIMITS.maxInput) {
    throw new SpecError(`input size must be ${LIMITS.minInput} to ${LIMITS.maxInput}; got ${inputSize}`);
  }
  if (layers.length < 1 || layers.length > LIMITS.maxLayers) {
    throw new SpecError(`a network has 1 to ${LIMITS.maxLayers} dense layers; got ${layers.length}`);
  }
  if (!(LOSSES as readonly string[]).includes(loss)) {
    throw new SpecError(`loss must be one of ${LOSSES.join(', ')}; got "${loss}"`);
  }
  layers.forEach((layer, l) => {
    const last = l === layers.length - 1;
    if (!Number.isInteger(layer.units) || layer.units < 1 || layer.units > LIMITS.maxWidth) {
      throw new SpecError(`layer ${l + 1} must have 1 to ${LIMITS.maxWidth} units; got ${layer.units}`);
    }
    const softmax = layer.activation === 'softmax';
    if (!isActivation(layer.activation) && !softmax) {
      throw new SpecError(
        `layer ${l + 1}: unknown activation "${layer.activation}"; use one of ${ACTIVATIONS.join(', ')}`,
      );
    }
    if (softmax && !(last && loss === 'ce' && !knn)) {
      throw new SpecError('softmax is only the output of cross-entropy (loss ce)');
    }
    if (last && loss === 'ce' && !softmax && !knn) {
      throw new SpecError('cross-entropy (loss ce) needs a softmax output');
    }
    if (last && loss === 'ce' && layer.units < 2 && !knn) {
      throw new SpecError('cross-entropy (loss ce) needs at least 2 output units; use bce for one');
    }
    if (last && loss === 'bce' && (layer.activation !== 'sigmoid' || layer.units !== 1)) {
      throw new SpecError('binary cross-entropy (loss bce) needs one sigmoid output unit');
    }
    if (!Number.isFinite(layer.slope) || layer.slope < 0 || layer.slope >= 1) {
      throw new SpecError(`layer ${l + 1}: leaky_relu slope must be in [0, 1); got ${layer.slope}`);
    }
    if (layer.field !== undefined) checkField(layer, l, last, l === 0 ? inputSize : layers[l - 1].units);
  });
}

function checkKnn(knn: KnnSpec, loss: Loss, out: LayerSpec | undefined): void {
  if (loss !== 'ce') {
    throw new SpecError(`the k-NN output trains with cross-entropy on its votes: use loss ce; got ${loss}`);
  }
  if (!Number.isInteger(knn.k) || knn.k < 1 || knn.k > MAX_KNN_K) {
    throw new SpecError(`the k-NN output counts 1 to ${MAX_KNN_K} neighbours; got k = ${knn.k}`);
  }
  if (!(Number.isFinite(knn.epsilon) && knn.epsilon > 0 && knn.epsilon <= 1)) {
    throw new SpecError(`the k-NN output's ε must be a number in (0, 1]; got ${knn.epsilon}`);
  }
  if (out?.field)
    throw new SpecError('the k-NN output reads a dense layer; the last layer is a vector-field layer');
}

function checkField(layer: LayerSpec, l: number, last: boolean, inputs: number): void {
  const k = layer.field!.anchors;
  if (last) {
    throw new SpecError(
      `layer ${l + 1}: a vector-field layer cannot be the output layer; end with a dense one`,
    );
  }
  if (!Number.isInteger(k) || k < 1 || k > MAX_ANCHORS) {
    throw new SpecError(`layer ${l + 1}: a vector-field layer has 1 to ${MAX_ANCHORS} anchors; got ${k}`);
  }
  if (layer.units !== inputs) {
    throw new SpecError(
      `layer ${l + 1}: a vector-field layer keeps its input's width (${inputs}); got ${layer.units}`,
    );
  }
  if (layer.activation !== 'linear') {
    throw new SpecError(`layer ${l + 1}: a vector-field layer has no activation; got "${layer.activation}"`);
  }
}

/** Widths of every representation, the input first. */
export function widths(spec: NetworkSpec): number[] {
  return [spec.inputSize, ...spec.layers.map((l) => l.units)];
}

export function outputUnits(spec: NetworkSpec): number {
  return spec.layers[spec.layers.length - 1].units;
}

/**
 * Where a vector-field layer's numbers sit in the parameter array: its K vectors vᵢ (K × width,
 * anchor-major: vᵢ at v + i·width), its K anchors cᵢ (the same shape), then σ (one number).
 * The anchors and σ are not trained (unless learned centres) but travel with the weights.
 */
export interface FieldLayout {
  anchors: number;
  width: number;
  v: number;
  centres: number;
  sigma: number;
}

/**
 * Offsets of each layer's W (units x inputs, row-major) and b in the flat parameter array. For a
 * vector-field layer, `weight` is the offset of its vectors and `bias` of its anchors, and `field[l]`
 * says where each block is (null for a dense layer).
 */
export interface ParamLayout {
  weight: number[];
  bias: number[];
  field: (FieldLayout | null)[];
  count: number;
}

export function paramLayout(spec: NetworkSpec): ParamLayout {
  const w = widths(spec);
  const weight: number[] = [];
  const bias: number[] = [];
  const field: (FieldLayout | null)[] = [];
  let offset = 0;
  for (let l = 0; l < spec.layers.length; l++) {
    const f = spec.layers[l].field;
    if (f) {
      const block = f.anchors * w[l];
      const entry = {
        anchors: f.anchors,
        width: w[l],
        v: offset,
        centres: offset + block,
        sigma: offset + 2 * block,
      };
      weight.push(entry.v);
      bias.push(entry.centres);
      field.push(entry);
      offset += 2 * block + 1;
      continue;
    }
    weight.push(offset);
    offset += w[l + 1] * w[l];
    bias.push(offset);
    offset += w[l + 1];
    field.push(null);
  }
  return { weight, bias, field, count: offset };
}
