/** The twin of the optimisers (float64): the update rules every kernel's step must match. */
import type { OptimizerSpec } from './spec';

/** Optimiser state: two slots per parameter (velocity / mean square / Adam's m and v). */
export function createOptimizerState(paramCount: number): Float64Array {
  return new Float64Array(2 * paramCount);
}

/**
 * One optimiser update; `step` counts from 0 (Adam's bias correction uses step + 1).
 *  sgd:      w −= lr·g
 *  momentum: v = μ·v + g;  w −= lr·v
 *  rmsprop:  s = ρ·s + (1−ρ)·g²;  w −= lr·g / (√s + ε)
 *  adam:     m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  w −= lr·m̂ / (√v̂ + ε),  m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)
 */
export function applyOptimizer(
  opt: OptimizerSpec,
  params: Float64Array | Float32Array,
  grad: ArrayLike<number>,
  state: Float64Array,
  step: number,
): void {
  const n = params.length;
  const lr = opt.learningRate;
  for (let p = 0; p < n; p++) {
    const g = grad[p];
    switch (opt.kind) {
      case 'sgd':
        params[p] -= lr * g;
        break;
      case 'momentum':
        state[p] = opt.momentum * state[p] + g;
        params[p] -= lr * state[p];
        break;
      case 'rmsprop':
        state[n + p] = opt.rho * state[n + p] + (1 - opt.rho) * g * g;
        params[p] -= (lr * g) / (Math.sqrt(state[n + p]) + opt.epsilon);
        break;
      case 'adam': {
        const t = step + 1;
        state[p] = opt.beta1 * state[p] + (1 - opt.beta1) * g;
        state[n + p] = opt.beta2 * state[n + p] + (1 - opt.beta2) * g * g;
        const mHat = state[p] / (1 - opt.beta1 ** t);
        const vHat = state[n + p] / (1 - opt.beta2 ** t);
        params[p] -= (lr * mHat) / (Math.sqrt(vHat) + opt.epsilon);
        break;
      }
    }
  }
}
