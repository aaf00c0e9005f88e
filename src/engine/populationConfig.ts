/**
 * What a population is asked to train: the shared network and optimiser, the batch, and each member's
 * seed, learning rate and width of one hidden layer; and the checks that refuse a population that does
 * not fit before anything is allocated.
 */
import { FUSED_MAX_PARAMS } from './codegen';
import { FUSED_MAX_BATCH } from './kernels/fused';
import { LIMITS } from './limits';
import type { NetworkSpec } from './spec';
import { denseOnly, knnRefusal } from './kernels/denseOnly';
import { SpecError, checkOptimizer, checkSpec, paramLayout } from './spec';
import type { OptimizerSpec } from './spec';
import type { SetStats } from './types';

export interface PopulationMember {
  /** Initial weights and batch order, as `Engine` / `npm run train --seed` use it. */
  seed: number;
  /** This member's learning rate; the optimiser's by default. */
  learningRate?: number;
  /** Units of hidden layer `PopulationConfig.layer`; the spec's by default. */
  width?: number;
}

export interface PopulationConfig {
  spec: NetworkSpec;
  /** Shared coefficients (and the default learning rate). */
  optimizer: OptimizerSpec;
  batchSize: number;
  members: readonly PopulationMember[];
  /** The hidden layer whose width members may vary: 1 is the first hidden layer (default 1). */
  layer?: number;
  /** Training steps per dispatch (default 256). */
  stepsPerDispatch?: number;
  /** Use subgroup operations where the device has them (default true). */
  subgroups?: boolean;
  /** Subgroup size to generate the kernel for, when the device does not report a fixed one. */
  subgroupSize?: number | null;
}

export interface MemberStats {
  step: number;
  epoch: number;
  train: SetStats;
  test: SetStats | null;
  /** The step whose loss was first NaN or infinite, or null. The member stopped there. */
  divergedAtStep: number | null;
  /** Mean loss of the member's last training batch. */
  lastBatchLoss: number;
}

/** The spec of a member: `spec` with hidden layer `layer` (1-based) `width` units wide. */
export function memberSpec(spec: NetworkSpec, layer: number, width: number | undefined): NetworkSpec {
  if (width === undefined || width === spec.layers[layer - 1].units) return spec;
  const layers = spec.layers.map((l, i) => (i === layer - 1 ? { ...l, units: width } : l));
  const out = { ...spec, layers };
  checkSpec(out);
  return out;
}

export function checkConfig(config: PopulationConfig, layer: number): void {
  checkSpec(config.spec);
  checkOptimizer(config.optimizer);
  const dense = denseOnly('population', config.spec) ?? knnRefusal(config.spec);
  if (dense) throw new SpecError(dense);
  const hidden = config.spec.layers.length - 1;
  const { batchSize, members } = config;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > FUSED_MAX_BATCH) {
    throw new SpecError(
      `population batch size must be an integer from 1 to ${FUSED_MAX_BATCH}; got ${batchSize}`,
    );
  }
  if (members.length < 1) throw new SpecError('a population needs at least one member');
  const varies = members.some((m) => m.width !== undefined);
  if (varies && (!Number.isInteger(layer) || layer < 1 || layer > hidden)) {
    throw new SpecError(
      hidden === 0
        ? 'this network has no hidden layer whose width could vary'
        : `layer must be a hidden layer from 1 to ${hidden}; got ${layer}`,
    );
  }
  members.forEach((m, i) => {
    if (!Number.isInteger(m.seed) || m.seed < 0 || m.seed > 0xffffffff) {
      throw new SpecError(`member ${i}: seed must be a whole number from 0 to 4294967295; got ${m.seed}`);
    }
    const lr = m.learningRate;
    if (lr !== undefined && !(lr > 0 && Number.isFinite(lr))) {
      throw new SpecError(`member ${i}: learning rate must be a positive number; got ${lr}`);
    }
    if (m.width !== undefined && (!Number.isInteger(m.width) || m.width < 1 || m.width > LIMITS.maxWidth)) {
      throw new SpecError(`member ${i}: width must be 1 to ${LIMITS.maxWidth}; got ${m.width}`);
    }
    const P = paramLayout(memberSpec(config.spec, layer, m.width)).count;
    if (P > FUSED_MAX_PARAMS) {
      throw new SpecError(
        `member ${i}: populations train networks of at most ${FUSED_MAX_PARAMS} parameters; this one has ${P}`,
      );
    }
  });
}
