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
