/** Sharing: links, model files and saved state. */
export { ShareError } from './errors';
export * from './url';
export * from './model-json';
export * from './storage';
export * from './view';
export type { WeightPrecision } from './weights';
export { WEIGHT_PRECISIONS, decodeWeights, encodeWeights } from './weights';
export { CSV_DATASET, EXPERIMENT_RANGES, checkExperiment } from './validate';
