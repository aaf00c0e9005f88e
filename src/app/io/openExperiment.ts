/**
 * Changes that come from outside the controls: the start (a link, saved state or the default), a link
 * opened later, a model file, a CSV file, "start fresh". Each applies whole or not at all: the input is
 * checked first, and if the rebuild then fails, the previous settings, data and weights come back. The
 * page always says what happened.
 */
// Sizes near a limit are told exactly: `22,020,097 bytes`, never `21.0 MB` on both sides of it.
import { CSV_MAX_BYTES, formatBytes, parseCsv } from '../../data/csv';
import { messageOf } from '../../share/errors';
import type { ImportedModel } from '../../share/modelFormat';
import { MODEL_MAX_BYTES } from '../../share/modelFormat';
import { importModel } from '../../share/modelImport';
import { parseExperimentQuery } from '../../share/url';
import { VIEW_KEYS } from '../../share/view';
import { notShownYet } from '../../share/validate';
import type { NetworkSpec } from '../../engine/spec';
import type { Notice } from '../../ui/notice';
import type { DataState } from '../runtime/runtime';
import type { Trainer, TrainerState } from '../runtime/trainer';
import type { Command } from '../../state/commands';
import { misfit, normalizeOutput, sameNetwork, settingsForModel, settingsFromShared } from './experimentLink';
import type { StartPlan } from './persistence';
import { freshSettings, networkSpec, type Settings } from '../../state/settings';

/** What opening links, files and saved state needs of the app. */
export interface OpenHost {
  readonly settings: Readonly<Settings>;
  readonly spec: NetworkSpec | null;
  readonly trainer: Pick<Trainer, 'state'> | null;
  /** The data trained on, and the CSV it came from (null: a built-in dataset): resources, not settings. */
  data: DataState | null;
  csv: DataState | null;
  readonly device: GPUDevice | null;
  readonly notice: Pick<Notice, 'info' | 'error' | 'success' | 'clear'>;
  /** The address and the saved state (absent until main sets them up). */
  readonly hashSync: { write(query: string | null): void; adopt(query: string): void } | null;
  readonly saver: { clear(): void } | null;
  dispatch(c: Command): void;
  queue(task: () => Promise<void> | void): Promise<void>;
  leaveStory(why: string): void;
  linkQuery(): string | null;
  loadData(s: Settings, csv: DataState | null): DataState;
  loadState(state: TrainerState): void;
  rebuildAll(): Promise<void>;
  rebuildNetwork(): Promise<void>;
}

/** A shared experiment: from a link or saved state. */
type Shared = NonNullable<StartPlan['shared']>;

/**
 * Runs a change that rebuilds (inside `queue`). If it throws, the previous settings, data and weights
 * come back and the page says why: `what` starts the message.
 */
async function transact(
  app: OpenHost,
  what: string,
  topic: string,
  change: () => Promise<void>,
): Promise<boolean> {
  const before = {
    settings: structuredClone(app.settings),
    csv: app.csv,
    data: app.data,
    spec: app.spec,
    state: app.trainer?.state ?? null,
    trainer: app.trainer,
  };
  try {
    await change();
    return true;
  } catch (e) {
    app.csv = before.csv;
    app.data = before.data;
    app.dispatch({ type: 'replaceSettings', settings: before.settings });
    let extra = '';
    if (app.trainer !== before.trainer || !app.trainer) {
      try {
        await app.rebuildNetwork();
        if (before.state && before.spec && app.spec && sameNetwork(before.spec, app.spec)) {
          app.loadState(before.state);
        }
      } catch (e2) {
        extra = `, but it could not be rebuilt: ${messageOf(e2)}`;
      }
    }
    app.notice.error(`${what}: ${messageOf(e)}. The current experiment is kept${extra}.`, { topic });
    return false;
  }
}

/** Runs `change` as one queued, all-or-nothing step; resolves with whether it applied. */
async function queued(
  app: OpenHost,
  what: string,
  topic: string,
  change: () => Promise<void>,
): Promise<boolean> {
  let ok = false;
  await app.queue(async () => {
    ok = await transact(app, what, topic, change);
  });
  if (ok) app.leaveStory('Another network was opened');
  return ok;
}

/** Applies a shared experiment (inside `queue`); throws before changing anything when it does not fit. */
async function applyShared(app: OpenHost, shared: Shared, gridGiven: boolean): Promise<void> {
  const unshown = notShownYet(shared.spec);
  if (unshown) throw new Error(unshown);
  const next = settingsFromShared(app.settings, shared, { gridGiven });
  const data = app.loadData(next, null);
  const settings = normalizeOutput(next, data.full);
  const spec = networkSpec(settings, data.full);
  if (!sameNetwork(spec, shared.spec)) throw new Error('its network does not fit the data it names');
  app.csv = null;
  app.data = data;
  app.dispatch({ type: 'replaceSettings', settings });
  await app.rebuildNetwork();
  if (shared.weights) app.loadState({ params: shared.weights, moments: null, step: 0 });
}

/** Starts from a link, saved state or the default (what `readStart` found). */
export async function startFrom(app: OpenHost, plan: StartPlan | null): Promise<void> {
  await app.queue(async () => {
    const shared = plan?.shared;
    if (!shared) {
      await app.rebuildAll();
      return;
    }
    try {
      await applyShared(app, shared, plan.gridGiven);
      // A network shared with its weights shows exactly those weights until Play.
      if (shared.weights && plan.source === 'link') app.dispatch({ type: 'setPlaying', playing: false });
    } catch (e) {
      const from = plan.source === 'link' ? 'The link' : 'The saved experiment';
      app.notice.error(`${from} could not be opened: ${messageOf(e)}. Started from the default instead.`, {
        topic: 'start',
      });
      app.csv = null;
      app.dispatch({ type: 'replaceSettings', settings: freshSettings(app.device !== null) });
      await app.rebuildAll();
    }
  });
}

/** Opens a link (the address's hash changed): applies it whole, or says why not and keeps the run. */
export async function openLink(app: OpenHost, hash: string): Promise<boolean> {
  const query = hash.replace(/^#/, '');
  let shared: Shared;
  try {
    shared = await parseExperimentQuery(query);
  } catch (e) {
    app.notice.error(`This link cannot be opened: ${messageOf(e)}. The current experiment is kept.`, {
      topic: 'link',
    });
    app.hashSync?.write(app.linkQuery());
    return false;
  }
  const gridGiven = new URLSearchParams(query).has(VIEW_KEYS.grid);
  const ok = await queued(app, 'This link cannot be opened', 'link', () =>
    applyShared(app, shared, gridGiven),
  );
  if (!ok) {
    app.hashSync?.write(app.linkQuery());
    return false;
  }
  if (shared.weights) app.dispatch({ type: 'setPlaying', playing: false });
  app.notice.success(
    shared.weights
      ? 'Opened the linked network with its trained weights. Training is paused: press Play to train it further.'
      : 'Opened the linked experiment.',
    { topic: 'link' },
  );
  app.hashSync?.adopt(query);
  return true;
}

/** Reads a model file the person chose. Errors are shown; the current experiment stays. */
export async function importModelFile(app: OpenHost, file: File): Promise<boolean> {
  if (file.size > MODEL_MAX_BYTES) {
    app.notice.error(
      `${file.name} cannot be imported: it is ${formatBytes(file.size)}, and a model file may be at most ` +
        `${formatBytes(MODEL_MAX_BYTES)}. The current experiment is kept.`,
      { topic: 'import' },
    );
    return false;
  }
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    app.notice.error(`${file.name} cannot be read: ${messageOf(e)}.`, { topic: 'import' });
    return false;
  }
  return importModelText(app, text, file.name);
}

async function applyModel(app: OpenHost, model: ImportedModel): Promise<void> {
  const unshown = notShownYet(model.spec);
  if (unshown) throw new Error(unshown);
  const { settings: next, data: source } = settingsForModel(app.settings, model);
  const csv = source === 'current' ? app.csv : null;
  const data = app.loadData(next, csv);
  // The training points as the network takes them (with the model's features, if any).
  const problem = misfit(model.spec, data.train, 'the model');
  if (problem) throw new Error(problem);
  const settings = normalizeOutput(next, data.full);
  const spec = networkSpec(settings, data.full);
  if (!sameNetwork(spec, model.spec)) throw new Error('its layers cannot be rebuilt on this data');
  app.csv = csv;
  app.data = data;
  app.dispatch({ type: 'replaceSettings', settings });
  await app.rebuildNetwork();
  const state = model.optimizerState;
  app.loadState({ params: model.params, moments: state?.moments ?? null, step: state?.step ?? 0 });
}

/** Imports a model file's text: rebuilds the network with its layers, loss and weights. */
export async function importModelText(
  app: OpenHost,
  text: string,
  name = 'the model file',
): Promise<boolean> {
  let model: ImportedModel;
  try {
    model = importModel(text);
  } catch (e) {
    app.notice.error(`${name} cannot be imported: ${messageOf(e)}. The current experiment is kept.`, {
      topic: 'import',
    });
    return false;
  }
  const ok = await queued(app, `${name} cannot be imported`, 'import', () => applyModel(app, model));
  if (!ok) return false;
  app.dispatch({ type: 'setPlaying', playing: false });
  const spec = model.spec;
  const arch = [spec.inputSize, ...spec.layers.map((l) => l.units)].join('-');
  const acts = [...new Set(spec.layers.map((l) => l.activation))].join(', ');
  app.notice.success(
    `Imported ${name}: a ${arch} network (${acts}), loss ${spec.loss}` +
      `${model.optimizerState ? ', with its optimiser state' : ''}. Training is paused: press Play to train it further.`,
    { topic: 'import' },
  );
  return true;
}

/** Trains on the points of a CSV file. Errors name the line; the current data stays. */
export async function uploadCsv(app: OpenHost, file: File): Promise<boolean> {
  if (file.size > CSV_MAX_BYTES) {
    app.notice.error(
      `${file.name} cannot be loaded: it is ${formatBytes(file.size)}, and a CSV file may be at most ` +
        `${formatBytes(CSV_MAX_BYTES)}. The current data is kept.`,
      { topic: 'csv' },
    );
    return false;
  }
  let parsed: ReturnType<typeof parseCsv>;
  try {
    parsed = parseCsv(await file.text());
  } catch (e) {
    app.notice.error(`${file.name} cannot be loaded: ${messageOf(e)}. The current data is kept.`, {
      topic: 'csv',
    });
    return false;
  }
  const name = file.name.replace(/\.[^.]+$/, '').slice(0, 60) || 'CSV';
  const csv: DataState = { name, full: parsed, train: parsed, test: null, labelNames: parsed.labelNames };
  const ok = await queued(app, `${file.name} cannot be used`, 'csv', async () => {
    // Feature inputs extend 2-D points only: other CSVs load without them.
    const features = parsed.inputSize === 2 ? app.settings.features : [];
    const next: Settings = { ...app.settings, preset: '', output: null, features };
    const data = app.loadData(next, csv);
    networkSpec(next, data.full);
    app.csv = csv;
    app.data = data;
    app.dispatch({ type: 'replaceSettings', settings: next });
    await app.rebuildNetwork();
  });
  if (ok) {
    app.notice.success(
      `Loaded ${file.name}: ${parsed.y.length} points, ${parsed.inputSize} inputs, ` +
        (parsed.classes ? `${parsed.classes} classes.` : 'regression targets.') +
        ' A link cannot carry these points: export the model to share the network.',
      { topic: 'csv' },
    );
  }
  return ok;
}

/** Forgets the saved experiment and the link, and starts from the default. */
export async function startFresh(app: OpenHost): Promise<void> {
  app.saver?.clear();
  await app.queue(async () => {
    app.csv = null;
    app.dispatch({ type: 'replaceSettings', settings: freshSettings(app.device !== null) });
    await app.rebuildAll();
  });
  app.hashSync?.write(app.linkQuery());
  app.notice.clear();
  app.notice.success('Started fresh: the saved experiment was cleared and the default one loaded.', {
    topic: 'fresh',
  });
}
