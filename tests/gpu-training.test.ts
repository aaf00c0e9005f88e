/**
 * Training on the GPU over many steps, against the twin and against itself: 200 steps of each optimiser
 * on each training kernel agree with the twin within 1e-4 + 1e-3·|ref|; the kernel choice; determinism;
 * whole-set batches; divergence; the step counter; snapshots; many dispatches per train() call.
 * Every test runs inside GPU error scopes and checks that the engine destroys every buffer it made.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/types';
import { fusedTrainingMaxParams } from '../src/engine/codegen';
import { Engine } from '../src/engine/engine';
import { FUSED_MAX_BATCH } from '../src/engine/kernels/fused';
import {
  buildSpec,
  defaultOptimizer,
  type NetworkSpec,
  type Optimizer,
  type OptimizerSpec,
} from '../src/engine/spec';
import { TwinTrainer, evaluate, initParams } from '../src/engine/twin';
import type { EngineConfig, TrainOptions } from '../src/engine/types';
import { regression, rings } from './helpers/data';
import { KERNEL_CHOICES, type KernelChoice, gpuScope, kernelOf, openTestGpu, pinKernel } from './helpers/gpu';

const gpu = await openTestGpu();

const KERNELS = KERNEL_CHOICES;

function trainOptions(
  kernel: KernelChoice,
  seed: number,
  batchSize: number,
  extra: Partial<TrainOptions> = {},
): TrainOptions {
  return { seed, batchSize, ...pinKernel(kernel), ...extra };
}

const LEARNING_RATE: Record<Optimizer, number> = { sgd: 0.1, momentum: 0.05, rmsprop: 0.01, adam: 0.01 };

/** colah's network: 2-3-2-1, tanh, a sigmoid output under mean squared error, as the seeds train it. */
const SMALL: NetworkSpec = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
/** Twelve layers of 32: far over the fused kernel's budget. */
const DEEP: NetworkSpec = buildSpec([2, ...Array(11).fill(32), 1], 'tanh', 'mse');

const RINGS = rings(200, 1);
const RINGS_TEST = rings(60, 2);

function within(got: ArrayLike<number>, want: ArrayLike<number>, abs: number, rel: number): string | null {
  if (got.length !== want.length) return `length ${got.length} vs ${want.length}`;
  let worst = 0;
  let message: string | null = null;
  for (let i = 0; i < want.length; i++) {
    const ratio = Math.abs(got[i] - want[i]) / (abs + rel * Math.abs(want[i]));
    if (!(ratio <= Math.max(worst, 1))) {
      worst = ratio;
      message = `index ${i}: got ${got[i]}, want ${want[i]} (${ratio.toFixed(2)}x the tolerance)`;
    }
  }
  return message;
}

function bitwiseEqual(a: Float32Array, b: Float32Array): boolean {
  return (
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    )
  );
}

/** Creates an engine, runs `body` and disposes of it, all inside the GPU error scopes. */
async function withEngine<T>(
  config: EngineConfig,
  train: Dataset,
  test: Dataset | null,
  body: (engine: Engine) => Promise<T>,
): Promise<T> {
  return gpuScope(gpu!.device, async () => {
    const engine = await Engine.create(gpu!.device, config);
    try {
      engine.setData(train, test);
      return await body(engine);
    } finally {
      engine.dispose();
    }
  });
}

describe.skipIf(!gpu)('GPU training', () => {
  describe('200 steps agree with the twin within 1e-4 + 1e-3·|ref|', () => {
    const cases = KERNELS.flatMap((kernel) =>
      (['sgd', 'momentum', 'rmsprop', 'adam'] as const).map((o) => [kernel, o] as const),
    );
    it.each(cases)('%s, %s', async (kernel, optimizer) => {
      const config: EngineConfig = {
        spec: SMALL,
        optimizer: defaultOptimizer(optimizer, LEARNING_RATE[optimizer]),
        // 32 does not divide 200: every epoch ends on a batch of 8.
        train: trainOptions(kernel, 7, 32),
      };
      const twin = new TwinTrainer(config);
      twin.setData(RINGS, RINGS_TEST);
      twin.train(200);
      const want = twin.stats();
      await withEngine(config, RINGS, RINGS_TEST, async (engine) => {
        expect(engine.kernelInfo.kernel).toBe(kernelOf(kernel));
        engine.train(200);
        const params = await engine.readParams();
        expect(within(params, twin.params, 1e-4, 1e-3)).toBeNull();
        const stats = await engine.stats();
        expect(stats.step).toBe(200);
        expect(stats.epoch).toBe(want.epoch);
        expect(stats.divergedAtStep).toBeNull();
        expect(
          within([stats.train.loss, stats.test!.loss], [want.train.loss, want.test!.loss], 1e-4, 1e-3),
        ).toBeNull();
        // Training did something: the loss fell from its starting value.
        const start = new TwinTrainer(config);
        start.setData(RINGS, null);
        expect(stats.train.loss).toBeLessThan(start.stats().train.loss);
      });
    });
  });

  it('auto: 2-3-2-1 runs the fused kernel; 12 layers of 32 the layered one at batch 32 and 64 (software adapter)', async () => {
    const small = { spec: SMALL, optimizer: defaultOptimizer('sgd', 0.1), train: { seed: 1, batchSize: 32 } };
    await withEngine(small, RINGS, null, async (engine) => {
      expect(engine.kernelInfo.kernel).toBe('fused');
      expect(engine.kernelInfo.subgroupSize).toBe(gpu!.subgroupSize);
    });
    const deep = {
      spec: DEEP,
      optimizer: defaultOptimizer('adam', 0.001),
      train: { seed: 1, batchSize: 32 },
    };
    await withEngine(deep, RINGS, null, async (engine) => {
      expect(engine.kernelInfo).toEqual({
        kernel: engine.softwareAdapter ? 'layered' : 'cooperative',
        subgroupSize: null,
      });
      engine.train(5);
      const twin = new TwinTrainer(deep);
      twin.setData(RINGS, null);
      twin.train(5);
      expect(within(await engine.readParams(), twin.params, 1e-4, 1e-3)).toBeNull();
      expect((await engine.stats()).step).toBe(5);
      engine.setBatchSize(64);
      twin.setBatchSize(64);
      // Without timings: the layered kernel on a software adapter, the general one on a real GPU.
      expect(engine.kernelInfo.kernel).toBe(engine.softwareAdapter ? 'layered' : 'general');
      // Measured timings that favour the cooperative kernel bring it back, on the same weights.
      engine.setKernelTimings({ cooperative: 0.001, layered: 0.003, general: 0.002 });
      expect(engine.kernelInfo.kernel).toBe('cooperative');
      engine.train(2);
      twin.train(2);
      expect(within(await engine.readParams(), twin.params, 1e-4, 1e-3)).toBeNull();
    });
  });

  it.each(KERNELS)(
    '%s: the same seed gives bitwise the same weights; another seed, others',
    async (kernel) => {
      const run = (seed: number): Promise<Float32Array> =>
        withEngine(
          { spec: SMALL, optimizer: defaultOptimizer('adam', 0.01), train: trainOptions(kernel, seed, 16) },
          RINGS,
          null,
          async (engine) => {
            engine.train(60);
            return engine.readParams();
          },
        );
      const first = await run(3);
      const again = await run(3);
      const other = await run(4);
      expect(bitwiseEqual(first, again)).toBe(true);
      expect(bitwiseEqual(first, other)).toBe(false);
    },
  );

  it.each(KERNELS)(
    '%s: a batch of the whole set (and one larger, clamped) is one step per epoch',
    async (kernel) => {
      for (const batch of [200, 1000]) {
        const config = {
          spec: SMALL,
          optimizer: defaultOptimizer('momentum', 0.1),
          train: trainOptions(kernel, 5, batch),
        };
        const twin = new TwinTrainer(config);
        twin.setData(RINGS, null);
        twin.train(50);
        await withEngine(config, RINGS, null, async (engine) => {
          expect(engine.batchSize).toBe(200);
          engine.train(50);
          expect(within(await engine.readParams(), twin.params, 1e-4, 1e-3)).toBeNull();
          const stats = await engine.stats();
          expect(stats.step).toBe(50);
          expect(stats.epoch).toBe(50);
        });
      }
    },
  );

  describe('divergence', () => {
    // A linear regression net with a huge learning rate: the weights grow until the loss overflows.
    const spec = buildSpec([2, 8, 1], 'linear', 'mse', { regression: true });
    const data = regression(64, 3);

    it.each(KERNELS)(
      '%s: the step is reported, the weights stay finite, and training stops there',
      async (kernel) => {
        const config = { spec, optimizer: defaultOptimizer('sgd', 50), train: trainOptions(kernel, 1, 16) };
        await withEngine(config, data, null, async (engine) => {
          engine.train(400);
          const stats = await engine.stats();
          expect(stats.divergedAtStep).toEqual(expect.any(Number));
          const at = stats.divergedAtStep!;
          expect(at).toBeGreaterThan(0);
          expect(at).toBeLessThan(400);
          // The weights kept are those of the last step whose loss was finite: the position is one back.
          expect(stats.step).toBe(at - 1);
          expect(Number.isFinite(stats.train.loss)).toBe(true);
          const params = await engine.readParams();
          expect(params.every(Number.isFinite), `parameters ${Array.from(params).join(', ')}`).toBe(true);
          // Further training does nothing.
          engine.train(25);
          const later = await engine.stats();
          expect(later.divergedAtStep).toBe(at);
          expect(later.step).toBe(at - 1);
          expect(bitwiseEqual(await engine.readParams(), params)).toBe(true);
          // The twin, in float64, diverges too (later: its numbers reach further).
          const twin = new TwinTrainer(config);
          twin.setData(data, null);
          twin.train(400);
          expect(twin.divergedAtStep).toEqual(expect.any(Number));
          // Back to sane weights and a small learning rate, training goes on from the step it stopped at.
          engine.writeParams(initParams(spec, 1));
          engine.clearDivergence(at);
          engine.setOptimizer(defaultOptimizer('sgd', 0.01));
          engine.train(10);
          const resumed = await engine.stats();
          expect(resumed.divergedAtStep).toBeNull();
          expect(resumed.step).toBe(at + 10);
          expect(Number.isFinite(resumed.train.loss)).toBe(true);
        });
      },
    );
  });

  it.each(KERNELS)('%s: after train(k) calls, stats().step is their sum', async (kernel) => {
    const config = {
      spec: SMALL,
      optimizer: defaultOptimizer('sgd', 0.1),
      train: trainOptions(kernel, 2, 24, { stepsPerDispatch: 64 }),
    };
    await withEngine(config, RINGS, null, async (engine) => {
      let total = 0;
      for (const k of [1, 7, 64, 130]) {
        engine.train(k);
        total += k;
        expect(engine.step).toBe(total);
        expect((await engine.stats()).step).toBe(total);
      }
      engine.train(0);
      expect((await engine.stats()).step).toBe(total);
    });
  });

  it('a read is labelled with the step its copy holds, and one due after dispose touches nothing', async () => {
    const config = {
      spec: SMALL,
      optimizer: defaultOptimizer('sgd', 0.1),
      train: trainOptions(KERNELS[0], 4, 16),
    };
    const [early, alone] = await withEngine(config, RINGS, null, async (engine) => {
      engine.train(10);
      const a = engine.readState();
      // Submitted before the read's copy (reads wait their turn): the read holds the weights after step 40.
      engine.train(30);
      return [await a, await engine.readState()];
    });
    expect(early.step).toBe(40);
    expect(alone.step).toBe(40);
    expect(bitwiseEqual(early.params, alone.params)).toBe(true);
    const late = await gpuScope(gpu!.device, async () => {
      const engine = await Engine.create(gpu!.device, config);
      engine.setData(RINGS, null);
      engine.train(5);
      const a = engine.readState();
      const b = engine.readState();
      engine.dispose();
      return Promise.allSettled([a, b]);
    });
    expect(late[1].status).toBe('rejected');
    expect(String((late[1] as PromiseRejectedResult).reason)).toMatch(/replaced before this read ran/);
  });

  it.each(KERNELS)(
    '%s: readState / restore round-trips weights, optimiser moments and position',
    async (kernel) => {
      const config = {
        spec: SMALL,
        optimizer: defaultOptimizer('adam', 0.01),
        train: trainOptions(kernel, 9, 20),
      };
      const snapshot = await withEngine(config, RINGS, null, async (engine) => {
        engine.train(20);
        return engine.readState();
      });
      expect(snapshot.step).toBe(20);
      expect(snapshot.moments.some((m) => m !== 0)).toBe(true);
      // Continue in one engine; restore the snapshot into another (from another seed) and continue there.
      const straight = await withEngine(config, RINGS, null, async (engine) => {
        engine.train(50);
        return engine.readState();
      });
      const other = { ...config, train: { ...config.train, seed: 123 } };
      const restored = await withEngine(config, RINGS, null, async (engine) => {
        engine.train(3);
        engine.restore(snapshot);
        expect(engine.step).toBe(20);
        const back = await engine.readState();
        expect(bitwiseEqual(back.params, snapshot.params)).toBe(true);
        expect(bitwiseEqual(back.moments, snapshot.moments)).toBe(true);
        expect((await engine.stats()).step).toBe(20);
        engine.train(30);
        expect((await engine.stats()).step).toBe(50);
        return engine.readState();
      });
      expect(bitwiseEqual(restored.params, straight.params)).toBe(true);
      expect(bitwiseEqual(restored.moments, straight.moments)).toBe(true);
      // The seed fixes the batch order, so a snapshot restored under another seed trains differently.
      const elsewhere = await withEngine(other, RINGS, null, async (engine) => {
        engine.restore(snapshot);
        engine.train(30);
        return engine.readParams();
      });
      expect(bitwiseEqual(elsewhere, straight.params)).toBe(false);
    },
  );

  it.each([
    ['fused-subgroups', 16],
    ['fused-workgroup', 1],
    ['fused-workgroup', 37],
    ['cooperative', 16],
    ['general', 16],
  ] as const)('%s, %i steps per dispatch: many dispatches land on the twin', async (kernel, perDispatch) => {
    const config: EngineConfig = {
      spec: SMALL,
      optimizer: defaultOptimizer('rmsprop', 0.01),
      train: trainOptions(kernel, 4, 25, { stepsPerDispatch: perDispatch }),
    };
    const twin = new TwinTrainer(config);
    twin.setData(RINGS, null);
    await withEngine(config, RINGS, null, async (engine) => {
      for (const k of [100, 37, 63]) {
        engine.train(k);
        twin.train(k);
      }
      expect(within(await engine.readParams(), twin.params, 1e-4, 1e-3)).toBeNull();
      expect((await engine.stats()).step).toBe(200);
    });
  });

  it.each(KERNELS)(
    '%s: changing the optimiser and the batch size mid-run follows the twin',
    async (kernel) => {
      const config: EngineConfig = {
        spec: SMALL,
        optimizer: defaultOptimizer('sgd', 0.1),
        train: trainOptions(kernel, 6, 32),
      };
      const twin = new TwinTrainer(config);
      twin.setData(RINGS, RINGS_TEST);
      const schedule: { steps: number; optimizer?: OptimizerSpec; batch?: number }[] = [
        { steps: 30 },
        { steps: 30, optimizer: { ...defaultOptimizer('sgd', 0.05), l2: 0.01 } },
        { steps: 30, optimizer: defaultOptimizer('adam', 0.005) },
        { steps: 30, batch: 7 },
      ];
      await withEngine(config, RINGS, RINGS_TEST, async (engine) => {
        for (const { steps, optimizer, batch } of schedule) {
          if (optimizer) {
            engine.setOptimizer(optimizer);
            twin.setOptimizer(optimizer);
          }
          if (batch) {
            engine.setBatchSize(batch);
            twin.setBatchSize(batch);
          }
          engine.train(steps);
          twin.train(steps);
        }
        const params = await engine.readParams();
        expect(within(params, twin.params, 1e-4, 1e-3)).toBeNull();
        const stats = await engine.stats();
        const want = evaluate(SMALL, Float64Array.from(params), RINGS_TEST, true);
        expect(within([stats.test!.loss], [want.loss], 1e-5, 1e-4)).toBeNull();
      });
    },
  );

  it.each(KERNELS)(
    '%s: large batches (several gradient chunks, several samples per lane) and big sets',
    async (kernel) => {
      // 600 > 256 samples: the general path sums the gradient in chunks; each fused lane takes many samples.
      // 5000 test points: evaluation needs more than 64 workgroups, so the second pass loops.
      const train = rings(700, 11);
      const test = rings(5000, 12);
      const config: EngineConfig = {
        spec: SMALL,
        optimizer: defaultOptimizer('adam', 0.01),
        train: trainOptions(kernel, 8, 600),
      };
      const twin = new TwinTrainer(config);
      twin.setData(train, test);
      twin.train(5);
      const want = twin.stats();
      await withEngine(config, train, test, async (engine) => {
        engine.train(5);
        expect(within(await engine.readParams(), twin.params, 1e-4, 1e-3)).toBeNull();
        const stats = await engine.stats();
        expect(stats.test!.count).toBe(5000);
        expect(
          within([stats.train.loss, stats.test!.loss], [want.train.loss, want.test!.loss], 1e-4, 1e-3),
        ).toBeNull();
        expect(Math.abs(stats.test!.accuracy! - want.test!.accuracy!)).toBeLessThanOrEqual(2 / 5000);
      });
    },
  );

  it.each(KERNELS)('%s: setData replaces the data (and frees the old buffers)', async (kernel) => {
    const config: EngineConfig = {
      spec: SMALL,
      optimizer: defaultOptimizer('sgd', 0.1),
      train: trainOptions(kernel, 3, 10),
    };
    const second = rings(45, 21);
    const twin = new TwinTrainer(config);
    twin.setData(RINGS, null);
    twin.train(12);
    twin.setData(second, RINGS_TEST);
    twin.train(12);
    await withEngine(config, RINGS, null, async (engine) => {
      engine.train(12);
      expect((await engine.stats()).test).toBeNull();
      engine.setData(second, RINGS_TEST);
      engine.train(12);
      expect(within(await engine.readParams(), twin.params, 1e-4, 1e-3)).toBeNull();
      const stats = await engine.stats();
      expect(stats.train.count).toBe(45);
      expect(stats.test!.count).toBe(60);
    });
  });

  it('stats() never waits for training: many requests in flight all resolve, in step order', async () => {
    const config = {
      spec: SMALL,
      optimizer: defaultOptimizer('sgd', 0.1),
      train: { seed: 1, batchSize: 16 },
    };
    await withEngine(config, RINGS, RINGS_TEST, async (engine) => {
      const pending: Promise<{ step: number }>[] = [];
      for (let i = 0; i < 10; i++) {
        engine.train(10);
        pending.push(engine.stats());
      }
      const steps = (await Promise.all(pending)).map((s) => s.step);
      for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThanOrEqual(steps[i - 1]);
      expect(steps[0]).toBe(10);
      expect((await engine.stats()).step).toBe(100);
    });
  });

  it('reset(seed) starts over from that seed; a disposed engine refuses to train', async () => {
    const config = {
      spec: SMALL,
      optimizer: defaultOptimizer('momentum', 0.1),
      train: { seed: 1, batchSize: 16 },
    };
    const twin = new TwinTrainer({ ...config, train: { ...config.train, seed: 2 } });
    twin.setData(RINGS, null);
    twin.train(40);
    const engine = await gpuScope(gpu!.device, async () => {
      const engine = await Engine.create(gpu!.device, config);
      engine.setData(RINGS, null);
      engine.train(25);
      engine.reset(2);
      expect(engine.step).toBe(0);
      expect((await engine.stats()).step).toBe(0);
      engine.train(40);
      expect(within(await engine.readParams(), twin.params, 1e-4, 1e-3)).toBeNull();
      engine.dispose();
      engine.dispose();
      return engine;
    });
    expect(() => engine.train(1)).toThrow(/disposed/);
  });

  it('auto: the kernel follows the batch size mid-run (over the fused batch limit and back), on the same weights', async () => {
    const data = rings(FUSED_MAX_BATCH + 400, 31);
    const config: EngineConfig = {
      spec: SMALL,
      optimizer: defaultOptimizer('adam', 0.01),
      train: { seed: 1, batchSize: 64 },
    };
    const twin = new TwinTrainer(config);
    twin.setData(data, null);
    await withEngine(config, data, null, async (engine) => {
      const kernels: string[] = [];
      for (const [batch, steps] of [
        [64, 10],
        [FUSED_MAX_BATCH + 100, 3],
        [100, 10],
      ]) {
        engine.setBatchSize(batch);
        twin.setBatchSize(batch);
        kernels.push(engine.kernelInfo.kernel);
        engine.train(steps);
        twin.train(steps);
      }
      expect(kernels).toEqual(['fused', 'layered', 'fused']);
      expect(within(await engine.readParams(), twin.params, 1e-4, 1e-3)).toBeNull();
      expect((await engine.stats()).step).toBe(23);
    });
  });

  describe('engine errors', () => {
    const config = (train: Partial<TrainOptions> = {}, spec = SMALL): EngineConfig => ({
      spec,
      optimizer: defaultOptimizer('adam', 0.01),
      train: { seed: 1, batchSize: 8, ...train },
    });
    /** The error Engine.create rejects with, or null (disposing of the engine it made). */
    const createError = (c: EngineConfig): Promise<Error | null> =>
      Engine.create(gpu!.device, c).then(
        (engine) => {
          engine.dispose();
          return null;
        },
        (e: Error) => e,
      );

    it('asking for the fused kernel for a net over its budget names the budget', async () => {
      const error = await createError(config({ kernel: 'fused' }, DEEP));
      const message = error?.message ?? 'accepted';
      expect(message, message).toContain(
        `the fused kernel takes networks of at most ${fusedTrainingMaxParams(config({}, DEEP).optimizer.kind)} parameters`,
      );
    });

    it('an Engine.create that fails frees what it allocated', async () => {
      await gpuScope(gpu!.device, async () => {
        expect(await createError(config({ kernel: 'fused' }, DEEP))).not.toBeNull();
      });
    });

    it('Engine.create refuses a batch size that setBatchSize refuses (0, 1.5, -3, NaN)', async () => {
      const accepted: string[] = [];
      await gpuScope(gpu!.device, async () => {
        for (const batchSize of [0, 1.5, -3, NaN]) {
          const error = await createError(config({ batchSize }));
          if (!error || !/batch size must be an integer from 1 to/.test(error.message)) {
            accepted.push(`${batchSize}: ${error ? error.message : 'accepted'}`);
          }
        }
      });
      expect(accepted).toEqual([]);
    });

    it('a restore with a bad snapshot throws and changes nothing', async () => {
      await withEngine(config(), RINGS, null, async (engine) => {
        engine.train(5);
        const before = await engine.readState();
        const bad = { params: new Float32Array(engine.paramCount), moments: new Float32Array(3), step: 99 };
        expect(() => engine.restore(bad)).toThrow(/optimiser state does not match/);
        const after = await engine.readState();
        expect(engine.step).toBe(5);
        expect(bitwiseEqual(after.params, before.params), 'the failed restore overwrote the parameters').toBe(
          true,
        );
      });
    });

    it('bad data, batch sizes and parameter arrays are refused with their reason', async () => {
      await withEngine(config(), RINGS, null, async (engine) => {
        expect(() => engine.setData(rings(10, 1, 3), null)).toThrow(
          'data has 3 inputs but the network takes 2',
        );
        expect(() => engine.setBatchSize(0)).toThrow(/batch size must be an integer from 1 to/);
        expect(() => engine.writeParams(new Float32Array(3))).toThrow(
          'expected 20 parameters for this network; got 3',
        );
      });
    });
  });
});
