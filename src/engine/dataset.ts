/** A labelled point set, flat and typed so it can be uploaded to the GPU as it is. */
export interface Dataset {
  /** Inputs per point: 1, 2 or 3 coordinates, more when features extend 2-D points (src/data/features.ts). */
  inputSize: number;
  /** Point coordinates, `inputSize` floats per point.  (N, inputSize) */
  x: Float32Array;
  /** Class index (0, 1, ...) per point, or the regression target.  (N) */
  y: Float32Array;
  /** Number of classes; 0 for regression. */
  classes: number;
}
