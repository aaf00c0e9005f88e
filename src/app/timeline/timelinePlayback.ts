/**
 * Playing the training history as a movie: a clock that moves a fraction f of the timeline from 0 to 1
 * at a steady pace (the whole history in `seconds`), in log or linear time (the timeline's own axis), and
 * answers the kept moment nearest to f. It stops at the end. DOM-free; nothing is allocated per tick.
 */
import { fractionToStep, nearestIndex, stepToFraction, type TimeScale } from '../../ui/timeline';

/** Seconds the whole history takes to play. */
export const PLAY_SECONDS = 12;

export class TimelinePlayback {
  playing = false;
  /** Where the movie is on the timeline, 0..1. */
  fraction = 0;
  private lastNow: number | null = null;

  constructor(public seconds = PLAY_SECONDS) {}

  /**
   * Starts from the moment shown (`index`, null: live), or from the start when that is the last moment
   * or live: pressing play at the end plays again.
   */
  start(steps: readonly number[], index: number | null, scale: TimeScale): void {
    if (steps.length < 2) return;
    const last = steps[steps.length - 1];
    this.fraction =
      index === null || index >= steps.length - 1 ? 0 : stepToFraction(steps[index], last, scale);
    this.playing = true;
    this.lastNow = null;
  }

  stop(): void {
    this.playing = false;
    this.lastNow = null;
  }

  /**
   * Advances to time `now` (ms) and returns the index of the kept moment to show, or −1 when not
   * playing. The first tick after start shows the starting moment; the tick that reaches the end shows
   * the last moment and stops.
   */
  tick(now: number, steps: readonly number[], scale: TimeScale): number {
    if (!this.playing || steps.length === 0) return -1;
    if (this.lastNow !== null) {
      const dt = Math.max(0, Math.min(0.25, (now - this.lastNow) / 1000));
      this.fraction = Math.min(1, this.fraction + dt / this.seconds);
    }
    this.lastNow = now;
    const last = steps[steps.length - 1];
    const index = nearestIndex(steps, fractionToStep(this.fraction, last, scale));
    if (this.fraction >= 1) this.stop();
    return index;
  }

  /** The moment at fraction `f` of the timeline (for a video, which sets the time itself). */
  static indexAt(f: number, steps: readonly number[], scale: TimeScale): number {
    if (steps.length === 0) return -1;
    return nearestIndex(steps, fractionToStep(Math.max(0, Math.min(1, f)), steps[steps.length - 1], scale));
  }
}
