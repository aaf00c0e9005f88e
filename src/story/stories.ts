/**
 * The story of each seed preset, as data: where it comes from, what happens, what to look for, and which
 * picture to open on. DOM-free; the app's story mode reads it, and `storyLength` says when to pause.
 */
import { findPreset, type Preset } from '../data/presets';
import { makeDataset } from '../data/registry';
import { splitDataset } from '../data/split';
import { stepsPerEpoch } from '../engine/permutation';
import { PROPOSED_LAYER_STORIES } from './proposedLayerStories';
import { CIRCLES_NOTEBOOK, COLAH, JOHNSON, MARSHALL, ROME } from './sources';
import { at, type Story, type StoryEnding } from './storyTypes';

export type { Story, StoryEnding, StoryOpening, StorySource } from './storyTypes';

/** The picture a story ends on: its own ending, else the one it opened on. */
export function endingOf(story: Story): StoryEnding {
  return story.end ?? { t: story.open.t, shows: story.lookFor };
}

/** When the story pauses: the preset's epochs, and the training steps they make on its split. */
export interface StoryLength {
  epochs: number;
  steps: number;
}

export const STORIES: readonly Story[] = [
  // Rings: Scott Rome's tutorial and Alex Marshall's notebook.
  {
    preset: 'rings-1-unit-collapses',
    title: 'One unit squeezes the rings onto a line',
    source: at(MARSHALL, '“Architectures for Classifier problem”, the 1-1-2-1 network'),
    happens:
      'The single unit of the first hidden layer sees the plane only along one direction, so both rings are ' +
      'flattened onto one line before the 2-unit layer gets them. Whatever comes after cannot pull apart ' +
      'points that were already put on top of each other.',
    lookFor: 'In hidden layer 2 the data lie on a single curve with both colours overlapping on it.',
    open: { layer: 2, t: 2 },
  },
  {
    preset: 'rings-2-units-fail',
    title: 'Two units cannot untangle the rings',
    source: at(ROME, '“2d Geometric Tranformations”, the 2-2-2-1 network (also in Marshall’s notebook)'),
    happens:
      'With two units per layer every layer maps the plane onto a plane: it bends, stretches and rotates ' +
      'it, and may squash it flat, but it cannot lift the inner ring out of the outer one. So no line can ' +
      'separate them; the network bends the rings into a boomerang and settles for the best partial cut.',
    lookFor:
      'In hidden layer 2 the inner ring never leaves the outer one: the decision line always cuts through both.',
    open: { layer: 2, t: 2 },
    end: {
      t: 0,
      shows:
        'The input plane with the trained network’s boundary: it cannot close around the inner ring, so it cuts through the outer one.',
    },
  },
  {
    preset: 'rings-3-units-separate',
    title: 'Three units can untangle the rings',
    source: at(ROME, '“3d Linear Transformations”, the 2-3-2-1 network'),
    happens:
      'A third unit gives the first hidden layer a third dimension: the plane is bent into a bowl and the ' +
      'inner ring is lifted above the outer one. Projected down onto the next two units, the rings come ' +
      'apart and a line slides between them.',
    lookFor: 'In hidden layer 1 (3-D) the inner ring rises out of the plane of the outer one.',
    open: { layer: 1, t: 1 },
  },
  {
    preset: 'rings-4-units-exotic',
    title: 'Four units: more exotic projections',
    source: at(ROME, '“4d Geometric Transformations”, the 2-4-2-1 network'),
    happens:
      'With four units the rings separate as easily as with three, but the first layer now has room to ' +
      'bend the plane through four dimensions, and projected onto the 2-unit layer the sheet folds over ' +
      'itself in strange ways.',
    lookFor:
      'Hidden layer 2 shows folded, overlapping grid lines, yet the two rings lie on either side of the line.',
    open: { layer: 2, t: 2 },
  },

  // Polynomial fits: Alex Marshall's notebook.
  {
    preset: 'poly-1-2-1-too-narrow',
    title: '1-2-1 is too narrow for the polynomial',
    source: at(MARSHALL, '“Architectures for polynomial fit problem”, the 1-2-1 network'),
    happens:
      'The output is a sum of two tanh curves, which can make one bump but not the two dips and the middle ' +
      'bump of y = x⁴ − 3x² + x + 1. The fit looks like spliced tanh curves and stops improving.',
    lookFor: 'At the output the fitted curve cuts straight through one of the two dips.',
    open: { layer: 2, t: 2 },
  },
  {
    preset: 'poly-1-2-2-2-1-deeper',
    title: 'Depth alone (1-2-2-2-1) does not help',
    source: at(MARSHALL, '“Architectures for polynomial fit problem”, the 1-2-2-2-1 network'),
    happens:
      'Three narrow layers settle quickly but, in the time the notebook gives them, fit no better than one: ' +
      'each 2-unit layer passes on too little. Trained much longer they sometimes do find the shape, ' +
      'so this is a matter of training, not of what the network could represent.',
    lookFor: 'At the output the curve has the wrong number of bends when training pauses.',
    open: { layer: 4, t: 4 },
  },
  {
    preset: 'poly-1-6-1-fits',
    title: '1-6-1 fits the polynomial',
    source: at(MARSHALL, '“Architectures for polynomial fit problem”, the 1-6-1 network'),
    happens:
      'Width works: six tanh units, each a soft step at its own place, add up to both dips and the middle ' +
      'bump. The loss falls to almost nothing.',
    lookFor: 'At the output the fitted curve lies on top of the polynomial over the whole range.',
    open: { layer: 2, t: 2 },
  },
  {
    preset: 'poly-1-3-3-1',
    title: '1-3-3-1: some depth and some width',
    source: at(MARSHALL, '“Architectures for polynomial fit problem”, the 1-3-3-1 network'),
    happens:
      'Two layers of three units compose their bends: the fit finds the W shape, if a little less exactly ' +
      'than six units in one layer.',
    lookFor:
      'At the output both dips are there; look at the ends of the range for what is left of the error.',
    open: { layer: 3, t: 3 },
  },
  {
    preset: 'poly-chokepoint-1-3-1-3-1-fails',
    title: 'A chokepoint (1-3-1-3-1) fails',
    source: at(MARSHALL, '“Architectures for polynomial fit problem”, the 1-3-1-3-1 network'),
    happens:
      'Everything must pass through a single tanh unit in the middle. In the notebook the result "just looks ' +
      'like a hyperbolic tangent function", about as poor as 1-2-1.',
    lookFor:
      'Hidden layer 2 is one number per x: watch it flatten while the output stays a single smooth step.',
    open: { layer: 2, t: 2 },
  },
  {
    preset: 'poly-chokepoint-1-3-3-1-3-3-1',
    title: 'Chokepoint with wider layers around it (1-3-3-1-3-3-1)',
    source: at(MARSHALL, '“Architectures for polynomial fit problem”, the 1-3-3-1-3-3-1 network'),
    happens:
      'Wider layers on both sides of the one-unit chokepoint do a little better, but at the notebook’s ' +
      'length the fit "still misses the lower x values". Longer training can get through.',
    lookFor: 'At the output the left dip, at the low x values, is missing or too shallow.',
    open: { layer: 6, t: 6 },
  },

  // make_circles notebook.
  {
    preset: 'circles-6-units-linear-view',
    title: 'Circles: six units, then a linear 2-unit view',
    source: at(CIRCLES_NOTEBOOK, '“Visualise the linear layer to see how the data have been transformed”'),
    happens:
      'Six ReLU units cut the plane into pieces; the extra linear 2-unit layer shows what they did. The ' +
      'inner circle is pushed to one side where a line cuts it off. The circles overlap through their noise, ' +
      'so accuracy levels off near the 89 % the notebook reports, not at 100 %.',
    lookFor:
      'In hidden layer 2 the inner circle is gathered in one corner, with noisy points of both colours at the edge.',
    open: { layer: 2, t: 2 },
  },

  // colah.
  {
    preset: 'curves-line-fails',
    title: 'Two curves: no hidden layer, just a line',
    source: at(COLAH, '“A Simple Example”: the network with only an input and an output layer'),
    happens:
      'A network without hidden layers can only draw a straight line through the plane. The two curves ' +
      'interleave, so any line leaves part of each on the wrong side.',
    lookFor: 'On the input the boundary stays straight while the curves wave across it.',
    open: { layer: 0, t: 0 },
  },
  {
    preset: 'curves-hidden-layer',
    title: 'Two curves: one hidden layer bends them apart',
    source: at(COLAH, '“A Simple Example”: the network with one hidden layer'),
    happens:
      'A tanh layer stretches and squashes the plane. After it the two curves lie on either side of a ' +
      'straight line, which is a curved boundary back in the input.',
    lookFor: 'In hidden layer 1 the curves are pulled apart and the decision line runs between them.',
    open: { layer: 1, t: 1 },
  },
  {
    preset: 'colah-disk-2-units-fail',
    title: 'A surrounded class: two hidden units fail',
    source: at(COLAH, '“Topology and Classification”: the network with two hidden units'),
    happens:
      'One class is a disk inside a ring of the other. A layer of two tanh units only deforms the plane, so ' +
      'the disk stays surrounded and no line separates it; colah’s network "gets pulled into a rather ' +
      'unproductive local minimum" at about 80 %.',
    lookFor: 'In hidden layer 1 the ring is stretched around the disk but never opens.',
    open: { layer: 1, t: 1 },
    end: {
      t: 0,
      shows:
        'The input plane with the trained network’s boundary: two units give it two strokes, never a loop around the disk, so it cuts through the ring.',
    },
  },
  {
    preset: 'colah-disk-3-units',
    title: 'A surrounded class: three hidden units make it trivial',
    source: at(COLAH, '“Topology and Classification”: adding a third hidden unit'),
    happens:
      'With a third unit the hidden layer is 3-D: the disk is lifted out of the ring, and a plane separates ' +
      'them.',
    lookFor: 'In hidden layer 1 (3-D) the inner class sits above the surface the ring lies on.',
    open: { layer: 1, t: 1 },
  },
  {
    preset: 'spiral-slight-4-layers',
    title: 'Slightly entangled spirals: four hidden layers untangle them',
    source: at(
      COLAH,
      '“Continuous Visualization of Layers”: two spirals slightly entangled, four hidden layers',
    ),
    happens:
      'Each arm winds a full turn around the other, so no line separates them (a network without a hidden ' +
      'layer stays near chance). Four layers of two tanh units unwind them step by step until, in the last ' +
      'one, the arms lie on either side of a line.',
    lookFor:
      'Move the slider from the input to hidden layer 4 and watch the arms unwind one layer at a time.',
    open: { layer: 4, t: 4 },
  },
  {
    preset: 'spiral-tight-fails',
    title: 'More entangled spirals: the same network fails',
    source: at(COLAH, '“Continuous Visualization of Layers”: two spirals more entangled'),
    happens:
      'With more turns the same four 2-unit layers stretch the arms but cannot pull them apart; accuracy ' +
      'stays far below 100 %. colah: "these tasks are only somewhat challenging because we are using ' +
      'low-dimensional neural networks".',
    lookFor: 'In hidden layer 4 the arms are still wound into each other.',
    open: { layer: 4, t: 4 },
    end: {
      t: 0,
      shows:
        'The input plane with the trained network’s boundary: it cuts across the wound arms instead of running between them.',
    },
  },
  {
    preset: 'interval-1-unit-fails',
    title: 'A 1-D interval: one unit is not enough',
    source: at(COLAH, '“Topology and Classification”: the 1-dimensional dataset'),
    happens:
      'One class lies in the middle of the line, the other on both sides. A single unit maps the line ' +
      'monotonically, so it can cut off one side but never both.',
    lookFor:
      'Hidden layer 1 is one increasing (or decreasing) curve: one of the outer pieces is always misclassified.',
    open: { layer: 1, t: 1 },
  },
  {
    preset: 'interval-2-units',
    title: 'A 1-D interval needs two units',
    source: at(COLAH, '“Topology and Classification”: the 1-dimensional dataset with two hidden units'),
    happens:
      'One unit learns to fire past x = −½ and the other past x = ½. Together they bend the line into a ' +
      'curve in the plane, and a straight cut isolates the middle class.',
    lookFor: 'In hidden layer 1 the line is bent into a hook; the middle class sits at its corner.',
    open: { layer: 1, t: 1 },
  },
  {
    preset: 'tori-3-units-fail',
    title: 'Linked tori: 3-unit layers cannot unlink them',
    source: at(COLAH, '“Links and Homotopy”: two linked tori'),
    happens:
      'The tori are linked like two chain links, and layers of three units only deform 3-D space, which ' +
      'cannot unlink them. The best the network can do is stretch one torus thin where it passes through ' +
      'the other, so some points stay on the wrong side.',
    lookFor: 'In hidden layer 3 one torus is pulled thin where it threads the other.',
    open: { layer: 3, t: 3 },
    end: {
      t: 0,
      shows:
        'The linked tori in space, marked where the trained network gets them wrong: the mistakes sit where one torus threads the other.',
    },
  },
  {
    preset: 'tori-wide-layer-separates',
    title: 'Linked tori: a wider layer pulls them apart',
    source: at(COLAH, '“Links and Homotopy”: "this dataset can’t be separated without using n+1 dimensions"'),
    happens:
      'Unlinking needs a fourth dimension. A hidden layer of eight units has room to lift one torus out of ' +
      'the other, and a hyperplane then separates them.',
    lookFor: 'In hidden layer 1 (its first principal axes) the two tori no longer pass through each other.',
    end: {
      t: 1,
      wideDims: 2,
      shows:
        'Hidden layer 1 drawn flat: across, the direction the network decides by; up, the widest spread left. The tori lie on either side.',
    },
    open: { layer: 1, t: 1 },
  },

  // Matt Johnson.
  {
    preset: 'segments-relu-2-2',
    title: 'Line segments through 2-2 ReLU layers',
    source: at(JOHNSON, '“Line Segment Dataset” and “Define the neural network”: two 2-unit ReLU layers'),
    happens:
      'ReLU is not invertible: it folds everything with a negative coordinate onto an axis, so whole ' +
      'segments collapse together. That cutting is what lets the two classes gather on different sides.',
    lookFor: 'In hidden layer 1 segments are pressed flat against the axes of the positive quadrant.',
    open: { layer: 1, t: 1 },
  },
  {
    preset: 'holes-relu',
    title: 'Disk with holes: ReLU layers cut out the islands',
    source: at(JOHNSON, '“Holes Dataset” (built in the post, not trained there)'),
    happens:
      'Each island of class 1 sits in a hole of the class-0 disk, so no line separates them. The first ' +
      'ReLU layer bends the plane along its units’ cuts without folding the data; the second folds it ' +
      'until every island lands on one side of a line.',
    lookFor:
      'In hidden layer 2 (seen along the decision, then its principal axes) the islands are gathered together away from the disk.',
    open: { layer: 2, t: 2 },
  },

  // Feature inputs: the input itself gets the extra dimension.
  {
    preset: 'rings-r2-plane',
    title: 'Rings lifted by r²: a plane separates them, no hidden layer',
    source: at(
      COLAH,
      '“Topology and Classification”: the rings cannot be pulled apart in the plane; in 3 dimensions they can',
    ),
    happens:
      'No line in the plane separates a ring from the one around it. Give the network r² = x₁² + x₂² as a ' +
      'third input and the plane is lifted into a bowl: the inner ring lies near the bottom, the outer ' +
      'ring higher up, and a flat plane between them separates them. The output unit alone finds that plane.',
    lookFor:
      'The input is 3-D: orbit it and see the rings at two heights of the bowl, the boundary a level cut.',
    open: { layer: 0, t: 0 },
  },
  {
    preset: 'rings-squares-plane',
    title: 'x₁² and x₂²: the rings separate with no hidden layer',
    source: at(
      COLAH,
      '“Topology and Classification”: the rings need more than the plane; here the extra inputs are x₁² and x₂²',
    ),
    happens:
      'A circle x₁² + x₂² = c is a straight line in the coordinates x₁² and x₂². With them as inputs the ' +
      'output unit draws that line: in the plane it is a circle between the rings.',
    lookFor:
      'The input, lifted by x₁² and x₂² into a curved sheet (4 inputs, seen along the decision): the grey decision plane cuts it in a circle between the two rings.',
    open: { layer: 0, t: 0 },
  },

  // colah's two proposed layers, each beside the network it is compared with.
  ...PROPOSED_LAYER_STORIES,
];

/** The story of a preset, or undefined where it has none (the playground presets). */
export function storyFor(presetId: string): Story | undefined {
  return STORIES.find((s) => s.preset === presetId);
}

/** Number of dense layers of a preset: the slider's range is 0..L. */
export function denseLayers(preset: Preset): number {
  return preset.arch.length - 1;
}

/** How long a story runs before it pauses: the preset's epochs, and the steps they are on its training split. */
export function storyLength(preset: Preset | string): StoryLength {
  const p = typeof preset === 'string' ? findPreset(preset) : preset;
  const data = makeDataset(p.dataset, p.params, p.seed);
  const train = splitDataset(data, p.testSplit, p.seed).train.y.length;
  return { epochs: p.epochs, steps: stepsPerEpoch(train, p.batchSize) * p.epochs };
}
