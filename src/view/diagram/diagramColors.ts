/**
 * The colour of a unit's activation in the diagram's heatmaps, as TensorFlow Playground shows it:
 * blue for positive values, orange for negative ones, the neutral dark grey at zero, full colour at
 * ±scale. Linear RGB (three.js's working space); `srgb8` gives what the screen shows. The heatmap shader
 * (diagramScene.ts) computes the same (heatColorNode); the browser test compares the two.
 */
import { CLASS_COLORS, THEME, rgb } from '../theme';

export const POSITIVE_RGB = rgb(CLASS_COLORS[0]);
export const NEGATIVE_RGB = rgb(CLASS_COLORS[1]);
export const NEUTRAL_RGB = rgb(THEME.neutral);

/** The linear RGB colour of `value` on a heatmap neutral at `centre`, in full colour at centre ± scale. */
export function heatColor(value: number, scale: number, centre = 0): [number, number, number] {
  const t = Math.max(-1, Math.min(1, (value - centre) / Math.max(1e-6, scale)));
  const side = t >= 0 ? POSITIVE_RGB : NEGATIVE_RGB;
  const k = Math.abs(t);
  return [0, 1, 2].map((i) => NEUTRAL_RGB[i] + (side[i] - NEUTRAL_RGB[i]) * k) as [number, number, number];
}

/** A linear RGB colour as 8-bit sRGB, as the canvas shows it. */
export function srgb8(linear: readonly number[]): [number, number, number] {
  const c = (v: number): number => {
    const x = Math.max(0, Math.min(1, v));
    const s = x <= 0.0031308 ? 12.92 * x : 1.055 * Math.pow(x, 1 / 2.4) - 0.055;
    return Math.round(s * 255);
  };
  return [c(linear[0]), c(linear[1]), c(linear[2])];
}

/** The CSS colour of a weight or bias by its sign (the heatmaps' colours). */
export function signColor(value: number, alpha = 1): string {
  return value >= 0 ? `rgba(61, 155, 255, ${alpha})` : `rgba(255, 147, 48, ${alpha})`;
}
