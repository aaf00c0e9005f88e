/**
 * The contractive penalty λ·(1/B)·Σ_samples Σ_hidden ‖∂a_l/∂a_{l−1}‖²_F:
 *  - its definition in the twin against Jacobians taken by finite differences of each layer's map;
 *  - the twin's gradient of (data loss + penalty) against central finite differences, per activation;
 *  - every training kernel, pinned, against the twin with the penalty on (several optimisers);
 *  - what it claims: on the rings, a 2-3-2-1 tanh net trained with λ > 0 stretches the plane less at the
 *    data than the same run with λ = 0;
 *  - the weight's validation.
 * Time budget: ~65–130 s on SwiftShader (2 shared cores), nearly all of it the kernels.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/types';
import { UsageError, parseFlags } from '../src/flags';
import {
  DATASET_FLAGS,
  EXPERIMENT_FLAGS,
  experimentFromFlags,
  prepareFromFlags,
} from '../src/cli/experimentFlags';
import { runTrain } from '../src/cli/trainCommand';
import { ACTIVATION_FNS } from '../src/engine/activations';
import { fusedTrainWgsl } from '../src/engine/codegen';
import { cooperativeTrainWgsl } from '../src/engine/codegenCooperative';
import { generalStepWgsl } from '../src/engine/codegenGeneral';
import { SHADERS } from '../src/engine/shaders';
import { Engine } from '../src/engine/engine';
import { hash32 } from '../src/engine/permutation';
import {
  MAX_CONTRACTIVE,
  SpecError,
  buildSpec,
  checkOptimizer,
  defaultOptimizer,
  paramLayout,
  widths,
  type Activation,
  type NetworkSpec,
  type Optimizer,
  type OptimizerSpec,
} from '../src/engine/spec';
import {
  TwinTrainer,
  batchGradient,
  forward,
  jacobianNormSq,
  meanJacobianNormSq,
  type Penalties,
} from '../src/engine/twin';
import type { EngineConfig } from '../src/engine/types';
import { Random } from '../src/random';
import { blobs, regression, rings } from './helpers/data';
import { CONTRACTIVE_CHOICES, gpuScope, kernelOf, openTestGpu, pinKernel } from './helpers/gpu';
import { worstRatio } from './helpers/compare';

const LAMBDA = 0.37;

// ---------------------------------------------------------------------------------------------------
// The definition

/** Weights ~ N(0, 1/fan_in), biases ~ N(0, 0.3²). */
function randomParams(spec: NetworkSpec, random: Random, scale = 1): Float64Array {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const params = new Float64Array(layout.count);
  for (let l = 0; l < spec.layers.length; l++) {
    for (let k = 0; k < w[l] * w[l + 1]; k++)
      params[layout.weight[l] + k] = (scale * random.normal()) / Math.sqrt(w[l]);
    for (let j = 0; j < w[l + 1]; j++) params[layout.bias[l] + j] = 0.3 * random.normal();
  }
  return params;
}

/** ‖∂a_l/∂a_{l−1}‖²_F of every hidden layer, each Jacobian taken by central differences of a ↦ f(W a + b). */
function numericJacobianNormSq(spec: NetworkSpec, params: Float64Array, input: ArrayLike<number>): number {
  const layout = paramLayout(spec);
  const w = widths(spec);
  const trace = forward(spec, params, input);
  const h = 1e-6;
  let total = 0;
  for (let l = 0; l < spec.layers.length - 1; l++) {
    const layer = spec.layers[l];
    const map = (a: Float64Array): Float64Array =>
      Float64Array.from({ length: w[l + 1] }, (_, j) => {
        let z = params[layout.bias[l] + j];
        for (let i = 0; i < w[l]; i++) z += params[layout.weight[l] + j * w[l] + i] * a[i];
        return ACTIVATION_FNS[layer.activation as Activation].value(z, layer.slope);
      });
    for (let i = 0; i < w[l]; i++) {
      const up = Float64Array.from(trace.post[l]);
      const down = Float64Array.from(trace.post[l]);
      up[i] += h;
      down[i] -= h;
      const [fu, fd] = [map(up), map(down)];
      for (let j = 0; j < w[l + 1]; j++) total += ((fu[j] - fd[j]) / (2 * h)) ** 2;
    }
  }
  return total;
}

/** The objective whose gradient batchGradient returns with the penalty on: mean data loss + mean λ‖J‖². */
function objective(
  spec: NetworkSpec,
  params: Float64Array,
  data: Dataset,
  indices: number[],
  lambda: number,
): number {
  let total = batchGradient(spec, params, data, indices).loss;
  for (const s of indices) {
    const trace = forward(spec, params, data.x.subarray(s * spec.inputSize, (s + 1) * spec.inputSize));
    total += (lambda * jacobianNormSq(spec, params, trace)) / indices.length;
  }
  return total;
}

/** Smallest |z| over the pre-activations of piecewise-linear layers: differences must not cross a kink. */
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

/** Worst |analytic − numeric| / (1e-6 + 1e-5·|numeric|) over every parameter (central differences, h = 1e-5). */
function gradientError(
  spec: NetworkSpec,
  params: Float64Array,
  data: Dataset,
  indices: number[],
  penalty: Penalties,
): { worst: number; where: string } {
  const { grad } = batchGradient(spec, params, data, indices, penalty);
  const H = 1e-5;
  let worst = 0;
  let where = '';
  for (let p = 0; p < params.length; p++) {
    const saved = params[p];
    params[p] = saved + H;
    const up = objective(spec, params, data, indices, penalty.contractive ?? 0);
    params[p] = saved - H;
    const down = objective(spec, params, data, indices, penalty.contractive ?? 0);
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

interface TwinCase {
  name: string;
  sizes: number[];
  activations: string | string[];
  loss: 'mse' | 'bce' | 'ce';
  regression?: boolean;
  slope?: number;
}

const TWIN_CASES: TwinCase[] = [
  { name: '2-3-2-1 tanh, mse', sizes: [2, 3, 2, 1], activations: 'tanh', loss: 'mse' },
  { name: '2-3-2-1 tanh, bce', sizes: [2, 3, 2, 1], activations: 'tanh', loss: 'bce' },
  { name: '2-4-4-3 tanh, softmax ce', sizes: [2, 4, 4, 3], activations: 'tanh', loss: 'ce' },
  { name: '2-4-4-3 sigmoid, softmax ce', sizes: [2, 4, 4, 3], activations: 'sigmoid', loss: 'ce' },
  { name: '2-4-4-3 softplus, softmax ce', sizes: [2, 4, 4, 3], activations: 'softplus', loss: 'ce' },
  { name: '2-4-4-3 relu, softmax ce', sizes: [2, 4, 4, 3], activations: 'relu', loss: 'ce' },
  {
    name: '2-4-4-3 leaky_relu (0.2), softmax ce',
    sizes: [2, 4, 4, 3],
    activations: 'leaky_relu',
    loss: 'ce',
    slope: 0.2,
  },
  { name: '3-5-5-5-1 sigmoid, bce', sizes: [3, 5, 5, 5, 1], activations: 'sigmoid', loss: 'bce' },
  {
    name: '1-6-1 softplus, regression',
    sizes: [1, 6, 1],
    activations: 'softplus',
    loss: 'mse',
    regression: true,
  },
  {
    name: '2-4-3-3-3-2 tanh, sigmoid, softplus, leaky_relu mixed, ce',
    sizes: [2, 4, 3, 3, 3, 2],
    activations: ['tanh', 'sigmoid', 'softplus', 'leaky_relu', 'softmax'],
    loss: 'ce',
    slope: 0.1,
  },
];

function twinSpec(c: TwinCase): NetworkSpec {
  return buildSpec(c.sizes, c.activations, c.loss, { regression: c.regression, slope: c.slope });
}

function twinData(c: TwinCase, spec: NetworkSpec): Dataset {
  if (c.regression) return regression(12, 7, spec.inputSize);
  return blobs(12, Math.max(2, c.sizes[c.sizes.length - 1]), 7, spec.inputSize);
}

describe('contractive penalty in the twin (float64)', () => {
  it.each(TWIN_CASES.map((c) => [c.name, c] as const))(
    '%s: jacobianNormSq = Σ_hidden ‖J‖²_F of finite-difference Jacobians',
    (_name, c) => {
      const spec = twinSpec(c);
      const data = twinData(c, spec);
      const params = randomParams(spec, new Random(hash32(TWIN_CASES.indexOf(c) + 100)));
      for (let s = 0; s < 5; s++) {
        const input = data.x.subarray(s * spec.inputSize, (s + 1) * spec.inputSize);
        const want = numericJacobianNormSq(spec, params, input);
        const got = jacobianNormSq(spec, params, forward(spec, params, input));
        expect(want).toBeGreaterThan(0);
        expect(Math.abs(got - want), `sample ${s}`).toBeLessThan(1e-6 * (1 + want));
      }
    },
  );

  it.each(TWIN_CASES.map((c) => [c.name, c] as const))(
    '%s: gradient of data loss + λ·penalty = central finite differences',
    (_name, c) => {
      const spec = twinSpec(c);
      const data = twinData(c, spec);
      const indices = [3, 0, 7, 11, 5, 3];
      const random = new Random(hash32(TWIN_CASES.indexOf(c) + 1));
      let params = randomParams(spec, random, 1.5);
      for (let tries = 0; tries < 100 && kinkDistance(spec, params, data, indices) < 1e-3; tries++) {
        params = randomParams(spec, random, 1.5);
      }
      expect(kinkDistance(spec, params, data, indices)).toBeGreaterThan(1e-3);
      const penalty = { l1: 0, l2: 0, contractive: LAMBDA };
      const { worst, where } = gradientError(spec, params, data, indices, penalty);
      expect(worst, where).toBeLessThan(1);
      // The penalty is there to be seen: the gradient moves by much more than the tolerance.
      const plain = batchGradient(spec, params, data, indices).grad;
      const { grad } = batchGradient(spec, params, data, indices, penalty);
      const moved = Math.max(...grad.map((g, p) => Math.abs(g - plain[p])));
      expect(moved).toBeGreaterThan(1e-2);
    },
  );

  it('λ = 0 and an absent λ give the plain gradient; the reported loss is the data loss alone', () => {
    const spec = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
    const data = rings(16, 3);
    const params = randomParams(spec, new Random(4));
    const indices = [0, 1, 2, 3, 4, 5, 6, 7];
    const plain = batchGradient(spec, params, data, indices);
    const zero = batchGradient(spec, params, data, indices, { l1: 0, l2: 0, contractive: 0 });
    const on = batchGradient(spec, params, data, indices, { l1: 0, l2: 0, contractive: LAMBDA });
    expect(Array.from(zero.grad)).toEqual(Array.from(plain.grad));
    expect(zero.loss).toBe(plain.loss);
    expect(on.loss).toBe(plain.loss);
  });

  it('the penalty is a mean over the batch: a batch of one sample repeated has the gradient of one', () => {
    const spec = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
    const data = rings(16, 3);
    const params = randomParams(spec, new Random(5));
    const penalty = { l1: 0, l2: 0, contractive: LAMBDA };
    const one = batchGradient(spec, params, data, [2], penalty).grad;
    const four = batchGradient(spec, params, data, [2, 2, 2, 2], penalty).grad;
    one.forEach((g, p) => expect(four[p]).toBeCloseTo(g, 12));
  });
});

describe('contractive weight validation', () => {
  const base = defaultOptimizer('sgd', 0.1);
  it('accepts 0, absent, and values up to the bound', () => {
    for (const contractive of [undefined, 0, 0.37, MAX_CONTRACTIVE]) {
      expect(() => checkOptimizer({ ...base, contractive })).not.toThrow();
    }
  });
  it.each([-0.1, NaN, Infinity, MAX_CONTRACTIVE * 1.5])('rejects %s with a one-line SpecError', (value) => {
    let error: unknown = null;
    try {
      checkOptimizer({ ...base, contractive: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as Error).message).toMatch(/^contractive: .*0 to 10; got/);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('without the penalty the kernels carry none of its code', () => {
  const spec = buildSpec([2, 4, 3, 1], 'tanh', 'bce');
  const penaltyCode = /u\.contractive|\bj[cqt]\d+_\d+\b|\bj[cq]\[/;
  it.each([false, true])('fused and cooperative, contractive %s', (on) => {
    for (const subgroupSize of [null, 4]) {
      const code = fusedTrainWgsl(
        spec,
        { optimizer: 'adam', subgroupSize, contractive: on },
        '',
        SHADERS.trainFused,
      );
      expect(penaltyCode.test(code)).toBe(on);
    }
    const cooperative = cooperativeTrainWgsl(
      spec,
      { optimizer: 'momentum', lanes: 64, staged: true, contractive: on },
      '',
      SHADERS.trainLooped,
    );
    expect(penaltyCode.test(cooperative)).toBe(on);
  });
  it('general: one constant switches it, folded by the compiler', () => {
    expect(generalStepWgsl(SHADERS.generalStep, false)).toBe(SHADERS.generalStep);
    expect(generalStepWgsl(SHADERS.generalStep, true)).toContain('const CONTRACTIVE: bool = true;');
    expect(() => generalStepWgsl('fn main() {}', true)).toThrow(/CONTRACTIVE/);
  });
  it('the default kernels are the same text whether the option is absent or off', () => {
    const absent = fusedTrainWgsl(spec, { optimizer: 'sgd', subgroupSize: null }, '', SHADERS.trainFused);
    const off = fusedTrainWgsl(
      spec,
      { optimizer: 'sgd', subgroupSize: null, contractive: false },
      '',
      SHADERS.trainFused,
    );
    expect(off).toBe(absent);
  });
});

describe('--contractive W on the command line', () => {
  const read = (...argv: string[]) =>
    experimentFromFlags(parseFlags(argv, { switches: [], values: [...EXPERIMENT_FLAGS] }, DATASET_FLAGS));

  it('reads the weight in decimal notation, from 0 to the bound', () => {
    expect(read('--contractive', '0.37').exp.contractive).toBe(0.37);
    expect(read('--contractive=0').exp.contractive).toBe(0);
    expect(read(`--contractive=${MAX_CONTRACTIVE}`).exp.contractive).toBe(MAX_CONTRACTIVE);
    expect(read().exp.contractive ?? 0).toBe(0);
  });

  it.each(['-0.1', 'NaN', 'Infinity', '1e3', '0x1', 'abc'])(
    '--contractive %s is refused, naming the flag',
    (bad) => {
      expect(() => read('--contractive', bad)).toThrow(UsageError);
      expect(() => read('--contractive', bad)).toThrow(
        /^--contractive must be a number from 0 to 10 in decimal notation; got /,
      );
    },
  );

  it('a weight given reaches the optimiser of the run, or the run is refused: it is never dropped', () => {
    const { exp } = read('--contractive', '0.3', '--dataset', 'rings');
    let run: ReturnType<typeof prepareFromFlags> | null = null;
    try {
      run = prepareFromFlags(exp);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(/^--contractive: /);
    }
    if (run) expect(run.optimizer.contractive).toBe(0.3);
    expect(
      prepareFromFlags(read('--contractive', '0', '--dataset', 'rings').exp).optimizer.contractive ?? 0,
    ).toBe(0);
  });

  it('train with a bad weight exits 2 with one line on stderr, before any GPU work', async () => {
    const err: string[] = [];
    const io = {
      out: () => undefined,
      err: (t: string) => void err.push(t),
      openGpu: () => Promise.reject(new Error('no GPU needed')),
    };
    expect(await runTrain(['--contractive', '-1'], io)).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/--contractive must be a number from 0 to 10/);
    expect(err[0]).not.toContain('\n');
  });
});

// ---------------------------------------------------------------------------------------------------
// What it claims

describe('the penalty contracts', () => {
  // A weight small enough to keep the fit: much larger ones (0.01 and up here) can pull a run to the trivial
  // contraction, every weight near 0 and chance accuracy.
  const contractive = 0.003;
  it.each([1, 2, 3])(
    'seed %i: on the rings, a 2-3-2-1 tanh net trained with λ > 0 stretches the plane less at the data, as accurate',
    (seed) => {
      const spec = buildSpec([2, 3, 2, 1], 'tanh', 'bce');
      const data = rings(200, 10 + seed);
      const run = (weight: number): { stretch: number; accuracy: number } => {
        const twin = new TwinTrainer({
          spec,
          optimizer: { ...defaultOptimizer('adam', 0.01), contractive: weight },
          train: { seed, batchSize: 32 },
        });
        twin.setData(data, null);
        twin.train(1000);
        return {
          stretch: meanJacobianNormSq(spec, Float64Array.from(twin.params), data),
          accuracy: twin.stats().train.accuracy!,
        };
      };
      const plain = run(0);
      const contracted = run(contractive);
      expect(contracted.stretch).toBeLessThan(0.85 * plain.stretch);
      expect(contracted.accuracy).toBeGreaterThanOrEqual(plain.accuracy - 0.05);
    },
  );
});

// ---------------------------------------------------------------------------------------------------
// Every training kernel against the twin

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

/** Coefficients distinct and off their defaults, so that no mix-up hides. */
function optimizer(kind: Optimizer, learningRate: number, contractive: number): OptimizerSpec {
  return {
    ...defaultOptimizer(kind, learningRate),
    momentum: 0.6,
    rho: 0.75,
    beta1: 0.55,
    beta2: 0.97,
    epsilon: 1e-6,
    contractive,
  };
}

interface KernelCase {
  name: string;
  spec: NetworkSpec;
  data: Dataset;
  kind: Optimizer;
  rate: number;
  batch: number;
}

const KERNEL_CASES: KernelCase[] = [
  {
    name: '2-3-2-1 tanh bce, sgd',
    spec: buildSpec([2, 3, 2, 1], 'tanh', 'bce'),
    data: rings(90, 4),
    kind: 'sgd',
    rate: 0.2,
    batch: 24,
  },
  {
    name: '2-4-4-3 sigmoid ce, adam',
    spec: buildSpec([2, 4, 4, 3], 'sigmoid', 'ce'),
    data: blobs(90, 3, 5),
    kind: 'adam',
    rate: 0.02,
    batch: 30,
  },
  {
    name: '2-5-3-1 softplus/tanh mse, momentum',
    spec: buildSpec([2, 5, 3, 1], ['softplus', 'tanh', 'sigmoid'], 'mse'),
    data: rings(90, 6),
    kind: 'momentum',
    rate: 0.05,
    batch: 17,
  },
  {
    name: '2-4-3-1 leaky_relu (0.1)/tanh bce, rmsprop',
    spec: buildSpec([2, 4, 3, 1], ['leaky_relu', 'tanh', 'sigmoid'], 'bce', { slope: 0.1 }),
    data: rings(90, 7),
    kind: 'rmsprop',
    rate: 0.01,
    batch: 90,
  },
];

const STEPS = 30;

describe.skipIf(!gpu)('contractive penalty on every training kernel', () => {
  const cases = CONTRACTIVE_CHOICES.flatMap((choice) =>
    KERNEL_CASES.map((c) => [choice, c.name, c] as const),
  );
  it.each(cases)('%s, %s: 30 steps agree with the twin', async (choice, _name, c) => {
    const config: EngineConfig = {
      spec: c.spec,
      optimizer: optimizer(c.kind, c.rate, LAMBDA),
      train: { seed: 3, batchSize: c.batch, stepsPerDispatch: 7, ...pinKernel(choice) },
    };
    const twin = new TwinTrainer(config);
    twin.setData(c.data, null);
    twin.train(STEPS);
    // Without the penalty the weights end elsewhere, far beyond the tolerance: the comparison can fail.
    const plain = new TwinTrainer({ ...config, optimizer: optimizer(c.kind, c.rate, 0) });
    plain.setData(c.data, null);
    plain.train(STEPS);
    expect(worstRatio(plain.params, twin.params, 1e-5, 1e-4)).toBeGreaterThan(20);
    await withEngine(config, c.data, async (engine) => {
      expect(engine.kernelInfo.kernel).toBe(kernelOf(choice));
      engine.train(STEPS);
      const stats = await engine.stats();
      expect(stats.step).toBe(STEPS);
      expect(stats.divergedAtStep).toBeNull();
      const state = await engine.readState();
      expect(worstRatio(state.params, twin.params, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
      // The statistics' loss is the data loss alone.
      const want = twin.stats().train.loss;
      expect(Math.abs(stats.train.loss - want)).toBeLessThan(1e-4 * (1 + want));
    });
  });

  it.each(CONTRACTIVE_CHOICES)(
    '%s: the penalty switched on and off mid-run follows the twin',
    async (choice) => {
      const c = KERNEL_CASES[0];
      const off = optimizer('adam', 0.02, 0);
      const on = optimizer('adam', 0.02, 0.8);
      const config: EngineConfig = {
        spec: c.spec,
        optimizer: off,
        train: { seed: 9, batchSize: 20, ...pinKernel(choice) },
      };
      const twin = new TwinTrainer(config);
      twin.setData(c.data, null);
      await withEngine(config, c.data, async (engine) => {
        for (const [opt, steps] of [
          [off, 5],
          [on, 10],
          [{ ...on, contractive: 0.2 }, 5],
          [off, 5],
        ] as const) {
          twin.setOptimizer(opt);
          engine.setOptimizer(opt);
          twin.train(steps);
          engine.train(steps);
        }
        expect(engine.kernelInfo.kernel).toBe(kernelOf(choice));
        const state = await engine.readState();
        expect(worstRatio(state.params, twin.params, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
      });
    },
  );

  it('an engine refuses a contractive weight out of range, at creation and later, naming the field', async () => {
    const c = KERNEL_CASES[0];
    const config: EngineConfig = {
      spec: c.spec,
      optimizer: optimizer('sgd', 0.1, -1),
      train: { seed: 1, batchSize: 8 },
    };
    await gpuScope(gpu!.device, async () => {
      await expect(Engine.create(gpu!.device, config)).rejects.toThrow(/^contractive: /);
    });
    await withEngine({ ...config, optimizer: optimizer('sgd', 0.1, 0) }, c.data, async (engine) => {
      expect(() => engine.setOptimizer(optimizer('sgd', 0.1, NaN))).toThrow(/^contractive: /);
    });
  });
});
