/**
 * How often a still picture is drawn again. While nothing changes the views are not drawn, except now and
 * then, so that anything read back later still reaches the screen: every IDLE_REDRAW_MS, or less often
 * where drawing is slow (a software GPU takes hundreds of ms a picture), so that a still page spends at most
 * IDLE_DRAW_SHARE of its time drawing the same picture again.
 */
export const IDLE_REDRAW_MS = 1000;
export const IDLE_DRAW_SHARE = 0.1;

/** How long a still picture waits before it is drawn again, for pictures that take `drawMs` to draw. */
export function idleRedrawMs(drawMs: number): number {
  if (!(Number.isFinite(drawMs) && drawMs > 0)) return IDLE_REDRAW_MS;
  return Math.max(IDLE_REDRAW_MS, drawMs / IDLE_DRAW_SHARE);
}
