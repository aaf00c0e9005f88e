/**
 * What a running experiment is made of: the data, the network spec, the trainer, the grid and the GPU
 * transforms that push the grid and the points through the network. Built from the settings and rebuilt
 * when they change; replaced whole when the device is. The rest of the app reaches the views and the
 * controls only through the narrow host below.
 */
import { Sprite } from 'three/webgpu';
import { expandDataset, expandPoints, inputLabels, type FeatureName } from '../../data/features';
import { makeDataset } from '../../data/registry';
import { datasetBounds } from '../../data/split';
import type { Dataset } from '../../data/types';
import type { GridTransform } from '../../engine/grid';
import type { KnnGrid } from '../../engine/knnGrid';
import type { KnnReference } from '../../view/math/knnRegions';
import { LIMITS } from '../../engine/limits';
import type { NetworkSpec } from '../../engine/spec';
import { initParams } from '../../engine/twin';
import { renderLegend } from '../../ui/legend';
import { gridInputs, makeGrid, padBounds, type GridGeometry } from '../../view/math/grid';
import type { Views } from '../../view/views';
import { layerNames } from './layerNames';
import type { BufferLimits } from './limits';
import { maxBatch, maxGridSize, maxSamples, maxTransformPoints } from './limits';
import {
  clampBatch,
  engineConfig,
  networkSpec,
  pointsOnDisplay,
  split,
  type Settings,
} from '../../state/settings';
import type { Command } from '../../state/commands';
import { GpuTrainer, WorkerTrainer, type Trainer } from './trainer';

export interface DataState {
  name: string;
  /** The points as generated or read: their own coordinates (the grid spans them). */
  full: Dataset;
  /** The training and test points as the network sees them: coordinates, then the features' values. */
  train: Dataset;
  test: Dataset | null;
  labelNames: string[] | null;
  /** The features appended to the coordinates of `train` and `test` (absent or none: no features). */
  features?: FeatureName[];
}

/** What the runtime needs of the app. */
export interface RuntimeHost {
  readonly settings: Readonly<Settings>;
  /** The door for the settings a rebuild adjusts (the slider's range, a grid the device cannot hold). */
  dispatch(c: Command): void;
  readonly device: GPUDevice | null;
  readonly views: Views;
  /** The device's buffer limits (or a test's override); null on the CPU path. */
  bufferLimits(): BufferLimits | null;
  /** Something was reduced to fit the device (said in the banner after the rebuild). */
  clamped(what: string): void;
  /** Where the strip's per-layer labels and the legend go. */
  readonly stripCells: HTMLElement;
  readonly legend: HTMLElement;
  /** The strip cell `r` was clicked. */
  showLayer(r: number): void;
  /** A new network is in place (layer names, input first): controls and slider follow. */
  networkBuilt(names: string[], widths: number[]): void;
  /** A trainer's readback failed. */
  trainerError(trainer: Trainer, e: unknown): void;
}

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

export class Runtime {
  trainer: Trainer | null = null;
  spec: NetworkSpec | null = null;
  data: DataState | null = null;
  grid: GridGeometry | null = null;
  /** The CSV the app trains on, or null for a built-in dataset. */
  csv: DataState | null = null;
  gridTransform: GridTransform | null = null;
  pointTransform: GridTransform | null = null;
  /** A k-NN output's regions over the grid, voted on the GPU after each grid transform. */
  knnGrid: KnnGrid | null = null;
  pointCount = 0;
  /** Buffer limits to clamp against instead of the device's (tests of the clamping). */
  limitOverride: BufferLimits | null = null;
  private deviceMaxBatch: number = LIMITS.maxBatch;

  /**
   * The densest grid, at most `grid`, the network's cost allows before frames are measured (the app's
   * density rule, which says so in the banner); by default the grid asked for.
   */
  affordableGrid: (spec: NetworkSpec, grid: number) => number = (_spec, grid) => grid;

  constructor(private readonly host: RuntimeHost) {}

  get layers(): number {
    return this.spec?.layers.length ?? 1;
  }

  /** The data of `s` (or of `csv`), split, with the training set clamped to what the device holds. */
  loadData(s: Settings = this.host.settings, csv: DataState | null = this.csv): DataState {
    let data: DataState;
    // Features are computed once, here, for every point, before the split (as the command line does).
    const features = [...s.features];
    if (csv) {
      const { train, test } = split(s, expandDataset(features, csv.full));
      data = { ...csv, train, test, features };
    } else {
      const full = makeDataset(s.dataset, s.datasetParams, s.seed);
      const { train, test } = split(s, expandDataset(features, full));
      data = { name: s.dataset, full, train, test, labelNames: null, features };
    }
    const limits = this.host.bufferLimits();
    if (limits) {
      const most = maxSamples(data.train.inputSize, limits);
      if (data.train.y.length > most) {
        this.host.clamped(`only the first ${most} of ${data.train.y.length} training points are used`);
        data = { ...data, train: head(data.train, most) };
      }
    }
    return data;
  }

  /** A new network from the settings, with fresh weights. */
  async rebuildNetwork(): Promise<void> {
    const { settings: s, device } = this.host;
    // New features: the same points, expanded again (a CSV's too).
    if (this.data && (this.data.features ?? []).join() !== s.features.join()) this.data = null;
    const data = this.data ?? (this.data = this.loadData());
    this.disposeTraining();
    const spec = networkSpec(s, data.full);
    const limits = this.host.bufferLimits();
    this.deviceMaxBatch = limits ? maxBatch(spec, limits) : LIMITS.maxBatch;
    const wanted = Math.round(s.batchSize);
    if (wanted > this.deviceMaxBatch && this.deviceMaxBatch < data.train.y.length) {
      this.host.clamped(
        `batch ${wanted} is more than it can train this network with: batch ${this.deviceMaxBatch} is used`,
      );
    }
    const config = engineConfig(s, spec, data.train.y.length, this.deviceMaxBatch);
    let trainer: Trainer;
    if (device) {
      const gpu = await GpuTrainer.create(device, config);
      gpu.onError = (e) => this.host.trainerError(gpu, e);
      trainer = gpu;
    } else {
      const cpu = new WorkerTrainer(config, initParams(spec, config.train.seed));
      cpu.onError = (e) => this.host.trainerError(cpu, e);
      trainer = cpu;
    }
    trainer.setData(data.train, data.test);
    // A failed probe (a lost device, say) leaves the kernel to auto's rule; the loss is handled elsewhere.
    if (trainer instanceof GpuTrainer) await trainer.tuneKernel().catch(() => {});
    this.trainer = trainer;
    this.spec = spec;
    this.host.dispatch({ type: 'setPosition', t: Math.min(s.position, spec.layers.length) });
    await this.rebuildViews();
    // The worker starts from the same initial weights; show them right away.
    if (!device) this.host.views.setParams(trainer.params);
    trainer.refreshParams();
    trainer.refreshStats();
  }

  /** The batch size changed: clamp it to the data and the device. */
  applyBatchSize(): void {
    if (this.trainer && this.data) {
      const n = this.data.train.y.length;
      this.trainer.setBatchSize(clampBatch(this.host.settings.batchSize, n, this.deviceMaxBatch));
    }
  }

  /** New grid, points and scenes from the settings. */
  async rebuildViews(): Promise<void> {
    const { data, trainer, spec } = this;
    if (!data || !trainer || !spec) return;
    const { settings: s, views } = this.host;
    this.disposeTransforms();
    const limits = this.host.bufferLimits();
    let gridSize = Math.max(2, Math.round(s.gridSize));
    let maxPoints = Math.max(1, Math.round(s.maxPoints));
    if (limits) {
      const fits = maxGridSize(spec, limits, gridSize, data.full.inputSize);
      if (fits < gridSize) {
        this.host.clamped(`grid density ${gridSize} is lowered to ${fits}`);
        gridSize = fits;
        this.host.dispatch({ type: 'fitGrid', gridSize: fits });
      }
      const most = maxTransformPoints(spec, limits);
      if (most < maxPoints) {
        this.host.clamped(`at most ${most} points are drawn`);
        maxPoints = most;
      }
    }
    const affordable = this.affordableGrid(spec, gridSize);
    if (affordable < gridSize) {
      gridSize = affordable;
      this.host.dispatch({ type: 'fitGrid', gridSize });
    }
    const bounds = datasetBounds(data.full);
    // The lattice spans the coordinates; its vertices are expanded by the features once, here.
    const features = data.features ?? [];
    const lattice = makeGrid(padBounds(bounds, 0.08), data.full.inputSize, gridSize);
    const grid: GridGeometry = features.length
      ? { ...lattice, inputs: expandPoints(features, lattice.points, lattice.count) }
      : lattice;
    this.grid = grid;
    const points = pointsOnDisplay(data.train, data.test, maxPoints);
    this.pointCount = points.count;
    let gpuLayers = null;
    if (trainer instanceof GpuTrainer) {
      this.gridTransform = trainer.gridTransform(grid.count);
      this.gridTransform.setPoints(gridInputs(grid), grid.count);
      this.pointTransform = trainer.gridTransform(points.count);
      this.pointTransform.setPoints(points.coords, points.count);
      if (spec.knn) this.knnGrid = trainer.knnGrid(this.gridTransform, data.train);
      gpuLayers = {
        regions: this.knnGrid?.regionBuffer ?? null,
        grid: this.gridTransform.layerBuffer,
        gridLayout: this.gridTransform.layout,
        points: this.pointTransform.layerBuffer,
        pointLayout: this.pointTransform.layout,
      };
    }
    const names = layerNames(spec);
    const cells = this.buildStripCells(names);
    SPRITE_GEOMETRY.dispose();
    views.build(
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
        inputNames: inputLabels(features),
        knnReference: spec.knn ? knnReference(data.train) : null,
      },
      cells,
    );
    this.applyViewSettings();
    views.setSelected(-1);
    this.host.networkBuilt(names, [spec.inputSize, ...spec.layers.map((l) => l.units)]);
    this.renderLegend();
    views.setParams(trainer.params);
  }

  private buildStripCells(names: string[]): HTMLElement[] {
    const root = this.host.stripCells;
    root.replaceChildren();
    return names.map((_, r) => {
      const cell = document.createElement('div');
      cell.className = 'strip-cell';
      cell.dataset.layer = String(r);
      const label = document.createElement('div');
      label.className = 'label';
      cell.appendChild(label);
      cell.addEventListener('click', () => this.host.showLayer(r));
      root.appendChild(cell);
      return cell;
    });
  }

  /** The legend for the data on screen (and the fold map's colours when it is on). */
  renderLegend(): void {
    const data = this.data;
    if (!data) return;
    renderLegend(
      this.host.legend,
      data.full.classes,
      data.labelNames,
      data.test !== null,
      this.host.settings.showFolds,
    );
  }

  /** The display settings, into the views. */
  applyViewSettings(): void {
    const s = this.host.settings;
    this.host.views.show({
      showSurface: s.showSurface,
      showGrid: s.showGrid,
      showPoints: s.showPoints,
      showTest: s.showTest,
      showReferences: s.showReferences,
      showMistakes: s.showMistakes,
      showFolds: s.showFolds,
      showField: s.showField ?? true,
      preActivation: s.preActivation,
      functionView: s.functionView,
      projection: s.projection,
      wideDims: Number(s.wideDims),
      networkView: s.networkView ?? 'strip',
    });
  }

  /** Encodes the grid and point transforms with the weights on the GPU (never read back for drawing). */
  encodeTransforms(): boolean {
    const device = this.host.device;
    if (!device || !this.gridTransform || !this.pointTransform) return false;
    const encoder = device.createCommandEncoder({ label: 'App.transform' });
    this.gridTransform.encode(encoder, this.grid?.count ?? 0);
    this.knnGrid?.encode(encoder, this.grid?.count ?? 0);
    this.pointTransform.encode(encoder, this.pointCount);
    device.queue.submit([encoder.finish()]);
    return true;
  }

  private disposeTransforms(): void {
    this.knnGrid?.dispose();
    this.gridTransform?.dispose();
    this.pointTransform?.dispose();
    this.gridTransform = this.pointTransform = this.knnGrid = null;
  }

  /** Frees the trainer and the grid transforms. */
  disposeTraining(): void {
    this.disposeTransforms();
    this.trainer?.dispose();
    this.trainer = null;
  }
}

/** The training points a k-NN output votes with, as the views take them. */
function knnReference(train: Dataset): KnnReference {
  return { x: train.x, y: train.y, count: train.y.length, classes: train.classes };
}
