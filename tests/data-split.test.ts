import { describe, expect, it } from 'vitest';
import { DataError } from '../src/data/errors';
import { makeDataset } from '../src/data/registry';
import { datasetBounds, splitDataset } from '../src/data/split';
import type { Dataset } from '../src/data/types';

function keys(d: Dataset): string[] {
  const out = [];
  for (let i = 0; i < d.y.length; i++) {
    out.push(`${Array.from(d.x.subarray(i * d.inputSize, (i + 1) * d.inputSize)).join(',')}:${d.y[i]}`);
  }
  return out;
}

describe('splitDataset', () => {
  const d = makeDataset('tori', { samples: 1000 }, 2);

  it('splits into disjoint parts that together hold every point', () => {
    const { train, test } = splitDataset(d, 0.2, 7);
    expect(test.y.length).toBe(200);
    expect(train.y.length).toBe(800);
    expect(train.inputSize).toBe(3);
    expect(test.classes).toBe(2);
    expect(train.x.length).toBe(800 * 3);
    expect([...keys(train), ...keys(test)].sort()).toEqual(keys(d).sort());
  });

  it('is the same for the same seed and differs for another', () => {
    const a = splitDataset(d, 0.3, 1);
    const b = splitDataset(d, 0.3, 1);
    const c = splitDataset(d, 0.3, 2);
    expect(b.test.x).toEqual(a.test.x);
    expect(c.test.x).not.toEqual(a.test.x);
  });

  it('gives an empty test set for fraction 0 and keeps at least one training point', () => {
    const { train, test } = splitDataset(d, 0, 1);
    expect(test.y.length).toBe(0);
    expect(train.y.length).toBe(1000);
    const tiny = makeDataset('rings', { samples: 2 }, 1);
    const s = splitDataset(tiny, 0.9, 1);
    expect(s.train.y.length).toBe(1);
    expect(s.test.y.length).toBe(1);
  });

  it('rejects fractions outside [0, 0.9]', () => {
    for (const f of [-0.1, 0.95, 1, NaN, Infinity]) {
      expect(() => splitDataset(d, f, 1)).toThrow(DataError);
    }
    expect(() => splitDataset(d, 0.95, 1)).toThrow(/test fraction must be a number from 0 to 0.9; got 0.95/);
    expect(() => splitDataset(d, 0.9, 1)).not.toThrow();
  });

  it('does not change the dataset it splits', () => {
    const copy = Float32Array.from(d.x);
    splitDataset(d, 0.5, 3);
    expect(d.x).toEqual(copy);
  });
});

describe('datasetBounds', () => {
  it('gives per-axis min and max and the target range', () => {
    const d: Dataset = {
      inputSize: 2,
      x: Float32Array.from([1, -2, 3, 4, -5, 0]),
      y: Float32Array.from([0, 1, 1]),
      classes: 2,
    };
    expect(datasetBounds(d)).toEqual({ min: [-5, -2], max: [3, 4], yMin: 0, yMax: 1 });
  });

  it('covers a generated set', () => {
    const b = datasetBounds(makeDataset('polynomial', { samples: 5000 }, 1));
    expect(b.min[0]).toBeGreaterThanOrEqual(-2);
    expect(b.max[0]).toBeLessThanOrEqual(2);
    expect(b.min[0]).toBeLessThan(-1.99);
    expect(b.yMax).toBeGreaterThan(6.9); // quartic(2) = 7
  });

  it('gives zeros for an empty set', () => {
    const d: Dataset = { inputSize: 3, x: new Float32Array(0), y: new Float32Array(0), classes: 2 };
    expect(datasetBounds(d)).toEqual({ min: [0, 0, 0], max: [0, 0, 0], yMin: 0, yMax: 0 });
  });
});
