/**
 * The kernel registry: the kernel choice, the speed probe, `npm run wgsl` and the kernel tests all read the
 * one list (a dummy kernel added to it is picked up by each), and every kernel `npm run wgsl` prints (every
 * registered training kernel, the grid and the evaluation kernel) is the engine's own code and compiles on
 * the WebGPU adapter.
 */
import { describe, expect, it, vi } from 'vitest';
import { wgslFromArgs } from '../src/cli/wgsl';
import { Engine } from '../src/engine/engine';
import { forgetPipelines } from '../src/engine/pipelineCache';
import type { Kernel } from '../src/engine/kernels/kernel';
import { KERNEL_REGISTRY, kernelKinds } from '../src/engine/kernels/registry';
import { buildSpec, defaultOptimizer } from '../src/engine/spec';
import type { KernelKind } from '../src/engine/types';
import { rings } from './helpers/data';
import { compileErrors, gpuScope, openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

const DUMMY = 'dummy' as KernelKind;

/** A kernel that takes every run and would win any measurement. */
const dummy: Kernel = {
  kind: DUMMY,
  fits: () => true,
  refusal: () => null,
  competes: () => true,
  oneWorkgroup: false,
  tieRank: -1,
  probe: 'always',
  sharedScratch: false,
  wgsl: () => '// the dummy kernel',
  create: () => ({ prepare: () => ({ encode: () => undefined }) }),
};

/** The modules that read the registry, loaded afresh over a registry that holds the dummy kernel. */
async function withDummy() {
  vi.resetModules();
  const registry = await import('../src/engine/kernels/registry');
  registry.KERNEL_REGISTRY.push(dummy);
  return {
    registry,
    choice: await import('../src/engine/kernelChoice'),
    probe: await import('../src/engine/kernelProbe'),
    wgsl: await import('../src/cli/wgsl'),
    helpers: await import('./helpers/gpu'),
  };
}

/** Just enough of an engine for the probe: it records which kernels it was asked to run. */
function fakeEngine(ran: string[]): Engine {
  let kernel: 'auto' | KernelKind = 'auto';
  const fake = {
    device: { limits: {} },
    spec: buildSpec([2, 32, 32, 1], 'tanh', 'mse'),
    optimizerKind: 'sgd',
    batchSize: 32,
    get kernelChoice() {
      return kernel;
    },
    kernelInfo: { kernel: 'cooperative', subgroupSize: null },
    fits: () => true,
    readState: () => Promise.resolve({ params: new Float32Array(1), moments: new Float32Array(2), step: 0 }),
    setKernel(k: 'auto' | KernelKind) {
      kernel = k;
      if (k !== 'auto') ran.push(k);
    },
    train: () => undefined,
    progress: () => Promise.resolve({ step: 0, divergedAtStep: null, lastBatchLoss: 0 }),
    restore: () => undefined,
    setKernelTimings: () => undefined,
  };
  return fake as unknown as Engine;
}

describe('one registry of kernels', () => {
  it('lists the five kernels in their order', () => {
    expect(kernelKinds()).toEqual(['fused', 'cooperative', 'layered', 'chunked', 'general']);
    expect(new Set(KERNEL_REGISTRY.map((k) => k.tieRank)).size).toBe(KERNEL_REGISTRY.length);
  });

  it('a kernel added to the list reaches the choice, the probe, npm run wgsl and the kernel tests', async () => {
    const before = { ran: [] as string[] };
    const { probeKernels: probeBefore } = await import('../src/engine/kernelProbe');
    await probeBefore(fakeEngine(before.ran), { steps: 1, now: () => 0, fused: false, chunked: false });
    expect(before.ran).not.toContain(DUMMY);

    const { registry, choice, probe, wgsl, helpers } = await withDummy();
    try {
      expect(registry.kernelKinds()).toContain(DUMMY);
      // The choice: measured fastest, it wins over the cooperative and general kernels.
      const timings = { cooperative: 1, general: 1, [DUMMY]: 1e-4 };
      expect(choice.chooseKernel({ fused: false }, 64, 5000, timings)).toBe(DUMMY);
      // The probe times it.
      const ran: string[] = [];
      await probe.probeKernels(fakeEngine(ran), { steps: 1, now: () => 0, fused: false, chunked: false });
      expect(ran).toContain(DUMMY);
      // npm run wgsl prints it.
      expect(wgsl.wgslKernels()).toContain(DUMMY);
      expect(wgsl.wgslFromArgs(['--arch', '2-3-1', '--kernel', DUMMY]).code).toBe('// the dummy kernel');
      // The kernel tests pin it.
      expect(helpers.KERNEL_CHOICES).toContain(DUMMY);
      expect(helpers.CONTRACTIVE_CHOICES).toContain(DUMMY);
    } finally {
      vi.resetModules();
    }
  });
});

/** Shapes and optimisers the printed kernels are compiled for: small, deep, wide, and a softmax. */
const PRINTED: string[][] = [
  ['--arch', '2-3-2-1'],
  ['--arch', '2-32-32-1', '--optimizer', 'adam', '--loss', 'bce', '--activation', 'relu'],
  ['--arch', '2-8-8-8-8-3', '--optimizer', 'rmsprop', '--loss', 'ce'],
  ['--arch', '2-16-1', '--optimizer', 'momentum', '--contractive'],
];

describe.skipIf(!gpu)('every kernel npm run wgsl prints', () => {
  it.each(PRINTED.map((argv) => [argv.join(' '), argv] as const))(
    'compiles on the adapter: %s',
    async (_, argv) => {
      const contractive = argv.includes('--contractive');
      const kinds = [...kernelKinds(), 'grid', 'evaluate'].filter(
        (k) => !(contractive && (k === 'layered' || k === 'chunked')),
      );
      for (const kind of kinds) {
        const { code } = wgslFromArgs([...argv, '--kernel', kind]);
        expect(code.length).toBeGreaterThan(0);
        expect(await compileErrors(gpu!.device, `${argv.join(' ')} --kernel ${kind}`, code)).toEqual([]);
      }
    },
  );

  it.each(kernelKinds())('%s: what it prints is what the engine compiles', async (kind) => {
    const device = gpu!.device;
    const spec = buildSpec([2, 6, 6, 1], 'tanh', 'mse');
    const printed = wgslFromArgs(['--arch', '2-6-6-1', '--optimizer', 'adam', '--kernel', kind]).code;
    // Another engine on this device may have compiled the same code already: start with nothing cached.
    forgetPipelines(device);
    await gpuScope(device, async () => {
      const compiled: string[] = [];
      const create = device.createShaderModule.bind(device);
      const spy = vi.spyOn(device, 'createShaderModule').mockImplementation((d) => {
        compiled.push(d.code);
        return create(d);
      });
      try {
        const engine = await Engine.create(device, {
          spec,
          optimizer: defaultOptimizer('adam', 0.01),
          train: { seed: 1, batchSize: 16, kernel: kind, subgroups: false },
        });
        engine.setData(rings(40, 3), null);
        expect(engine.kernelInfo.kernel).toBe(kind);
        engine.dispose();
      } finally {
        spy.mockRestore();
      }
      expect(compiled).toContain(printed);
    });
  });
});
