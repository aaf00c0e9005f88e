/**
 * Ready-made experiments, one per experiment in the source write-ups (seeds 000 to 004) plus a few
 * TensorFlow-playground classics. Plain data: the CLI picks one with `--preset ID`, the app lists them.
 *
 * Sources:
 * - 000: Matt Johnson, "Animating how neural networks detangle classes" (2022), PyTorch.
 * - 001: Scott Rome, "Visualizing the learning of a neural network geometrically", Keras.
 * - 002: Alex Marshall, "Visualizing neural networks" notebook (2020), Keras.
 * - 003: "Visualising MLP data transformation" notebook (make_circles), Keras.
 * - 004: Christopher Olah, "Neural networks, manifolds, and topology" (2014).
 *
 * Where a source trains longer than a browser demo should (Keras animations of 100 epochs over
 * 40,000 points with SGD at 0.001), the preset uses fewer points and a larger step so the same outcome
 * shows in seconds; the `source` of each preset says what changed.
 */

import { DataError } from './errors';
import type { FeatureName } from './features';

export type PresetLoss = 'mse' | 'bce' | 'ce';
export type PresetOptimizer = 'sgd' | 'momentum' | 'rmsprop' | 'adam';

export interface Preset {
  /** Kebab-case slug, the value of `--preset`. */
  id: string;
  title: string;
  /** What to watch for, in a sentence or two. */
  watch: string;
  /** Where the experiment comes from. */
  source: string;
  /** A name in DATASETS, and the parameters that differ from its defaults. */
  dataset: string;
  params: Record<string, number>;
  /** Layer sizes from input to output, e.g. [2, 3, 2, 1]. */
  arch: number[];
  /** One name for the hidden layers (the output follows the loss), or one per layer, output included. */
  activation: string;
  loss: PresetLoss;
  optimizer: PresetOptimizer;
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** Fraction of the points held out as a test set. */
  testSplit: number;
  /** Seed of the data, the split and the initial weights. */
  seed: number;
  /** Feature inputs appended to the 2-D coordinates (src/data/features.ts); absent = none. */
  features?: FeatureName[];
  /** Anchors of each hidden layer that is a vector-field layer (0 = dense), as `Experiment.fields`; absent = all dense. */
  fields?: number[];
  /** `knn`: colah's k-NN output instead of the loss's own (`Experiment.output`); absent = the loss's output. */
  output?: 'knn';
}

const ROME = 'Scott Rome, Visualizing the learning of a neural network geometrically (Keras)';
const MARSHALL = 'Alex Marshall, Visualizing neural networks notebook (Keras)';
const COLAH = 'Christopher Olah, Neural networks, manifolds, and topology (2014)';
const JOHNSON = 'Matt Johnson, Animating how neural networks detangle classes (PyTorch)';
const CIRCLES_NB = 'Visualising MLP data transformation notebook (Keras, make_circles)';
const PLAYGROUND = 'TensorFlow playground style';

/** The rings of the 001/002 seeds, with 2,000 instead of 40,000 points (see each preset). */
const RINGS = { samples: 2000 };

export const PRESETS: Preset[] = [
  // 001/002 seeds, rings. Keras: SGD, batch 32, MSE on a sigmoid output, one epoch per frame.
  {
    id: 'rings-1-unit-collapses',
    title: '1 unit squeezes the rings onto a line',
    watch:
      'The single first-layer unit maps the plane onto a line, so the 2-unit layer after it only ever shows ' +
      'a curve with both colours overlapping on it; accuracy stays well short of 100% (at most about 83%: a line through the plane keeps two thirds of the outer ring apart).',
    source: `${MARSHALL}: his 1-1-2-1 (2 inputs, then 1, 2 and 1 units), tanh, SGD lr 0.001 (here lr 0.5 on ½·MSE with 2,000 points instead of 40,000 and a 20% test split, so the outcome shows in seconds)`,
    dataset: 'rings',
    params: { ...RINGS },
    arch: [2, 1, 2, 1],
    activation: 'tanh',
    loss: 'mse',
    optimizer: 'sgd',
    learningRate: 0.5,
    batchSize: 32,
    epochs: 40,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'rings-2-units-fail',
    title: '2 units cannot untangle rings',
    watch:
      'In the 2-unit layer the rings bend into a boomerang but the inner ring never leaves the outer one: ' +
      'no line separates them and accuracy stalls between about 80 and 90%.',
    source: `${ROME} and ${MARSHALL}: 2-2-2-1, tanh, SGD lr 0.001 (here lr 0.5 on ½·MSE with 2,000 points instead of 40,000 and a 20% test split, so the outcome shows in seconds)`,
    dataset: 'rings',
    params: { ...RINGS },
    arch: [2, 2, 2, 1],
    activation: 'tanh',
    loss: 'mse',
    optimizer: 'sgd',
    learningRate: 0.5,
    batchSize: 32,
    epochs: 40,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'rings-3-units-separate',
    title: '3 units can untangle rings',
    watch:
      'The 3-unit layer lifts the inner ring out of the plane of the outer one; projected onto the last ' +
      '2 units the rings come apart and the decision line slides between them.',
    source: `${ROME}: 2-3-2-1, tanh, SGD lr 0.005 (here lr 0.5 on ½·MSE with 2,000 points instead of 40,000 and a 20% test split, so the outcome shows in seconds)`,
    dataset: 'rings',
    params: { ...RINGS },
    arch: [2, 3, 2, 1],
    activation: 'tanh',
    loss: 'mse',
    optimizer: 'sgd',
    learningRate: 0.5,
    batchSize: 32,
    epochs: 40,
    testSplit: 0.2,
    // Seed 1 stalls at 83 % by the story's end (it separates later); the story opens on a seed that shows it.
    seed: 2,
  },
  {
    id: 'rings-4-units-exotic',
    title: '4 units: more exotic projections',
    watch:
      'With 4 units the rings separate too, and the 2-unit view shows stranger folds of the plane on the ' +
      'way there.',
    source: `${ROME}: 2-4-2-1, tanh, SGD lr 0.005 (here lr 0.5 on ½·MSE with 2,000 points instead of 40,000 and a 20% test split, so the outcome shows in seconds)`,
    dataset: 'rings',
    params: { ...RINGS },
    arch: [2, 4, 2, 1],
    activation: 'tanh',
    loss: 'mse',
    optimizer: 'sgd',
    learningRate: 0.5,
    batchSize: 32,
    epochs: 40,
    testSplit: 0.2,
    seed: 1,
  },

  // 002 seed, polynomial fit: tanh hidden layers, linear output, MSE (the seed: SGD lr 0.01, batch 32, 4,000 points).
  ...polynomialPresets(),

  // 003 seed: make_circles(100000, noise 0.2, factor 0.5); 6 units, a linear 2-unit view, sigmoid output.
  {
    id: 'circles-6-units-linear-view',
    title: 'Circles: 6 units, then a 2-unit linear view',
    watch:
      'The extra linear 2-unit layer shows what the 6 units did: the inner circle is pushed to one side ' +
      'where a line cuts it off. Accuracy levels off near 89%, the limit the noise allows.',
    source: `${CIRCLES_NB}: 2-6-2(linear)-1(sigmoid), BCE, RMSprop (Keras default lr 0.001), batch 32, 5 epochs over 100,000 points, 20% validation (here 10 epochs over 10,000 points: fewer steps, the same plateau)`,
    dataset: 'circles',
    params: { samples: 10000 },
    arch: [2, 6, 2, 1],
    activation: 'relu,linear,sigmoid',
    loss: 'bce',
    optimizer: 'rmsprop',
    learningRate: 0.001,
    batchSize: 32,
    epochs: 10,
    testSplit: 0.2,
    seed: 1,
  },

  // 004 seed (colah). The post gives pictures, not hyper-parameters: these are chosen to show them.
  {
    id: 'curves-line-fails',
    title: 'Curves: no hidden layer, just a line',
    watch:
      'A network without hidden layers can only draw a straight line, and no line separates the two curves.',
    source: `${COLAH}: input and output layers only`,
    dataset: 'curves',
    params: {},
    arch: [2, 1],
    activation: 'sigmoid',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.05,
    batchSize: 32,
    epochs: 40,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'curves-hidden-layer',
    title: 'Curves: one hidden layer bends them apart',
    watch:
      'Watch the 2-unit hidden representation: tanh stretches and squashes the plane until a straight line ' +
      'runs between the curves.',
    source: `${COLAH}: one tanh hidden layer of 2 units`,
    dataset: 'curves',
    params: {},
    arch: [2, 2, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.05,
    batchSize: 32,
    epochs: 60,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'colah-disk-2-units-fail',
    title: 'Surrounded class: 2 hidden units fail',
    watch:
      'One class surrounds the other; with 2 hidden units the network gets pulled into a local minimum ' +
      'that classifies about 80% and stays there; more 2-unit layers would not help.',
    source: `${COLAH}: one tanh hidden layer of 2 units`,
    dataset: 'circles',
    params: { samples: 2000, noise: 0.05 },
    arch: [2, 2, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.05,
    batchSize: 32,
    epochs: 60,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'colah-disk-3-units',
    title: 'Surrounded class: 3 hidden units make it trivial',
    watch:
      'A third hidden unit lifts the inner circle into 3-D, where a plane separates it from the outer one.',
    source: `${COLAH}: one tanh hidden layer of 3 units`,
    dataset: 'circles',
    params: { samples: 2000, noise: 0.05 },
    arch: [2, 3, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.05,
    batchSize: 32,
    epochs: 60,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'spiral-slight-4-layers',
    title: 'Spirals slightly entangled: 4 hidden layers untangle them',
    watch:
      'Each arm winds almost a full turn around the other, so no line separates them. Layer by layer the arms are ' +
      'unwound; by the last 2-unit layer they lie on either side of a line. Narrow networks do not always get there: ' +
      'some seeds stop in a local minimum.',
    source: `${COLAH}: four tanh hidden layers (2 units each, so every layer can be drawn) on spirals that wind about a full turn (0.9) around each other`,
    dataset: 'spiral',
    params: { turns: 0.9 },
    arch: [2, 2, 2, 2, 2, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.02,
    batchSize: 32,
    epochs: 300,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'spiral-tight-fails',
    title: 'Spirals more entangled: the same network fails',
    watch:
      'With more turns the narrow layers stretch the arms but cannot pull them apart; accuracy stays well ' +
      'below 100%.',
    source: `${COLAH}: the same four 2-unit tanh hidden layers on a spiral of 1.5 turns`,
    dataset: 'spiral',
    params: { samples: 500, turns: 1.5 },
    arch: [2, 2, 2, 2, 2, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.03,
    batchSize: 32,
    epochs: 100,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'interval-1-unit-fails',
    title: '1-D interval: one unit is not enough',
    watch:
      'One hidden unit maps the line monotonically, so the middle class can never be cut from both sides.',
    source: `${COLAH}: 1-D dataset, one hidden unit`,
    dataset: 'interval',
    params: {},
    arch: [1, 1, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.05,
    batchSize: 32,
    epochs: 40,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'interval-2-units',
    title: '1-D interval needs 2 units',
    watch:
      'One unit learns to fire past x = -1/2 and the other past x = 1/2; the line bends into a curve ' +
      'and a straight cut isolates the middle class.',
    source: `${COLAH}: 1-D dataset, two hidden units`,
    dataset: 'interval',
    params: {},
    arch: [1, 2, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.05,
    batchSize: 32,
    epochs: 40,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'tori-3-units-fail',
    title: 'Linked tori: 3-unit layers cannot unlink them',
    watch:
      'The tori are linked; layers of 3 units only deform 3-D space, so the best they can do is stretch ' +
      'one torus thin where it passes through the other, and some points stay on the wrong side.',
    source: `${COLAH}: two linked tori, layers of 3 units`,
    dataset: 'tori',
    params: { samples: 2000, tube: 0.35 },
    arch: [3, 3, 3, 3, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.05,
    batchSize: 32,
    epochs: 30,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'tori-wide-layer-separates',
    title: 'Linked tori: a wider layer pulls them apart',
    watch:
      'Unlinking needs a 4th dimension; a hidden layer of 8 units has room to lift one torus out of the ' +
      'other, and a plane then separates them.',
    source: `${COLAH}: two linked tori need n+1 = 4 dimensions; a single hidden layer of 8 tanh units`,
    dataset: 'tori',
    params: { samples: 2000, tube: 0.35 },
    arch: [3, 8, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.05,
    batchSize: 32,
    epochs: 30,
    testSplit: 0.2,
    seed: 1,
  },

  // 000 seed (Matt Johnson): PyTorch, 2-unit ReLU layers, cross-entropy, SGD, batch 64, 100 epochs.
  {
    id: 'segments-relu-2-2',
    title: 'Line segments through 2-2 ReLU layers',
    watch:
      'ReLU folds the plane onto the positive quadrant: whole segments collapse onto the axes and the two ' +
      'classes gather on different sides.',
    source: `${JOHNSON}: LineSegmentDataset(5, 5, 0.2, 50), Linear(2,2)-ReLU-Linear(2,2), CE, SGD, batch 64, 100 epochs (learning rate not shown: momentum 0.9 as in the PyTorch tutorials, lr 0.05; his ReLU after the last layer is left out, the softmax of CE follows it directly; a 20% test split)`,
    dataset: 'segments',
    params: {},
    arch: [2, 2, 2],
    activation: 'relu',
    loss: 'ce',
    optimizer: 'momentum',
    learningRate: 0.05,
    batchSize: 64,
    epochs: 100,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'holes-relu',
    title: 'Disk with holes: ReLU layers cut out the islands',
    watch:
      'Each class-1 island sits in a hole of the class-0 disk. ReLU layers cut and fold the plane until ' +
      'every island lands on one side of a line.',
    source: `${JOHNSON}: the holes dataset (after Naitzat et al.), which the post builds but does not train on; two 16-unit ReLU layers, CE, 1,000 points`,
    dataset: 'holes',
    params: { samples: 1000 },
    arch: [2, 16, 16, 2],
    activation: 'relu',
    loss: 'ce',
    optimizer: 'adam',
    learningRate: 0.01,
    batchSize: 64,
    epochs: 60,
    testSplit: 0.2,
    seed: 1,
  },

  // TensorFlow-playground classics.
  {
    id: 'moons-tanh',
    title: 'Two moons',
    watch: 'A few tanh units bend the plane so the two half circles fall on either side of a line.',
    source: PLAYGROUND,
    dataset: 'moons',
    params: {},
    arch: [2, 6, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.03,
    batchSize: 16,
    epochs: 50,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'xor-tanh',
    title: 'XOR: opposite quadrants',
    watch: 'Opposite quadrants share a class: the hidden layer folds the plane so one line separates them.',
    source: PLAYGROUND,
    dataset: 'xor',
    params: {},
    arch: [2, 4, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.03,
    batchSize: 16,
    epochs: 50,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'rings-by-hand',
    title: 'Rings by hand: three lines make a triangle',
    watch:
      'Training is off: set the weights of the three tanh units by hand until their lines make a triangle ' +
      'around the inner ring (story mode says when the test accuracy reaches 95 %).',
    source: `${PLAYGROUND}: weights set by hand as the playground lets one, on the rings of the 001 seed (2,000 points)`,
    dataset: 'rings',
    params: { ...RINGS },
    arch: [2, 3, 1],
    activation: 'tanh',
    loss: 'mse',
    optimizer: 'sgd',
    learningRate: 0.5,
    batchSize: 32,
    epochs: 40,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'gauss-line',
    title: 'Two Gaussians: a single unit',
    watch: 'Two clouds that a line already separates: a lone sigmoid unit finds it in a few epochs.',
    source: PLAYGROUND,
    dataset: 'gauss',
    params: {},
    arch: [2, 1],
    activation: 'sigmoid',
    loss: 'bce',
    optimizer: 'sgd',
    learningRate: 0.1,
    batchSize: 16,
    epochs: 20,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'spiral-softmax',
    title: 'Spiral with softmax cross-entropy',
    watch:
      'Two wider tanh layers and a 2-way softmax: the arms unwind into two blobs that the softmax splits.',
    source: PLAYGROUND,
    dataset: 'spiral',
    params: {},
    arch: [2, 8, 8, 2],
    activation: 'tanh',
    loss: 'ce',
    optimizer: 'adam',
    learningRate: 0.02,
    batchSize: 16,
    epochs: 200,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'blobs-3-classes',
    title: 'Three blobs, three classes',
    watch: 'Softmax cross-entropy with 3 outputs: the plane is cut into three regions, one per cloud.',
    source: PLAYGROUND,
    dataset: 'blobs',
    params: { classes: 3 },
    arch: [2, 4, 3],
    activation: 'tanh',
    loss: 'ce',
    optimizer: 'adam',
    learningRate: 0.03,
    batchSize: 16,
    epochs: 30,
    testSplit: 0.2,
    seed: 1,
  },
  // Feature inputs (as TensorFlow Playground offers them): the rings with no hidden layer at all.
  {
    id: 'rings-r2-plane',
    title: 'r² lifts the rings: a plane separates them',
    watch:
      'With r² = x₁² + x₂² as a third input the plane becomes a paraboloid: the inner ring sits low, the ' +
      'outer ring high, and the output unit alone cuts between them with a flat plane.',
    source: `${COLAH} (a third dimension untangles the rings), with Playground's feature inputs: r² and no hidden layer`,
    dataset: 'rings',
    params: { ...RINGS },
    arch: [2, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.1,
    batchSize: 32,
    epochs: 20,
    testSplit: 0.2,
    seed: 1,
    features: ['r2'],
  },
  {
    id: 'rings-squares-plane',
    title: 'x₁² and x₂²: the rings come apart without a hidden layer',
    watch:
      'With x₁² and x₂² as inputs the rings become two nested bands in 4 dimensions, and one output unit ' +
      'separates them: a circle in the plane is a line in (x₁², x₂²).',
    source: `${COLAH} (the rings need more than the plane), with Playground's feature inputs: x₁², x₂² and no hidden layer`,
    dataset: 'rings',
    params: { ...RINGS },
    arch: [2, 1],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.1,
    batchSize: 32,
    epochs: 20,
    testSplit: 0.2,
    seed: 1,
    features: ['x1sq', 'x2sq'],
  },
  // colah's two proposed layers ("Better Layers for Manipulating Manifolds?", "K-Nearest Neighbor
  // Layers"), each beside the network it is compared with; settings chosen on seeds 1–3.
  {
    id: 'spiral-slight-vector-field',
    title: 'Slightly entangled spirals: two vector-field layers',
    watch:
      'Each layer moves every point along a learned field, x + Σ vᵢ gᵢ(x), and never leaves the plane. Watch ' +
      'the arms slide apart in two dimensions; then look where the grid turns over: the field folds the plane.',
    source:
      `${COLAH}, "Better Layers for Manipulating Manifolds?": his proposed vector-field layer, two of them with ` +
      '6 Gaussian anchors each (27 parameters, as many as the four 2-unit layers of spiral-slight-4-layers), on ' +
      'the same spirals; Adam lr 0.03, batch 64, 40 epochs',
    dataset: 'spiral',
    params: { turns: 0.9 },
    arch: [2, 2, 2, 1],
    fields: [6, 6, 0],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.03,
    batchSize: 64,
    epochs: 40,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'rings-vector-field-folds',
    title: 'Rings: a vector-field layer pulls the inner ring out by folding the plane',
    watch:
      'A one-to-one deformation of the plane cannot take the inner ring out of the outer one. The field layer ' +
      'does take it out: its arrows grow until the plane folds over itself, and a line then separates the rings.',
    source:
      `${COLAH}, "Better Layers for Manipulating Manifolds?": one vector-field layer of 6 anchors (15 parameters, ` +
      'as many as 2-2-2-1) on the rings of rings-2-units-fail, 800 points; Adam lr 0.03 on cross-entropy, batch 64, 40 epochs',
    dataset: 'rings',
    params: { samples: 800 },
    arch: [2, 2, 1],
    fields: [6, 0],
    activation: 'tanh',
    loss: 'bce',
    optimizer: 'adam',
    learningRate: 0.03,
    batchSize: 64,
    epochs: 40,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'spiral-knn-output',
    title: 'Two spirals: a k-NN output instead of softmax',
    watch:
      'The last layer is a 2-D representation classified by its nearest training points, not cut by a line: ' +
      'the network only has to bring each point near its own class. The last view shows the k-NN regions.',
    source:
      `${COLAH}, "K-Nearest Neighbor Layers": each batch element classified by the others weighted by ` +
      '1/distance, cross-entropy on those votes, 8 nearest training points at test time; the hidden layers of ' +
      'spiral-softmax (2-8-8-2, tanh) on 400 points, Adam lr 0.02, batch 32, 20 epochs',
    dataset: 'spiral',
    params: { samples: 400 },
    arch: [2, 8, 8, 2],
    output: 'knn',
    activation: 'tanh',
    loss: 'ce',
    optimizer: 'adam',
    learningRate: 0.02,
    batchSize: 32,
    epochs: 20,
    testSplit: 0.2,
    seed: 1,
  },
  {
    id: 'rings-knn-output',
    title: 'Rings: a k-NN output needs no line between them',
    watch:
      'Two 2-unit layers cannot unnest the rings, and with a k-NN output they need not: a point is classified ' +
      'by its neighbours, so rings that stay nested are told apart. The last view shows the k-NN regions.',
    source:
      `${COLAH}, "K-Nearest Neighbor Layers", on the 2-unit hidden layers of rings-2-units-fail (2-2-2 and a ` +
      '2-D representation) with 400 points; Adam lr 0.02, batch 32, 10 epochs',
    dataset: 'rings',
    params: { samples: 400 },
    arch: [2, 2, 2, 2],
    output: 'knn',
    activation: 'tanh',
    loss: 'ce',
    optimizer: 'adam',
    learningRate: 0.02,
    batchSize: 32,
    epochs: 10,
    testSplit: 0.2,
    seed: 1,
  },
];

/** The 002 seed's six polynomial fits: tanh hidden layers, linear output, MSE, batch 32. */
function polynomialPresets(): Preset[] {
  const fits: [string, string, number[], string][] = [
    [
      'poly-1-2-1-too-narrow',
      '1-2-1 is too narrow for the polynomial',
      [1, 2, 1],
      'Two tanh units give at most two bends: the fit looks like spliced tanh curves and misses the W shape.',
    ],
    [
      'poly-1-2-2-2-1-deeper',
      'Depth alone (1-2-2-2-1) does not help',
      [1, 2, 2, 2, 1],
      'Three narrow layers settle fast but, at this length, fit no better than one: each 2-unit layer passes on too little.',
    ],
    [
      'poly-1-6-1-fits',
      '1-6-1 fits the polynomial',
      [1, 6, 1],
      'Width works: six tanh units combine into both dips and the middle bump of y = x^4 - 3x^2 + x + 1.',
    ],
    [
      'poly-1-3-3-1',
      '1-3-3-1: some depth and some width',
      [1, 3, 3, 1],
      'Two layers of three units: a fit between the narrow and the wide ones.',
    ],
    [
      'poly-chokepoint-1-3-1-3-1-fails',
      'Chokepoint 1-3-1-3-1 fails',
      [1, 3, 1, 3, 1],
      'The single-unit layer squeezes everything through one monotone tanh: the output looks like one tanh ' +
        'curve, about as poor as 1-2-1.',
    ],
    [
      'poly-chokepoint-1-3-3-1-3-3-1',
      'Chokepoint 1-3-3-1-3-3-1',
      [1, 3, 3, 1, 3, 3, 1],
      'Wider layers around the chokepoint do a little better, but at this length the fit still misses the low x values.',
    ],
  ];
  return fits.map(([id, title, arch, watch]) => ({
    id,
    title,
    watch,
    source:
      `${MARSHALL}: ${arch.join('-')}, tanh, SGD lr 0.01 on Keras's mean squared error, batch 32, 4,000 points; ` +
      'here Adam lr 0.03 on ½·MSE, 2,000 points and 40 epochs, so the wide networks have converged within a ' +
      'short run and the comparison is fair',
    dataset: 'polynomial',
    params: { samples: 2000 },
    arch,
    activation: 'tanh',
    loss: 'mse',
    optimizer: 'adam',
    learningRate: 0.03,
    batchSize: 32,
    epochs: 40,
    testSplit: 0.1,
    seed: 1,
  }));
}

/** The preset with this id; throws a DataError listing the ids when there is none. */
export function findPreset(id: string): Preset {
  const found = PRESETS.find((p) => p.id === id);
  if (!found)
    throw new DataError(`unknown preset "${id}"; choose one of ${PRESETS.map((p) => p.id).join(', ')}`);
  return found;
}
