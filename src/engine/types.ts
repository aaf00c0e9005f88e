import type { NetworkSpec, OptimizerSpec } from './spec';

/**
 * The names of the training kernels (each one module of kernels/, listed once in kernels/registry.ts): `fused` (straight-line code per shape, every lane a copy of the network; small
 * networks), `cooperative` (one looped kernel for every shape, the lanes sharing each phase of a step, many
 * steps per dispatch), `layered` (one workgroup as well, each lane its own samples, one straight-line
 * body per run of identical layers; no contractive penalty), `chunked` (the layered bodies over the batch
 * in chunks, one workgroup each, then the general path's update: three dispatches per step; no contractive
 * penalty) and `general` (four dispatches per step over many workgroups).
 */
export type KernelKind = 'fused' | 'cooperative' | 'layered' | 'chunked' | 'general';

/** Seconds per training step of each kernel, measured on one adapter for one shape and batch. */
export type KernelTimings = Partial<Record<KernelKind, number>>;

export interface TrainOptions {
  seed: number;
  batchSize: number;
  /** Which training kernel to use; 'auto' takes the fastest that fits the shape and batch. */
  kernel?: 'auto' | KernelKind;
  /**
   * Measured seconds per step of the kernels a speed probe timed (kernelProbe.ts) on this adapter, shape
   * and batch; `auto` then takes the fastest where the fused kernel's scalar layout does not fit (see
   * chooseKernel).
   */
  timings?: KernelTimings;
  /**
   * The fused kernel's layout: parameters, moments and gradients in private arrays (true) or named
   * scalars (false); by default scalars up to FUSED_MAX_PARAMS parameters and arrays beyond.
   */
  fusedArrays?: boolean;
  /** Training steps run inside one fused or cooperative dispatch. */
  stepsPerDispatch?: number;
  /** Use subgroup operations where the device has them (default true). */
  subgroups?: boolean;
  /** Subgroup size to generate the fused kernel for, when the device does not report a fixed one. */
  subgroupSize?: number | null;
}

export interface SetStats {
  loss: number;
  /** Fraction classified correctly; null for regression. */
  accuracy: number | null;
  count: number;
}

export interface Stats {
  step: number;
  epoch: number;
  train: SetStats;
  test: SetStats | null;
  /** The step whose loss was first NaN or infinite, or null. Training stops there. */
  divergedAtStep: number | null;
  /** Mean loss of the last training batch. */
  lastBatchLoss?: number;
}

/**
 * Where every representation of the grid lives in the engine's layer buffer.
 * Representation 0 is the input; then for each layer l: its pre-activation z_l = W_l a_{l-1} + b_l,
 * then its activation a_l. Representation r holds `capacity * width[r]` floats starting at
 * `offset[r]` (in floats): value of unit u at vertex v is at offset[r] + v * width[r] + u.
 */
export interface LayerBufferLayout {
  capacity: number;
  width: number[];
  offset: number[];
  totalFloats: number;
}

export interface EngineConfig {
  spec: NetworkSpec;
  optimizer: OptimizerSpec;
  train: TrainOptions;
}
