/**
 * Marks on the timeline: where each epoch begins (its first kept moment), the step training diverged at,
 * and the first kept moment at which the accuracy reached a target. DOM-free; the bar thins the epoch marks
 * to what its width shows.
 */
import type { HistoryEntry } from './history';

/** Accuracy a run is marked for reaching when no story names one. */
export const DEFAULT_TARGET_ACCURACY = 0.99;

export interface TimelineMarks {
  /** Steps of the first kept moment of each epoch after the first, increasing, with the epoch numbers. */
  epochSteps: number[];
  epochs: number[];
  /** The step training diverged at, or null. */
  divergedAt: number | null;
  /** The first kept step at which the (test, else training) accuracy reached `target`, or null. */
  targetStep: number | null;
  target: number;
}

/** The marks of a history (called when it changes, not every frame). */
export function timelineMarks(
  entries: readonly HistoryEntry[],
  divergedAt: number | null,
  target: number,
): TimelineMarks {
  const epochSteps: number[] = [];
  const epochs: number[] = [];
  let previous: number | null = null;
  let targetStep: number | null = null;
  for (const e of entries) {
    if (e.epoch !== null) {
      if (previous !== null && e.epoch > previous) {
        epochSteps.push(e.step);
        epochs.push(e.epoch);
      }
      previous = e.epoch;
    }
    const accuracy = e.testAccuracy ?? e.trainAccuracy;
    if (targetStep === null && accuracy !== null && accuracy >= target) targetStep = e.step;
  }
  return { epochSteps, epochs, divergedAt, targetStep, target };
}

/**
 * Which of `positions` (pixels, increasing) to draw so that no two are closer than `gap`: a greedy pass
 * from the left, into `out` (reused; returns how many).
 */
export function thinMarks(positions: ArrayLike<number>, gap: number, out: Int32Array): number {
  let n = 0;
  let lastX = -Infinity;
  for (let i = 0; i < positions.length && n < out.length; i++) {
    if (positions[i] - lastX >= gap) {
      out[n++] = i;
      lastX = positions[i];
    }
  }
  return n;
}
