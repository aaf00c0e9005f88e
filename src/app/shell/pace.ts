/**
 * How many training steps a frame takes: measured speed in, steps per frame out. Pure and DOM-free.
 *
 * The default pace aims at a number of training steps per second, not per frame, so a slow adapter (a
 * software GPU drawing 5 frames a second) shows the same story in the same time as a fast one drawing 60:
 * the first load's experiment (rings through 2-3-2-1) goes from 60 % to 95 % test accuracy in
 * UNTANGLE_STEPS steps, so at WATCH_STEPS_PER_SECOND that takes more than UNTANGLE_SECONDS, slowly enough
 * to watch. Where frames are quicker than the pace's steps, a frame takes a fraction of a step (the frame
 * loop trains one step every few frames). A frame never spends more than TRAIN_SHARE of its time
 * training, so drawing stays smooth where training is the slow part.
 */

import { MAX_STEPS_PER_FRAME, MIN_STEPS_PER_FRAME } from '../../state/settings';

/** What the speed probe measured for the current network on this adapter. */
export interface SpeedProbe {
  /** Training steps per second, training alone. */
  stepsPerSecond: number;
  /** Milliseconds between frames (drawing, transforms and the steps taken), smoothed. */
  frameMs: number;
}

/**
 * Steps the default experiment (rings 2-3-2-1 on its seed 2, as the first load opens it) takes from 60 %
 * to 95 % test accuracy: measured on the GPU engine (SwiftShader, test accuracy read every 2 steps) by
 * `node tools/run.mjs tools/untangle-steps.ts 2,1,3,4,5,6`: 60 % at step 18, 95 % at step 316. The same
 * run on seeds 1, 3, 4, 5 and 6 takes 1534, 716, 916, 540 and 388 steps: the first load's seed is the
 * quickest of them.
 */
export const UNTANGLE_STEPS = 298;
/** At the default pace the first load's untangling (60 % to 95 % test accuracy) lasts at least this (s). */
export const UNTANGLE_SECONDS = 5;
/**
 * Training steps per second at the default pace: UNTANGLE_STEPS in 7.5 s, a margin over UNTANGLE_SECONDS
 * for frames that speed up after the probe measured them (on a busy software adapter, by a third).
 */
export const WATCH_STEPS_PER_SECOND = 40;
/** The most of a frame's time the default pace spends training. */
export const TRAIN_SHARE = 0.5;
/** At full speed a frame trains for about this share of its time (measured speed × frame time). */
export const FULL_SPEED_TRAIN_SHARE = 0.6;
/** The default experiment is separated after this many steps (a browser test checks it). */
export const WATCH_STEPS = 8000;
/** The fewest steps a frame the default pace takes: one step every 20 frames. */
export const MIN_PACE = 0.05;

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Steps per frame that train at WATCH_STEPS_PER_SECOND, within TRAIN_SHARE of each frame: at least one
 * step a frame, or the pace's fraction of one where frames are quicker than its steps; in hundredths,
 * rounded down, so that the pace is never overrun.
 */
export function defaultPace(probe: SpeedProbe): number {
  // A measurement that is not a number counts as the slowest there is.
  const frameSeconds = clamp(Number.isFinite(probe.frameMs) ? probe.frameMs : 16, 1, 2000) / 1000;
  const wanted = WATCH_STEPS_PER_SECOND * frameSeconds;
  const rate = Number.isFinite(probe.stepsPerSecond) ? Math.max(0, probe.stepsPerSecond) : 0;
  const affordable = rate * TRAIN_SHARE * frameSeconds;
  const least = Math.max(MIN_PACE, Math.min(MIN_STEPS_PER_FRAME, wanted));
  const pace = clamp(Math.min(wanted, affordable), least, MAX_STEPS_PER_FRAME);
  return Math.floor(pace * 100 + 1e-9) / 100;
}

/** A frame slower than this (ms) is too slow to watch: the grid is made coarser until it fits. */
export const SLOW_FRAME_MS = 250;
/** The coarsest grid the rule chooses. */
export const MIN_AUTO_GRID = 16;

/**
 * Grid density for an adapter: the wanted one where frames are quick enough; where a frame takes longer
 * than SLOW_FRAME_MS (a deep, wide network on a software GPU), fewer vertices in proportion (a frame's
 * cost grows with the vertices, the square of the density), in steps of 8.
 */
export function gridForSpeed(probe: SpeedProbe, wanted: number): number {
  if (!(probe.frameMs > SLOW_FRAME_MS)) return wanted;
  const scaled = wanted * Math.sqrt(SLOW_FRAME_MS / probe.frameMs);
  return Math.min(wanted, Math.max(MIN_AUTO_GRID, Math.floor(scaled / 8) * 8));
}

/** Steps for one frame at full speed: a pure function of the measured speed, the frame time and the backlog. */
export interface FullSpeedInput {
  /** The steps per frame chosen last frame (the state this rule carries). */
  previous: number;
  /** The set pace: never fewer steps than this. */
  floor: number;
  /** Measured steps per millisecond, or null before a measurement. */
  stepsPerMs: number | null;
  /** How long a frame may train (ms). */
  budgetMs: number;
  /** Training submissions the GPU has not finished yet. */
  backlog: number;
}

/** Unfinished submissions beyond this halve the steps per frame until the GPU catches up. */
export const MAX_BACKLOG = 2;
/** Never more steps in one frame than this. */
export const MAX_FULL_SPEED_STEPS = 1 << 16;

export function fullSpeedSteps(i: FullSpeedInput): number {
  // The GPU is behind: the speed measurement overshot (on a busy or software GPU its two timestamps can
  // land together), and more work per frame would only lengthen every frame.
  if (i.backlog > MAX_BACKLOG) return Math.max(i.floor, i.previous / 2);
  // Before a measurement, grow gently from the set pace; never more than fourfold in a frame (a
  // measurement of steps that did nothing, after a divergence, would flood the GPU).
  const wanted = Math.min(
    i.stepsPerMs === null ? i.previous * 1.5 : i.stepsPerMs * i.budgetMs,
    i.previous * 4,
  );
  return Math.min(MAX_FULL_SPEED_STEPS, Math.max(i.floor, 0.5 * i.previous + 0.5 * wanted));
}

/**
 * The speed probe: collects the trainer's measured speed and the frame times for the current network and
 * says when it has seen enough to set the pace (a few frames after each rebuild).
 */
export class SpeedMeter {
  private frames = 0;
  /** The latest frame times measured (the first after a reset is not). */
  private recent: number[] = [];
  private stepsPerSecond: number | null = null;

  /** Forget what was measured (a new network or device). */
  reset(): void {
    this.frames = 0;
    this.recent = [];
    this.stepsPerSecond = null;
  }

  frame(ms: number): void {
    if (!(ms > 0) || ms > 5000) return;
    this.frames++;
    // The first frame after a reset spans the rebuild before it (or a held loop): counted, not measured.
    if (this.frames === 1) return;
    // The next frames after a rebuild compile pipelines: the median of the latest frames leaves them out.
    this.recent.push(ms);
    if (this.recent.length > MEDIAN_FRAMES) this.recent.shift();
  }

  training(stepsPerMs: number | null): void {
    if (stepsPerMs !== null && stepsPerMs > 0) this.stepsPerSecond = stepsPerMs * 1000;
  }

  /** The measurement, once there are enough frames and a training speed; else null. */
  probe(minFrames = 8): SpeedProbe | null {
    if (this.frames < minFrames || this.stepsPerSecond === null || this.recent.length === 0) return null;
    const sorted = [...this.recent].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const frameMs = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { stepsPerSecond: this.stepsPerSecond, frameMs };
  }
}

/** The speed meter's frame time is the median of this many latest frames. */
export const MEDIAN_FRAMES = 8;
