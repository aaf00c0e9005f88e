/**
 * Which training kernel `auto` runs. The fused kernel wherever the shape and batch fit it (it wins
 * everywhere it fits, on every adapter measured). Beyond it, the cooperative kernel (one workgroup, many
 * steps per dispatch: no per-step dispatch cost, but one multiprocessor — one CPU core on a software GPU)
 * against the general path (four dispatches per step, the batch spread over many workgroups and summed
 * in a fixed order by a second pass): measured seconds per step decide when the caller has them (a speed
 * probe per adapter and shape); without them, a batch threshold measured on SwiftShader decides. The
 * fused kernel's array layout (beyond 320 parameters, while a lane holds at most FUSED_ARRAYS_MAX_VALUES
 * values) competes only with a measured time of its own: it can be several times faster, but it compiles
 * for seconds to tens of seconds on a software GPU and its arrays live in local memory on a real one.
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
  fitsFusedArrays = false,
): KernelKind {
  if (fitsFused) return 'fused';
  const measured = (['cooperative', 'general', 'fused'] as const).filter(
    (k) => (k !== 'fused' || fitsFusedArrays) && (timings[k] ?? 0) > 0,
  );
  if (measured.includes('cooperative') && measured.includes('general')) {
    // The fastest measured; on a tie the earlier (cooperative, then general).
    return measured.reduce((best, k) => (timings[k]! < timings[best]! ? k : best));
  }
  return batch <= COOPERATIVE_MAX_BATCH || params <= COOPERATIVE_MAX_PARAMS ? 'cooperative' : 'general';
}
