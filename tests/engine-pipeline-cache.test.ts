/**
 * The device's pipeline cache: an engine built again for a network the device compiled reuses every pipeline
 * and trains bit for bit as the first did; a network that differs in one part of the key (a width, the
 * optimiser, the reduction, the contractive penalty) compiles its own; WGSL that fails to compile is not handed out again; the cache is
 * bounded.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/engine/engine';
import { PIPELINE_CACHE_SIZE, cachedPipelines, pipelineCacheCounts } from '../src/engine/pipelineCache';
import { buildSpec, defaultOptimizer, type Optimizer } from '../src/engine/spec';
import type { EngineConfig } from '../src/engine/types';
import { rings } from './helpers/data';
import { gpuScope, openTestGpu, pinKernel, type KernelChoice } from './helpers/gpu';

const gpu = await openTestGpu();
const TRAIN = rings(64, 1);

function config(arch: number[], optimizer: Optimizer, kernel: KernelChoice): EngineConfig {
  return {
    spec: buildSpec(arch, 'tanh', 'mse'),
    optimizer: defaultOptimizer(optimizer, 0.05),
    train: { seed: 3, batchSize: 16, ...pinKernel(kernel) },
  };
}

function contractive(c: EngineConfig): EngineConfig {
  return { ...c, optimizer: { ...c.optimizer, contractive: 0.01 } };
}

/** Builds an engine, trains 20 steps, and returns its weights and how many pipelines the build compiled. */
async function build(c: EngineConfig): Promise<{ params: Float32Array; compiled: number }> {
  const device = gpu!.device;
  return gpuScope(device, async () => {
    const before = pipelineCacheCounts(device).created;
    const engine = await Engine.create(device, c);
    try {
      engine.setData(TRAIN, null);
      engine.train(20);
      const params = await engine.readParams();
      return { params, compiled: pipelineCacheCounts(device).created - before };
    } finally {
      engine.dispose();
    }
  });
}

describe.skipIf(!gpu)('the pipeline cache', () => {
  it('a second engine of the same network compiles nothing and trains bit for bit the same', async () => {
    for (const kernel of ['fused-workgroup', 'general'] as const) {
      const first = await build(config([2, 3, 2, 1], 'adam', kernel));
      const again = await build(config([2, 3, 2, 1], 'adam', kernel));
      expect(first.compiled, kernel).toBeGreaterThan(0);
      expect(again.compiled, kernel).toBe(0);
      expect(Buffer.from(again.params.buffer).equals(Buffer.from(first.params.buffer)), kernel).toBe(true);
    }
  });

  it('a network differing in one part of the key compiles its own pipelines', async () => {
    await build(config([2, 3, 2, 1], 'adam', 'fused-workgroup'));
    const compiled = [
      (await build(config([2, 4, 2, 1], 'adam', 'fused-workgroup'))).compiled,
      (await build(config([2, 3, 2, 1], 'rmsprop', 'fused-workgroup'))).compiled,
      (await build(config([2, 3, 2, 1], 'adam', 'fused-subgroups'))).compiled,
      // The general kernel reads the network from a table; the contractive penalty is compiled in.
      (await build(contractive(config([2, 3, 2, 1], 'adam', 'general')))).compiled,
    ];
    for (const n of compiled) expect(n).toBeGreaterThan(0);
  });

  it('WGSL that does not compile is not handed out again, and the cache keeps at most its size', async () => {
    const device = gpu!.device;
    const bad = '@compute @workgroup_size(1) fn main() { let x: f32 = 1u; }';
    device.pushErrorScope('validation');
    cachedPipelines(device, 'Test.bad', bad, 'auto', ['main']);
    expect(await device.popErrorScope()).not.toBeNull();
    // The compiler's messages arrive asynchronously; the entry is gone once they have.
    await device.queue.onSubmittedWorkDone();
    await new Promise((r) => setTimeout(r, 50));
    const before = pipelineCacheCounts(device).created;
    device.pushErrorScope('validation');
    cachedPipelines(device, 'Test.bad', bad, 'auto', ['main']);
    expect(await device.popErrorScope()).not.toBeNull();
    expect(pipelineCacheCounts(device).created).toBe(before + 1);

    await gpuScope(device, async () => {
      for (let i = 0; i < PIPELINE_CACHE_SIZE + 5; i++) {
        const code = `@compute @workgroup_size(${i + 1}) fn main() {}`;
        cachedPipelines(device, 'Test.tiny', code, 'auto', ['main']);
      }
    });
    expect(pipelineCacheCounts(device).held).toBe(PIPELINE_CACHE_SIZE);
    // The most recent stays; the first is compiled again.
    const held = pipelineCacheCounts(device).created;
    cachedPipelines(
      device,
      'Test.tiny',
      `@compute @workgroup_size(${PIPELINE_CACHE_SIZE + 5}) fn main() {}`,
      'auto',
      ['main'],
    );
    expect(pipelineCacheCounts(device).created).toBe(held);
    await gpuScope(device, async () => {
      cachedPipelines(device, 'Test.tiny', '@compute @workgroup_size(1) fn main() {}', 'auto', ['main']);
    });
    expect(pipelineCacheCounts(device).created).toBe(held + 1);
  });
});
