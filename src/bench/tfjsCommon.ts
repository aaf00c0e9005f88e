/**
 * TensorFlow.js as a baseline: the same network, parameters, data and optimiser as the engine, written the
 * way a TF.js user would (matMul + bias + activation per layer, optimizer.minimize). Which backends exist
 * is up to the runner: Node registers cpu and wasm, the browser also webgpu. The runner also registers
 * tfjs-core's gradients, which tfjs-core alone leaves out.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NetworkSpec, OutputActivation } from '../engine/spec';
import { paramLayout, widths } from '../engine/spec';

export { tf };

export interface TfBackend {
  /** The implementation id in the report, e.g. 'tfjs-wasm'. */
  impl: string;
  /** The TF.js backend name. */
  backend: string;
  /** Environment flags set after switching, e.g. { WEBGPU_MATMUL_PROGRAM_TYPE: 3 }. */
  flags: Record<string, number | boolean>;
}

export async function useBackend(b: TfBackend): Promise<void> {
  if (!(await tf.setBackend(b.backend))) throw new Error(`the TF.js ${b.backend} backend did not start`);
  await tf.ready();
  for (const [flag, value] of Object.entries(b.flags)) tf.env().set(flag, value);
}

export function activate(name: OutputActivation, z: tf.Tensor2D): tf.Tensor2D {
  switch (name) {
    case 'tanh':
      return tf.tanh(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'relu':
      return tf.relu(z);
    case 'linear':
      return z;
    case 'softmax':
      return tf.softmax(z);
    default:
      throw new Error(`TF.js baseline: no ${name} activation`);
  }
}

/** W_l transposed to (inputs, units) for x·W, and b_l, from the engine's flat layout. */
export function layerArrays(
  spec: NetworkSpec,
  params: Float32Array,
): { w: Float32Array; b: Float32Array; shape: [number, number] }[] {
  const layout = paramLayout(spec);
  const n = widths(spec);
  return spec.layers.map((_, l) => {
    const w = new Float32Array(n[l] * n[l + 1]);
    for (let j = 0; j < n[l + 1]; j++) {
      for (let i = 0; i < n[l]; i++) w[i * n[l + 1] + j] = params[layout.weight[l] + j * n[l] + i];
    }
    const b = params.slice(layout.bias[l], layout.bias[l] + n[l + 1]);
    return { w, b, shape: [n[l], n[l + 1]] };
  });
}

/** Back to the engine's layout from (inputs, units) weights and biases. */
export function flatParams(
  spec: NetworkSpec,
  layers: { w: ArrayLike<number>; b: ArrayLike<number> }[],
): Float32Array {
  const layout = paramLayout(spec);
  const n = widths(spec);
  const params = new Float32Array(layout.count);
  layers.forEach(({ w, b }, l) => {
    for (let j = 0; j < n[l + 1]; j++) {
      params[layout.bias[l] + j] = b[j];
      for (let i = 0; i < n[l]; i++) params[layout.weight[l] + j * n[l] + i] = w[i * n[l + 1] + j];
    }
  });
  return params;
}
