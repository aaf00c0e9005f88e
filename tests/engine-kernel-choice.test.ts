/** The choice `auto` makes between the training kernels: a pure function of fit, batch and timings. */
import { describe, expect, it } from 'vitest';
import {
  COOPERATIVE_MAX_BATCH,
  COOPERATIVE_MAX_PARAMS,
  LAYERED_MIN_BATCH,
  chooseKernel,
} from '../src/engine/kernelChoice';
import { kernelKinds } from '../src/engine/kernels/registry';

const LOOPED = { fused: false };
const LAYERED = { fused: false, layered: true, software: true };

describe('chooseKernel', () => {
  it('takes the fused kernel wherever the shape and batch fit it, whatever the timings', () => {
    expect(chooseKernel({ fused: true }, 1, 17)).toBe('fused');
    expect(chooseKernel({ fused: true, layered: true }, 4096, 17, { layered: 1e-6, general: 1e-6 })).toBe(
      'fused',
    );
  });

  it('without timings: one workgroup up to the measured batch or size threshold, general beyond', () => {
    const big = COOPERATIVE_MAX_PARAMS + 1;
    expect(chooseKernel(LOOPED, 1, big)).toBe('cooperative');
    expect(chooseKernel(LOOPED, COOPERATIVE_MAX_BATCH, big)).toBe('cooperative');
    expect(chooseKernel(LOOPED, COOPERATIVE_MAX_BATCH + 1, big)).toBe('general');
    expect(chooseKernel(LOOPED, 4096, COOPERATIVE_MAX_PARAMS)).toBe('cooperative');
    // On a software adapter the layered kernel, at every batch from its threshold (8–10× the general path).
    expect(chooseKernel(LAYERED, COOPERATIVE_MAX_BATCH + 1, big)).toBe('layered');
    expect(chooseKernel(LAYERED, 4096, 11000)).toBe('layered');
  });

  it('without timings, the layered kernel where it fits from its batch threshold, the cooperative below', () => {
    const big = COOPERATIVE_MAX_PARAMS + 1;
    expect(chooseKernel(LAYERED, LAYERED_MIN_BATCH - 1, big)).toBe('cooperative');
    expect(chooseKernel(LAYERED, LAYERED_MIN_BATCH, big)).toBe('layered');
    expect(chooseKernel(LAYERED, COOPERATIVE_MAX_BATCH, big)).toBe('layered');
    expect(chooseKernel(LAYERED, 4096, COOPERATIVE_MAX_PARAMS)).toBe('layered');
    expect(chooseKernel({ fused: false, layered: false, software: true }, 32, big)).toBe('cooperative');
  });

  it('on a real GPU, without timings, the cooperative kernel as before; with timings, the fastest', () => {
    const hardware = { fused: false, layered: true, software: false };
    expect(chooseKernel(hardware, 32, 2000)).toBe('cooperative');
    expect(chooseKernel(hardware, 4096, 1000)).toBe('cooperative');
    expect(chooseKernel(hardware, 4096, 2000)).toBe('general');
    expect(chooseKernel(hardware, 32, 2000, { cooperative: 2, layered: 1, general: 3 })).toBe('layered');
  });

  it('injected timings flip the choice both ways', () => {
    expect(chooseKernel(LOOPED, 4096, 11000, { cooperative: 0.01, general: 0.02 })).toBe('cooperative');
    expect(chooseKernel(LOOPED, 4096, 11000, { cooperative: 0.03, general: 0.02 })).toBe('general');
    expect(chooseKernel(LOOPED, 1, 11000, { cooperative: 0.03, general: 0.02 })).toBe('general');
    expect(chooseKernel(LOOPED, 1, 11000, { cooperative: 0.01, general: 0.02 })).toBe('cooperative');
    const three = { cooperative: 0.03, layered: 0.01, general: 0.02 };
    expect(chooseKernel(LAYERED, 4096, 11000, three)).toBe('layered');
    expect(chooseKernel(LAYERED, 1, 11000, { ...three, layered: 0.04 })).toBe('general');
    expect(chooseKernel(LAYERED, 32, 11000, { ...three, cooperative: 0.005 })).toBe('cooperative');
    // A layered time counts only where the layered kernel fits (not with the contractive penalty).
    expect(chooseKernel(LOOPED, 4096, 11000, three)).toBe('general');
    expect(chooseKernel(LAYERED, 4096, 11000, { layered: 0.01, general: 0.02 })).toBe('layered');
  });

  it('the chunked kernel competes only with a time of its own, and only where it fits', () => {
    const withChunked = { ...LAYERED, chunked: true };
    const times = { cooperative: 0.03, layered: 0.02, chunked: 0.01, general: 0.04 };
    expect(chooseKernel(withChunked, 4096, 11000, times)).toBe('chunked');
    expect(chooseKernel(LAYERED, 4096, 11000, times)).toBe('layered');
    expect(chooseKernel(withChunked, 4096, 11000, { ...times, chunked: 0.025 })).toBe('layered');
    // Never without a time: the rule has no threshold for it.
    expect(chooseKernel(withChunked, 4096, 11000)).toBe('layered');
    expect(chooseKernel({ ...withChunked, software: false }, 4096, 11000)).toBe('general');
    expect(chooseKernel(withChunked, 32, 11000)).toBe('layered');
  });

  it('ignores incomplete or meaningless timings', () => {
    expect(chooseKernel(LOOPED, 1, 11000, { general: 0.001 })).toBe('cooperative');
    expect(chooseKernel(LOOPED, 4096, 11000, { cooperative: 0, general: 1 })).toBe('general');
    expect(chooseKernel(LOOPED, 4096, 11000, { cooperative: NaN, general: 1 })).toBe('general');
    expect(chooseKernel(LAYERED, 32, 11000, { layered: 0.001 })).toBe('layered');
    expect(chooseKernel(LAYERED, 4096, 11000, { layered: NaN, general: 1 })).toBe('layered');
    expect(chooseKernel({ ...LAYERED, software: false }, 4096, 11000, { layered: NaN, general: 1 })).toBe(
      'general',
    );
  });

  it("the fused kernel's array layout competes only with a time of its own, and only where it fits", () => {
    const fast = { cooperative: 0.01, general: 0.02, fused: 0.005 };
    expect(chooseKernel({ fused: false, fusedArrays: true }, 32, 2241, fast)).toBe('fused');
    expect(chooseKernel({ fused: false, fusedArrays: false }, 32, 2241, fast)).toBe('cooperative');
    expect(chooseKernel({ fused: false, fusedArrays: true }, 32, 2241, { ...fast, fused: 0.015 })).toBe(
      'cooperative',
    );
    const slow = { cooperative: 0.03, general: 0.02, fused: 0.025 };
    expect(chooseKernel({ fused: false, fusedArrays: true }, 32, 2241, slow)).toBe('general');
    // A tie goes to the looped kernel; a fused time alone, or a meaningless one, is not a measurement.
    const arrays = { fused: false, fusedArrays: true };
    expect(chooseKernel(arrays, 32, 2241, { ...fast, fused: 0.01 })).toBe('cooperative');
    expect(chooseKernel(arrays, 32, 2241, { fused: 0.001 })).toBe('cooperative');
    expect(chooseKernel(arrays, 32, 2241, { ...fast, fused: NaN })).toBe('cooperative');
    expect(chooseKernel(arrays, 32, 2241, { ...fast, fused: 0 })).toBe('cooperative');
  });

  it('the kernel names the CLI accepts are the engine list', () => {
    expect(kernelKinds()).toEqual(['fused', 'cooperative', 'layered', 'chunked', 'general']);
  });
});
