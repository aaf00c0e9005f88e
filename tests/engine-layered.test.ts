/**
 * The layered kernel against the twin over a pairwise covering set of shapes (hidden width 1/3/8/32, depth
 * 1/4/12, batch 1/31/32/1000/4096, every optimiser, loss and activation), plus networks whose layers differ
 * in activation or slope (so that they split into several runs), and L1 + L2. The chunked kernel, which
 * runs the same bodies over chunks of the batch, against the twin at one chunk, two, a smaller last batch
 * and a chunk of one sample. Each case pins the kernel and checks that it ran. How a network splits into
 * runs is checked without a GPU; what either kernel refuses, before anything changes.
 * Steps scale down with parameters × batch, so the twin's float64 work stays small.
 * Time budget: ~90 s on SwiftShader (2 cores), mostly compiling one pipeline per case.
 */
import { describe, expect, it } from 'vitest';
import { chunkedWorkgroupBytes, layerRuns, layeredLayerFloats } from '../src/engine/codegenLayered';
import { Engine } from '../src/engine/engine';
import {
  buildSpec,
  defaultOptimizer,
  type NetworkSpec,
  type Optimizer,
  type OptimizerSpec,
} from '../src/engine/spec';
import type { EngineConfig } from '../src/engine/types';
import { rings } from './helpers/data';
import { gpuScope, openTestGpu } from './helpers/gpu';
import { RATE, SHAPE_FACTORS, againstTwin, shapeSpec, stepsFor } from './helpers/kernel-cases';
import { missingPair, pairwise } from './helpers/pairwise';

const gpu = await openTestGpu();

const FACTORS = SHAPE_FACTORS;
const CASES = pairwise(FACTORS);

/** Off every default: momentum 0.8, ρ 0.85, β1 0.7, β2 0.95. */
function optimizerOf(kind: Optimizer, rate: number): OptimizerSpec {
  const o = defaultOptimizer(kind, rate);
  return { ...o, momentum: 0.8, rho: 0.85, beta1: 0.7, beta2: 0.95 };
}

/** The layered kernel against the twin: the worst ratio of their difference to the tolerance. */
async function compare(spec: NetworkSpec, o: OptimizerSpec, batch: number, steps: number): Promise<number> {
  return (await againstTwin(gpu!.device, 'layered', spec, o, batch, steps)).ratio;
}

describe('layer runs', () => {
  it('identical layers with identical layers below share one run; the first and the output stand alone', () => {
    const deep = buildSpec([2, ...Array<number>(11).fill(32), 1], 'tanh', 'bce');
    expect(layerRuns(deep)).toEqual([
      { first: 1, count: 1, inputs: 2, units: 32 },
      { first: 2, count: 10, inputs: 32, units: 32 },
      { first: 12, count: 1, inputs: 32, units: 1 },
    ]);
    expect(layeredLayerFloats(deep)).toBe(32 * 33);
    // The chunked kernel's workgroup memory: four lanes' gradients of a 32 × 32 layer, and the loss sums.
    expect(chunkedWorkgroupBytes(deep, 4)).toBe((4 * 32 * 33 + 4 + 2) * 4);
    // Layer 1 never joins a run: its inputs are the data, not a layer with an activation.
    expect(layerRuns(buildSpec([3, 3, 3, 1], 'tanh', 'mse')).map((r) => r.count)).toEqual([1, 1, 1]);
  });

  it('a change of activation, slope or width, above or below, starts a new run', () => {
    const acts = ['tanh', 'tanh', 'tanh', 'relu', 'relu', 'relu', 'sigmoid'] as const;
    const mixed = buildSpec([2, 8, 8, 8, 8, 8, 8, 1], [...acts], 'mse');
    // Layer 5 (relu over relu) joins layer 6; layer 4 (relu over tanh) stands alone.
    expect(layerRuns(mixed).map((r) => [r.first, r.count])).toEqual([
      [1, 1],
      [2, 2],
      [4, 1],
      [5, 2],
      [7, 1],
    ]);
    const widths = buildSpec([2, 8, 8, 4, 4, 4, 1], 'tanh', 'mse');
    expect(layerRuns(widths).map((r) => [r.first, r.count])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 2],
      [6, 1],
    ]);
    const slopes = buildSpec([2, 8, 8, 8, 1], 'leaky_relu', 'mse', { slope: 0.1 });
    const other = { ...slopes, layers: slopes.layers.map((l, i) => (i === 2 ? { ...l, slope: 0.3 } : l)) };
    expect(layerRuns(slopes).map((r) => r.count)).toEqual([1, 2, 1]);
    expect(layerRuns(other).map((r) => r.count)).toEqual([1, 1, 1, 1]);
  });
});

describe.skipIf(!gpu)('layered kernel = twin, pairwise shapes', () => {
  it(`the cases hold every pair of factor values (${CASES.length} cases)`, () => {
    expect(CASES.length).toBeLessThan(40);
    expect(missingPair(FACTORS, CASES)).toBeNull();
  });

  it.each(CASES.map((c) => [JSON.stringify(c), c] as const))('%s', async (_name, c) => {
    const spec = shapeSpec(c);
    const ratio = await compare(
      spec,
      optimizerOf(c.optimizer, RATE[c.optimizer]),
      c.batch,
      stepsFor(spec, c.batch),
    );
    expect(ratio).toBeLessThanOrEqual(1);
  });

  it.each([
    ['tanh, tanh, relu, relu, leaky 0.2, momentum', [2, 8, 8, 8, 8, 8, 1], 'momentum', 32],
    ['widths 8, 8, 4, 4, 4 with adam', [2, 8, 8, 4, 4, 4, 3], 'adam', 31],
  ] as const)('several runs: %s', async (_name, sizes, kind, batch) => {
    const acts = ['tanh', 'tanh', 'relu', 'relu', 'leaky_relu', 'sigmoid'];
    const loss = sizes.at(-1) === 3 ? 'ce' : 'bce';
    const spec = buildSpec([...sizes], loss === 'ce' ? 'softplus' : acts, loss, { slope: 0.2 });
    expect(layerRuns(spec).length).toBeGreaterThan(3);
    expect(await compare(spec, optimizerOf(kind, RATE[kind]), batch, 12)).toBeLessThanOrEqual(1);
  });

  it('L1 and L2 on the weights, not on the biases', async () => {
    const spec = buildSpec([2, 8, 8, 8, 1], 'tanh', 'bce');
    const optimizer = { ...optimizerOf('rmsprop', 0.01), l1: 0.003, l2: 0.02 };
    expect(await compare(spec, optimizer, 16, 20)).toBeLessThanOrEqual(1);
  });
});

describe.skipIf(!gpu)('what the layered kernel refuses', () => {
  const spec = buildSpec([2, 8, 8, 1], 'tanh', 'bce');
  const data = rings(64, 3);
  const config = (kernel: 'auto' | 'layered', contractive = 0): EngineConfig => ({
    spec,
    optimizer: { ...optimizerOf('adam', 0.01), ...(contractive ? { contractive } : {}) },
    train: { seed: 2, batchSize: 16, kernel },
  });

  it('the contractive penalty: refused when pinned, before anything changes', async () => {
    await gpuScope(gpu!.device, async () => {
      await expect(Engine.create(gpu!.device, config('layered', 0.05))).rejects.toThrow(
        /layered kernel has no contractive penalty/,
      );
      await expect(
        Engine.create(gpu!.device, {
          ...config('layered', 0.05),
          train: { seed: 2, batchSize: 16, kernel: 'chunked' },
        }),
      ).rejects.toThrow(/chunked kernel has no contractive penalty/);
      const pinned = await Engine.create(gpu!.device, config('layered'));
      const straight = await Engine.create(gpu!.device, config('layered'));
      try {
        for (const e of [pinned, straight]) {
          e.setData(data, null);
          e.train(10);
        }
        expect(() => pinned.setOptimizer(config('layered', 0.05).optimizer)).toThrow(
          /no contractive penalty/,
        );
        expect(pinned.kernelChoice).toBe('layered');
        expect(() => pinned.setKernel('fused')).not.toThrow();
        pinned.setKernel('layered');
        // The refused change left the run as it was: it goes on exactly as one never asked.
        pinned.train(10);
        straight.train(10);
        expect(await pinned.readParams()).toEqual(await straight.readParams());
      } finally {
        pinned.dispose();
        straight.dispose();
      }
    });
  });

  it('a pinned fused kernel that cannot take the network is refused and the choice kept; auto and the penalty', async () => {
    const big = { ...config('layered'), spec: buildSpec([2, 32, 32, 32, 32, 1], 'tanh', 'bce') };
    await gpuScope(gpu!.device, async () => {
      const e = await Engine.create(gpu!.device, big);
      try {
        expect(() => e.setKernel('fused')).toThrow(/fused kernel takes networks of at most 2250/);
        expect(e.kernelChoice).toBe('layered');
        expect(() => e.setBatchSize(8)).not.toThrow();
        // Auto takes the layered kernel here (beyond the fused kernel's scalar layout, batch ≥ 8), but
        // never with the penalty, whatever the timings say.
        e.setKernel('auto');
        expect(e.kernelInfo.kernel).toBe('layered');
        e.setOptimizer(config('auto', 0.05).optimizer);
        e.setKernelTimings({ layered: 1e-6, cooperative: 1, general: 1 });
        expect(e.kernelInfo.kernel).toBe('cooperative');
      } finally {
        e.dispose();
      }
    });
  });
});

describe.skipIf(!gpu)('chunked kernel = twin', () => {
  // One chunk, two, a last batch of the epoch smaller than the others (fewer chunks), a chunk of one sample;
  // every optimiser off its defaults; L1 + L2 on the weights (the update tells them from the biases).
  it.each([
    [
      '2-32×11-1 tanh, BCE, adam, batch 256 (two chunks)',
      [2, ...Array<number>(11).fill(32), 1],
      'tanh',
      'bce',
      'adam',
      256,
      3,
    ],
    [
      '2-8-8-8-3 relu, CE, rmsprop, batch 1000 of 1009 (a last batch of 9)',
      [2, 8, 8, 8, 3],
      'relu',
      'ce',
      'rmsprop',
      1000,
      4,
    ],
    ['2-3-1 sigmoid, MSE, momentum, batch 1', [2, 3, 1], 'sigmoid', 'mse', 'momentum', 1, 12],
    ['2-16-16-1 leaky_relu, BCE, sgd, batch 31', [2, 16, 16, 1], 'leaky_relu', 'bce', 'sgd', 31, 12],
  ] as const)('%s', async (_name, sizes, act, loss, kind, batch, steps) => {
    const spec = buildSpec([...sizes], act, loss);
    const optimizer = { ...optimizerOf(kind, RATE[kind]), l1: 0.002, l2: 0.01 };
    const { ratio } = await againstTwin(gpu!.device, 'chunked', spec, optimizer, batch, steps);
    expect(ratio).toBeLessThanOrEqual(1);
  });

  it('several runs of layers, and the same seed gives bitwise the same weights', async () => {
    const spec = buildSpec(
      [2, 8, 8, 8, 8, 8, 1],
      ['tanh', 'tanh', 'relu', 'relu', 'leaky_relu', 'sigmoid'],
      'bce',
      {
        slope: 0.2,
      },
    );
    const optimizer = optimizerOf('adam', 0.01);
    const first = await againstTwin(gpu!.device, 'chunked', spec, optimizer, 77, 12);
    expect(first.ratio).toBeLessThanOrEqual(1);
    const again = await againstTwin(gpu!.device, 'chunked', spec, optimizer, 77, 12);
    expect(again.params).toEqual(first.params);
  });
});
