/**
 * The vector-field layer on the GPU: the general path against the twin over 30 steps with every optimiser
 * off its default coefficients (μ, ρ, β1, β2 distinct, so a mix-up shows), the grid transform against the
 * twin at sampled vertices, and every other kernel's refusal (no GPU needed for those).
 * Time budget: a few seconds on SwiftShader (tiny networks, 40 points).
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/engine/engine';
import { GridTransform } from '../src/engine/grid';
import { KERNEL_REGISTRY } from '../src/engine/kernels/registry';
import { checkConfig } from '../src/engine/populationConfig';
import type { NetworkSpec, Optimizer } from '../src/engine/spec';
import { unusual } from './helpers/kernel-cases';
import { buildSpec, defaultOptimizer } from '../src/engine/spec';
import { TwinTrainer, initParams, transformPoints } from '../src/engine/twin';
import type { EngineConfig } from '../src/engine/types';
import { parseArchLayers } from '../src/experiment/experiment';
import { blobs } from './helpers/data';
import { worstRatio } from './helpers/compare';
import { gpuScope, openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

function specOf(arch: string, loss: 'mse' | 'bce' | 'ce', learnCentres = false): NetworkSpec {
  const { arch: sizes, fields } = parseArchLayers(arch);
  const spec = buildSpec(sizes, 'tanh', loss, { fields });
  for (const l of spec.layers) if (l.field && learnCentres) l.field.learnCentres = true;
  return spec;
}

const RATE: Record<Optimizer, number> = { sgd: 0.3, momentum: 0.1, rmsprop: 0.02, adam: 0.03 };

const CASES: {
  arch: string;
  loss: 'mse' | 'bce' | 'ce';
  classes: number;
  opt: Optimizer;
  learn?: boolean;
}[] = [
  { arch: '2-vf6-1', loss: 'mse', classes: 2, opt: 'sgd' },
  { arch: '2-vf4-vf4-1', loss: 'bce', classes: 2, opt: 'momentum' },
  { arch: '2-3-vf5-3', loss: 'ce', classes: 3, opt: 'rmsprop', learn: true },
  { arch: '2-vf4-2-vf3-1', loss: 'bce', classes: 2, opt: 'adam', learn: true },
  { arch: '2-vf6-1', loss: 'mse', classes: 2, opt: 'adam' },
];

describe.skipIf(!gpu)('vector-field layer: the general path against the twin', () => {
  it.each(CASES)('$arch $loss $opt$learn: 30 steps agree, anchors placed alike', async (c) => {
    const spec = specOf(c.arch, c.loss, c.learn);
    const data = blobs(40, c.classes, 2);
    const test = blobs(16, c.classes, 3);
    const config: EngineConfig = {
      spec,
      optimizer: { ...unusual(c.opt, RATE[c.opt]), l2: 0.01 },
      train: { seed: 5, batchSize: 12 },
    };
    const twin = new TwinTrainer(config);
    twin.setData(data, test);
    const start = Float32Array.from(twin.params);
    twin.train(30);
    await gpuScope(gpu!.device, async () => {
      const engine = await Engine.create(gpu!.device, config);
      try {
        engine.setData(data, test);
        expect(engine.kernelInfo.kernel).toBe('general');
        expect(await engine.readParams()).toEqual(start);
        engine.train(30);
        const state = await engine.readState();
        expect(worstRatio(state.params, twin.params, 2e-5, 2e-4)).toBeLessThanOrEqual(1);
        expect(worstRatio(state.moments, twin['state'], 1e-5, 1e-3)).toBeLessThanOrEqual(1);
        const stats = await engine.stats();
        const want = twin.stats();
        expect(Math.abs(stats.train.loss - want.train.loss)).toBeLessThan(1e-4);
        expect(stats.train.accuracy).toBeCloseTo(want.train.accuracy!, 6);
        expect(Math.abs(stats.test!.loss - want.test!.loss)).toBeLessThan(1e-4);
      } finally {
        engine.dispose();
      }
    });
  });

  it('the grid transform pushes every vertex through the field layers as the twin does', async () => {
    const spec = specOf('2-vf8-3-vf4-1', 'bce');
    const data = blobs(40, 2, 4);
    const config: EngineConfig = {
      spec,
      optimizer: defaultOptimizer('adam', 0.05),
      train: { seed: 2, batchSize: 10 },
    };
    await gpuScope(gpu!.device, async () => {
      const engine = await Engine.create(gpu!.device, config);
      const grid = new GridTransform(engine, 49);
      try {
        engine.setData(data, null);
        engine.train(25);
        expect(grid.kernel).toBe('general');
        const params = await engine.readParams();
        const count = 49;
        const pts = new Float32Array(2 * count).map((_, i) => ((i * 37) % 23) / 7 - 1.6);
        grid.setPoints(pts, count);
        grid.run(count);
        const got = await grid.read();
        const want = transformPoints(spec, Float64Array.from(params), pts, count);
        expect(worstRatio(got, want.data, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
        // The field moved the plane: its output is not its input everywhere.
        const r = want.layout;
        let moved = 0;
        for (let k = 0; k < 2 * count; k++)
          moved = Math.max(moved, Math.abs(want.data[r.offset[2] + k] - pts[k]));
        expect(moved).toBeGreaterThan(1e-3);
      } finally {
        grid.dispose();
        engine.dispose();
      }
    });
  });
});

describe('vector-field layer: the kernels that take dense layers only refuse it', () => {
  const spec = specOf('2-3-vf4-1', 'mse');
  const run = {
    spec,
    optimizer: defaultOptimizer('adam', 0.01),
    batch: 16,
    workgroupStorage: 16384,
    software: true,
  };
  it('fused, cooperative, layered and chunked refuse with one clear line; general takes it', () => {
    for (const kernel of KERNEL_REGISTRY) {
      if (kernel.kind === 'general') {
        expect(kernel.fits(run)).toBe(true);
        expect(kernel.refusal(run)).toBeNull();
        continue;
      }
      expect(kernel.fits(run), kernel.kind).toBe(false);
      expect(kernel.refusal(run)).toBe(
        `the ${kernel.kind} kernel trains dense layers only; layer 2 is a vector-field layer: choose the general kernel, or auto`,
      );
    }
  });

  it('the population refuses it', () => {
    expect(() =>
      checkConfig(
        { spec, optimizer: run.optimizer, batchSize: 16, members: [{ seed: 1, learningRate: 0.1 }] },
        1,
      ),
    ).toThrow(/population kernel trains dense layers only/);
  });

  it.skipIf(!gpu)('a pinned kernel is refused at creation; the fused grid too', async () => {
    await gpuScope(gpu!.device, async () => {
      const config = (kernel: 'cooperative' | 'general'): EngineConfig => ({
        spec,
        optimizer: run.optimizer,
        train: { seed: 1, batchSize: 8, kernel },
      });
      await expect(Engine.create(gpu!.device, config('cooperative'))).rejects.toThrow(/dense layers only/);
      const engine = await Engine.create(gpu!.device, config('general'));
      try {
        expect(() => new GridTransform(engine, 4, { kernel: 'fused' })).toThrow(/dense layers only/);
        expect(() => engine.setKernel('layered')).toThrow(/layered kernel trains dense layers only/);
        expect(engine.kernelInfo.kernel).toBe('general');
        // The anchors wait for the data: before it, the seed's weights without them.
        expect(await engine.readParams()).toEqual(initParams(spec, 1));
      } finally {
        engine.dispose();
      }
    });
  });
});
