/**
 * What a person chose to see in the views: one plain object, handed to `Views.show` whole. The views keep
 * no other switches; the app builds this from its settings and passes it in one call.
 */

import type { ProjectionMode } from './math/displayState';

export type { ProjectionMode };

export interface ViewSettings {
  /** The surface over the input plane (2-D inputs). */
  readonly showSurface: boolean;
  /** The grid's lines. */
  readonly showGrid: boolean;
  /** The data points. */
  readonly showPoints: boolean;
  /** The test points among them (they follow the training points). */
  readonly showTest: boolean;
  /** Axes through the origin with ticks, and the activation's range as a faint frame (main view). */
  readonly showReferences: boolean;
  /** Misclassified points carry a cross in every view. */
  readonly showMistakes: boolean;
  /**
   * The surface shows the fold-and-stretch map (foldMap.ts) instead of the prediction: each vertex shaded by
   * how much the map from the input plane to the picture changes area there, folds in their own colour.
   */
  readonly showFolds: boolean;
  /** A vector-field layer's field as arrows over the plane, its anchors marked (main view; absent: on). */
  readonly showField?: boolean;
  /** Every layer shown by its pre-activation z instead of its activation a (DisplayPath.preActivation). */
  readonly preActivation: boolean;
  /** 1-D input: the main view as curves over the input (functionScene.ts). */
  readonly functionView: boolean;
  /** How wide layers are projected. */
  readonly projection: ProjectionMode;
  /** Display dimensions of wide layers (2 or 3). */
  readonly wideDims: number;
  /** Beside the main view: the strip of layer views, the network diagram, or both. */
  readonly networkView?: 'strip' | 'diagram' | 'both';
}

/** What the views show before the app says otherwise. */
export const DEFAULT_VIEW_SETTINGS: ViewSettings = {
  showSurface: true,
  showGrid: true,
  showPoints: true,
  showTest: true,
  showReferences: true,
  showMistakes: true,
  showFolds: false,
  showField: true,
  preActivation: false,
  functionView: false,
  projection: 'decision',
  wideDims: 3,
  networkView: 'strip',
};
