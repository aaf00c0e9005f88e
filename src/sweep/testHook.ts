/**
 * `window.__sweep`, installed when the page is opened with `?test`: the browser tests read the page's
 * state and result, every member's weights, and run the library's runSweep with the same settings to
 * compare.
 */
import type { SweepModel } from './sweepModel';
import { runSweep } from '../experiment/sweep';
import type { SweepResult } from '../experiment/sweep';
import type { SweepRequest } from './request';

export interface SweepRowFigures {
  arch: string;
  lr: number;
  members: number;
  reached: number;
  fractionReached: number;
  diverged: number;
  q1: number | null;
  median: number | null;
  q3: number | null;
  seeds: number[];
  accuracies: number[];
}

export interface SweepHookState {
  running: boolean;
  epochsDone: number;
  epochs: number;
  diverged: number;
  /** 'done', 'cancelled', 'failed' or null before the first run ends. */
  outcome: string | null;
  message: string;
  runs: number;
  /** The epochs done at each progress report of the latest run, in order. */
  reported: number[];
  /** Seconds of the last finished run: data and kernels, training (slices), tables and thumbnails. */
  seconds: { prepare: number; train: number; draw: number } | null;
}

export interface SweepHook {
  state(): SweepHookState;
  result(): { rows: SweepRowFigures[]; histograms: number[][]; thumbnails: number; summary: string } | null;
  memberWeights(group: number, member: number): number[] | null;
  /** runSweep (src/experiment/sweep.ts) on the page's device with the last run's settings. */
  reference(): Promise<SweepRowFigures[]>;
}

declare global {
  interface Window {
    __sweep?: SweepHook;
  }
}

export function figuresOf(result: SweepResult): SweepRowFigures[] {
  return result.rows.map((r) => ({
    arch: r.arch,
    lr: r.lr,
    members: r.members.length,
    reached: r.reached,
    fractionReached: r.fractionReached,
    diverged: r.diverged,
    q1: r.q1,
    median: r.median,
    q3: r.q3,
    seeds: r.members.map((m) => m.seed),
    accuracies: r.members.map((m) => m.testAccuracy),
  }));
}

export interface PageView {
  device: GPUDevice;
  state(): SweepHookState;
  last(): { request: SweepRequest; result: SweepResult; model: SweepModel; summary: string } | null;
}

export function installSweepHook(view: PageView): void {
  window.__sweep = {
    state: () => view.state(),
    result: () => {
      const last = view.last();
      if (!last) return null;
      return {
        rows: figuresOf(last.result),
        histograms: last.model.groups.map((g) => g.histogram),
        thumbnails: last.model.thumbnails.length,
        summary: last.summary,
      };
    },
    memberWeights: (group, member) => {
      const params = view.last()?.result.rows[group]?.members[member]?.params;
      return params ? Array.from(params) : null;
    },
    reference: async () => {
      const last = view.last();
      if (!last) throw new Error('no sweep has finished yet');
      const { request } = last;
      const result = await runSweep(view.device, {
        exp: request.exp,
        seeds: request.seeds,
        widths: request.widths,
        layer: request.layer,
        learningRates: request.rates,
        target: request.target,
      });
      return figuresOf(result);
    },
  };
}
