/**
 * What the trainer reads back from the GPU, asynchronously: weights (snapshots, the views), statistics
 * (the chart, the story, a divergence), the state on demand (exports and links), and its errors.
 */
import type { LossChart } from '../../ui/lossChart';
import type { Notice } from '../../ui/notice';
import type { StoryMode } from '../../story/storyMode';
import { diverged, type RecoveryHost } from '../runtime/recovery';
import type { Trainer, TrainerState } from '../runtime/trainer';
import type { TimelineScrub } from '../timeline/timelineScrub';
import { drawable } from './weights';

/** What the reads need of the app: what a divergence needs, and the chart, story, scrub and selection. */
export interface ReadsHost extends RecoveryHost {
  readonly chart: Pick<LossChart, 'clear' | 'truncate' | 'push'>;
  readonly notice: RecoveryHost['notice'] & Pick<Notice, 'clear'>;
  readonly stories: Pick<StoryMode, 'statsArrived' | 'ending'>;
  readonly scrub: Pick<TimelineScrub, 'scrubbing' | 'liveState'>;
  /** Grows whenever new weights arrive (for the saved state). */
  weightsVersion: number;
  /** Follows point `index` through every layer. */
  select(index: number): void;
  /** Shows a failure in the banner. */
  fail(e: unknown): void;
}

/** Errors of a trainer's readbacks: ignored once it is replaced or its device is gone. */
export function trainerError(app: ReadsHost, trainer: Trainer, e: unknown): void {
  // A read aborted because its buffer went away (a destroyed device or engine) needs no words.
  if (e instanceof DOMException && e.name === 'AbortError') return;
  // A lost device rejects the reads in flight before `lost` settles: wait for that (or two seconds),
  // then report only what is not explained by a loss or a newer trainer.
  const lost = app.device ? app.device.lost.then(() => undefined) : Promise.resolve();
  void Promise.race([lost, new Promise((r) => setTimeout(r, 2000))]).then(() => {
    if (trainer === app.trainer && !app.deviceLost && !app.disposed) app.fail(e);
  });
}

/** New weights were read back: a snapshot is offered, the views draw them, the selection follows. */
export function weightsArrived(app: ReadsHost, trainer: Trainer, now: number): void {
  // While a past moment is shown the engine holds its weights: what is read back then is not live.
  if (app.scrub.scrubbing) return;
  app.weightsVersion++;
  // While diverged, states read back are labelled with steps the GPU never took: not snapshots.
  if (trainer.state && app.divergedAt === null) app.snapshots.offer(trainer.state, now);
  app.views.setParams(drawable(trainer.params, app.snapshots.latest, app.notice));
  if (app.views.selected >= 0) app.select(app.views.selected);
}

/**
 * The training state read back from the GPU after this call (weights, moments, step): what exports and
 * links carry, never weights that have not arrived yet. Null if the network is replaced meanwhile.
 */
export async function freshState(app: ReadsHost): Promise<TrainerState | null> {
  const trainer = app.trainer;
  if (!trainer) return null;
  // While the timeline shows a past moment the engine holds that moment: the live state is the scrub's.
  const live = app.scrub.liveState();
  if (live) return live;
  let state: TrainerState;
  try {
    state = await trainer.readNow();
  } catch {
    return null;
  }
  if (trainer !== app.trainer) return null;
  // After a divergence the GPU holds non-finite weights: the last finite snapshot stands for them.
  if (!state.params.every((v) => Number.isFinite(v))) return app.snapshots.latest;
  return state;
}

/** New statistics were read back: the chart, the story's outcome, a divergence. */
export function statsArrived(app: ReadsHost, trainer: Trainer): void {
  const st = trainer.stats;
  if (!st) return;
  app.chart.push({
    step: st.step,
    batchLoss: st.lastBatchLoss ?? st.train.loss,
    trainLoss: st.train.loss,
    testLoss: st.test?.loss ?? null,
    trainAccuracy: st.train.accuracy,
    testAccuracy: st.test?.accuracy ?? null,
  });
  if (app.stories.statsArrived(st)) {
    // The story ends on the picture that shows its claim.
    const ending = app.stories.ending;
    if (ending) {
      app.dispatch({ type: 'setPosition', t: ending.t });
      if (ending.wideDims)
        app.dispatch({ type: 'setProjection', projection: 'decision', wideDims: ending.wideDims });
    }
    app.dispatch({ type: 'runChanged', topics: ['story'] });
  }
  if (st.divergedAtStep !== null && app.divergedAt === null) {
    diverged(app, st.divergedAtStep);
    app.dispatch({ type: 'runChanged', topics: ['playing'] });
  }
}
