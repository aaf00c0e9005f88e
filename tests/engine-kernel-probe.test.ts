/**
 * The speed probe on a real WebGPU device: it times the cooperative, layered and general kernels for a network the
 * fused kernel does not take, hands the timings to `auto` (an injected clock flips the choice both ways),
 * leaves the run exactly where it found it, and is skipped on a cache hit or where the fused kernel runs.
 */
import { describe, expect, it } from 'vitest';
import { rings } from './helpers/data';
import { deviceAdapterInfo, isSoftwareAdapter } from '../src/engine/device';
import { Engine } from '../src/engine/engine';
import { probeKernels, probeKey } from '../src/engine/kernelProbe';
import { buildSpec, defaultOptimizer } from '../src/engine/spec';
import type { EngineConfig, KernelKind, KernelTimings } from '../src/engine/types';
import { openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();
const DATA = rings(256, 5);

function config(arch: number[], kernel: 'auto' | KernelKind = 'auto'): EngineConfig {
  return {
    spec: buildSpec(arch, 'tanh', 'mse'),
    optimizer: { ...defaultOptimizer('momentum', 0.05), momentum: 0.6 },
    train: { seed: 3, batchSize: 64, kernel },
  };
}

const WIDE = [2, 32, 32, 1];

async function engine(arch: number[], kernel: 'auto' | KernelKind = 'auto'): Promise<Engine> {
  const e = await Engine.create(gpu!.device, config(arch, kernel));
  e.setData(DATA, null);
  return e;
}

/** A clock under which one kernel's steps take `slow` seconds and the other's 1e-3. */
function clockFavouring(e: Engine, fast: KernelKind): () => number {
  let t = 0;
  let calls = 0;
  return () => {
    calls++;
    if (calls % 2 === 0) t += e.kernelInfo.kernel === fast ? 1e-3 : 1;
    return t;
  };
}

describe.skipIf(!gpu)('the kernel speed probe', () => {
  it('an injected clock flips the choice both ways', async () => {
    for (const fast of ['cooperative', 'layered', 'general'] as const) {
      const e = await engine(WIDE);
      try {
        const timings = await probeKernels(e, { steps: 4, now: clockFavouring(e, fast) });
        expect(Object.keys(timings!).sort()).toEqual(['cooperative', 'general', 'layered']);
        for (const other of ['cooperative', 'layered', 'general'] as const)
          if (other !== fast) expect(timings![fast]).toBeLessThan(timings![other]!);
        expect(e.kernelInfo.kernel).toBe(fast);
        expect(e.kernelChoice).toBe('auto');
      } finally {
        e.dispose();
      }
    }
  });

  it("times the fused kernel's array layout and the chunked kernel where asked and they take the network; not by default on a software adapter", async () => {
    const over = [2, 12, 12, 12, 1]; // 361 parameters: beyond the scalar layout
    for (const fast of ['fused', 'cooperative', 'chunked'] as const) {
      const e = await engine(over);
      try {
        expect(e.fusedFits).toBe(true);
        const timings = await probeKernels(e, {
          steps: 4,
          fused: true,
          chunked: true,
          now: clockFavouring(e, fast),
        });
        expect(Object.keys(timings!).sort()).toEqual([
          'chunked',
          'cooperative',
          'fused',
          'general',
          'layered',
        ]);
        expect(e.kernelInfo.kernel).toBe(fast);
      } finally {
        e.dispose();
      }
    }
    const e = await engine(over);
    try {
      const timings = await probeKernels(e, { steps: 2 });
      const software = isSoftwareAdapter(deviceAdapterInfo(gpu!.device));
      expect('fused' in timings!).toBe(!software);
      expect('chunked' in timings!).toBe(!software);
    } finally {
      e.dispose();
    }
  });

  it('does not time the layered kernel where it cannot run (the contractive penalty)', async () => {
    const e = await engine(WIDE);
    try {
      e.setOptimizer({ ...defaultOptimizer('momentum', 0.05), momentum: 0.6, contractive: 0.01 });
      const timings = await probeKernels(e, { steps: 2, now: clockFavouring(e, 'layered') });
      expect(Object.keys(timings!).sort()).toEqual(['cooperative', 'general']);
      expect(['cooperative', 'general']).toContain(e.kernelInfo.kernel);
    } finally {
      e.dispose();
    }
  });

  it('leaves the run where it found it: the same weights and moments, and the same continuation', async () => {
    const probed = await engine(WIDE);
    const straight = await engine(WIDE);
    try {
      probed.train(20);
      straight.train(20);
      const before = await probed.readState();
      const timings = await probeKernels(probed, { steps: 8, now: clockFavouring(probed, 'cooperative') });
      // The unprobed run is handed the same timings: both go on with the same kernel.
      straight.setKernelTimings(timings!);
      expect(straight.kernelInfo.kernel).toBe('cooperative');
      const after = await probed.readState();
      expect(after.step).toBe(20);
      expect(after.params).toEqual(before.params);
      expect(after.moments).toEqual(before.moments);
      probed.train(30);
      straight.train(30);
      const [a, b] = [await probed.readState(), await straight.readState()];
      expect(a.step).toBe(50);
      expect(a.params).toEqual(b.params);
      expect(a.moments).toEqual(b.moments);
    } finally {
      probed.dispose();
      straight.dispose();
    }
  });

  it('a cache hit applies the kept timings without training; the fused kernel needs no probe', async () => {
    const e = await engine(WIDE);
    const small = await engine([2, 3, 2, 1]);
    try {
      const kept: KernelTimings = { cooperative: 2, general: 1 };
      const cache = new Map([[probeKey(e, 'swift'), kept]]);
      const now = () => {
        throw new Error('a cache hit must not time anything');
      };
      expect(await probeKernels(e, { cache, adapter: 'swift', now })).toBe(kept);
      expect(e.kernelInfo.kernel).toBe('general');
      expect(e.step).toBe(0);
      expect(await probeKernels(small, { now })).toBeNull();
      expect(small.kernelInfo.kernel).toBe('fused');
      // A miss measures and fills the cache under this adapter, shape, optimiser and batch.
      const fresh = new Map<string, KernelTimings>();
      await probeKernels(e, { cache: fresh, adapter: 'other', steps: 2 });
      expect([...fresh.keys()]).toEqual(['other|2-32-32-1|momentum|64']);
      const t = fresh.get('other|2-32-32-1|momentum|64')!;
      expect(t.cooperative! > 0 && t.general! > 0).toBe(true);
    } finally {
      e.dispose();
      small.dispose();
    }
  });
});
