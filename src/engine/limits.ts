/** Every size limit of the engine, in one place. Beyond them, `checkSpec` gives a clear error. */
export const LIMITS = {
  minInput: 1,
  // 2-D coordinates and the six feature inputs (src/data/features.ts) at most.
  maxInput: 8,
  maxLayers: 12,
  maxWidth: 32,
  maxBatch: 1 << 20,
  maxSamples: 1 << 21,
  maxStepsPerDispatch: 4096,
} as const;

/** Throws unless the batch size is a whole number from 1 to LIMITS.maxBatch. */
export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > LIMITS.maxBatch)
    throw new Error(`batch size must be an integer from 1 to ${LIMITS.maxBatch}; got ${batchSize}`);
}

/** Throws unless a training set of n samples of `inputSize` fits a network that takes `networkInputs`. */
export function checkTrainSet(inputSize: number, networkInputs: number, n: number): void {
  if (inputSize !== networkInputs) {
    throw new Error(`data has ${inputSize} inputs but the network takes ${networkInputs}`);
  }
  if (n < 1) throw new Error('the training set is empty');
  if (n > LIMITS.maxSamples) throw new Error(`at most ${LIMITS.maxSamples} training samples; got ${n}`);
}
