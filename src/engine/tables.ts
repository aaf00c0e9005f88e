/** Byte images of the uniform structs the kernels read (struct layouts in shaders/*.wgsl). */
import { ACTIVATION_CODE } from './activations';
import { indexBits, stepsPerEpoch } from './permutation';
import type { NetworkSpec, OptimizerSpec } from './spec';
import { LOSSES, OPTIMIZERS, paramLayout, widths } from './spec';

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
  let offset = 0;
  spec.layers.forEach((layer, l) => {
    const base = 8 + l * 8;
    u[base] = w[l];
    u[base + 1] = w[l + 1];
    u[base + 2] = ACTIVATION_CODE[layer.activation];
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
export const TRAIN_UNIFORM_BYTES = 64;

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
  return buffer;
}
