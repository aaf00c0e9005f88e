/** How often a still picture is drawn again: every second where drawing is quick, at most a tenth of the time where it is slow. */
import { describe, expect, it } from 'vitest';
import { IDLE_DRAW_SHARE, IDLE_REDRAW_MS, idleRedrawMs } from '../src/view/math/idleRedraw';

describe('idle redraw', () => {
  it('a quick adapter draws a still picture again every second', () => {
    expect(idleRedrawMs(5)).toBe(IDLE_REDRAW_MS);
    expect(idleRedrawMs(100)).toBe(1000);
  });

  it('a slow adapter waits ten times a picture’s cost, so a still page draws at most a tenth of the time', () => {
    expect(idleRedrawMs(300)).toBe(3000);
    expect(300 / idleRedrawMs(300)).toBeCloseTo(IDLE_DRAW_SHARE);
    expect(idleRedrawMs(101)).toBeGreaterThan(1000);
  });

  it('no measurement yet (or a nonsense one) keeps the second', () => {
    for (const ms of [0, -5, NaN, Infinity]) expect(idleRedrawMs(ms)).toBe(IDLE_REDRAW_MS);
  });
});
