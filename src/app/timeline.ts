/**
 * Keeps the training history while the app trains: the frame loop asks `allow` how many steps it may
 * take, so training stops exactly at each kept step until the state there has been read back
 * (`trainer.readNow()`, asynchronous: the frame goes on drawing meanwhile). DOM-free.
 */
import type { Stats } from '../engine/types';
import { History, type HistoryEntry, type HistoryOptions } from './history';
import type { Trainer } from './trainer';

function allFinite(values: Float32Array | null): boolean {
  if (!values) return true;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** The figures a moment carries from the latest statistics at or before its step. */
function figures(stats: Stats | null, step: number): Omit<HistoryEntry, 'step' | 'params' | 'moments'> {
  const s = stats && stats.step <= step ? stats : null;
  return {
    statsStep: s?.step ?? null,
    epoch: s?.epoch ?? null,
    trainLoss: s?.train.loss ?? null,
    testLoss: s?.test?.loss ?? null,
    trainAccuracy: s?.train.accuracy ?? null,
    testAccuracy: s?.test?.accuracy ?? null,
  };
}

export class HistoryRecorder {
  readonly history: History;
  /** Reads of kept steps finished, and the time they took (ms, the caller's clock), for the curious. */
  reads = 0;
  readMs = 0;
  /** A read of a kept step is under way: no training until it lands. */
  private reading = false;
  /** Grows on clear and branch, so a read from before them is dropped. */
  private generation = 0;
  /** A kept step whose state could not be kept (not finite, or a failed read): training may pass it. */
  private passed = -1;
  /** Called with an error from a read. */
  onError: (error: unknown) => void = () => {};

  constructor(options: HistoryOptions = {}) {
    this.history = new History(options);
  }

  /** Whether a read of a kept step is under way. */
  get busy(): boolean {
    return this.reading;
  }

  /**
   * How many of `wanted` steps the trainer may take now. At a kept step without a moment it starts the
   * read and answers 0 until the state has arrived; otherwise it stops at the next kept step.
   */
  allow(trainer: Trainer, wanted: number): number {
    if (this.reading) return 0;
    const step = trainer.step;
    const h = this.history;
    if (h.wants(step) && step !== this.passed) {
      this.read(trainer, step);
      return 0;
    }
    if (wanted <= 0) return 0;
    return Math.min(wanted, h.nextKept(step) - step);
  }

  private read(trainer: Trainer, step: number): void {
    this.reading = true;
    const generation = this.generation;
    const started = performance.now();
    trainer.readNow().then(
      (state) => {
        if (generation !== this.generation) return;
        this.reading = false;
        this.reads++;
        this.readMs += performance.now() - started;
        if (state.step !== step || !allFinite(state.params) || !allFinite(state.moments)) {
          this.passed = step;
          return;
        }
        this.history.record({
          step,
          params: state.params,
          moments: state.moments,
          ...figures(trainer.stats, step),
        });
      },
      (e: unknown) => {
        if (generation !== this.generation) return;
        this.reading = false;
        this.passed = step;
        this.onError(e);
      },
    );
  }

  /** Training goes on from `step` (a restore): the moments after it are dropped. */
  branch(step: number): void {
    this.generation++;
    this.reading = false;
    this.passed = -1;
    this.history.dropAfter(step);
  }

  /** A new network: the history starts afresh. */
  clear(): void {
    this.generation++;
    this.reading = false;
    this.passed = -1;
    this.history.clear();
  }
}
