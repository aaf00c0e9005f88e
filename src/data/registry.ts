import type { DatasetDef } from './def';
import { DataError } from './errors';
import {
  blobs,
  circles,
  curves,
  gauss,
  holes,
  interval,
  moons,
  polynomial,
  rings,
  segments,
  spiral,
  tori,
  xor,
} from './generators';
import { resolveParams, type Params } from './params';
import type { Dataset } from './types';

export type { DatasetDef } from './def';

const ALL: DatasetDef[] = [
  rings,
  circles,
  curves,
  spiral,
  interval,
  holes,
  segments,
  polynomial,
  moons,
  xor,
  gauss,
  blobs,
  tori,
];

/** Every dataset by name. */
export const DATASETS: Readonly<Record<string, DatasetDef>> = Object.freeze(
  Object.fromEntries(ALL.map((d) => [d.name, d])),
);

export const DATASET_NAMES: readonly string[] = ALL.map((d) => d.name);

/** The definition of a dataset; throws a DataError listing the names when there is none. */
export function getDataset(name: string): DatasetDef {
  if (!Object.hasOwn(DATASETS, name)) {
    throw new DataError(`unknown dataset "${name}"; choose one of ${DATASET_NAMES.join(', ')}`);
  }
  return DATASETS[name];
}

/** Every parameter of a dataset with the given values filled in and checked (throws DataError). */
export function datasetParams(name: string, params: Partial<Params> = {}): Params {
  return resolveParams(name, getDataset(name).params, params);
}

/**
 * Generates a dataset by name. Parameters not given take their defaults; an unknown dataset or
 * parameter, or a value out of range, throws a DataError naming it and what is accepted.
 * The same name, parameters and seed always give the same points.
 */
export function makeDataset(name: string, params: Partial<Params> = {}, seed = 1): Dataset {
  const def = getDataset(name);
  if (!Number.isFinite(seed)) throw new DataError(`seed must be a finite number; got ${seed}`);
  return def.generate(resolveParams(name, def.params, params), seed);
}
