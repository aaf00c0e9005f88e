/**
 * The training history in a model file: every kept moment survives export and import bit for bit (weights
 * and optimiser moments, odd float32 values included), a history over its limits is thinned on export with
 * the spacing rule's shape, and a bad history is refused whole with the field at fault.
 */
import { describe, expect, it } from 'vitest';
import { History, type HistoryEntry } from '../src/history/history';
import { buildSpec, paramLayout } from '../src/engine/spec';
import { ShareError } from '../src/share/errors';
import { floatsToBase64 } from '../src/share/float32Base64';
import { exportModel } from '../src/share/modelExport';
import {
  HISTORY_MAX_BYTES,
  HISTORY_MAX_MOMENTS,
  MAX_STEP,
  type ModelMoment,
  historyCapacity,
} from '../src/share/modelFormat';
import { importModel } from '../src/share/modelImport';

const spec = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
const P = paramLayout(spec).count;

/** Float32 values with awkward bits: −0, subnormals, the largest finite, values that need 9 digits. */
function values(n: number, seed: number): Float32Array {
  const special = [-0, 1.4e-45, -3.4028234663852886e38, 1e-38, 0.1];
  return Float32Array.from({ length: n }, (_, i) =>
    (i + seed) % 7 === 0
      ? special[(i + seed) % special.length]
      : Math.sin((i + 1) * (seed + 3) * 12.9898) * 3,
  );
}

function entry(step: number, withMoments = true): HistoryEntry {
  return {
    step,
    params: values(P, step),
    moments: withMoments ? values(2 * P, step + 1) : null,
    statsStep: step,
    epoch: Math.floor(step / 10),
    trainLoss: 1 / (step + 1),
    testLoss: step % 3 === 0 ? null : 1 / (step + 2),
    trainAccuracy: Math.min(1, step / 1000),
    testAccuracy: null,
  };
}

function bits(a: Float32Array | null): string {
  return a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex') : 'null';
}

/** A history as the recorder keeps it: every kept step of a run of `steps` steps. */
function recorded(steps: number, capacity = 1000): History {
  const h = new History({ capacity });
  for (let s = 0; s <= steps; s = h.nextKept(s)) h.record(entry(s));
  return h;
}

const params = values(P, 99);
const file = (history: readonly ModelMoment[]) =>
  exportModel(spec, params, undefined, { step: 100_000, moments: values(2 * P, 5) }, history);

describe('history in a model file', () => {
  it('survives export and import bit for bit at every kept step', () => {
    const h = recorded(100_000);
    expect(h.length).toBeGreaterThan(600);
    const model = importModel(file(h.entries));
    const back = model.history!;
    expect(back.map((m) => m.step)).toEqual(h.entries.map((e) => e.step));
    h.entries.forEach((e, i) => {
      expect(bits(back[i].params), `weights at step ${e.step}`).toBe(bits(e.params));
      expect(bits(back[i].moments), `moments at step ${e.step}`).toBe(bits(e.moments));
      expect(back[i].epoch).toBe(e.epoch);
      expect(back[i].trainLoss).toBe(e.trainLoss);
      expect(back[i].testLoss).toBe(e.testLoss);
      expect(back[i].trainAccuracy).toBe(e.trainAccuracy);
      expect(back[i].testAccuracy).toBeNull();
    });
    // A file without a history has none; one with weights only reads back without moments.
    expect(importModel(exportModel(spec, params)).history).toBeUndefined();
    const light = importModel(file([entry(0, false), entry(5, false)])).history!;
    expect(light.map((m) => m.moments)).toEqual([null, null]);
  });

  it('a history adopted from a file goes on with the same spacing', () => {
    const h = recorded(100_000);
    const back = importModel(file(h.entries)).history!;
    const again = new History();
    again.adopt(back.map((m) => ({ ...m, statsStep: null })));
    expect(again.level).toBe(h.level);
    expect(again.nextKept(again.last!.step)).toBe(h.nextKept(h.last!.step));
  });

  it('thins to fit its limits on export, keeping the spacing rule with a coarser ε', () => {
    const h = recorded(1_000_000);
    const capacity = 400;
    const { entries, level } = h.thinnedTo(capacity);
    expect(entries.length).toBeLessThanOrEqual(capacity);
    expect(level).toBeGreaterThan(h.level);
    const eps = Math.pow(1 + h.epsilon0, 2 ** level) - 1;
    const steps = entries.map((e) => e.step);
    expect(steps.slice(0, 257)).toEqual([...Array(257).keys()]);
    for (let i = 1; i < steps.length; i++) {
      if (steps[i - 1] >= 256) expect(steps[i]).toBeLessThanOrEqual(steps[i - 1] * (1 + eps));
    }
    // Beyond what the sparse part can give, the dense start thins too (every other step, then every 4th).
    const tiny = h.thinnedTo(100).entries.map((e) => e.step);
    expect(tiny.length).toBeLessThanOrEqual(100);
    expect(tiny[1] - tiny[0]).toBeGreaterThan(1);
    // The limits in bytes: a wide network fits fewer moments.
    expect(historyCapacity(P, true)).toBe(HISTORY_MAX_MOMENTS);
    const wide = 12 * 32 * 33;
    expect(historyCapacity(wide, true)).toBeLessThan(historyCapacity(wide, false));
    expect(historyCapacity(wide, true) * 4 * Math.ceil((12 * wide) / 3)).toBeLessThanOrEqual(
      HISTORY_MAX_BYTES,
    );
  });
});

function errorOf(text: string): string {
  try {
    importModel(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ShareError);
    return (e as Error).message;
  }
  throw new Error('expected a ShareError');
}

describe('a bad history is refused whole, naming the field', () => {
  const good = JSON.parse(file([entry(0), entry(1), entry(2)]));
  const change = (f: (h: Record<string, unknown>[]) => void): string => {
    const m = structuredClone(good);
    f(m.history);
    return JSON.stringify(m);
  };
  const cases: [string, string][] = [
    [change((h) => (h[1].weights = 'a!b=')), 'history[1].weights is not base64: character 2 is "!"'],
    [change((h) => (h[1].weights = 'abc')), 'history[1].weights is not base64: its length 3'],
    [
      change((h) => (h[2].weights = floatsToBase64(new Float32Array(P - 1)))),
      `history[2].weights must hold ${P} float32 weights (${4 * P} bytes); got ${4 * P - 4} bytes`,
    ],
    [
      change((h) => (h[0].moments = floatsToBase64(new Float32Array(P)))),
      `history[0].moments must hold ${2 * P} float32 moments`,
    ],
    [
      change(
        (h) => (h[1].weights = floatsToBase64(Float32Array.from({ length: P }, (_, i) => (i ? 0 : NaN)))),
      ),
      'history[1].weights: value 0 is NaN',
    ],
    [change((h) => (h[2].step = 1)), 'history[2].step must be after the step before it (1); got 1'],
    [change((h) => (h[2].step = 200_000)), "history[2].step is 200000, after the model's own step"],
    [change((h) => (h[0].step = -1)), 'history[0].step must be a whole number from 0'],
    [change((h) => (h[1].weights = 5)), 'history[1].weights must be base64 text'],
    [
      change((h) => (h[1].trainAccuracy = 1.5)),
      'history[1].trainAccuracy must be null or a number from 0 to 1',
    ],
    [change((h) => (h[0] = 3 as never)), 'history[0] must be an object; got 3'],
    [
      JSON.stringify({ ...good, history: Array.from({ length: HISTORY_MAX_MOMENTS + 1 }, () => ({})) }),
      `history has ${HISTORY_MAX_MOMENTS + 1} moments; at most ${HISTORY_MAX_MOMENTS}`,
    ],
    [
      JSON.stringify({ ...good, history: [{ step: 0, weights: 'A'.repeat(HISTORY_MAX_BYTES + 4) }] }),
      'history has 16,777,220 bytes of base64 weights; at most 16,777,216 bytes (16 MiB)',
    ],
    [JSON.stringify({ ...good, history: {} }), 'history must be an array of moments; got an object'],
  ];
  for (const [text, message] of cases) {
    it(message, () => {
      expect(errorOf(text)).toContain(message);
    });
  }

  it('export refuses a history over its limits or out of order', () => {
    expect(() => file([entry(3), entry(2)])).toThrow(
      'history[1].step must be after the step before (3); got 2',
    );
    const many = Array.from({ length: HISTORY_MAX_MOMENTS + 1 }, (_, i) => entry(i, false));
    expect(() => file(many)).toThrow(`history has ${HISTORY_MAX_MOMENTS + 1} moments`);
  });
});

describe("a history lies at or before the model's own step", () => {
  const withState = (step: number, history: ModelMoment[]) =>
    exportModel(spec, params, undefined, { step, moments: values(2 * P, 5) }, history);
  const asFile = (text: string, change: (m: Record<string, unknown>) => void): string => {
    const m = JSON.parse(text);
    change(m);
    return JSON.stringify(m);
  };

  it('a moment at exactly the model step is kept; one step later is refused, on export and import', () => {
    for (const at of [1234, MAX_STEP]) {
      const text = withState(at, [entry(0), entry(at)]);
      expect(importModel(text).history!.map((m) => m.step)).toEqual([0, at]);
      expect(() => withState(at - 1, [entry(0), entry(at)])).toThrow(
        `history[1].step is ${at}, after the model's own step (optimizerState.step ${at - 1})`,
      );
      const later = asFile(text, (m) => ((m.optimizerState as { step: number }).step = at - 1));
      expect(errorOf(later)).toBe(
        `history[1].step is ${at}, after the model's own step (optimizerState.step ${at - 1})`,
      );
    }
    // Past the largest step a model file holds, the moment is refused for its own bound.
    const over = asFile(withState(MAX_STEP, [entry(0), entry(MAX_STEP)]), (m) => {
      (m.history as { step: number }[])[1].step = MAX_STEP + 1;
    });
    expect(errorOf(over)).toBe(
      `history[1].step must be a whole number from 0 to ${MAX_STEP}; got ${MAX_STEP + 1}`,
    );
  });

  it('without optimiser state the network starts at step 0: a history past it is refused', () => {
    const noState = (history: ModelMoment[]) => exportModel(spec, params, undefined, undefined, history);
    // Weights only at step 0: the network's own start.
    expect(importModel(noState([entry(0, false)])).history!.map((m) => m.step)).toEqual([0]);
    const message =
      "history[1].step is 3000000000, after the model's own step (0: without optimizerState the network " +
      'starts again from step 0)';
    const far = asFile(noState([entry(0, false)]), (m) => {
      (m.history as unknown[]).push({ ...(m.history as object[])[0], step: 3_000_000_000 });
    });
    expect(errorOf(far)).toContain('history[1].step must be a whole number from 0 to 1073741824');
    const past = asFile(noState([entry(0, false)]), (m) => {
      (m.history as unknown[]).push({ ...(m.history as object[])[0], step: 1 });
    });
    expect(errorOf(past)).toBe(message.replace('3000000000', '1'));
    expect(() => noState([entry(0, false), entry(1, false)])).toThrow(message.replace('3000000000', '1'));
  });
});
