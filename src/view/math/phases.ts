/**
 * The three moves of every layer on the slider (linearPath.ts, displayPath.ts): where each phase starts and
 * ends on a segment's local parameter u in [0, 1], the phase and the progress inside it at u, and the fade
 * of the activation's range frame that the main view draws over the bias and activation phases.
 */

/** 'flow': the one move of a vector-field layer, x + s·V(x) over its whole segment (displayPath.ts). */
export type Phase = 'linear' | 'bias' | 'activation' | 'flow';

/** The phases of a dense layer, in order. */
export type DensePhase = Exclude<Phase, 'flow'>;

/** Where each phase ends on a segment's local parameter u in [0, 1]. */
export const PHASE_ENDS: Readonly<Record<DensePhase, number>> = { linear: 0.5, bias: 0.65, activation: 1 };

/** The phase of a segment at local parameter u in [0, 1], and the progress s in [0, 1] inside it. */
export function phaseAt(u: number): { phase: DensePhase; s: number } {
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

/**
 * The flow of a vector-field segment at local parameter u: s = u, or, where the slider's whole numbers
 * fall at the end of the bias phase (pre-activations shown), s = u / PHASE_ENDS.bias held at 1 after it
 * (the layer has no activation, z = a), so that the layer's whole number shows the field's result.
 */
export function flowAt(u: number, preActivation: boolean): { phase: 'flow'; s: number } {
  const x = Math.min(1, Math.max(0, u));
  return { phase: 'flow', s: preActivation ? Math.min(1, x / PHASE_ENDS.bias) : x };
}
