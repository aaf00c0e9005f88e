/**
 * The app: one state (the settings and the run's status), changed by named commands (commands.ts); the
 * training bar, slider, panel and status line subscribe to the topics they draw. It owns the runtime
 * (data, trainer, transforms) and the frame loop. Changes from outside the controls live in changes.ts,
 * faults in recovery.ts, Share & export in actions.ts; each takes only the part of the app it uses.
 */
import { findPreset } from '../../data/presets';
import type { Experiment } from '../../experiment/experiment';
import { messageOf } from '../../share/errors';
import type { ViewSettings } from '../../share/view';
import { ControlPanel, type ExportOptions } from '../../ui/gui';
import { LossChart } from '../../ui/lossChart';
import type { Notice } from '../../ui/notice';
import { ProgressBar } from '../../ui/progress';
import { SliderBar } from '../../ui/slider';
import { StatusLine } from '../../ui/status';
import { TrainingBar, formatRate } from '../../ui/trainingBar';
import type { Views } from '../../view/views';
import { copyLink, exportPng, recordVideo } from '../io/exports';
import { CaptionBar } from './captionBar';
import { FrameReport } from './frameReport';
import { startFresh, uploadCsv } from '../io/openExperiment';
import { reduce, type Change, type Command } from '../state/commands';
import { LinkSource } from '../io/linkSource';
import { FrameLoop } from './frameLoop';
import type { BufferLimits } from '../runtime/limits';
import { clampMessage } from '../runtime/limits';
import { SpeedMeter } from './pace';
import type { HashSync, Saver, Shareable } from '../io/persistence';
import { diverged, quietRenderers, watchDevice } from '../runtime/recovery';
import { Runtime, type DataState } from '../runtime/runtime';
import { freshSettings, optimizerSpec, settingsFromPreset, type Settings } from '../state/settings';
import { Snapshots, specKey } from '../runtime/snapshots';
import { Store } from '../state/store';
import { StoryMode } from '../../story/storyMode';
import { StoryPanel } from '../../ui/storyPanel';
import type { Trainer, TrainerState } from '../runtime/trainer';
import { bindSelection, showSelection } from './selection';
import { HistoryRecorder } from '../timeline/historyRecorder';
import type { TimelineScrub } from '../timeline/timelineScrub';
import { TimelineWiring } from '../timeline/timelineWiring';
import { exportModelWithHistory, importModelFileWithHistory } from '../timeline/historyFiles';
import { recordHistoryVideo } from '../timeline/historyVideo';

export type { DataState } from '../runtime/runtime';

/** Weights beyond this overflow float32 in the grid transform of a few layers: said in the banner. */
const DRAWABLE_WEIGHT = 1e12;

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
  /** The timeline under the views (absent: no timeline control, the history is still kept). */
  timeline?: HTMLElement;
}

/** While a video records: the canvas's fixed size and what is filmed. */
export interface Recording {
  width: number;
  height: number;
  what: 'training' | 'interpolation';
  startedAt: number;
  seconds: number;
}

/** Why a command takes the network away from the story it was in (null: it does not). */
function storyLeavingReason(c: Command): string | null {
  if (c.type === 'setLearningRate') return 'The learning rate changed';
  if (c.type === 'changed' && ['data', 'network', 'optimizer', 'batch'].includes(c.what)) {
    return c.what === 'data'
      ? 'The data changed'
      : c.what === 'network'
        ? 'The network changed'
        : 'Training settings changed';
  }
  return null;
}

export class App implements Shareable {
  readonly store: Store<Settings>;
  readonly settings: Settings;
  views: Views;
  device: GPUDevice | null;
  adapter: string;
  readonly notice: Notice;
  readonly chart: LossChart;
  readonly panel: ControlPanel;
  readonly progress: ProgressBar;
  readonly snapshots = new Snapshots();
  readonly speed = new SpeedMeter();
  readonly stories = new StoryMode();
  /** The training history (kept moments) and going back to them. */
  readonly recorder = new HistoryRecorder();
  /** The timeline under the views: scrubbing, playing, marks, keys (timelineWiring.ts). */
  readonly timeline: TimelineWiring;
  readonly runtime: Runtime;
  readonly loop: FrameLoop;
  readonly exportOptions: ExportOptions = {
    includeWeights: false,
    videoSize: '1280x720',
    videoSeconds: 5,
    videoWhat: 'training',
  };
  readonly dom: AppDom;
  /** Set when something failed; shown in the banner. */
  lastError: string | null = null;
  /** Keep the address and the saved state up to date (set by main). */
  hashSync: HashSync | null = null;
  saver: Saver | null = null;
  /** Set while a video records. */
  recording: Recording | null = null;
  /** When true the frames are driven by the test hook instead of requestAnimationFrame. */
  manualFrames = false;
  /** Buffer limits to clamp against instead of the device's (tests of the clamping). */
  limitOverride: BufferLimits | null = null;
  /** The step training diverged at, while that is not dealt with; else null. */
  divergedAt: number | null = null;
  /** True from a lost device until its replacement runs. */
  deviceLost = false;
  /** Devices replaced so far. */
  recoveries = 0;
  /** Grows whenever new weights arrive (for the saved state). */
  weightsVersion = 0;
  /** The last link made, and the last file offered for download (for tests and the curious). */
  lastLink: string | null = null;
  lastExport: { kind: 'png' | 'webm' | 'json'; name: string; type: string; bytes: number } | null = null;
  /** Set once the app is torn down. */
  disposed = false;
  /** The pace follows the speed probe until a person sets the speed. */
  pacedByProbe = true;
  /** After each rebuild the speed probe checks once whether the grid is too dense for this adapter. */
  gridProbe = true;
  private readonly slider: SliderBar;
  private readonly bar: TrainingBar;
  private readonly storyPanel: StoryPanel;
  private rebuilding: Promise<void> = Promise.resolve();
  private busy = false;
  private clampedNow: string[] = [];
  private frameFailed = false;
  private readonly links = new LinkSource(this);
  private readonly report: FrameReport;

  constructor(dom: AppDom, views: Views, device: GPUDevice | null, adapter: string, notice: Notice) {
    this.dom = dom;
    this.views = views;
    this.device = device;
    this.adapter = adapter;
    this.notice = notice;
    this.settings = freshSettings(device !== null);
    this.store = new Store(this.settings);
    this.chart = new LossChart(dom.chart);
    this.progress = new ProgressBar(dom.progress);
    const dispatch = (c: Command): void => this.dispatch(c);
    this.bar = new TrainingBar(dom.trainingBar, dispatch);
    this.slider = new SliderBar(document, dispatch);
    this.storyPanel = new StoryPanel(dom.story, {
      open: (id) => this.dispatch({ type: 'applyPreset', id }),
      trainOn: () => {
        this.stories.trainOn();
        this.dispatch({ type: 'setPlaying', playing: true });
        this.store.emit('story');
      },
    });
    this.panel = new ControlPanel(
      dom.gui,
      this.settings,
      {
        dispatch,
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
      new CaptionBar({ caption: dom.caption, stripCells: dom.stripCells, slider: this.slider }),
      new StatusLine(dom.status),
    );
    this.loop = new FrameLoop(this);
    this.panel.unitPicks = views.unitPicks;
    this.subscribeViews();
    quietRenderers(views);
    if (device) watchDevice(this, device);
    bindSelection(this, dom.mainCanvas);
    this.timeline = new TimelineWiring(this);
    this.timeline.onRecord = (mode) => void recordHistoryVideo(this, mode);
    this.recorder.onError = (e) => {
      if (this.trainer) this.trainerError(this.trainer, e);
    };
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
    return this.busy || this.deviceLost;
  }
  clamped(what: string): void {
    this.clampedNow.push(what);
  }
  showLayer(r: number): void {
    this.dispatch({ type: 'setPosition', t: r });
  }
  networkBuilt(names: string[], widths: number[]): void {
    this.slider.setLayers(names);
    this.panel.layerWidths = widths;
    this.panel.setLayers(names);
    this.panel.updateDisplay();
    this.dom.pointInfo.hidden = true;
    this.report.networkBuilt();
    this.loop.restart();
    this.store.emit('network', 'position');
  }
  sliderMoved(): void {
    this.store.emit('position');
  }
  drawChart(): void {
    this.chart.draw();
  }

  /** The training bar, slider and panel draw from the state. */
  private subscribeViews(): void {
    const s = this.settings;
    this.store.subscribe(['playing', 'pace', 'progress'], () => this.showBar());
    this.store.subscribe(['position', 'network'], () => this.panel.showPosition());
    this.store.subscribe(['animation'], () => {
      this.slider.setPlaying(s.animate);
      this.panel.setAnimating(s.animate);
    });
    this.store.subscribe(['pace', 'settings'], () => this.panel.updateDisplay());
    this.store.subscribe(['story', 'progress', 'network'], () =>
      this.storyPanel.show(this.stories.view(this.trainer?.step ?? 0)),
    );
  }

  private showBar(): void {
    const s = this.settings;
    const trainer = this.trainer;
    this.bar.show({
      playing: s.playing,
      diverged: this.divergedAt !== null,
      fullSpeed: s.fullSpeed,
      stepsPerFrame: s.stepsPerFrame,
      learningRate: s.learningRate,
      step: this.divergedAt ?? trainer?.step ?? 0,
      epoch: trainer?.stats?.epoch ?? null,
    });
  }

  /** The one door for changes from the controls, the keyboard, the banner's buttons and the test hook. */
  dispatch(c: Command): void {
    const { topics, effect } = reduce(this.settings, c, this.layers);
    switch (effect) {
      case 'step':
        this.loop.pendingSteps += 1;
        break;
      case 'resetWeights': {
        const divergedAt = this.divergedAt;
        void this.queue(() => this.rebuildNetwork()).then(() => {
          if (divergedAt !== null)
            this.notice.info(
              `Weights reset. The learning rate is still ${formatRate(this.settings.learningRate)}, at which ` +
                `training diverged at step ${divergedAt}: lower it in the training bar if it diverges again.`,
              { topic: 'divergence' },
            );
        });
        break;
      }
      case 'optimizer':
        this.trainer?.setOptimizer(optimizerSpec(this.settings));
        break;
      case 'resetCamera':
        this.views.resetCamera();
        break;
      case 'applyPreset':
        if (c.type === 'applyPreset') this.applyPreset(c.id);
        break;
      case 'changed':
        if (c.type === 'changed') this.changed(c.what);
        break;
    }
    if (c.type === 'setSpeed') this.pacedByProbe = false;
    const why = storyLeavingReason(c);
    if (why) this.leaveStory(why);
    this.store.emit(...topics);
  }

  get backend(): 'webgpu' | 'webgl2' {
    return this.device ? 'webgpu' : 'webgl2';
  }
  get isBusy(): boolean {
    return this.busy;
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
    return this.runtime.csv;
  }
  set csv(d: DataState | null) {
    this.runtime.csv = d;
  }
  /** The name of the CSV the app trains on, or null for a built-in dataset. */
  get csvName(): string | null {
    return this.runtime.csv?.name ?? null;
  }
  get fps(): number {
    return this.loop.fps;
  }
  get stepsPerSecond(): number {
    return this.loop.stepsPerSecond;
  }

  /** Runs rebuilds one after another; the frame loop skips drawing while one is under way. */
  queue(task: () => Promise<void> | void): Promise<void> {
    this.rebuilding = this.rebuilding.then(async () => {
      this.busy = true;
      this.clampedNow = [];
      try {
        await task();
        this.lastError = null;
        this.frameFailed = false;
      } catch (e) {
        this.fail(e);
      } finally {
        this.busy = false;
        if (this.clampedNow.length > 0) {
          this.notice.info(clampMessage(this.clampedNow), { topic: 'limits' });
          this.clampedNow = [];
        }
        this.store.emit('settings', 'playing', 'pace', 'progress');
      }
    });
    return this.rebuilding;
  }

  fail(e: unknown, topic = 'error'): void {
    const message = messageOf(e);
    this.lastError = message;
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

  private changed(what: Change): void {
    switch (what) {
      case 'data':
        this.csv = null;
        this.settings.output = null;
        void this.queue(() => this.rebuildAll());
        break;
      case 'network':
        void this.queue(() => this.rebuildNetwork());
        break;
      case 'grid':
      case 'points':
        void this.queue(() => this.rebuildViews());
        break;
      case 'optimizer':
        this.trainer?.setOptimizer(optimizerSpec(this.settings));
        break;
      case 'batch':
        this.runtime.applyBatchSize();
        break;
      case 'view':
        this.runtime.applyViewSettings();
        this.runtime.renderLegend();
        break;
      case 'projection':
        this.runtime.applyViewSettings();
        this.views.updateProjections();
        break;
    }
  }

  /** Leaves story mode when the network changes, saying so; the story can be opened again. */
  leaveStory(why: string): void {
    if (this.stories.leave(why)) {
      this.notice.info(`${why}: story mode is left, as the story no longer describes this network.`, {
        topic: 'story',
      });
      this.store.emit('story');
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
      this.store.emit('story');
    }
    return n;
  }

  /** A preset, in story mode where it has a story (on `seed` instead of its own, if given). */
  applyPreset(id: string, seed?: number): void {
    const next = settingsFromPreset(findPreset(id), this.settings);
    const run = this.stories.start(id);
    Object.assign(this.settings, next, {
      position: run ? run.story.open.t : 0,
      playing: true,
      ...(seed !== undefined ? { seed } : {}),
    });
    this.store.emit('story', 'playing');
    this.csv = null;
    this.panel.refresh();
    void this.queue(() => this.rebuildAll());
  }

  /** The device's buffer limits (or the test override); null on the CPU path. */
  bufferLimits(): BufferLimits | null {
    return this.limitOverride ?? this.device?.limits ?? null;
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
    this.divergedAt = null;
    this.notice.clear('divergence');
    if (!options.keepChart) this.chart.clear();
    this.speed.reset();
    this.loop.restart();
  }

  /** New grid, points and scenes from the settings (inside `queue`). */
  async rebuildViews(): Promise<void> {
    await this.runtime.rebuildViews();
  }

  /** Frees the trainer and the grid transforms. */
  disposeTraining(): void {
    this.runtime.disposeTraining();
  }

  /** Errors of a trainer's readbacks: ignored once it is replaced or its device is gone. */
  trainerError(trainer: Trainer, e: unknown): void {
    // A read aborted because its buffer went away (a destroyed device or engine) needs no words.
    if (e instanceof DOMException && e.name === 'AbortError') return;
    // A lost device rejects the reads in flight before `lost` settles: wait for that (or two seconds),
    // then report only what is not explained by a loss or a newer trainer.
    const lost = this.device ? this.device.lost.then(() => undefined) : Promise.resolve();
    void Promise.race([lost, new Promise((r) => setTimeout(r, 2000))]).then(() => {
      if (trainer === this.trainer && !this.deviceLost && !this.disposed) this.fail(e);
    });
  }

  // Interaction (kept as methods for the modules that call them).

  setPosition(t: number): void {
    this.dispatch({ type: 'setPosition', t });
  }
  pause(): void {
    this.dispatch({ type: 'setPlaying', playing: false });
  }

  /** Follows one point through every layer (−1: none). */
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

  weightsArrived(trainer: Trainer, now: number): void {
    // While a past moment is shown the engine holds its weights: what is read back then is not live.
    if (this.scrub.scrubbing) return;
    this.weightsVersion++;
    // While diverged, states read back are labelled with steps the GPU never took: not snapshots.
    if (trainer.state && this.divergedAt === null) this.snapshots.offer(trainer.state, now);
    this.views.setParams(this.drawable(trainer.params));
    if (this.views.selected >= 0) this.select(this.views.selected);
  }

  /**
   * Weights the views can draw: the trainer's, or after a divergence the last finite snapshot's. Weights
   * so large that the drawing overflows are said in the banner (and drawn as far as they can be).
   */
  private drawable(params: Float32Array): Float32Array {
    let largest = 0;
    let finite = true;
    for (const v of params) {
      if (!Number.isFinite(v)) finite = false;
      else largest = Math.max(largest, Math.abs(v));
    }
    if (!finite) return this.snapshots.latest?.params ?? params;
    if (largest > DRAWABLE_WEIGHT) {
      this.notice.error(
        `The weights are too large to draw (the largest is ${largest.toPrecision(2)}): layers past the input ` +
          'overflow. Reset the weights, or import or open a network with smaller ones.',
        { topic: 'weights' },
      );
    } else this.notice.clear('weights');
    return params;
  }

  /**
   * The training state read back from the GPU after this call (weights, moments, step): what exports and
   * links carry, never weights that have not arrived yet. Null if the network is replaced meanwhile.
   */
  async freshState(): Promise<TrainerState | null> {
    const trainer = this.trainer;
    if (!trainer) return null;
    // While the timeline shows a past moment the engine holds that moment: the live state is the scrub's.
    const live = this.scrub.liveState();
    if (live) return live;
    let state: TrainerState;
    try {
      state = await trainer.readNow();
    } catch {
      return null;
    }
    if (trainer !== this.trainer) return null;
    // After a divergence the GPU holds non-finite weights: the last finite snapshot stands for them.
    if (!state.params.every((v) => Number.isFinite(v))) return this.snapshots.latest;
    return state;
  }

  statsArrived(trainer: Trainer): void {
    const st = trainer.stats;
    if (!st) return;
    this.chart.push({
      step: st.step,
      batchLoss: st.lastBatchLoss ?? st.train.loss,
      trainLoss: st.train.loss,
      testLoss: st.test?.loss ?? null,
      trainAccuracy: st.train.accuracy,
      testAccuracy: st.test?.accuracy ?? null,
    });
    if (this.stories.statsArrived(st)) this.store.emit('story');
    if (st.divergedAtStep !== null && this.divergedAt === null) {
      diverged(this, st.divergedAtStep);
      this.store.emit('playing');
    }
  }

  afterDraw(now: number, t: number): void {
    this.report.afterDraw(now, t);
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
