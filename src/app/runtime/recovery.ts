/**
 * Faults during a run. A diverging run (NaN or infinite loss) pauses and offers to lower the learning
 * rate (going back to the last good snapshot) or to reset. A lost GPU device, whatever the reason, is
 * replaced: a new adapter and device, a new engine, renderers and views, and training goes on from the
 * last snapshot of weights and optimiser state.
 */
import type { LossChart } from '../../ui/lossChart';
import type { ControlPanel } from '../../ui/gui';
import type { Notice } from '../../ui/notice';
import { formatRate } from '../../ui/trainingBar';
import { Views } from '../../view/views';
import type { Command } from '../../state/commands';
import type { Settings } from '../../state/settings';
import { requestGpuAgain } from '../../engine/browserGpu';
import type { HistoryEntry } from '../../history/history';
import type { SavedSnapshots, Snapshots } from './snapshots';
import type { Trainer, TrainerState } from './trainer';

/** What dealing with a divergence or a lost device needs of the app. */
export interface RecoveryHost {
  readonly settings: Readonly<Settings>;
  readonly trainer: Trainer | null;
  readonly snapshots: Snapshots;
  /** The kept moments (the timeline's history). */
  readonly recorder: KeptMoments;
  readonly notice: Pick<Notice, 'info' | 'error' | 'success'>;
  readonly chart: Pick<LossChart, 'clear' | 'truncate'>;
  readonly panel: Pick<ControlPanel, 'unitPicks'>;
  readonly dom: { readonly mainCanvas: HTMLCanvasElement; readonly stripCanvas: HTMLCanvasElement };
  /** The device, its adapter's name and the views drawing on it: replaced after a loss. */
  device: GPUDevice | null;
  adapter: string;
  views: Views;
  /** The step training diverged at, while that is not dealt with; else null. */
  readonly divergedAt: number | null;
  /** True from a lost device until its replacement runs. */
  readonly deviceLost: boolean;
  readonly disposed: boolean;
  dispatch(c: Command): void;
  queue(task: () => Promise<void> | void): Promise<void>;
  rebuildNetwork(options?: { keepChart?: boolean }): Promise<void>;
  disposeTraining(): void;
  /** After the trainer went back to a snapshot: read and draw afresh. */
  restored(): void;
}

/** Training diverged at `step`: pause and offer a way on. */
export function diverged(app: RecoveryHost, step: number): void {
  app.dispatch({ type: 'setDiverged', step });
  app.snapshots.discardFrom(step);
  app.dispatch({ type: 'setPlaying', playing: false });
  const lr = app.settings.learningRate;
  app.notice.error(
    `Training diverged at step ${step}: the loss became NaN or infinite, so training is paused. ` +
      `The learning rate (${formatRate(lr)}) is probably too high for this network.`,
    {
      topic: 'divergence',
      actions: [
        {
          label: `Lower the learning rate ×0.1 (to ${formatRate(lr * 0.1)}) and continue`,
          run: () => continueAfterDivergence(app),
        },
        { label: 'Reset weights', run: () => app.dispatch({ type: 'resetWeights' }) },
      ],
    },
  );
}

/** Lowers the learning rate tenfold and goes on from the last good snapshot before the divergence. */
export function continueAfterDivergence(app: RecoveryHost): void {
  const at = app.divergedAt;
  const trainer = app.trainer;
  if (at === null || !trainer) return;
  const s = app.settings;
  // The door sets the optimiser's rate and the panel shows it; the story stays (the network is the same).
  app.dispatch({
    type: 'setLearningRate',
    value: Math.max(1e-12, Number((s.learningRate * 0.1).toPrecision(6))),
    keepStory: true,
  });
  const snapshot = app.snapshots.before(at);
  // Without a snapshot, the engine kept the weights of the last step with a finite loss: the one before.
  const kept = Math.max(0, at - 1);
  if (snapshot) trainer.restore(snapshot);
  else trainer.clearDivergence(kept);
  const from = snapshot ? snapshot.step : kept;
  app.chart.truncate(from);
  app.dispatch({ type: 'setDiverged', step: null });
  app.restored();
  app.notice.info(
    `Learning rate lowered to ${formatRate(s.learningRate)}; training goes on from step ${from}` +
      (snapshot ? ', the last snapshot before the divergence.' : '.'),
    { topic: 'divergence' },
  );
  app.dispatch({ type: 'setPlaying', playing: true });
  app.dispatch({ type: 'runChanged', topics: ['playing'] });
}

/** three.js reports a lost device in the console; the app says it in the page instead. */
export function quietRenderers(views: Views): void {
  for (const r of [views.main, views.strip]) {
    (r as unknown as { onDeviceLost: (info: unknown) => void }).onDeviceLost = () => {};
  }
}

/** Replaces the device when it is lost, and shows GPU errors in the page. */
export function watchDevice(app: RecoveryHost, device: GPUDevice): void {
  void device.lost.then((info) => {
    if (device === app.device && !app.disposed) void replaceDevice(app, info);
  });
  device.addEventListener('uncapturederror', (e) => {
    if (device !== app.device || app.deviceLost) return;
    const error = (e as GPUUncapturedErrorEvent).error;
    console.error(error);
    app.notice.error(`GPU error: ${error.message}`, { topic: 'gpu-error' });
  });
}

/** The kept moments of the run (the history recorder), carried over a replaced device. */
export interface CarriedMoments {
  readonly entries: readonly HistoryEntry[];
  /** The history's thinning level, so moments kept after the replacement follow the same spacing. */
  readonly level: number;
}

/** What a lost device's replacement needs of the history: its moments, taken out and put back. */
export interface KeptMoments {
  carryOut(): CarriedMoments;
  carryIn(carried: CarriedMoments): void;
}

/** What ran when the device went, taken before anything is torn down. */
export interface LostRun {
  /** The latest snapshot, the spaced ones, and the network they belong to (specKey). */
  readonly snapshot: TrainerState | null;
  readonly spaced: SavedSnapshots;
  readonly snapshotKey: string;
  /** The kept moments: on the CPU already, so nothing of them is lost with the device. */
  readonly moments: CarriedMoments;
  readonly divergedAt: number | null;
  readonly wasPlaying: boolean;
}

/** Takes what runs now, to go on with it on a new device (`resumeOnNewDevice`). */
export function lostRun(app: RecoveryHost): LostRun {
  return {
    snapshot: app.snapshots.latest,
    spaced: app.snapshots.saved(),
    snapshotKey: app.snapshots.key,
    moments: app.recorder.carryOut(),
    divergedAt: app.divergedAt,
    wasPlaying: app.settings.playing,
  };
}

/** The latest kept moment that carries its optimiser state, as a state to train on from (copied). */
function lastKept(moments: CarriedMoments): TrainerState | null {
  for (let i = moments.entries.length - 1; i >= 0; i--) {
    const e = moments.entries[i];
    if (e.moments)
      return { params: Float32Array.from(e.params), moments: Float32Array.from(e.moments), step: e.step };
  }
  return null;
}

/**
 * The device is gone: ask for a new adapter and device, rebuild the engine, renderers and views on it,
 * and go on from the last snapshot of weights and optimiser state.
 */
async function replaceDevice(app: RecoveryHost, info: GPUDeviceLostInfo): Promise<void> {
  app.dispatch({ type: 'setDeviceLost', lost: true });
  // The snapshots, the kept moments and the network they belong to, as they were when the device went.
  const lost = lostRun(app);
  const why = `${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}`;
  app.notice.error(`The GPU device was lost (${why}). Asking the browser for a new one…`, {
    topic: 'device',
  });
  await app.queue(async () => {
    app.disposeTraining();
    const picks = app.views.unitPicks;
    try {
      app.views.dispose();
    } catch {
      // Its device is gone: there is nothing left to free on it.
    }
    const gpu = await requestGpuAgain();
    if (!gpu.device) {
      app.notice.error(`The GPU device was lost and no new one could be had (${gpu.why}).`, {
        topic: 'device',
        actions: [{ label: 'Reload the page', run: () => location.reload() }],
      });
      return;
    }
    app.device = gpu.device;
    app.adapter = gpu.adapter;
    watchDevice(app, gpu.device);
    const diagram = app.views.diagram;
    const views = await Views.create(app.dom.mainCanvas, app.dom.stripCanvas, gpu.device, diagram?.root);
    if (views.diagram) views.diagram.host = diagram?.host ?? null;
    for (const [r, p] of picks) views.unitPicks.set(r, p);
    quietRenderers(views);
    app.views = views;
    app.panel.unitPicks = views.unitPicks;
    await resumeOnNewDevice(app, lost);
  });
}

/**
 * On the new device (inside `queue`): the network is rebuilt and, where it is the one that ran, takes
 * back the kept moments and trains on from the latest state kept (the last snapshot or the last kept
 * moment, whichever is later), so the timeline keeps every moment from before the loss.
 */
export async function resumeOnNewDevice(app: RecoveryHost, lost: LostRun): Promise<void> {
  const { snapshot, divergedAt, wasPlaying } = lost;
  await app.rebuildNetwork({ keepChart: true });
  const trainer = app.trainer;
  // Snapshots and moments go back only into the network they were taken of (a device lost in the middle
  // of an architecture change leaves those of the old one).
  const same = trainer !== null && app.snapshots.key === lost.snapshotKey;
  if (same) app.recorder.carryIn(lost.moments);
  const kept = same ? lastKept(lost.moments) : null;
  const fromSnapshot = same && snapshot !== null && (kept === null || snapshot.step >= kept.step);
  const state = fromSnapshot ? snapshot : kept;
  if (same && trainer && state) {
    trainer.restore(state);
    // The snapshots are this network's again: a divergence can go back to any of them (not only to
    // the latest, which may come from after a change of rate that made it diverge).
    app.snapshots.restoreFrom(lost.spaced, performance.now());
    app.views.setParams(trainer.params);
    app.chart.truncate(state.step);
    app.restored();
  } else app.chart.clear();
  app.dispatch({ type: 'setDeviceLost', lost: false });
  const fits = same && state !== null;
  const from = !state
    ? null
    : `step ${state.step}, the last ${fromSnapshot ? 'snapshot' : 'kept moment'} of the weights and optimiser state`;
  let words: string;
  if (divergedAt !== null && fits) {
    // Still at the divergence: paused, with its choices, until the person decides.
    diverged(app, divergedAt);
    words = `The GPU device was lost and a new one took over at ${from}. Training stays paused at the divergence.`;
  } else {
    app.dispatch({ type: 'setPlaying', playing: wasPlaying });
    const where = fits
      ? `from ${from}`
      : snapshot === null && lost.moments.entries.length === 0
        ? 'from fresh weights (there was no snapshot yet)'
        : 'from fresh weights: the last snapshot was of another network';
    words = `The GPU device was lost and a new one took over. ${wasPlaying ? 'Training goes on' : 'Paused; Train goes on'} ${where}.`;
  }
  app.dispatch({ type: 'runChanged', topics: ['playing'] });
  app.notice.success(words, { topic: 'device' });
}
