/**
 * The sweep's statistics and words, against hand-computed values, without a GPU: the quartiles (linear
 * interpolation between order statistics, R's type 7: the q-quantile of n sorted values sits at position
 * (n − 1)·q) for even and odd member counts where positions fall between members; members that diverged
 * (left out of the quartiles, counted as not reaching the target, over all members in the fraction); the
 * target itself counting as reached; the percentages; every verdict word at its threshold and one member
 * either side; the summary line's words (diverged members, training accuracy without a test split); the
 * page's address with a preset it does not sweep; the progress line.
 */
import { describe, expect, it } from 'vitest';
import { findPreset } from '../src/data/presets';
import type { MemberStats } from '../src/engine/population';
import { experimentFromPreset } from '../src/experiment/experiment';
import type { SweepResult } from '../src/experiment/sweep';
import { percentText, quantile, secondsLeft, sweepResult } from '../src/experiment/sweep';
import { progressLine, resultTable } from '../src/cli/sweepCommand';
import { queryForm, WIDTH_PRESETS } from '../src/sweep/request';
import { accuracyWords, rowSummary, sweepSummary, verdict } from '../src/sweep/summary';

const RINGS = experimentFromPreset(findPreset('rings-2-units-fail'));

/** A member's final statistics: accuracy on the test set (or the training set with `test: false`). */
function stats(accuracy: number, diverged = false, test = true): MemberStats {
  const set = { loss: 1 - accuracy, accuracy, count: 100 };
  return {
    step: 200,
    epoch: 4,
    train: test ? { loss: 0.5, accuracy: 0.5, count: 400 } : set,
    test: test ? set : null,
    divergedAtStep: diverged ? 150 : null,
    lastBatchLoss: diverged ? NaN : 0.1,
  };
}

/** One configuration per width (the rings' first hidden layer), every width with the same members. */
function resultOf(
  accuracies: readonly number[],
  options: { diverged?: number[]; target?: number; widths?: number[]; test?: boolean } = {},
): SweepResult {
  const widths = options.widths ?? [2];
  const seeds = accuracies.map((_, i) => i + 1);
  const final = widths.flatMap(() =>
    accuracies.map((a, i) => stats(a, options.diverged?.includes(i + 1) ?? false, options.test ?? true)),
  );
  return sweepResult(
    RINGS,
    {
      seeds,
      widths,
      configs: widths.map((width) => ({ width, lr: 0.5 })),
      layer: 1,
      target: options.target ?? 0.99,
    },
    final,
    null,
    1,
  );
}

const quartiles = (r: SweepResult) => {
  const { min, q1, median, q3, max } = r.rows[0];
  return [min, q1, median, q3, max];
};

describe('quartiles: linear interpolation at position (n − 1)·q', () => {
  it.each([
    // n = 4: q1 at 0.75, the median at 1.5, q3 at 2.25.
    [
      [1, 0.5, 0.75, 0.625],
      [0.5, 0.59375, 0.6875, 0.8125, 1],
    ],
    // n = 6: q1 at 1.25, the median at 2.5, q3 at 3.75.
    [
      [0.875, 0.25, 1, 0.375, 0.75, 0.5],
      [0.25, 0.40625, 0.625, 0.84375, 1],
    ],
    // n = 7: q1 at 1.5, the median at 3 (a member), q3 at 4.5.
    [
      [0.5, 0.125, 1, 0.25, 0.875, 0.625, 0.75],
      [0.125, 0.375, 0.625, 0.8125, 1],
    ],
    // n = 8: q1 at 1.75, the median at 3.5, q3 at 5.25.
    [
      [0.75, 0.0625, 0.375, 1, 0.125, 0.875, 0.25, 0.5],
      [0.0625, 0.21875, 0.4375, 0.78125, 1],
    ],
  ])('%j gives min, q1, median, q3, max %j', (accuracies, expected) => {
    expect(quartiles(resultOf(accuracies))).toEqual(expected);
  });

  it('one member is every quartile; none gives null', () => {
    expect(quartiles(resultOf([0.625]))).toEqual([0.625, 0.625, 0.625, 0.625, 0.625]);
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([0.25, 0.75], 0.5)).toBe(0.5);
    expect(quantile([0.25, 0.75], 0.25)).toBe(0.375);
  });
});

describe('members that diverged', () => {
  // Six members; seeds 2 and 5 diverged, seed 2 at an accuracy of 1 with its last finite weights.
  const r = resultOf([0.5, 1, 0.99, 0.75, 0.25, 1], { diverged: [2, 5] });
  const row = r.rows[0];

  it('are left out of the quartiles and never count as reaching the target, even at accuracy 1', () => {
    expect(row.diverged).toBe(2);
    // Over the four others, sorted 0.5, 0.75, 0.99, 1: q1 at 0.75, the median at 1.5, q3 at 2.25.
    expect(row.min).toBe(0.5);
    expect(row.q1).toBeCloseTo(0.6875, 12);
    expect(row.median).toBeCloseTo(0.87, 12);
    expect(row.q3).toBeCloseTo(0.9925, 12);
    expect(row.max).toBe(1);
    // 0.99 (exactly the target) and 1 reach it; the diverged member at 1 does not.
    expect(row.reached).toBe(2);
    expect(row.members.map((m) => m.diverged)).toEqual([false, true, false, false, true, false]);
  });

  it('count in the fraction as members that did not reach it (over all six, not the four)', () => {
    expect(row.fractionReached).toBe(2 / 6);
    expect(percentText(row.reached, row.members.length)).toBe('33 %');
  });

  it("npm run sweep's table says how they count, and marks them", () => {
    const lines = resultTable(r);
    expect(lines).toContain('| 2-2-2-1 | 0.5 | 6 | 0.500 | 0.688 | 0.870 | 0.992 | 1.000 | 33 % | 2 |');
    expect(lines).toContain(
      '\nReached: over all members, a diverged member counting as not reaching 0.99; the quartiles are over the members that did not diverge.',
    );
    expect(lines.at(-1)).toBe(
      '2-2-2-1 lr 0.5, seed:test accuracy: 1:0.500 2:1.000(diverged) 3:0.990 4:0.750 5:0.250(diverged) 6:1.000',
    );
    expect(resultTable(resultOf([1, 0.5])).join('\n')).not.toMatch(/diverged member/);
    // One configuration with diverged members among others without is enough for the line.
    const mixed = resultTable({ ...r, rows: [resultOf([1, 0.5]).rows[0], row] });
    expect(mixed.filter((l) => l.includes('a diverged member counting as not reaching'))).toHaveLength(1);
  });

  it('all diverged: no quartiles, none reached', () => {
    const all = resultOf([0.5, 1, 1], { diverged: [1, 2, 3] }).rows[0];
    expect([all.min, all.q1, all.median, all.q3, all.max]).toEqual([null, null, null, null, null]);
    expect(all.reached).toBe(0);
    expect(all.fractionReached).toBe(0);
  });

  it('the summary line says how many diverged and that they count as not reaching', () => {
    expect(rowSummary(RINGS, r, row)).toBe(
      '2-2-2-1: 2 of 6 reach 0.99 (2 diverged, counted as not reaching) — Scott Rome: with only 2-D ' +
        'transformations the network cannot fully separate the rings (yet 2 do here)',
    );
  });
});

describe('the target', () => {
  it('an accuracy exactly at the target reaches it; just under does not', () => {
    const r = resultOf([0.75, 0.75 - 1e-9, 0.8, 0.5], { target: 0.75 });
    expect(r.rows[0].reached).toBe(2);
    expect(r.rows[0].fractionReached).toBe(0.5);
  });

  it('percentages never round to 0 % or 100 % while some members differ', () => {
    expect(percentText(199, 200)).toBe('99 %');
    expect(percentText(1, 1000)).toBe('1 %');
    expect(percentText(200, 200)).toBe('100 %');
    expect(percentText(0, 200)).toBe('0 %');
    expect(percentText(1, 2)).toBe('50 %');
    expect(percentText(2, 3)).toBe('67 %');
    expect(percentText(0, 0)).toBe('—');
  });
});

describe('verdict words at their thresholds', () => {
  const row = (reached: number, members: number, diverged = 0) => ({
    reached,
    diverged,
    members: new Array(members).fill(null),
  });
  const can = { kind: 'can' } as const;
  const cannot = { kind: 'cannot' } as const;
  const doesNot = { kind: 'does-not' } as const;

  it('a "can" is borne out by more than half: at exactly half, and one member either side', () => {
    expect(verdict(can, row(3, 8))).toBe('fewer than half do here');
    expect(verdict(can, row(4, 8))).toBe('only half do here');
    expect(verdict(can, row(5, 8))).toBe('most do here, as it says');
    // An odd count has no half: 3 of 7 is fewer, 4 of 7 most.
    expect(verdict(can, row(3, 7))).toBe('fewer than half do here');
    expect(verdict(can, row(4, 7))).toBe('most do here, as it says');
    expect(verdict(can, row(0, 7))).toBe('fewer than half do here');
    expect(verdict(can, row(7, 7))).toBe('most do here, as it says');
  });

  it('a "can" counts diverged members as not reaching: 4 of 8 with 2 diverged is half, not most', () => {
    expect(verdict(can, row(4, 8, 2))).toBe('only half do here');
    expect(verdict(can, row(5, 8, 3))).toBe('most do here, as it says');
  });

  it('a "cannot" (and a "does not") is borne out by none: at none, and one member more', () => {
    for (const claim of [cannot, doesNot]) {
      expect(verdict(claim, row(0, 8))).toBe('none does here, as it says');
      expect(verdict(claim, row(1, 8))).toBe('yet 1 does here');
      expect(verdict(claim, row(2, 8))).toBe('yet 2 do here');
      expect(verdict(claim, row(0, 8, 7))).toBe('none does here, as it says');
    }
  });

  it('every member diverged: no verdict either way', () => {
    expect(verdict(cannot, row(0, 8, 8))).toBe('every member diverged: no verdict');
    expect(verdict(can, row(0, 8, 8))).toBe('every member diverged: no verdict');
  });

  it('the summary puts the verdict after the claim of the story with that network', () => {
    // Widths 2 and 3 on the rings: the 2-unit "cannot" and the 3-unit "can".
    const r = resultOf([1, 1, 0.5, 0.75], { widths: [2, 3] });
    expect(sweepSummary(RINGS, r)).toBe(
      '2-2-2-1: 2 of 4 reach 0.99 — Scott Rome: with only 2-D transformations the network cannot fully ' +
        'separate the rings (yet 2 do here); 2-3-2-1: 2 of 4 reach 0.99 — Scott Rome: with three units ' +
        'the model easily finds a projection that separates the rings (only half do here)',
    );
  });
});

describe('training accuracy where there is no test split', () => {
  it('the result says which set, and the summary says training accuracy', () => {
    const r = resultOf([1, 0.5], { test: false });
    expect(r.accuracyOn).toBe('training');
    expect(r.rows[0].members.map((m) => m.testAccuracy)).toEqual([1, 0.5]);
    expect(accuracyWords(r)).toBe('training accuracy');
    expect(rowSummary(RINGS, r, r.rows[0])).toMatch(
      /^2-2-2-1: 1 of 2 reach 0\.99 training accuracy \(no test split\) — /,
    );
    const table = resultTable(r);
    expect(table[0]).toBe('Final training accuracy: there is no test split (--test-split 0).\n');
    expect(table.at(-1)).toBe('2-2-2-1 lr 0.5, seed:training accuracy: 1:1.000 2:0.500');
    expect(table.join('\n')).not.toMatch(/test accuracy/);
    const t = resultOf([1, 0.5]);
    expect(t.accuracyOn).toBe('test');
    expect(accuracyWords(t)).toBe('test accuracy');
    expect(rowSummary(RINGS, t, t.rows[0])).toMatch(/^2-2-2-1: 1 of 2 reach 0\.99 — /);
  });
});

describe("the page's address", () => {
  it('a preset the page does not sweep is named with what is accepted; the rest is kept', () => {
    const { form, problems } = queryForm('?test&preset=no-such&seeds=8&widths=2-3&epochs=4');
    expect(form).toEqual({ seeds: '8', widths: '2-3', epochs: '4' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^Preset: the address asks for "no-such", which is not one of rings-2-units-fail, /,
    );
    for (const { id } of WIDTH_PRESETS) expect(problems[0]).toContain(id);
    expect(problems[0]).toMatch(/showing rings-2-units-fail with the rest of the address\.$/);
    // An empty preset too (it once reached findPreset and stopped the page).
    expect(queryForm('?preset=&seeds=4')).toMatchObject({
      form: { seeds: '4' },
      problems: [/^Preset: .* "",/],
    });
    // A story preset that is not about widths is not swept here either.
    expect(queryForm('?preset=poly-1-6-1-fits').problems[0]).toMatch(
      /asks for "poly-1-6-1-fits", which is not/,
    );
  });

  it('a preset it sweeps is taken, with no problem', () => {
    expect(queryForm('?preset=interval-2-units&rates=0.1')).toEqual({
      form: { preset: 'interval-2-units', rates: '0.1' },
      problems: [],
    });
    expect(queryForm('')).toEqual({ form: {}, problems: [] });
  });
});

describe('progress', () => {
  it('steps done of all, the time so far and an estimate of the time left', () => {
    expect(secondsLeft(1200, 2000, 41)).toBeCloseTo((41 * 800) / 1200, 12);
    expect(secondsLeft(0, 2000, 3)).toBeNull();
    expect(progressLine({ steps: 1200, totalSteps: 2000, seconds: 41, secondsLeft: 27.4 })).toBe(
      'trained 1,200 of 2,000 steps (60 %) in 41 s, about 27 s left',
    );
    expect(progressLine({ steps: 1, totalSteps: 3, seconds: 0.25, secondsLeft: 0.5 })).toBe(
      'trained 1 of 3 steps (33 %) in 0.3 s, about 0.5 s left',
    );
  });
});
