/**
 * The statistics of a network with a k-NN output on the GPU engine: its weights and position read back,
 * then each set voted on the CPU by the training set's representations (the twin's evaluate, float64;
 * O(training points²) a read). The GPU's own evaluation has no k-NN vote yet.
 */
import type { Dataset } from './dataset';
import { stepsPerEpoch } from './permutation';
import type { NetworkSpec } from './spec';
import { evaluate } from './twin';
import type { Stats } from './types';

/** What the statistics read from the engine. */
export interface KnnStatsHost {
  readonly spec: NetworkSpec;
  readonly batchSize: number;
  readState(): Promise<{ params: Float32Array; step: number }>;
  progress(): Promise<{ step: number; divergedAtStep: number | null; lastBatchLoss: number }>;
}

export async function knnStats(host: KnnStatsHost, train: Dataset, test: Dataset | null): Promise<Stats> {
  const [{ params }, position] = await Promise.all([host.readState(), host.progress()]);
  const p = Float64Array.from(params);
  return {
    step: position.step,
    epoch: Math.floor(position.step / stepsPerEpoch(train.y.length, host.batchSize)),
    train: evaluate(host.spec, p, train, true),
    test: test && test.y.length ? evaluate(host.spec, p, test, true, train) : null,
    divergedAtStep: position.divergedAtStep,
    lastBatchLoss: position.lastBatchLoss,
  };
}
