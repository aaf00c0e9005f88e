/**
 * Measures, on this adapter, which of the registered kernels (kernels/registry.ts) trains a network fastest
 * at its batch: the cooperative, layered and general kernels always, and on a hardware adapter the chunked
 * kernel and the fused kernel's array layout where they take the network; so `auto` can choose from
 * measurement where the fused kernel's scalar layout does not fit (kernelChoice.ts).
 * The probe trains a few steps with each kernel and then puts back the weights, optimiser moments and
 * position it found: the run goes on exactly as if it had never been probed. Results are kept per
 * adapter, shape, optimiser and batch in a cache the caller owns (the app keeps one per page).
 */
import { deviceAdapterInfo, isSoftwareAdapter } from './device';
import type { Engine } from './engine';
import { KERNEL_REGISTRY } from './kernels/registry';
import { widths } from './spec';
import type { KernelKind, KernelTimings } from './types';

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

/**
 * The cache key of an engine's current shape, optimiser and batch on one adapter, with the kernels timed
 * only on request (`fused`, `chunked`: the names of those the probe times, or the two flags).
 */
export function probeKey(
  engine: Engine,
  adapter = '',
  fused: boolean | readonly KernelKind[] = false,
  chunked = false,
): string {
  // The contractive penalty changes what each kernel computes (and which take the run): a key of its own.
  const penalty = engine.contractive ? '|contractive' : '';
  const shape = `${widths(engine.spec).join('-')}|${engine.optimizerKind}${penalty}|${engine.batchSize}`;
  const optional =
    typeof fused === 'boolean' ? [...(fused ? ['fused'] : []), ...(chunked ? ['chunked'] : [])] : fused;
  return `${adapter}|${shape}${optional.map((k) => `|${k}`).join('')}`;
}

/**
 * The kernels a probe times on `engine`, in registry order: every kernel probed `always` that takes the
 * run, and each probed on `hardware` that takes it where its option (by the kernel's name) or, unset, a
 * hardware adapter says so.
 */
export function probedKernels(engine: Engine, options: ProbeOptions = {}): KernelKind[] {
  const hardware = !isSoftwareAdapter(deviceAdapterInfo(engine.device));
  const asked = options as Partial<Record<KernelKind, boolean>>;
  return KERNEL_REGISTRY.filter(
    (k) => engine.fits(k.kind) && (k.probe === 'always' || (asked[k.kind] ?? hardware)),
  ).map((k) => k.kind);
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
  const probed = probedKernels(engine, options);
  const optional = probed.filter((k) => KERNEL_REGISTRY.find((r) => r.kind === k)?.probe === 'hardware');
  const key = probeKey(engine, options.adapter, optional);
  const cached = options.cache?.get(key);
  if (cached) {
    engine.setKernelTimings(cached);
    return cached;
  }
  const steps = Math.max(1, Math.round(options.steps ?? 64));
  const now = options.now ?? (() => performance.now() / 1000);
  const saved = await engine.readState();
  const timings: KernelTimings = {};
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
