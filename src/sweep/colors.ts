/** Colours of the sweep page's drawings: the app's class colours, and accuracy from red (low) to green. */
import { classColor } from '../view/theme';

export const css = (hex: number): string => `#${hex.toString(16).padStart(6, '0')}`;

export const classCss = (k: number): string => css(classColor(k));

/** The colour of a position on the accuracy scale (0 at the histogram's bottom, 1 at accuracy 1). */
export function toneCss(tone: number, diverged = false): string {
  if (diverged) return '#6b7480';
  const t = Math.min(1, Math.max(0, tone));
  return `hsl(${Math.round(t * 125)}, 70%, ${Math.round(48 + 6 * t)}%)`;
}

export const GRID_CSS = 'rgba(223, 230, 238, 0.22)';
export const TEXT_CSS = '#9aa7b4';
