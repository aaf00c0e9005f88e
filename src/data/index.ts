/** Public surface of the data layer: synthetic datasets, CSV import, splits and presets. */
export type { Dataset } from './types';
export { datasetSize } from './types';
export { DataError } from './errors';
export type { DatasetDef } from './def';
export type { ParamSpec, ParamSpecs, Params } from './params';
export { MAX_SAMPLES } from './params';
export { DATASETS, DATASET_NAMES, datasetParams, getDataset, makeDataset } from './registry';
export { MAX_TEST_FRACTION, datasetBounds, splitDataset, type Bounds } from './split';
export {
  CSV_MAX_BYTES,
  CSV_MAX_CLASSES,
  CSV_MAX_ROWS,
  CsvError,
  parseCsv,
  type CsvDataset,
  type CsvOptions,
} from './csv';
export { PRESETS, findPreset, type Preset, type PresetLoss, type PresetOptimizer } from './presets';
