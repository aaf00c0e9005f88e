/**
 * The sweep view's model (src/sweep/sweepModel.ts): groups in the sweep's order, histograms on shared bins
 * (accuracy 1 in the last bin, diverged members left out), at most 64 thumbnails spread over each group's
 * accuracies, colour positions, and the experiment that opens a member.
 */
import { describe, expect, it } from 'vitest';
import { binOf, memberExperiment, spreadPicks, sweepModel } from '../src/sweep/sweepModel';
import { DEFAULT_EXPERIMENT } from '../src/experiment/experiment';
import type { SweepResult, SweepRow } from '../src/experiment/sweep';

function row(width: number, lr: number, accuracies: number[], diverged: number[] = []): SweepRow {
  const members = accuracies.map((a, i) => ({
    seed: i + 1,
    testAccuracy: a,
    testLoss: 1 - a,
    diverged: diverged.includes(i + 1),
  }));
  const reached = members.filter((m) => !m.diverged && m.testAccuracy >= 0.99).length;
  return {
    width,
    lr,
    arch: `2-${width}-2-1`,
    members,
    reached,
    fractionReached: reached / members.length,
    diverged: diverged.length,
    min: null,
    q1: null,
    median: null,
    q3: null,
    max: null,
  };
}

function result(rows: SweepRow[]): SweepResult {
  return {
    rows,
    accuracyOn: 'test',
    layer: 1,
    target: 0.99,
    dataSeed: 7,
    epochs: 40,
    steps: 2000,
    seconds: 1,
    networkStepsPerSecond: 1,
    shapes: rows.length,
  };
}

describe('sweep view model', () => {
  it('histograms on shared bins from the lowest accuracy to 1, accuracy 1 in the last bin', () => {
    const r = result([row(2, 0.5, [0.63, 0.8, 0.9, 0.999]), row(3, 0.5, [1, 1, 0.81, 0.95])]);
    const model = sweepModel(r, { bins: 7 });
    expect(model.edges[0]).toBeCloseTo(0.6, 12);
    expect(model.edges.at(-1)).toBe(1);
    expect(model.edges).toHaveLength(8);
    // Bins of 0.4 / 7 ≈ 0.0571 from 0.6.
    expect(model.groups[0].histogram).toEqual([1, 0, 0, 1, 0, 1, 1]);
    expect(model.groups[1].histogram).toEqual([0, 0, 0, 1, 0, 0, 3]);
    expect(model.groups.map((g) => g.label)).toEqual(['2-2-2-1, lr 0.5', '2-3-2-1, lr 0.5']);
  });

  it('diverged members are counted apart, not in the histogram', () => {
    const model = sweepModel(result([row(2, 0.1, [0.7, 0.2, 0.9], [2])]), { bins: 4 });
    expect(model.edges[0]).toBeCloseTo(0.7, 12);
    expect(model.groups[0].diverged).toBe(1);
    expect(model.groups[0].histogram.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('at most 64 thumbnails, an equal share per group, from worst to best of each', () => {
    const accuracies = Array.from({ length: 100 }, (_, i) => 0.5 + i / 200);
    const rows = [1, 2, 3].map((w) => row(w, 0.5, [...accuracies].reverse()));
    const model = sweepModel(result(rows));
    expect(model.thumbnails).toHaveLength(3 * 21);
    const first = model.thumbnails.filter((t) => t.group === 0);
    expect(first).toHaveLength(21);
    expect(first[0].testAccuracy).toBe(0.5);
    expect(first.at(-1)!.testAccuracy).toBe(0.995);
    // The member index points at the member of that seed in the sweep's order.
    for (const t of first) expect(rows[0].members[t.member].seed).toBe(t.seed);
    expect(first[0].tone).toBe(0);
    expect(first.at(-1)!.tone).toBeCloseTo(0.99, 12);
    const small = sweepModel(result([row(2, 0.5, [0.9, 0.95])]));
    expect(small.thumbnails.map((t) => t.seed)).toEqual([1, 2]);
  });

  it('spreadPicks and binOf at their ends', () => {
    expect(spreadPicks(5, 3)).toEqual([0, 2, 4]);
    expect(spreadPicks(3, 8)).toEqual([0, 1, 2]);
    expect(spreadPicks(9, 1)).toEqual([8]);
    expect(spreadPicks(9, 0)).toEqual([]);
    const edges = [0.5, 0.75, 1];
    expect(binOf(0.5, edges)).toBe(0);
    expect(binOf(0.75, edges)).toBe(1);
    expect(binOf(1, edges)).toBe(1);
    expect(binOf(0.2, edges)).toBe(0);
  });

  it('opens a member as an experiment with its width and learning rate on the sweep data', () => {
    const r = result([row(2, 0.1, [0.8]), row(4, 0.3, [1])]);
    const exp = memberExperiment(DEFAULT_EXPERIMENT, r, { group: 1 });
    expect(exp.arch).toEqual([2, 4, 2, 1]);
    expect(exp.learningRate).toBe(0.3);
    expect(exp.seed).toBe(7);
    expect(DEFAULT_EXPERIMENT.arch).toEqual([2, 3, 2, 1]);
  });
});
