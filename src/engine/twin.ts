/**
 * The TypeScript twin of every kernel: the readable specification of what the WGSL computes and the
 * oracle of its tests. It works in float64. Shapes follow the kernels: W of layer l is (units, inputs),
 * row-major, followed by b (units), all in one flat parameter array (see paramLayout).
 */
import type { Dataset } from './dataset';
import { Random } from '../random';
import { ACTIVATION_FNS } from './activations';
import { batchOfStep, epochKey, indexBits, permute, stepsPerEpoch } from './permutation';
import type { Activation, LayerSpec, NetworkSpec, OptimizerSpec } from './spec';
import { hasField, paramLayout, widths } from './spec';
import type { EngineConfig, LayerBufferLayout, SetStats, Stats } from './types';
import { fieldBackward, fieldForward, placeAnchors } from './fieldTwin';
import { knnBatchLoss, knnSetStats } from './knnTwin';
import type { ForwardTrace } from './lossTwin';
import { isCorrect, sampleLoss } from './lossTwin';
import { applyOptimizer, createOptimizerState } from './optimizerTwin';

export { applyOptimizer, createOptimizerState, isCorrect, sampleLoss };
export type { ForwardTrace };

type Vec = Float64Array;

function activate(layer: LayerSpec, z: Vec): Vec {
  const a = new Float64Array(z.length);
  if (layer.activation === 'softmax') {
    let max = -Infinity;
    for (const v of z) max = Math.max(max, v);
    let sum = 0;
    for (let j = 0; j < z.length; j++) sum += a[j] = Math.exp(z[j] - max);
    for (let j = 0; j < z.length; j++) a[j] /= sum;
    return a;
  }
  const f = ACTIVATION_FNS[layer.activation];
  for (let j = 0; j < z.length; j++) a[j] = f.value(z[j], layer.slope);
  return a;
}

/** z_l = W_l a_{l-1} + b_l,  a_l = f_l(z_l). */
export function forward(
  spec: NetworkSpec,
  params: ArrayLike<number>,
  input: ArrayLike<number>,
): ForwardTrace {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const post: Vec[] = [Float64Array.from(input)];
  const pre: Vec[] = [Float64Array.from(input)];
  spec.layers.forEach((layer, l) => {
    const inputs = post[l];
    const field = layout.field[l];
    if (field) {
      const f = fieldForward(field, params, inputs);
      pre.push(f);
      post.push(f);
      return;
    }
    const z = new Float64Array(w[l + 1]);
    for (let j = 0; j < z.length; j++) {
      let sum = params[layout.bias[l] + j];
      const row = layout.weight[l] + j * w[l];
      for (let i = 0; i < w[l]; i++) sum += params[row + i] * inputs[i];
      z[j] = sum;
    }
    pre.push(z);
    post.push(activate(layer, z));
  });
  return { pre, post };
}

/** c_j = Σ_i W_ji², the squared norm of each row of layer l's weights. */
function rowNorms(spec: NetworkSpec, params: ArrayLike<number>, l: number): Vec {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const c = new Float64Array(w[l + 1]);
  for (let j = 0; j < c.length; j++) {
    const row = layout.weight[l] + j * w[l];
    for (let i = 0; i < w[l]; i++) c[j] += params[row + i] * params[row + i];
  }
  return c;
}

/**
 * ‖∂a_l/∂a_{l−1}‖²_F summed over the hidden layers l (every layer but the output) of one sample:
 * ∂a_l/∂a_{l−1} = diag(f'(z_l)) W_l, so each layer gives Σ_j f'(z_j)² Σ_i W_ji².
 */
export function jacobianNormSq(spec: NetworkSpec, params: ArrayLike<number>, trace: ForwardTrace): number {
  let total = 0;
  for (let l = 0; l < spec.layers.length - 1; l++) {
    const layer = spec.layers[l];
    const f = ACTIVATION_FNS[layer.activation as Activation];
    const c = rowNorms(spec, params, l);
    for (let j = 0; j < c.length; j++) {
      const d = f.derivative(trace.pre[l + 1][j], trace.post[l + 1][j], layer.slope);
      total += d * d * c[j];
    }
  }
  return total;
}

/** The mean over a set of jacobianNormSq: how much the hidden layers stretch the plane at the data. */
export function meanJacobianNormSq(spec: NetworkSpec, params: ArrayLike<number>, data: Dataset): number {
  const n = data.y.length;
  const inSize = spec.inputSize;
  let total = 0;
  for (let s = 0; s < n; s++) {
    const trace = forward(spec, params, data.x.subarray(s * inSize, s * inSize + inSize));
    total += jacobianNormSq(spec, params, trace);
  }
  return n ? total / n : 0;
}

/**
 * Back-propagates dL/dz of the output layer and adds dL/dparams into `grad`. With `contractive` λ > 0 the
 * sample's contractive term λ·Σ_hidden Σ_j f'(z_j)² c_j (c_j = Σ_i W_ji²) joins L: its derivative adds
 * 2λ f'(z_j)² W_ji to each hidden weight directly, and 2λ c_j f'(z_j) f''(z_j) to dL/dz_j of each hidden
 * unit, which then flows down like the loss's own.
 */
export function backward(
  spec: NetworkSpec,
  params: ArrayLike<number>,
  trace: ForwardTrace,
  dzOut: Vec,
  grad: Vec,
  contractive = 0,
): void {
  const layout = paramLayout(spec);
  const w = widths(spec);
  let dz = dzOut;
  for (let l = spec.layers.length - 1; l >= 0; l--) {
    const inputs = trace.post[l];
    const hidden = contractive !== 0 && l < spec.layers.length - 1;
    const own = spec.layers[l];
    const field = layout.field[l];
    // A field layer's dL/dx; a dense layer's is Σ_j W_ji dz_j, below.
    const dInput = field
      ? fieldBackward(field, params, inputs, dz, grad, own.field!.learnCentres === true)
      : null;
    for (let j = 0; j < (field ? 0 : w[l + 1]); j++) {
      grad[layout.bias[l] + j] += dz[j];
      const row = layout.weight[l] + j * w[l];
      for (let i = 0; i < w[l]; i++) grad[row + i] += dz[j] * inputs[i];
      if (hidden) {
        const d = ACTIVATION_FNS[own.activation as Activation].derivative(
          trace.pre[l + 1][j],
          trace.post[l + 1][j],
          own.slope,
        );
        for (let i = 0; i < w[l]; i++) grad[row + i] += 2 * contractive * d * d * params[row + i];
      }
    }
    if (l === 0) break;
    const below = spec.layers[l - 1];
    const f = below.activation === 'softmax' ? null : ACTIVATION_FNS[below.activation];
    const c = contractive !== 0 ? rowNorms(spec, params, l - 1) : null;
    const next = new Float64Array(w[l]);
    for (let i = 0; i < w[l]; i++) {
      let sum = dInput ? dInput[i] : 0;
      for (let j = 0; j < (dInput ? 0 : w[l + 1]); j++)
        sum += params[layout.weight[l] + j * w[l] + i] * dz[j];
      const d = f!.derivative(trace.pre[l][i], trace.post[l][i], below.slope);
      next[i] = sum * d;
      if (c) next[i] += 2 * contractive * c[i] * d * f!.curvature(trace.post[l][i], d);
    }
    dz = next;
  }
}

/** The penalties a batch gradient adds to the data loss's (see batchGradient). */
export interface Penalties {
  l1: number;
  l2: number;
  contractive?: number;
}

/**
 * Mean data loss and gradient over a batch of samples, plus the weight penalties
 * l1·Σ|w| + ½·l2·Σw² over weights (not biases) and the contractive penalty
 * λ·(1/B)·Σ_samples Σ_hidden ‖∂a_l/∂a_{l−1}‖²_F, whose gradients are added to `grad` but whose values are
 * not part of the reported loss.
 */
export function batchGradient(
  spec: NetworkSpec,
  params: ArrayLike<number>,
  data: Dataset,
  indices: ArrayLike<number>,
  penalty: Penalties = { l1: 0, l2: 0 },
): { loss: number; grad: Vec } {
  const layout = paramLayout(spec);
  const grad = new Float64Array(layout.count);
  const n = indices.length;
  let loss = 0;
  const inSize = spec.inputSize;
  const contractive = penalty.contractive ?? 0;
  if (contractive !== 0 && hasField(spec)) {
    throw new Error(
      'the contractive penalty is defined for dense layers only; this network has a vector-field layer',
    );
  }
  const traces = Array.from(indices, (i) =>
    forward(spec, params, data.x.subarray(i * inSize, (i + 1) * inSize)),
  );
  if (spec.knn) {
    // The k-NN loss is already a mean over the batch: times n, as the division below expects sums.
    const L = spec.layers.length;
    const out = spec.layers[L - 1];
    const f = ACTIVATION_FNS[out.activation as Activation];
    const knn = knnBatchLoss(
      traces.map((t) => t.post[L]),
      Array.from(indices, (i) => data.y[i]),
      spec.knn.epsilon,
    );
    loss = knn.loss * n;
    traces.forEach((t, s) => {
      const dz = knn.grads[s].map((g, u) => n * g * f.derivative(t.pre[L][u], t.post[L][u], out.slope));
      backward(spec, params, t, dz, grad);
    });
    // Distances ignore a shift of every h: a linear output's biases get exactly 0 (their rounding noise
    // would otherwise walk them by ±lr under Adam and RMSprop).
    const b = paramLayout(spec).bias[L - 1];
    if (out.activation === 'linear') grad.fill(0, b, b + out.units);
  }
  for (let s = 0; s < (spec.knn ? 0 : n); s++) {
    const { loss: l, dz } = sampleLoss(spec, traces[s], data.y[indices[s]]);
    loss += l;
    backward(spec, params, traces[s], dz, grad, contractive);
  }
  for (let p = 0; p < grad.length; p++) grad[p] /= n;
  if (penalty.l1 !== 0 || penalty.l2 !== 0) {
    forEachWeight(spec, (p) => {
      grad[p] += penalty.l1 * Math.sign(params[p]) + penalty.l2 * params[p];
    });
  }
  return { loss: loss / n, grad };
}

export function forEachWeight(spec: NetworkSpec, visit: (index: number) => void): void {
  const layout = paramLayout(spec);
  const w = widths(spec);
  for (let l = 0; l < spec.layers.length; l++) {
    // A field layer's vectors vᵢ count as weights (K × width of them); its anchors and σ do not.
    const size = layout.field[l] ? layout.field[l]!.anchors * w[l] : w[l] * w[l + 1];
    for (let p = layout.weight[l]; p < layout.weight[l] + size; p++) visit(p);
  }
}

/**
 * Initial weights from a seeded stream: Glorot uniform (±√(6/(fan_in+fan_out))) for saturating and linear
 * units, He uniform (±√(6/fan_in)) for relu and leaky_relu; biases zero. A vector-field layer starts as
 * the identity (its vectors 0) and draws nothing from the stream; its anchors are placed from `data` (the
 * training set) when given (placeAnchors), else left at 0 with σ = 1 until the data is known.
 */
export function initParams(spec: NetworkSpec, seed: number, data?: Dataset): Float32Array {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const params = new Float32Array(layout.count);
  const random = new Random(seed);
  for (const f of layout.field) if (f) params[f.sigma] = 1;
  spec.layers.forEach((layer, l) => {
    if (layer.field) return;
    const fanIn = w[l];
    const fanOut = w[l + 1];
    const he = layer.activation === 'relu' || layer.activation === 'leaky_relu';
    const limit = he ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
    for (let k = 0; k < fanIn * fanOut; k++) params[layout.weight[l] + k] = random.uniform(-limit, limit);
  });
  if (data && hasField(spec))
    placeAnchors(spec, params, data, seed, (p, x, l) => forward(spec, p, x).post[l]);
  return params;
}

/** Loss and accuracy of the network over a whole set. */
export function evaluate(
  spec: NetworkSpec,
  params: ArrayLike<number>,
  data: Dataset,
  classification: boolean,
  reference: Dataset = data,
): SetStats {
  const n = data.y.length;
  let loss = 0;
  let correct = 0;
  const inSize = spec.inputSize;
  if (spec.knn) {
    // Each point classified by its k nearest points of the reference (training) set's representations.
    const reps = (d: Dataset) =>
      Array.from(
        d.y,
        (_, s) => forward(spec, params, d.x.subarray(s * inSize, (s + 1) * inSize)).post[spec.layers.length],
      );
    const options = {
      ...spec.knn,
      classes: Math.max(2, data.classes, reference.classes),
      sameSet: reference === data,
    };
    return knnSetStats(reps(data), data.y, reps(reference), reference.y, options);
  }
  for (let s = 0; s < n; s++) {
    const trace = forward(spec, params, data.x.subarray(s * inSize, s * inSize + inSize));
    loss += sampleLoss(spec, trace, data.y[s]).loss;
    if (classification && isCorrect(spec, trace.post[spec.layers.length], data.y[s])) correct++;
  }
  return { loss: n ? loss / n : 0, accuracy: classification && n ? correct / n : null, count: n };
}

/** The layer-buffer layout the grid transform writes (see LayerBufferLayout). */
export function layerBufferLayout(spec: NetworkSpec, capacity: number): LayerBufferLayout {
  const w = widths(spec);
  const width = [w[0]];
  for (let l = 1; l < w.length; l++) width.push(w[l], w[l]);
  const offset: number[] = [];
  let total = 0;
  for (const u of width) {
    offset.push(total);
    total += capacity * u;
  }
  return { capacity, width, offset, totalFloats: total };
}

/** The grid transform: every representation of every point, laid out as the GPU kernel writes it. */
export function transformPoints(
  spec: NetworkSpec,
  params: ArrayLike<number>,
  points: Float32Array,
  count: number,
): { layout: LayerBufferLayout; data: Float32Array } {
  const layout = layerBufferLayout(spec, count);
  const data = new Float32Array(layout.totalFloats);
  const inSize = spec.inputSize;
  for (let v = 0; v < count; v++) {
    const trace = forward(spec, params, points.subarray(v * inSize, v * inSize + inSize));
    layout.width.forEach((width, r) => {
      const rep = r === 0 ? trace.post[0] : r % 2 === 1 ? trace.pre[(r + 1) / 2] : trace.post[r / 2];
      for (let u = 0; u < width; u++) data[layout.offset[r] + v * width + u] = rep[u];
    });
  }
  return { layout, data };
}

/** The indices of the samples in the batch of a step, in the order the kernels visit them. */
export function batchIndices(step: number, n: number, batch: number, seed: number): Uint32Array {
  const slice = batchOfStep(step, n, batch);
  const key = epochKey(seed, slice.epoch);
  const bits = indexBits(n);
  const out = new Uint32Array(slice.end - slice.start);
  for (let i = slice.start; i < slice.end; i++) out[i - slice.start] = permute(i, n, key, bits);
  return out;
}

/**
 * Trains on the CPU with exactly the schedule of the GPU engine: same init, same batches, same updates.
 * It is the reference of the engine's tests and the trainer of the WebGL2 fallback.
 */
export class TwinTrainer {
  readonly spec: NetworkSpec;
  params: Float32Array;
  step = 0;
  divergedAtStep: number | null = null;
  private optimizer: OptimizerSpec;
  private batchSize: number;
  private readonly seed: number;
  private readonly state: Float64Array;
  private params64: Float64Array;
  /** The weights and moments of the last step whose loss was finite, before its update. */
  private backup: { step: number; params: Float64Array; state: Float64Array } | null = null;
  private trainSet: Dataset | null = null;
  private testSet: Dataset | null = null;
  /** Whether the weights are still the seed's, before any data, training or weights given. */
  private untouched = true;

  constructor(config: EngineConfig) {
    this.spec = config.spec;
    this.optimizer = config.optimizer;
    this.batchSize = config.train.batchSize;
    this.seed = config.train.seed;
    this.params = initParams(this.spec, this.seed);
    this.params64 = Float64Array.from(this.params);
    this.state = createOptimizerState(this.params.length);
  }

  setData(train: Dataset, test: Dataset | null): void {
    this.trainSet = train;
    this.testSet = test;
    // A field layer's anchors come from the training data: placed now unless weights were given.
    if (this.untouched && hasField(this.spec)) this.setParams(initParams(this.spec, this.seed, train));
    this.untouched = this.untouched && !hasField(this.spec);
  }

  setOptimizer(optimizer: OptimizerSpec): void {
    this.optimizer = optimizer;
  }

  setBatchSize(batchSize: number): void {
    this.batchSize = batchSize;
  }

  setParams(params: Float32Array): void {
    this.untouched = false;
    this.params = Float32Array.from(params);
    this.params64 = Float64Array.from(params);
    this.backup = null;
  }

  /** Zero optimiser moments (training goes on from hand-set weights); the weights and step stay. */
  resetMoments(): void {
    this.state.fill(0);
    this.backup = null;
  }

  train(steps: number): void {
    this.untouched = false;
    const data = this.trainSet;
    if (!data) throw new Error('TwinTrainer.train: no data; call setData first');
    const n = data.y.length;
    for (let k = 0; k < steps && this.divergedAtStep === null; k++) {
      const indices = batchIndices(this.step, n, this.batchSize, this.seed);
      const { loss, grad } = batchGradient(this.spec, this.params64, data, indices, this.optimizer);
      if (!Number.isFinite(loss)) {
        // Back to the weights (and moments) of the step before, whose loss was finite, where known.
        this.divergedAtStep = this.step;
        if (this.backup && this.backup.step === this.step - 1) {
          this.params64.set(this.backup.params);
          this.state.set(this.backup.state);
          this.step--;
        }
        break;
      }
      this.backup ??= {
        step: 0,
        params: new Float64Array(this.params64.length),
        state: new Float64Array(this.state.length),
      };
      this.backup.step = this.step;
      this.backup.params.set(this.params64);
      this.backup.state.set(this.state);
      applyOptimizer(this.optimizer, this.params64, grad, this.state, this.step);
      this.step++;
    }
    this.params = Float32Array.from(this.params64);
  }

  get epoch(): number {
    const n = this.trainSet?.y.length ?? 1;
    return Math.floor(this.step / stepsPerEpoch(n, this.batchSize));
  }

  stats(): Stats {
    if (!this.trainSet) throw new Error('TwinTrainer.stats: no data');
    const classification = this.trainSet.classes > 0;
    return {
      step: this.step,
      epoch: this.epoch,
      train: evaluate(this.spec, this.params64, this.trainSet, classification),
      test: this.testSet
        ? evaluate(this.spec, this.params64, this.testSet, classification, this.trainSet)
        : null,
      divergedAtStep: this.divergedAtStep,
    };
  }
}
