/**
 * The training history: which steps are kept (every step up to 256, then the next kept step after s at
 * most s·(1+ε), at most `capacity` moments however long the run), driven through the recorder the app
 * uses for 10⁶ steps; and on the GPU, that a kept moment holds bit for bit the state of a run stopped
 * at that step.
 */
import { describe, expect, it } from 'vitest';
import { buildSpec, defaultOptimizer } from '../src/engine/spec';
import type { EngineConfig, Stats } from '../src/engine/types';
import { History, type HistoryEntry } from '../src/history/history';
import { HistoryRecorder } from '../src/app/timeline/historyRecorder';
import { GpuTrainer, type Trainer, type TrainerState } from '../src/app/runtime/trainer';
import { rings } from './helpers/data';
import { gpuScope, openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

function entry(step: number): HistoryEntry {
  return {
    step,
    params: new Float32Array([step]),
    moments: null,
    statsStep: null,
    epoch: null,
    trainLoss: null,
    testLoss: null,
    trainAccuracy: null,
    testAccuracy: null,
  };
}

/** Checks the rule over the kept steps: all up to `dense`, then each next one at most s·(1+ε). */
function ruleBreaks(h: History): string | null {
  const steps = h.entries.map((e) => e.step);
  const last = steps[steps.length - 1];
  for (let s = 0; s <= Math.min(h.dense, last); s++) if (steps[s] !== s) return `step ${s} missing`;
  for (let i = 1; i < steps.length; i++) {
    const [a, b] = [steps[i - 1], steps[i]];
    if (b <= a) return `steps out of order at ${a}, ${b}`;
    if (a >= h.dense && b > a * (1 + h.epsilon)) return `gap ${a} → ${b} over ε = ${h.epsilon}`;
  }
  return null;
}

/** A trainer on the CPU clock that only counts steps: the schedule as the app drives it, without a GPU. */
class CountingTrainer {
  step = 0;
  stats: Stats | null = null;
  readNow(): Promise<TrainerState> {
    return Promise.resolve({ params: new Float32Array([this.step]), moments: null, step: this.step });
  }
}

describe('history schedule', () => {
  it('keeps every step up to 256, then the spacing rule, and at most 1,000 moments over 10⁶ steps', async () => {
    const recorder = new HistoryRecorder({ capacity: 1000 });
    const h = recorder.history;
    const trainer = new CountingTrainer();
    let frames = 0;
    let most = 0;
    // Frames of varying length, as full speed asks for; each read lands before the next frame.
    while (trainer.step < 1_000_000) {
      const wanted = 1 + ((frames * 7919) % 5000);
      const n = recorder.allow(trainer as unknown as Trainer, wanted);
      trainer.step += n;
      frames++;
      if (n === 0) await Promise.resolve();
      most = Math.max(most, h.length);
      if (frames % 997 === 0) expect(ruleBreaks(h)).toBeNull();
    }
    await Promise.resolve();
    recorder.allow(trainer as unknown as Trainer, 0);
    await Promise.resolve();
    expect(most).toBeLessThanOrEqual(1000);
    expect(ruleBreaks(h)).toBeNull();
    // Each kept moment holds the state read at its own step.
    for (const e of h.entries) expect(e.params[0]).toBe(e.step);
    // Thinned twice by 10⁶ steps: ε ≈ 1.6 %; still dense early.
    expect(h.level).toBe(2);
    expect(h.epsilon).toBeLessThan(0.02);
    expect(h.length).toBeGreaterThan(700);
    expect(h.entries[256].step).toBe(256);
    // The last kept step is the last grid point at or before 10⁶.
    expect(h.last!.step).toBeLessThanOrEqual(1_000_000);
    expect(h.nextKept(h.last!.step)).toBeGreaterThan(1_000_000);
  });

  it('thins a small history to capacity with the coarser ε, and branches and clears', () => {
    const h = new History({ capacity: 24, dense: 16, epsilon: 1 / 16 });
    for (let s = 0; s <= 5000; s++) if (h.wants(s)) h.record(entry(s));
    expect(h.length).toBeLessThanOrEqual(24);
    expect(h.level).toBeGreaterThan(0);
    expect(ruleBreaks(h)).toBeNull();
    // Moments off the grid or not after the last are refused.
    expect(h.record(entry(h.last!.step))).toBe(false);
    const next = h.nextKept(h.last!.step);
    expect(h.allow(next, 100)).toBe(0);
    expect(h.allow(next - 1, 100)).toBe(1);
    const mid = h.entries[20].step;
    h.dropAfter(mid);
    expect(h.last!.step).toBe(mid);
    expect(h.indexNear(mid + 0.4)).toBe(20);
    h.clear();
    expect([h.length, h.level]).toEqual([0, 0]);
  });

  it('says which option is out of range', () => {
    expect(() => new History({ capacity: 10 })).toThrow(/capacity/);
    expect(() => new History({ epsilon: 1e-4 })).toThrow(/epsilon/);
  });
});

describe('history bounds, on both sides', () => {
  /** Dense up to 8, then the grid 8, 12, 18, 27, 40, 60, 90 … (each ⌊1.5·s⌋). */
  const small = () => new History({ capacity: 12, dense: 8, epsilon: 0.5 });

  it('the dense start ends at `dense`; beyond it only the grid is kept', () => {
    const h = small();
    expect([-1, 0, 7, 8, 9, 11, 12, 13, 17, 18, 19].map((s) => h.isKept(s))).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
      true,
      false,
      false,
      true,
      false,
    ]);
    expect(h.isKept(7.5)).toBe(false);
    // One level coarser: every other grid point (8, 18, 40 …).
    expect([8, 12, 18, 27, 40].map((s) => h.isKept(s, 1))).toEqual([true, false, true, false, true]);
  });

  it('the next kept step: one on in the dense start, the next grid point from `dense` on', () => {
    const h = small();
    expect([0, 6, 7, 7.5, 8, 9, 11, 12, 17, 18].map((s) => h.nextKept(s))).toEqual([
      1, 7, 8, 8, 12, 12, 12, 18, 18, 27,
    ]);
  });

  it('allows steps up to the next kept one, none while a kept step waits to be read', () => {
    const h = small();
    for (let s = 0; s <= 8; s++) h.record(entry(s));
    expect(h.wants(8)).toBe(false);
    expect(h.wants(12)).toBe(true);
    expect(h.allow(8, 100)).toBe(4);
    expect([h.allow(9, 2), h.allow(9, 3), h.allow(9, 4)]).toEqual([2, 3, 3]);
    expect([h.allow(9, 0), h.allow(9, -1)]).toEqual([0, 0]);
    expect(h.allow(12, 1)).toBe(0);
    expect(h.record(entry(11))).toBe(false);
    expect(h.record(entry(12))).toBe(true);
    expect(h.wants(12)).toBe(false);
  });

  it('thins only when over capacity, not on reaching it', () => {
    const h = small();
    for (const s of [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 18, 27]) h.record(entry(s));
    expect([h.length, h.level]).toEqual([12, 0]);
    h.record(entry(40));
    expect(h.level).toBe(1);
    expect(h.entries.map((e) => e.step).slice(8)).toEqual([8, 18, 40]);
  });

  it('refuses options one step outside their range, takes them at it', () => {
    expect(() => new History({ capacity: 11, dense: 8, epsilon: 0.5 })).toThrow(/capacity/);
    expect(new History({ capacity: 12, dense: 8, epsilon: 0.5 }).capacity).toBe(12);
    expect(() => new History({ capacity: 12, dense: 8, epsilon: 0.124 })).toThrow(/epsilon/);
    expect(new History({ capacity: 12, dense: 8, epsilon: 0.125 }).epsilon0).toBe(0.125);
    expect(new History({ capacity: 12, dense: 8, epsilon: 1 }).epsilon0).toBe(1);
    expect(() => new History({ capacity: 12, dense: 8, epsilon: 1.001 })).toThrow(/epsilon/);
    expect(() => new History({ capacity: 12, dense: 0, epsilon: 1 })).toThrow(/dense/);
    expect(new History({ capacity: 5, dense: 1, epsilon: 1 }).dense).toBe(1);
    expect(() => new History({ capacity: 4, dense: 1, epsilon: 1 })).toThrow(/capacity/);
  });

  it('the moment nearest a step: exactly between two, the earlier; a hair past the middle, the later', () => {
    const h = small();
    for (const s of [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 18]) h.record(entry(s));
    const at = (step: number) => h.entries[h.indexNear(step)].step;
    expect([at(10), at(10.000001), at(9.999999), at(12), at(15), at(15.000001), at(18), at(1e9)]).toEqual([
      8, 12, 8, 12, 12, 18, 18, 18,
    ]);
    expect([at(-5), at(0), at(0.5), at(0.500001)]).toEqual([0, 0, 0, 1]);
    expect(new History().indexNear(3)).toBe(-1);
  });

  it('dropAfter keeps the step itself', () => {
    const h = small();
    for (const s of [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 18]) h.record(entry(s));
    h.dropAfter(12);
    expect(h.last!.step).toBe(12);
    h.dropAfter(11.5);
    expect(h.last!.step).toBe(8);
  });

  it('thinnedTo: exactly `max` moments stay as they are; one fewer thins', () => {
    const h = small();
    for (const s of [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 18, 27]) h.record(entry(s));
    const all = h.thinnedTo(12);
    expect([all.entries.length, all.level, all.denseStride]).toEqual([12, 0, 1]);
    const fewer = h.thinnedTo(11);
    expect(fewer.entries.length).toBeLessThanOrEqual(11);
    expect(fewer.entries.length).toBeGreaterThanOrEqual(8);
    expect(() => h.thinnedTo(0)).toThrow(/max ≥ 1/);
    // Down to one moment (a wide network's file holds one): the dense start thins to step 0, then the
    // sparse part to nothing; this never ends where it stops at one sparse moment beside step 0.
    expect(h.thinnedTo(1).entries.map((e) => e.step)).toEqual([0]);
    expect(h.thinnedTo(2).entries.length).toBeLessThanOrEqual(2);
  });
});

function bits(a: Float32Array | null): string {
  return a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex') : 'null';
}

describe.skipIf(!gpu)('history on the GPU', () => {
  // Adam with β₁ ≠ the default, so the moments differ from step to step in both halves.
  const config: EngineConfig = {
    spec: buildSpec([2, 3, 2, 1], 'tanh', 'mse'),
    optimizer: { ...defaultOptimizer('adam', 0.03), beta1: 0.8 } as EngineConfig['optimizer'],
    train: { seed: 5, batchSize: 16 },
  };
  const train = rings(120, 3);

  it('keeps at each kept step exactly the state of a run stopped there', async () => {
    await gpuScope(gpu!.device, async () => {
      const trainer = await GpuTrainer.create(gpu!.device, config);
      const recorder = new HistoryRecorder({ capacity: 24, dense: 16, epsilon: 1 / 16 });
      try {
        trainer.setData(train, null);
        let frames = 0;
        while (trainer.step < 90) {
          // Frames ask for 5 to 11 steps; the recorder stops them at each kept step.
          const n = recorder.allow(trainer, 5 + (frames++ % 7));
          if (n > 0) trainer.train(n);
          else await new Promise((r) => setTimeout(r, 1));
        }
        while (recorder.busy) await new Promise((r) => setTimeout(r, 1));
        const kept = recorder.history.entries;
        expect(kept.length).toBeGreaterThan(16);
        expect(ruleBreaks(recorder.history)).toBeNull();
        const check = [kept[0], kept[7], kept[16], kept[kept.length - 2], kept[kept.length - 1]];
        for (const e of check) {
          const fresh = await GpuTrainer.create(gpu!.device, config);
          try {
            fresh.setData(train, null);
            fresh.train(e.step);
            const want = await fresh.readNow();
            expect(want.step).toBe(e.step);
            expect(bits(e.params), `weights at step ${e.step}`).toBe(bits(want.params));
            expect(bits(e.moments), `moments at step ${e.step}`).toBe(bits(want.moments));
          } finally {
            fresh.dispose();
          }
        }
        // Training on from a kept moment (weights, moments, step) reproduces the original continuation.
        const from = kept[12];
        const to = kept[kept.length - 1];
        const resumed = await GpuTrainer.create(gpu!.device, config);
        try {
          resumed.setData(train, null);
          resumed.restore({ params: from.params, moments: from.moments, step: from.step });
          resumed.train(to.step - from.step);
          const got = await resumed.readNow();
          expect(got.step).toBe(to.step);
          expect(bits(got.params), 'resumed weights').toBe(bits(to.params));
          expect(bits(got.moments), 'resumed moments').toBe(bits(to.moments));
        } finally {
          resumed.dispose();
        }
      } finally {
        recorder.dispose();
        trainer.dispose();
      }
    });
  });
});
