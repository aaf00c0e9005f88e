/**
 * Which training kernel `auto` runs. The fused kernel wherever the shape and batch fit it (it wins
 * everywhere it fits, on every adapter measured). Beyond it, the cooperative kernel (one workgroup, many
 * steps per dispatch: no per-step dispatch cost, but one multiprocessor — one CPU core on a software GPU)
 * against the general path (four dispatches per step, the batch spread over many workgroups and summed
 * in a fixed order by a second pass): measured seconds per step decide when the caller has them (a speed
 * probe per adapter and shape); without them, a batch threshold measured on SwiftShader decides.
 */
import type { KernelKind, KernelTimings } from './types';

/**
 * Without timings: the cooperative kernel up to this batch, or at any batch for networks of up to
 * COOPERATIVE_MAX_PARAMS parameters; the general path beyond, where it can spread a large batch over every
 * multiprocessor of a real GPU (one workgroup is one multiprocessor). On SwiftShader (2 cores) the
 * cooperative kernel led at batch 32 for every shape beyond the fused kernel (1.1–1.6×) and was within
 * 1.7× either way at 256–4096 (see docs/benchmarks.md); measured timings decide where they are given.
 */
export const COOPERATIVE_MAX_BATCH = 32;
export const COOPERATIVE_MAX_PARAMS = 1024;

export function chooseKernel(
  fitsFused: boolean,
  batch: number,
  params: number,
  timings: KernelTimings = {},
): KernelKind {
  if (fitsFused) return 'fused';
  const cooperative = timings.cooperative;
  const general = timings.general;
  if (cooperative !== undefined && general !== undefined && cooperative > 0 && general > 0) {
    return cooperative <= general ? 'cooperative' : 'general';
  }
  return batch <= COOPERATIVE_MAX_BATCH || params <= COOPERATIVE_MAX_PARAMS ? 'cooperative' : 'general';
}
