/**
 * Marks on the timeline: where each epoch begins (its first kept moment), the step training diverged at,
 * and the first kept moment at which the accuracy reached a target. DOM-free; the bar thins the epoch marks
 * to what its width shows.
 */
import type { HistoryEntry } from '../../history/history';
import type { TimelineMarks } from '../../ui/timeline';

export type { TimelineMarks } from '../../ui/timeline';

/** Accuracy a run is marked for reaching when no story names one. */
export const DEFAULT_TARGET_ACCURACY = 0.99;

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
