/**
 * Which training kernel `auto` runs. The fused kernel wherever the shape and batch fit its scalar layout
 * (it wins everywhere it fits, on every adapter measured). Beyond it, the looped kernels: `layered` and
 * `cooperative` (one workgroup, many steps per dispatch: no per-step dispatch cost, but one multiprocessor
 * — one CPU core on a software GPU) against `general` (four dispatches per step, the batch spread over
 * many workgroups and summed in a fixed order by a second pass). Measured seconds per step decide when
 * the caller has them (a speed probe per adapter and shape); without them, thresholds measured on
 * SwiftShader decide. The fused kernel's array layout (beyond 320 parameters, while a lane holds at most
 * FUSED_ARRAYS_MAX_VALUES values) competes only with a measured time of its own: it can be several times
 * faster, but it compiles for seconds to tens of seconds on a software GPU and its arrays live in local
 * memory on a real one.
 */
import type { KernelFits } from './kernels/kernel';
import { KERNEL_REGISTRY } from './kernels/registry';
import type { KernelKind, KernelTimings } from './types';

export type { KernelFits };

/**
 * Without timings, on a software adapter: the layered kernel from LAYERED_MIN_BATCH (its lanes take a
 * sample each: a smaller batch leaves them idle), the cooperative one below. On SwiftShader (2 cores) the
 * layered kernel ran 2-32-32-1 at 1.3× the cooperative one at batch 8 and 2.8–7.6× at 32–256, 2-32×11-1 at
 * 1.1× (batch 8), 4.7× (32), 7.6× (256), 4× (4,096), and 8–10× the general path at every batch (one core
 * runs a workgroup there, and a dispatch of many runs little faster than one); the cooperative one led at
 * batch 1 (2×); see docs/benchmarks.md.
 * Without timings, on a real GPU (nothing measured): the cooperative kernel up to COOPERATIVE_MAX_BATCH,
 * or at any batch for networks of up to COOPERATIVE_MAX_PARAMS parameters; the general path beyond, where
 * it can spread a large batch over every multiprocessor (one workgroup is one multiprocessor).
 * Measured timings decide where they are given.
 */
export const COOPERATIVE_MAX_BATCH = 32;
export const COOPERATIVE_MAX_PARAMS = 1024;
export const LAYERED_MIN_BATCH = 8;

export function chooseKernel(
  fits: KernelFits,
  batch: number,
  params: number,
  timings: KernelTimings = {},
): KernelKind {
  if (fits.fused) return 'fused';
  // The registered kernels that take the run and have a measured time, in the order that wins a tie.
  const measured = KERNEL_REGISTRY.filter((k) => k.competes(fits) && (timings[k.kind] ?? 0) > 0)
    .sort((a, b) => a.tieRank - b.tieRank)
    .map((k) => k.kind);
  const oneWorkgroup = KERNEL_REGISTRY.some((k) => k.oneWorkgroup && measured.includes(k.kind));
  if (oneWorkgroup && measured.includes('general')) {
    // The fastest measured; on a tie the earlier in tie order.
    return measured.reduce((best, k) => (timings[k]! < timings[best]! ? k : best));
  }
  if (fits.layered && fits.software && batch >= LAYERED_MIN_BATCH) return 'layered';
  // The general path takes every run; the cooperative kernel not a vector-field layer.
  if (fits.cooperative === false) return 'general';
  if (batch > COOPERATIVE_MAX_BATCH && params > COOPERATIVE_MAX_PARAMS) return 'general';
  return 'cooperative';
}
