/**
 * Measures, on this adapter, which of the cooperative, layered and general kernels (and the fused kernel's
 * array layout, where it takes the network) trains a network fastest at its batch, so `auto` can choose from
 * measurement where the fused kernel's scalar layout does not fit (kernel-choice.ts).
 * The probe trains a few steps with each kernel and then puts back the weights, optimiser moments and
 * position it found: the run goes on exactly as if it had never been probed. Results are kept per
 * adapter, shape, optimiser and batch in a cache the caller owns (the app keeps one per page).
 */
import { deviceAdapterInfo, isSoftwareAdapter } from './device';
import type { Engine } from './engine';
import { widths } from './spec';
import type { KernelKind, KernelTimings } from './types';

/** The kernels a probe always compares (the fused kernel's scalar layout wins wherever it fits). */
const PROBED: readonly KernelKind[] = ['cooperative', 'general'];

export interface ProbeOptions {
  /** Steps timed per kernel, after one untimed warm-up dispatch (pipelines compiled, caches warm). */
  steps?: number;
  /** Where the measured timings are kept; a hit skips the probe. */
  cache?: Map<string, KernelTimings>;
  /** The adapter's name, part of the cache key. */
  adapter?: string;
  /**
   * Whether to time the fused kernel's array layout too, where it takes the network. By default only on
   * a hardware adapter: on a software one compiling it takes 4–30 s (SwiftShader, 2 cores), more than a
   * probe may cost; `--kernel fused` or `setKernelTimings` still run it there.
   */
  fused?: boolean;
  /**
   * Whether to time the chunked kernel too, where it takes the network. By default only on a hardware
   * adapter: on SwiftShader it led the layered kernel once in nine cases (0.4–1.1×) and compiles for seconds.
   */
  chunked?: boolean;
  /** Seconds now (performance.now() / 1000 by default); tests may inject a clock. */
  now?: () => number;
}

/** The cache key of an engine's current shape, optimiser and batch on one adapter. */
export function probeKey(engine: Engine, adapter = '', fused = false, chunked = false): string {
  const shape = `${widths(engine.spec).join('-')}|${engine.optimizerKind}|${engine.batchSize}`;
  return `${adapter}|${shape}${fused ? '|fused' : ''}${chunked ? '|chunked' : ''}`;
}

/** Whether a probe can change what `auto` runs: only where the fused kernel does not take the network. */
export function worthProbing(engine: Engine): boolean {
  return engine.kernelChoice === 'auto' && engine.kernelInfo.kernel !== 'fused';
}

/**
 * Times each probed kernel on `engine` (its data must be set) and hands the timings to it, so `auto`
 * takes the faster from now on. Returns the timings (seconds per step), or null where no probe is needed.
 */
export async function probeKernels(
  engine: Engine,
  options: ProbeOptions = {},
): Promise<KernelTimings | null> {
  if (!worthProbing(engine)) return null;
  const hardware = !isSoftwareAdapter(deviceAdapterInfo(engine.device));
  const fused = (options.fused ?? hardware) && engine.fusedFits;
  const chunked = (options.chunked ?? hardware) && engine.chunkedFits;
  const key = probeKey(engine, options.adapter, fused, chunked);
  const cached = options.cache?.get(key);
  if (cached) {
    engine.setKernelTimings(cached);
    return cached;
  }
  const steps = Math.max(1, Math.round(options.steps ?? 64));
  const now = options.now ?? (() => performance.now() / 1000);
  const saved = await engine.readState();
  const timings: KernelTimings = {};
  const probed: KernelKind[] = [
    ...PROBED,
    ...(engine.layeredFits ? ['layered' as const] : []),
    ...(chunked ? ['chunked' as const] : []),
    ...(fused ? ['fused' as const] : []),
  ];
  try {
    for (const kernel of probed) {
      engine.setKernel(kernel);
      engine.train(1);
      await engine.progress();
      const start = now();
      engine.train(steps);
      await engine.progress();
      timings[kernel] = (now() - start) / steps;
      engine.restore(saved);
    }
  } finally {
    engine.restore(saved);
    engine.setKernel('auto');
  }
  options.cache?.set(key, timings);
  engine.setKernelTimings(timings);
  return timings;
}
