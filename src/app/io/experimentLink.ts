/**
 * Between the app's settings and what travels in links, saved state and model files: an Experiment (the
 * run, as `npm run train` takes it) and ViewSettings (what the main view shows). DOM-free.
 *
 * The network a link or model file names is taken as it is: its output layer becomes an explicit
 * `output` in the settings when it is not the one the data and loss imply.
 */
import { PRESETS } from '../../data/presets';
import { datasetParams, getDataset } from '../../data/registry';
import { MAX_TEST_FRACTION } from '../../data/split';
import type { Activation, KnnSpec, NetworkSpec } from '../../engine/spec';
import { DEFAULT_SLOPE, outputActivationFor, widths } from '../../engine/spec';
import type { Experiment } from '../../experiment/experiment';
import { experimentFromPreset } from '../../experiment/experiment';
import type { ImportedModel } from '../../share/modelFormat';
import { CSV_DATASET } from '../../share/validate';
import type { ViewSettings } from '../../share/view';
import { GRID_MAX, GRID_MIN } from '../../share/view';
import type { DataShape, HiddenLayer, OutputLayer, Settings } from '../../state/settings';
import { impliedOutput, networkSpec, settingsFromPreset } from '../../state/settings';

/** One activation name when the hidden layers share it and the output follows the loss, else one per layer. */
function activationText(spec: NetworkSpec, data: DataShape, csv: boolean): string {
  // Vector-field layers have no activation: the list names the dense layers only.
  const dense = spec.layers.filter((l) => !l.field);
  const hidden = dense.slice(0, -1);
  const out = spec.layers[spec.layers.length - 1];
  const implied = outputActivationFor(spec.loss, data.classes === 0, spec.knn !== undefined);
  const shared = hidden.every((l) => l.activation === hidden[0].activation);
  // A CSV's experiment is read without its data (as classification): spell every layer out.
  if (hidden.length === 0 || (shared && out.activation === implied && !csv)) {
    return hidden[0]?.activation ?? 'tanh';
  }
  return dense.map((l) => l.activation).join(',');
}

/** Dataset parameters that differ from the dataset's defaults, in the dataset's order. */
function changedParams(name: string, given: Record<string, number>): Record<string, number> {
  const defaults = datasetParams(name);
  const out: Record<string, number> = {};
  for (const key of Object.keys(getDataset(name).params)) {
    const value = Object.hasOwn(given, key) ? given[key] : undefined;
    if (value !== undefined && value !== defaults[key]) out[key] = value;
  }
  return out;
}

/** The run of the settings as an Experiment. Throws a SpecError when the network breaks a rule. */
export function experimentOf(s: Settings, data: DataShape, csv: boolean): Experiment {
  const spec = networkSpec(s, data);
  return {
    dataset: csv ? CSV_DATASET : s.dataset,
    params: csv ? {} : changedParams(s.dataset, s.datasetParams),
    // The arch names the data's own dimension; the features widen the network's input beyond it (and
    // the vector-field layers that keep the input's width).
    arch: widths(spec).map((w, i) => (i === 0 || inputWide(spec, i) ? w - s.features.length : w)),
    activation: activationText(spec, data, csv),
    loss: spec.loss,
    optimizer: s.optimizer,
    learningRate: s.learningRate,
    batchSize: Math.round(s.batchSize),
    epochs: s.epochs,
    testSplit: Math.min(MAX_TEST_FRACTION, Math.max(0, s.testSplit)),
    seed: Math.round(s.seed),
    l1: s.l1,
    l2: s.l2,
    ...(s.contractive ? { contractive: s.contractive } : {}),
    slope: s.slope,
    ...(s.features.length ? { features: [...s.features] } : {}),
    ...(spec.layers.some((l) => l.field) ? { fields: spec.layers.map((l) => l.field?.anchors ?? 0) } : {}),
    ...(spec.layers.some((l) => l.field?.learnCentres) ? { learnCentres: true } : {}),
    ...(spec.knn ? { output: 'knn' as const } : {}),
  };
}

/** Representation i (> 0) is a vector-field layer's in the run of them that starts at the input. */
function inputWide(spec: NetworkSpec, i: number): boolean {
  for (let l = 0; l < i; l++) if (!spec.layers[l].field) return false;
  return true;
}

/**
 * What the main view shows, for a link: the grid density the person chose, not the one drawn while frames
 * are too slow on this adapter (another adapter draws it as chosen).
 */
export function viewOf(s: Settings, layers: number): ViewSettings {
  return {
    layer: -1,
    slider: Math.min(layers, Math.max(0, Math.round(s.position * 1000) / 1000)),
    grid: Math.min(GRID_MAX, Math.max(GRID_MIN, Math.round(s.chosenGrid))),
    projection: s.projection,
    // The strip is what a link without a word on it shows.
    ...(s.networkView && s.networkView !== 'strip' ? { network: s.networkView } : {}),
  };
}

/** Experiments compare equal when every setting does, whatever the order of the dataset parameters. */
function experimentKey(e: Experiment): string {
  const params = Object.keys(e.params)
    .sort()
    .map((k) => `${k}=${e.params[k]}`);
  return JSON.stringify([
    e.dataset,
    params,
    e.arch,
    e.activation,
    e.loss,
    e.optimizer,
    e.learningRate,
    e.batchSize,
    e.epochs,
    e.testSplit,
    e.seed,
    e.l1,
    e.l2,
    e.contractive ?? 0,
    e.slope,
    e.features ?? [],
    e.fields ?? [],
    e.learnCentres ?? false,
    e.output ?? '',
  ]);
}

/** The preset an experiment is (as `--preset` writes it, or as the app runs it), or ''. */
export function matchPreset(exp: Experiment): string {
  const key = experimentKey({ ...exp, params: changedParams(exp.dataset, exp.params) });
  for (const preset of PRESETS) {
    if (preset.dataset !== exp.dataset) continue;
    const cli = experimentFromPreset(preset);
    if (experimentKey({ ...cli, params: changedParams(cli.dataset, cli.params) }) === key) return preset.id;
    try {
      const def = getDataset(preset.dataset);
      const app = experimentOf(settingsFromPreset(preset), def, false);
      if (experimentKey(app) === key) return preset.id;
    } catch {
      // A preset the app cannot build as is: no match.
    }
  }
  return '';
}

/** The hidden layers and output of a network, as settings (slopes kept where they differ from `slope`). */
function layersOf(
  spec: NetworkSpec,
  slope: number,
): { hidden: HiddenLayer[]; output: OutputLayer; knn: KnnSpec | null; learnCentres: boolean } {
  const withSlope = <T extends object>(base: T, s: number): T => (s === slope ? base : { ...base, slope: s });
  const hidden = spec.layers.slice(0, -1).map((l) => {
    const layer: HiddenLayer = { units: l.units, activation: l.activation as Activation };
    if (l.field) layer.anchors = l.field.anchors;
    return withSlope(layer, l.slope);
  });
  const knn = spec.knn ? { ...spec.knn } : null;
  const learnCentres = spec.layers.some((l) => l.field?.learnCentres === true);
  const last = spec.layers[spec.layers.length - 1];
  const output = withSlope({ units: last.units, activation: last.activation }, last.slope);
  return { hidden, output, knn, learnCentres };
}

/** Drops an explicit output layer that is the one the data and loss imply anyway. */
export function normalizeOutput(s: Settings, data: DataShape): Settings {
  const out = s.output;
  // A k-NN output's last layer is a representation of its own width: it stays explicit.
  if (!out || s.knn) return s;
  const implied = impliedOutput(data, s.loss);
  const sameSlope = out.slope === undefined || out.slope === s.slope;
  if (out.units === implied.units && out.activation === implied.activation && sameSlope) {
    return { ...s, output: null };
  }
  return s;
}

/** A shared experiment (a link or saved state) as settings, on top of `base` (which keeps the rest). */
export function settingsFromShared(
  base: Settings,
  shared: { experiment: Experiment; spec: NetworkSpec; view: ViewSettings },
  options: { gridGiven: boolean },
): Settings {
  const exp = shared.experiment;
  const { hidden, output, knn, learnCentres } = layersOf(shared.spec, exp.slope);
  const view = shared.view;
  return {
    ...base,
    preset: matchPreset(exp),
    dataset: exp.dataset,
    datasetParams: { ...exp.params },
    testSplit: exp.testSplit,
    seed: exp.seed,
    hidden,
    loss: shared.spec.loss,
    output,
    knn,
    learnCentres,
    optimizer: exp.optimizer,
    learningRate: exp.learningRate,
    batchSize: exp.batchSize,
    epochs: exp.epochs,
    l1: exp.l1,
    l2: exp.l2,
    contractive: exp.contractive ?? 0,
    slope: exp.slope,
    features: [...(exp.features ?? [])],
    position: view.slider > 0 ? view.slider : Math.max(0, view.layer),
    projection: view.projection,
    networkView: view.network ?? 'strip',
    gridSize: options.gridGiven ? view.grid : base.gridSize,
    chosenGrid: options.gridGiven ? view.grid : base.chosenGrid,
  };
}

/**
 * Settings for an imported model, on top of `base`. `data` says where its data comes from: the
 * experiment the file records ('experiment'), or what the app shows now ('current': the file records
 * none, or was trained on a CSV file whose points it cannot carry).
 */
export function settingsForModel(
  base: Settings,
  model: ImportedModel,
): { settings: Settings; data: 'experiment' | 'current' } {
  const exp = model.experiment;
  const slope = exp?.slope ?? model.spec.layers[0]?.slope ?? DEFAULT_SLOPE;
  const { hidden, output, knn, learnCentres } = layersOf(model.spec, slope);
  const next: Settings = {
    ...base,
    preset: '',
    hidden,
    output,
    knn,
    learnCentres,
    loss: model.spec.loss,
    slope,
    features: [...(exp?.features ?? [])],
  };
  if (!exp) return { settings: next, data: 'current' };
  Object.assign(next, {
    optimizer: exp.optimizer,
    learningRate: exp.learningRate,
    batchSize: exp.batchSize,
    epochs: exp.epochs,
    l1: exp.l1,
    l2: exp.l2,
    contractive: exp.contractive ?? 0,
  });
  if (exp.dataset === CSV_DATASET) return { settings: next, data: 'current' };
  Object.assign(next, {
    dataset: exp.dataset,
    datasetParams: { ...exp.params },
    testSplit: exp.testSplit,
    seed: exp.seed,
  });
  return { settings: next, data: 'experiment' };
}

/**
 * Why a network cannot learn from the data (the checks of `prepare`), or null when it can. `what` names
 * the network in the message ("the model").
 */
export function misfit(spec: NetworkSpec, data: DataShape, what = 'the network'): string | null {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (spec.inputSize !== data.inputSize) {
    return `${what} takes ${plural(spec.inputSize, 'input')} but the data has ${data.inputSize}: pick a dataset with ${plural(spec.inputSize, 'input')} (or load a CSV file) first`;
  }
  const outputs = spec.layers[spec.layers.length - 1].units;
  const regression = data.classes === 0;
  if (regression && spec.loss !== 'mse')
    return `the data is a regression, which needs the mse loss; ${what} uses ${spec.loss}`;
  if (!regression && outputs === 1 && data.classes > 2) {
    return `the data has ${data.classes} classes but ${what} has 1 output: it needs ${data.classes} outputs and loss ce`;
  }
  if (!regression && outputs > 1 && outputs < data.classes) {
    return `the data has ${data.classes} classes but ${what} has ${outputs} outputs`;
  }
  return null;
}

/** Whether two networks are the same: sizes, activations, slopes and loss. */
export function sameNetwork(a: NetworkSpec, b: NetworkSpec): boolean {
  return (
    a.inputSize === b.inputSize &&
    a.loss === b.loss &&
    a.layers.length === b.layers.length &&
    a.knn?.k === b.knn?.k &&
    a.knn?.epsilon === b.knn?.epsilon &&
    a.layers.every((l, i) => {
      const m = b.layers[i];
      const sameField =
        l.field?.anchors === m.field?.anchors &&
        (l.field?.learnCentres === true) === (m.field?.learnCentres === true);
      return l.units === m.units && l.activation === m.activation && l.slope === m.slope && sameField;
    })
  );
}
