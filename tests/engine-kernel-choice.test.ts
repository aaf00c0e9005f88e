/** The choice `auto` makes between the training kernels: a pure function of fit, batch and timings. */
import { describe, expect, it } from 'vitest';
import { COOPERATIVE_MAX_BATCH, COOPERATIVE_MAX_PARAMS, chooseKernel } from '../src/engine/kernel-choice';
import { KERNELS } from '../src/engine/types';

describe('chooseKernel', () => {
  it('takes the fused kernel wherever the shape and batch fit it, whatever the timings', () => {
    expect(chooseKernel(true, 1, 17)).toBe('fused');
    expect(chooseKernel(true, 4096, 17, { cooperative: 1e-6, general: 1e-6 })).toBe('fused');
  });

  it('without timings: cooperative up to the measured batch or size threshold, general beyond', () => {
    const big = COOPERATIVE_MAX_PARAMS + 1;
    expect(chooseKernel(false, 1, big)).toBe('cooperative');
    expect(chooseKernel(false, COOPERATIVE_MAX_BATCH, big)).toBe('cooperative');
    expect(chooseKernel(false, COOPERATIVE_MAX_BATCH + 1, big)).toBe('general');
    expect(chooseKernel(false, 4096, COOPERATIVE_MAX_PARAMS)).toBe('cooperative');
  });

  it('injected timings flip the choice both ways', () => {
    expect(chooseKernel(false, 4096, 11000, { cooperative: 0.01, general: 0.02 })).toBe('cooperative');
    expect(chooseKernel(false, 4096, 11000, { cooperative: 0.03, general: 0.02 })).toBe('general');
    expect(chooseKernel(false, 1, 11000, { cooperative: 0.03, general: 0.02 })).toBe('general');
    expect(chooseKernel(false, 1, 11000, { cooperative: 0.01, general: 0.02 })).toBe('cooperative');
  });

  it('ignores incomplete or meaningless timings', () => {
    expect(chooseKernel(false, 1, 11000, { general: 0.001 })).toBe('cooperative');
    expect(chooseKernel(false, 4096, 11000, { cooperative: 0, general: 1 })).toBe('general');
    expect(chooseKernel(false, 4096, 11000, { cooperative: NaN, general: 1 })).toBe('general');
  });

  it("the fused kernel's array layout competes only with a time of its own, and only where it fits", () => {
    const fast = { cooperative: 0.01, general: 0.02, fused: 0.005 };
    expect(chooseKernel(false, 32, 2241, fast, true)).toBe('fused');
    expect(chooseKernel(false, 32, 2241, fast, false)).toBe('cooperative');
    expect(chooseKernel(false, 32, 2241, { ...fast, fused: 0.015 }, true)).toBe('cooperative');
    expect(chooseKernel(false, 32, 2241, { cooperative: 0.03, general: 0.02, fused: 0.025 }, true)).toBe(
      'general',
    );
    // A tie goes to the looped kernel; a fused time alone, or a meaningless one, is not a measurement.
    expect(chooseKernel(false, 32, 2241, { ...fast, fused: 0.01 }, true)).toBe('cooperative');
    expect(chooseKernel(false, 32, 2241, { fused: 0.001 }, true)).toBe('cooperative');
    expect(chooseKernel(false, 32, 2241, { ...fast, fused: NaN }, true)).toBe('cooperative');
    expect(chooseKernel(false, 32, 2241, { ...fast, fused: 0 }, true)).toBe('cooperative');
  });

  it('the kernel names the CLI accepts are the engine list', () => {
    expect([...KERNELS]).toEqual(['fused', 'cooperative', 'general']);
  });
});
