/**
 * `npm run train -- ... --with-history`: the same training as runExperiment (same engine, kernels, seed and
 * steps), split at the steps the app's history keeps (src/history/history.ts: every step up to 256, then the
 * next kept step after s at most s·(1+ε), thinned to at most 1,000 moments). At each kept step the
 * weights, optimiser moments and the loss and accuracy there are read back before training goes on, so
 * each moment holds exactly the state the engine trained with at that step. Splitting the dispatches
 * changes no result: the steps are the same.
 */
import { History } from '../history/history';
import type { Stats } from '../engine/types';
import type { Experiment } from '../experiment/experiment';
import type { RunOptions, RunResult } from '../experiment/run';
import { runResult, startRun } from '../experiment/run';

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

export interface HistoryRunResult extends RunResult {
  /** The kept moments (at most the recorder's capacity), by increasing step. */
  history: History;
  /** Seconds spent reading kept moments back (part of `seconds`). */
  historySeconds: number;
}

export async function runWithHistory(
  device: GPUDevice,
  exp: Experiment,
  options: RunOptions = {},
): Promise<HistoryRunResult> {
  const started = await startRun(device, exp, options);
  const { engine, first, perEpoch } = started;
  const history = new History();
  let historyMs = 0;
  try {
    let step = first;
    let last: Stats | null = null;
    /** Reads the state at `step` (and the figures there) into the history. */
    const keep = async (): Promise<Stats> => {
      const began = performance.now();
      const stats = engine.stats();
      const state = await engine.readState();
      const s = await stats;
      historyMs += performance.now() - began;
      if (s.divergedAtStep === null && allFinite(state.params) && allFinite(state.moments)) {
        history.record({
          step,
          params: state.params,
          moments: state.moments,
          statsStep: s.step,
          epoch: s.epoch,
          trainLoss: s.train.loss,
          testLoss: s.test?.loss ?? null,
          trainAccuracy: s.train.accuracy,
          testAccuracy: s.test?.accuracy ?? null,
        });
      }
      return s;
    };
    const start = performance.now();
    let diverged = false;
    for (let epoch = 0; epoch < exp.epochs && !diverged; epoch++) {
      let left = perEpoch;
      while (left > 0) {
        if (history.wants(step) && (await keep()).divergedAtStep !== null) {
          diverged = true;
          break;
        }
        const k = Math.min(left, history.nextKept(step) - step);
        engine.train(k);
        step += k;
        left -= k;
      }
      if (diverged) break;
      last = await engine.stats();
      options.onEpoch?.(last, exp.epochs);
      if (last.divergedAtStep !== null) diverged = true;
    }
    if (!diverged && history.wants(step)) await keep();
    const seconds = (performance.now() - start) / 1000;
    const final = diverged || !last ? await engine.stats() : last;
    return {
      ...(await runResult(started, final, seconds, options.keepState)),
      history,
      historySeconds: historyMs / 1000,
    };
  } finally {
    engine.dispose();
  }
}
