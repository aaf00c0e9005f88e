/**
 * The figures of a kept moment measured at its own step. A moment is kept with the latest statistics
 * known then, which on the GPU may be from many steps before (they arrive a few frames late); the line
 * under the timeline must not show step 222 with the accuracy of step 91. So when a moment's statistics
 * are from another step, its loss and accuracy are computed on the CPU from its own weights (the twin's
 * evaluation, the definition the CPU trainer reports), once: they are kept in the moment. DOM-free.
 */
import type { Dataset } from '../../engine/dataset';
import { paramLayout, type NetworkSpec } from '../../engine/spec';
import { evaluate } from '../../engine/twin';
import type { HistoryEntry } from '../../history/history';

/** What the figures are measured on: the network and its training and test sets. */
export interface MomentData {
  spec: NetworkSpec;
  train: Dataset;
  test: Dataset | null;
}

/** Whether `entry` carries statistics measured at its own step. */
export function figuresOwn(entry: HistoryEntry): boolean {
  return entry.statsStep === entry.step && entry.trainLoss !== null;
}

/**
 * Makes `entry`'s loss and accuracy those of its own weights at its own step (computed here unless it
 * already carries them); returns whether it now does. Without data it is left as it is.
 */
export function measureMoment(entry: HistoryEntry, data: MomentData | null): boolean {
  if (figuresOwn(entry)) return true;
  if (!data || data.train.y.length === 0) return false;
  const { spec, train, test } = data;
  if (entry.params.length !== paramLayout(spec).count || train.inputSize !== spec.inputSize) return false;
  const classification = train.classes > 0;
  const t = evaluate(spec, entry.params, train, classification);
  const v = test && test.y.length > 0 ? evaluate(spec, entry.params, test, classification) : null;
  entry.statsStep = entry.step;
  entry.trainLoss = t.loss;
  entry.trainAccuracy = t.accuracy;
  entry.testLoss = v?.loss ?? null;
  entry.testAccuracy = v?.accuracy ?? null;
  return true;
}
