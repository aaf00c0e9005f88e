/**
 * What a sweep view of small multiples needs, from a sweep's result (src/experiment/sweep.ts): the groups
 * (one per width and learning rate, in the sweep's order), a histogram of final test accuracy per group on
 * bins shared by all groups, at most `maxThumbnails` members to draw (an equal share per group, spread over
 * each group's accuracies from worst to best), a colour position per member, and the experiment that opens
 * a member in the main view. DOM-free: the view draws it.
 */
import type { Experiment } from '../experiment/experiment';
import type { SweepResult } from '../experiment/sweep';

export interface SweepThumbnail {
  /** Index of the group and of the member in it (the sweep's order of seeds). */
  group: number;
  member: number;
  seed: number;
  testAccuracy: number;
  diverged: boolean;
  /** 0 at the bottom of the histogram range, 1 at perfect accuracy (clamped): the colour scale. */
  tone: number;
}

export interface SweepGroup {
  width: number;
  lr: number;
  /** "2-3-2-1, lr 0.5". */
  label: string;
  members: number;
  reached: number;
  fractionReached: number;
  diverged: number;
  /** Members per bin of `SweepModel.edges` (diverged members are left out; they are counted apart). */
  histogram: number[];
}

export interface SweepModel {
  groups: SweepGroup[];
  /** Bin edges, bins + 1 of them, from the lowest accuracy (rounded down to a twentieth) to 1. */
  edges: number[];
  thumbnails: SweepThumbnail[];
  target: number;
}

export interface SweepModelOptions {
  /** Histogram bins (default 10). */
  bins?: number;
  /** Most thumbnails drawn at once (default 64: the grid transform needs each member's weights). */
  maxThumbnails?: number;
}

/** Evenly spread picks of `take` indices out of `n` (all of them when take ≥ n), first and last included. */
export function spreadPicks(n: number, take: number): number[] {
  if (take >= n) return Array.from({ length: n }, (_, i) => i);
  if (take <= 0) return [];
  if (take === 1) return [n - 1];
  return Array.from({ length: take }, (_, i) => Math.round((i * (n - 1)) / (take - 1)));
}

/** Bin of `value` on `edges`: [e_i, e_i+1), the last bin closed at the top (accuracy 1 lands in it). */
export function binOf(value: number, edges: readonly number[]): number {
  const bins = edges.length - 1;
  for (let i = bins - 1; i >= 0; i--) if (value >= edges[i]) return i;
  return 0;
}

export function sweepModel(result: SweepResult, options: SweepModelOptions = {}): SweepModel {
  const bins = options.bins ?? 10;
  const most = options.maxThumbnails ?? 64;
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`bins must be a whole number ≥ 1; got ${bins}`);
  const healthy = result.rows.flatMap((r) => r.members.filter((m) => !m.diverged).map((m) => m.testAccuracy));
  const low = healthy.length ? Math.min(1, Math.floor(Math.min(...healthy) * 20) / 20) : 0;
  const bottom = low >= 1 ? 0.95 : low;
  const edges = Array.from({ length: bins + 1 }, (_, i) => bottom + ((1 - bottom) * i) / bins);
  edges[bins] = 1;
  const tone = (a: number): number => Math.min(1, Math.max(0, (a - bottom) / (1 - bottom)));
  const share = result.rows.length ? Math.floor(most / result.rows.length) : 0;
  const thumbnails: SweepThumbnail[] = [];
  const groups = result.rows.map((row, g): SweepGroup => {
    const histogram = new Array<number>(bins).fill(0);
    for (const m of row.members) if (!m.diverged) histogram[binOf(m.testAccuracy, edges)]++;
    const order = row.members
      .map((m, i) => ({ m, i }))
      .sort((a, b) => a.m.testAccuracy - b.m.testAccuracy || a.m.seed - b.m.seed);
    for (const k of spreadPicks(order.length, share)) {
      const { m, i } = order[k];
      thumbnails.push({
        group: g,
        member: i,
        seed: m.seed,
        testAccuracy: m.testAccuracy,
        diverged: m.diverged,
        tone: tone(m.testAccuracy),
      });
    }
    return {
      width: row.width,
      lr: row.lr,
      label: `${row.arch}, lr ${row.lr}`,
      members: row.members.length,
      reached: row.reached,
      fractionReached: row.fractionReached,
      diverged: row.diverged,
      histogram,
    };
  });
  return { groups, edges, thumbnails, target: result.target };
}

/**
 * The experiment that opens a member in the main view with its trained weights: the sweep's experiment
 * with the member's width and learning rate. Its seed stays the data seed (the member's own seed gave
 * only its initial weights and batch order, which the weights carry): training on from there draws
 * batches in the order of the data seed.
 */
export function memberExperiment(
  base: Experiment,
  result: SweepResult,
  thumbnail: Pick<SweepThumbnail, 'group'>,
): Experiment {
  const row = result.rows[thumbnail.group];
  const arch = [...base.arch];
  arch[result.layer] = row.width;
  return { ...structuredClone(base), arch, learningRate: row.lr, seed: result.dataSeed };
}
