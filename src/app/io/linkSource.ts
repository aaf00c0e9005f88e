/**
 * What travels in links, saved state and model files: the experiment, the view, the latest finite weights,
 * and the link text (checked with the link parser's own rules before it is offered).
 */
import type { Experiment } from '../../experiment/experiment';
import { experimentQuery, parseExperimentFields } from '../../share/url';
import type { ViewSettings } from '../../share/view';
import type { DataState } from '../runtime/runtime';
import type { Snapshots } from '../runtime/snapshots';
import type { Trainer } from '../runtime/trainer';
import type { Settings } from '../../state/settings';
import { experimentOf, viewOf } from './experimentLink';

/** What the travelling parts of a run are read from. */
export interface LinkHost {
  readonly settings: Readonly<Settings>;
  readonly data: DataState | null;
  /** The CSV trained on (it cannot travel in a link), or null. */
  readonly csv: DataState | null;
  /** Dense layers (the slider's range). */
  readonly layers: number;
  readonly trainer: Pick<Trainer, 'params' | 'paramsVersion'> | null;
  readonly snapshots: Pick<Snapshots, 'latest'>;
  /** Presenting mode: a link made while presenting opens presenting (`present=1`). */
  readonly run: { readonly presenting: boolean };
}

/** The link key of presenting mode. */
export const PRESENT_KEY = 'present';

/** Whether a link's query text asks for presenting mode. */
export function linkPresents(query: string): boolean {
  return new URLSearchParams(query.replace(/^#/, '')).get(PRESENT_KEY) === '1';
}

/**
 * Where an address's link is: after `#`; settings written after `?` instead (`?arch=2-3-1`, as in many
 * sites' links) are read as the link when nothing follows `#`, and said to be left unread when something
 * does. `?test` alone is the tests' switch. `hash` is the link to read; `unread`, the query text not read.
 */
export function linkOfAddress(search: string, hash: string): { hash: string; unread: string | null } {
  const params = new URLSearchParams(search);
  params.delete('test');
  const query = params.toString();
  if (!query) return { hash, unread: null };
  if (hash.replace(/^#/, '') === '') return { hash: `#${query}`, unread: null };
  return { hash, unread: query };
}

export class LinkSource {
  private checkedQuery = '';
  private checkedOk = false;

  constructor(private readonly app: LinkHost) {}

  /** The current run as an Experiment, or null while there is none (or it breaks a rule). */
  experiment(): Experiment | null {
    if (!this.app.data) return null;
    try {
      return experimentOf(this.app.settings, this.app.data.full, this.app.csv !== null);
    } catch {
      return null;
    }
  }

  view(): ViewSettings {
    return viewOf(this.app.settings, this.app.layers);
  }

  /** The latest finite weights: the trainer's, or the last good snapshot's after a divergence. */
  weights(): Float32Array | null {
    const t = this.app.trainer;
    // Before the first readback the trainer's copy is zeros, not the weights on the GPU.
    if (!t || t.paramsVersion === 0) return null;
    if (t.params.every((v) => Number.isFinite(v))) return t.params;
    return this.app.snapshots.latest?.params ?? null;
  }

  /** The experiment and view as link query text, or null when they cannot travel in a link (a CSV). */
  linkQuery(): string | null {
    if (this.app.csv) return null;
    const exp = this.experiment();
    if (!exp) return null;
    const q = experimentQuery(exp, this.view());
    if (this.app.run.presenting) q.set(PRESENT_KEY, '1');
    const query = q.toString();
    if (query !== this.checkedQuery) {
      this.checkedQuery = query;
      try {
        parseExperimentFields(query);
        this.checkedOk = true;
      } catch {
        this.checkedOk = false;
      }
    }
    return this.checkedOk ? query : null;
  }
}
