/**
 * The grid density rule (src/app/shell/gridDensity.ts) on both sides of every threshold: lowered only for
 * frames slower than SLOW_FRAME_MS, raised only where the denser grid is predicted within QUICK_FRAME_MS,
 * never above the person's density nor to a density found too slow (until CEILING_MS has passed), and
 * held in between; the governor decides on the median of a full window of frames.
 */
import { describe, expect, it } from 'vitest';
import {
  CEILING_MS,
  DensityGovernor,
  GRID_STEP,
  MAX_FRAME_GAP_MS,
  QUICK_FRAME_MS,
  WINDOW_FRAMES,
  MAX_GRID_WORK,
  densityFor,
  gridForCost,
  gridWork,
} from '../src/app/shell/gridDensity';
import { PRESETS } from '../src/data/presets';
import { MIN_AUTO_GRID, SLOW_FRAME_MS } from '../src/app/shell/pace';
import { reduce } from '../src/state/commands';
import { defaultRunStatus } from '../src/state/runStatus';
import { freshSettings } from '../src/state/settings';

describe('the grid density rule', () => {
  it('lowers only for frames slower than SLOW_FRAME_MS, in proportion, never below the floor', () => {
    expect(densityFor({ current: 64, chosen: 64, frameMs: SLOW_FRAME_MS })).toBe(64);
    expect(densityFor({ current: 64, chosen: 64, frameMs: SLOW_FRAME_MS + 1 })).toBe(56);
    // Four times slower: half the density (a quarter of the vertices).
    expect(densityFor({ current: 64, chosen: 64, frameMs: 4 * SLOW_FRAME_MS })).toBe(32);
    expect(densityFor({ current: 24, chosen: 64, frameMs: 1e6 })).toBe(MIN_AUTO_GRID);
    // A person's density below the floor is never raised by a slow frame.
    expect(densityFor({ current: 8, chosen: 8, frameMs: 1e6 })).toBe(8);
  });

  it('holds between the two thresholds (no swinging)', () => {
    for (const frameMs of [QUICK_FRAME_MS + 1, 150, SLOW_FRAME_MS]) {
      expect(densityFor({ current: 40, chosen: 64, frameMs })).toBe(40);
    }
  });

  it('raises only where the denser grid is predicted within QUICK_FRAME_MS, in steps of 8', () => {
    // 40 → 48 predicts 100 × (48/40)² > 100 at frames of exactly QUICK_FRAME_MS: no step up.
    expect(densityFor({ current: 40, chosen: 64, frameMs: QUICK_FRAME_MS })).toBe(40);
    // (48/40)² = 1.44: frames of 69 ms reach 48 (99.4 ms), frames of 70 ms do not (100.8 ms).
    expect(densityFor({ current: 40, chosen: 64, frameMs: 69 })).toBe(48);
    expect(densityFor({ current: 40, chosen: 64, frameMs: 70 })).toBe(40);
    // Quick frames at 16: 16 × √(100/16) = 40 exactly, then on to the chosen density.
    expect(densityFor({ current: 16, chosen: 64, frameMs: 16 })).toBe(40);
    expect(densityFor({ current: 40, chosen: 64, frameMs: 16 })).toBe(64);
    expect(densityFor({ current: 16, chosen: 64, frameMs: 17 }) % GRID_STEP).toBe(0);
  });

  it('never raises above the chosen density, and reaches it exactly', () => {
    expect(densityFor({ current: 48, chosen: 50, frameMs: 1 })).toBe(50);
    expect(densityFor({ current: 50, chosen: 50, frameMs: 1 })).toBe(50);
    expect(densityFor({ current: 64, chosen: 48, frameMs: 1 })).toBe(48);
  });

  it('stays below a density found too slow', () => {
    expect(densityFor({ current: 32, chosen: 64, frameMs: 1, ceiling: 48 })).toBe(40);
    expect(densityFor({ current: 40, chosen: 64, frameMs: 1, ceiling: 48 })).toBe(40);
    expect(densityFor({ current: 32, chosen: 64, frameMs: 1, ceiling: 71 })).toBe(63);
    expect(densityFor({ current: 32, chosen: 64, frameMs: 1, ceiling: 72 })).toBe(64);
  });

  it('a measurement that is not a number changes nothing', () => {
    expect(densityFor({ current: 32, chosen: 64, frameMs: NaN })).toBe(32);
    expect(densityFor({ current: 32, chosen: 64, frameMs: 0 })).toBe(32);
  });
});

/** Feeds `n` frames `ms` apart from `t`; returns the time after them. */
function frames(g: DensityGovernor, t: number, n: number, ms: number): number {
  for (let i = 0; i < n; i++) g.frame((t += ms));
  return t;
}

describe('the density governor', () => {
  it('decides only once a window of frames is in, on their median', () => {
    const g = new DensityGovernor();
    // WINDOW_FRAMES + 1 frames give WINDOW_FRAMES intervals; one fewer is not enough.
    let t = frames(g, 0, WINDOW_FRAMES, 400);
    expect(g.decide(t, 64, 64)).toBeNull();
    // One long frame among quick ones is no trend.
    g.frame((t += 4000));
    expect(g.windowMs()).toBe(400);
    expect(g.decide(t, 64, 64)).toBeLessThan(64);
    // The window starts afresh after a decision.
    expect(g.decide(t, 64, 64)).toBeNull();
    t = frames(g, t, WINDOW_FRAMES - 1, 16);
    expect(g.decide(t, 64, 64)).toBeNull();
  });

  it('drops frames of a rebuild and gaps of a pause', () => {
    const g = new DensityGovernor();
    let t = frames(g, 0, WINDOW_FRAMES, 16);
    g.frame(t + 10, true);
    expect(g.windowMs()).toBeNull();
    t = frames(g, t + 10, 3, 16);
    g.frame((t += MAX_FRAME_GAP_MS + 1));
    t = frames(g, t, WINDOW_FRAMES - 3, 16);
    expect(g.windowMs()).toBeNull();
    frames(g, t, 1, 16);
    expect(g.windowMs()).toBe(16);
  });

  it('leaves out the time after a frame that drew nothing: an idle page never reads as quick', () => {
    const g = new DensityGovernor();
    // Paused and still: frames come quickly but draw nothing, so no window fills.
    let t = 0;
    for (let i = 0; i < 3 * WINDOW_FRAMES; i++) g.frame((t += 16), false, false);
    expect(g.windowMs()).toBeNull();
    // Slow drawn frames (300 ms each) between idle ones: only the drawn frames' times count.
    for (let i = 0; i < WINDOW_FRAMES; i++) {
      g.frame((t += 16), false, true);
      g.frame((t += 300), false, false);
    }
    expect(g.windowMs()).toBe(300);
    // Nothing quick from idle frames reaches the rule: the density is lowered, not raised.
    expect(g.decide(t, 64, 64)).toBeLessThan(64);
  });

  it('lowers, then does not raise back to the slow density until CEILING_MS has passed', () => {
    const g = new DensityGovernor();
    let t = frames(g, 0, WINDOW_FRAMES + 1, 400);
    expect(g.decide(t, 64, 64)).toBe(48);
    const lowered = t;
    t = frames(g, t, WINDOW_FRAMES + 1, 1);
    expect(g.decide(t, 48, 64)).toBe(56);
    t = frames(g, t, WINDOW_FRAMES + 1, 1);
    expect(g.decide(t, 56, 64)).toBe(56);
    frames(g, t, WINDOW_FRAMES + 1, 1);
    expect(g.decide(lowered + CEILING_MS - 1, 56, 64)).toBe(56);
    frames(g, t, WINDOW_FRAMES + 1, 1);
    expect(g.decide(lowered + CEILING_MS, 56, 64)).toBe(64);
  });

  it('a new network forgets the density that was too slow', () => {
    const g = new DensityGovernor();
    let t = frames(g, 0, WINDOW_FRAMES + 1, 400);
    expect(g.decide(t, 64, 64)).toBe(48);
    g.networkChanged();
    t = frames(g, t, WINDOW_FRAMES + 1, 1);
    expect(g.decide(t, 48, 64)).toBe(64);
  });

  it('takes the probe’s frame time after a rebuild instead of its window', () => {
    const g = new DensityGovernor();
    expect(g.decide(0, 16, 64, 16)).toBe(40);
    expect(g.decide(0, 40, 64, 300)).toBe(32);
    // Only a window's median sets a ceiling: quick frames raise straight back.
    const t = frames(g, 0, WINDOW_FRAMES + 1, 1);
    expect(g.decide(t, 32, 64)).toBe(64);
  });
});

describe('the grid density commands', () => {
  const fresh = () => {
    const s = freshSettings(true);
    const run = defaultRunStatus();
    return { s, go: (c: Parameters<typeof reduce>[1]) => reduce(s, c, 3, run) };
  };

  it('a density the person sets is remembered; lowered and raised ones are not', () => {
    const { s, go } = fresh();
    expect(s.chosenGrid).toBe(s.gridSize);
    go({ type: 'setGrid', gridSize: 96 });
    expect([s.gridSize, s.chosenGrid]).toEqual([96, 96]);
    expect(go({ type: 'lowerGrid', gridSize: 40 }).effect).toBe('newViews');
    expect([s.gridSize, s.chosenGrid]).toEqual([40, 96]);
    go({ type: 'raiseGrid', gridSize: 64 });
    expect([s.gridSize, s.chosenGrid]).toEqual([64, 96]);
    go({ type: 'fitGrid', gridSize: 50 });
    expect(s.chosenGrid).toBe(96);
    // The View controls write gridSize, then say so.
    s.gridSize = 24; // lil-gui's own binding
    go({ type: 'changed', what: 'grid' });
    expect(s.chosenGrid).toBe(24);
  });

  it('a raise never goes above the chosen density, nor lowers', () => {
    const { s, go } = fresh();
    go({ type: 'setGrid', gridSize: 64 });
    go({ type: 'lowerGrid', gridSize: 32 });
    expect(go({ type: 'raiseGrid', gridSize: 128 }).effect).toBe('newViews');
    expect(s.gridSize).toBe(64);
    expect(go({ type: 'raiseGrid', gridSize: 64 })).toEqual({ topics: [], effect: 'none' });
    go({ type: 'lowerGrid', gridSize: 32 });
    expect(go({ type: 'raiseGrid', gridSize: 16 })).toEqual({ topics: [], effect: 'none' });
    expect(s.gridSize).toBe(32);
  });
});

describe('the grid density a network’s cost allows before frames are measured', () => {
  /** The units of a network's layers, added: `hidden` layers of `width`, and the output. */
  const units = (hidden: number, width: number, output = 1) => hidden * width + output;

  it('lowers 12 layers of 32 (11 hidden and the output) on a grid of 256 at once, to the densest grid within the work bound', () => {
    const u = units(11, 32);
    expect(gridWork(2, 256, u)).toBeGreaterThan(10 * MAX_GRID_WORK);
    const g = gridForCost(2, 256, u);
    expect(g % GRID_STEP).toBe(0);
    expect(gridWork(2, g, u)).toBeLessThanOrEqual(MAX_GRID_WORK);
    // The densest such grid: a step up is over the bound.
    expect(gridWork(2, g + GRID_STEP, u)).toBeGreaterThan(MAX_GRID_WORK);
    expect(g).toBe(72);
  });

  it('the cost grows with layers, width and vertices alike', () => {
    // Twice the layers, twice the width or twice the vertices (√2 the density): the same bound.
    const deep = gridForCost(2, 256, units(24, 32, 0));
    const wide = gridForCost(2, 256, units(12, 64, 0));
    expect(deep).toBe(wide);
    expect(deep).toBeLessThan(gridForCost(2, 256, units(12, 32, 0)));
    expect(gridForCost(2, 256, units(6, 32))).toBeGreaterThan(gridForCost(2, 256, units(11, 32)));
  });

  it('keeps a grid whose work fits, exactly at the bound too', () => {
    expect(gridForCost(2, 64, units(11, 32))).toBe(64);
    // (2^21 / 2^9) = 4096 vertices: a 64 grid through 512 units is exactly the bound.
    expect(gridWork(2, 64, 512)).toBe(MAX_GRID_WORK);
    expect(gridForCost(2, 64, 512)).toBe(64);
    expect(gridForCost(2, 64, 513)).toBe(56);
  });

  it('leaves every story at the default density alone', () => {
    for (const p of PRESETS) {
      const u = p.arch.slice(1).reduce((n, w) => n + w, 0);
      expect(gridForCost(p.arch[0], 64, u), p.id).toBe(64);
    }
  });

  it('never goes below the floor, nor raises a density a person set below it', () => {
    expect(gridForCost(2, 256, 1e9)).toBe(MIN_AUTO_GRID);
    expect(gridForCost(2, 8, 1e9)).toBe(8);
    // One input draws a line of 4 × density points; three a lattice: each counted by its own vertices.
    expect(gridForCost(1, 256, units(11, 32))).toBe(256);
    expect(gridWork(3, gridForCost(3, 256, units(11, 32)), units(11, 32))).toBeLessThanOrEqual(MAX_GRID_WORK);
  });
});
