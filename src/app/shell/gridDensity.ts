/**
 * The grid density the frames allow, both ways: lowered from the drawn density while frames are too slow
 * to watch, raised back towards the density the person chose (never above it) when a cheaper network or
 * a quicker moment allows. Pure and DOM-free; the frame report applies it through the door.
 *
 * A frame's cost is taken to grow with the grid's vertices (the square of the density), which overstates
 * what a denser grid costs (part of a frame does not depend on the grid), so a raise is never too bold.
 * Hysteresis keeps it from swinging: a lowering needs frames slower than SLOW_FRAME_MS, a raise a denser
 * grid predicted to draw within QUICK_FRAME_MS (well below), frames in between keep the density; and a
 * density found too slow is not tried again on the same network for CEILING_MS.
 *
 * Before any frame is measured, the network's cost bounds the density at once (`gridForCost`): every
 * grid vertex goes through every layer, so a frame's grid work is the vertices times the units of the
 * layers (layers × width). A deep, wide network on a dense grid would otherwise draw a frame in many
 * seconds, and the window of frames the rule waits for would take minutes.
 */
import { gridVertices } from '../runtime/limits';
import { MIN_AUTO_GRID, SLOW_FRAME_MS, gridForSpeed } from './pace';

/** A denser grid is drawn only where it is predicted to take at most this long a frame (ms). */
export const QUICK_FRAME_MS = 100;
/** Densities the rule picks below the chosen one are multiples of this. */
export const GRID_STEP = 8;
/** Frames measured before each decision; the decision takes their median (one long frame is no trend). */
export const WINDOW_FRAMES = 8;
/** A density found too slow is not raised to again on the same network for this long (ms). */
export const CEILING_MS = 30_000;
/** Gaps between frames longer than this are pauses (a hidden tab, a held loop), not drawing (ms). */
export const MAX_FRAME_GAP_MS = 5000;

/** Grid work (vertices × units of the layers) a frame may hold before its speed is measured. */
export const MAX_GRID_WORK = 1 << 21;

/** The grid work of a density: its vertices, each through `units` layer units in all. */
export function gridWork(inputSize: number, grid: number, units: number): number {
  return gridVertices(inputSize, Math.round(grid)) * Math.max(1, units);
}

/**
 * The densest grid, at most `grid`, whose work for the network (`units`: the units of its layers, added)
 * is within MAX_GRID_WORK: `grid` itself where it fits, else a multiple of GRID_STEP, never below
 * MIN_AUTO_GRID (a person's density below that is kept).
 */
export function gridForCost(inputSize: number, grid: number, units: number): number {
  const wanted = Math.round(grid);
  if (gridWork(inputSize, wanted, units) <= MAX_GRID_WORK) return wanted;
  let g = Math.floor(wanted / GRID_STEP) * GRID_STEP;
  while (g > MIN_AUTO_GRID && gridWork(inputSize, g, units) > MAX_GRID_WORK) g -= GRID_STEP;
  return Math.min(wanted, Math.max(MIN_AUTO_GRID, g));
}

export interface DensityInput {
  /** The density drawn now. */
  current: number;
  /** The density the person chose: never exceeded. */
  chosen: number;
  /** Milliseconds a frame takes at the current density. */
  frameMs: number;
  /** A density found too slow on this network (raises stay a GRID_STEP below it), or null. */
  ceiling?: number | null;
}

/** The density for the measured frame time: lower, higher (towards the chosen) or the same. */
export function densityFor(i: DensityInput): number {
  const current = Math.round(i.current);
  const chosen = Math.round(i.chosen);
  if (!Number.isFinite(i.frameMs) || !(i.frameMs > 0)) return current;
  if (i.frameMs > SLOW_FRAME_MS) {
    return Math.min(current, chosen, gridForSpeed({ stepsPerSecond: 0, frameMs: i.frameMs }, current));
  }
  // A step below a density found too slow.
  const limit = i.ceiling != null ? Math.min(chosen, Math.round(i.ceiling) - GRID_STEP) : chosen;
  if (current >= limit) return Math.min(current, chosen);
  // The densest grid predicted to draw within QUICK_FRAME_MS.
  const reach = current * Math.sqrt(QUICK_FRAME_MS / i.frameMs);
  if (reach >= limit) return limit;
  return Math.max(current, Math.floor(reach / GRID_STEP) * GRID_STEP);
}

/**
 * Measures the time between drawn frames and applies `densityFor` once a window of frames is in: the
 * state the rule carries (the frames since the last change, the density found too slow and until when).
 */
export class DensityGovernor {
  private last: number | null = null;
  /** Whether the frame at `last` drew: only then does the time to the next frame measure drawing. */
  private lastDrew = true;
  private intervals: number[] = [];
  private ceiling: { grid: number; until: number } | null = null;

  /** A new network: what was too slow for the old one says nothing of it. */
  networkChanged(): void {
    this.ceiling = null;
    this.restart();
  }

  /** Measure afresh (the grid changed, or a rebuild is under way). */
  restart(): void {
    this.last = null;
    this.intervals = [];
  }

  /**
   * A frame at `now` (ms); `busy`: a rebuild is under way and the frame says nothing; `drew`: it drew the
   * views. The time from a frame that drew to the next frame is what drawing costs; the time after a frame
   * that drew nothing (paused, nothing changed) says nothing of it and is left out, so an idle page never
   * reads as quick and never raises the density (a rebuild) while nobody watches.
   */
  frame(now: number, busy = false, drew = true): void {
    if (busy) return this.restart();
    if (this.last !== null && this.lastDrew) {
      const ms = now - this.last;
      if (ms > 0 && ms <= MAX_FRAME_GAP_MS) this.intervals.push(ms);
    }
    this.last = now;
    this.lastDrew = drew;
  }

  /** The median frame time of the window, once it is full; else null. */
  windowMs(): number | null {
    if (this.intervals.length < WINDOW_FRAMES) return null;
    const sorted = [...this.intervals].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /**
   * The density to draw at `now` after a full window of frames at `current` (null: the window is not full
   * yet). `frameMs` replaces the window's own measurement (the speed probe's, after a rebuild).
   */
  decide(now: number, current: number, chosen: number, frameMs?: number): number | null {
    const measured = frameMs ?? this.windowMs();
    if (measured === null) return null;
    this.intervals = [];
    if (this.ceiling && now >= this.ceiling.until) this.ceiling = null;
    const next = densityFor({ current, chosen, frameMs: measured, ceiling: this.ceiling?.grid ?? null });
    // The probe's smoothed measurement may still hold a rebuild's long frame: what it lowers, the next
    // window of frames may raise again; only a window's median finds a density too slow.
    if (next < current && frameMs === undefined) {
      this.ceiling = { grid: Math.min(current, this.ceiling?.grid ?? Infinity), until: now + CEILING_MS };
    }
    if (next !== current) this.restart();
    return next;
  }
}
