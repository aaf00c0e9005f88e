/** Comparisons against the twin: |actual − reference| ≤ abs + rel · |reference|, element by element. */
import type { Check } from './types';

export interface Tolerance {
  abs: number;
  rel: number;
}

/** Float32 kernels against the float64 twin through a few layers. */
export const GRID_TOLERANCE: Tolerance = { abs: 2e-4, rel: 2e-4 };
/** Outputs after a few training steps, where float32 rounding of the gradients accumulates. */
export const TRAIN_TOLERANCE: Tolerance = { abs: 2e-3, rel: 2e-3 };

export function compare(
  actual: ArrayLike<number>,
  reference: ArrayLike<number>,
  tolerance: Tolerance,
  what: string,
): Check {
  if (actual.length !== reference.length) {
    return {
      what: `${what} (length ${actual.length} ≠ ${reference.length})`,
      maxError: Infinity,
      tolerance: 0,
      ok: false,
    };
  }
  let maxError = 0;
  let allowed = tolerance.abs;
  let ok = true;
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i] - reference[i]);
    const limit = tolerance.abs + tolerance.rel * Math.abs(reference[i]);
    if (!(error <= limit)) ok = false;
    if (!(error <= maxError)) {
      maxError = Number.isNaN(error) ? Infinity : error;
      allowed = limit;
    }
  }
  return { what, maxError, tolerance: allowed, ok };
}
