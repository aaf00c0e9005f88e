/**
 * The logistic-regression plane of wide layers (src/view/math/logisticFit.ts): it recovers a separating
 * direction that the class means hide, ignores units that never move, and reports its agreement.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../src/random';
import { LogisticFit } from '../src/view/math/logisticFit';

describe('LogisticFit', () => {
  it('finds the plane that separates, where the class means point elsewhere', () => {
    const rng = new Random(7);
    const n = 400;
    const w = 6;
    const data = new Float64Array(n * w);
    const targets = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < w; j++) data[i * w + j] = rng.normal();
      // Unit 5 never moves (a dead ReLU).
      data[i * w + 5] = 0.25;
      // The label is the side of 2·x0 − x1 = 0.3; x2 is shifted by class (a decoy for mean differences).
      targets[i] = 2 * data[i * w] - data[i * w + 1] > 0.3 ? 1 : 0;
      data[i * w + 2] += targets[i] === 1 ? 0.8 : -0.8;
    }
    const fit = new LogisticFit(w);
    expect(fit.fit({ data, offset: 0, count: n, targets })).toBe(true);
    expect(fit.agreement).toBeGreaterThanOrEqual(0.99);
    const d = fit.direction;
    expect(Math.hypot(...d)).toBeCloseTo(1, 9);
    // Along (2, −1, 0, ...)/√5, towards target 1; nothing on the dead unit.
    expect(d[0] / Math.hypot(d[0], d[1])).toBeCloseTo(2 / Math.sqrt(5), 1);
    expect(d[1]).toBeLessThan(0);
    expect(Math.abs(d[5])).toBeLessThan(1e-6);
    expect(fit.level).toBeCloseTo((0.3 / Math.sqrt(5)) * (d[0] / (2 / Math.sqrt(5))), 1);
  });

  it('reads rows with a stride and an offset, and refuses a single class', () => {
    const data = new Float64Array([9, 9, 0, 1, 9, 1, 0, 9, 2, 1, 9, 3, 1]);
    // Rows of width 2 at offset 2, stride 3: (0, 1), (1, 0), (2, 1), (3, 1).
    const fit = new LogisticFit(2);
    expect(fit.fit({ data, offset: 2, count: 4, stride: 3, targets: [0, 0, 1, 1] })).toBe(true);
    expect(fit.agreement).toBe(1);
    expect(fit.direction[0]).toBeGreaterThan(0.5);
    expect(fit.fit({ data, offset: 2, count: 4, stride: 3, targets: [1, 1, 1, 1] })).toBe(false);
  });
});
