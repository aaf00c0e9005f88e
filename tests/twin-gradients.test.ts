/**
 * The TypeScript twin is the oracle of every GPU test, so it is checked here on its own, in float64:
 * its gradients against central finite differences for every shape × activation × loss, its optimisers
 * against the update rules written out by hand, the batch schedule, weight init and spec errors.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/types';
import { ACTIVATION_FNS } from '../src/engine/activations';
import { LIMITS } from '../src/engine/limits';
import { batchOfStep, epochKey, indexBits, hash32, permute, stepsPerEpoch } from '../src/engine/permutation';
import {
  ACTIVATIONS,
  SpecError,
  buildSpec,
  checkSpec,
  defaultOptimizer,
  paramLayout,
  parseArch,
  widths,
  type Activation,
  type Loss,
  type NetworkSpec,
  type OptimizerSpec,
} from '../src/engine/spec';
import {
  applyOptimizer,
  batchGradient,
  batchIndices,
  createOptimizerState,
  evaluate,
  forEachWeight,
  forward,
  initParams,
  sampleLoss,
  transformPoints,
} from '../src/engine/twin';
import { Random } from '../src/random';
import { blobs, points, regression } from './helpers/data';

// ---------------------------------------------------------------------------------------------------
// Finite differences

/** How a loss is set up: its output width, and the output activation ('act' = the hidden activation). */
interface LossVariant {
  name: string;
  loss: Loss;
  outputs: number;
  output: 'act' | 'linear' | 'implied';
}

const LOSS_VARIANTS: LossVariant[] = [
  { name: 'mse, 1 output = act', loss: 'mse', outputs: 1, output: 'act' },
  { name: 'mse, 1 linear output (regression)', loss: 'mse', outputs: 1, output: 'linear' },
  { name: 'mse, 3 outputs = act (one-hot)', loss: 'mse', outputs: 3, output: 'act' },
  { name: 'bce', loss: 'bce', outputs: 1, output: 'implied' },
  { name: 'ce, 2 classes', loss: 'ce', outputs: 2, output: 'implied' },
  { name: 'ce, 3 classes', loss: 'ce', outputs: 3, output: 'implied' },
  { name: 'ce, 4 classes', loss: 'ce', outputs: 4, output: 'implied' },
];

/** Input size and hidden widths; the output width comes from the loss. */
const SHAPES: { name: string; input: number; hidden: number[] }[] = [
  { name: '1 -> out (depth 1)', input: 1, hidden: [] },
  { name: '2 -> out (depth 1)', input: 2, hidden: [] },
  { name: '3 -> out (depth 1)', input: 3, hidden: [] },
  { name: '1-1-out', input: 1, hidden: [1] },
  { name: '2-2-out', input: 2, hidden: [2] },
  { name: '3-3-out', input: 3, hidden: [3] },
  { name: '2-8-out', input: 2, hidden: [8] },
  { name: '1-32-out', input: 1, hidden: [32] },
  { name: '2-3-2-out', input: 2, hidden: [3, 2] },
  { name: '3-5-5-5-5-out', input: 3, hidden: [5, 5, 5, 5] },
  { name: '2-32-32-out', input: 2, hidden: [32, 32] },
  { name: '2-3x11-out (depth 12)', input: 2, hidden: Array(11).fill(3) },
];

const SLOPE = 0.2;

function specFor(input: number, hidden: number[], act: Activation, variant: LossVariant): NetworkSpec {
  const sizes = [input, ...hidden, variant.outputs];
  const layers = sizes.length - 1;
  const slope = act === 'leaky_relu' ? SLOPE : undefined;
  if (variant.output === 'act') return buildSpec(sizes, Array(layers).fill(act), variant.loss, { slope });
  // A single name is the one activation of a 1-layer net (buildSpec reads it as the output's), so a
  // depth-1 net with an implied output names it.
  const implied = variant.output === 'linear' ? 'linear' : variant.loss === 'ce' ? 'softmax' : 'sigmoid';
  if (layers === 1) return buildSpec(sizes, [implied], variant.loss, { slope });
  if (variant.output === 'linear') return buildSpec(sizes, act, variant.loss, { regression: true, slope });
  return buildSpec(sizes, act, variant.loss, { slope });
}

/** A batch that suits the loss: class labels for classification, real targets for regression. */
function dataFor(spec: NetworkSpec, variant: LossVariant, count: number, seed: number): Dataset {
  if (variant.output === 'linear') return regression(count, seed, spec.inputSize);
  return blobs(count, Math.max(2, variant.outputs), seed, spec.inputSize);
}

/**
 * Weights ~ N(0, 1/fan_in) pushed 0.01 away from 0 (|w| has a kink there, which l1 sees), biases ~ N(0, 0.3²):
 * off the init's zero biases, so every term of the gradient shows.
 */
function randomParams(spec: NetworkSpec, random: Random): Float64Array {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const params = new Float64Array(layout.count);
  for (let l = 0; l < spec.layers.length; l++) {
    for (let k = 0; k < w[l] * w[l + 1]; k++) {
      const weight = random.normal() / Math.sqrt(w[l]);
      params[layout.weight[l] + k] = weight + 0.01 * Math.sign(weight);
    }
    for (let j = 0; j < w[l + 1]; j++) params[layout.bias[l] + j] = 0.3 * random.normal();
  }
  return params;
}

/** The smallest |z| over the pre-activations of piecewise-linear layers: how far the batch is from a kink. */
function kinkDistance(spec: NetworkSpec, params: Float64Array, data: Dataset, indices: number[]): number {
  let nearest = Infinity;
  for (const s of indices) {
    const trace = forward(spec, params, data.x.subarray(s * spec.inputSize, (s + 1) * spec.inputSize));
    spec.layers.forEach((layer, l) => {
      if (layer.activation !== 'relu' && layer.activation !== 'leaky_relu') return;
      for (const z of trace.pre[l + 1]) nearest = Math.min(nearest, Math.abs(z));
    });
  }
  return nearest;
}

function smallestWeight(spec: NetworkSpec, params: Float64Array): number {
  let smallest = Infinity;
  forEachWeight(spec, (p) => (smallest = Math.min(smallest, Math.abs(params[p]))));
  return smallest;
}

/** The objective whose gradient batchGradient returns: mean data loss + l1·Σ|w| + ½·l2·Σw². */
function objective(
  spec: NetworkSpec,
  params: Float64Array,
  data: Dataset,
  indices: number[],
  penalty: { l1: number; l2: number },
): number {
  let total = batchGradient(spec, params, data, indices).loss;
  forEachWeight(spec, (p) => {
    total += penalty.l1 * Math.abs(params[p]) + 0.5 * penalty.l2 * params[p] * params[p];
  });
  return total;
}

const H = 1e-5;
const MAX_CHECKED_PARAMS = 48;

/**
 * Compares the twin's gradient with central differences (f(p+h) − f(p−h)) / 2h on up to
 * MAX_CHECKED_PARAMS parameters (all of them in small nets; a fixed random subset, always including the
 * first and last, in big ones). Returns the worst |analytic − numeric| / (1e-6 + 1e-5·|numeric|).
 */
function gradientError(
  spec: NetworkSpec,
  params: Float64Array,
  data: Dataset,
  indices: number[],
  penalty: { l1: number; l2: number },
  random: Random,
): { worst: number; where: string } {
  const { grad } = batchGradient(spec, params, data, indices, penalty);
  const P = params.length;
  const checked = new Set<number>([0, P - 1]);
  if (P <= MAX_CHECKED_PARAMS) for (let p = 0; p < P; p++) checked.add(p);
  while (checked.size < Math.min(P, MAX_CHECKED_PARAMS)) checked.add(random.int(P));
  let worst = 0;
  let where = '';
  for (const p of checked) {
    const saved = params[p];
    params[p] = saved + H;
    const up = objective(spec, params, data, indices, penalty);
    params[p] = saved - H;
    const down = objective(spec, params, data, indices, penalty);
    params[p] = saved;
    const numeric = (up - down) / (2 * H);
    const error = Math.abs(grad[p] - numeric) / (1e-6 + 1e-5 * Math.abs(numeric));
    if (error > worst) {
      worst = error;
      where = `param ${p}: analytic ${grad[p]}, numeric ${numeric}`;
    }
  }
  return { worst, where };
}

interface GradientCase {
  shape: (typeof SHAPES)[number];
  act: Activation;
  variant: LossVariant;
}

function gradientCases(): GradientCase[] {
  const cases: GradientCase[] = [];
  for (const shape of SHAPES) {
    for (const variant of LOSS_VARIANTS) {
      // With no hidden layer the activation only matters where it is the output's.
      const acts =
        shape.hidden.length === 0 && variant.output !== 'act' ? ACTIVATIONS.slice(0, 1) : ACTIVATIONS;
      for (const act of acts) cases.push({ shape, act, variant });
    }
  }
  return cases;
}

const PENALTY = { l1: 0.013, l2: 0.021 };

describe('twin gradients = central finite differences (float64)', () => {
  const cases = gradientCases();

  it('covers every shape, activation and loss', () => {
    expect(cases.length).toBeGreaterThan(SHAPES.length * LOSS_VARIANTS.length * 2);
  });

  it.each(cases.map((c) => [`${c.shape.name}, ${c.act}, ${c.variant.name}`, c] as const))(
    '%s',
    (_name, c) => {
      const spec = specFor(c.shape.input, c.shape.hidden, c.act, c.variant);
      const data = dataFor(spec, c.variant, 12, 7);
      const indices = [3, 0, 7, 11, 5, 3];
      const random = new Random(hash32(cases.indexOf(c) + 1));
      // Redraw until no piecewise-linear unit sits within 1e-3 of its kink, so that differences over ±h
      // never straddle one.
      let params = randomParams(spec, random);
      for (let tries = 0; tries < 100 && kinkDistance(spec, params, data, indices) < 1e-3; tries++) {
        params = randomParams(spec, random);
      }
      expect(kinkDistance(spec, params, data, indices)).toBeGreaterThan(1e-3);
      expect(smallestWeight(spec, params)).toBeGreaterThan(1e-3);
      for (const penalty of [{ l1: 0, l2: 0 }, PENALTY]) {
        const { worst, where } = gradientError(spec, params, data, indices, penalty, random);
        expect(worst, `l1 ${penalty.l1}, l2 ${penalty.l2}: ${where}`).toBeLessThan(1);
      }
    },
  );

  it('one network mixing every activation, with its own leaky slope per layer', () => {
    const spec = buildSpec([2, 4, 4, 4, 4, 4, 4, 3], [...ACTIVATIONS, 'softmax'], 'ce');
    spec.layers.forEach((layer, l) => (layer.slope = 0.05 * l));
    checkSpec(spec);
    const data = blobs(10, 3, 3);
    const random = new Random(11);
    let params = randomParams(spec, random);
    while (kinkDistance(spec, params, data, [0, 1, 2, 3, 4]) < 1e-3) params = randomParams(spec, random);
    for (const penalty of [{ l1: 0, l2: 0 }, PENALTY]) {
      const { worst, where } = gradientError(spec, params, data, [0, 1, 2, 3, 4], penalty, random);
      expect(worst, where).toBeLessThan(1);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Forward pass and losses, against their definitions

describe('twin forward pass and losses', () => {
  it('each activation derivative (as the kernels compute it, from z and a) = d value / dz', () => {
    for (const act of ACTIVATIONS) {
      const f = ACTIVATION_FNS[act];
      for (const z of [-30, -3.1, -0.7, -0.01, 0.02, 0.4, 2.2, 25]) {
        const numeric = (f.value(z + 1e-6, 0.3) - f.value(z - 1e-6, 0.3)) / 2e-6;
        const analytic = f.derivative(z, f.value(z, 0.3), 0.3);
        expect(Math.abs(analytic - numeric), `${act} at ${z}`).toBeLessThan(1e-7 + 1e-6 * Math.abs(numeric));
      }
    }
  });

  it('activation values: definitions, stable at the tails', () => {
    const at = (act: Activation, z: number, slope = 0.01): number => ACTIVATION_FNS[act].value(z, slope);
    expect(at('relu', -2)).toBe(0);
    expect(at('relu', 1.5)).toBe(1.5);
    expect(at('leaky_relu', -2, 0.3)).toBeCloseTo(-0.6, 15);
    expect(at('sigmoid', 0)).toBe(0.5);
    expect(at('sigmoid', -800)).toBe(0);
    expect(at('sigmoid', 800)).toBe(1);
    expect(at('softplus', 800)).toBe(800);
    expect(at('softplus', -800)).toBe(0);
    expect(at('softplus', 0)).toBeCloseTo(Math.LN2, 15);
    expect(at('tanh', 0.3)).toBeCloseTo(Math.tanh(0.3), 15);
    expect(at('linear', -4.25)).toBe(-4.25);
  });

  it('forward computes z = W a + b layer by layer, W row-major (units, inputs)', () => {
    const spec = buildSpec([2, 2, 1], ['relu', 'linear'], 'mse', { regression: true });
    // W1 = [[1, -2], [0.5, 3]], b1 = [0.1, -0.2]; W2 = [[2, -1]], b2 = [0.25]
    const params = [1, -2, 0.5, 3, 0.1, -0.2, 2, -1, 0.25];
    const trace = forward(spec, params, [0.5, 0.25]);
    expect(trace.pre[1][0]).toBeCloseTo(1 * 0.5 - 2 * 0.25 + 0.1, 15);
    expect(trace.pre[1][1]).toBeCloseTo(0.5 * 0.5 + 3 * 0.25 - 0.2, 15);
    expect(trace.post[1][0]).toBeCloseTo(0.1, 15);
    expect(trace.post[2][0]).toBeCloseTo(2 * 0.1 - 1 * 0.8 + 0.25, 15);
  });

  it('mse = ½ Σ (a − t)², bce = −y log σ − (1−y) log(1−σ), ce = −log softmax_y', () => {
    const mse = buildSpec([1, 3], ['sigmoid'], 'mse');
    const t1 = forward(mse, [0.5, -1, 2, 0.1, 0.2, -0.3], [0.8]);
    const a = Array.from(t1.post[1]);
    expect(sampleLoss(mse, t1, 2).loss).toBeCloseTo(0.5 * (a[0] ** 2 + a[1] ** 2 + (a[2] - 1) ** 2), 14);

    const bce = buildSpec([1, 1], ['sigmoid'], 'bce');
    for (const [wgt, label] of [
      [0.7, 1],
      [-2.5, 1],
      [3, 0],
    ]) {
      const t = forward(bce, [wgt, 0.1], [1.2]);
      const s = t.post[1][0];
      const naive = -label * Math.log(s) - (1 - label) * Math.log(1 - s);
      expect(sampleLoss(bce, t, label).loss).toBeCloseTo(naive, 12);
    }
    // Far in the tail the naive formula gives infinity; the twin stays finite and exact.
    const far = forward(bce, [60, 0], [1]);
    expect(sampleLoss(bce, far, 0).loss).toBeCloseTo(60, 10);

    const ce = buildSpec([1, 4], ['softmax'], 'ce');
    const t3 = forward(ce, [1, -1, 0.5, 2, 0, 0.3, -0.2, 0.1], [0.9]);
    const p = Array.from(t3.post[1]);
    expect(p.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 14);
    expect(sampleLoss(ce, t3, 3).loss).toBeCloseTo(-Math.log(p[3]), 13);
  });

  it('evaluate: mean loss over the set and accuracy (argmax, or a > ½ for one output)', () => {
    const spec = buildSpec([1, 1], ['sigmoid'], 'bce');
    const data: Dataset = {
      inputSize: 1,
      x: Float32Array.of(-2, -1, 1, 2),
      y: Float32Array.of(0, 1, 1, 0),
      classes: 2,
    };
    const stats = evaluate(spec, [1, 0], data, true);
    expect(stats.accuracy).toBe(0.5);
    expect(stats.count).toBe(4);
    const softplus = (z: number): number => Math.log1p(Math.exp(z));
    const expected = (softplus(-2) + (softplus(-1) + 1) + (softplus(1) - 1) + softplus(2)) / 4;
    expect(stats.loss).toBeCloseTo(expected, 14);
    expect(evaluate(spec, [1, 0], { ...data, classes: 0 }, false).accuracy).toBeNull();
  });

  it('transformPoints writes the input, then z and a of every layer, in the documented layout', () => {
    const spec = buildSpec([3, 4, 2], 'softplus', 'ce');
    const params = Float64Array.from(initParams(spec, 5));
    const pts = points(7, 3, 2);
    const { layout, data } = transformPoints(spec, params, pts, 7);
    expect(layout.width).toEqual([3, 4, 4, 2, 2]);
    for (let v = 0; v < 7; v++) {
      const trace = forward(spec, params, pts.subarray(v * 3, v * 3 + 3));
      const reps = [trace.post[0], trace.pre[1], trace.post[1], trace.pre[2], trace.post[2]];
      reps.forEach((rep, r) => {
        for (let u = 0; u < rep.length; u++) {
          expect(data[layout.offset[r] + v * layout.width[r] + u]).toBe(Math.fround(rep[u]));
        }
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Optimisers, one step written out by hand

describe('twin optimisers: updates by hand', () => {
  const p0 = [0.5, -0.3, 0.25];
  const g1 = [0.2, -0.1, 0];
  const g2 = [-0.4, 0.05, 0.3];

  function run(opt: OptimizerSpec, grads: number[][]): { params: Float64Array; state: Float64Array } {
    const params = Float64Array.from(p0);
    const state = createOptimizerState(params.length);
    grads.forEach((g, step) => applyOptimizer(opt, params, g, state, step));
    return { params, state };
  }

  function expectClose(got: ArrayLike<number>, want: number[]): void {
    expect(got.length).toBe(want.length);
    want.forEach((w, i) => expect(got[i], `index ${i}`).toBeCloseTo(w, 12));
  }

  it('sgd: w −= lr·g', () => {
    const { params } = run(defaultOptimizer('sgd', 0.1), [g1, g2]);
    expectClose(params, [0.5 - 0.02 + 0.04, -0.3 + 0.01 - 0.005, 0.25 - 0.03]);
  });

  it('momentum: v = 0.9 v + g; w −= lr·v', () => {
    const { params, state } = run(defaultOptimizer('momentum', 0.1), [g1, g2]);
    // step 1: v = g1; step 2: v = 0.9·g1 + g2
    const v = [0.9 * 0.2 - 0.4, 0.9 * -0.1 + 0.05, 0.3];
    expectClose(state.subarray(0, 3), v);
    expectClose(params, [0.5 - 0.02 - 0.1 * v[0], -0.3 + 0.01 - 0.1 * v[1], 0.25 - 0.1 * v[2]]);
  });

  it('rmsprop: s = 0.9 s + 0.1 g²; w −= lr·g / (√s + ε)', () => {
    const opt = { ...defaultOptimizer('rmsprop', 0.01), epsilon: 1e-7 };
    const { params, state } = run(opt, [g1]);
    const s = [0.1 * 0.04, 0.1 * 0.01, 0];
    expectClose(state.subarray(3, 6), s);
    expectClose(params, [
      0.5 - (0.01 * 0.2) / (Math.sqrt(0.004) + 1e-7),
      -0.3 + (0.01 * 0.1) / (Math.sqrt(0.001) + 1e-7),
      0.25,
    ]);
    // Second step: the average carries over.
    const two = run(opt, [g1, g2]);
    const s2 = [0.9 * 0.004 + 0.1 * 0.16, 0.9 * 0.001 + 0.1 * 0.0025, 0.1 * 0.09];
    expectClose(two.state.subarray(3, 6), s2);
    expectClose(
      two.params,
      [0, 1, 2].map((i) => params[i] - (0.01 * g2[i]) / (Math.sqrt(s2[i]) + 1e-7)),
    );
  });

  it('adam: bias-corrected moments; the first step moves each weight by lr·sign(g)', () => {
    const opt = defaultOptimizer('adam', 0.01);
    const one = run(opt, [g1]);
    // t = 1: m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε).
    expectClose(one.params, [0.5 - 0.01 * (0.2 / (0.2 + 1e-7)), -0.3 + 0.01 * (0.1 / (0.1 + 1e-7)), 0.25]);
    expectClose(one.state, [0.02, -0.01, 0, 0.001 * 0.04, 0.001 * 0.01, 0]);
    const two = run(opt, [g1, g2]);
    const m = [0, 1, 2].map((i) => 0.9 * 0.1 * g1[i] + 0.1 * g2[i]);
    const v = [0, 1, 2].map((i) => 0.999 * 0.001 * g1[i] ** 2 + 0.001 * g2[i] ** 2);
    // t = 2: m̂ = m / (1 − 0.81), v̂ = v / (1 − 0.998001)
    const expected = [0, 1, 2].map(
      (i) => one.params[i] - (0.01 * (m[i] / 0.19)) / (Math.sqrt(v[i] / 0.001999) + 1e-7),
    );
    expectClose(two.params, expected);
    expectClose(two.state, [...m, ...v]);
  });

  it('penalties: the gradient gains l1·sign(w) + l2·w on weights, never on biases', () => {
    const spec = buildSpec([2, 2], ['linear'], 'mse', { regression: true });
    const params = [0.5, -0.25, 2, 0, 0.1, -0.1];
    const data: Dataset = { inputSize: 2, x: Float32Array.of(1, 2), y: Float32Array.of(0), classes: 0 };
    // 2 outputs with a 0 label: the targets are one-hot (1, 0).
    const plain = batchGradient(spec, params, data, [0]).grad;
    const penalised = batchGradient(spec, params, data, [0], { l1: 0.1, l2: 0.5 }).grad;
    const extra = Array.from(penalised, (g, i) => g - plain[i]);
    expectClose(extra, [0.1 + 0.25, -0.1 - 0.125, 0.1 + 1, 0, 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The batch schedule

describe('permutation and batch schedule', () => {
  const SIZES = [1, 2, 3, 4, 5, 7, 16, 17, 63, 64, 65, 100, 255, 256, 1000, 4097, 65539];

  function order(n: number, seed: number, epoch: number): Uint32Array {
    const key = epochKey(seed, epoch);
    const bits = indexBits(n);
    return Uint32Array.from({ length: n }, (_, i) => permute(i, n, key, bits));
  }

  it.each(SIZES)('permute is a bijection of [0, %i) in every epoch', (n) => {
    for (const [seed, epoch] of [
      [1, 0],
      [1, 1],
      [7, 3],
      [0xffffffff, 12345],
    ]) {
      const seen = new Uint8Array(n);
      for (const s of order(n, seed, epoch)) {
        expect(s).toBeLessThan(n);
        seen[s]++;
      }
      expect(seen.every((c) => c === 1)).toBe(true);
    }
  });

  it.each(SIZES.filter((n) => n >= 2))('n = %i: orders change from epoch to epoch and seed to seed', (n) => {
    const orders = Array.from({ length: 8 }, (_, e) => order(n, 1, e).join());
    expect(new Set(orders).size).toBeGreaterThan(1);
    if (n >= 5) {
      expect(orders[1]).not.toBe(orders[0]);
      expect(order(n, 2, 0).join()).not.toBe(orders[0]);
    }
  });

  it('the Feistel domain has an even number of bits, at least 2, covering n', () => {
    expect([1, 2, 4, 5, 16, 17, 64, 65, 4097].map(indexBits)).toEqual([2, 2, 2, 3, 4, 5, 6, 7, 13]);
  });

  it.each([
    [1, 1],
    [5, 1],
    [10, 3],
    [10, 10],
    [10, 64],
    [100, 7],
    [150, 64],
    [4097, 1000],
  ])('n = %i, batch %i: each epoch visits every sample once, the last batch is the remainder', (n, batch) => {
    const S = stepsPerEpoch(n, batch);
    const b = Math.min(batch, n);
    expect(S).toBe(Math.ceil(n / b));
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen = new Uint8Array(n);
      for (let j = 0; j < S; j++) {
        const step = epoch * S + j;
        const slice = batchOfStep(step, n, batch);
        expect(slice).toEqual({ epoch, start: j * b, end: Math.min(n, (j + 1) * b) });
        const indices = batchIndices(step, n, batch, 42);
        expect(indices.length).toBe(j < S - 1 ? b : n - (S - 1) * b);
        for (const i of indices) seen[i]++;
      }
      expect(seen.every((c) => c === 1)).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Weight init

describe('initParams', () => {
  const spec = buildSpec([3, 32, 8, 8, 1, 4], ['relu', 'tanh', 'leaky_relu', 'sigmoid', 'softmax'], 'ce');

  it('is deterministic per seed and differs between seeds', () => {
    expect(initParams(spec, 1)).toEqual(initParams(spec, 1));
    expect(initParams(spec, 1)).not.toEqual(initParams(spec, 2));
  });

  it('draws weights within Glorot (saturating, linear) or He (relu) bounds, spread over them; biases 0', () => {
    const layout = paramLayout(spec);
    const w = widths(spec);
    for (const seed of [1, 2, 3]) {
      const params = initParams(spec, seed);
      spec.layers.forEach((layer, l) => {
        const he = layer.activation === 'relu' || layer.activation === 'leaky_relu';
        const limit = he ? Math.sqrt(6 / w[l]) : Math.sqrt(6 / (w[l] + w[l + 1]));
        const weights = params.subarray(layout.weight[l], layout.weight[l] + w[l] * w[l + 1]);
        const largest = Math.max(...Array.from(weights, Math.abs));
        expect(largest, `layer ${l + 1}`).toBeLessThanOrEqual(limit * (1 + 1e-6));
        if (weights.length >= 8) expect(largest, `layer ${l + 1}`).toBeGreaterThan(0.6 * limit);
        const mean = weights.reduce((a, b) => a + b, 0) / weights.length;
        if (weights.length >= 64) expect(Math.abs(mean)).toBeLessThan(0.2 * limit);
        expect(Array.from(params.subarray(layout.bias[l], layout.bias[l] + w[l + 1]))).toEqual(
          Array(w[l + 1]).fill(0),
        );
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Spec errors

describe('spec limits and errors', () => {
  it('parseArch reads dash-separated sizes, input first', () => {
    expect(parseArch('2-3-2-1')).toEqual([2, 3, 2, 1]);
    expect(parseArch(' 3-32-1 ')).toEqual([3, 32, 1]);
    for (const bad of ['', '2', '2-a-1', '2-0-1', '2-1.5-1', '-1-2']) {
      expect(() => parseArch(bad), bad).toThrow(SpecError);
      expect(() => parseArch(bad), bad).toThrow(
        /architecture .* must be sizes from input to output joined by dashes/,
      );
    }
  });

  it('the limits are at least what the engine promises', () => {
    expect(LIMITS.maxInput).toBe(8);
    expect(LIMITS.maxLayers).toBeGreaterThanOrEqual(12);
    expect(LIMITS.maxWidth).toBeGreaterThanOrEqual(32);
    const deepest = buildSpec([3, ...Array(LIMITS.maxLayers - 1).fill(LIMITS.maxWidth), 4], 'tanh', 'ce');
    expect(deepest.layers.length).toBe(LIMITS.maxLayers);
  });

  it('names what is beyond the limits', () => {
    expect(() => buildSpec([9, 3, 1], 'tanh', 'mse')).toThrow(
      `input size must be 1 to ${LIMITS.maxInput}; got 9`,
    );
    expect(() => buildSpec([0, 3, 1], 'tanh', 'mse')).toThrow('input size must be 1 to 8; got 0');
    expect(() => buildSpec([2, LIMITS.maxWidth + 1, 1], 'tanh', 'mse')).toThrow(
      `layer 1 must have 1 to ${LIMITS.maxWidth} units; got ${LIMITS.maxWidth + 1}`,
    );
    expect(() => buildSpec([2, 3, 0], 'tanh', 'mse')).toThrow('layer 2 must have 1 to 32 units; got 0');
    const tooDeep = [2, ...Array(LIMITS.maxLayers).fill(3), 1];
    expect(() => buildSpec(tooDeep, 'tanh', 'mse')).toThrow(
      `a network has 1 to ${LIMITS.maxLayers} dense layers; got ${LIMITS.maxLayers + 1}`,
    );
    expect(() => checkSpec({ inputSize: 2, layers: [], loss: 'mse' })).toThrow(
      'a network has 1 to 12 dense layers; got 0',
    );
  });

  it('names an unknown activation or loss and lists the accepted ones', () => {
    expect(() => buildSpec([2, 3, 1], 'gelu', 'mse')).toThrow(
      'layer 1: unknown activation "gelu"; use one of tanh, relu, leaky_relu, sigmoid, softplus, linear',
    );
    expect(() => buildSpec([2, 3, 1], 'tanh', 'hinge' as Loss)).toThrow(
      'loss must be one of mse, bce, ce; got "hinge"',
    );
    expect(() => buildSpec([2, 3, 3, 1], 'tanh,relu', 'mse')).toThrow(
      'activation: give one name for the hidden layers or 3 (one per layer, output included); got 2',
    );
  });

  it('keeps softmax to the output of cross-entropy, and each loss to its output', () => {
    expect(() => buildSpec([2, 3, 2], ['softmax', 'softmax'], 'ce')).toThrow(
      'softmax is only the output of cross-entropy (loss ce)',
    );
    expect(() => buildSpec([2, 3, 2], ['tanh', 'softmax'], 'mse')).toThrow(
      'softmax is only the output of cross-entropy',
    );
    expect(() => buildSpec([2, 3, 2], ['tanh', 'sigmoid'], 'ce')).toThrow(
      'cross-entropy (loss ce) needs a softmax output',
    );
    expect(() => buildSpec([2, 3, 1], 'tanh', 'ce')).toThrow(
      'cross-entropy (loss ce) needs at least 2 output units',
    );
    expect(() => buildSpec([2, 3, 2], 'tanh', 'bce')).toThrow(
      'binary cross-entropy (loss bce) needs one sigmoid output unit',
    );
    expect(() => buildSpec([2, 3, 1], ['tanh', 'linear'], 'bce')).toThrow('needs one sigmoid output unit');
    expect(() => buildSpec([2, 3, 1], 'leaky_relu', 'mse', { slope: 1 })).toThrow(
      'layer 1: leaky_relu slope must be in [0, 1); got 1',
    );
  });

  it('the output activation follows the loss unless given', () => {
    const out = (spec: NetworkSpec): string => spec.layers[spec.layers.length - 1].activation;
    expect(out(buildSpec([2, 3, 1], 'relu', 'bce'))).toBe('sigmoid');
    expect(out(buildSpec([2, 3, 3], 'relu', 'ce'))).toBe('softmax');
    expect(out(buildSpec([2, 3, 1], 'relu', 'mse'))).toBe('sigmoid');
    expect(out(buildSpec([2, 3, 1], 'relu', 'mse', { regression: true }))).toBe('linear');
    expect(out(buildSpec([2, 3, 1], 'relu,tanh', 'mse'))).toBe('tanh');
    expect(buildSpec([2, 3, 1], 'leaky_relu', 'mse').layers[0].slope).toBe(0.01);
  });
});
