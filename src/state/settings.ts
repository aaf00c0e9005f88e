/**
 * Everything a person can set, as one plain object, and how it turns into a dataset split and a network
 * spec. DOM-free.
 */
import type { FeatureName } from '../data/features';
import type { Preset } from '../data/presets';
import { findPreset } from '../data/presets';
import { splitDataset } from '../data/split';
import type { Dataset } from '../data/types';
import { LIMITS } from '../engine/limits';
import {
  DEFAULT_KNN,
  DEFAULT_SLOPE,
  checkSpec,
  defaultOptimizer,
  isActivation,
  outputActivationFor,
  type Activation,
  type KnnSpec,
  type LayerSpec,
  type Loss,
  type NetworkSpec,
  type Optimizer,
  type OptimizerSpec,
  type OutputActivation,
} from '../engine/spec';
import type { EngineConfig } from '../engine/types';

export interface HiddenLayer {
  units: number;
  activation: Activation;
  /** Negative slope of leaky_relu when it differs from the settings' `slope` (an imported model). */
  slope?: number;
  /**
   * Present (≥ 1): a vector-field layer with this many anchors (engine/spec.ts FieldSpec); its width is its
   * input's and its activation none, whatever `units` and `activation` say.
   */
  anchors?: number;
}

/** The output layer when it is not the one the data and loss imply (from a link or an imported model). */
export interface OutputLayer {
  units: number;
  activation: OutputActivation;
  slope?: number;
}

export type Projection = 'units' | 'pca' | 'decision';
/** What shows the network beside the main view: the strip of layer views, the diagram, or both. */
export type NetworkView = 'strip' | 'diagram' | 'both';
export const NETWORK_VIEWS: readonly NetworkView[] = ['strip', 'diagram', 'both'];

export interface Settings {
  preset: string;
  dataset: string;
  datasetParams: Record<string, number>;
  testSplit: number;
  seed: number;
  hidden: HiddenLayer[];
  loss: Loss;
  optimizer: Optimizer;
  learningRate: number;
  batchSize: number;
  /** Epochs of the run as the command line trains it; the app trains until paused, but links keep it. */
  epochs: number;
  /** L1 and L2 weight penalties. */
  l1: number;
  l2: number;
  /** Weight λ of the contractive penalty on the hidden layers' Jacobians (0: off). */
  contractive: number;
  /** Negative slope of leaky_relu layers. */
  slope: number;
  /** null: the output layer follows the data and the loss. */
  output: OutputLayer | null;
  /** Training steps per drawn frame (when not at full speed). */
  stepsPerFrame: number;
  /** Train as fast as the frame budget allows. */
  fullSpeed: boolean;
  playing: boolean;
  /** Vertices per side of the input grid, as drawn (lowered while frames are too slow). */
  gridSize: number;
  /**
   * The grid density the person chose (the View controls, a link's `grid=`, or the default): the drawn
   * density is lowered from it only while frames are too slow, and raised back towards it, never above.
   */
  chosenGrid: number;
  /** Most data points drawn (train and test together). */
  maxPoints: number;
  /** The slider: 0 = input, L = output, fractions in between. */
  position: number;
  animate: boolean;
  /** Layers per second while the slider plays. */
  animationSpeed: number;
  projection: Projection;
  wideDims: 2 | 3;
  showSurface: boolean;
  showGrid: boolean;
  showPoints: boolean;
  showTest: boolean;
  /** Axes through the origin and the activation's range as a faint frame. */
  showReferences: boolean;
  /** Misclassified points marked with a cross. */
  showMistakes: boolean;
  /** The surface coloured by how the map folds, squashes or stretches the input plane. */
  showFolds: boolean;
  /** 1-D input: the main view draws curves over the input instead of the bent line. */
  functionView: boolean;
  /** Every layer drawn by its pre-activation z instead of its activation a. */
  preActivation: boolean;
  /**
   * Feature inputs computed from 2-D coordinates and appended to them (src/data/features.ts), in their
   * fixed order: the data the network sees (and its input layer) has 2 + features.length dimensions.
   */
  features: FeatureName[];
  /** The strip of layer views, the network diagram, or both (settings saved before it lack it: the strip). */
  networkView?: NetworkView;
  /** colah's k-NN output instead of the loss's (loss ce; the last layer a linear representation). */
  knn?: KnnSpec | null;
  /** The vector-field layers' anchors move with training. */
  learnCentres?: boolean;
  /** The vector field drawn as arrows over the plane, its anchors marked (while the slider is at a field layer). */
  showField?: boolean;
}

/** Bounds of the steps per frame a person (or the pace rule) can set. */
export const MIN_STEPS_PER_FRAME = 1;
export const MAX_STEPS_PER_FRAME = 5000;

export const DEFAULT_PRESET = 'rings-3-units-separate';

/** Grid and point defaults: modest where drawing is done on the CPU (the fallback). */
export function defaultView(gpu: boolean): Pick<Settings, 'gridSize' | 'chosenGrid' | 'maxPoints'> {
  return gpu
    ? { gridSize: 64, chosenGrid: 64, maxPoints: 1000 }
    : { gridSize: 32, chosenGrid: 32, maxPoints: 600 };
}

export function settingsFromPreset(preset: Preset, base: Partial<Settings> = {}): Settings {
  const hiddenSizes = preset.arch.slice(1, -1);
  const acts = preset.activation.split(',').map((s) => s.trim());
  // The activation list names the dense layers only where some layers are vector-field layers.
  const fields = preset.fields ?? [];
  const dense = hiddenSizes.filter((_, i) => !(fields[i] > 0)).length;
  let d = 0;
  const hidden = hiddenSizes.map((units, i): HiddenLayer => {
    if (fields[i] > 0) return { units, activation: 'linear', anchors: fields[i] };
    const name = acts.length === dense + 1 ? acts[d] : acts[0];
    d++;
    return { units, activation: (isActivation(name) ? name : 'tanh') as Activation };
  });
  const last = preset.arch[preset.arch.length - 1];
  const lastAct = acts.length === dense + 1 ? acts[dense] : 'linear';
  const knnOutput: OutputLayer = {
    units: last,
    activation: (isActivation(lastAct) ? lastAct : 'linear') as Activation,
  };
  return {
    gridSize: 64,
    chosenGrid: 64,
    maxPoints: 1500,
    position: 0,
    animate: false,
    animationSpeed: 0.35,
    projection: 'decision',
    wideDims: 3,
    showSurface: true,
    showGrid: true,
    showPoints: true,
    showTest: true,
    showReferences: true,
    showMistakes: true,
    showFolds: false,
    showField: true,
    functionView: true,
    preActivation: false,
    networkView: base.networkView ?? 'strip',
    stepsPerFrame: 4,
    fullSpeed: false,
    playing: true,
    ...base,
    preset: preset.id,
    dataset: preset.dataset,
    datasetParams: { ...preset.params },
    testSplit: preset.testSplit,
    seed: preset.seed,
    hidden,
    loss: preset.loss,
    optimizer: preset.optimizer,
    learningRate: preset.learningRate,
    batchSize: preset.batchSize,
    epochs: preset.epochs,
    l1: 0,
    l2: 0,
    contractive: 0,
    slope: DEFAULT_SLOPE,
    output: preset.output === 'knn' ? knnOutput : null,
    features: [...(preset.features ?? [])],
    knn: preset.output === 'knn' ? { ...DEFAULT_KNN } : null,
    learnCentres: false,
  };
}

/**
 * Fresh settings for this backend: the default experiment, opened on hidden layer 1 (where its 3 units
 * lift the inner ring out of the plane: the untangling shows in the main view), at a step a frame until
 * the speed probe has measured.
 */
export function freshSettings(gpu: boolean): Settings {
  return { ...defaultSettings(gpu), ...defaultView(gpu), stepsPerFrame: 1, position: 1 };
}

export function defaultSettings(gpu: boolean): Settings {
  const preset = findPreset(DEFAULT_PRESET);
  if (!preset) throw new Error(`the default preset ${DEFAULT_PRESET} is missing`);
  return settingsFromPreset(preset, defaultView(gpu));
}

/** Output units for a dataset and loss: one per class for cross-entropy or more than two classes, else one. */
export function outputUnits(classes: number, loss: Loss): number {
  if (classes === 0) return 1;
  if (loss === 'ce') return Math.max(2, classes);
  return classes > 2 ? classes : 1;
}

/**
 * The loss that fits the data: regression can only use mse; binary cross-entropy needs one output, so
 * more than two classes move it to cross-entropy.
 */
export function effectiveLoss(classes: number, loss: Loss): Loss {
  if (classes === 0) return 'mse';
  if (loss === 'bce' && classes > 2) return 'ce';
  return loss;
}

/** What a network needs to know of the data: its inputs and classes (0: regression). */
export interface DataShape {
  inputSize: number;
  classes: number;
}

/** The output layer the data and loss imply. */
export function impliedOutput(data: DataShape, loss: Loss): { units: number; activation: OutputActivation } {
  const effective = effectiveLoss(data.classes, loss);
  return {
    units: outputUnits(data.classes, effective),
    activation: outputActivationFor(effective, data.classes === 0),
  };
}

/**
 * The network of the settings for the data (its own coordinates: the settings' feature inputs widen the
 * network's input beyond them). Throws a SpecError when it breaks a rule or a limit.
 */
export function networkSpec(s: Settings, data: DataShape): NetworkSpec {
  const knn = s.knn ? { k: s.knn.k, epsilon: s.knn.epsilon } : null;
  const loss = knn ? 'ce' : effectiveLoss(data.classes, s.loss);
  const output = s.output ?? (knn ? { units: 2, activation: 'linear' as const } : impliedOutput(data, loss));
  const slope = s.slope;
  const inputSize = data.inputSize + (s.features?.length ?? 0);
  let width = inputSize;
  const hidden = s.hidden.map((h): LayerSpec => {
    if (h.anchors !== undefined && h.anchors > 0) {
      const field = { anchors: h.anchors, ...(s.learnCentres ? { learnCentres: true } : {}) };
      return { units: width, activation: 'linear', slope: h.slope ?? slope, field };
    }
    width = h.units;
    return { units: h.units, activation: h.activation, slope: h.slope ?? slope };
  });
  const spec: NetworkSpec = {
    inputSize,
    layers: [
      ...hidden,
      { units: output.units, activation: output.activation, slope: s.output?.slope ?? slope },
    ],
    loss,
    ...(knn ? { knn } : {}),
  };
  checkSpec(spec);
  return spec;
}

/** Whether the settings' network has a vector-field layer. */
export function hasFieldLayer(s: Settings): boolean {
  return s.hidden.some((h) => h.anchors !== undefined && h.anchors > 0);
}

export function optimizerSpec(s: Settings): OptimizerSpec {
  return {
    ...defaultOptimizer(s.optimizer, s.learningRate),
    l1: s.l1,
    l2: s.l2,
    contractive: s.contractive ?? 0,
  };
}

export function engineConfig(
  s: Settings,
  spec: NetworkSpec,
  trainCount: number,
  deviceMaxBatch: number = LIMITS.maxBatch,
): EngineConfig {
  return {
    spec,
    optimizer: optimizerSpec(s),
    train: { seed: s.seed, batchSize: clampBatch(s.batchSize, trainCount, deviceMaxBatch) },
  };
}

/** The batch the engine is given: at least 1, at most the training set, the engine's and the device's limit. */
export function clampBatch(batch: number, trainCount: number, deviceMax: number = LIMITS.maxBatch): number {
  return Math.max(1, Math.min(Math.round(batch), trainCount, LIMITS.maxBatch, deviceMax));
}

export function split(s: Settings, data: Dataset): { train: Dataset; test: Dataset | null } {
  if (s.testSplit <= 0) return { train: data, test: null };
  const { train, test } = splitDataset(data, s.testSplit, s.seed);
  return { train, test: test.y.length > 0 ? test : null };
}

/**
 * The points drawn: up to `max`, training and test in proportion, training first. Returns their input
 * coordinates, per-point info (class, 1 for test, jitter in [−½, ½], 0) and label values (class or target).
 */
export function pointsOnDisplay(
  train: Dataset,
  test: Dataset | null,
  max: number,
): { count: number; coords: Float32Array; info: Float32Array; values: Float32Array } {
  const nTrain = train.y.length;
  const nTest = test?.y.length ?? 0;
  const total = nTrain + nTest;
  const scale = Math.min(1, max / Math.max(1, total));
  const showTrain = Math.min(nTrain, Math.max(1, Math.round(nTrain * scale)));
  const showTest = test ? Math.min(nTest, Math.round(nTest * scale)) : 0;
  const count = showTrain + showTest;
  const k = train.inputSize;
  const coords = new Float32Array(count * k);
  const info = new Float32Array(count * 4);
  const values = new Float32Array(count);
  // The data sets are shuffled already; even strides keep every class represented.
  const put = (d: Dataset, n: number, shown: number, at: number, isTest: number): void => {
    for (let i = 0; i < shown; i++) {
      const src = Math.floor((i * n) / shown);
      for (let c = 0; c < k; c++) coords[(at + i) * k + c] = d.x[src * k + c];
      info[(at + i) * 4] = d.classes > 0 ? d.y[src] : 0;
      values[at + i] = d.y[src];
      info[(at + i) * 4 + 1] = isTest;
      info[(at + i) * 4 + 2] = jitterOf(at + i);
    }
  };
  put(train, nTrain, showTrain, 0, 0);
  if (test) put(test, nTest, showTest, showTrain, 1);
  return { count, coords, info, values };
}

/** A fixed pseudo-random offset in [−½, ½] per point (spreads 1-unit layers into a band). */
export function jitterOf(i: number): number {
  const h = Math.imul(i + 1, 0x9e3779b1) >>> 0;
  return ((h >>> 8) & 0xffff) / 0xffff - 0.5;
}
