/**
 * The population kernels' generator (src/engine/codegenPopulation.ts): every buffer access of the fused
 * code is moved to the member's slice, an access of another form is refused, and the kernels compile for
 * shapes of every kind (depth 1 to 12, every loss, activation and optimiser, both reductions).
 */
import { describe, expect, it } from 'vitest';
import { populationEvaluateWgsl, populationTrainWgsl, toMemberSlices } from '../src/engine/codegenPopulation';
import { OPTIMIZERS, buildSpec, type NetworkSpec } from '../src/engine/spec';
import { compileErrors, openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

const SHAPES: { name: string; spec: NetworkSpec }[] = [
  { name: '2-3-2-1 tanh mse', spec: buildSpec([2, 3, 2, 1], 'tanh', 'mse') },
  { name: '1-1-1 tanh bce', spec: buildSpec([1, 1, 1], 'tanh', 'bce') },
  { name: '3-8-4 leaky_relu ce', spec: buildSpec([3, 8, 4], 'leaky_relu', 'ce', { slope: 0.02 }) },
  { name: '2 x 12 layers softplus bce', spec: buildSpec([2, ...Array(11).fill(2), 1], 'softplus', 'bce') },
  { name: '1-16-1 relu regression', spec: buildSpec([1, 16, 1], 'relu', 'mse', { regression: true }) },
];

describe('population codegen: text', () => {
  it.each(SHAPES)('$name: every access is in the member slice, no marker left', ({ spec }) => {
    for (const code of [
      populationTrainWgsl(spec, { optimizer: 'adam', subgroupSize: 4 }),
      populationTrainWgsl(spec, { optimizer: 'rmsprop', subgroupSize: null, contractive: true }),
      populationEvaluateWgsl(spec),
    ]) {
      expect(code).not.toMatch(/^\s*\/\/@ /m);
      expect(code).not.toMatch(/__PARAM_COUNT__/);
      expect(code).not.toMatch(/\b(params|moments)\[\d/);
      expect(code).toMatch(/params\[pbase \+ 0u\]/);
    }
  });

  it('refuses an access it cannot move', () => {
    expect(toMemberSlices('let a = params[0u]; moments[3u] = a;')).toBe(
      'let a = params[pbase + 0u]; moments[mbase + 3u] = a;',
    );
    expect(() => toMemberSlices('let a = params[k];')).toThrow(/unexpected buffer access "params\[k\]"/);
  });
});

describe.skipIf(!gpu)('population codegen: compiles', () => {
  const cases = SHAPES.flatMap(({ name, spec }, i) => [
    [name, OPTIMIZERS[i % 4], spec] as const,
    [name, OPTIMIZERS[(i + 2) % 4], spec] as const,
  ]);
  it.each(cases)('%s, %s', async (name, optimizer, spec) => {
    const sub = gpu!.subgroupSize;
    const kernels: [string, string][] = [
      ['train', populationTrainWgsl(spec, { optimizer, subgroupSize: null, contractive: true })],
      ['evaluate', populationEvaluateWgsl(spec)],
    ];
    if (sub) kernels.push(['train-subgroups', populationTrainWgsl(spec, { optimizer, subgroupSize: sub })]);
    for (const [label, code] of kernels) {
      expect(await compileErrors(gpu!.device, `${name} ${label}`, code)).toEqual([]);
    }
  });
});
