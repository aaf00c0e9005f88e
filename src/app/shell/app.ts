/**
 * The app: one state (the settings, in the store, changed only by commands through `dispatch`) and the
 * run's resources (the runtime's data, trainer and views; snapshots; the history). The controls subscribe
 * to the topics they draw (controls.ts). Each helper declares the narrow host it needs and the app
 * implements them all: the frame loop (FrameHost), the report after it (ReportHost), the runtime
 * (RuntimeHost), opening links and files (OpenHost), Share & export (ExportHost), faults (RecoveryHost),
 * the timeline (TimelineHost), selection and links (SelectionHost, LinkHost), hand edits (ParamEditsHost).
 */
import { findPreset } from '../../data/presets';
import type { Experiment } from '../../experiment/experiment';
import { messageOf } from '../../share/errors';
import type { ViewSettings } from '../../share/view';
import { StoryMode } from '../../story/storyMode';
import type { ExportOptions } from '../../ui/gui';
import type { Notice } from '../../ui/notice';
import { StatusLine } from '../../ui/status';
import { formatRate } from '../../ui/trainingBar';
import type { Views } from '../../view/views';
import { copyLink, exportPng, recordVideo } from '../io/exports';
import { LinkSource } from '../io/linkSource';
import { startFresh, uploadCsv } from '../io/openExperiment';
import type { HashSync, Saver, Shareable } from '../io/persistence';
import type { BufferLimits } from '../runtime/limits';
import { quietRenderers, watchDevice } from '../runtime/recovery';
import { Runtime, type DataState } from '../runtime/runtime';
import { Snapshots, specKey } from '../runtime/snapshots';
import type { Trainer, TrainerState } from '../runtime/trainer';
import { reduce, storyLeavingReason, type Command, type Effect } from '../../state/commands';
import { freshSettings, optimizerSpec, settingsFromPreset, type Settings } from '../../state/settings';
import { defaultRunStatus, type AppState, type Recording, type RunStatus } from '../../state/runStatus';
import { Store } from '../../state/store';
import { exportModelWithHistory, importModelFileWithHistory } from '../timeline/historyFiles';
import { HistoryRecorder } from '../timeline/historyRecorder';
import { recordHistoryVideo } from '../timeline/historyVideo';
import type { TimelineScrub } from '../timeline/timelineScrub';
import { TimelineWiring } from '../timeline/timelineWiring';
import { CaptionBar } from './captionBar';
import { Controls } from './controls';
import { FrameLoop } from './frameLoop';
import { FrameReport } from './frameReport';
import { ParamEdits } from './paramEdits';
import { SpeedMeter } from './pace';
import { bindSelection, showSelection } from './selection';
import { RebuildQueue } from './rebuildQueue';
import { freshState, statsArrived, trainerError, weightsArrived } from './trainerReads';

export type { DataState } from '../runtime/runtime';

export interface AppDom {
  mainCanvas: HTMLCanvasElement;
  stripCanvas: HTMLCanvasElement;
  stripCells: HTMLElement;
  caption: HTMLElement;
  legend: HTMLElement;
  pointInfo: HTMLElement;
  chart: HTMLCanvasElement;
  status: HTMLElement;
  gui: HTMLElement;
  progress: HTMLElement;
  trainingBar: HTMLElement;
  story: HTMLElement;
  /** The story's title and outcome over the picture while presenting. */
  presentStory?: HTMLElement;
  /** The timeline under the views (absent: no timeline control, the history is still kept). */
  timeline?: HTMLElement;
}

export class App implements Shareable {
  readonly store: Store<AppState>;
  readonly settings: Settings;
  /** The run's status (runStatus.ts): changed by commands, read through the getters below. */
  readonly run: RunStatus = defaultRunStatus();
  readonly dom: AppDom;
  readonly notice: Notice;
  readonly controls: Controls;
  readonly runtime: Runtime;
  readonly loop: FrameLoop;
  readonly snapshots = new Snapshots();
  readonly speed = new SpeedMeter();
  readonly stories = new StoryMode();
  /** The training history (kept moments) and going back to them. */
  readonly recorder = new HistoryRecorder();
  /** The timeline under the views: scrubbing, playing, marks, keys (timelineWiring.ts). */
  readonly timeline: TimelineWiring;
  readonly edits: ParamEdits = new ParamEdits(this);
  readonly exportOptions: ExportOptions = {
    includeWeights: false,
    videoSize: '1280x720',
    videoSeconds: 5,
    videoWhat: 'training',
  };
  // Resources a lost device replaces (recovery.ts).
  views: Views;
  device: GPUDevice | null;
  adapter: string;
  /** Grows whenever new weights arrive (for the saved state). */
  weightsVersion = 0;
  disposed = false; // set once the app is torn down
  /** The pace follows the speed probe until a person sets the speed. */
  pacedByProbe = true;
  /** After each rebuild the speed probe checks once whether the grid is too dense for this adapter. */
  gridProbe = true;
  /** Keep the address and the saved state up to date (set by main). */
  hashSync: HashSync | null = null;
  saver: Saver | null = null;
  private frameFailed = false;
  private readonly rebuilds: RebuildQueue;
  private readonly links = new LinkSource(this);
  private readonly report: FrameReport;

  constructor(dom: AppDom, views: Views, device: GPUDevice | null, adapter: string, notice: Notice) {
    this.dom = dom;
    this.views = views;
    if (views.diagram) views.diagram.host = this.edits; // the diagram's drags and typed values
    this.device = device;
    this.adapter = adapter;
    this.notice = notice;
    this.rebuilds = new RebuildQueue({
      notice,
      succeeded: () => {
        this.dispatch({ type: 'setError', message: null });
        this.frameFailed = false;
      },
      failed: (e) => this.fail(e),
      settled: () =>
        this.dispatch({ type: 'runChanged', topics: ['settings', 'playing', 'pace', 'progress'] }),
    });
    this.settings = freshSettings(device !== null);
    this.store = new Store<AppState>({ settings: this.settings, run: this.run });
    this.controls = new Controls(
      dom,
      this,
      {
        uploadCsv: (file) => void uploadCsv(this, file),
        importModel: (file) => void importModelFileWithHistory(this, file),
        copyLink: () => void copyLink(this),
        startFresh: () => void startFresh(this),
        exportPng: () => void exportPng(this),
        recordVideo: () => void recordVideo(this),
        exportModel: () => void exportModelWithHistory(this),
      },
      this.exportOptions,
    );
    this.runtime = new Runtime(this);
    this.report = new FrameReport(
      this,
      new CaptionBar({ caption: dom.caption, stripCells: dom.stripCells, slider: this.controls.slider }),
      new StatusLine(dom.status),
    );
    this.runtime.affordableGrid = (spec, grid) => this.report.affordableGrid(spec, grid);
    this.loop = new FrameLoop(this);
    this.panel.unitPicks = views.unitPicks;
    quietRenderers(views);
    if (device) watchDevice(this, device);
    bindSelection(this, dom.mainCanvas);
    this.timeline = new TimelineWiring(this);
    this.timeline.onRecord = (mode) => void recordHistoryVideo(this, mode);
    this.recorder.onError = (e) => this.trainer && this.trainerError(this.trainer, e);
  }

  // The run's status, read (changed only by commands).
  get divergedAt(): number | null {
    return this.run.divergedAt;
  }
  get deviceLost(): boolean {
    return this.run.deviceLost;
  }
  get recording(): Recording | null {
    return this.run.recording;
  }
  get lastError(): string | null {
    return this.run.lastError;
  }

  get panel() {
    return this.controls.panel;
  }
  get chart() {
    return this.controls.chart;
  }
  get progress() {
    return this.controls.progress;
  }

  /** Going back in training time (the timeline's scrubbing). */
  get scrub(): TimelineScrub {
    return this.timeline.scrub;
  }

  // What the runtime and the frame loop need of the app (RuntimeHost, FrameHost).

  get stripCells(): HTMLElement {
    return this.dom.stripCells;
  }
  get legend(): HTMLElement {
    return this.dom.legend;
  }
  /** A rebuild is under way, or the device is being replaced: nothing to draw. */
  get paused(): boolean {
    return this.rebuilds.busy || this.deviceLost;
  }
  clamped(what: string): void {
    this.rebuilds.clamped(what);
  }
  showLayer(r: number): void {
    this.dispatch({ type: 'setPosition', t: r });
  }
  networkBuilt(names: string[], widths: number[]): void {
    this.controls.networkBuilt(names, widths);
    this.dom.pointInfo.hidden = true;
    this.report.networkBuilt();
    this.loop.restart();
    this.dispatch({ type: 'runChanged', topics: ['network', 'position'] });
  }
  sliderMoved(t: number): void {
    this.dispatch({ type: 'slide', t });
  }
  drawChart(): void {
    this.chart.draw();
  }

  /**
   * The one door: the controls, the keyboard, the banner's buttons, files and links, the frame loop and the
   * test hook all change the settings here. `reduce` changes the settings and names the topics and the one
   * piece of work left; the work is done, the story left if the network changed, the topics emitted.
   */
  dispatch(c: Command): void {
    const { topics, effect } = reduce(this.settings, c, this.layers, this.run);
    this.apply(effect, c);
    if (c.type === 'setSpeed') this.pacedByProbe = false;
    const why = storyLeavingReason(c);
    if (why) this.leaveStory(why);
    this.store.emit(...topics);
  }

  private apply(effect: Effect, c: Command): void {
    switch (effect) {
      case 'none':
        return;
      case 'step':
        this.loop.pendingSteps += 1;
        return;
      case 'resetWeights':
        return this.resetWeights();
      case 'optimizer':
        // A divergence the new rate causes goes back to the weights from before it.
        if (this.divergedAt === null) this.snapshots.keepLatest(performance.now());
        this.trainer?.setOptimizer(optimizerSpec(this.settings));
        return;
      case 'batch':
        return this.runtime.applyBatchSize();
      case 'resetCamera':
        return this.views.resetCamera();
      case 'applyPreset':
        if (c.type === 'applyPreset') this.applyPreset(c.id, c.seed);
        return;
      case 'newData':
        this.csv = null;
        void this.queue(() => this.rebuildAll());
        return;
      case 'newNetwork':
        if (c.type === 'setArchitecture') this.panel.refresh();
        void this.queue(() => this.rebuildNetwork());
        return;
      case 'newViews':
        void this.queue(() => this.runtime.rebuildViews());
        return;
      case 'viewSettings':
        this.runtime.applyViewSettings();
        this.runtime.renderLegend();
        return;
      case 'projection':
        this.runtime.applyViewSettings();
        this.views.updateProjections();
        return;
      case 'refreshPanel':
        return this.panel.refresh();
      case 'edit':
        return this.edits.apply(c);
    }
  }

  /** Fresh weights; after a divergence, a word that the learning rate is still the one that diverged. */
  private resetWeights(): void {
    const divergedAt = this.divergedAt;
    void this.queue(() => this.rebuildNetwork()).then(() => {
      if (divergedAt !== null)
        this.notice.info(
          `Weights reset. The learning rate is still ${formatRate(this.settings.learningRate)}, at which ` +
            `training diverged at step ${divergedAt}: lower it in the training bar if it diverges again.`,
          { topic: 'divergence' },
        );
    });
  }

  get isBusy(): boolean {
    return this.rebuilds.busy;
  }
  get layers(): number {
    return this.runtime.layers;
  }
  get trainer(): Trainer | null {
    return this.runtime.trainer;
  }
  get spec() {
    return this.runtime.spec;
  }
  get data(): DataState | null {
    return this.runtime.data;
  }
  set data(d: DataState | null) {
    this.runtime.data = d;
  }
  get csv(): DataState | null {
    return this.runtime?.csv ?? null; // the panel asks while the app is built, before the runtime
  }
  set csv(d: DataState | null) {
    this.runtime.csv = d;
  }
  /** The name of the CSV the app trains on, or null for a built-in dataset. */
  get csvName(): string | null {
    return this.runtime.csv?.name ?? null;
  }

  /** Runs rebuilds one after another; the frame loop skips drawing while one is under way. */
  queue(task: () => Promise<void> | void): Promise<void> {
    return this.rebuilds.run(task);
  }

  fail(e: unknown, topic = 'error'): void {
    const message = messageOf(e);
    this.dispatch({ type: 'setError', message });
    this.notice.error(message, { topic });
    console.error(e);
  }

  // What travels: links, saved state, model files (linkSource.ts).

  experiment(): Experiment | null {
    return this.links.experiment();
  }
  view(): ViewSettings {
    return this.links.view();
  }
  weights(): Float32Array | null {
    return this.links.weights();
  }
  linkQuery(): string | null {
    return this.links.linkQuery();
  }
  trainedStep(): number {
    return this.trainer?.step ?? 0;
  }

  /** Puts weights (and optimiser state) into the trainer and the views (inside `queue`). */
  loadState(state: TrainerState): void {
    const trainer = this.trainer;
    if (!trainer) return;
    trainer.restore(state);
    this.views.setParams(trainer.params);
    this.restored();
    this.chart.clear();
  }

  /** After the trainer went back to a snapshot: read and draw everything afresh, pace from the start. */
  restored(): void {
    this.recorder.branch(this.trainer?.step ?? 0);
    this.loop.restart();
  }

  // Settings and rebuilds.

  /** Leaves story mode when the network changes, saying so; the story can be opened again. */
  leaveStory(why: string): void {
    if (this.stories.leave(why)) {
      this.notice.info(`${why}: story mode is left, as the story no longer describes this network.`, {
        topic: 'story',
      });
      this.dispatch({ type: 'runChanged', topics: ['story'] });
    }
  }

  /** How many steps a frame may train (a story pauses at its length, then waits for its statistics). */
  allowSteps(step: number, wanted: number): number {
    // While a past moment is shown, the engine holds its weights: no training.
    if (this.scrub.scrubbing) return 0;
    const allowed = this.stories.allowed(step, wanted);
    // The history stops training at each kept step until the state there is read back. Only on the GPU:
    // the CPU fallback's worker would wait for a round trip at every kept step.
    const n = this.trainer && this.device ? this.recorder.allow(this.trainer, allowed) : allowed;
    if (n === 0 && this.stories.reachedEnd(step) && this.settings.playing) {
      this.dispatch({ type: 'setPlaying', playing: false });
      this.dispatch({ type: 'runChanged', topics: ['story'] });
    }
    return n;
  }

  /** A preset, in story mode where it has a story (on `seed` instead of its own, if given). */
  private applyPreset(id: string, seed?: number): void {
    const next = settingsFromPreset(findPreset(id), this.settings);
    const run = this.stories.start(id);
    this.csv = null;
    this.dispatch({
      type: 'replaceSettings',
      settings: {
        ...next,
        position: run ? run.story.open.t : 0,
        playing: true,
        ...(seed !== undefined ? { seed } : {}),
      },
    });
    this.dispatch({ type: 'runChanged', topics: ['story', 'playing'] });
    void this.queue(() => this.rebuildAll());
  }

  /** The device's buffer limits (or the test override); null on the CPU path. */
  bufferLimits(): BufferLimits | null {
    return this.runtime.limitOverride ?? this.device?.limits ?? null;
  }

  loadData(s: Settings = this.settings, csv: DataState | null = this.csv): DataState {
    return this.runtime.loadData(s, csv);
  }

  /** New data and network from the settings (inside `queue`). */
  async rebuildAll(): Promise<void> {
    this.data = this.loadData();
    await this.rebuildNetwork();
  }

  /** A new network (and views) from the settings, with fresh weights (inside `queue`). */
  async rebuildNetwork(options: { keepChart?: boolean } = {}): Promise<void> {
    await this.runtime.rebuildNetwork();
    this.snapshots.clear(specKey(this.runtime.spec));
    this.recorder.clear();
    this.timeline.reset();
    this.gridProbe = true;
    this.dispatch({ type: 'setDiverged', step: null });
    this.notice.clear('divergence');
    if (!options.keepChart) this.chart.clear();
    this.speed.reset();
    this.loop.restart();
  }

  disposeTraining(): void {
    this.runtime.disposeTraining();
  }

  select(index: number): void {
    showSelection(this, index);
  }

  /** Draws the main view now, at the slider's position (a picture is taken right after). */
  renderNow(): void {
    if (!this.recording) this.views.resize();
    this.views.render(this.settings.position);
  }

  // The frame loop.

  /** One animation frame. Never throws: a failure is shown once and the loop goes on. */
  frame(now: number): void {
    try {
      this.loop.frame(now);
    } catch (e) {
      if (!this.frameFailed) {
        this.frameFailed = true;
        this.fail(e, 'frame');
      }
    }
  }

  // What the trainer reads back (trainerReads.ts).

  weightsArrived(trainer: Trainer, now: number): void {
    weightsArrived(this, trainer, now);
  }
  statsArrived(trainer: Trainer): void {
    statsArrived(this, trainer);
  }
  freshState(): Promise<TrainerState | null> {
    return freshState(this);
  }
  trainerError(trainer: Trainer, e: unknown): void {
    trainerError(this, trainer, e);
  }

  afterDraw(now: number, t: number, drew: boolean): void {
    this.report.afterDraw(now, t, drew);
    this.timeline.frame(now);
  }

  dispose(): void {
    this.disposed = true;
    this.timeline.dispose();
    this.recorder.dispose();
    this.disposeTraining();
    this.views.dispose();
  }
}
