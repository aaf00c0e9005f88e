/**
 * The training history: the state at kept steps, so a person can go back in training time. DOM-free.
 *
 * Which steps are kept: every step up to `dense` (256), then a geometric grid g₀ = dense,
 * g_{i+1} = ⌊g_i·(1+ε₀)⌋. At thinning level L only every 2^L-th grid point is kept, so the next kept step
 * after any kept step s ≥ dense is at most s·(1+ε₀)^(2^L) = s·(1+ε). When more than `capacity` moments
 * are held the level goes up by one: half of the sparse moments are dropped and the rule holds with the
 * coarser ε. The grids are nested, so thinning only ever drops moments, never needs new ones.
 *
 * The recorder does not read the GPU: the app stops training at `nextKept` (see `allow`), reads the state
 * there and hands it to `record`.
 */
import type { Stats } from '../engine/types';

/** One kept moment: the state the engine trained with at `step`, and the figures known then. */
export interface HistoryEntry {
  step: number;
  /** Weights (copied on record; never changed afterwards). */
  params: Float32Array;
  /** Optimiser moments (2P floats), or null where the trainer cannot read them. */
  moments: Float32Array | null;
  /** The latest loss and accuracy known when the moment was kept, and the step they were measured at. */
  statsStep: number | null;
  epoch: number | null;
  trainLoss: number | null;
  testLoss: number | null;
  trainAccuracy: number | null;
  testAccuracy: number | null;
}

/** The figures of a moment not measured at its step (the timeline measures it from its weights when shown). */
export const NO_FIGURES = {
  statsStep: null,
  trainLoss: null,
  testLoss: null,
  trainAccuracy: null,
  testAccuracy: null,
} as const;

/** The figures a moment carries from the latest statistics at or before its step (none from later ones). */
export function figuresAt(
  stats: Stats | null,
  step: number,
): Omit<HistoryEntry, 'step' | 'params' | 'moments'> {
  const s = stats && stats.step <= step ? stats : null;
  return {
    statsStep: s?.step ?? null,
    epoch: s?.epoch ?? null,
    trainLoss: s?.train.loss ?? null,
    testLoss: s?.test?.loss ?? null,
    trainAccuracy: s?.train.accuracy ?? null,
    testAccuracy: s?.test?.accuracy ?? null,
  };
}

/** Whether every value is finite (null: nothing to check). */
export function allFinite(values: Float32Array | null): boolean {
  if (!values) return true;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

export interface HistoryOptions {
  /** Most moments kept (at least 1,000 in the app; smaller ones are for tests of thinning). */
  capacity?: number;
  /** Every step up to this one is kept. */
  dense?: number;
  /** The finest relative spacing beyond `dense` (ε at level 0); at least 1/dense. */
  epsilon?: number;
}

export class History {
  readonly capacity: number;
  readonly dense: number;
  readonly epsilon0: number;
  /** Thinning level: every 2^level-th grid point beyond `dense` is kept. */
  level = 0;
  /** Kept moments, by increasing step. */
  readonly entries: HistoryEntry[] = [];
  /** The level-0 grid beyond `dense`, grown as far as asked for. */
  private readonly grid: number[];

  constructor(options: HistoryOptions = {}) {
    this.capacity = options.capacity ?? 1000;
    this.dense = options.dense ?? 256;
    this.epsilon0 = options.epsilon ?? 1 / 256;
    if (!Number.isInteger(this.dense) || this.dense < 1)
      throw new Error(`history dense: expected a whole number ≥ 1; got ${this.dense}`);
    if (!(this.epsilon0 * this.dense >= 1) || !(this.epsilon0 <= 1))
      throw new Error(`history epsilon: expected between 1/dense and 1; got ${this.epsilon0}`);
    if (!Number.isInteger(this.capacity) || this.capacity < this.dense + 4)
      throw new Error(`history capacity: expected a whole number ≥ dense + 4; got ${this.capacity}`);
    this.grid = [this.dense];
  }

  /** The spacing bound now: the next kept step after a kept step s ≥ dense is at most s·(1+ε). */
  get epsilon(): number {
    return Math.pow(1 + this.epsilon0, 2 ** this.level) - 1;
  }

  get length(): number {
    return this.entries.length;
  }

  get last(): HistoryEntry | null {
    return this.entries[this.entries.length - 1] ?? null;
  }

  /** The level-0 grid point with index i (grown lazily). */
  private gridAt(i: number): number {
    const g = this.grid;
    while (g.length <= i) {
      const s = g[g.length - 1];
      g.push(Math.max(s + 1, Math.floor(s * (1 + this.epsilon0))));
    }
    return g[i];
  }

  /** Whether `step` is kept at the current level (or at `level`). */
  isKept(step: number, level = this.level): boolean {
    if (step <= this.dense) return step >= 0 && Number.isInteger(step);
    const stride = 2 ** level;
    // Binary search among the level's points (the grid grows to cover `step`).
    let hi = 1;
    while (this.gridAt(hi * stride) < step) hi *= 2;
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.gridAt(mid * stride) < step) lo = mid + 1;
      else hi = mid;
    }
    return this.gridAt(lo * stride) === step;
  }

  /** The smallest kept step after `step` at the current level. */
  nextKept(step: number): number {
    if (step < this.dense) return Math.floor(step) + 1;
    const stride = 2 ** this.level;
    let hi = 1;
    while (this.gridAt(hi * stride) <= step) hi *= 2;
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.gridAt(mid * stride) <= step) lo = mid + 1;
      else hi = mid;
    }
    return this.gridAt(lo * stride);
  }

  /** Whether `step` is a kept step that has no moment yet (the app must read the state there first). */
  wants(step: number): boolean {
    const last = this.last;
    return (last === null || step > last.step) && this.isKept(step);
  }

  /**
   * How many of `wanted` steps may be trained from `step` without passing a kept step that has no moment:
   * 0 while `step` itself waits to be read, else at most up to the next kept step.
   */
  allow(step: number, wanted: number): number {
    if (wanted <= 0) return 0;
    if (this.wants(step)) return 0;
    return Math.min(wanted, this.nextKept(step) - step);
  }

  /**
   * Keeps a moment (its arrays are copied). Moments not on the grid, or not after the last one, are
   * ignored (false). Thins when over capacity.
   */
  record(entry: HistoryEntry): boolean {
    if (!this.wants(entry.step)) return false;
    this.entries.push({
      ...entry,
      params: Float32Array.from(entry.params),
      moments: entry.moments ? Float32Array.from(entry.moments) : null,
    });
    while (this.entries.length > this.capacity) this.thin();
    return true;
  }

  /** One level coarser: drops the sparse moments no longer on the grid. */
  private thin(): void {
    this.level++;
    let w = 0;
    for (const e of this.entries) if (this.isKept(e.step)) this.entries[w++] = e;
    this.entries.length = w;
  }

  /**
   * At most `max` of the kept moments (the same objects), thinned as the history thins itself: coarser
   * levels first, so the next kept step after any kept step s ≥ dense stays at most s·(1+ε) with the
   * coarser ε that `level` gives; while the dense start alone is over `max`, every `denseStride`-th step
   * of it. The history itself is not changed.
   */
  thinnedTo(max: number): { entries: HistoryEntry[]; level: number; denseStride: number } {
    if (!Number.isInteger(max) || max < 1) throw new Error(`history thinnedTo: expected max ≥ 1; got ${max}`);
    let level = this.level;
    let denseStride = 1;
    for (;;) {
      let dense = 0;
      let sparse = 0;
      for (const e of this.entries) {
        if (e.step <= this.dense) {
          if (e.step % denseStride === 0) dense++;
        } else if (this.isKept(e.step, level)) sparse++;
      }
      if (dense + sparse <= max) break;
      // Coarser in log time while the sparse part is the larger; then the dense start too, until only its
      // step 0 is left (a stride past `dense`); then the sparse part goes on thinning to nothing, so even
      // max = 1 is reached.
      if (sparse > 1 && (sparse >= dense / 2 || denseStride >= this.dense)) level++;
      else if (denseStride <= this.dense) denseStride *= 2;
      else level++;
    }
    const entries = this.entries.filter((e) =>
      e.step <= this.dense ? e.step % denseStride === 0 : this.isKept(e.step, level),
    );
    return { entries, level, denseStride };
  }

  /**
   * Takes moments from elsewhere (a model file), replacing what is held; they are kept as given (steps
   * increasing). The level becomes the coarsest at which every step beyond the dense start is on the
   * grid, so moments recorded after them follow the same spacing; off the grid, the finest.
   */
  adopt(entries: readonly HistoryEntry[]): void {
    for (let i = 1; i < entries.length; i++) {
      if (!(entries[i].step > entries[i - 1].step))
        throw new Error(`history adopt: steps must increase; got ${entries[i - 1].step}, ${entries[i].step}`);
    }
    const sparse = entries.filter((e) => e.step > this.dense).map((e) => e.step);
    let level = 0;
    if (sparse.length > 0 && sparse.every((s) => this.isKept(s, 0))) {
      while (level < 30 && sparse.every((s) => this.isKept(s, level + 1))) level++;
    }
    this.level = level;
    this.entries.length = 0;
    this.entries.push(...entries.slice(Math.max(0, entries.length - this.capacity)));
  }

  /** Forgets moments after `step` (training branched from there). */
  dropAfter(step: number): void {
    while (this.entries.length > 0 && this.entries[this.entries.length - 1].step > step) this.entries.pop();
  }

  /** Forgets everything (a new network), back to the finest spacing. */
  clear(): void {
    this.entries.length = 0;
    this.level = 0;
  }

  /** The index of the kept moment nearest to `step` (ties: the earlier), or −1 when empty. */
  indexNear(step: number): number {
    const e = this.entries;
    if (e.length === 0) return -1;
    let lo = 0;
    let hi = e.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (e[mid].step < step) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && step - e[lo - 1].step <= e[lo].step - step) return lo - 1;
    return lo;
  }

  /** Bytes held by the kept weights and moments. */
  get bytes(): number {
    let n = 0;
    for (const e of this.entries) n += e.params.byteLength + (e.moments?.byteLength ?? 0);
    return n;
  }
}
