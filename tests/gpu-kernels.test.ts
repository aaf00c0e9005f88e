/**
 * Every GPU kernel against its TypeScript twin (tolerance abs + rel·|ref|): the training step (fused with
 * a subgroup reduction, fused with a workgroup-memory reduction, general), evaluation (through stats())
 * and the grid transform (fused and general). The cases are chosen pairwise over input size, width,
 * depth, activation, loss, optimiser, kernel, batch, data size, penalties and step count: every pair of
 * values appears in some case, in a few dozen cases instead of the full product (that runs in the twin
 * only, in twin-gradients.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/types';
import { fitsFused } from '../src/engine/codegen';
import { Engine } from '../src/engine/engine';
import { GridTransform } from '../src/engine/grid';
import {
  buildSpec,
  defaultOptimizer,
  paramLayout,
  type NetworkSpec,
  type Optimizer,
} from '../src/engine/spec';
import { TwinTrainer, evaluate, forward, transformPoints } from '../src/engine/twin';
import type { EngineConfig, SetStats } from '../src/engine/types';
import { Random } from '../src/random';
import { blobs, points, regression } from './helpers/data';
import { gpuScope, openTestGpu } from './helpers/gpu';

// ---------------------------------------------------------------------------------------------------
// A small pairwise (strength-2 covering array) generator

type Factors = Record<string, readonly (string | number)[]>;
type Combination<F extends Factors> = { [K in keyof F]: F[K][number] };

/**
 * Greedy pairwise cases: each new case starts from a pair of values not yet covered and fills the other
 * factors with the values that cover the most uncovered pairs, among completions that `valid` accepts.
 * Pairs no valid case can hold (e.g. a fused kernel for a net too big for it) are dropped. Deterministic.
 */
function pairwise<F extends Factors>(
  factors: F,
  valid: (c: Combination<F>) => boolean,
  seed: number,
): Combination<F>[] {
  const names = Object.keys(factors);
  const sizes = names.map((n) => factors[n].length);
  const key = (i: number, a: number, j: number, b: number): string => `${i}:${a}|${j}:${b}`;
  const uncovered = new Set<string>();
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      for (let a = 0; a < sizes[i]; a++) for (let b = 0; b < sizes[j]; b++) uncovered.add(key(i, a, j, b));
    }
  }
  const random = new Random(seed);
  const gain = (choice: number[]): number => {
    let count = 0;
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) if (uncovered.has(key(i, choice[i], j, choice[j]))) count++;
    }
    return count;
  };
  const toCase = (choice: number[]): Combination<F> =>
    Object.fromEntries(names.map((n, i) => [n, factors[n][choice[i]]])) as Combination<F>;
  const cases: Combination<F>[] = [];
  while (uncovered.size > 0) {
    const [first] = uncovered;
    const [[i, a], [j, b]] = first.split('|').map((p) => p.split(':').map(Number));
    let best: number[] | null = null;
    let bestGain = 0;
    for (let attempt = 0; attempt < 60; attempt++) {
      const choice = names.map((_, f) => random.int(sizes[f]));
      choice[i] = a;
      choice[j] = b;
      // Fill the free factors greedily, in a random order, the first attempts; later ones stay random so
      // that a constraint the greedy choice keeps breaking can still be met.
      if (attempt < 20) {
        const order = names.map((_, f) => f).filter((f) => f !== i && f !== j);
        order.sort(() => random.next() - 0.5);
        for (const f of order) {
          let bestValue = choice[f];
          let bestScore = -1;
          for (let v = 0; v < sizes[f]; v++) {
            choice[f] = v;
            const score = gain(choice) + random.next() * 0.5;
            if (score > bestScore) [bestScore, bestValue] = [score, v];
          }
          choice[f] = bestValue;
        }
      }
      if (!valid(toCase(choice))) continue;
      const g = gain(choice);
      if (g > bestGain) [best, bestGain] = [choice.slice(), g];
    }
    if (!best) {
      uncovered.delete(first);
      continue;
    }
    for (let x = 0; x < names.length; x++) {
      for (let y = x + 1; y < names.length; y++) uncovered.delete(key(x, best[x], y, best[y]));
    }
    cases.push(toCase(best));
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------------
// The cases

const FACTORS = {
  input: [1, 2, 3],
  width: [1, 2, 3, 8, 32],
  depth: [1, 2, 3, 4, 7, 12],
  activation: ['tanh', 'relu', 'leaky_relu', 'sigmoid', 'softplus', 'linear'],
  loss: ['mse', 'mse-regression', 'mse-3', 'bce', 'ce-2', 'ce-3', 'ce-4'],
  optimizer: ['sgd', 'momentum', 'rmsprop', 'adam'],
  kernel: ['fused-subgroups', 'fused-workgroup', 'general'],
  // 1; odd; not multiples of the workgroup size (64), below and above it; beyond the data size (clamped)
  batch: [1, 7, 33, 100, 1000],
  samples: [5, 37, 150],
  penalty: ['none', 'l2', 'l1+l2'],
  steps: [1, 4],
} as const;

type Case = Combination<typeof FACTORS>;

function specOf(c: Case): NetworkSpec {
  const [loss, outputs] =
    c.loss === 'mse-3'
      ? ['mse', 3]
      : c.loss.startsWith('ce-')
        ? ['ce', Number(c.loss.slice(3))]
        : [c.loss, 1];
  const sizes = [c.input, ...Array(c.depth - 1).fill(c.width), outputs];
  const lossName = loss === 'mse-regression' ? 'mse' : (loss as 'mse' | 'bce' | 'ce');
  const regression = c.loss === 'mse-regression';
  const output = lossName === 'ce' ? 'softmax' : regression ? 'linear' : 'sigmoid';
  // A 1-layer net has only its output layer, whose activation follows the loss.
  const activations = c.depth === 1 ? [output] : c.activation;
  return buildSpec(sizes, activations, lossName, { regression, slope: 0.1 });
}

function dataOf(c: Case, spec: NetworkSpec, count: number, seed: number): Dataset {
  if (c.loss === 'mse-regression') return regression(count, seed, c.input);
  const classes = spec.layers[spec.layers.length - 1].units;
  return blobs(count, Math.max(2, classes), seed, c.input);
}

const LEARNING_RATE: Record<Optimizer, number> = { sgd: 0.1, momentum: 0.05, rmsprop: 0.01, adam: 0.01 };
const PENALTIES = { none: { l1: 0, l2: 0 }, l2: { l1: 0, l2: 0.01 }, 'l1+l2': { l1: 0.001, l2: 0.01 } };

/**
 * RMSprop and Adam step by lr·g/(√v + ε): with the default ε = 1e-7 a gradient of 1e-7 moves its weight by
 * ~lr/2, so the float32 rounding of the vanishing gradients of deep nets (a few % of 1e-7 after ten layers
 * of cancelling sums) would show at the scale of lr. ε = 1e-4 keeps such steps proportional to g, so the
 * comparison tests the kernels rather than float32 (gpu-training.test.ts runs the default ε).
 */
const EPSILON = 1e-4;

function configOf(c: Case, seed: number): EngineConfig {
  return {
    spec: specOf(c),
    optimizer: {
      ...defaultOptimizer(c.optimizer, LEARNING_RATE[c.optimizer]),
      ...PENALTIES[c.penalty],
      epsilon: EPSILON,
    },
    train: {
      seed,
      batchSize: c.batch,
      kernel: c.kernel === 'general' ? 'general' : 'fused',
      subgroups: c.kernel === 'fused-subgroups',
    },
  };
}

/** A fused kernel only takes nets within its parameter budget. */
const VALID = (c: Case): boolean => c.kernel === 'general' || fitsFused(specOf(c));
const CASES = pairwise(FACTORS, VALID, 2024);

// ---------------------------------------------------------------------------------------------------
// Comparison with the twin

/** Worst |got − want| / (abs + rel·|want|) over two arrays; below 1 passes. */
function worstError(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  abs: number,
  rel: number,
): { ratio: number; at: string } {
  expect(got.length).toBe(want.length);
  let ratio = 0;
  let at = 'nowhere';
  for (let i = 0; i < want.length; i++) {
    const r = Math.abs(got[i] - want[i]) / (abs + rel * Math.abs(want[i]));
    if (!(r <= ratio)) {
      ratio = r;
      at = `index ${i}: got ${got[i]}, want ${want[i]}`;
    }
  }
  return { ratio, at };
}

/** The samples whose prediction is within `margin` of a decision boundary: float32 may classify them either way. */
function ambiguousCount(spec: NetworkSpec, params: ArrayLike<number>, data: Dataset, margin: number): number {
  let count = 0;
  const n = data.y.length;
  const L = spec.layers.length;
  for (let s = 0; s < n; s++) {
    const out = forward(spec, params, data.x.subarray(s * spec.inputSize, (s + 1) * spec.inputSize)).post[L];
    if (out.length === 1) {
      if (Math.abs(out[0] - 0.5) < margin) count++;
      continue;
    }
    const sorted = Array.from(out).sort((x, y) => y - x);
    if (sorted[0] - sorted[1] < margin) count++;
  }
  return count;
}

function expectStats(got: SetStats | null, want: SetStats, ambiguous: number, label: string): void {
  expect(got, label).not.toBeNull();
  expect(got!.count, label).toBe(want.count);
  expect(Math.abs(got!.loss - want.loss), `${label} loss ${got!.loss} vs ${want.loss}`).toBeLessThanOrEqual(
    1e-5 + 1e-4 * Math.abs(want.loss),
  );
  if (want.accuracy === null) {
    expect(got!.accuracy, label).toBeNull();
  } else {
    const missed = Math.round(Math.abs(got!.accuracy! - want.accuracy) * want.count);
    expect(missed, `${label} accuracy ${got!.accuracy} vs ${want.accuracy}`).toBeLessThanOrEqual(ambiguous);
  }
}

const gpu = await openTestGpu();

describe.skipIf(!gpu)('GPU kernels = twin', () => {
  const device = gpu!.device;

  it(`the pairwise cases hold every pair of values that some valid case can hold (${CASES.length} cases)`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(CASES.length).toBeLessThanOrEqual(150);
    const names = Object.keys(FACTORS) as (keyof typeof FACTORS)[];
    // Only these factors decide whether a case is valid (whether the fused kernel takes the net).
    const deciding: (keyof typeof FACTORS)[] = ['input', 'width', 'depth', 'loss', 'kernel'];
    const possible = new Set<string>();
    const visit = (partial: Partial<Case>, rest: (keyof typeof FACTORS)[]): void => {
      if (rest.length === 0) {
        const c = Object.fromEntries(names.map((n) => [n, partial[n] ?? FACTORS[n][0]])) as Case;
        if (!VALID(c)) return;
        for (const a of deciding) for (const b of deciding) possible.add(`${a}=${c[a]}|${b}=${c[b]}`);
        return;
      }
      const [name, ...others] = rest;
      for (const value of FACTORS[name]) visit({ ...partial, [name]: value }, others);
    };
    visit({}, deciding);
    const missing: string[] = [];
    for (const a of names) {
      for (const b of names) {
        if (a >= b) continue;
        for (const x of FACTORS[a]) {
          for (const y of FACTORS[b]) {
            const canHold =
              !deciding.includes(a) || !deciding.includes(b) || possible.has(`${a}=${x}|${b}=${y}`);
            if (canHold && !CASES.some((c) => c[a] === x && c[b] === y)) missing.push(`${a}=${x}, ${b}=${y}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
    // The pairs a fused kernel cannot hold (nets over its parameter budget) run on the general one.
    expect(CASES.some((c) => c.width === 32 && c.depth === 12)).toBe(true);
    expect(CASES.some((c) => c.depth === 12 && c.kernel !== 'general')).toBe(true);
    expect(CASES.some((c) => c.width === 32 && c.kernel !== 'general')).toBe(true);
  });

  it('the harness fails a test on a GPU error or a buffer left alive, and sees what the engine makes', async () => {
    await expect(
      gpuScope(device, (scope) => {
        scope.buffer({ label: 'bad', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
      }),
    ).rejects.toThrow(/GPU errors:[\s\S]*MapRead/);
    await expect(
      gpuScope(device, () => {
        device.createBuffer({ label: 'forgotten', size: 16, usage: GPUBufferUsage.STORAGE });
      }),
    ).rejects.toThrow('buffers left alive (not destroyed): forgotten');
    const created = await gpuScope(device, async (scope) => {
      scope.buffer({ label: 'scratch', size: 16, usage: GPUBufferUsage.STORAGE });
      const engine = await Engine.create(device, configOf(CASES[0], 1));
      engine.setData(blobs(10, 2, 1, CASES[0].input), null);
      engine.dispose();
      return scope.created;
    });
    expect(created).toBeGreaterThan(5);
  });

  const describeCase = (c: Case): string =>
    `${c.input}-${c.depth === 1 ? '' : `${c.width}x${c.depth - 1}-`}${c.loss} ${c.activation} ${c.optimizer} ` +
    `${c.kernel} batch ${c.batch} of ${c.samples} ${c.penalty} ${c.steps} step${c.steps > 1 ? 's' : ''}`;

  it.each(CASES.map((c, index) => [describeCase(c), c, index] as const))('%s', async (_name, c, index) => {
    const seed = index + 1;
    const config = configOf(c, seed);
    const spec = config.spec;
    const train = dataOf(c, spec, c.samples, 100 + seed);
    const test = dataOf(c, spec, 67, 200 + seed);
    const classification = train.classes > 0;

    await gpuScope(device, async () => {
      const engine = await Engine.create(device, config);
      try {
        engine.setData(train, test);
        const fused = c.kernel !== 'general';
        expect(engine.kernelInfo).toEqual({
          kernel: fused ? 'fused' : 'general',
          subgroupSize: c.kernel === 'fused-subgroups' ? gpu!.subgroupSize : null,
        });

        // Training steps: the parameters after `steps` steps.
        engine.train(c.steps);
        const twin = new TwinTrainer(config);
        twin.setData(train, test);
        twin.train(c.steps);
        const params = await engine.readParams();
        const trained = worstError(params, twin.params, 1e-5, 1e-4);
        expect(trained.ratio, `parameters after ${c.steps} steps, ${trained.at}`).toBeLessThan(1);

        // Evaluation of the GPU's own parameters, train and test sets.
        const stats = await engine.stats();
        expect(stats.step).toBe(c.steps);
        expect(stats.divergedAtStep).toBeNull();
        const params64 = Float64Array.from(params);
        for (const [name, data, got] of [
          ['train', train, stats.train],
          ['test', test, stats.test],
        ] as const) {
          const want = evaluate(spec, params64, data, classification);
          expectStats(got, want, ambiguousCount(spec, params64, data, 1e-4), name);
        }

        // Grid transform, with the fused kernel where the net fits it, and the general one.
        const capacity = 100;
        const count = 77;
        const pts = points(capacity, c.input, seed);
        const want = transformPoints(spec, params64, pts, count);
        for (const kernel of fitsFused(spec) ? (['fused', 'general'] as const) : (['general'] as const)) {
          const grid = new GridTransform(engine, capacity, { kernel });
          try {
            expect(grid.kernel).toBe(kernel);
            grid.setPoints(pts, count);
            grid.run(count);
            const got = await grid.read();
            const layout = grid.layout;
            for (let r = 0; r < layout.width.length; r++) {
              const width = layout.width[r];
              const mine = got.subarray(layout.offset[r], layout.offset[r] + count * width);
              const theirs = want.data.subarray(want.layout.offset[r], want.layout.offset[r] + count * width);
              const { ratio, at } = worstError(mine, theirs, 1e-5, 1e-4);
              expect(ratio, `${kernel} grid, representation ${r}, ${at}`).toBeLessThan(1);
              // Vertices past `count` are left alone.
              const rest = got.subarray(
                layout.offset[r] + count * width,
                layout.offset[r] + capacity * width,
              );
              expect(
                rest.every((v) => v === 0),
                `${kernel} grid, representation ${r} past count`,
              ).toBe(true);
            }
          } finally {
            grid.dispose();
          }
        }
      } finally {
        engine.dispose();
      }
    });
  });

  it('parameter counts: the fused kernel takes up to its budget, the general one beyond', () => {
    const small = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
    const big = buildSpec([3, ...Array(11).fill(32), 4], 'relu', 'ce');
    expect(paramLayout(small).count).toBe(2 * 3 + 3 + 3 * 2 + 2 + 2 * 1 + 1);
    expect(fitsFused(small)).toBe(true);
    expect(fitsFused(big)).toBe(false);
  });
});
