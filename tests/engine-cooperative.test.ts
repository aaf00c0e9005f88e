/**
 * The cooperative kernel against the twin over a pairwise covering set of shapes: hidden width 1/3/8/32,
 * depth (dense layers) 1/4/12, batch 1/31/32/1000/4096, every optimiser, loss and activation, so that every
 * pair of values meets in some case. Each case pins the kernel and checks that it ran, with its parameters
 * staged in workgroup memory (small networks) or read from storage (12 × 32 is over the 32 KiB limit).
 * Steps scale down with parameters × batch, so the twin's float64 work stays small.
 * Time budget: ~120 s on SwiftShader (2 cores), mostly compiling one pipeline per case.
 */
import { describe, expect, it } from 'vitest';
import { cooperativeStages } from '../src/engine/codegen-cooperative';
import { COOPERATIVE_LANES, Engine } from '../src/engine/engine';
import {
  buildSpec,
  defaultOptimizer,
  paramLayout,
  type NetworkSpec,
  type Optimizer,
} from '../src/engine/spec';
import { TwinTrainer } from '../src/engine/twin';
import type { EngineConfig } from '../src/engine/types';
import { blobs, regression, rings } from './helpers/data';
import { gpuScope, openTestGpu } from './helpers/gpu';
import { worstRatio } from './helpers/compare';
import { type CaseOf, missingPair, pairwise } from './helpers/pairwise';

const gpu = await openTestGpu();

const FACTORS = {
  width: [1, 3, 8, 32],
  depth: [1, 4, 12],
  batch: [1, 31, 32, 1000, 4096],
  optimizer: ['sgd', 'momentum', 'rmsprop', 'adam'],
  loss: ['mse', 'bce', 'ce'],
  activation: ['tanh', 'relu', 'leaky_relu', 'sigmoid', 'softplus', 'linear'],
} as const;
type Case = CaseOf<typeof FACTORS>;

/** Two more with the parameters in storage (12 × 32 is over the workgroup-memory limit). */
const CASES: Case[] = [
  ...pairwise(FACTORS),
  { width: 32, depth: 12, batch: 1000, optimizer: 'momentum', loss: 'ce', activation: 'relu' },
  { width: 32, depth: 12, batch: 1, optimizer: 'rmsprop', loss: 'bce', activation: 'sigmoid' },
];

function specOf(c: Case): NetworkSpec {
  const out = c.loss === 'ce' ? 3 : 1;
  const sizes = [2, ...Array<number>(c.depth - 1).fill(c.width), out];
  return buildSpec(sizes, c.activation, c.loss, { regression: c.loss === 'mse' && c.width % 2 === 0 });
}

const RATE: Record<Optimizer, number> = { sgd: 0.05, momentum: 0.02, rmsprop: 0.003, adam: 0.003 };

describe.skipIf(!gpu)('cooperative kernel = twin, pairwise shapes', () => {
  it(`the cases hold every pair of factor values (${CASES.length} cases)`, () => {
    expect(CASES.length).toBeLessThan(40);
    expect(missingPair(FACTORS, CASES)).toBeNull();
  });

  it.each(CASES.map((c) => [JSON.stringify(c), c] as const))('%s', async (_name, c) => {
    const spec = specOf(c);
    const P = paramLayout(spec).count;
    // Parameter-sample products per case: ~4 steps at 12 × 32 and batch 32, one at batch 4096.
    const steps = Math.max(1, Math.min(12, Math.floor(5e5 / (P * c.batch))));
    const count = Math.max(40, c.batch + 9);
    const data =
      c.loss === 'ce'
        ? blobs(count, 3, 7)
        : spec.layers.at(-1)!.activation === 'linear'
          ? regression(count, 7)
          : rings(count, 7);
    const config: EngineConfig = {
      spec,
      optimizer: defaultOptimizer(c.optimizer, RATE[c.optimizer]),
      train: { seed: 5, batchSize: c.batch, kernel: 'cooperative', stepsPerDispatch: 5 },
    };
    const twin = new TwinTrainer(config);
    twin.setData(data, null);
    twin.train(steps);
    await gpuScope(gpu!.device, async () => {
      const engine = await Engine.create(gpu!.device, config);
      try {
        engine.setData(data, null);
        expect(engine.kernelInfo.kernel).toBe('cooperative');
        engine.train(steps);
        const params = await engine.readParams();
        expect(worstRatio(params, twin.params, 1e-4, 1e-3)).toBeLessThanOrEqual(1);
        const stats = await engine.stats();
        expect(stats.step).toBe(steps);
        expect(stats.divergedAtStep).toBeNull();
      } finally {
        engine.dispose();
      }
    });
  });

  it('small networks stage their parameters in workgroup memory; 12 × 32 reads them from storage', () => {
    const limit = gpu!.device.limits.maxComputeWorkgroupStorageSize;
    expect(cooperativeStages(buildSpec([2, 32, 32, 1], 'tanh', 'mse'), COOPERATIVE_LANES, limit)).toBe(true);
    const deep = buildSpec([2, ...Array<number>(11).fill(32), 1], 'tanh', 'mse');
    expect(cooperativeStages(deep, COOPERATIVE_LANES, limit)).toBe(false);
  });
});
