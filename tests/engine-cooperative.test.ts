/**
 * The cooperative kernel against the twin over a pairwise covering set of shapes: hidden width 1/3/8/32,
 * depth (dense layers) 1/4/12, batch 1/31/32/1000/4096, every optimiser, loss and activation, so that every
 * pair of values meets in some case. Each case pins the kernel and checks that it ran, with its parameters
 * staged in workgroup memory (small networks) or read from storage (12 × 32 is over the 32 KiB limit).
 * Steps scale down with parameters × batch, so the twin's float64 work stays small.
 * Time budget: ~120 s on SwiftShader (2 cores), mostly compiling one pipeline per case.
 */
import { describe, expect, it } from 'vitest';
import { cooperativeStages } from '../src/engine/codegenCooperative';
import { COOPERATIVE_LANES } from '../src/engine/kernels/cooperative';
import { buildSpec, defaultOptimizer } from '../src/engine/spec';
import { openTestGpu } from './helpers/gpu';
import {
  RATE,
  SHAPE_FACTORS,
  againstTwin,
  shapeSpec,
  stepsFor,
  type ShapeCase,
} from './helpers/kernel-cases';
import { missingPair, pairwise } from './helpers/pairwise';

const gpu = await openTestGpu();

const FACTORS = SHAPE_FACTORS;
type Case = ShapeCase;

/** Two more with the parameters in storage (12 × 32 is over the workgroup-memory limit). */
const CASES: Case[] = [
  ...pairwise(FACTORS),
  { width: 32, depth: 12, batch: 1000, optimizer: 'momentum', loss: 'ce', activation: 'relu' },
  { width: 32, depth: 12, batch: 1, optimizer: 'rmsprop', loss: 'bce', activation: 'sigmoid' },
];

describe.skipIf(!gpu)('cooperative kernel = twin, pairwise shapes', () => {
  it(`the cases hold every pair of factor values (${CASES.length} cases)`, () => {
    expect(CASES.length).toBeLessThan(40);
    expect(missingPair(FACTORS, CASES)).toBeNull();
  });

  it.each(CASES.map((c) => [JSON.stringify(c), c] as const))('%s', async (_name, c) => {
    const spec = shapeSpec(c);
    const optimizer = defaultOptimizer(c.optimizer, RATE[c.optimizer]);
    const steps = stepsFor(spec, c.batch);
    const { ratio } = await againstTwin(gpu!.device, 'cooperative', spec, optimizer, c.batch, steps);
    expect(ratio).toBeLessThanOrEqual(1);
  });

  it('small networks stage their parameters in workgroup memory; 12 × 32 reads them from storage', () => {
    const limit = gpu!.device.limits.maxComputeWorkgroupStorageSize;
    expect(cooperativeStages(buildSpec([2, 32, 32, 1], 'tanh', 'mse'), COOPERATIVE_LANES, limit)).toBe(true);
    const deep = buildSpec([2, ...Array<number>(11).fill(32), 1], 'tanh', 'mse');
    expect(cooperativeStages(deep, COOPERATIVE_LANES, limit)).toBe(false);
  });
});
