/**
 * The stories of the two layers colah proposed at the end of his essay and published no code for: a
 * vector-field layer and a k-nearest-neighbour output. Each runs the new layer and tells how it did beside
 * the network it is compared with; the figures are the claims table's (src/story/claims.ts).
 */
import { COLAH } from './sources';
import { at, type Story } from './storyTypes';

const FIELD = '“Better Layers for Manipulating Manifolds?”';
const KNN = '“K-Nearest Neighbor Layers”';

export const PROPOSED_LAYER_STORIES: readonly Story[] = [
  {
    preset: 'spiral-slight-vector-field',
    title: 'Slightly entangled spirals: two vector-field layers',
    source: at(COLAH, `${FIELD}: learn a vector field and deform space along it`),
    happens:
      'colah proposed a layer that learns a vector field and moves every point along it, x + Σ vᵢ gᵢ(x), with ' +
      'Gaussians gᵢ at anchors taken from the training set; two such layers never leave the plane, yet unwind ' +
      'the arms in 40 epochs, on most seeds to 97 % or more. Beside the four 2-unit dense layers (as many ' +
      'parameters, 300 epochs) neither wins seed by seed. And the field is no gentle flow: its arrows grow ' +
      'until it folds the plane over itself, which no one-to-one deformation does.',
    lookFor:
      'Slide from the input to hidden layer 2: the arms slide apart within the plane, and the grid crosses ' +
      'itself where the field folds it.',
    open: { layer: 2, t: 2 },
    end: {
      t: 2,
      shows:
        'Hidden layer 2, still a plane: the arms lie on either side of the decision line after two flows along the learned field.',
    },
  },
  {
    preset: 'rings-vector-field-folds',
    title: 'Rings: a vector-field layer separates them by folding the plane',
    source: at(COLAH, `${FIELD}: the vector-field layer, on the rings no 2-unit layer can unnest`),
    happens:
      'No one-to-one deformation of the plane can take the inner ring out of the outer one, which is why 2-unit ' +
      'layers fail; a vector-field layer is meant as a deformation, but nothing keeps its arrows small. ' +
      'Trained, one layer of 6 anchors separates the rings (97 to 100 % on every seed tried), where 2-2-2-1 with as many ' +
      'parameters stays below 90 %. It does it by folding: its Jacobian’s determinant turns negative over about ' +
      'half of the plane around the rings, and the inner ring is carried across the outer one.',
    lookFor:
      'Move the slider from the input to hidden layer 1: the inner ring is pushed out through the outer one ' +
      'as the grid folds over.',
    open: { layer: 1, t: 1 },
    end: {
      t: 1,
      shows:
        'Hidden layer 1: the inner ring has been carried out of the outer one, the plane folded to do it, and a line now separates them.',
    },
  },
  {
    preset: 'spiral-knn-output',
    title: 'Two spirals: a k-NN output instead of softmax',
    source: at(COLAH, `${KNN}: train the network directly for k-NN classification`),
    happens:
      'colah suspected that linear separability is a lot to ask, and proposed training the network for ' +
      'k-nearest-neighbour classification: each point of a batch classified by the others weighted by ' +
      '1/distance, at test time by its 8 nearest training points. On the hidden layers of a softmax network it ' +
      'is ahead of softmax after 20 epochs on every seed tried, but given 7.5× the epochs softmax reaches 97 to ' +
      '100 % and is beaten on one seed in five. Nor does training add much: the vote on the untrained network ' +
      'already does about as well, since on these thin arms nearest neighbours share a class however the ' +
      'layers place them.',
    lookFor:
      'At the output no line separates the arms, and none is needed: the k-NN regions follow the points patch by patch.',
    open: { layer: 3, t: 3 },
    end: {
      t: 3,
      shows:
        'The output representation with its k-NN regions: the arms lie in patches that no line could part, each patch in a region of its own colour.',
    },
  },
  {
    preset: 'rings-knn-output',
    title: 'Rings: a k-NN output needs no line between them',
    source: at(COLAH, `${KNN}: points of one manifold closer to each other, not separable by a hyperplane`),
    happens:
      'Two 2-unit layers cannot unnest the rings, so no line separates them; a k-NN output asks for no line, as ' +
      'a point is classified by its nearest training points. On the same hidden layers it is ahead of a sigmoid ' +
      'trained 4× as long on every seed tried. The rings were never untangled, though: the vote on the untrained ' +
      'layers already gets 78 to 100 %, and training lifts its poorest seeds (and lowers some of its best).',
    lookFor:
      'At the output the rings are still nested, and the k-NN regions follow them: a band of one colour inside the other.',
    open: { layer: 3, t: 3 },
    end: {
      t: 3,
      shows:
        'The output representation with its k-NN regions: the rings are still nested, each inside a region of its own colour.',
    },
  },
];
