/**
 * The app: holds the settings, the data, the trainer and the views, and runs the frame loop
 * (train some steps, transform the grid on the GPU, draw, read statistics back asynchronously).
 * Changes from outside the controls live in changes.ts, faults (divergence, a lost device) in
 * recovery.ts, the Share & export actions in actions.ts.
 */
import { Sprite } from 'three/webgpu';
import { findPreset } from '../data/presets';
import { makeDataset } from '../data/registry';
import { datasetBounds } from '../data/split';
import type { Dataset } from '../data/types';
import type { GridTransform } from '../engine/grid';
import { LIMITS } from '../engine/limits';
import type { NetworkSpec } from '../engine/spec';
import { initParams } from '../engine/twin';
import type { Experiment } from '../experiment/experiment';
import { messageOf } from '../share/errors';
import { experimentQuery, parseExperimentFields } from '../share/url';
import type { ViewSettings } from '../share/view';
import { ControlPanel, type Change, type ExportOptions } from '../ui/gui';
import { renderLegend } from '../ui/legend';
import { LossChart } from '../ui/lossChart';
import type { Notice } from '../ui/notice';
import { ProgressBar } from '../ui/progress';
import { SliderBar } from '../ui/slider';
import { StatusLine, escapeHtml } from '../ui/status';
import { makeGrid, padBounds, type GridGeometry } from '../view/grid';
import type { Views } from '../view/views';
import { copyLink, exportModelFile, exportPng, recordVideo } from './actions';
import { describePosition, layerNames, stripLabel } from './captions';
import { importModelFile, startFresh, uploadCsv } from './changes';
import { experimentOf, viewOf } from './experimentLink';
import type { BufferLimits } from './limits';
import { clampMessage, maxBatch, maxGridSize, maxSamples, maxTransformPoints } from './limits';
import type { HashSync, Saver, Shareable } from './persistence';
import { diverged, quietRenderers, watchDevice } from './recovery';
import {
  clampBatch,
  defaultSettings,
  defaultView,
  engineConfig,
  networkSpec,
  optimizerSpec,
  pointsOnDisplay,
  settingsFromPreset,
  split,
  type Settings,
} from './settings';
import { Snapshots } from './snapshots';
import { GpuTrainer, WorkerTrainer, type Trainer, type TrainerState } from './trainer';

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
}

export interface DataState {
  name: string;
  full: Dataset;
  train: Dataset;
  test: Dataset | null;
  labelNames: string[] | null;
}

/** While a video records: the canvas's fixed size and what is filmed. */
export interface Recording {
  width: number;
  height: number;
  what: 'training' | 'interpolation';
  startedAt: number;
  seconds: number;
}

/**
 * At full speed each frame trains for about this share of the frame's time (at least the minimum), from
 * the trainer's measured speed. On the CPU the worker runs beside the page, so it gets a fixed slice.
 */
const FULL_SPEED_SHARE = 0.6;
const FULL_SPEED_MIN_MS = 8;
const FULL_SPEED_CPU_MS = 60;
/** Unfinished training submissions beyond this halve the steps per frame until the GPU catches up. */
const FULL_SPEED_MAX_BACKLOG = 2;
/** A snapshot of the weights and optimiser state is read back at least this often (ms). */
const SNAPSHOT_MS = 1000;

/**
 * The one geometry every three.js Sprite shares. three frees the attributes that nodes read (the points'
 * per-point info) only when the geometry they are drawn with is disposed, and nothing disposes this one:
 * each rebuild of the scenes would keep one buffer per scene. Disposing it just before the old scenes
 * go frees them; three uploads the shared quad again on the next draw.
 */
const SPRITE_GEOMETRY = new Sprite().geometry;

/** The first `n` points (the data sets are shuffled already). */
function head(d: Dataset, n: number): Dataset {
  return { inputSize: d.inputSize, x: d.x.slice(0, n * d.inputSize), y: d.y.slice(0, n), classes: d.classes };
}

/** Fresh settings for this backend. */
export function freshSettings(gpu: boolean): Settings {
  return { ...defaultSettings(gpu), ...defaultView(gpu), stepsPerFrame: 10 };
}

export class App implements Shareable {
  readonly settings: Settings;
  views: Views;
  device: GPUDevice | null;
  adapter: string;
  readonly notice: Notice;
  readonly chart: LossChart;
  readonly panel: ControlPanel;
  readonly progress: ProgressBar;
  readonly snapshots = new Snapshots();
  readonly exportOptions: ExportOptions = {
    includeWeights: false,
    videoSize: '1280x720',
    videoSeconds: 5,
    videoWhat: 'training',
  };
  readonly dom: AppDom;
  trainer: Trainer | null = null;
  spec: NetworkSpec | null = null;
  data: DataState | null = null;
  grid: GridGeometry | null = null;
  /** Set when something failed; shown in the banner. */
  lastError: string | null = null;
  frames = 0;
  fps = 0;
  stepsPerSecond = 0;
  /** Keep the address and the saved state up to date (set by main). */
  hashSync: HashSync | null = null;
  saver: Saver | null = null;
  /** Set while a video records. */
  recording: Recording | null = null;
  /** When true the frames are driven by the debug hook instead of requestAnimationFrame. */
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
  private readonly slider: SliderBar;
  private readonly status: StatusLine;
  /** The CSV the app trains on, or null for a built-in dataset. */
  csv: DataState | null = null;
  /** Set once the app is torn down. */
  disposed = false;
  private gridTransform: GridTransform | null = null;
  private pointTransform: GridTransform | null = null;
  private pointCount = 0;
  private rebuilding: Promise<void> = Promise.resolve();
  private busy = false;
  private seenParams = -1;
  private seenStats = -1;
  private transformDirty = true;
  private adaptiveSteps = 16;
  /** Frame time, smoothed (ms). */
  private frameMsAverage = 16;
  private lastFrame = 0;
  private fpsWindow = { start: 0, frames: 0, step: 0 };
  private statusAt = 0;
  private pendingSteps = 0;
  private deviceMaxBatch: number = LIMITS.maxBatch;
  /** What was clamped to the device's limits during the current rebuild. */
  private clamped: string[] = [];
  private frameFailed = false;
  private checkedQuery = '';
  private checkedOk = false;

  constructor(dom: AppDom, views: Views, device: GPUDevice | null, adapter: string, notice: Notice) {
    this.dom = dom;
    this.views = views;
    this.device = device;
    this.adapter = adapter;
    this.notice = notice;
    this.settings = freshSettings(device !== null);
    this.chart = new LossChart(dom.chart);
    this.status = new StatusLine(dom.status);
    this.progress = new ProgressBar(dom.progress);
    this.slider = new SliderBar(
      document,
      (t) => this.setPosition(t),
      () => this.toggleAnimation(),
    );
    this.panel = new ControlPanel(
      dom.gui,
      this.settings,
      {
        changed: (what) => this.changed(what),
        applyPreset: (id) => this.applyPreset(id),
        uploadCsv: (file) => void uploadCsv(this, file),
        importModel: (file) => void importModelFile(this, file),
        copyLink: () => void copyLink(this),
        startFresh: () => void startFresh(this),
        exportPng: () => void exportPng(this),
        recordVideo: () => void recordVideo(this),
        exportModel: () => void exportModelFile(this),
        togglePlay: () => this.togglePlay(),
        stepOnce: () => this.stepOnce(),
        reset: () => this.queue(() => this.rebuildNetwork()),
        resetCamera: () => this.views.resetCamera(),
        setPosition: (t) => this.setPosition(t),
        toggleAnimation: () => this.toggleAnimation(),
      },
      this.exportOptions,
    );
    this.panel.unitPicks = views.unitPicks;
    quietRenderers(views);
    if (device) watchDevice(this, device);
    // A click (not the end of a drag that orbits or pans) follows the nearest point through the layers.
    let down: [number, number] | null = null;
    dom.mainCanvas.addEventListener('pointerdown', (e) => (down = [e.clientX, e.clientY]));
    dom.mainCanvas.addEventListener('click', (e) => {
      if (down && Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 4) return;
      this.pick(e);
    });
  }

  get backend(): 'webgpu' | 'webgl2' {
    return this.device ? 'webgpu' : 'webgl2';
  }

  get isBusy(): boolean {
    return this.busy;
  }

  get layers(): number {
    return this.spec?.layers.length ?? 1;
  }

  /** The name of the CSV the app trains on, or null for a built-in dataset. */
  get csvName(): string | null {
    return this.csv?.name ?? null;
  }

  /** Runs rebuilds one after another; the frame loop skips drawing while one is under way. */
  queue(task: () => Promise<void> | void): Promise<void> {
    this.rebuilding = this.rebuilding.then(async () => {
      this.busy = true;
      this.clamped = [];
      try {
        await task();
        this.lastError = null;
        this.frameFailed = false;
      } catch (e) {
        this.fail(e);
      } finally {
        this.busy = false;
        if (this.clamped.length > 0) {
          this.notice.info(clampMessage(this.clamped), { topic: 'limits' });
          this.clamped = [];
        }
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

  // -------------------------------------------------------------------------------------------------
  // What travels: links, saved state, model files.

  /** The current run as an Experiment, or null while there is none (or it breaks a rule). */
  experiment(): Experiment | null {
    if (!this.data) return null;
    try {
      return experimentOf(this.settings, this.data.full, this.csv !== null);
    } catch {
      return null;
    }
  }

  view(): ViewSettings {
    return viewOf(this.settings, this.layers);
  }

  /** The latest finite weights: the trainer's, or the last good snapshot's after a divergence. */
  weights(): Float32Array | null {
    const t = this.trainer;
    if (!t) return null;
    if (t.params.every((v) => Number.isFinite(v))) return t.params;
    return this.snapshots.latest?.params ?? null;
  }

  /** The experiment and view as link query text, or null when they cannot travel in a link (a CSV). */
  linkQuery(): string | null {
    if (this.csv) return null;
    const exp = this.experiment();
    if (!exp) return null;
    const query = experimentQuery(exp, this.view()).toString();
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
    this.transformDirty = true;
    this.seenParams = -1;
    this.seenStats = -1;
    this.adaptiveSteps = this.settings.stepsPerFrame;
  }

  // -------------------------------------------------------------------------------------------------
  // Settings and rebuilds.

  private changed(what: Change): void {
    const t = this.trainer;
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
        t?.setOptimizer(optimizerSpec(this.settings));
        break;
      case 'batch':
        if (t && this.data) {
          t.setBatchSize(clampBatch(this.settings.batchSize, this.data.train.y.length, this.deviceMaxBatch));
        }
        break;
      case 'view':
        this.applyViewSettings();
        break;
      case 'projection':
        this.applyViewSettings();
        this.views.updateProjections();
        break;
    }
  }

  applyPreset(id: string): void {
    const preset = findPreset(id);
    const next = settingsFromPreset(preset, this.settings);
    Object.assign(this.settings, next, { position: 0 });
    this.csv = null;
    this.panel.refresh();
    void this.queue(() => this.rebuildAll());
  }

  /** The device's buffer limits (or the test override); null on the CPU path. */
  bufferLimits(): BufferLimits | null {
    return this.limitOverride ?? this.device?.limits ?? null;
  }

  /** The data of `s` (or of `csv`), split, with the training set clamped to what the device holds. */
  loadData(s: Settings = this.settings, csv: DataState | null = this.csv): DataState {
    let data: DataState;
    if (csv) {
      const { train, test } = split(s, csv.full);
      data = { ...csv, train, test };
    } else {
      const full = makeDataset(s.dataset, s.datasetParams, s.seed);
      const { train, test } = split(s, full);
      data = { name: s.dataset, full, train, test, labelNames: null };
    }
    const limits = this.bufferLimits();
    if (limits) {
      const most = maxSamples(data.full.inputSize, limits);
      if (data.train.y.length > most) {
        this.clamped.push(`only the first ${most} of ${data.train.y.length} training points are used`);
        data = { ...data, train: head(data.train, most) };
      }
    }
    return data;
  }

  /** New data and network from the settings (inside `queue`). */
  async rebuildAll(): Promise<void> {
    this.data = this.loadData();
    await this.rebuildNetwork();
  }

  /** A new network (and views) from the settings, with fresh weights (inside `queue`). */
  async rebuildNetwork(options: { keepChart?: boolean } = {}): Promise<void> {
    const data = this.data ?? (this.data = this.loadData());
    this.disposeTraining();
    const spec = networkSpec(this.settings, data.full);
    const limits = this.bufferLimits();
    this.deviceMaxBatch = limits ? maxBatch(spec, limits) : LIMITS.maxBatch;
    const wanted = Math.round(this.settings.batchSize);
    if (wanted > this.deviceMaxBatch && this.deviceMaxBatch < data.train.y.length) {
      this.clamped.push(
        `batch ${wanted} is more than it can train this network with: batch ${this.deviceMaxBatch} is used`,
      );
    }
    const config = engineConfig(this.settings, spec, data.train.y.length, this.deviceMaxBatch);
    let trainer: Trainer;
    if (this.device) {
      const gpu = await GpuTrainer.create(this.device, config);
      gpu.onError = (e) => this.trainerError(gpu, e);
      trainer = gpu;
    } else {
      const cpu = new WorkerTrainer(config, initParams(spec, config.train.seed));
      cpu.onError = (e) => this.trainerError(cpu, e);
      trainer = cpu;
    }
    trainer.setData(data.train, data.test);
    this.trainer = trainer;
    this.spec = spec;
    this.snapshots.clear();
    this.divergedAt = null;
    this.notice.clear('divergence');
    if (!options.keepChart) this.chart.clear();
    this.settings.position = Math.min(this.settings.position, spec.layers.length);
    await this.rebuildViews();
    if (!this.device) {
      // The worker starts from the same initial weights; show them right away.
      this.views.setParams(trainer.params);
    }
    trainer.refreshParams();
    trainer.refreshStats();
    this.seenParams = -1;
    this.seenStats = -1;
  }

  /** Errors of a trainer's readbacks: ignored once it is replaced or its device is gone. */
  private trainerError(trainer: Trainer, e: unknown): void {
    // A read aborted because its buffer went away (a destroyed device or engine) needs no words: a lost
    // device is reported on its own.
    if (e instanceof DOMException && e.name === 'AbortError') return;
    // A lost device rejects the reads in flight before `lost` settles: wait for that (or two seconds),
    // then report only what is not explained by a loss or a newer trainer.
    const lost = this.device ? this.device.lost.then(() => undefined) : Promise.resolve();
    void Promise.race([lost, new Promise((r) => setTimeout(r, 2000))]).then(() => {
      if (trainer === this.trainer && !this.deviceLost && !this.disposed) this.fail(e);
    });
  }

  /** New grid, points and scenes from the settings (inside `queue`). */
  async rebuildViews(): Promise<void> {
    const data = this.data;
    const trainer = this.trainer;
    const spec = this.spec;
    if (!data || !trainer || !spec) return;
    const s = this.settings;
    this.gridTransform?.dispose();
    this.pointTransform?.dispose();
    this.gridTransform = this.pointTransform = null;
    const limits = this.bufferLimits();
    let gridSize = Math.max(2, Math.round(s.gridSize));
    let maxPoints = Math.max(1, Math.round(s.maxPoints));
    if (limits) {
      const fits = maxGridSize(spec, limits, gridSize);
      if (fits < gridSize) {
        this.clamped.push(`grid density ${gridSize} is lowered to ${fits}`);
        gridSize = fits;
        s.gridSize = fits;
        this.panel.updateDisplay();
      }
      const most = maxTransformPoints(spec, limits);
      if (most < maxPoints) {
        this.clamped.push(`at most ${most} points are drawn`);
        maxPoints = most;
      }
    }
    const bounds = datasetBounds(data.full);
    const grid = makeGrid(padBounds(bounds, 0.08), spec.inputSize, gridSize);
    this.grid = grid;
    const points = pointsOnDisplay(data.train, data.test, maxPoints);
    this.pointCount = points.count;
    let gpuLayers = null;
    if (trainer instanceof GpuTrainer) {
      this.gridTransform = trainer.gridTransform(grid.count);
      this.gridTransform.setPoints(grid.points, grid.count);
      this.pointTransform = trainer.gridTransform(points.count);
      this.pointTransform.setPoints(points.coords, points.count);
      gpuLayers = {
        grid: this.gridTransform.layerBuffer,
        gridLayout: this.gridTransform.layout,
        points: this.pointTransform.layerBuffer,
        pointLayout: this.pointTransform.layout,
      };
    }
    const names = layerNames(spec);
    const cells = this.buildStripCells(names);
    SPRITE_GEOMETRY.dispose();
    this.views.build(
      {
        spec,
        grid,
        pointCount: points.count,
        pointCoords: points.coords,
        pointInfo: points.info,
        pointValues: points.values,
        classes: data.full.classes,
        valueRange: [bounds.yMin, bounds.yMax],
        gpu: gpuLayers,
      },
      cells,
    );
    this.applyViewSettings();
    this.views.setSelected(-1);
    this.dom.pointInfo.hidden = true;
    this.slider.setLayers(names, (t) => this.setPosition(t));
    this.panel.layerWidths = [spec.inputSize, ...spec.layers.map((l) => l.units)];
    this.panel.setLayers(names);
    renderLegend(this.dom.legend, data.full.classes, data.labelNames, data.test !== null);
    this.views.setParams(trainer.params);
    this.transformDirty = true;
    this.seenParams = -1;
  }

  private buildStripCells(names: string[]): HTMLElement[] {
    const root = this.dom.stripCells;
    root.replaceChildren();
    return names.map((_, r) => {
      const cell = document.createElement('div');
      cell.className = 'strip-cell';
      cell.dataset.layer = String(r);
      const label = document.createElement('div');
      label.className = 'label';
      cell.appendChild(label);
      cell.addEventListener('click', () => this.setPosition(r));
      root.appendChild(cell);
      return cell;
    });
  }

  private applyViewSettings(): void {
    const v = this.views;
    const s = this.settings;
    v.showSurface = s.showSurface;
    v.showGrid = s.showGrid;
    v.showPoints = s.showPoints;
    v.showTest = s.showTest;
    v.functionView = s.functionView;
    v.projectionMode = s.projection;
    v.wideDims = Number(s.wideDims);
    v.applyVisibility();
  }

  /** Frees the trainer and the grid transforms. */
  disposeTraining(): void {
    this.gridTransform?.dispose();
    this.pointTransform?.dispose();
    this.gridTransform = this.pointTransform = null;
    this.trainer?.dispose();
    this.trainer = null;
  }

  // -------------------------------------------------------------------------------------------------
  // Interaction.

  setPosition(t: number): void {
    const L = this.layers;
    this.settings.position = Math.min(L, Math.max(0, t));
    this.panel.showPosition();
  }

  togglePlay(): void {
    this.settings.playing = !this.settings.playing;
    this.panel.setPlaying(this.settings.playing);
  }

  pause(): void {
    this.settings.playing = false;
    this.panel.setPlaying(false);
  }

  toggleAnimation(): void {
    this.settings.animate = !this.settings.animate;
    if (this.settings.animate && this.settings.position >= this.layers) this.settings.position = 0;
    this.slider.setPlaying(this.settings.animate);
    this.panel.setAnimating(this.settings.animate);
  }

  stepOnce(): void {
    this.settings.playing = false;
    this.panel.setPlaying(false);
    this.pendingSteps += 1;
  }

  private pick(e: MouseEvent): void {
    const trainer = this.trainer;
    if (!trainer) return;
    const index = this.views.pick(e.clientX, e.clientY, trainer.params, this.settings.position);
    this.select(index);
  }

  /** Follows one point through every layer (−1: none). */
  select(index: number): void {
    const trainer = this.trainer;
    this.views.setSelected(index);
    const box = this.dom.pointInfo;
    if (index < 0 || !trainer || !this.spec) {
      box.hidden = true;
      return;
    }
    const reps = this.views.describePoint(index, trainer.params);
    const names = layerNames(this.spec);
    const info = this.views.model?.pointInfo;
    const cls = info ? info[4 * index] : 0;
    const test = info ? info[4 * index + 1] === 1 : false;
    const head = `<b>point ${index}</b> · ${this.data?.full.classes ? `class ${cls}` : 'target'}${test ? ' · test' : ''}`;
    const rows = reps.map((values, r) => `${names[r]}: (${values.map((v) => v.toFixed(3)).join(', ')})`);
    box.innerHTML = [head, ...rows].join('<br>');
    box.hidden = false;
  }

  /** Draws the main view now, at the slider's position (a picture is taken right after). */
  renderNow(): void {
    if (!this.recording) this.views.resize();
    this.views.render(this.settings.position);
  }

  // -------------------------------------------------------------------------------------------------
  // The frame loop.

  /** One animation frame. Never throws: a failure is shown once and the loop goes on. */
  frame(now: number): void {
    try {
      this.frameInner(now);
    } catch (e) {
      if (!this.frameFailed) {
        this.frameFailed = true;
        this.fail(e, 'frame');
      }
    }
  }

  private frameInner(now: number): void {
    const dt = this.lastFrame ? Math.min(0.1, (now - this.lastFrame) / 1000) : 0;
    const frameMs = this.lastFrame ? now - this.lastFrame : 16;
    this.lastFrame = now;
    this.frameMsAverage += (Math.min(frameMs, 2000) - this.frameMsAverage) * 0.1;
    this.chart.draw();
    // While a lost device is replaced, the views are being rebuilt: nothing to draw on.
    if (this.deviceLost) return;
    if (!this.recording) this.views.resize();
    const trainer = this.trainer;
    if (this.busy || this.deviceLost || !trainer || !this.spec) return;
    const s = this.settings;

    // Train.
    let steps = this.pendingSteps;
    this.pendingSteps = 0;
    if (s.playing && trainer.ready && this.divergedAt === null) {
      if (s.fullSpeed) {
        const rate = trainer.stepsPerMs;
        const budget = this.device
          ? Math.max(FULL_SPEED_MIN_MS, FULL_SPEED_SHARE * this.frameMsAverage)
          : FULL_SPEED_CPU_MS;
        if (trainer.backlog > FULL_SPEED_MAX_BACKLOG) {
          // The GPU is behind: the speed measurement overshot (on a busy or software GPU its two
          // timestamps can land together), and more work per frame would only lengthen every frame.
          this.adaptiveSteps = Math.max(s.stepsPerFrame, this.adaptiveSteps / 2);
        } else {
          // Before a measurement, grow gently from the set pace; never more than fourfold in a frame
          // (a measurement of steps that did nothing, after a divergence, would flood the GPU).
          const wanted = Math.min(
            rate === null ? this.adaptiveSteps * 1.5 : rate * budget,
            this.adaptiveSteps * 4,
          );
          this.adaptiveSteps = Math.min(
            1 << 16,
            Math.max(s.stepsPerFrame, 0.5 * this.adaptiveSteps + 0.5 * wanted),
          );
        }
        steps += Math.round(this.adaptiveSteps);
      } else {
        steps += Math.max(1, Math.round(s.stepsPerFrame));
        this.adaptiveSteps = s.stepsPerFrame;
      }
    }
    const trained = steps > 0 && trainer.ready && this.divergedAt === null;
    if (trained) trainer.train(steps);

    // Transform the grid and the points with the weights on the GPU (never read back for drawing).
    if (this.device && this.gridTransform && this.pointTransform && (trained || this.transformDirty)) {
      const encoder = this.device.createCommandEncoder({ label: 'App.transform' });
      this.gridTransform.encode(encoder, this.grid?.count ?? 0);
      this.pointTransform.encode(encoder, this.pointCount);
      this.device.queue.submit([encoder.finish()]);
      this.transformDirty = false;
    }
    // Weights and optimiser state come back together; at least once a second, they are a snapshot.
    if (trained || this.seenParams < 0 || now - this.snapshots.latestAt > SNAPSHOT_MS) {
      trainer.refreshParams();
    }
    if (trainer.paramsVersion !== this.seenParams) {
      this.seenParams = trainer.paramsVersion;
      this.weightsVersion++;
      // While diverged, states read back are labelled with steps the GPU never took: not snapshots.
      if (trainer.state && this.divergedAt === null) this.snapshots.offer(trainer.state, now);
      this.views.setParams(trainer.params);
      if (this.views.selected >= 0) this.select(this.views.selected);
    }
    if ((trained && this.frames % 3 === 0) || this.seenStats < 0) trainer.refreshStats();
    if (trainer.statsVersion !== this.seenStats && trainer.stats) {
      this.seenStats = trainer.statsVersion;
      const st = trainer.stats;
      this.chart.push({
        step: st.step,
        batchLoss: st.lastBatchLoss ?? st.train.loss,
        trainLoss: st.train.loss,
        testLoss: st.test?.loss ?? null,
        trainAccuracy: st.train.accuracy,
        testAccuracy: st.test?.accuracy ?? null,
      });
      if (st.divergedAtStep !== null && this.divergedAt === null) {
        this.adaptiveSteps = s.stepsPerFrame;
        diverged(this, st.divergedAtStep);
      }
    }

    // The slider.
    const rec = this.recording;
    if (rec && rec.what === 'interpolation') {
      s.position = Math.min(1, (now - rec.startedAt) / (rec.seconds * 1000)) * this.layers;
      this.panel.showPosition();
    } else if (s.animate) {
      s.position += dt * s.animationSpeed;
      if (s.position > this.layers) s.position = 0;
      this.panel.showPosition();
    }
    const t = s.position;
    this.views.render(t);
    this.updateCaptions(t);

    // The address and the saved state.
    this.hashSync?.tick(now);
    this.saver?.tick(now);

    // Frame rate and training speed.
    this.frames++;
    const w = this.fpsWindow;
    if (!w.start) Object.assign(w, { start: now, frames: this.frames, step: trainer.step });
    if (now - w.start >= 1000) {
      this.fps = ((this.frames - w.frames) * 1000) / (now - w.start);
      this.stepsPerSecond = ((trainer.step - w.step) * 1000) / (now - w.start);
      Object.assign(w, { start: now, frames: this.frames, step: trainer.step });
    }
    if (now - this.statusAt > 500) {
      this.statusAt = now;
      this.status.show({
        backend: this.device ? 'WebGPU' : 'WebGL2 + CPU',
        adapter: this.adapter,
        stepsPerSecond: this.stepsPerSecond,
        fps: this.fps,
        vertices: this.views.verticesPerFrame,
        // While diverged, steps asked for are not taken: the network stays at the divergence.
        step: this.divergedAt ?? trainer.step,
        epoch: trainer.stats?.epoch ?? null,
        playing: s.playing && this.divergedAt === null,
      });
    }
  }

  private captionKey = '';
  private captionT = NaN;
  private captionVersion = -1;

  private updateCaptions(t: number): void {
    const spec = this.spec;
    const path = this.views.path;
    if (!spec || !path) return;
    // Words change with the slider, the weights (swaps) and the settings only.
    const version = this.seenParams * 4 + (this.views.functionView ? 1 : 0);
    if (t === this.captionT && version === this.captionVersion) return;
    this.captionT = t;
    this.captionVersion = version;
    const text = describePosition(spec, path, t);
    if (this.views.functionView && spec.inputSize === 1) {
      const r = Math.round(t);
      const names = layerNames(spec);
      text.title = 'curves over the input';
      text.detail =
        r > 0 && r < spec.layers.length
          ? `white: output · colours: the ${path.repWidth[r]} units of ${names[r]} (move the slider to pick a layer)`
          : 'white: output against the data · move the slider to a hidden layer to see its units';
    }
    this.slider.set(t, text.phase);
    const watch = this.settings.preset ? findPreset(this.settings.preset).watch : '';
    const key = `${text.title}|${text.detail}|${watch}|${path.swapped.join()}`;
    if (key !== this.captionKey) {
      this.captionKey = key;
      this.dom.caption.innerHTML = `<span class="title">${text.title}</span><span class="sub">${text.detail}</span>${
        watch ? `<span class="watch">${escapeHtml(watch)}</span>` : ''
      }`;
      this.dom.caption.title = watch;
      const cells = this.dom.stripCells.children;
      for (let r = 0; r < cells.length; r++) {
        const label = cells[r].querySelector('.label');
        if (label) label.innerHTML = stripLabel(spec, path, r);
      }
    }
    const cells = this.dom.stripCells.children;
    for (let r = 0; r < cells.length; r++) cells[r].classList.toggle('active', Math.abs(t - r) < 1e-6);
  }

  dispose(): void {
    this.disposed = true;
    this.disposeTraining();
    this.views.dispose();
  }
}
