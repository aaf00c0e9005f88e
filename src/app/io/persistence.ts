/**
 * Where the experiment lives between visits: the address (its hash is the link of the current settings,
 * kept up to date with history.replaceState) and local storage (the experiment and its weights, saved
 * every few seconds and when the page is hidden, restored on start).
 */
import type { NetworkSpec } from '../../engine/spec';
import type { Experiment } from '../../experiment/experiment';
import { messageOf } from '../../share/errors';
import type { StorageLike } from '../../share/storage';
import { clearSaved, restoreExperiment, saveExperiment } from '../../share/storage';
import { parseExperimentQuery } from '../../share/url';
import type { ViewSettings } from '../../share/view';
import { VIEW_KEYS } from '../../share/view';

/** What the app starts from. */
export interface StartPlan {
  source: 'link' | 'saved' | 'default';
  shared: { experiment: Experiment; spec: NetworkSpec; view: ViewSettings; weights?: Float32Array } | null;
  /** Whether the link or saved state set the grid density (else the app's default for the device stays). */
  gridGiven: boolean;
  /** Why the link in the address could not be opened, or null. */
  linkError: string | null;
  /** Why saved state could not be restored, or null. */
  savedError: string | null;
  savedAt: number | null;
}

/** localStorage, or null where the browser refuses it (private modes, blocked storage). */
export function localStore(win: Window = window): StorageLike | null {
  try {
    return win.localStorage ?? null;
  } catch {
    return null;
  }
}

/** Whether link text sets the grid density itself. */
function gridIn(text: string): boolean {
  try {
    const hash = text.indexOf('#');
    return new URLSearchParams(hash >= 0 ? text.slice(hash + 1) : text).has(VIEW_KEYS.grid);
  } catch {
    return false;
  }
}

/** The link in the address first, then saved state, then the default. Never throws. */
export async function readStart(hash: string, storage: StorageLike | null): Promise<StartPlan> {
  const plan: StartPlan = {
    source: 'default',
    shared: null,
    gridGiven: false,
    linkError: null,
    savedError: null,
    savedAt: null,
  };
  const link = hash.startsWith('#') ? hash.slice(1) : hash;
  if (link.length > 0) {
    try {
      plan.shared = await parseExperimentQuery(link);
      plan.source = 'link';
      plan.gridGiven = gridIn(link);
      return plan;
    } catch (e) {
      plan.linkError = messageOf(e);
    }
  }
  if (storage) {
    const restored = restoreExperiment(storage);
    if (restored.saved) {
      const { experiment, spec, view, weights, savedAt } = restored.saved;
      plan.shared = weights ? { experiment, spec, view, weights } : { experiment, spec, view };
      plan.source = 'saved';
      plan.gridGiven = true;
      plan.savedAt = savedAt;
    } else {
      plan.savedError = restored.reason;
    }
  }
  return plan;
}

/** "3 minutes ago". */
export function timeAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    const n = Math.floor(s / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

/** What the address and the saved state are made of. */
export interface Shareable {
  /** The current experiment and view as link query text, or null when they cannot travel (a CSV). */
  linkQuery(): string | null;
  experiment(): Experiment | null;
  view(): ViewSettings;
  /** The latest finite weights, or null. */
  weights(): Float32Array | null;
  /** Grows whenever new weights arrive. */
  readonly weightsVersion: number;
  /** The training step the network is at (the weights of a link stay in the address until it moves). */
  trainedStep(): number;
}

/** The query text of the link's `w` (the weights), exactly as written, or null. */
function weightsText(query: string): string | null {
  return /(?:^|&)w=([^&]*)/.exec(query)?.[1] ?? null;
}

/**
 * A link's experiment alone: without its weights, its view (slider, layer, grid, projection) and
 * presenting, whatever the order of its fields. Two links with the same one open the same network.
 */
export function experimentText(query: string): string {
  const params = new URLSearchParams(query);
  for (const key of ['w', 'present', ...Object.values(VIEW_KEYS)]) params.delete(key);
  params.sort();
  return params.toString();
}

/** Keeps the address's hash on the current settings, at most every `intervalMs`. */
export class HashSync {
  /** The query text last written (or found, when the page opened with a link). */
  written: string | null = null;
  private checkedAt = -Infinity;

  constructor(
    private readonly source: Shareable,
    private readonly win: Window,
    private readonly intervalMs = 400,
  ) {}

  /** The step the weights in the address belong to (null: the address carries none). */
  private weightsStep: number | null = null;
  /** The opened link's weights (its `w` text) and its experiment (`experimentText`). */
  private linkWeights: string | null = null;
  private linkExperiment = '';

  /**
   * Takes the hash the page opened with as already written. A link with weights keeps them in the
   * address until the network trains on or the experiment changes: a reload then opens the same network.
   */
  adopt(query: string | null): void {
    this.written = query;
    this.linkWeights = query === null ? null : weightsText(query);
    this.linkExperiment = query === null ? '' : experimentText(query);
    this.weightsStep = this.linkWeights !== null ? this.source.trainedStep() : null;
  }

  tick(now: number): void {
    if (now - this.checkedAt < this.intervalMs) return;
    this.checkedAt = now;
    const query = this.source.linkQuery();
    if (query === this.written) return;
    if (
      query !== null &&
      this.linkWeights !== null &&
      this.weightsStep === this.source.trainedStep() &&
      experimentText(query) === this.linkExperiment
    ) {
      // Still the link's network and weights (the view moved, or the app spells the link its own way):
      // the address follows the view and keeps the weights, so a reload opens the same network.
      const kept = `${query}&w=${this.linkWeights}`;
      if (kept !== this.written) this.write(kept);
      return;
    }
    this.weightsStep = null;
    this.linkWeights = null;
    this.write(query);
  }

  write(query: string | null): void {
    this.written = query;
    const { pathname, search } = this.win.location;
    try {
      this.win.history.replaceState(
        this.win.history.state,
        '',
        `${pathname}${search}${query ? `#${query}` : ''}`,
      );
    } catch {
      // Too many replaceState calls in a short time: the next tick tries again.
      this.written = null;
    }
  }

  /** Whether the address's hash is the one written here (a hashchange from elsewhere is not). */
  isOwn(hash: string): boolean {
    return (hash.startsWith('#') ? hash.slice(1) : hash) === (this.written ?? '');
  }
}

/** Saves the experiment and its weights now and then, and when the page is hidden or closed. */
export class Saver {
  private savedQuery: string | null = null;
  private savedVersion = -1;
  private savedAt = -Infinity;
  private warned = false;
  /** The last reason a save failed (for tests), or null. */
  lastFailure: string | null = null;

  constructor(
    private readonly source: Shareable,
    private readonly storage: StorageLike | null,
    private readonly warn: (text: string) => void,
    private readonly intervalMs = 4000,
  ) {}

  /** Listens for the page being hidden or closed. */
  attach(win: Window): void {
    win.addEventListener('pagehide', () => this.saveNow());
    win.document.addEventListener('visibilitychange', () => {
      if (win.document.visibilityState === 'hidden') this.saveNow();
    });
  }

  tick(now: number): void {
    if (now - this.savedAt < this.intervalMs) return;
    this.savedAt = now;
    if (this.source.linkQuery() === this.savedQuery && this.source.weightsVersion === this.savedVersion)
      return;
    this.saveNow();
  }

  saveNow(): boolean {
    if (!this.storage) return false;
    // What cannot travel in a link (a CSV's points) is not saved either; the last save stays.
    const query = this.source.linkQuery();
    const exp = this.source.experiment();
    if (!exp || query === null) return false;
    const version = this.source.weightsVersion;
    const weights = this.source.weights();
    const result = saveExperiment(this.storage, exp, {
      view: this.source.view(),
      ...(weights ? { weights } : {}),
    });
    if (result.ok) {
      this.savedQuery = query;
      this.savedVersion = version;
      this.lastFailure = null;
      return true;
    }
    this.lastFailure = result.reason;
    if (!this.warned) {
      this.warned = true;
      this.warn(`Your experiment could not be saved in this browser: ${result.reason}.`);
    }
    return false;
  }

  /** Forgets the saved experiment ("start fresh"); saving goes on from the next change. */
  clear(): boolean {
    this.savedQuery = null;
    this.savedVersion = -1;
    return this.storage ? clearSaved(this.storage) : false;
  }
}
