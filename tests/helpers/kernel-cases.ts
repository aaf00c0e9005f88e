/**
 * What the kernel test files share: the pairwise shape factors, the data a shape trains on, how many steps
 * a case takes, and one run of a pinned kernel against the twin.
 */
import { expect } from 'vitest';
import { Engine } from '../../src/engine/engine';
import {
  buildSpec,
  defaultOptimizer,
  paramLayout,
  type NetworkSpec,
  type Optimizer,
  type OptimizerSpec,
} from '../../src/engine/spec';
import { TwinTrainer } from '../../src/engine/twin';
import type { EngineConfig, KernelKind } from '../../src/engine/types';
import { worstRatio } from './compare';
import { blobs, regression, rings } from './data';
import { gpuScope } from './gpu';
import type { CaseOf } from './pairwise';

/** Hidden width, depth (dense layers), batch, optimiser, loss and activation: every shape class. */
export const SHAPE_FACTORS = {
  width: [1, 3, 8, 32],
  depth: [1, 4, 12],
  batch: [1, 31, 32, 1000, 4096],
  optimizer: ['sgd', 'momentum', 'rmsprop', 'adam'],
  loss: ['mse', 'bce', 'ce'],
  activation: ['tanh', 'relu', 'leaky_relu', 'sigmoid', 'softplus', 'linear'],
} as const;
export type ShapeCase = CaseOf<typeof SHAPE_FACTORS>;

/** Learning rates that keep every optimiser finite over a case's few steps. */
export const RATE: Record<Optimizer, number> = { sgd: 0.05, momentum: 0.02, rmsprop: 0.003, adam: 0.003 };

/** 2-w-…-w-k: three softmax outputs for cross-entropy, else one (a regression at even widths with MSE). */
export function shapeSpec(c: ShapeCase): NetworkSpec {
  const out = c.loss === 'ce' ? 3 : 1;
  const sizes = [2, ...Array<number>(c.depth - 1).fill(c.width), out];
  return buildSpec(sizes, c.activation, c.loss, { regression: c.loss === 'mse' && c.width % 2 === 0 });
}

/** Blobs for cross-entropy, a regression set for a linear output, else the rings. */
export function dataFor(spec: NetworkSpec, count: number) {
  if (spec.loss === 'ce') return blobs(count, spec.layers.at(-1)!.units, 7);
  return spec.layers.at(-1)!.activation === 'linear' ? regression(count, 7) : rings(count, 7);
}

/** Steps per case: ~4 at 12 × 32 and batch 32, one at batch 4096, `least` to 12: the twin's work stays small. */
export function stepsFor(spec: NetworkSpec, batch: number, least = 1): number {
  return Math.max(least, Math.min(12, Math.floor(5e5 / (paramLayout(spec).count * batch))));
}

/**
 * Trains `steps` steps on the twin and on `kernel` (pinned, checked to be the one that ran), on
 * batch + 9 points (at least 40), and gives the worst ratio of their weights' difference to the tolerance
 * (≤ 1 passes), with the engine's final state.
 */
export async function againstTwin(
  device: GPUDevice,
  kernel: KernelKind,
  spec: NetworkSpec,
  optimizer: OptimizerSpec,
  batch: number,
  steps: number,
): Promise<{ ratio: number; params: Float32Array; moments: Float32Array }> {
  const data = dataFor(spec, Math.max(40, batch + 9));
  const config: EngineConfig = {
    spec,
    optimizer,
    train: { seed: 5, batchSize: batch, kernel, stepsPerDispatch: 5 },
  };
  const twin = new TwinTrainer(config);
  twin.setData(data, null);
  twin.train(steps);
  return gpuScope(device, async () => {
    const engine = await Engine.create(device, config);
    try {
      engine.setData(data, null);
      expect(engine.kernelInfo.kernel).toBe(kernel);
      engine.train(steps);
      const stats = await engine.stats();
      expect(stats.step).toBe(steps);
      expect(stats.divergedAtStep).toBeNull();
      const state = await engine.readState();
      return {
        ratio: worstRatio(state.params, twin.params, 1e-4, 1e-3),
        params: state.params,
        moments: state.moments,
      };
    } finally {
      engine.dispose();
    }
  });
}

/** An optimiser with every coefficient distinct and none at a default (0.9 / 0.999): a mix-up shows. */
export function unusual(kind: Optimizer, learningRate: number): OptimizerSpec {
  return {
    ...defaultOptimizer(kind, learningRate),
    momentum: 0.8,
    rho: 0.85,
    beta1: 0.7,
    beta2: 0.95,
    epsilon: 1e-6,
  };
}
