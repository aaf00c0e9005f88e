/**
 * The app: holds the settings, the data, the trainer and the views, and runs the frame loop
 * (train some steps, transform the grid on the GPU, draw, read statistics back asynchronously).
 */
import { datasetBounds } from '../data/split';
import { makeDataset } from '../data/registry';
import { parseCsv } from '../data/csv';
import { findPreset } from '../data/presets';
import type { Dataset } from '../data/types';
import type { GridTransform } from '../engine/grid';
import type { NetworkSpec } from '../engine/spec';
import { initParams } from '../engine/twin';
import { makeGrid, padBounds, type GridGeometry } from '../view/grid';
import type { Views } from '../view/views';
import { ControlPanel, type Change } from '../ui/gui';
import { renderLegend } from '../ui/legend';
import { LossChart } from '../ui/lossChart';
import type { Notice } from '../ui/notice';
import { SliderBar } from '../ui/slider';
import { StatusLine, escapeHtml } from '../ui/status';
import { describePosition, layerNames, stripLabel } from './captions';
import {
  clampBatch,
  defaultView,
  engineConfig,
  networkSpec,
  optimizerSpec,
  pointsOnDisplay,
  settingsFromPreset,
  split,
  type Settings,
} from './settings';
import { GpuTrainer, WorkerTrainer, type Trainer } from './trainer';

export interface AppDom {
  mainCanvas: HTMLCanvasElement;
  stripCells: HTMLElement;
  caption: HTMLElement;
  legend: HTMLElement;
  pointInfo: HTMLElement;
  chart: HTMLCanvasElement;
  status: HTMLElement;
  gui: HTMLElement;
}

interface DataState {
  name: string;
  full: Dataset;
  train: Dataset;
  test: Dataset | null;
  labelNames: string[] | null;
}

/**
 * At full speed each frame trains for about this share of the frame's time (at least the minimum), from
 * the trainer's measured speed. On the CPU the worker runs beside the page, so it gets a fixed slice.
 */
const FULL_SPEED_SHARE = 0.6;
const FULL_SPEED_MIN_MS = 8;
const FULL_SPEED_CPU_MS = 60;

export class App {
  readonly settings: Settings;
  readonly views: Views;
  readonly device: GPUDevice | null;
  readonly adapter: string;
  readonly chart: LossChart;
  readonly panel: ControlPanel;
  trainer: Trainer | null = null;
  spec: NetworkSpec | null = null;
  data: DataState | null = null;
  grid: GridGeometry | null = null;
  /** Set when something failed; shown in the banner. */
  lastError: string | null = null;
  frames = 0;
  fps = 0;
  stepsPerSecond = 0;
  private readonly dom: AppDom;
  private readonly notice: Notice;
  private readonly slider: SliderBar;
  private readonly status: StatusLine;
  private gridTransform: GridTransform | null = null;
  private pointTransform: GridTransform | null = null;
  private pointCount = 0;
  private csv: DataState | null = null;
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

  constructor(dom: AppDom, views: Views, device: GPUDevice | null, adapter: string, notice: Notice) {
    this.dom = dom;
    this.views = views;
    this.device = device;
    this.adapter = adapter;
    this.notice = notice;
    const preset = findPreset('rings-3-units-separate');
    this.settings = settingsFromPreset(preset, { ...defaultView(device !== null), stepsPerFrame: 10 });
    this.chart = new LossChart(dom.chart);
    this.status = new StatusLine(dom.status);
    this.slider = new SliderBar(
      document,
      (t) => this.setPosition(t),
      () => this.toggleAnimation(),
    );
    this.panel = new ControlPanel(dom.gui, this.settings, {
      changed: (what) => this.changed(what),
      applyPreset: (id) => this.applyPreset(id),
      uploadCsv: (file) => void this.uploadCsv(file),
      togglePlay: () => this.togglePlay(),
      stepOnce: () => this.stepOnce(),
      reset: () => this.queue(() => this.rebuildNetwork()),
      resetCamera: () => this.views.resetCamera(),
      setPosition: (t) => this.setPosition(t),
      toggleAnimation: () => this.toggleAnimation(),
    });
    this.panel.unitPicks = views.unitPicks;
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

  /** Rebuilds the network from the current settings (call inside `queue`). */
  rebuildNetworkNow(): Promise<void> {
    return this.rebuildNetwork();
  }

  get layers(): number {
    return this.spec?.layers.length ?? 1;
  }

  /** Runs rebuilds one after another; the frame loop skips drawing while one is under way. */
  queue(task: () => Promise<void> | void): Promise<void> {
    this.rebuilding = this.rebuilding.then(async () => {
      this.busy = true;
      try {
        await task();
        this.lastError = null;
      } catch (e) {
        this.fail(e);
      } finally {
        this.busy = false;
      }
    });
    return this.rebuilding;
  }

  fail(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.lastError = message;
    this.notice.error(`${message}`);
    console.error(e);
  }

  async start(): Promise<void> {
    await this.queue(() => this.rebuildAll());
  }

  private changed(what: Change): void {
    const t = this.trainer;
    switch (what) {
      case 'data':
        this.csv = null;
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
        if (t && this.data) t.setBatchSize(clampBatch(this.settings.batchSize, this.data.train.y.length));
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

  private async uploadCsv(file: File): Promise<void> {
    try {
      const text = await file.text();
      const parsed = parseCsv(text);
      const name = file.name.replace(/\.[^.]+$/, '') || 'CSV';
      const { train, test } = split(this.settings, parsed);
      this.csv = { name, full: parsed, train, test, labelNames: parsed.labelNames };
      this.notice.info(
        `Loaded ${file.name}: ${parsed.y.length} points, ${parsed.inputSize} inputs, ` +
          (parsed.classes ? `${parsed.classes} classes.` : 'regression targets.'),
      );
      this.settings.preset = '';
      await this.queue(() => this.rebuildAll());
    } catch (e) {
      this.fail(new Error(`${file.name}: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  private loadData(): DataState {
    if (this.csv) {
      const { train, test } = split(this.settings, this.csv.full);
      return { ...this.csv, train, test };
    }
    const s = this.settings;
    const full = makeDataset(s.dataset, s.datasetParams, s.seed);
    const { train, test } = split(s, full);
    return { name: s.dataset, full, train, test, labelNames: null };
  }

  private async rebuildAll(): Promise<void> {
    this.data = this.loadData();
    await this.rebuildNetwork();
  }

  private async rebuildNetwork(): Promise<void> {
    const data = this.data ?? (this.data = this.loadData());
    this.disposeTraining();
    const spec = networkSpec(this.settings, data.full);
    const config = engineConfig(this.settings, spec, data.train.y.length);
    let trainer: Trainer;
    if (this.device) {
      const gpu = await GpuTrainer.create(this.device, config);
      gpu.onError = (e) => this.fail(e);
      trainer = gpu;
    } else {
      const cpu = new WorkerTrainer(config, initParams(spec, config.train.seed));
      cpu.onError = (e) => this.fail(e);
      trainer = cpu;
    }
    trainer.setData(data.train, data.test);
    this.trainer = trainer;
    this.spec = spec;
    this.chart.clear();
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

  private async rebuildViews(): Promise<void> {
    const data = this.data;
    const trainer = this.trainer;
    const spec = this.spec;
    if (!data || !trainer || !spec) return;
    const s = this.settings;
    this.gridTransform?.dispose();
    this.pointTransform?.dispose();
    this.gridTransform = this.pointTransform = null;
    const bounds = datasetBounds(data.full);
    const grid = makeGrid(padBounds(bounds, 0.08), spec.inputSize, Math.max(2, Math.round(s.gridSize)));
    this.grid = grid;
    const points = pointsOnDisplay(data.train, data.test, Math.max(1, Math.round(s.maxPoints)));
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
    root.innerHTML = '';
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

  private disposeTraining(): void {
    this.gridTransform?.dispose();
    this.pointTransform?.dispose();
    this.gridTransform = this.pointTransform = null;
    this.trainer?.dispose();
    this.trainer = null;
  }

  setPosition(t: number): void {
    const L = this.layers;
    this.settings.position = Math.min(L, Math.max(0, t));
    this.panel.showPosition();
  }

  togglePlay(): void {
    this.settings.playing = !this.settings.playing;
    this.panel.setPlaying(this.settings.playing);
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

  /** One animation frame. */
  frame(now: number): void {
    const dt = this.lastFrame ? Math.min(0.1, (now - this.lastFrame) / 1000) : 0;
    const frameMs = this.lastFrame ? now - this.lastFrame : 16;
    this.lastFrame = now;
    this.frameMsAverage += (Math.min(frameMs, 2000) - this.frameMsAverage) * 0.1;
    this.views.resize();
    this.chart.draw();
    const trainer = this.trainer;
    if (this.busy || !trainer || !this.spec) return;
    const s = this.settings;

    // Train.
    let steps = this.pendingSteps;
    this.pendingSteps = 0;
    if (s.playing && trainer.ready) {
      if (s.fullSpeed) {
        const rate = trainer.stepsPerMs;
        const budget = this.device
          ? Math.max(FULL_SPEED_MIN_MS, FULL_SPEED_SHARE * this.frameMsAverage)
          : FULL_SPEED_CPU_MS;
        // Before a measurement, grow gently from the set pace.
        const wanted = rate === null ? this.adaptiveSteps * 1.5 : rate * budget;
        this.adaptiveSteps = Math.min(
          1 << 16,
          Math.max(s.stepsPerFrame, 0.5 * this.adaptiveSteps + 0.5 * wanted),
        );
        steps += Math.round(this.adaptiveSteps);
      } else {
        steps += Math.max(1, Math.round(s.stepsPerFrame));
        this.adaptiveSteps = s.stepsPerFrame;
      }
    }
    const trained = steps > 0 && trainer.ready;
    if (trained) trainer.train(steps);

    // Transform the grid and the points with the weights on the GPU (never read back for drawing).
    if (this.device && this.gridTransform && this.pointTransform && (trained || this.transformDirty)) {
      const encoder = this.device.createCommandEncoder({ label: 'App.transform' });
      this.gridTransform.encode(encoder, this.grid?.count ?? 0);
      this.pointTransform.encode(encoder, this.pointCount);
      this.device.queue.submit([encoder.finish()]);
      this.transformDirty = false;
    }
    if (trained || this.seenParams < 0) trainer.refreshParams();
    if (trainer.paramsVersion !== this.seenParams) {
      this.seenParams = trainer.paramsVersion;
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
      if (st.divergedAtStep !== null && s.playing) {
        s.playing = false;
        this.panel.setPlaying(false);
        this.notice.error(
          `Training diverged at step ${st.divergedAtStep} (the loss became infinite). Lower the learning rate and press Reset weights.`,
        );
      }
    }

    // The slider.
    if (s.animate) {
      s.position += dt * s.animationSpeed;
      if (s.position > this.layers) s.position = 0;
      this.panel.showPosition();
    }
    const t = s.position;
    this.views.render(t);
    this.updateCaptions(t);

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
        step: trainer.step,
        epoch: trainer.stats?.epoch ?? null,
        playing: s.playing,
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
    this.disposeTraining();
    this.views.dispose();
  }
}
