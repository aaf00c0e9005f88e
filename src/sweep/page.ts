/**
 * The sweep page: read the form, train the population in slices with progress and Cancel, then show the
 * table, the summary and the small multiples; a click on a thumbnail opens that member in the app.
 */
import type { SweepModel } from './sweepModel';
import { sweepModel } from './sweepModel';
import { prepare } from '../experiment/experiment';
import type { SweepResult } from '../experiment/sweep';
import { readForm, setUpForm } from './form';
import { memberLink } from './memberLink';
import { projectionText } from './representation';
import type { SweepRequest } from './request';
import { queryForm, readRequest } from './request';
import type { SweepProgress } from './slicedSweep';
import { SweepCancelled, runSlicedSweep } from './slicedSweep';
import { accuracyWords, rowSummary, sweepSummary } from './summary';
import { renderTable } from './table';
import type { SweepHookState } from './testHook';
import { installSweepHook } from './testHook';
import { renderThumbnails } from './thumbnails';

const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the sweep page has no #${id}`);
  return el as T;
};

interface Finished {
  request: SweepRequest;
  result: SweepResult;
  model: SweepModel;
  summary: string;
}

export function mountSweepPage(device: GPUDevice, adapter: string, testing: boolean): void {
  byId('adapter').textContent = adapter;
  const query = queryForm(location.search);
  setUpForm(query.form);
  const form = byId<HTMLFormElement>('controls');
  const run = byId<HTMLButtonElement>('run');
  const cancel = byId<HTMLButtonElement>('cancel');
  const bar = byId<HTMLProgressElement>('bar');
  const label = byId('progress-label');
  const error = byId('form-error');
  // What of the address was not taken says so until the next run.
  error.textContent = query.problems.join(' ');
  let cancelled = false;
  let last: Finished | null = null;
  const state: SweepHookState = {
    running: false,
    epochsDone: 0,
    epochs: 0,
    diverged: 0,
    outcome: null,
    message: '',
    runs: 0,
    reported: [],
    seconds: null,
  };
  const say = (text: string): void => {
    state.message = text;
    label.textContent = text;
  };
  const progress = (p: SweepProgress): void => {
    Object.assign(state, { epochsDone: p.epochsDone, epochs: p.epochs, diverged: p.diverged });
    state.reported.push(p.epochsDone);
    bar.value = p.epochs ? p.epochsDone / p.epochs : 0;
    say(`${p.epochsDone} of ${p.epochs} epochs · ${p.members} networks · ${p.diverged} diverged`);
  };

  const show = (done: Finished): void => {
    const { request, result, model } = done;
    const words = accuracyWords(result);
    const title = document.querySelector('#table-card h2');
    if (title)
      title.textContent = `Final ${words} per configuration${result.accuracyOn === 'test' ? '' : ' (no test split)'}`;
    renderTable(byId<HTMLTableSectionElement>('groups-body'), model, result);
    // One line per configuration (the text is the summary itself, configurations joined by semicolons).
    byId('summary').replaceChildren(
      ...result.rows.map((row, i) => {
        const line = document.createElement('span');
        line.className = 'summary-row';
        line.textContent = rowSummary(request.exp, result, row) + (i < result.rows.length - 1 ? '; ' : '');
        return line;
      }),
    );
    const run = prepare(request.exp);
    byId('thumbs-note').textContent =
      `Hidden layer ${result.layer} of every member shown (${model.thumbnails.length} of ${result.rows.reduce((n, r) => n + r.members.length, 0)}, ` +
      `spread from each configuration's worst to its best): the ${run.test ? 'test' : 'training'} points${run.train.inputSize === 2 ? ' and a coarse grid of the input plane' : ''}, ` +
      `computed with the TypeScript twin's forward pass on the CPU. ${[...new Set(request.widths)].map((w) => `${w} unit${w > 1 ? 's' : ''}: ${projectionText(w)}`).join('; ')}. ` +
      `The frame is the member’s ${words} (red low, green 1). ` +
      'Click one to open it in Detangle with its trained weights: ' +
      'it opens paused, with no timeline history (the sweep keeps only the final weights), and leaves story mode.';
    renderThumbnails(byId('thumbs'), {
      model,
      result,
      spec: run.spec,
      data: run.test ?? run.train,
      onOpen: (t) => {
        void memberLink(request.exp, result, t, testing)
          .then((href) => location.assign(href))
          .catch((e: unknown) =>
            say(`Could not open that member: ${e instanceof Error ? e.message : String(e)}`),
          );
      },
    });
    byId('results').hidden = false;
  };

  const start = async (): Promise<void> => {
    error.textContent = '';
    let request: SweepRequest;
    try {
      request = readRequest(readForm());
      prepare(request.exp);
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : String(e);
      return;
    }
    cancelled = false;
    Object.assign(state, { running: true, outcome: null, reported: [] });
    run.disabled = true;
    cancel.disabled = false;
    byId('progress-box').hidden = false;
    const shapes = new Set(request.widths).size;
    say(`Making the data and compiling ${shapes} kernel${shapes > 1 ? 's' : ''} (one per shape)…`);
    bar.value = 0;
    const t0 = performance.now();
    let t1 = 0;
    try {
      const result = await runSlicedSweep(device, request, {
        onProgress: (p) => {
          t1 ||= performance.now();
          progress(p);
        },
        cancelled: () => cancelled,
      });
      const t2 = performance.now();
      const model = sweepModel(result);
      last = { request, result, model, summary: sweepSummary(request.exp, result) };
      show(last);
      const s = (ms: number): number => Math.round(ms) / 1000;
      state.seconds = { prepare: s(t1 - t0), train: s(t2 - t1), draw: s(performance.now() - t2) };
      state.outcome = 'done';
      say(
        `Done: ${result.rows.reduce((n, r) => n + r.members.length, 0)} networks × ${result.epochs} epochs in ${result.seconds.toFixed(1)} s ` +
          `(${Math.round(result.networkStepsPerSecond).toLocaleString('en')} network-steps/s) · ${state.diverged} diverged`,
      );
    } catch (e) {
      if (e instanceof SweepCancelled) {
        state.outcome = 'cancelled';
        say(
          `Cancelled after ${e.epochsDone} of ${request.exp.epochs} epochs; the results below (if any) are from the previous run.`,
        );
      } else {
        state.outcome = 'failed';
        say(`The sweep failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    } finally {
      state.running = false;
      state.runs++;
      run.disabled = false;
      cancel.disabled = true;
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!state.running) void start();
  });
  cancel.addEventListener('click', () => {
    cancelled = true;
    say(`Cancelling at the next slice…`);
  });
  run.disabled = false;
  document.body.dataset.state = 'ready';
  if (testing)
    installSweepHook({
      device,
      state: () => ({ ...state, reported: [...state.reported] }),
      last: () => last,
    });
}
