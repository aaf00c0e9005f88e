/**
 * The timeline in the app: the history recorder's moments on the bar under the views, scrubbing them
 * (timelineScrub.ts), playing them as a movie (timelinePlayback.ts), the keys that step between them, a
 * click on the loss chart that seeks, the marks (epochs, a divergence, a target accuracy reached), and a
 * history taken from a model file. It runs once per frame, after drawing, and allocates nothing then
 * unless the history or the moment shown changed.
 */
import { stepsPerEpoch } from '../../engine/permutation';
import type { ModelMoment } from '../../share/modelFormat';
import { bindTimelineKeys } from '../../ui/keyboard';
import { TimelineBar, type HistoryVideoMode, type TimelineView } from '../../ui/timeline';
import type { StoryMode } from '../../story/storyMode';
import type { LossChart } from '../../ui/lossChart';
import type { Views } from '../../view/views';
import type { DataState } from '../runtime/runtime';
import type { Trainer, TrainerState } from '../runtime/trainer';
import type { Command } from '../../state/commands';
import type { Settings } from '../../state/settings';
import type { HistoryRecorder } from './historyRecorder';
import type { HistoryEntry } from '../../history/history';
import { DEFAULT_TARGET_ACCURACY, timelineMarks } from './timelineMarks';
import { measureMoment, type MomentData } from './momentFigures';
import { TimelinePlayback } from './timelinePlayback';
import { TimelineScrub } from './timelineScrub';
import { GpuTrainer } from '../runtime/trainer';

/** What the timeline needs of the app. */
export interface TimelineHost {
  readonly settings: Readonly<Settings>;
  readonly trainer: Trainer | null;
  readonly data: DataState | null;
  /** Dense layers (the slider's range). */
  readonly layers: number;
  readonly divergedAt: number | null;
  readonly recorder: HistoryRecorder;
  readonly stories: Pick<StoryMode, 'run'>;
  readonly chart: Pick<LossChart, 'onSeek' | 'setCursor'>;
  readonly views: Pick<Views, 'setParams' | 'selected'>;
  readonly loop: { dirty: boolean };
  readonly dom: { readonly timeline?: HTMLElement };
  dispatch(c: Command): void;
  queue(task: () => Promise<void> | void): Promise<void>;
  loadState(state: TrainerState): void;
  /** Follows point `index` through every layer. */
  select(index: number): void;
}

/** A video of the history under way: the moment and the slider follow its clock. */
export interface HistoryVideoClock {
  startedAt: number;
  seconds: number;
  mode: HistoryVideoMode;
  /** Moments visited when the slider sweeps every layer at each. */
  sweeps: number;
}

const fmt = (v: number | null, digits: number): string => (v === null ? '–' : v.toFixed(digits));

/**
 * The line under the timeline for the moment shown: its loss and accuracy are its own (momentFigures.ts);
 * where they could not be measured at its step, the step they are from is said.
 */
export function momentText(e: HistoryEntry): string {
  const other = e.statsStep !== null && e.statsStep !== e.step ? ` (at step ${e.statsStep})` : '';
  // The most telling first: a narrow bar cuts the end of the line (the whole of it is the label's title).
  return (
    `step ${e.step} · accuracy ${e.trainAccuracy === null ? '–' : (100 * e.trainAccuracy).toFixed(1) + ' %'}` +
    ` · loss ${fmt(e.trainLoss, 4)}${other}${e.epoch !== null ? ` · epoch ${e.epoch}` : ''}`
  );
}

export class TimelineWiring {
  readonly scrub: TimelineScrub;
  readonly playback = new TimelinePlayback();
  readonly bar: TimelineBar | null;
  /** Set while a video of the history records (historyVideo.ts). */
  video: HistoryVideoClock | null = null;
  /** Called when the bar's WebM button is pressed (set by the app). */
  onRecord: (mode: HistoryVideoMode) => void = () => {};
  private readonly view: TimelineView = {
    steps: [],
    index: null,
    liveStep: 0,
    text: '',
    marks: null,
    playing: false,
    recording: false,
  };
  private stepsLength = -1;
  private stepsLast = -1;
  private readonly marksOf = { length: -1, last: -1, divergedAt: null as number | null, target: NaN };
  private textIndex: number | null = -1;
  private textLength = -1;
  private readonly unbindKeys: () => void;

  constructor(private readonly app: TimelineHost) {
    this.scrub = new TimelineScrub(
      {
        trainer: () => app.trainer,
        playing: () => app.settings.playing,
        setPlaying: (playing) => app.dispatch({ type: 'setPlaying', playing }),
        showParams: (params) => {
          app.views.setParams(params);
          if (app.views.selected >= 0) app.select(app.views.selected);
        },
        redraw: () => (app.loop.dirty = true),
        restoreState: (state) => app.queue(() => app.loadState(state)),
      },
      app.recorder,
    );
    this.bar = app.dom.timeline
      ? new TimelineBar(app.dom.timeline, {
          seek: (index) => this.seek(index),
          live: () => void this.goLive(),
          resume: () => this.askResume(),
          play: () => this.togglePlay(),
          record: (mode) => this.onRecord(mode),
        })
      : null;
    // A moment's epoch from its step, as the engine counts it (the statistics at hand may lag).
    app.recorder.epochOf = (step) => {
      const trainer = app.trainer;
      const n = app.data?.train.y.length ?? 0;
      if (!(trainer instanceof GpuTrainer) || n === 0) return null;
      return Math.floor(step / stepsPerEpoch(n, trainer.engine.batchSize));
    };
    app.chart.onSeek = (step) => {
      const index = app.recorder.history.indexNear(step);
      if (index >= 0) this.seek(index);
    };
    this.unbindKeys = app.dom.timeline
      ? bindTimelineKeys({
          stepMoments: (by) => this.stepMoments(by),
          togglePlay: () => this.togglePlay(),
          live: () => void this.goLive(),
        })
      : () => {};
  }

  /** The network and data the kept moments' figures are measured on, or null before there are both. */
  private momentData(): MomentData | null {
    const trainer = this.app.trainer;
    const data = this.app.data;
    return trainer && data ? { spec: trainer.spec, train: data.train, test: data.test } : null;
  }

  /** The line under the timeline (the moment shown, or live). */
  get text(): string {
    return this.view.text;
  }

  /** The marks shown (null before the first frame). */
  get marks() {
    return this.view.marks;
  }

  get scale(): 'log' | 'linear' {
    return this.bar?.scale ?? 'log';
  }

  /** Shows kept moment `index` (a person's choice: a playing movie stops). */
  seek(index: number): void {
    if (this.video) return;
    this.playback.stop();
    this.scrub.seek(index);
  }

  /** Moves `by` kept moments from the one shown (from live: back from the last). */
  stepMoments(by: number): void {
    const n = this.app.recorder.history.length;
    if (n === 0) return;
    const from = this.scrub.index ?? (by < 0 ? n : n - 1);
    this.seek(Math.max(0, Math.min(n - 1, from + by)));
  }

  togglePlay(): void {
    if (this.video) return;
    if (this.playback.playing) {
      this.playback.stop();
      return;
    }
    this.playback.start(this.steps(), this.scrub.index, this.scale);
  }

  async goLive(): Promise<void> {
    if (this.video) return;
    this.playback.stop();
    await this.scrub.goLive();
  }

  private askResume(): void {
    const entry = this.scrub.entry;
    if (!entry || this.video) return;
    this.playback.stop();
    const later = this.app.recorder.history.length - 1 - (this.scrub.index ?? 0);
    const ok = window.confirm(
      `Train on from step ${entry.step}? The ${later} later moment${later === 1 ? '' : 's'} of the history ` +
        'and the live state are dropped.',
    );
    if (ok) void this.scrub.resume();
  }

  /** A new network: nothing to go back to, nothing playing. */
  reset(): void {
    this.playback.stop();
    this.scrub.reset();
  }

  /**
   * Takes a history from a model file (after the model itself was loaded): the timeline shows it at
   * once. Moments after the live step are left out (they belong to another continuation), unless the
   * file had no optimiser state (its network then counts from step 0).
   */
  adopt(moments: readonly ModelMoment[]): number {
    const live = this.app.trainer?.step ?? 0;
    const entries: HistoryEntry[] = moments
      .filter((m) => live === 0 || m.step <= live)
      .map((m) => ({ ...m, statsStep: m.trainLoss === null ? null : m.step }));
    this.reset();
    this.app.recorder.adopt(entries);
    return entries.length;
  }

  /** The kept steps, rebuilt only when the history changed. */
  steps(): readonly number[] {
    const entries = this.app.recorder.history.entries;
    const last = entries[entries.length - 1]?.step ?? -1;
    if (this.stepsLength !== entries.length || this.stepsLast !== last) {
      this.stepsLength = entries.length;
      this.stepsLast = last;
      this.view.steps = entries.map((e) => e.step);
    }
    return this.view.steps;
  }

  /** The accuracy marked on the timeline: the running story's claim, else 99 %. */
  private target(): number {
    for (const c of this.app.stories.run?.claim?.conditions ?? []) {
      if (c.metric === 'testAccuracy' && (c.op === '>=' || c.op === '>')) return c.value;
    }
    return DEFAULT_TARGET_ACCURACY;
  }

  /** Once a frame, after drawing: the movie or video moves on, and the bar and chart show the moment. */
  frame(now: number): void {
    const steps = this.steps();
    const video = this.video;
    if (video) {
      const f = Math.min(1, (now - video.startedAt) / (video.seconds * 1000));
      let index: number;
      if (video.mode === 'sweep') {
        // Each of `sweeps` moments, evenly spaced in the timeline's time, gets a sweep of the slider.
        const k = Math.min(video.sweeps - 1, Math.floor(f * video.sweeps));
        index = TimelinePlayback.indexAt(k / Math.max(1, video.sweeps - 1), steps, this.scale);
        this.app.dispatch({
          type: 'slide',
          t: (f * video.sweeps - k) * Math.max(1, this.app.layers),
          silent: true,
        });
      } else index = TimelinePlayback.indexAt(f, steps, this.scale);
      if (index >= 0 && index !== this.scrub.index) this.scrub.seek(index);
    } else if (this.playback.playing) {
      const index = this.playback.tick(now, steps, this.scale);
      if (index >= 0 && index !== this.scrub.index) this.scrub.seek(index);
    }
    this.show();
  }

  private show(): void {
    const app = this.app;
    const entries = app.recorder.history.entries;
    const view = this.view;
    const index = this.scrub.index;
    if (index !== this.textIndex || entries.length !== this.textLength) {
      this.textIndex = index;
      this.textLength = entries.length;
      const e = this.scrub.entry;
      // The figures of the moment shown, measured at its own step (not the statistics known when kept).
      if (e) measureMoment(e, this.momentData());
      view.text = e ? momentText(e) : `live · ${entries.length} moments kept`;
    }
    const target = this.target();
    const m = this.marksOf;
    if (
      m.length !== entries.length ||
      m.last !== this.stepsLast ||
      m.divergedAt !== app.divergedAt ||
      m.target !== target
    ) {
      Object.assign(m, { length: entries.length, last: this.stepsLast, divergedAt: app.divergedAt, target });
      view.marks = timelineMarks(entries, app.divergedAt, target);
    }
    view.index = index;
    view.liveStep = app.trainer?.step ?? 0;
    view.playing = this.playback.playing;
    view.recording = this.video !== null;
    app.chart.setCursor(this.scrub.entry?.step ?? null);
    this.bar?.show(view);
  }

  dispose(): void {
    this.unbindKeys();
  }
}
