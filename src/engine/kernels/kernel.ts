/**
 * What a training kernel is to the engine: whether it takes a run, why not where it is pinned and cannot,
 * its WGSL, and, per engine, the pipelines it prepares and the dispatches it encodes. Every kernel is one
 * module of this folder, listed once in registry.ts; the kernel choice, the speed probe, `npm run wgsl` and
 * the kernel tests read that list.
 */
import type { NetworkSpec, OptimizerSpec } from '../spec';
import type { KernelKind } from '../types';
import type { BindLayouts } from './bindLayouts';

/**
 * Which kernels take this network, optimiser and batch (the looped cooperative and general always do); a
 * registered kernel reads its own entry (Kernel.competes).
 */
export interface KernelFits {
  /** The fused kernel's scalar layout. */
  fused: boolean;
  /** The fused kernel's array layout. */
  fusedArrays?: boolean;
  /** The layered kernel (every shape, but no contractive penalty). */
  layered?: boolean;
  /** The chunked kernel (no contractive penalty; its lanes' gradients in workgroup memory). */
  chunked?: boolean;
  /**
   * Whether the adapter emulates a GPU on the CPU. Without timings the layered kernel runs only there: its
   * four lanes are SwiftShader's SIMD width, where it was measured; a real GPU takes it from a measurement.
   */
  software?: boolean;
  /** Any other registered kernel, by its name. */
  [kind: string]: boolean | undefined;
}

/** The run a kernel is asked to take: the network, the optimiser, the batch and the device. */
export interface KernelRun {
  spec: NetworkSpec;
  optimizer: OptimizerSpec;
  batch: number;
  /** The device's workgroup memory in bytes (maxComputeWorkgroupStorageSize). */
  workgroupStorage: number;
  /** Whether the adapter emulates a GPU on the CPU. */
  software: boolean;
}

/** How a kernel's WGSL is generated (the engine's options, or `npm run wgsl`'s flags). */
export interface KernelWgslOptions {
  optimizer: OptimizerSpec['kind'];
  /** Whether the kernel carries the contractive penalty. */
  contractive: boolean;
  /** The fused kernel's subgroup size (null: it reduces through workgroup memory). */
  subgroupSize: number | null;
  /** The fused kernel's layout: arrays (true), scalars (false), or by size (unset). */
  arrays?: boolean;
  /** The device's workgroup memory in bytes (the cooperative kernel stages what fits). */
  workgroupStorage: number;
}

/** The general step's entry points; the chunked kernel ends each step with `advance`. */
export type GeneralPipelines = Record<
  'forward_backward' | 'gradient' | 'update' | 'advance',
  GPUComputePipeline
> &
  Partial<Record<'knn_forward' | 'knn_sums' | 'knn_delta' | 'knn_backward', GPUComputePipeline>>;

/** The looped kernels' shared working set as the kernels read it (made and owned by SharedScratch). */
export interface SharedWorkspace {
  /** The bind group over the scratch, the partial sums and the engine's buffers. */
  readonly group: GPUBindGroup;
  /** Chunks of the batch the partial sums hold. */
  readonly chunks: number;
  /** The general step's pipelines for the run's penalty. */
  pipelines(host: { readonly contractive: boolean }): GeneralPipelines;
}

/** What a kernel reads from the engine it trains: the network, its buffers and the current run. */
export interface KernelHost {
  readonly device: GPUDevice;
  readonly spec: NetworkSpec;
  readonly paramCount: number;
  readonly optimizer: OptimizerSpec;
  /** Whether the run carries the contractive penalty. */
  readonly contractive: boolean;
  /** The key of the training pipeline for the current optimiser and penalty (e.g. `adam+contractive`). */
  readonly pipelineKey: string;
  readonly batchSize: number;
  readonly subgroupSize: number | null;
  readonly fusedArrays: boolean | undefined;
  /** Samples of the batch one chunk holds (the general path's gradient pass, or one chunked workgroup). */
  readonly chunkSize: number;
  readonly buffers: {
    readonly net: GPUBuffer;
    readonly trainUniform: GPUBuffer;
    readonly param: GPUBuffer;
    readonly moment: GPUBuffer;
    readonly state: GPUBuffer;
    readonly bias: GPUBuffer;
  };
  /** The training set on the GPU, or null before setData. */
  readonly trainData: { x: GPUBuffer; y: GPUBuffer } | null;
  readonly layouts: BindLayouts;
  /** The general path's scratch, partial sums, bind group and pipelines (sharedScratch.ts). */
  readonly shared: SharedWorkspace;
}

/** A kernel prepared on one engine for its current run. */
export interface PreparedKernel {
  /** Encodes `steps` training steps, `perDispatch` steps to a dispatch where the kernel loops. */
  encode(pass: GPUComputePassEncoder, steps: number, perDispatch: number): void;
}

/** One kernel's state on one engine (its pipelines, by optimiser and penalty). */
export interface KernelInstance {
  /** Compiles what the current run needs (once per key) and binds the data where it is set. */
  prepare(host: KernelHost): PreparedKernel;
}

export interface Kernel {
  readonly kind: KernelKind;
  /** Whether the kernel takes this run (and so may run under `auto`). */
  fits(run: KernelRun): boolean;
  /** Why the kernel cannot run this pinned, or null where it can. */
  refusal(run: KernelRun): string | null;
  /** Whether `auto` may take it from a measured time, given what fits (kernelChoice.ts). */
  competes(fits: KernelFits): boolean;
  /** Whether one workgroup runs the whole step (it then competes with the general path on time). */
  readonly oneWorkgroup: boolean;
  /** Its place when measured times tie: the lowest wins. */
  readonly tieRank: number;
  /**
   * Whether the speed probe times it: `always`, or `hardware` (by default only on a hardware adapter, and
   * where the probe's option of the kernel's name says so).
   */
  readonly probe: 'always' | 'hardware';
  /** Whether it trains in the general path's scratch (its bind group, partial sums, `advance`). */
  readonly sharedScratch: boolean;
  /** Samples of a chunk where the kernel sets it (the general path's otherwise). */
  chunkSize?(batch: number, software: boolean): number;
  /** The WGSL the engine compiles for it (one module; several entry points where it has them). */
  wgsl(spec: NetworkSpec, options: KernelWgslOptions): string;
  /** Its state on a new engine. */
  create(): KernelInstance;
}
