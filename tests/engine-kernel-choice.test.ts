/** The choice `auto` makes between the training kernels: a pure function of fit, batch and timings. */
import { describe, expect, it } from 'vitest';
import { COOPERATIVE_MAX_BATCH, chooseKernel } from '../src/engine/kernel-choice';
import { KERNELS } from '../src/engine/types';

describe('chooseKernel', () => {
  it('takes the fused kernel wherever the shape and batch fit it, whatever the timings', () => {
    expect(chooseKernel(true, 1)).toBe('fused');
    expect(chooseKernel(true, 4096, { cooperative: 1e-6, general: 1e-6 })).toBe('fused');
  });

  it('without timings: cooperative up to the measured batch threshold, general beyond', () => {
    expect(chooseKernel(false, 1)).toBe('cooperative');
    expect(chooseKernel(false, COOPERATIVE_MAX_BATCH)).toBe('cooperative');
    expect(chooseKernel(false, COOPERATIVE_MAX_BATCH + 1)).toBe('general');
  });

  it('injected timings flip the choice both ways', () => {
    expect(chooseKernel(false, 4096, { cooperative: 0.01, general: 0.02 })).toBe('cooperative');
    expect(chooseKernel(false, 4096, { cooperative: 0.03, general: 0.02 })).toBe('general');
    expect(chooseKernel(false, 1, { cooperative: 0.03, general: 0.02 })).toBe('general');
    expect(chooseKernel(false, 1, { cooperative: 0.01, general: 0.02 })).toBe('cooperative');
  });

  it('ignores incomplete or meaningless timings', () => {
    expect(chooseKernel(false, 1, { general: 0.001 })).toBe('cooperative');
    expect(chooseKernel(false, 4096, { cooperative: 0, general: 1 })).toBe('general');
    expect(chooseKernel(false, 4096, { cooperative: NaN, general: 1 })).toBe('general');
  });

  it('the kernel names the CLI accepts are the engine list', () => {
    expect([...KERNELS]).toEqual(['fused', 'cooperative', 'general']);
  });
});
