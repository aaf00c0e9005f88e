// Planted bugs in the stories of colah's proposed layers (their presets, the fold survey and the
// seed-by-seed comparisons of the claims tests), each caught by the named test file. See
// tools/mutants/README.md.
export const MUTANTS = [
  {
    name: 'stories-fold-det-drops-a-term',
    why: 'det J of a field layer loses its off-diagonal product: a fold can be missed or invented',
    file: 'src/story/fieldFold.ts',
    find: 'return a * d - b * c;',
    replace: 'return a * d;',
    test: 'tests/story-field-fold.test.ts',
  },
  {
    name: 'stories-fold-det-unsigned',
    why: 'the survey reads |det J|: a folded plane passes as one-to-one',
    file: 'src/story/fieldFold.ts',
    find: 'return a * d - b * c;',
    replace: 'return Math.abs(a * d - b * c);',
    test: 'tests/claims.test.ts',
    filter: 'by folding the plane',
  },
  {
    name: 'stories-rings-field-is-dense',
    why: 'the rings story’s field layer becomes a dense 2-unit layer: it no longer beats 2-2-2-1',
    file: 'src/data/presets.ts',
    find: '    fields: [6, 0],',
    replace: '    fields: [0, 0],',
    test: 'tests/claims.test.ts',
    filter: 'by folding the plane',
  },
  {
    name: 'stories-spiral-knn-is-softmax',
    why: 'the spiral k-NN story trains softmax: its seed-by-seed lead over softmax is gone',
    file: 'src/data/presets.ts',
    find: "    output: 'knn',\n    activation: 'tanh',\n    loss: 'ce',\n    optimizer: 'adam',\n    learningRate: 0.02,\n    batchSize: 32,\n    epochs: 20,",
    replace:
      "    activation: 'tanh',\n    loss: 'ce',\n    optimizer: 'adam',\n    learningRate: 0.02,\n    batchSize: 32,\n    epochs: 20,",
    test: 'tests/claims.test.ts',
    filter: 'trails the k-NN output',
  },
  {
    name: 'stories-rings-knn-is-softmax',
    why: 'the rings k-NN story trains a 2-way softmax on its 2-unit layers: no lead over the sigmoid',
    file: 'src/data/presets.ts',
    find: "    output: 'knn',\n    activation: 'tanh',\n    loss: 'ce',\n    optimizer: 'adam',\n    learningRate: 0.02,\n    batchSize: 32,\n    epochs: 10,",
    replace:
      "    activation: 'tanh',\n    loss: 'ce',\n    optimizer: 'adam',\n    learningRate: 0.02,\n    batchSize: 32,\n    epochs: 10,",
    test: 'tests/claims.test.ts',
    filter: 'stays below the k-NN output',
  },
  {
    name: 'stories-proposed-story-dropped',
    why: 'a proposed-layer preset and claim left without its story',
    file: 'src/story/stories.ts',
    find: '  ...PROPOSED_LAYER_STORIES,',
    replace: '  ...PROPOSED_LAYER_STORIES.slice(1),',
    test: 'tests/story.test.ts',
  },
];
