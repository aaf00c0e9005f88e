/** Words for what is on screen: layer names, the slider's phase, swaps and projections. DOM-free. */
import type { NetworkSpec } from '../../engine/spec';
import type { DisplayPath } from '../../view/math/displayPath';
import { invertibleMap, projectionName, unitSwapShown } from '../../view/math/captionFacts';
import { escapeHtml } from '../../ui/status';
import { layerNames } from '../runtime/layerNames';

function describeRep(spec: NetworkSpec, path: DisplayPath, r: number): string {
  const w = path.repWidth[r];
  const units = `${w} unit${w === 1 ? '' : 's'}`;
  if (r === 0) return path.inputNames && w <= 3 ? path.inputNames.join(', ') : `${units}`;
  const layer = spec.layers[r - 1];
  if (layer.field) return `${units}, vector field of ${layer.field.anchors} anchors`;
  const knn =
    spec.knn && r === spec.layers.length ? ` · coloured by its k-NN regions (k = ${spec.knn.k})` : '';
  return `${units}, ${layer.activation}${knn}`;
}

function axes(path: DisplayPath, r: number): string {
  const w = path.repWidth[r];
  const labels = path.axisLabels(r);
  if (w <= 3 && labels.every((l, i) => l === `unit ${i + 1}`)) return '';
  // Feature inputs in their own order are named already (describeRep).
  if (r === 0 && w <= 3 && labels.every((l, i) => l === path.inputNames?.[i])) return '';
  const how = w > 3 ? ` (${projectionName(path, r)} view of ${w} units)` : '';
  return ` · axes: ${labels.join(', ')}${how}`;
}

/**
 * Why units 1 and 2 of representation r are drawn in swapped order: information, not a warning (the
 * picture is right; the order only keeps the move a turn rather than a flip).
 */
export function swapWhy(r: number): string {
  return (
    `W${sub(r)} mirrors the plane (det W${sub(r)} < 0); drawing units 1 and 2 in swapped order keeps its ` +
    'move on screen a smooth turn instead of a flip through a line. The picture is the same up to that mirror.'
  );
}

function swapNote(path: DisplayPath, r: number): string {
  return unitSwapShown(path, r)
    ? ` · <span class="note">drawn as unit 2, unit 1: W${sub(r)} mirrors the plane (det &lt; 0), and the swap keeps its move a turn</span>`
    : '';
}

/** What an explainable element on the strip explains: the layer's badge or its unit swap. */
export type Explained = 'badge' | 'swap';

/**
 * An element a person can tap, click or focus to read `why` in the caption (captionBar.ts shows it, from
 * `data-explain` and `data-layer`); `title` keeps it on a mouse hover too.
 */
export function explainable(
  className: string,
  text: string,
  why: string,
  layer: number,
  what: Explained,
): string {
  const w = escapeHtml(why);
  return (
    `<span class="${className}" tabindex="0" role="button" data-layer="${layer}" data-explain="${what}" ` +
    `title="${w}" aria-label="${escapeHtml(text)}: ${w}">${escapeHtml(text)}</span>`
  );
}

const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';
export function sub(n: number): string {
  return String(n)
    .split('')
    .map((d) => SUBSCRIPT[Number(d)])
    .join('');
}

const PHASE_WORDS = { linear: 'linear map', bias: 'bias', activation: 'activation', flow: 'flow' } as const;

export interface PositionText {
  title: string;
  detail: string;
  /** Short, for the slider. */
  phase: string;
}

export function describePosition(spec: NetworkSpec, path: DisplayPath, t: number): PositionText {
  const names = layerNames(spec);
  const L = spec.layers.length;
  const atLayer = Math.abs(t - Math.round(t)) < 1e-6;
  if (atLayer) {
    const r = Math.round(t);
    const z = preActivationShown(path, r);
    return {
      title: z ? `${names[r]} · pre-activation z${sub(r)}` : names[r],
      detail: `${z ? `before ${spec.layers[r - 1].activation} · ` : ''}${describeRep(spec, path, r)}${axes(path, r)}${swapNote(path, r)}`,
      phase: z ? `${names[r]} (pre-activation z)` : `${names[r]}`,
    };
  }
  const { k, u } = path.phaseOf(t);
  const c = path.phaseIn(k, u);
  const layer = spec.layers[k];
  const what =
    c.phase === 'flow'
      ? `flowing along the vector field x + s·V(x) (${layer.field?.anchors ?? 0} anchors)`
      : c.phase === 'linear'
        ? `applying W${sub(k + 1)} (${path.repWidth[k]}→${path.repWidth[k + 1]}, ${invertibleMap(path, k) ? 'invertible path' : 'straight path'})`
        : c.phase === 'bias'
          ? `adding b${sub(k + 1)}`
          : `applying ${layer.activation} pointwise`;
  // Pre-activations shown: a layer's activation is the first move after its whole number on the slider.
  const zToA = path.preActivation && c.phase === 'activation';
  return {
    title: zToA
      ? `${names[k + 1]}: pre-activation z${sub(k + 1)} → a${sub(k + 1)}`
      : `${names[k]} → ${names[k + 1]}`,
    detail: `${what}${swapNote(path, k + 1)}`,
    phase: `${PHASE_WORDS[c.phase]} ${Math.round(c.s * 100)}% · ${names[k]} → ${names[Math.min(L, k + 1)]}`,
  };
}

/** Representation r is drawn by its pre-activation z (every layer but the input, when the toggle is on). */
export function preActivationShown(path: DisplayPath, r: number): boolean {
  return path.preActivation && r > 0;
}

export function stripLabel(spec: NetworkSpec, path: DisplayPath, r: number): string {
  const names = layerNames(spec);
  if (preActivationShown(path, r)) {
    const proj = path.repWidth[r] > 3 ? ` · ${path.axisLabels(r).join(', ')}` : '';
    return `${names[r]} <span class="sub">pre-activation z${sub(r)} · ${path.repWidth[r]} units${proj}</span>`;
  }
  const swap = unitSwapShown(path, r)
    ? ` · ${explainable('note swap', 'units 2, 1', swapWhy(r), r, 'swap')}`
    : '';
  const proj = path.repWidth[r] > 3 ? ` · ${path.axisLabels(r).join(', ')}` : '';
  return `${names[r]} <span class="sub">${describeRep(spec, path, r)}${proj}</span>${swap}`;
}
