/**
 * What every training kernel must get exactly right beyond agreeing with the twin on ordinary runs:
 *  - divergence keeps the weights (and optimiser moments) of the last step whose loss was finite, wherever
 *    the bad batch falls (first step of a dispatch or inside one), bitwise those of a clean run that stops
 *    one step before it, and the same step and weights as the twin;
 *  - Adam's first steps match a float64 reference to float32 precision (the bias corrections and 1 − β
 *    come from the host in float64), with non-default β1/β2.
 * Time budget: ~40 s on SwiftShader (2 cores).
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/types';
import { Engine } from '../src/engine/engine';
import { buildSpec, defaultOptimizer, type OptimizerSpec } from '../src/engine/spec';
import { TwinTrainer, batchIndices } from '../src/engine/twin';
import type { EngineConfig } from '../src/engine/types';
import { regression, rings } from './helpers/data';
import { KERNEL_CHOICES, gpuScope, kernelOf, openTestGpu, pinKernel } from './helpers/gpu';
import { worstRatio } from './helpers/compare';

const gpu = await openTestGpu();

async function withEngine<T>(
  config: EngineConfig,
  train: Dataset,
  body: (e: Engine) => Promise<T>,
): Promise<T> {
  return gpuScope(gpu!.device, async () => {
    const engine = await Engine.create(gpu!.device, config);
    try {
      engine.setData(train, null);
      return await body(engine);
    } finally {
      engine.dispose();
    }
  });
}

function bits(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

describe.skipIf(!gpu)('divergence keeps the last finite weights', () => {
  const spec = buildSpec([2, 6, 1], 'tanh', 'mse', { regression: true });
  const clean = regression(96, 5);
  const batch = 8;
  const seed = 3;
  /** The data with one label made infinite: the loss of the first batch holding it overflows. */
  const planted = (index: number): Dataset => {
    const y = Float32Array.from(clean.y);
    y[index] = Infinity;
    return { ...clean, y };
  };
  /** The first step whose batch holds sample `index`. */
  const stepOf = (index: number): number => {
    for (let step = 0; ; step++) if (batchIndices(step, 96, batch, seed).includes(index)) return step;
  };
  // A sample met late in the first epoch; then a dispatch boundary at that very step, and one inside.
  const sample = [...Array(96).keys()].find((i) => stepOf(i) >= 9)!;
  const at = stepOf(sample);
  const optimizer: OptimizerSpec = { ...defaultOptimizer('adam', 0.05), beta1: 0.7, beta2: 0.95 };

  it.each(
    KERNEL_CHOICES.flatMap(
      (k) =>
        [
          [k, at],
          [k, 4],
        ] as const,
    ),
  )('%s, %i steps per dispatch', async (choice, perDispatch) => {
    const config: EngineConfig = {
      spec,
      optimizer,
      train: { seed, batchSize: batch, stepsPerDispatch: perDispatch, ...pinKernel(choice) },
    };
    const twin = new TwinTrainer(config);
    twin.setData(planted(sample), null);
    twin.train(40);
    expect(twin.divergedAtStep).toBe(at);
    expect(twin.step).toBe(at - 1);
    const kept = await withEngine(config, planted(sample), async (engine) => {
      expect(engine.kernelInfo.kernel).toBe(kernelOf(choice));
      engine.train(40);
      const stats = await engine.stats();
      expect(stats.divergedAtStep).toBe(at);
      expect(stats.step).toBe(at - 1);
      expect(Number.isFinite(stats.train.loss)).toBe(false); // the planted label is in the set
      expect(Number.isFinite(stats.lastBatchLoss)).toBe(true);
      // The position alone (no evaluation) says the same.
      expect(await engine.progress()).toEqual({
        step: at - 1,
        divergedAtStep: at,
        lastBatchLoss: stats.lastBatchLoss,
      });
      return engine.readState();
    });
    expect(worstRatio(kept.params, twin.params, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
    // Bitwise the weights and moments of a clean run stopped one step before the bad batch.
    const before = await withEngine(config, clean, async (engine) => {
      engine.train(at - 1);
      return engine.readState();
    });
    expect(bits(kept.params)).toBe(bits(before.params));
    expect(bits(kept.moments)).toBe(bits(before.moments));
  });

  it.each(KERNEL_CHOICES)('%s: a bad first batch keeps the initial weights', async (choice) => {
    const first = batchIndices(0, 96, batch, seed)[0];
    const config: EngineConfig = {
      spec,
      optimizer,
      train: { seed, batchSize: batch, ...pinKernel(choice) },
    };
    const twin = new TwinTrainer(config);
    twin.setData(planted(first), null);
    twin.train(5);
    await withEngine(config, planted(first), async (engine) => {
      engine.train(5);
      const stats = await engine.stats();
      expect(stats.divergedAtStep).toBe(0);
      expect(stats.step).toBe(0);
      expect(bits(await engine.readParams())).toBe(bits(twin.params));
    });
  });
});

describe.skipIf(!gpu)("Adam's first steps match float64", () => {
  // Non-default betas whose float32 complements are far off: fround(1 − 0.9995) vs 1 − fround(0.9995).
  const optimizer: OptimizerSpec = {
    ...defaultOptimizer('adam', 0.25),
    beta1: 0.85,
    beta2: 0.9995,
    epsilon: 1e-8,
  };
  const spec = buildSpec([2, 4, 1], 'tanh', 'mse');
  const data = rings(64, 9);

  it.each(KERNEL_CHOICES)('%s: steps 1 to 4, the displacement from the start within 2e-6', async (choice) => {
    const config: EngineConfig = { spec, optimizer, train: { seed: 2, batchSize: 64, ...pinKernel(choice) } };
    const twin = new TwinTrainer(config);
    twin.setData(data, null);
    const start = Float64Array.from(twin.params);
    await withEngine(config, data, async (engine) => {
      expect(engine.kernelInfo.kernel).toBe(kernelOf(choice));
      let worst = 0;
      for (let t = 1; t <= 4; t++) {
        engine.train(1);
        twin.train(1);
        const got = await engine.readParams();
        // Compare the displacement W_t − W_0: Adam moves each weight by about lr per step.
        const dGot = got.map((w, i) => w - start[i]);
        const dWant = twin.params.map((w, i) => w - start[i]);
        worst = Math.max(worst, worstRatio(dGot, dWant, 4e-7, 2e-6));
      }
      expect(worst).toBeLessThanOrEqual(1);
    });
  });
});
