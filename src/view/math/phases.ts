/**
 * The three moves of every layer on the slider (linearPath.ts, displayPath.ts): where each phase starts and
 * ends on a segment's local parameter u in [0, 1], the phase and the progress inside it at u, and the fade
 * of the activation's range frame that the main view draws over the bias and activation phases.
 */

export type Phase = 'linear' | 'bias' | 'activation';

/** Where each phase ends on a segment's local parameter u in [0, 1]. */
export const PHASE_ENDS: Readonly<Record<Phase, number>> = { linear: 0.5, bias: 0.65, activation: 1 };

/** The phase of a segment at local parameter u in [0, 1], and the progress s in [0, 1] inside it. */
export function phaseAt(u: number): { phase: Phase; s: number } {
  const x = Math.min(1, Math.max(0, u));
  if (x <= PHASE_ENDS.linear) return { phase: 'linear', s: x / PHASE_ENDS.linear };
  if (x <= PHASE_ENDS.bias)
    return { phase: 'bias', s: (x - PHASE_ENDS.linear) / (PHASE_ENDS.bias - PHASE_ENDS.linear) };
  return { phase: 'activation', s: (x - PHASE_ENDS.bias) / (PHASE_ENDS.activation - PHASE_ENDS.bias) };
}

/** Share of a segment over which the previous layer's range frame fades out. */
export const RANGE_FADE_OUT = 0.2;

/**
 * The activation range frame at segment k, local parameter u: the layer whose activation's range is shown
 * (−1: none) and its opacity. It fades in over the bias phase of segment k (the range of layer k + 1),
 * stays through the activation, and fades out over the first fifth of the next segment's linear phase.
 */
export function rangeFrameAt(k: number, u: number): { layer: number; opacity: number } {
  if (u >= PHASE_ENDS.linear) {
    return {
      layer: k,
      opacity: Math.min(1, (u - PHASE_ENDS.linear) / (PHASE_ENDS.bias - PHASE_ENDS.linear)),
    };
  }
  if (k >= 1 && u < RANGE_FADE_OUT) return { layer: k - 1, opacity: 1 - u / RANGE_FADE_OUT };
  return { layer: -1, opacity: 0 };
}
