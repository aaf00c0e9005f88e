import type { Dataset } from './types';
import type { ParamSpecs, Params } from './params';

/** A named synthetic dataset: its parameters and a seeded generator. */
export interface DatasetDef {
  name: string;
  title: string;
  description: string;
  inputSize: 1 | 2 | 3;
  /** Number of classes with the default parameters; 0 for regression. The generated Dataset's own
   *  `classes` is authoritative (the `classes` parameter of `blobs` changes it). */
  classes: number;
  params: ParamSpecs;
  /** Makes the points. `params` holds every parameter, checked; the same seed gives the same points. */
  generate(params: Params, seed: number): Dataset;
}
