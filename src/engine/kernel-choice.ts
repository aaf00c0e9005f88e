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
 * COOPERATIVE_MAX_PARAMS parameters; the general path beyond. Measured on SwiftShader (2 cores): at batch 32
 * the cooperative kernel was 1.2–2.2× the general one for 2-8×11-1, 2-32×3-1 and 2-32×11-1; at 256 and
 * 4096 they were within 1.3× of each other for 2-32×3-1 and the general one led for 2-32×11-1 (1.2–1.6×),
 * while for 2-8×11-1 (753 parameters) the cooperative one still led.
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
