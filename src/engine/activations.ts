import type { Activation } from './spec';

/**
 * Each activation as a value and its derivative. The derivative is written in terms of the
 * pre-activation z and the value a = f(z), whichever is cheaper, exactly as the WGSL kernels compute it.
 */
export interface ActivationFn {
  value(z: number, slope: number): number;
  derivative(z: number, a: number, slope: number): number;
  /**
   * The second derivative f''(z), from the value a and the first derivative d = f'(z) (0 almost everywhere
   * for the piecewise-linear ones), as the kernels compute it for the contractive penalty.
   */
  curvature(a: number, d: number): number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export const ACTIVATION_FNS: Record<Activation, ActivationFn> = {
  // tanh'' = −2 tanh · tanh'
  tanh: { value: (z) => Math.tanh(z), derivative: (_z, a) => 1 - a * a, curvature: (a, d) => -2 * a * d },
  relu: { value: (z) => (z > 0 ? z : 0), derivative: (z) => (z > 0 ? 1 : 0), curvature: () => 0 },
  leaky_relu: {
    value: (z, s) => (z > 0 ? z : s * z),
    derivative: (z, _a, s) => (z > 0 ? 1 : s),
    curvature: () => 0,
  },
  // σ'' = σ' (1 − 2σ)
  sigmoid: { value: sigmoid, derivative: (_z, a) => a * (1 - a), curvature: (a, d) => d * (1 - 2 * a) },
  // log(1 + e^z), written so that it neither overflows nor loses precision for large |z|.
  // softplus' = σ, softplus'' = σ (1 − σ).
  softplus: {
    value: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
    derivative: (z) => sigmoid(z),
    curvature: (_a, d) => d * (1 - d),
  },
  linear: { value: (z) => z, derivative: () => 1, curvature: () => 0 },
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
