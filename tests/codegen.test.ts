/**
 * The straight-line WGSL generator (src/engine/codegen.ts) and its command (`npm run wgsl`): every kernel it
 * generates, for a range of shapes, activations, losses, optimisers and subgroup sizes, compiles on the
 * device with no error; so do the static kernels. (What the kernels compute is checked in gpu-kernels.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { wgslFromArgs } from '../src/cli/wgsl';
import {
  FUSED_ARRAYS_MAX_VALUES,
  FUSED_MAX_PARAMS,
  fitsFused,
  fitsFusedTraining,
  fusedEvaluateWgsl,
  fusedGridWgsl,
  fusedTrainWgsl,
  fusedTrainingMaxParams,
} from '../src/engine/codegen';
import { LAYERED_LANES, layeredTrainWgsl } from '../src/engine/codegenLayered';
import { SHADERS, withNetwork } from '../src/engine/shaders';
import { ACTIVATIONS, OPTIMIZERS, buildSpec, paramLayout, type NetworkSpec } from '../src/engine/spec';
import { compileErrors, openTestGpu } from './helpers/gpu';

/** Shapes of every kind the fused kernels take: depth 1 to 12, widths 1 to 32, every loss and activation. */
function shapes(): { name: string; spec: NetworkSpec }[] {
  const list: { name: string; spec: NetworkSpec }[] = [];
  const add = (
    sizes: number[],
    activation: string | string[],
    loss: 'mse' | 'bce' | 'ce',
    regression = false,
  ): void => {
    const spec = buildSpec(sizes, activation, loss, { regression, slope: 0.02 });
    list.push({ name: `${sizes.join('-')} ${activation} ${loss}${regression ? ' regression' : ''}`, spec });
  };
  add([1, 1], ['linear'], 'mse', true);
  add([2, 1], ['sigmoid'], 'bce');
  add([3, 4], ['softmax'], 'ce');
  ACTIVATIONS.forEach((act, i) => {
    add([2, 3, 2, 1], act, 'mse');
    add([1 + (i % 3), 8, 3], act, i % 2 ? 'ce' : 'mse');
  });
  add([2, ...Array(11).fill(2), 1], 'tanh', 'bce');
  add([3, ...Array(11).fill(3), 2], 'leaky_relu', 'ce');
  add([1, 32, 1], 'relu', 'mse', true);
  add([2, 32, 4], 'softplus', 'ce');
  add([2, 8, 8, 8, 1], [...ACTIVATIONS.slice(0, 3), 'linear'], 'mse', true);
  // Just over the scalar budget: the training kernel's array layout (evaluation and grid still in scalars
  // here; the engine runs their looped kernels for it).
  add([2, 12, 12, 12, 1], 'tanh', 'mse');
  return list;
}

const gpu = await openTestGpu();

describe('generated WGSL: text', () => {
  it.each(shapes())('$name: every //@ block is filled, every number is a WGSL literal', ({ spec }) => {
    const kernels = [
      fusedTrainWgsl(spec, { optimizer: 'adam', subgroupSize: null }, SHADERS.common, SHADERS.trainFused),
      fusedTrainWgsl(spec, { optimizer: 'momentum', subgroupSize: 4 }, SHADERS.common, SHADERS.trainFused),
      fusedGridWgsl(spec, SHADERS.common, SHADERS.gridFused),
      fusedEvaluateWgsl(spec, SHADERS.common, SHADERS.evaluateFused),
    ];
    for (const code of kernels) {
      expect(code).not.toMatch(/^\s*\/\/@ /m);
      const withoutComments = code.replace(/\/\/.*$/gm, '');
      expect(withoutComments).not.toMatch(/\bNaN\b|\bInfinity\b|\bundefined\b/);
    }
    const P = paramLayout(spec).count;
    if (fitsFused(spec)) {
      expect(kernels[0]).toContain(`params[${P - 1}u]`);
      expect(kernels[0]).not.toContain(`params[${P}u]`);
    } else {
      expect(kernels[0]).toContain(`for (var k = 0u; k < ${P}u; k++) { pa[k] = params[k]; }`);
    }
  });

  it('the training kernel keeps scalars up to FUSED_MAX_PARAMS parameters and arrays beyond', () => {
    const generate = (sizes: number[], arrays?: boolean): string =>
      fusedTrainWgsl(
        buildSpec(sizes, 'tanh', 'mse'),
        { optimizer: 'adam', subgroupSize: 4, arrays },
        SHADERS.common,
        SHADERS.trainFused,
      );
    const small = generate([2, 3, 2, 1]);
    expect(small).toContain('var p0 = params[0u];');
    expect(small).not.toContain('pa[');
    const big = buildSpec([2, 12, 12, 12, 1], 'tanh', 'mse');
    const P = paramLayout(big).count;
    expect(P).toBeGreaterThan(FUSED_MAX_PARAMS);
    expect(fitsFusedTraining(big, 'adam')).toBe(true);
    const code = generate([2, 12, 12, 12, 1]);
    for (const name of ['pa', 'ga', 'ma', 'va']) expect(code).toContain(`var ${name}: array<f32, ${P}>;`);
    expect(code).not.toMatch(/\b[pgmv]\d+\b/);
    // Every constant index inside the arrays, and every parameter read by the forward pass.
    const indices = [...code.matchAll(/\bpa\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(Math.max(...indices)).toBe(P - 1);
    expect(new Set(indices).size).toBe(P);
    // Forced either way on any shape.
    expect(generate([2, 3, 2, 1], true)).toContain('var pa: array<f32, 20>;');
    expect(generate([2, 12, 12, 12, 1], false)).toContain(`var p${P - 1} = params[${P - 1}u];`);
    // The limit counts each lane's values: parameters and gradients, and the optimiser's moments.
    const wide = buildSpec([2, 32, 32, 32, 32, 1], 'tanh', 'mse'); // 3,297 parameters
    expect(fitsFusedTraining(wide, 'sgd')).toBe(true);
    expect(fitsFusedTraining(wide, 'momentum')).toBe(false);
    expect(fitsFusedTraining(wide, 'adam')).toBe(false);
    expect(fusedTrainingMaxParams('sgd')).toBe(FUSED_ARRAYS_MAX_VALUES / 2);
    expect(fusedTrainingMaxParams('rmsprop')).toBe(FUSED_ARRAYS_MAX_VALUES / 3);
    expect(fusedTrainingMaxParams('adam')).toBe(FUSED_ARRAYS_MAX_VALUES / 4);
    const deep = buildSpec([2, ...Array<number>(11).fill(32), 1], 'tanh', 'mse');
    expect(fitsFusedTraining(deep, 'sgd')).toBe(false);
  });

  it('fitsFused draws the line at FUSED_MAX_PARAMS parameters', () => {
    for (const { spec } of shapes())
      expect(fitsFused(spec)).toBe(paramLayout(spec).count <= FUSED_MAX_PARAMS);
  });
});

describe.skipIf(!gpu)('generated WGSL compiles on the device', () => {
  const device = gpu!.device;
  const subgroups = device.features.has('subgroups');
  const subgroupSizes = subgroups ? [null, 4, 32] : [null];

  it.each(shapes())('$name', async ({ name, spec }) => {
    const kernels: [string, string][] = [];
    // A shape over the budget is only compiled once per kernel kind: the engine never runs it.
    const fits = fitsFused(spec);
    for (const optimizer of fits ? OPTIMIZERS : OPTIMIZERS.slice(0, 1)) {
      for (const subgroupSize of fits ? subgroupSizes : [null]) {
        kernels.push([
          `train ${optimizer} subgroup ${subgroupSize ?? 'none'}`,
          fusedTrainWgsl(spec, { optimizer, subgroupSize }, SHADERS.common, SHADERS.trainFused),
        ]);
      }
    }
    kernels.push(['grid', fusedGridWgsl(spec, SHADERS.common, SHADERS.gridFused)]);
    kernels.push(['evaluate', fusedEvaluateWgsl(spec, SHADERS.common, SHADERS.evaluateFused)]);
    const errors: string[] = [];
    for (const [kernel, code] of kernels)
      errors.push(...(await compileErrors(device, `${name} ${kernel}`, code)));
    expect(errors).toEqual([]);
  });

  it('the static kernels compile', async () => {
    const errors: string[] = [];
    for (const [name, code] of [
      ['general_step', withNetwork(SHADERS.generalStep)],
      ['grid_general', withNetwork(SHADERS.gridGeneral)],
      ['evaluate', withNetwork(SHADERS.evaluate)],
      ['reduce_stats', SHADERS.reduceStats],
    ]) {
      errors.push(...(await compileErrors(device, name, code)));
    }
    expect(errors).toEqual([]);
  });

  it('a broken kernel is reported (the check can fail)', async () => {
    const errors = await compileErrors(device, 'broken', 'fn main() { let x: f32 = 1u; }');
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe('npm run wgsl', () => {
  it('prints the kernel the engine compiles, for each kernel kind', () => {
    const spec = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
    expect(wgslFromArgs(['--arch', '2-3-2-1']).code).toBe(
      fusedTrainWgsl(spec, { optimizer: 'sgd', subgroupSize: null }, SHADERS.common, SHADERS.trainFused),
    );
    expect(wgslFromArgs(['--arch=2-3-2-1', '--optimizer', 'adam', '--subgroup-size', '4']).code).toBe(
      fusedTrainWgsl(spec, { optimizer: 'adam', subgroupSize: 4 }, SHADERS.common, SHADERS.trainFused),
    );
    expect(wgslFromArgs(['--arch', '2-3-2-1', '--kernel', 'grid']).code).toBe(
      fusedGridWgsl(spec, SHADERS.common, SHADERS.gridFused),
    );
    const ce = buildSpec([3, 8, 4], 'relu,softmax', 'ce');
    const got = wgslFromArgs([
      '--arch',
      '3-8-4',
      '--activation',
      'relu,softmax',
      '--loss',
      'ce',
      '--kernel',
      'evaluate',
    ]);
    expect(got.code).toBe(fusedEvaluateWgsl(ce, SHADERS.common, SHADERS.evaluateFused));
    expect(got.note).toBeNull();
    const deep = buildSpec([2, 32, 32, 32, 1], 'relu', 'bce');
    expect(
      wgslFromArgs(['--arch', '2-32-32-32-1', '--activation', 'relu', '--loss', 'bce', '--kernel', 'layered'])
        .code,
    ).toBe(
      layeredTrainWgsl(deep, { optimizer: 'sgd', lanes: LAYERED_LANES }, SHADERS.common, SHADERS.trainLooped),
    );
    expect(wgslFromArgs(['--arch', '2-32-32-1']).note).toMatch(/array layout.*--kernel fused/);
    expect(wgslFromArgs(['--arch', '2-32-32-1', '--kernel', 'grid']).note).toMatch(/looped kernels/);
    expect(wgslFromArgs(['--arch', '2-32-32-32-32-1', '--kernel', 'evaluate']).note).toMatch(/over .* 320/);
  });

  it.each([
    [['--activation', 'tanh'], /--arch is required/],
    [['--arch', '2-3-x'], /architecture "2-3-x"/],
    [['--arch', '2-40-1'], /layer 1 must have 1 to 32 units; got 40/],
    [['--arch', '2-3-1', '--loss', 'hinge'], /--loss must be one of mse, bce, ce; got "hinge"/],
    [['--arch', '2-3-1', '--optimizer', 'lbfgs'], /--optimizer must be one of sgd, momentum, rmsprop, adam/],
    [
      ['--arch', '2-3-1', '--kernel', 'gradient'],
      /--kernel must be one of fused, cooperative, layered, chunked, general, train, grid, evaluate/,
    ],
    [
      ['--arch', '2-3-1', '--kernel', 'layered', '--contractive'],
      /the layered kernel has no contractive penalty/,
    ],
    [
      ['--arch', '2-3-1', '--subgroup-size', '3'],
      /--subgroup-size must be one of 1, 2, 4, 8, 16, 32, 64, none/,
    ],
    [['--arch', '2-3-1', '--activation', 'gelu'], /unknown activation "gelu"/],
    [['--arch', '2-3-1', '--colour', 'red'], /unknown option --colour/],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => wgslFromArgs(argv as string[])).toThrow(message);
  });

  it('as a command: WGSL on stdout and exit 0; a bad option gives one line on stderr and exit 2', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['tools/run.mjs', 'src/cli/wgsl.ts', ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const ok = run('--arch', '2-3-2-1', '--kernel', 'grid');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('fn main(');
    expect(ok.stdout).toContain('layers[');
    const bad = run('--arch', '2-3-2-1', '--loss', 'nope');
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toEqual(['error: --loss must be one of mse, bce, ce; got "nope"']);
  });
});
