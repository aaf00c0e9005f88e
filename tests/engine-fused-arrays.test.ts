/**
 * The fused kernel's array layout, which it takes by itself beyond FUSED_MAX_PARAMS parameters: against the
 * twin on networks just over that budget (every optimiser off its default coefficients, every loss, batches
 * 1, 31, 32 and 1000, the contractive penalty, subgroup reduction; the workgroup reduction and divergence
 * run on a forced small network in the "every kernel" files), and `auto` taking it only from a measured
 * time. Time budget: ~40 s on SwiftShader (2 cores), mostly compiling one pipeline per case.
 */
import { describe, expect, it } from 'vitest';
import { FUSED_MAX_PARAMS } from '../src/engine/codegen';
import { Engine } from '../src/engine/engine';
import {
  buildSpec,
  defaultOptimizer,
  paramLayout,
  type NetworkSpec,
  type OptimizerSpec,
} from '../src/engine/spec';
import type { EngineConfig } from '../src/engine/types';
import { gpuScope, openTestGpu } from './helpers/gpu';
import { againstTwin, dataFor, stepsFor } from './helpers/kernel-cases';

const gpu = await openTestGpu();

interface Case {
  name: string;
  spec: NetworkSpec;
  optimizer: OptimizerSpec;
  batch: number;
}

const CASES: Case[] = [
  {
    name: '2-12-12-12-1 tanh, MSE, SGD, batch 31',
    spec: buildSpec([2, 12, 12, 12, 1], 'tanh', 'mse'),
    optimizer: defaultOptimizer('sgd', 0.05),
    batch: 31,
  },
  {
    name: '2-16-16-3 relu, cross-entropy, Adam β1 0.7 β2 0.95, batch 1000',
    spec: buildSpec([2, 16, 16, 3], 'relu', 'ce'),
    optimizer: { ...defaultOptimizer('adam', 0.003), beta1: 0.7, beta2: 0.95 },
    batch: 1000,
  },
  {
    name: '2-10-10-10-10-1 sigmoid, BCE, RMSprop ρ 0.85, batch 1',
    spec: buildSpec([2, 10, 10, 10, 10, 1], 'sigmoid', 'bce'),
    optimizer: { ...defaultOptimizer('rmsprop', 0.003), rho: 0.85 },
    batch: 1,
  },
  {
    name: '2-14-14-14-1 softplus, regression, momentum 0.8, contractive 0.37, batch 32',
    spec: buildSpec([2, 14, 14, 14, 1], 'softplus', 'mse', { regression: true }),
    optimizer: { ...defaultOptimizer('momentum', 0.02), momentum: 0.8, contractive: 0.37 },
    batch: 32,
  },
];

describe.skipIf(!gpu)('the fused kernel beyond its scalar budget = twin', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(paramLayout(c.spec).count).toBeGreaterThan(FUSED_MAX_PARAMS);
    const steps = stepsFor(c.spec, c.batch, 2);
    const { ratio, moments } = await againstTwin(gpu!.device, 'fused', c.spec, c.optimizer, c.batch, steps);
    expect(ratio).toBeLessThanOrEqual(1);
    // The moments come back from the arrays too (SGD has none).
    if (c.optimizer.kind !== 'sgd') expect(moments.some((m) => m !== 0)).toBe(true);
  });

  it('auto takes it only when a measured time says it is the fastest', async () => {
    const c = CASES[0];
    const data = dataFor(c.spec, 64);
    const config: EngineConfig = {
      spec: c.spec,
      optimizer: c.optimizer,
      train: { seed: 5, batchSize: c.batch, kernel: 'auto' },
    };
    await gpuScope(gpu!.device, async () => {
      const engine = await Engine.create(gpu!.device, config);
      try {
        engine.setData(data, null);
        expect(engine.kernelInfo.kernel).toBe('layered');
        engine.setKernelTimings({ cooperative: 2e-3, general: 3e-3, fused: 1e-3 });
        expect(engine.kernelInfo.kernel).toBe('fused');
        engine.train(3);
        expect((await engine.progress()).step).toBe(3);
        engine.setKernelTimings({ cooperative: 2e-3, general: 3e-3, fused: 4e-3 });
        expect(engine.kernelInfo.kernel).toBe('cooperative');
      } finally {
        engine.dispose();
      }
    });
  });
});
