/**
 * Weights the views can draw: the trainer's, or after a divergence the last finite snapshot's. Weights so
 * large that the drawing overflows are said in the banner (and drawn as far as they can be).
 */
import type { Notice } from '../../ui/notice';

/** Weights beyond this overflow float32 in the grid transform of a few layers: said in the banner. */
export const DRAWABLE_WEIGHT = 1e12;

export function drawable(
  params: Float32Array,
  snapshot: { readonly params: Float32Array } | null,
  notice: Pick<Notice, 'error' | 'clear'>,
): Float32Array {
  let largest = 0;
  let finite = true;
  for (const v of params) {
    if (!Number.isFinite(v)) finite = false;
    else largest = Math.max(largest, Math.abs(v));
  }
  if (!finite) return snapshot?.params ?? params;
  if (largest > DRAWABLE_WEIGHT) {
    notice.error(
      `The weights are too large to draw (the largest is ${largest.toPrecision(2)}): layers past the input ` +
        'overflow. Reset the weights, or import or open a network with smaller ones.',
      { topic: 'weights' },
    );
  } else notice.clear('weights');
  return params;
}
