/**
 * The plain JavaScript baseline: a dense MLP over flat Float32Arrays, the way TensorFlow Playground's nn.ts
 * computes but without its per-neuron objects. Monomorphic loops, no allocation per sample or per step.
 * Parameters use the engine's layout (W_l as units x inputs, row-major, then b_l), so the same numbers
 * can be compared with the GPU and the twin.
 */
import type { LayerBufferLayout } from '../engine/types';
import type { NetworkSpec, OptimizerSpec } from '../engine/spec';
import { paramLayout, widths } from '../engine/spec';

const TANH = 0;
const SIGMOID = 1;
const LINEAR = 2;
const RELU = 3;
const SOFTMAX = 4;
const CODES: Record<string, number> = {
  tanh: TANH,
  sigmoid: SIGMOID,
  linear: LINEAR,
  relu: RELU,
  softmax: SOFTMAX,
};

function activate(code: number, z: number): number {
  if (code === TANH) return Math.tanh(z);
  if (code === SIGMOID) return 1 / (1 + Math.exp(-z));
  if (code === RELU) return z > 0 ? z : 0;
  return z;
}

/** f'(z) written with a = f(z) where that is cheaper. */
function derivative(code: number, z: number, a: number): number {
  if (code === TANH) return 1 - a * a;
  if (code === SIGMOID) return a * (1 - a);
  if (code === RELU) return z > 0 ? 1 : 0;
  return 1;
}

export class PlainMlp {
  readonly params: Float32Array;
  /** Widths of every representation, the input first. */
  private readonly width: Int32Array;
  private readonly act: Int32Array;
  private readonly weight: Int32Array;
  private readonly bias: Int32Array;
  /** Offsets of each representation in the per-sample scratch arrays. */
  private readonly unitOffset: Int32Array;
  private readonly z: Float32Array;
  private readonly a: Float32Array;
  private readonly dz: Float32Array;
  private readonly grad: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly ce: boolean;
  private readonly optimizer: OptimizerSpec;
  step = 0;

  constructor(spec: NetworkSpec, params: Float32Array, optimizer: OptimizerSpec) {
    for (const layer of spec.layers) {
      if (!(layer.activation in CODES))
        throw new Error(`plain JS baseline: no ${layer.activation} activation`);
    }
    if (spec.loss === 'bce') throw new Error('plain JS baseline: mse and ce losses only');
    if (!['sgd', 'adam'].includes(optimizer.kind)) throw new Error('plain JS baseline: sgd and adam only');
    const layout = paramLayout(spec);
    this.params = Float32Array.from(params);
    this.width = Int32Array.from(widths(spec));
    this.act = Int32Array.from(spec.layers.map((l) => CODES[l.activation]));
    this.weight = Int32Array.from(layout.weight);
    this.bias = Int32Array.from(layout.bias);
    this.unitOffset = new Int32Array(this.width.length + 1);
    for (let r = 0; r < this.width.length; r++) this.unitOffset[r + 1] = this.unitOffset[r] + this.width[r];
    const units = this.unitOffset[this.width.length];
    this.z = new Float32Array(units);
    this.a = new Float32Array(units);
    this.dz = new Float32Array(units);
    this.grad = new Float32Array(layout.count);
    this.m = new Float32Array(layout.count);
    this.v = new Float32Array(layout.count);
    this.ce = spec.loss === 'ce';
    this.optimizer = optimizer;
  }

  /** Forward pass of sample `s` of `x` into the scratch z and a. */
  private forward(x: Float32Array, s: number): void {
    const { width, act, weight, bias, unitOffset, z, a, params } = this;
    const n0 = width[0];
    for (let i = 0; i < n0; i++) a[i] = x[s * n0 + i];
    const layers = act.length;
    for (let l = 0; l < layers; l++) {
      const nIn = width[l];
      const nOut = width[l + 1];
      const inOff = unitOffset[l];
      const outOff = unitOffset[l + 1];
      const code = act[l];
      for (let j = 0; j < nOut; j++) {
        let sum = params[bias[l] + j];
        const row = weight[l] + j * nIn;
        for (let i = 0; i < nIn; i++) sum += params[row + i] * a[inOff + i];
        z[outOff + j] = sum;
        a[outOff + j] = activate(code, sum);
      }
      if (code === SOFTMAX) softmax(z, outOff, a, outOff, nOut);
    }
  }

  /**
   * One optimiser step on the samples `indices` of (x, y): mean loss gradient, then SGD or Adam.
   * Returns the mean loss of the batch.
   */
  trainStep(x: Float32Array, y: Float32Array, indices: ArrayLike<number>): number {
    const { width, act, weight, bias, unitOffset, z, a, dz, grad, params } = this;
    const layers = act.length;
    const outOff = unitOffset[layers];
    const nOutput = width[layers];
    grad.fill(0);
    let loss = 0;
    for (let k = 0; k < indices.length; k++) {
      const s = indices[k];
      this.forward(x, s);
      const label = y[s];
      if (this.ce) {
        const target = Math.round(label);
        loss -= Math.log(Math.max(a[outOff + target], 1e-30));
        for (let j = 0; j < nOutput; j++) dz[outOff + j] = a[outOff + j] - (j === target ? 1 : 0);
      } else {
        for (let j = 0; j < nOutput; j++) {
          const target = nOutput === 1 ? label : j === Math.round(label) ? 1 : 0;
          const e = a[outOff + j] - target;
          loss += 0.5 * e * e;
          dz[outOff + j] = e * derivative(act[layers - 1], z[outOff + j], a[outOff + j]);
        }
      }
      for (let l = layers - 1; l >= 0; l--) {
        const nIn = width[l];
        const nOut = width[l + 1];
        const inOff = unitOffset[l];
        const dOff = unitOffset[l + 1];
        for (let j = 0; j < nOut; j++) {
          const d = dz[dOff + j];
          grad[bias[l] + j] += d;
          const row = weight[l] + j * nIn;
          for (let i = 0; i < nIn; i++) grad[row + i] += d * a[inOff + i];
        }
        if (l === 0) break;
        const below = act[l - 1];
        for (let i = 0; i < nIn; i++) {
          let sum = 0;
          for (let j = 0; j < nOut; j++) sum += params[weight[l] + j * nIn + i] * dz[dOff + j];
          dz[inOff + i] = sum * derivative(below, z[inOff + i], a[inOff + i]);
        }
      }
    }
    this.update(1 / indices.length);
    return loss / indices.length;
  }

  private update(scale: number): void {
    const { params, grad, m, v, optimizer: o } = this;
    const lr = o.learningRate;
    if (o.kind === 'sgd') {
      for (let p = 0; p < params.length; p++) params[p] -= lr * grad[p] * scale;
    } else {
      const t = this.step + 1;
      const c1 = 1 - o.beta1 ** t;
      const c2 = 1 - o.beta2 ** t;
      for (let p = 0; p < params.length; p++) {
        const g = grad[p] * scale;
        m[p] = o.beta1 * m[p] + (1 - o.beta1) * g;
        v[p] = o.beta2 * v[p] + (1 - o.beta2) * g * g;
        params[p] -= (lr * (m[p] / c1)) / (Math.sqrt(v[p] / c2) + o.epsilon);
      }
    }
    this.step++;
  }

  /**
   * The grid transform: every representation of `count` points into `out`, laid out as the engine's
   * layer buffer (see LayerBufferLayout). Layer by layer, so each loop streams through one array.
   */
  transform(points: Float32Array, count: number, layout: LayerBufferLayout, out: Float32Array): void {
    const { width, act, weight, bias, params } = this;
    const n0 = width[0];
    out.set(points.subarray(0, count * n0), layout.offset[0]);
    for (let l = 0; l < act.length; l++) {
      const nIn = width[l];
      const nOut = width[l + 1];
      const inBase = layout.offset[2 * l];
      const zBase = layout.offset[2 * l + 1];
      const aBase = layout.offset[2 * l + 2];
      const code = act[l];
      for (let v = 0; v < count; v++) {
        const inOff = inBase + v * nIn;
        const outOff = v * nOut;
        for (let j = 0; j < nOut; j++) {
          let sum = params[bias[l] + j];
          const row = weight[l] + j * nIn;
          for (let i = 0; i < nIn; i++) sum += params[row + i] * out[inOff + i];
          out[zBase + outOff + j] = sum;
          out[aBase + outOff + j] = activate(code, sum);
        }
        if (code === SOFTMAX) softmax(out, zBase + outOff, out, aBase + outOff, nOut);
      }
    }
  }
}

/** a = softmax(z) over n units: exp(z_j − max z) / Σ_k exp(z_k − max z). */
function softmax(z: Float32Array, zOff: number, a: Float32Array, aOff: number, n: number): void {
  let max = -Infinity;
  for (let j = 0; j < n; j++) max = Math.max(max, z[zOff + j]);
  let sum = 0;
  for (let j = 0; j < n; j++) sum += a[aOff + j] = Math.exp(z[zOff + j] - max);
  for (let j = 0; j < n; j++) a[aOff + j] /= sum;
}
