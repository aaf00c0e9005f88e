/**
 * A hand edit on the GPU: one parameter written in place (4 bytes) changes exactly that parameter, the
 * statistics measured afterwards are the twin's on the new weights (a measurement asked for before the
 * write is dropped and asked again), and fresh moments leave the weights as they are.
 */
import { describe, expect, it } from 'vitest';
import { GpuTrainer } from '../src/app/runtime/trainer';
import { Engine } from '../src/engine/engine';
import { paramIndex } from '../src/engine/paramRef';
import { buildSpec, defaultOptimizer } from '../src/engine/spec';
import { evaluate } from '../src/engine/twin';
import type { EngineConfig } from '../src/engine/types';
import { rings } from './helpers/data';
import { gpuScope, openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

const SPEC = buildSpec([2, 3, 1], 'tanh', 'mse');
const CONFIG: EngineConfig = {
  spec: SPEC,
  optimizer: defaultOptimizer('adam', 0.03),
  train: { seed: 4, batchSize: 16 },
};
const TRAIN = rings(120, 1);
const TEST = rings(40, 2);
const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Until `done()` holds (the trainer's reads land between polls). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(done()).toBe(true);
}

describe.skipIf(!gpu)('hand edits on the GPU', () => {
  it('an in-place write changes exactly that parameter; the moments reset alone', async () => {
    await gpuScope(gpu!.device, async () => {
      const engine = await Engine.create(gpu!.device, CONFIG);
      try {
        engine.setData(TRAIN, TEST);
        engine.train(20);
        const before = await engine.readState();
        const w = paramIndex(SPEC, { kind: 'weight', layer: 1, to: 0, from: 2 });
        const b = paramIndex(SPEC, { kind: 'bias', layer: 0, to: 1 });
        engine.writeParams(Float32Array.of(-1.25), w);
        engine.writeParams(Float32Array.of(Math.fround(0.1)), b);
        const after = await engine.readState();
        const want = Float32Array.from(before.params);
        want[w] = -1.25;
        want[b] = Math.fround(0.1);
        expect(bits(after.params)).toEqual(bits(want));
        expect(bits(after.moments)).toEqual(bits(before.moments));
        expect(after.moments.some((m) => m !== 0)).toBe(true);
        engine.resetMoments();
        const fresh = await engine.readState();
        expect(bits(fresh.params)).toEqual(bits(want));
        expect(fresh.moments.every((m) => m === 0)).toBe(true);
        expect(fresh.step).toBe(20);
        expect(() => engine.writeParams(Float32Array.of(1, 2), engine.paramCount - 1)).toThrow(
          /parameters for this network/,
        );
      } finally {
        engine.dispose();
      }
    });
  });

  it("the statistics after an edit are the twin's on the new weights, even with a read in flight", async () => {
    await gpuScope(gpu!.device, async () => {
      const trainer = await GpuTrainer.create(gpu!.device, CONFIG);
      try {
        trainer.setData(TRAIN, TEST);
        trainer.train(30);
        const state = await trainer.readNow();
        // A measurement of the old weights is under way when the output bias is set high: every point is
        // then called class 1, and the accuracy falls to the share of that class.
        trainer.refreshStats();
        const bias = paramIndex(SPEC, { kind: 'bias', layer: 1, to: 0 });
        trainer.writeParam(bias, 8);
        expect(trainer.params[bias]).toBe(8);
        await until(() => trainer.stats !== null);
        const params = Float32Array.from(state.params);
        params[bias] = 8;
        const train = evaluate(SPEC, params, TRAIN, true);
        const test = evaluate(SPEC, params, TEST, true);
        const st = trainer.stats!;
        expect(st.train.accuracy).toBe(train.accuracy);
        expect(st.test!.accuracy).toBe(test.accuracy);
        expect(st.train.loss).toBeCloseTo(train.loss, 4);
        expect(st.step).toBe(30);
        const old = evaluate(SPEC, state.params, TRAIN, true);
        expect(old.accuracy).not.toBe(train.accuracy);
      } finally {
        trainer.dispose();
      }
    });
  });
});
