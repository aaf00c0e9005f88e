/**
 * Population training (src/engine/population.ts) on real WebGPU:
 *  - every member equals the single-network twin with the member's seed and learning rate, on both
 *    reductions (subgroups, workgroup memory), over several sizes, shapes, widths and optimisers with
 *    coefficients off their defaults; the statistics of all members come back at once and match the twin;
 *  - a member of a population equals, bit for bit, the same member trained alone (a population of one);
 *  - one dispatch per shape per `stepsPerDispatch` steps, counted on the pass encoder;
 *  - a member that diverges stops with its last finite weights while the others train on;
 *  - 1,024 members of 2-3-2-1 in one dispatch.
 * Time budget: ~60–85 s on SwiftShader (2 shared cores), mostly compiling the kernels of each shape.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/types';
import type { MemberStats, PopulationConfig } from '../src/engine/population';
import { Population, memberSpec } from '../src/engine/population';
import type { NetworkSpec, OptimizerSpec } from '../src/engine/spec';
import { buildSpec, defaultOptimizer } from '../src/engine/spec';
import { TwinTrainer } from '../src/engine/twin';
import { findPreset } from '../src/data/presets';
import { experimentFromPreset } from '../src/experiment/experiment';
import { runSweep } from '../src/experiment/sweep';
import { blobs, regression, rings } from './helpers/data';
import { gpuScope, openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

const TRAIN = rings(120, 3);
const TEST = rings(50, 4);

function within(got: ArrayLike<number>, want: ArrayLike<number>, abs: number, rel: number): string | null {
  if (got.length !== want.length) return `length ${got.length} vs ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const ratio = Math.abs(got[i] - want[i]) / (abs + rel * Math.abs(want[i]));
    if (!(ratio <= 1))
      return `index ${i}: got ${got[i]}, want ${want[i]} (${ratio.toFixed(2)}x the tolerance)`;
  }
  return null;
}

function bitwise(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
}

/** Every coefficient distinct and none at a default (0.9 / 0.999). */
function unusual(kind: OptimizerSpec['kind'], learningRate: number): OptimizerSpec {
  return {
    ...defaultOptimizer(kind, learningRate),
    momentum: 0.6,
    rho: 0.75,
    beta1: 0.55,
    beta2: 0.97,
    epsilon: 1e-6,
  };
}

async function withPopulation<T>(
  config: PopulationConfig,
  data: [Dataset, Dataset | null],
  body: (p: Population) => Promise<T>,
): Promise<T> {
  return gpuScope(gpu!.device, async () => {
    const population = await Population.create(gpu!.device, config);
    try {
      population.setData(...data);
      return await body(population);
    } finally {
      population.dispose();
    }
  });
}

/** The twin of member m: one network with the member's seed, learning rate and width. */
function twinOf(config: PopulationConfig, m: number, data: [Dataset, Dataset | null], steps: number) {
  const member = config.members[m];
  const twin = new TwinTrainer({
    spec: memberSpec(config.spec, config.layer ?? 1, member.width),
    optimizer: { ...config.optimizer, learningRate: member.learningRate ?? config.optimizer.learningRate },
    train: { seed: member.seed, batchSize: config.batchSize },
  });
  twin.setData(...data);
  twin.train(steps);
  return twin;
}

interface Case {
  name: string;
  spec: NetworkSpec;
  optimizer: OptimizerSpec;
  members: PopulationConfig['members'];
  data: [Dataset, Dataset | null];
  batch: number;
}

const CASES: Case[] = [
  {
    name: '3 members of 2-3-2-1, sgd, own learning rates',
    spec: buildSpec([2, 3, 2, 1], 'tanh', 'mse'),
    optimizer: defaultOptimizer('sgd', 0.1),
    members: [{ seed: 1 }, { seed: 2, learningRate: 0.3 }, { seed: 9, learningRate: 0.05 }],
    data: [TRAIN, TEST],
    batch: 32,
  },
  {
    name: '5 members of 2-5-1, momentum μ 0.6',
    spec: buildSpec([2, 5, 1], 'tanh', 'mse'),
    optimizer: unusual('momentum', 0.05),
    members: [1, 2, 3, 4, 5].map((seed) => ({ seed, learningRate: 0.02 * seed })),
    data: [TRAIN, TEST],
    batch: 24,
  },
  {
    name: '4 members of 2-4-3 softmax, adam β1 0.55 β2 0.97',
    spec: buildSpec([2, 4, 3], 'relu', 'ce'),
    optimizer: unusual('adam', 0.02),
    members: [3, 1, 4, 1].map((seed, i) => ({ seed, learningRate: 0.01 * (i + 1) })),
    data: [blobs(90, 3, 5), blobs(30, 3, 6)],
    batch: 16,
  },
  {
    name: '2 members of 2-3-1 bce, rmsprop ρ 0.75',
    spec: buildSpec([2, 3, 1], 'sigmoid', 'bce'),
    optimizer: unusual('rmsprop', 0.01),
    members: [{ seed: 7 }, { seed: 8 }],
    data: [TRAIN, null],
    batch: 40,
  },
  {
    name: '8 members of 2-w-2-1, widths 1 to 4 in one population, adam',
    spec: buildSpec([2, 3, 2, 1], 'tanh', 'mse'),
    optimizer: unusual('adam', 0.03),
    members: [1, 2, 3, 4, 4, 3, 2, 1].map((width, i) => ({ seed: 20 + i, width })),
    data: [TRAIN, TEST],
    batch: 32,
  },
  {
    name: '3 members of 2-4-2-1 with the contractive penalty, momentum μ 0.6',
    spec: buildSpec([2, 4, 2, 1], 'tanh', 'mse'),
    optimizer: { ...unusual('momentum', 0.05), contractive: 0.05 },
    members: [{ seed: 11 }, { seed: 12, learningRate: 0.1 }, { seed: 13 }],
    data: [TRAIN, TEST],
    batch: 32,
  },
];

const STEPS = 120;

describe.skipIf(!gpu)('population members against the twin', () => {
  const runs = CASES.flatMap((c) => [true, false].map((subgroups) => [c.name, subgroups, c] as const));
  it.each(runs)('%s (subgroups %s)', async (_name, subgroups, c) => {
    const config: PopulationConfig = {
      spec: c.spec,
      optimizer: c.optimizer,
      batchSize: c.batch,
      members: c.members,
      // Dispatch boundaries fall mid-epoch and the last dispatch is short.
      stepsPerDispatch: 50,
      subgroups,
    };
    const twins = c.members.map((_, m) => twinOf(config, m, c.data, STEPS));
    await withPopulation(config, c.data, async (population) => {
      if (subgroups && gpu!.subgroupSize) expect(population.subgroupSize).toBe(gpu!.subgroupSize);
      if (!subgroups) expect(population.subgroupSize).toBeNull();
      population.train(STEPS);
      const params = await population.readParams();
      const stats = await population.stats();
      expect(stats).toHaveLength(c.members.length);
      twins.forEach((twin, m) => {
        expect(within(params[m], twin.params, 1e-4, 1e-3), `member ${m}`).toBeNull();
        const want = twin.stats();
        const got: MemberStats = stats[m];
        expect(got.step).toBe(STEPS);
        expect(got.epoch).toBe(want.epoch);
        expect(got.divergedAtStep).toBeNull();
        expect(Math.abs(got.train.loss - want.train.loss)).toBeLessThan(1e-4 + 1e-3 * want.train.loss);
        expect(Math.abs(got.train.accuracy! - want.train.accuracy!)).toBeLessThanOrEqual(1 / TRAIN.y.length);
        if (want.test) {
          expect(Math.abs(got.test!.loss - want.test.loss)).toBeLessThan(1e-4 + 1e-3 * want.test.loss);
          expect(Math.abs(got.test!.accuracy! - want.test.accuracy!)).toBeLessThanOrEqual(
            1 / want.test.count,
          );
        } else {
          expect(got.test).toBeNull();
        }
      });
      // The members differ from each other: no member reads another's weights or seed.
      expect(bitwise(params[0], params[1])).toBe(false);
    });
  });
});

describe.skipIf(!gpu)('a member alone', () => {
  it('equals, bit for bit, the same member inside populations of 7 (mixed widths)', async () => {
    const spec = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
    const members = [1, 2, 3, 4, 5, 6, 7].map((seed) => ({
      seed: 100 + seed,
      width: 1 + (seed % 3),
      learningRate: 0.05 * seed,
    }));
    const base = { spec, optimizer: unusual('adam', 0.02), batchSize: 32, stepsPerDispatch: 64 };
    const data: [Dataset, Dataset | null] = [TRAIN, TEST];
    const together = await withPopulation({ ...base, members }, data, async (p) => {
      p.train(300);
      return { params: await p.readParams(), stats: await p.stats() };
    });
    for (const m of [0, 3, 6]) {
      const alone = await withPopulation({ ...base, members: [members[m]] }, data, async (p) => {
        p.train(300);
        return { params: await p.readParams(), stats: await p.stats() };
      });
      expect(bitwise(alone.params[0], together.params[m]), `member ${m}`).toBe(true);
      expect(alone.stats[0]).toEqual(together.stats[m]);
    }
  });
});

describe.skipIf(!gpu)('dispatches', () => {
  it('one per shape per stepsPerDispatch steps, each of one workgroup per member', async () => {
    const device = gpu!.device;
    const calls: { label: string; groups: number[] }[] = [];
    const create = device.createCommandEncoder;
    Object.defineProperty(device, 'createCommandEncoder', {
      configurable: true,
      value: (descriptor?: GPUCommandEncoderDescriptor) => {
        const encoder = create.call(device, descriptor);
        const begin = encoder.beginComputePass;
        encoder.beginComputePass = (passDescriptor?: GPUComputePassDescriptor) => {
          const pass = begin.call(encoder, passDescriptor);
          const dispatch = pass.dispatchWorkgroups;
          pass.dispatchWorkgroups = (x: number, y?: number, z?: number) => {
            calls.push({ label: passDescriptor?.label ?? '', groups: [x, y ?? 1, z ?? 1] });
            dispatch.call(pass, x, y, z);
          };
          return pass;
        };
        return encoder;
      },
    });
    try {
      const spec = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
      const members = Array.from({ length: 96 }, (_, i) => ({ seed: i, width: i % 2 ? 3 : 2 }));
      await withPopulation(
        { spec, optimizer: defaultOptimizer('sgd', 0.5), batchSize: 32, members, stepsPerDispatch: 256 },
        [TRAIN, TEST],
        async (p) => {
          calls.length = 0;
          p.train(600);
          const training = calls.filter((c) => c.label === 'Population.train.pass');
          // 2 shapes x ceil(600 / 256) = 6 dispatches, each of 48 workgroups.
          expect(training.map((c) => c.groups)).toEqual(Array(6).fill([48, 1, 1]));
          calls.length = 0;
          const stats = await p.stats();
          expect(calls.map((c) => c.groups)).toEqual([
            [48, 1, 1],
            [48, 1, 1],
          ]);
          expect(stats.every((s) => s.step === 600)).toBe(true);
        },
      );
    } finally {
      delete (device as unknown as Record<string, unknown>).createCommandEncoder;
    }
  });
});

describe.skipIf(!gpu)('divergence', () => {
  it('a member with a huge learning rate stops with its last finite weights; the others train on', async () => {
    // A linear network on regression targets: too large a step makes the weights grow without bound.
    const spec = buildSpec([2, 4, 1], 'linear', 'mse', { regression: true });
    const data: [Dataset, Dataset | null] = [regression(100, 2), regression(40, 3)];
    const members = [{ seed: 1 }, { seed: 2, learningRate: 40 }, { seed: 3 }, { seed: 4 }];
    const base = { spec, optimizer: defaultOptimizer('sgd', 0.02), batchSize: 20, stepsPerDispatch: 32 };
    const config = { ...base, members };
    const result = await withPopulation(config, data, async (p) => {
      p.train(400);
      return { params: await p.readParams(), stats: await p.stats() };
    });
    const bad = result.stats[1];
    expect(bad.divergedAtStep).not.toBeNull();
    const at = bad.divergedAtStep!;
    expect(at).toBeGreaterThan(1);
    expect(at).toBeLessThan(400);
    expect(bad.step).toBe(at - 1);
    expect(result.params[1].every(Number.isFinite)).toBe(true);
    // Its weights are the last whose loss was finite, those of step at − 1 (before that step's update):
    // the same member trained alone for at − 1 steps.
    const before = await withPopulation({ ...base, members: [members[1]] }, data, async (p) => {
      p.train(at - 1);
      return p.readParams();
    });
    expect(bitwise(result.params[1], before[0])).toBe(true);
    for (const m of [0, 2, 3]) {
      expect(result.stats[m].divergedAtStep).toBeNull();
      expect(result.stats[m].step).toBe(400);
      const twin = twinOf(config, m, data, 400);
      expect(within(result.params[m], twin.params, 1e-4, 1e-3), `member ${m}`).toBeNull();
    }
  });
});

describe.skipIf(!gpu)('1,024 members', () => {
  it('train in one dispatch per stepsPerDispatch steps and agree with the twin', async () => {
    const spec = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
    const members = Array.from({ length: 1024 }, (_, i) => ({ seed: 1000 + i }));
    const config = { spec, optimizer: defaultOptimizer('sgd', 0.5), batchSize: 32, members };
    const data: [Dataset, Dataset | null] = [TRAIN, TEST];
    const { params, stats } = await withPopulation(config, data, async (p) => {
      p.train(40);
      return { params: await p.readParams(), stats: await p.stats() };
    });
    expect(stats).toHaveLength(1024);
    expect(stats.every((s) => s.step === 40 && s.divergedAtStep === null)).toBe(true);
    for (const m of [0, 1, 511, 1023]) {
      const twin = twinOf(config, m, data, 40);
      expect(within(params[m], twin.params, 1e-4, 1e-3), `member ${m}`).toBeNull();
    }
  });
});

describe.skipIf(!gpu)('a sweep keeping the weights', () => {
  it("gives each member its own weights, equal to the member's alone", async () => {
    const exp = { ...experimentFromPreset(findPreset('rings-2-units-fail')), epochs: 1 };
    exp.params = { samples: 200 };
    const result = await gpuScope(gpu!.device, () =>
      runSweep(gpu!.device, { exp, seeds: [1, 2], widths: [1, 3], keepParams: true }),
    );
    const [narrow, wide] = result.rows;
    expect(narrow.members.map((m) => m.params!.length)).toEqual([10, 10]);
    expect(wide.members.map((m) => m.params!.length)).toEqual([20, 20]);
    const alone = await gpuScope(gpu!.device, () =>
      runSweep(gpu!.device, { exp, seeds: [2], widths: [3], keepParams: true }),
    );
    expect(bitwise(wide.members[1].params!, alone.rows[0].members[0].params!)).toBe(true);
    expect(bitwise(wide.members[0].params!, wide.members[1].params!)).toBe(false);
  });
});
