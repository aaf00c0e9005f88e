/**
 * The five write-ups the seed presets come from. Only colah's post gives its address; for the others the
 * texts name their author, title and sections but no link, so none is made up here.
 */

export interface Writeup {
  /** Author and title, as the text gives them. */
  work: string;
  /** The address where the text gives one, else null. */
  url: string | null;
}

export const COLAH: Writeup = {
  work: 'Christopher Olah, “Neural Networks, Manifolds, and Topology” (colah’s blog, 2014)',
  url: 'https://colah.github.io/posts/2014-03-NN-Manifolds-Topology/',
};

export const ROME: Writeup = {
  work: 'Scott Rome, “Visualizing the Learning of a Neural Network Geometrically” (Keras tutorial)',
  url: null,
};

export const MARSHALL: Writeup = {
  work: 'Alex Marshall, “Visualizing Neural Networks” (Keras notebook, 2 June 2020)',
  url: null,
};

export const CIRCLES_NOTEBOOK: Writeup = {
  work: '“Visualising MLP data transformation” (Keras notebook on scikit-learn’s make_circles)',
  url: null,
};

export const JOHNSON: Writeup = {
  work: 'Matt Johnson, “Animating How Neural Networks Detangle Classes” (PyTorch, 16 January 2022)',
  url: null,
};
