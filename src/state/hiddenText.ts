/**
 * The hidden layers as text, the way `--arch` writes them between the input and the output: "8-8" two
 * dense layers of 8 units, "vf16-vf16" two vector-field layers of 16 anchors, "vf16-3". DOM-free; the
 * Network controls read and write it.
 */
import { MAX_ANCHORS, isActivation, type Activation } from '../engine/spec';
import { LIMITS } from '../engine/limits';
import type { HiddenLayer } from './settings';

/** The hidden layers as text: units for a dense layer, vfK for a vector-field layer of K anchors. */
export function hiddenText(hidden: readonly HiddenLayer[]): string {
  return hidden
    .map((h) => (h.anchors !== undefined && h.anchors > 0 ? `vf${h.anchors}` : String(h.units)))
    .join('-');
}

/**
 * Reads hidden layers from text (empty: none). A dense layer keeps the activation of the layer that was
 * at its place before (else of the nearest dense layer before it, else tanh); a vector-field layer is as
 * wide as the layer before it. Throws an Error that says what is wrong, in one line.
 */
export function parseHidden(text: string, before: readonly HiddenLayer[]): HiddenLayer[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const parts = trimmed.split(/\s*[-x,]\s*/);
  if (parts.length > LIMITS.maxLayers - 1) {
    throw new Error(`at most ${LIMITS.maxLayers - 1} hidden layers; got ${parts.length}`);
  }
  const out: HiddenLayer[] = [];
  let activation: Activation = 'tanh';
  parts.forEach((p, i) => {
    const old = before[i];
    if (p === '') throw new Error(`layer ${i + 1} is empty: sizes are joined by one dash, e.g. 8-vf16-8`);
    const field = /^vf(\d+)$/i.exec(p);
    if (field) {
      const k = Number(field[1]);
      if (!(k >= 1 && k <= MAX_ANCHORS)) {
        throw new Error(`layer ${i + 1}: a vector-field layer has 1 to ${MAX_ANCHORS} anchors; got ${k}`);
      }
      out.push({ units: out[i - 1]?.units ?? 2, activation: 'linear', anchors: k });
      return;
    }
    if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > LIMITS.maxWidth) {
      throw new Error(
        `layer ${i + 1}: "${p.slice(0, 12)}" is neither 1 to ${LIMITS.maxWidth} units nor vfK (K anchors)`,
      );
    }
    if (old && !old.anchors && isActivation(old.activation)) activation = old.activation;
    out.push({ units: Number(p), activation });
  });
  return out;
}
