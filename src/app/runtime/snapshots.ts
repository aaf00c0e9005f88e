/**
 * Snapshots of the training state (weights, optimiser moments, step) as they come back from the GPU:
 * the latest finite one, to continue after a lost device, and a few older ones about a second apart,
 * to go back to after a divergence. DOM-free.
 */
import type { TrainerState } from './trainer';

function allFinite(values: Float32Array | null): boolean {
  if (!values) return true;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

export class Snapshots {
  /** The network the snapshots belong to (specKey of its spec); they never go into another one. */
  key = '';
  /** The newest finite state seen. */
  latest: TrainerState | null = null;
  /** When `latest` arrived (ms, the caller's clock). */
  latestAt = -Infinity;
  private readonly kept: TrainerState[] = [];
  /** The state kept when the learning rate last changed, while it is among the kept ones. */
  private beforeChange: TrainerState | null = null;
  private keptAt = -Infinity;

  constructor(
    private readonly capacity = 8,
    private readonly spacingMs = 1000,
  ) {}

  /** Takes a state read back at time `now`; states with NaN or infinite values are ignored. */
  offer(state: TrainerState, now: number): boolean {
    if (!allFinite(state.params) || !allFinite(state.moments)) return false;
    if (this.latest && state.step < this.latest.step && state !== this.latest) {
      // A state from before a restore: start over from it.
      this.kept.length = 0;
      this.keptAt = -Infinity;
    }
    this.latest = state;
    this.latestAt = now;
    if (now - this.keptAt >= this.spacingMs) {
      this.kept.push(state);
      if (this.kept.length > this.capacity) this.kept.shift();
      this.keptAt = now;
    }
    return true;
  }

  /** The spaced states and the latest, as they are now (to carry them over a replaced device). */
  saved(): SavedSnapshots {
    return { kept: [...this.kept], latest: this.latest, beforeChange: this.beforeChange };
  }

  /** Takes back what `saved` returned (the same network's, after a device was replaced), at time `now`. */
  restoreFrom(saved: SavedSnapshots, now: number): void {
    this.kept.splice(0, this.kept.length, ...saved.kept.slice(-this.capacity));
    this.latest = saved.latest;
    this.beforeChange = saved.beforeChange;
    this.latestAt = now;
    this.keptAt = now;
  }

  /**
   * Keeps the latest state among the spaced ones now, and the next spaced one a whole spacing later: before
   * a change of the learning rate, so that a divergence soon after it (while that state is still kept)
   * goes back to weights from before it, not to ones the new rate already spoiled.
   */
  keepLatest(now: number): void {
    const latest = this.latest;
    if (!latest) return;
    if (this.kept[this.kept.length - 1] !== latest) {
      this.kept.push(latest);
      if (this.kept.length > this.capacity) this.kept.shift();
    }
    this.keptAt = now;
    this.beforeChange = latest;
  }

  /**
   * A state from before `step` (the step a divergence happened at): the one from before the last change of
   * the learning rate while it is still kept, else the newest of the spaced ones, which is some way back
   * from the blow-up, else the latest; null when there is none.
   */
  before(step: number): TrainerState | null {
    const change = this.beforeChange;
    if (change && change.step < step && this.kept.includes(change)) return change;
    for (let i = this.kept.length - 1; i >= 0; i--) if (this.kept[i].step < step) return this.kept[i];
    return this.latest && this.latest.step < step ? this.latest : null;
  }

  /**
   * Forgets states labelled `step` or later. After a divergence the GPU stops at that step while steps
   * are still being asked for, so states read back meanwhile carry a later label than their weights.
   */
  discardFrom(step: number): void {
    while (this.kept.length > 0 && this.kept[this.kept.length - 1].step >= step) this.kept.pop();
    if (this.latest && this.latest.step >= step) this.latest = this.kept[this.kept.length - 1] ?? null;
    this.keptAt = -Infinity;
  }

  /** Forgets every state; from now on they belong to the network `key` (specKey). */
  clear(key = this.key): void {
    this.key = key;
    this.beforeChange = null;
    this.latest = null;
    this.latestAt = -Infinity;
    this.kept.length = 0;
    this.keptAt = -Infinity;
  }
}

/** The snapshots as `saved` returns them. */
export interface SavedSnapshots {
  kept: TrainerState[];
  latest: TrainerState | null;
  beforeChange: TrainerState | null;
}

/** Identifies a network spec: snapshots of one spec are only restored into the same spec. */
export function specKey(spec: unknown): string {
  return JSON.stringify(spec);
}
