/**
 * colah's k-NN output on the GPU's general path against the twin: 30 steps with every optimiser off its
 * default coefficients (μ 0.8, ρ 0.85, β1 0.7, β2 0.95), dense and vector-field networks; the statistics
 * (each set voted by the training set's representations); the other kernels' refusals.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/engine/engine';
import { GridTransform } from '../src/engine/grid';
import { KnnGrid } from '../src/engine/knnGrid';
import { knnClass, knnVotes } from '../src/engine/knnTwin';
import { KERNEL_REGISTRY } from '../src/engine/kernels/registry';
import type { NetworkSpec, Optimizer } from '../src/engine/spec';
import { unusual } from './helpers/kernel-cases';
import { DEFAULT_KNN, buildSpec, defaultOptimizer } from '../src/engine/spec';
import { TwinTrainer, forward } from '../src/engine/twin';
import type { EngineConfig } from '../src/engine/types';
import { parseArchLayers } from '../src/experiment/experiment';
import { worstRatio } from './helpers/compare';
import { blobs } from './helpers/data';
import { gpuScope, openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

function specOf(arch: string, activation = 'tanh', epsilon = 1e-3): NetworkSpec {
  const { arch: sizes, fields } = parseArchLayers(arch);
  return buildSpec(sizes, activation, 'ce', { fields, knn: { k: 8, epsilon } });
}

const RATE: Record<Optimizer, number> = { sgd: 0.1, momentum: 0.03, rmsprop: 0.005, adam: 0.01 };

const CASES: { arch: string; activation: string; classes: number; opt: Optimizer; epsilon?: number }[] = [
  { arch: '2-5-2', activation: 'tanh', classes: 2, opt: 'sgd' },
  { arch: '2-4-3', activation: 'tanh,tanh', classes: 3, opt: 'momentum' },
  { arch: '2-vf6-3-2', activation: 'tanh', classes: 3, opt: 'rmsprop', epsilon: 0.05 },
  { arch: '2-6-4-1', activation: 'sigmoid', classes: 2, opt: 'adam' },
];

describe.skipIf(!gpu)('k-NN output: the general path against the twin', () => {
  it.each(CASES)('$arch $activation $opt: 30 steps and the statistics agree', async (c) => {
    const spec = specOf(c.arch, c.activation, c.epsilon);
    const data = blobs(48, c.classes, 5);
    const test = blobs(18, c.classes, 6);
    const config: EngineConfig = {
      spec,
      optimizer: { ...unusual(c.opt, RATE[c.opt]), l2: 0.01 },
      train: { seed: 3, batchSize: 12 },
    };
    const twin = new TwinTrainer(config);
    twin.setData(data, test);
    twin.train(30);
    await gpuScope(gpu!.device, async () => {
      const engine = await Engine.create(gpu!.device, config);
      try {
        engine.setData(data, test);
        expect(engine.kernelInfo.kernel).toBe('general');
        engine.train(30);
        const state = await engine.readState();
        expect(worstRatio(state.params, twin.params, 2e-5, 2e-4)).toBeLessThanOrEqual(1);
        const stats = await engine.stats();
        const want = twin.stats();
        expect(stats.step).toBe(30);
        expect(Math.abs(stats.train.loss - want.train.loss)).toBeLessThan(1e-4);
        expect(stats.test!.accuracy).toBeCloseTo(want.test!.accuracy!, 6);
        // The last batch's k-NN loss, as the twin computes it for that batch.
        expect(stats.lastBatchLoss).toBeGreaterThan(0);
      } finally {
        engine.dispose();
      }
    });
  });
});

describe.skipIf(!gpu)('k-NN output: the regions over the grid', () => {
  it('each vertex takes the class of its k nearest training points, as the twin votes', async () => {
    const spec = specOf('2-6-2');
    const data = blobs(60, 3, 7);
    const config: EngineConfig = {
      spec,
      optimizer: defaultOptimizer('adam', 0.02),
      train: { seed: 4, batchSize: 12 },
    };
    await gpuScope(gpu!.device, async () => {
      const engine = await Engine.create(gpu!.device, config);
      const count = 144;
      const grid = new GridTransform(engine, count);
      const regions = new KnnGrid(engine, grid, data);
      try {
        engine.setData(data, null);
        engine.train(20);
        const params = Float64Array.from(await engine.readParams());
        const pts = new Float32Array(2 * count).map((_, i) =>
          i % 2 ? Math.floor(i / 24) / 3 - 2 : ((i >> 1) % 12) / 3 - 2,
        );
        grid.setPoints(pts, count);
        regions.run(count);
        const got = await regions.read(count);
        const rep = (x: ArrayLike<number>) => forward(spec, params, x).post[2];
        const refs = Array.from(data.y, (_, j) => rep(data.x.subarray(2 * j, 2 * j + 2)));
        let checked = 0;
        for (let v = 0; v < count; v++) {
          const votes = knnVotes(rep(pts.subarray(2 * v, 2 * v + 2)), refs, data.y, 3, 8, 1e-3);
          const total = votes.reduce((a, b) => a + b, 0);
          const sorted = [...votes].sort((a, b) => b - a);
          if ((sorted[0] - sorted[1]) / total < 1e-3) continue; // a near tie: float32 may go either way
          expect(got[2 * v], `vertex ${v}`).toBe(knnClass(votes));
          expect(got[2 * v + 1]).toBeCloseTo(sorted[0] / total, 4);
          checked++;
        }
        expect(checked).toBeGreaterThan(count * 0.9);
        expect(new Set(Array.from({ length: count }, (_, v) => got[2 * v])).size).toBe(3);
      } finally {
        regions.dispose();
        grid.dispose();
        engine.dispose();
      }
    });
  });
});

describe('k-NN output: only the general path takes it', () => {
  it('fused, cooperative, layered and chunked refuse it in one line', () => {
    const spec = specOf('2-4-2');
    const run = {
      spec,
      optimizer: defaultOptimizer('adam', 0.01),
      batch: 16,
      workgroupStorage: 16384,
      software: true,
    };
    for (const kernel of KERNEL_REGISTRY) {
      expect(kernel.fits(run), kernel.kind).toBe(kernel.kind === 'general');
      if (kernel.kind !== 'general') {
        expect(kernel.refusal(run)).toBe(
          `the ${kernel.kind} kernel has no k-NN output: choose the general kernel, or auto`,
        );
      }
    }
    expect(DEFAULT_KNN).toEqual({ k: 8, epsilon: 1e-3 });
  });
});
