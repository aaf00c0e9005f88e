/**
 * View settings that travel with an experiment in a link and in saved state: what the main view shows.
 * A small open record: unknown keys are ignored, known ones are checked against the network.
 */
import { ShareError, show } from './errors';

export const PROJECTIONS = ['decision', 'pca', 'units'] as const;
/** How representations wider than 3 are drawn: principal components, or three chosen units. */
export type Projection = (typeof PROJECTIONS)[number];

/** What shows the network beside the main view. */
export const NETWORK_VIEWS = ['strip', 'diagram', 'both'] as const;
export type NetworkViewName = (typeof NETWORK_VIEWS)[number];

export interface ViewSettings {
  /** The representation picked in the strip: 0 the input, L the output of an L-layer network; -1 none. */
  layer: number;
  /** Position of the interpolation slider, from 0 (the input) to L (the output). */
  slider: number;
  /** Grid density G: a G x G grid of a 2-D input (4G points on a line, a coarser lattice in 3-D). */
  grid: number;
  projection: Projection;
  /** Beside the main view: the strip of layer views (when absent), the network diagram, or both. */
  network?: NetworkViewName;
}

export const DEFAULT_VIEW: Readonly<ViewSettings> = Object.freeze({
  layer: -1,
  slider: 0,
  grid: 64,
  projection: 'decision',
});

export const GRID_MIN = 4;
export const GRID_MAX = 256;

/** Link keys of the view settings. */
export const VIEW_KEYS: Readonly<Record<keyof ViewSettings, string>> = Object.freeze({
  layer: 'layer',
  slider: 't',
  grid: 'grid',
  projection: 'proj',
  network: 'net',
});

/**
 * Checks view settings for a network of `layerCount` layers; throws a ShareError naming the field
 * (`names` gives how the source spells each field).
 */
export function checkView(
  view: ViewSettings,
  layerCount: number,
  names: Readonly<Record<keyof ViewSettings, string>> = VIEW_KEYS,
): void {
  const { layer, slider, grid, projection, network } = view;
  if (typeof layer !== 'number' || !Number.isInteger(layer) || layer < -1 || layer > layerCount) {
    throw new ShareError(
      `must be a whole number from -1 (none) to ${layerCount} (the output); got ${show(layer)}`,
      names.layer,
    );
  }
  if (typeof slider !== 'number' || !Number.isFinite(slider) || slider < 0 || slider > layerCount) {
    throw new ShareError(
      `must be a number from 0 (the input) to ${layerCount} (the output); got ${show(slider)}`,
      names.slider,
    );
  }
  if (typeof grid !== 'number' || !Number.isInteger(grid) || grid < GRID_MIN || grid > GRID_MAX) {
    throw new ShareError(
      `must be a whole number from ${GRID_MIN} to ${GRID_MAX}; got ${show(grid)}`,
      names.grid,
    );
  }
  if (network !== undefined && !(NETWORK_VIEWS as readonly unknown[]).includes(network)) {
    throw new ShareError(`must be one of ${NETWORK_VIEWS.join(', ')}; got ${show(network)}`, names.network);
  }
  if (!(PROJECTIONS as readonly unknown[]).includes(projection)) {
    throw new ShareError(
      `must be one of ${PROJECTIONS.join(', ')}; got ${show(projection)}`,
      names.projection,
    );
  }
}
