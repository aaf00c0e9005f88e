import type { Activation } from './spec';

/**
 * Each activation as a value and its derivative. The derivative is written in terms of the
 * pre-activation z and the value a = f(z), whichever is cheaper, exactly as the WGSL kernels compute it.
 */
export interface ActivationFn {
  value(z: number, slope: number): number;
  derivative(z: number, a: number, slope: number): number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export const ACTIVATION_FNS: Record<Activation, ActivationFn> = {
  tanh: { value: (z) => Math.tanh(z), derivative: (_z, a) => 1 - a * a },
  relu: { value: (z) => (z > 0 ? z : 0), derivative: (z) => (z > 0 ? 1 : 0) },
  leaky_relu: { value: (z, s) => (z > 0 ? z : s * z), derivative: (z, _a, s) => (z > 0 ? 1 : s) },
  sigmoid: { value: sigmoid, derivative: (_z, a) => a * (1 - a) },
  // log(1 + e^z), written so that it neither overflows nor loses precision for large |z|.
  softplus: {
    value: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
    derivative: (z) => sigmoid(z),
  },
  linear: { value: (z) => z, derivative: () => 1 },
};

export { sigmoid };

/** Index of each activation in the WGSL kernels' `act` switch. */
export const ACTIVATION_CODE: Record<Activation | 'softmax', number> = {
  linear: 0,
  tanh: 1,
  relu: 2,
  leaky_relu: 3,
  sigmoid: 4,
  softplus: 5,
  softmax: 6,
};
