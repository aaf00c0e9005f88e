/**
 * The training history in model files: export writes the network with its history (thinned to the
 * file's history limits with the spacing rule's shape), import restores the timeline from a file's
 * history, so it can be scrubbed at once. Each tells the person how it went; none throws.
 */
import { widths } from '../../engine/spec';
import { messageOf } from '../../share/errors';
import { exportModel } from '../../share/modelExport';
import { MODEL_MAX_BYTES, historyCapacity } from '../../share/modelFormat';
import { importModel } from '../../share/modelImport';
import { sizeText, type ExportHost } from '../io/exports';
import { importModelFile, importModelText, type OpenHost } from '../io/openExperiment';
import { download, fileStem } from '../io/videoExport';
import { NO_FIGURES, type History, type HistoryEntry } from '../../history/history';
import type { TrainerState } from '../runtime/trainer';
import type { HistoryRecorder } from './historyRecorder';
import type { TimelineWiring } from './timelineWiring';

/**
 * The kept moments a model file holds with `state` (the state exported): those up to its step, thinned to
 * the file's limit. Training paused exactly on a kept step has not read that moment yet (it is read on the
 * way on): the state read for the export is that moment, and it is written once, last.
 */
export function exportedMoments(history: History, state: TrainerState): HistoryEntry[] {
  const withMoments = history.entries.every((e) => e.moments !== null);
  const finite = (a: Float32Array | null) => a === null || a.every((v) => Number.isFinite(v));
  // A file without optimiser state holds a network that starts again from step 0: no moment after it.
  const last = state.moments ? state.step : 0;
  const own =
    state.step <= last &&
    history.wants(state.step) &&
    (state.moments !== null || !withMoments) &&
    finite(state.params) &&
    finite(state.moments);
  const capacity = historyCapacity(state.params.length, withMoments);
  const room = capacity - (own ? 1 : 0);
  const kept = room > 0 ? history.thinnedTo(room).entries.filter((e) => e.step <= last) : [];
  if (own) {
    kept.push({
      step: state.step,
      params: state.params,
      moments: withMoments ? state.moments : null,
      epoch: null,
      ...NO_FIGURES,
    });
  }
  return kept;
}

/**
 * Downloads the network as a model file with its history: the weights and optimiser state read back
 * from the GPU after the click (the live ones while the timeline shows a past moment), and the kept
 * moments up to them.
 */
export async function exportModelWithHistory(
  app: ExportHost & { readonly recorder: Pick<HistoryRecorder, 'history'> },
): Promise<string | null> {
  const topic = 'export';
  const spec = app.spec;
  if (!app.trainer || !spec || app.isBusy) {
    app.notice.info('The network is being rebuilt: try again in a moment.', { topic });
    return null;
  }
  const name = `${fileStem(app.csvName ?? app.settings.dataset, widths(spec), app.trainer.step)}.json`;
  const state = await app.freshState();
  if (!state || app.spec !== spec) {
    app.notice.info('The network changed while its weights were read: try again in a moment.', { topic });
    return null;
  }
  const history = app.recorder.history;
  const kept = exportedMoments(history, state);
  let json: string;
  try {
    json = exportModel(
      spec,
      state.params,
      app.experiment() ?? undefined,
      state.moments ? { step: state.step, moments: state.moments } : undefined,
      kept.length > 0 ? kept : undefined,
    );
  } catch (e) {
    app.notice.error(
      `The model cannot be exported: ${messageOf(e)}. Lower the learning rate or reset first.`,
      {
        topic,
      },
    );
    return null;
  }
  const blob = new Blob([json], { type: 'application/json' });
  app.dispatch({ type: 'exported', file: { kind: 'json', name, type: blob.type, bytes: blob.size } });
  download(blob, name);
  const thinned = kept.length < history.length ? ` (thinned from ${history.length} to fit the file)` : '';
  app.notice.success(
    `Saved ${name} (${sizeText(blob.size)}) with ${kept.length} moment${kept.length === 1 ? '' : 's'} of its history${thinned}: import ` +
      'it here to scrub through its training, or read it as the README describes.',
    { topic },
  );
  return json;
}

/** What importing a model with its history needs: what opening one needs, and the timeline. */
export interface ImportHost extends OpenHost {
  readonly timeline: Pick<TimelineWiring, 'adopt'>;
}

/** After a model file was imported: its history, if any, becomes the timeline. */
function adoptHistory(app: ImportHost, text: string): void {
  let moments;
  try {
    // The file was checked whole by the import; its history is read again here.
    moments = importModel(text).history;
  } catch {
    return;
  }
  if (!moments || moments.length === 0) return;
  const kept = app.timeline.adopt(moments);
  app.notice.info(
    `Its history came with it: ${kept} moments to scrub through on the timeline (▶ plays them). ` +
      'Resume from any of them trains on from there.',
    { topic: 'import-history' },
  );
}

/** Imports a model file's text, with its history. */
export async function importModelTextWithHistory(
  app: ImportHost,
  text: string,
  name?: string,
): Promise<boolean> {
  const ok = await importModelText(app, text, name);
  if (ok) adoptHistory(app, text);
  return ok;
}

/** Reads a model file the person chose, with its history. Errors are shown; the current experiment stays. */
export async function importModelFileWithHistory(app: ImportHost, file: File): Promise<boolean> {
  // Too large, or unreadable: the plain import says so.
  if (file.size > MODEL_MAX_BYTES) return importModelFile(app, file);
  let text: string;
  try {
    text = await file.text();
  } catch {
    return importModelFile(app, file);
  }
  return importModelTextWithHistory(app, text, file.name);
}
