import type { Dataset } from '../engine/dataset';

/** The point set the engine trains on is defined with it (src/engine/dataset.ts); the data sets build it. */
export type { Dataset };

export function datasetSize(d: Dataset): number {
  return d.y.length;
}
