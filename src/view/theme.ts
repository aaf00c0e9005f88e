/** Colours of the views and the page: one dark theme, class colours told apart by hue and lightness. */

export const THEME = {
  background: 0x0d1117,
  /** Grid lines over the shaded surface. */
  gridLine: 0xdfe6ee,
  gridLineOpacity: 0.2,
  /** The surface where the network is unsure: a lifted background. */
  neutral: 0x1e252f,
  boundary: 0xffffff,
  pointOutline: 0x0d1117,
  selected: 0xffffff,
  text: '#e6edf3',
} as const;

/** Blue and orange first (distinct for the common colour-vision deficiencies), then more hues. */
export const CLASS_COLORS = [
  0x3d9bff, 0xff9330, 0x35c98a, 0xe35fd0, 0xf1cc3f, 0x8b7cff, 0x2ec4c4, 0xff5c6c,
] as const;

export function classColor(k: number): number {
  return CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];
}

export function cssColor(hex: number): string {
  return `#${hex.toString(16).padStart(6, '0')}`;
}

/** Linear RGB components (0..1) of an sRGB hex colour, as three.js uses them in shaders. */
export function rgb(hex: number): [number, number, number] {
  const c = (v: number): number => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return [c((hex >> 16) & 255), c((hex >> 8) & 255), c(hex & 255)];
}

const NEUTRAL_RGB = rgb(THEME.neutral);
const CLASS_RGB = CLASS_COLORS.map(rgb);

/** How strongly the surface takes the predicted class's colour: amount = STRENGTH · confidence^GAMMA. */
export const SHADE = { strength: 0.55, gamma: 0.6 } as const;

/**
 * Shading of the surface by the prediction: the predicted class's colour over a neutral dark grey,
 * stronger where the network is surer; `margin` (p − ½ for one output, best minus second-best otherwise)
 * is zero on the decision boundary. Reads the probabilities at probs[at..at+units−1], writes rgb
 * (linear) into out[o..o+2]; returns the margin.
 * Mirrors the TSL in layerScene.ts (the WebGL2 fallback uses this one).
 */
export function shade(
  probs: ArrayLike<number>,
  at: number,
  units: number,
  out: Float32Array,
  o: number,
): number {
  const base = NEUTRAL_RGB;
  let side: readonly number[];
  let margin: number;
  let confidence: number;
  if (units === 1) {
    const p = Math.min(1, Math.max(0, probs[at]));
    side = CLASS_RGB[p >= 0.5 ? 1 : 0];
    margin = p - 0.5;
    confidence = Math.abs(2 * p - 1);
  } else {
    let best = 0;
    let bestP = -1;
    let second = 0;
    for (let k = 0; k < units; k++) {
      const p = probs[at + k];
      if (p > bestP) {
        second = Math.max(second, bestP);
        bestP = p;
        best = k;
      } else if (p > second) second = p;
    }
    side = CLASS_RGB[best % CLASS_RGB.length];
    margin = bestP - second;
    confidence = Math.min(1, margin * 2);
  }
  const amount = SHADE.strength * Math.pow(confidence, SHADE.gamma);
  for (let i = 0; i < 3; i++) out[o + i] = base[i] + (side[i] - base[i]) * amount;
  return margin;
}
