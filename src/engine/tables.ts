/** Byte images of the uniform structs the kernels read (struct layouts in shaders/*.wgsl). */
import { ACTIVATION_CODE } from './activations';
import { indexBits, stepsPerEpoch } from './permutation';
import type { NetworkSpec, OptimizerSpec } from './spec';
import { LOSSES, OPTIMIZERS, contractiveOf, paramLayout, widths } from './spec';

/** The `act` of a vector-field layer in the table (FIELD_ACT in shaders/network.wgsl). */
export const FIELD_CODE = 7;

/** `Net` in shaders/network.wgsl: 8 header words, then 12 layers of 8 words. */
export const NET_BYTES = 32 + 12 * 32;

export function netTable(spec: NetworkSpec): ArrayBuffer {
  const buffer = new ArrayBuffer(NET_BYTES);
  const u = new Uint32Array(buffer);
  const f = new Float32Array(buffer);
  const layout = paramLayout(spec);
  const w = widths(spec);
  const valueCount = w.reduce((a, b) => a + b, 0);
  u.set([
    spec.layers.length,
    spec.inputSize,
    w[w.length - 1],
    LOSSES.indexOf(spec.loss),
    layout.count,
    valueCount,
  ]);
  u[6] = valueCount - spec.inputSize;
  u[7] = spec.layers.reduce((bits, layer, l) => (layer.field?.learnCentres ? bits | (1 << l) : bits), 0);
  let offset = 0;
  spec.layers.forEach((layer, l) => {
    const base = 8 + l * 8;
    u[base] = w[l];
    u[base + 1] = w[l + 1];
    u[base + 2] = layer.field ? FIELD_CODE : ACTIVATION_CODE[layer.activation];
    f[base + 3] = layer.slope;
    u[base + 4] = layout.weight[l];
    u[base + 5] = layout.bias[l];
    u[base + 6] = offset;
    u[base + 7] = offset + w[l];
    offset += w[l];
  });
  return buffer;
}

/** `TrainUniforms` in shaders/common.wgsl. */
export const TRAIN_UNIFORM_BYTES = 96;

export interface Schedule {
  trainCount: number;
  batch: number;
  seed: number;
  stepsPerDispatch: number;
  chunk: number;
}

export function trainUniforms(s: Schedule, o: OptimizerSpec): ArrayBuffer {
  const buffer = new ArrayBuffer(TRAIN_UNIFORM_BYTES);
  const u = new Uint32Array(buffer);
  const f = new Float32Array(buffer);
  const batch = Math.min(s.batch, s.trainCount);
  u.set([
    s.trainCount,
    batch,
    stepsPerEpoch(s.trainCount, batch),
    s.seed >>> 0,
    s.stepsPerDispatch,
    indexBits(s.trainCount),
    OPTIMIZERS.indexOf(o.kind),
    s.chunk,
  ]);
  f.set([o.learningRate, o.momentum, o.rho, o.beta1, o.beta2, o.epsilon, o.l1, o.l2], 8);
  // The complements in float64 before rounding: 1 − fround(0.999) is 1.3e-5 away from 0.001.
  f.set([1 - o.rho, 1 - o.beta1, 1 - o.beta2], 16);
  u[19] = biasTableSteps(o);
  f[20] = contractiveOf(o);
  return buffer;
}

/** Most entries of the Adam bias-correction table (512 KiB); beyond, the kernels use float32 pow. */
export const MAX_BIAS_STEPS = 1 << 16;

/**
 * Steps for which Adam's bias corrections differ from 1 in float32: until β^t < 2^-26 for both betas
 * (then 1 / (1 − β^t) rounds to 1), at most MAX_BIAS_STEPS; one (unused) for the other optimisers.
 */
export function biasTableSteps(o: OptimizerSpec): number {
  if (o.kind !== 'adam') return 1;
  const steps = (beta: number): number =>
    beta <= 0 ? 1 : beta >= 1 ? MAX_BIAS_STEPS : Math.ceil((-26 * Math.LN2) / Math.log(beta));
  return Math.max(1, Math.min(MAX_BIAS_STEPS, Math.max(steps(o.beta1), steps(o.beta2))));
}

/**
 * Adam's bias corrections (1 / (1 − β1^t), 1 / (1 − β2^t)) for t = step + 1, computed in float64 and
 * rounded once: the float32 `1 − pow(β, t)` of the first steps is ~1e-5 off (relative).
 */
export function biasTable(o: OptimizerSpec): Float32Array {
  const n = biasTableSteps(o);
  const table = new Float32Array(2 * n);
  for (let step = 0; step < n; step++) {
    table[2 * step] = 1 / (1 - o.beta1 ** (step + 1));
    table[2 * step + 1] = 1 / (1 - o.beta2 ** (step + 1));
  }
  return table;
}
