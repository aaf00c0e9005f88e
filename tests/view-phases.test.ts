/**
 * The phases of a segment and the range frame's fade (src/view/math/phases.ts): the main view's axes and
 * activation range read these, as the display path does.
 */
import { describe, expect, it } from 'vitest';
import { PHASE_ENDS, RANGE_FADE_OUT, phaseAt, rangeFrameAt } from '../src/view/math/phases';

describe('phases', () => {
  it('each phase runs 0..1 over its span, in order', () => {
    expect(phaseAt(PHASE_ENDS.linear / 2)).toEqual({ phase: 'linear', s: 0.5 });
    expect(phaseAt((PHASE_ENDS.linear + PHASE_ENDS.bias) / 2).phase).toBe('bias');
    expect(phaseAt((PHASE_ENDS.linear + PHASE_ENDS.bias) / 2).s).toBeCloseTo(0.5);
    expect(phaseAt(1)).toEqual({ phase: 'activation', s: 1 });
    expect(phaseAt(-1)).toEqual({ phase: 'linear', s: 0 });
  });
});

describe('the range frame', () => {
  it('nothing over the first segment before its bias', () => {
    expect(rangeFrameAt(0, 0)).toEqual({ layer: -1, opacity: 0 });
    expect(rangeFrameAt(0, 0.3)).toEqual({ layer: -1, opacity: 0 });
  });
  it('fades in over the bias phase, stays through the activation', () => {
    expect(rangeFrameAt(1, PHASE_ENDS.linear)).toEqual({ layer: 1, opacity: 0 });
    const mid = rangeFrameAt(1, (PHASE_ENDS.linear + PHASE_ENDS.bias) / 2);
    expect(mid.layer).toBe(1);
    expect(mid.opacity).toBeCloseTo(0.5);
    expect(rangeFrameAt(1, PHASE_ENDS.bias)).toEqual({ layer: 1, opacity: 1 });
    expect(rangeFrameAt(1, 0.9)).toEqual({ layer: 1, opacity: 1 });
  });
  it("fades out early in the next segment's linear phase", () => {
    expect(rangeFrameAt(2, 0)).toEqual({ layer: 1, opacity: 1 });
    expect(rangeFrameAt(2, RANGE_FADE_OUT / 2)).toEqual({ layer: 1, opacity: 0.5 });
    expect(rangeFrameAt(2, RANGE_FADE_OUT)).toEqual({ layer: -1, opacity: 0 });
  });
  it('continuous in u inside a segment', () => {
    for (const k of [0, 1, 3]) {
      let last = rangeFrameAt(k, 0).opacity;
      for (let i = 1; i <= 1000; i++) {
        const o = rangeFrameAt(k, i / 1000).opacity;
        expect(Math.abs(o - last)).toBeLessThan(0.05);
        last = o;
      }
    }
  });
});

describe('phase bounds, on both sides', () => {
  const up = (x: number) => x + Number.EPSILON;
  const down = (x: number) => x - Number.EPSILON / 2;

  it('each phase holds its end; the next starts a hair after it', () => {
    expect(phaseAt(PHASE_ENDS.linear)).toEqual({ phase: 'linear', s: 1 });
    expect(phaseAt(down(PHASE_ENDS.linear)).phase).toBe('linear');
    expect(phaseAt(up(PHASE_ENDS.linear)).phase).toBe('bias');
    expect(phaseAt(up(PHASE_ENDS.linear)).s).toBeLessThan(1e-12);
    expect(phaseAt(PHASE_ENDS.bias).phase).toBe('bias');
    expect(phaseAt(PHASE_ENDS.bias).s).toBeCloseTo(1, 12);
    expect(phaseAt(up(PHASE_ENDS.bias)).phase).toBe('activation');
    expect(phaseAt(0)).toEqual({ phase: 'linear', s: 0 });
    expect(phaseAt(2)).toEqual({ phase: 'activation', s: 1 });
    expect(PHASE_ENDS).toEqual({ linear: 0.5, bias: 0.65, activation: 1 });
  });

  it('the range frame: from the linear phase’s end on, and the fade out until a fifth of the next segment', () => {
    expect(rangeFrameAt(1, down(PHASE_ENDS.linear))).toEqual({ layer: -1, opacity: 0 });
    expect(rangeFrameAt(1, PHASE_ENDS.linear)).toEqual({ layer: 1, opacity: 0 });
    const fading = rangeFrameAt(1, down(RANGE_FADE_OUT));
    expect(fading.layer).toBe(0);
    expect(fading.opacity).toBeGreaterThan(0);
    expect(fading.opacity).toBeLessThan(1e-12);
    expect(rangeFrameAt(1, RANGE_FADE_OUT)).toEqual({ layer: -1, opacity: 0 });
    expect(RANGE_FADE_OUT).toBe(0.2);
    // Segment 1 fades out layer 0's frame; segment 0 has none before it.
    expect(rangeFrameAt(1, 0)).toEqual({ layer: 0, opacity: 1 });
    expect(rangeFrameAt(0, 0)).toEqual({ layer: -1, opacity: 0 });
  });
});
