/**
 * An experiment: everything that decides a training run (data, network, loss, optimiser, schedule,
 * seed). Plain data, shared by the CLI, the app and links; `prepare` turns it into what the engine takes.
 */
import { checkFeatureData, expandDataset, type FeatureName } from '../data/features';
import { makeDataset } from '../data/registry';
import { splitDataset } from '../data/split';
import type { Dataset } from '../data/types';
import type { Preset } from '../data/presets';
import type { Loss, NetworkSpec, Optimizer, OptimizerSpec } from '../engine/spec';
import {
  DEFAULT_KNN,
  DEFAULT_SLOPE,
  LOSSES,
  MAX_ANCHORS,
  OPTIMIZERS,
  SpecError,
  buildSpec,
  checkSpec,
  defaultOptimizer,
  hasField,
  outputUnits,
} from '../engine/spec';

export interface Experiment {
  dataset: string;
  /** Dataset parameters that differ from its defaults. */
  params: Record<string, number>;
  /** Layer sizes, input first, e.g. [2, 3, 2, 1]; a vector-field layer's is its input's. */
  arch: number[];
  /**
   * Anchors of each layer that is a vector-field layer, one entry per layer (`arch.length − 1`), 0 for a
   * dense layer; absent = every layer dense. `2-vf16-1` is arch [2, 2, 1], fields [16, 0].
   */
  fields?: number[];
  /** Whether the vector-field layers' anchors are trained too (their gradient applied); absent = fixed. */
  learnCentres?: boolean;
  /** One activation for the hidden layers, or a comma-separated list, one per layer, output included. */
  activation: string;
  /**
   * `knn`: colah's k-NN output (k = 8, ε = 1e-3) instead of the loss's sigmoid or softmax; the last layer is
   * a representation, linear unless named, trained with loss `ce`. Absent = the loss's output.
   */
  output?: 'knn';
  loss: Loss;
  optimizer: Optimizer;
  learningRate: number;
  batchSize: number;
  epochs: number;
  testSplit: number;
  seed: number;
  /** Seed of the data and its split when it differs from `seed` (which then sets only the initial weights
   *  and the batch order); absent = `seed`. */
  dataSeed?: number;
  l1: number;
  l2: number;
  /** Weight λ of the contractive penalty on the hidden layers' Jacobians (docs/maths.md); absent = 0, off. */
  contractive?: number;
  /** Negative slope of leaky_relu layers. */
  slope: number;
  /** Feature inputs computed from the 2-D coordinates and appended to them (src/data/features.ts), in
   *  their fixed order; absent = none. `arch[0]` stays the data's own dimension: the network's input is
   *  `arch[0] + features.length` wide. */
  features?: FeatureName[];
}

export const DEFAULT_EXPERIMENT: Experiment = {
  dataset: 'rings',
  params: { samples: 4000 },
  arch: [2, 3, 2, 1],
  activation: 'tanh',
  loss: 'mse',
  optimizer: 'sgd',
  learningRate: 0.1,
  batchSize: 32,
  epochs: 20,
  testSplit: 0.2,
  seed: 1,
  l1: 0,
  l2: 0,
  slope: DEFAULT_SLOPE,
};

export function experimentFromPreset(preset: Preset): Experiment {
  return {
    ...DEFAULT_EXPERIMENT,
    dataset: preset.dataset,
    params: { ...preset.params },
    arch: [...preset.arch],
    activation: preset.activation,
    loss: preset.loss,
    optimizer: preset.optimizer,
    learningRate: preset.learningRate,
    batchSize: preset.batchSize,
    epochs: preset.epochs,
    testSplit: preset.testSplit,
    seed: preset.seed,
    ...(preset.features?.length ? { features: [...preset.features] } : {}),
    ...(preset.fields?.some((k) => k > 0) ? { fields: [...preset.fields] } : {}),
    ...(preset.output ? { output: preset.output } : {}),
  };
}

export interface PreparedRun {
  spec: NetworkSpec;
  optimizer: OptimizerSpec;
  train: Dataset;
  test: Dataset | null;
  regression: boolean;
}

/**
 * Makes the data and checks that data, architecture and loss fit together. `data` replaces the generated
 * set (a CSV). `spec` replaces the network built from the experiment's arch and activations (a model
 * file's exact layers); its loss must be the experiment's. Throws an Error whose message says what does
 * not fit.
 */
export function prepare(exp: Experiment, data?: Dataset, spec?: NetworkSpec): PreparedRun {
  if (!(LOSSES as readonly string[]).includes(exp.loss)) {
    throw new SpecError(`loss must be one of ${LOSSES.join(', ')}; got "${exp.loss}"`);
  }
  if (!(OPTIMIZERS as readonly string[]).includes(exp.optimizer)) {
    throw new SpecError(`optimizer must be one of ${OPTIMIZERS.join(', ')}; got "${exp.optimizer}"`);
  }
  if (!(exp.learningRate > 0) || !Number.isFinite(exp.learningRate)) {
    throw new SpecError(`learning rate must be a positive number; got ${exp.learningRate}`);
  }
  const dataSeed = exp.dataSeed ?? exp.seed;
  const all = data ?? makeDataset(exp.dataset, exp.params, dataSeed);
  const regression = all.classes === 0;
  if (spec) {
    checkSpec(spec);
    if (spec.loss !== exp.loss) {
      throw new SpecError(`the network's loss is ${spec.loss} but the experiment's is ${exp.loss}`);
    }
  }
  const features = exp.features ?? [];
  checkFeatureData(features, all.inputSize);
  const plural = (n: number): string => `${n} input${n > 1 ? 's' : ''}`;
  if (!spec && exp.arch[0] !== all.inputSize) {
    throw new SpecError(
      `the data has ${plural(all.inputSize)} but the architecture starts with ${exp.arch[0]}`,
    );
  }
  const arch = networkSizes(exp.arch, exp.fields, features.length);
  if (exp.output !== undefined && exp.output !== 'knn') {
    throw new SpecError(`output must be knn (or absent: the loss's own); got ${JSON.stringify(exp.output)}`);
  }
  const knn = exp.output === 'knn';
  if (knn && exp.loss !== 'ce') {
    throw new SpecError(
      `the k-NN output trains with cross-entropy on its votes: use loss ce; got ${exp.loss}`,
    );
  }
  if (knn && regression) throw new SpecError('the k-NN output classifies: regression data has no classes');
  spec ??= learnedCentres(
    buildSpec(arch, exp.activation, exp.loss, {
      regression,
      slope: exp.slope,
      ...(exp.fields ? { fields: exp.fields } : {}),
      ...(knn ? { knn: DEFAULT_KNN } : {}),
    }),
    exp.learnCentres === true,
  );
  if (hasField(spec) && exp.contractive) {
    throw new SpecError(
      'the contractive penalty is for dense layers only; this network has a vector-field layer',
    );
  }
  const expanded = expandDataset(features, all);
  if (spec.inputSize !== expanded.inputSize) {
    throw new SpecError(
      features.length
        ? `the data has ${plural(all.inputSize)} and ${features.length} feature${features.length > 1 ? 's' : ''} (${expanded.inputSize} in all) but the network takes ${spec.inputSize}`
        : `the data has ${plural(all.inputSize)} but the architecture starts with ${spec.inputSize}`,
    );
  }
  const outputs = outputUnits(spec);
  if (regression && exp.loss !== 'mse') {
    const reason = (all as { regressionReason?: unknown }).regressionReason;
    throw new SpecError(
      typeof reason === 'string'
        ? `${reason}; regression needs the mse loss`
        : 'regression data needs the mse loss',
    );
  }
  if (!regression && !spec.knn && outputs === 1 && all.classes > 2) {
    throw new SpecError(`the data has ${all.classes} classes: use ${all.classes} outputs and loss ce`);
  }
  if (!regression && !spec.knn && outputs > 1 && outputs < all.classes) {
    throw new SpecError(`the data has ${all.classes} classes but the network has ${outputs} outputs`);
  }
  const { train, test } =
    exp.testSplit > 0 ? splitDataset(expanded, exp.testSplit, dataSeed) : { train: expanded, test: null };
  const optimizer = {
    ...defaultOptimizer(exp.optimizer, exp.learningRate),
    l1: exp.l1,
    l2: exp.l2,
    ...(exp.contractive ? { contractive: exp.contractive } : {}),
  };
  return { spec, optimizer, train, test, regression };
}

/** The spec with every vector-field layer's anchors trained, when `learn`; refused without such a layer. */
export function learnedCentres(spec: NetworkSpec, learn: boolean): NetworkSpec {
  if (!learn) return spec;
  if (!hasField(spec)) throw new SpecError('learned centres need a vector-field layer (vfK in the arch)');
  for (const layer of spec.layers) if (layer.field) layer.field.learnCentres = true;
  return spec;
}

/**
 * The network's sizes from an experiment's: the input widened by `features` inputs, and with it every
 * vector-field layer right after the input (they keep its width).
 */
export function networkSizes(
  arch: readonly number[],
  fields: readonly number[] | undefined,
  features: number,
): number[] {
  const sizes = [...arch];
  if (features === 0) return sizes;
  sizes[0] += features;
  for (let i = 1; i < sizes.length && (fields?.[i - 1] ?? 0) > 0; i++) sizes[i] += features;
  return sizes;
}

/** Layers read from text: the sizes, input first, and which layers are vector-field layers. */
export interface ArchLayers {
  arch: number[];
  /** Anchors per layer (0 = dense); absent when every layer is dense. */
  fields?: number[];
}

/**
 * Reads layers written as text, the one parser of `--arch`, links and sweeps: whole numbers from input to
 * output, each pair joined by one `-` (or one `x` or `,`), spaces allowed around them: "2-3-2-1". A hidden
 * token `vfK` is a vector-field layer with K anchors (1 to MAX_ANCHORS), as wide as the layer before it:
 * "2-vf16-vf16-1". An empty size between two separators ("2-x-1", "2--1") is refused, not skipped. Throws a
 * SpecError that says what is wrong, in one line.
 */
export function parseArchLayers(text: string): ArchLayers {
  const show = JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
  const rule = 'must be sizes from input to output joined by dashes, e.g. 2-3-2-1';
  const parts = text.trim().split(/\s*[-x,]\s*/);
  if (parts.length < 2) throw new SpecError(`architecture ${show} ${rule}`);
  const sizes: number[] = [];
  const fields: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === '') throw new SpecError(`architecture ${show} ${rule}; size ${i + 1} is empty`);
    const field = /^vf(\d+)$/i.exec(p);
    if (field) {
      const k = Number(field[1]);
      const where = `architecture ${show}: size ${i + 1} (${JSON.stringify(p.slice(0, 12))})`;
      if (i === 0) throw new SpecError(`${where} is a vector-field layer; the first size is the input`);
      if (i === parts.length - 1) {
        throw new SpecError(
          `${where} is a vector-field layer; the output layer must be dense, e.g. 2-vf16-1`,
        );
      }
      if (k < 1 || k > MAX_ANCHORS) {
        throw new SpecError(`${where}: a vector-field layer has 1 to ${MAX_ANCHORS} anchors; got ${k}`);
      }
      sizes.push(sizes[i - 1]);
      fields.push(k);
      continue;
    }
    if (!/^\d+$/.test(p) || Number(p) < 1) {
      // A field layer's token gone wrong: say how one is written.
      const hint = /^vf/i.test(p) ? '; a vector-field layer is vfK with K its anchors, e.g. 2-vf16-1' : '';
      throw new SpecError(
        `architecture ${show} ${rule}; size ${i + 1} is ${JSON.stringify(p.slice(0, 12))}${hint}`,
      );
    }
    sizes.push(Number(p));
    if (i > 0) fields.push(0);
  }
  return fields.some((k) => k > 0) ? { arch: sizes, fields } : { arch: sizes };
}

/**
 * Reads dense layer sizes written as text (parseArchLayers without vector-field layers, which it refuses:
 * sizes alone cannot hold them).
 */
export function parseArchText(text: string): number[] {
  const layers = parseArchLayers(text);
  if (layers.fields) {
    throw new SpecError(
      `architecture ${JSON.stringify(text)} has a vector-field layer; read it with its fields`,
    );
  }
  return layers.arch;
}

/** "2-3-2-1"; with fields, "2-vf16-1". */
export function archText(arch: number[], fields?: readonly number[]): string {
  return arch
    .map((w, i) => (i > 0 && fields && fields[i - 1] > 0 ? `vf${fields[i - 1]}` : String(w)))
    .join('-');
}

/** A network's layers as text: its widths, vector-field layers as `vfK` ("2-vf16-1"). */
export function specArchText(spec: NetworkSpec): string {
  return archText(
    [spec.inputSize, ...spec.layers.map((l) => l.units)],
    spec.layers.map((l) => l.field?.anchors ?? 0),
  );
}

/** The experiment's layers as text (archText of its arch and fields). */
export function experimentArchText(exp: Pick<Experiment, 'arch' | 'fields'>): string {
  return archText(exp.arch, exp.fields);
}
