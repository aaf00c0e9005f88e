/**
 * The colour of a unit's activation in the diagram's heatmaps, as TensorFlow Playground shows it:
 * blue for positive values, orange for negative ones, the neutral dark grey at zero, full colour at
 * ±scale. Linear RGB (three.js's working space); `srgb8` gives what the screen shows. The heatmap shader
 * (diagramScene.ts) computes the same (heatColorNode); the browser test compares the two.
 */
import type { NetworkSpec } from '../../engine/spec';
import { CLASS_COLORS, THEME, rgb } from '../theme';

export const POSITIVE_RGB = rgb(CLASS_COLORS[0]);
export const NEGATIVE_RGB = rgb(CLASS_COLORS[1]);
export const NEUTRAL_RGB = rgb(THEME.neutral);

/**
 * The linear RGB colour of `value` on a heatmap neutral at `centre`, in full colour at centre ± scale. A
 * negative scale swaps the sides: an output unit whose high values mean class 1 (orange) is drawn so.
 */
export function heatColor(value: number, scale: number, centre = 0): [number, number, number] {
  const t = Math.max(-1, Math.min(1, (value - centre) / signedScale(scale)));
  const side = t >= 0 ? POSITIVE_RGB : NEGATIVE_RGB;
  const k = Math.abs(t);
  return [0, 1, 2].map((i) => NEUTRAL_RGB[i] + (side[i] - NEUTRAL_RGB[i]) * k) as [number, number, number];
}

/** `scale` kept at least 1e-6 from zero, its sign kept. */
function signedScale(scale: number): number {
  return scale < 0 ? Math.min(scale, -1e-6) : Math.max(scale, 1e-6);
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

/**
 * The value each column shows neutral: ½ for a sigmoid, 1 / units for a softmax (even odds), else 0; for
 * the one output unit of a classifier, its threshold ½ whatever its activation (as the layer views draw it).
 */
export function columnCentres(spec: NetworkSpec, classes = 0): number[] {
  const centre = (l: NetworkSpec['layers'][number]): number =>
    l.activation === 'sigmoid' ? 0.5 : l.activation === 'softmax' ? 1 / l.units : 0;
  const out = [0, ...spec.layers.map(centre)];
  if (classOutput(spec, classes) && spec.layers[spec.layers.length - 1].units === 1)
    out[out.length - 1] = 0.5;
  return out;
}

/** Whether the output's units stand for classes (a classifier's sigmoid or softmax, not a k-NN output). */
function classOutput(spec: NetworkSpec, classes: number): boolean {
  return classes > 0 && !spec.knn;
}

/**
 * Per column and unit, the side of a heatmap's colours: hidden units blue above the centre (as Playground
 * draws them, and as the edges' signs), a classifier's output in the colour of the class it speaks for, as
 * the points and the layer views show it: one unit high for class 1 (orange), and of a two-class softmax,
 * unit 0 for class 0 (blue) and unit 1 for class 1 (orange).
 */
export function classSigns(spec: NetworkSpec, classes = 0): number[][] {
  const widths = [spec.inputSize, ...spec.layers.map((l) => l.units)];
  const signs = widths.map((w) => Array.from({ length: w }, () => 1));
  const out = spec.layers[spec.layers.length - 1];
  if (classOutput(spec, classes) && (out.units === 1 || out.units === 2))
    signs[signs.length - 1][out.units - 1] = -1;
  return signs;
}

/**
 * The diagram's key, one line: what the lines' and the squares' colours mean for this network, and how to
 * set a parameter by hand.
 */
export function diagramKey(spec: NetworkSpec, classes = 0): string {
  const byClass = classSigns(spec, classes).some((column) => column.includes(-1));
  const over =
    spec.inputSize === 1
      ? 'over the input line'
      : spec.inputSize === 2
        ? 'over the input plane'
        : 'over a slice through the input (the slider)';
  return [
    'lines: weights, blue +, orange −, thicker = larger',
    `squares: each unit ${over}, blue high, orange low`,
    ...(byClass ? ["the output in its class's colour"] : []),
    'drag a line or a bias □, or click one to type a value',
  ].join(' · ');
}
