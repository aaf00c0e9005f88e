/**
 * The engine's training kernel: which registered kernel runs (the one pinned, or the one `auto` takes
 * for the run and the measured timings), and that kernel prepared on this engine, with the per-engine
 * state the kernels share: their bind group layouts, the general path's scratch (sharedScratch.ts) and
 * each kernel's pipelines, made when it is first chosen.
 */
import { chooseKernel } from './kernelChoice';
import { BindLayouts } from './kernels/bindLayouts';
import { fusedScalarFits } from './kernels/fused';
import type { KernelHost, KernelInstance, KernelRun, PreparedKernel } from './kernels/kernel';
import { KERNEL_REGISTRY, kernelNamed } from './kernels/registry';
import { SharedScratch } from './kernels/sharedScratch';
import type { KernelKind, KernelTimings } from './types';

/** Throws, before anything changes, where a pinned kernel cannot take the run. */
export function checkPinned(wanted: 'auto' | KernelKind, run: KernelRun): void {
  if (wanted === 'auto') return;
  const refusal = kernelNamed(wanted).refusal(run);
  if (refusal) throw new Error(refusal);
}

/** The kernel asked for, or for `auto` the one chooseKernel takes for the run, parameters and timings. */
export function selectedKernel(
  wanted: 'auto' | KernelKind,
  run: KernelRun,
  params: number,
  timings: KernelTimings,
): KernelKind {
  if (wanted !== 'auto') return wanted;
  const fits = Object.fromEntries(KERNEL_REGISTRY.map((k) => [k.kind, k.fits(run)]));
  return chooseKernel(
    { ...fits, fused: fusedScalarFits(run), fusedArrays: fits.fused, software: run.software },
    run.batch,
    params,
    timings,
  );
}

/** Samples a chunk of the batch holds: the general path's gradient pass, or one chunked workgroup. */
export function chunkSizeOf(kind: KernelKind, batch: number, software: boolean): number {
  const own = kernelNamed(kind).chunkSize;
  return own ? own(batch, software) : Math.max(256, Math.ceil(batch / 1024));
}

export class KernelSelection {
  readonly layouts: BindLayouts;
  /** The general path's scratch, partial sums, bind group and pipelines, which the looped kernels share. */
  readonly shared = new SharedScratch();
  private readonly instances = new Map<KernelKind, KernelInstance>();
  /** The chosen kernel, prepared for the current run (null only while an engine is being made). */
  private prepared: PreparedKernel | null = null;

  constructor(device: GPUDevice) {
    this.layouts = new BindLayouts(device);
  }

  /** Prepares `kind` for the host's current run: the shared scratch where it trains in it, then its own. */
  prepare(kind: KernelKind, host: KernelHost): void {
    const kernel = kernelNamed(kind);
    this.prepared = null;
    if (kernel.sharedScratch) this.shared.prepare(host);
    let instance = this.instances.get(kind);
    if (!instance) {
      instance = kernel.create();
      this.instances.set(kind, instance);
    }
    this.prepared = instance.prepare(host);
  }

  /** Encodes `steps` training steps of the prepared kernel. */
  encode(pass: GPUComputePassEncoder, steps: number, perDispatch: number): void {
    this.prepared!.encode(pass, steps, perDispatch);
  }
}
