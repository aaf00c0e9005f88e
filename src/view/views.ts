/**
 * All views of the network: the main view (any slider position, orbit for 3-D) and the strip of small
 * views, one per representation. It owns the three.js renderers and scenes; the app hands it the grid,
 * the points, and either the engine's layer buffers (WebGPU) or nothing (the CPU path, where it runs the
 * forward pass itself from the latest weights).
 */
import * as THREE from 'three/webgpu';
import type { NetworkSpec } from '../engine/spec';
import type { LayerBufferLayout } from '../engine/types';
import { CameraRig } from './camera/cameraRig';
import { framingBoxAt } from './math/framingTable';
import { SliderCamera } from './camera/sliderCamera';
import { rangeFrameAt } from './math/phases';
import { References, activationRange } from './draw/references';
import { createCoefficients, evaluate, type Coefficients, type DisplayPath } from './math/displayPath';
import { DisplayState, type ProjectionSettings } from './math/displayState';
import { DEFAULT_VIEW_SETTINGS, type ViewSettings } from './viewSettings';
import { forwardInto, layerLayout } from './math/forward';
import { type GridGeometry } from './math/grid';
import { FunctionScene } from './draw/functionScene';
import { LayerScene, type LayerSceneOptions } from './draw/layerScene';
import { layerStorage, type N } from './draw/displayNodes';
import { MistakeTracker, type MistakeCount } from './math/mistakeTracker';
import { VertexStageProbe, readShaderMarks } from './draw/readback';
import { readFoldStage, type FoldReading } from './draw/foldReadback';
import { bindExternalBuffer, createRenderer } from './draw/renderer';
import { shade } from './theme';
import { foldColor, foldMap, type FoldMap } from './math/foldMap';
import { uniform } from 'three/tsl';

export interface GpuLayers {
  grid: GPUBuffer;
  gridLayout: LayerBufferLayout;
  points: GPUBuffer;
  pointLayout: LayerBufferLayout;
}

export interface ViewModel {
  spec: NetworkSpec;
  grid: GridGeometry;
  /** Points on display: input coordinates (inputSize each) and info (class, test, jitter, 0). */
  pointCount: number;
  pointCoords: Float32Array;
  pointInfo: Float32Array;
  /** Per point: the target (regression) or class index. */
  pointValues: Float32Array;
  classes: number;
  /** Regression: the target range for shading. */
  valueRange: [number, number];
  gpu: GpuLayers | null;
}

export type { ProjectionMode, ViewSettings } from './viewSettings';

/** What the main view draws at one slider position (see Views.probe). */
export interface ViewProbe {
  t: number;
  camera: { position: number[]; quaternion: number[]; fov: number; aspect: number };
  viewProjection: number[];
  viewport: { left: number; top: number; width: number; height: number };
  /** x, y client pixels per probe point. */
  points: number[];
  dims: number;
  /** Misclassified points on display (CPU, from the latest weights read back). */
  mistakes: MistakeCount;
  /** The points the shader marks, read back from it after `checkMarks` was set (null until then). */
  marked: number[] | null;
}

export interface StripCell {
  element: HTMLElement;
}

export class Views {
  readonly main: THREE.WebGPURenderer;
  readonly strip: THREE.WebGPURenderer;
  /** The main view's one camera: a pure function of the slider, the framing table and the orbit offset. */
  readonly mainRig: SliderCamera;
  /** Honour reduced motion: the main camera keeps one orientation along the slider. */
  private readonly reducedMotion: boolean;
  private readonly functionRig = new CameraRig(null);
  /** Where everything is drawn, on the CPU: the path, the probes, the projections, the framing. */
  private displayState: DisplayState | null = null;
  private readonly references = new References();
  private viewModel: ViewModel | null = null;
  /** What the person chose to see (see show). */
  private settings: ViewSettings = DEFAULT_VIEW_SETTINGS;
  /** Units chosen for wide layers in 'units' mode, per representation. */
  readonly unitPicks = new Map<number, number[]>();
  private selectedIndex = -1;
  private functionScene: FunctionScene | null = null;
  private marked: number[] | null = null;
  private mistakeTracker: MistakeTracker | null = null;
  private mistakeAttribute: THREE.InstancedBufferAttribute | null = null;
  private static readonly NO_MISTAKES: MistakeCount = { train: 0, test: 0 };
  private foldScratch: FoldMap | null = null;
  /** Main view scenes, one per segment (the shader is specialised to the segment's widths). */
  private mainScenes: (LayerScene | null)[] = [];
  private sceneOptions: Omit<LayerSceneOptions, 'widths'> | null = null;
  private stripScenes: LayerScene[] = [];
  private stripRigs: CameraRig[] = [];
  private stripCells: HTMLElement[] = [];
  private readonly mainCoefficients = createCoefficients();
  private readonly stripCoefficients: Coefficients[] = [];
  private readonly scratch = createCoefficients();
  // CPU copies of the grid and the points on the CPU path.
  private gridLayout: LayerBufferLayout | null = null;
  private gridData = new Float32Array(0);
  private pointLayout: LayerBufferLayout | null = null;
  private pointData = new Float32Array(0);
  private readonly box = new THREE.Box3();
  private readonly vec = new THREE.Vector3();
  private readonly shadeOut = new Float32Array(3);
  private readonly gridOutputOffset = uniform(0, 'uint');
  private readonly pointOutputOffset = uniform(0, 'uint');
  private paramsVersion = 0;
  private frameCount = 0;
  private stripHeight = 150;
  private stripDrawn = -1;
  /** Set when something other than the weights changed what the strip shows. */
  private stripDirty = true;
  private gridStorage: N = null;
  private pointStorage: N = null;
  private gpuProbe: VertexStageProbe | null = null;
  private readonly size2 = new THREE.Vector2();

  private constructor(
    main: THREE.WebGPURenderer,
    strip: THREE.WebGPURenderer,
    mainCanvas: HTMLCanvasElement,
  ) {
    this.main = main;
    this.strip = strip;
    this.mainRig = new SliderCamera(mainCanvas);
    this.reducedMotion =
      typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  static async create(
    mainCanvas: HTMLCanvasElement,
    stripCanvas: HTMLCanvasElement,
    device: GPUDevice | null,
  ): Promise<Views> {
    const main = await createRenderer(mainCanvas, device);
    const strip = await createRenderer(stripCanvas, device);
    strip.autoClear = false;
    const views = new Views(main, strip, mainCanvas);
    views.resize();
    return views;
  }

  get gpu(): boolean {
    return this.model?.gpu != null;
  }

  /** The network, grid and points on display (null before build). */
  get model(): ViewModel | null {
    return this.viewModel;
  }

  /** Where everything is drawn, on the CPU (null before build). */
  get state(): DisplayState | null {
    return this.displayState;
  }

  /** The display path of the network on display (null before build). */
  get path(): DisplayPath | null {
    return this.displayState?.path ?? null;
  }

  /** What the views show now (the last settings passed to show). */
  get shown(): ViewSettings {
    return this.settings;
  }

  /** The selected point's index, or −1. */
  get selected(): number {
    return this.selectedIndex;
  }

  /** Shows what `settings` asks for, in every view from the next frame on. */
  show(settings: ViewSettings): void {
    this.settings = { ...settings };
    this.applyVisibility();
  }

  /** Reads back which points the shader marks as misclassified; see probe().marked. */
  checkMarks(): void {
    this.marked = null;
    void this.readMarks().then((m) => (this.marked = m));
  }

  /** New network, grid or points: rebuilds every scene. */
  build(model: ViewModel, cells: HTMLElement[]): void {
    this.disposeScenes();
    this.viewModel = model;
    const spec = model.spec;
    const state = new DisplayState(model);
    this.displayState = state;
    const path = state.path;
    const inSize = spec.inputSize;
    const outputUnits = spec.layers[spec.layers.length - 1].units;

    let gpuSources = null;
    if (model.gpu) {
      const gridAttr = new THREE.StorageBufferAttribute(new Float32Array(1), 1);
      const pointAttr = new THREE.StorageBufferAttribute(new Float32Array(1), 1);
      for (const r of [this.main, this.strip]) {
        bindExternalBuffer(r, gridAttr, model.gpu.grid);
        bindExternalBuffer(r, pointAttr, model.gpu.points);
      }
      this.gridOutputOffset.value = model.gpu.gridLayout.offset[model.gpu.gridLayout.offset.length - 1];
      this.pointOutputOffset.value = model.gpu.pointLayout.offset[model.gpu.pointLayout.offset.length - 1];
      this.gridStorage = layerStorage(gridAttr, model.gpu.gridLayout.totalFloats);
      this.pointStorage = layerStorage(pointAttr, model.gpu.pointLayout.totalFloats);
      gpuSources = {
        grid: this.gridStorage,
        points: this.pointStorage,
        gridOutputOffset: this.gridOutputOffset,
        pointOutputOffset: this.pointOutputOffset,
      };
      this.gridLayout = model.gpu.gridLayout;
      this.pointLayout = model.gpu.pointLayout;
      this.gridData = new Float32Array(0);
      this.pointData = new Float32Array(0);
    } else {
      this.gridStorage = null;
      this.gridLayout = layerLayout(spec, model.grid.count);
      this.pointLayout = layerLayout(spec, model.pointCount);
      this.gridData = new Float32Array(this.gridLayout.totalFloats);
      this.pointData = new Float32Array(this.pointLayout.totalFloats);
    }
    this.marked = null;
    this.functionBoxVersion = -1;
    this.mistakeTracker =
      model.classes > 0
        ? new MistakeTracker(
            spec,
            model.pointCoords.subarray(0, model.pointCount * inSize),
            model.pointValues.subarray(0, model.pointCount),
            model.pointInfo,
          )
        : null;
    this.mistakeAttribute =
      this.mistakeTracker && !model.gpu
        ? new THREE.InstancedBufferAttribute(this.mistakeTracker.flags, 1)
        : null;
    this.mistakeAttribute?.setUsage(THREE.DynamicDrawUsage);
    const options = {
      mistakes: this.mistakeAttribute,
      grid: model.grid,
      pointCount: model.pointCount,
      pointInfo: model.pointInfo,
      outputUnits,
      classes: model.classes,
      gpu: gpuSources,
      surface: spec.inputSize === 2,
    };
    this.sceneOptions = options;
    if (spec.inputSize === 1) {
      this.functionScene = new FunctionScene({
        grid: model.grid,
        layout: this.gridLayout,
        repWidth: path.repWidth,
        gpu: this.gridStorage,
        pointX: model.pointCoords,
        pointY: model.pointValues,
        pointInfo: model.pointInfo,
        classes: model.classes,
      });
    }
    this.mainScenes = spec.layers.map(() => null);
    this.stripCells = cells;
    path.preActivation = this.settings.preActivation;
    this.buildStrip();
    this.mainRig.reset();
    this.applyVisibility();
  }

  /** The strip's scenes, one per representation, specialised to the source each cell reads. */
  private buildStrip(): void {
    for (const s of this.stripScenes) s.dispose();
    for (const rig of this.stripRigs) rig.dispose();
    this.stripScenes = [];
    this.stripRigs = [];
    this.stripCoefficients.length = 0;
    const path = this.path!;
    const L = path.layers;
    const z = path.preActivation;
    for (let r = 0; r < path.repWidth.length; r++) {
      // At a layer the formula reads one representation: a_r (as the start of segment r), a_L at the end,
      // or with pre-activations shown z_r (the end of segment r − 1's bias phase).
      const w = path.repWidth[r];
      const widths = r === 0 || (r < L && !z) ? [w, 0, 0] : z ? [0, w, 0] : [0, 0, w];
      this.stripScenes.push(this.newScene({ ...this.sceneOptions!, widths }));
      this.stripRigs.push(new CameraRig(null));
      this.stripCoefficients.push(createCoefficients());
    }
  }

  /** Pre-activations on or off: the strip reads other sources, the framing and the projections follow. */
  private applyPreActivation(): void {
    const state = this.state;
    if (!state || !state.setPreActivation(this.settings.preActivation, this.projectionSettings())) return;
    this.buildStrip();
    this.stripCoefficientsNow();
  }

  private newScene(options: LayerSceneOptions): LayerScene {
    const s = new LayerScene(options);
    const model = this.model!;
    s.valueLow.value = model.valueRange[0];
    s.valueHigh.value = model.valueRange[1];
    s.boundaryOn.value = model.classes > 0 ? 1 : 0;
    this.applyVisibilityTo(s);
    return s;
  }

  /** The main view's scene for segment k, built on first use. */
  private mainScene(k: number): LayerScene {
    let scene = this.mainScenes[k];
    if (!scene) {
      const w = this.path!.repWidth;
      scene = this.newScene({ ...this.sceneOptions!, widths: [w[k], w[k + 1], w[k + 1]] });
      this.mainScenes[k] = scene;
    }
    return scene;
  }

  private *allScenes(): Generator<LayerScene> {
    for (const s of this.mainScenes) if (s) yield s;
    yield* this.stripScenes;
  }

  private applyVisibility(): void {
    this.applyPreActivation();
    this.stripDirty = true;
    for (const s of this.allScenes()) this.applyVisibilityTo(s);
  }

  /** Misclassified points on display, train and test (from the latest weights read back). */
  get mistakes(): MistakeCount {
    return this.mistakeTracker?.count ?? Views.NO_MISTAKES;
  }

  /**
   * The indices of the points the point shader marks as misclassified: on WebGPU the shader's own rule
   * drawn as one pixel per point into a float target and read back; on the CPU path the flags it draws.
   */
  async readMarks(): Promise<number[]> {
    const model = this.model;
    const tracker = this.mistakeTracker;
    if (!model || !tracker) return [];
    if (!model.gpu) {
      const out: number[] = [];
      tracker.flags.forEach((f, i) => f > 0.5 && out.push(i));
      return out;
    }
    const units = model.spec.layers[model.spec.layers.length - 1].units;
    return readShaderMarks(this.main, {
      points: this.pointStorage!,
      outputOffset: this.pointOutputOffset,
      count: model.pointCount,
      labels: model.pointValues,
      units,
    });
  }

  private applyVisibilityTo(s: LayerScene): void {
    const shown = this.settings;
    s.mistakesOn.value = shown.showMistakes ? 1 : 0;
    if (s.surface) s.surface.visible = shown.showSurface;
    s.setFolds(shown.showFolds);
    s.lines.visible = shown.showGrid;
    s.points.visible = shown.showPoints;
    s.points.count = shown.showTest || !this.model ? (this.model?.pointCount ?? 0) : this.trainPointCount();
    this.applySelection(s);
  }

  /** Test points are placed after the training points, so hiding them shortens the instance count. */
  private trainPointCount(): number {
    const m = this.model;
    if (!m) return 0;
    let n = 0;
    while (n < m.pointCount && m.pointInfo[4 * n + 1] === 0) n++;
    return n;
  }

  setSelected(index: number): void {
    this.selectedIndex = index;
    this.stripDirty = true;
    for (const s of this.allScenes()) this.applySelection(s);
  }

  private applySelection(s: LayerScene): void {
    const m = this.model;
    const index = m && this.selected < m.pointCount ? this.selected : -1;
    s.selected.value = index;
    s.selectedJitter.value = index >= 0 ? m!.pointInfo[4 * index + 2] : 0;
    s.marker.visible = index >= 0 && this.settings.showPoints;
  }

  /** The views' projection settings, as the display state reads them (and the main view's aspect). */
  private projectionSettings(): ProjectionSettings {
    const size = this.main.getSize(this.size2);
    this.state?.setAspect(size.x / Math.max(1, size.y));
    return { mode: this.settings.projection, wideDims: this.settings.wideDims, unitPicks: this.unitPicks };
  }

  /** New weights on the CPU: unit orders, paths, projections, strip coefficients, CPU forward passes. */
  setParams(params: Float32Array): void {
    const state = this.state;
    const model = this.model;
    if (!state || !model) return;
    state.setParams(params, this.projectionSettings());
    if (!model.gpu && this.gridLayout && this.pointLayout) {
      forwardInto(model.spec, params, model.grid.points, model.grid.count, this.gridLayout, this.gridData);
      forwardInto(model.spec, params, model.pointCoords, model.pointCount, this.pointLayout, this.pointData);
    }
    if (this.mistakeTracker) {
      this.mistakeTracker.update(params);
      if (this.mistakeAttribute) this.mistakeAttribute.needsUpdate = true;
    }
    this.stripCoefficientsNow();
    this.paramsVersion++;
  }

  /** Re-applies projection settings (units / PCA / decision) to every wide representation. */
  updateProjections(): void {
    this.state?.updateProjections(this.projectionSettings());
    this.stripCoefficientsNow();
  }

  private stripCoefficientsNow(): void {
    const path = this.path;
    if (!path) return;
    for (let r = 0; r < this.stripScenes.length; r++) path.coefficientsAt(r, this.stripCoefficients[r]);
    this.stripDirty = true;
  }

  /** Vertices pushed through the network for one frame. */
  get verticesPerFrame(): number {
    return this.model ? this.model.grid.count + this.model.pointCount : 0;
  }

  /** Draws everything at slider position t. */
  render(t: number): void {
    const path = this.path;
    const model = this.model;
    if (!path || !model || !this.sceneOptions) return;
    path.coefficientsAt(t, this.mainCoefficients);
    if (this.settings.functionView && this.functionScene) this.drawFunction(t);
    else {
      const camera = this.mainCamera(t);
      const framing = this.state!.framing;
      const box = framingBoxAt(t, framing.boxes, framing.perLayer, this.box);
      const scene = this.mainScene(this.mainCoefficients.segment);
      this.placeReferences(scene, t, box);
      this.drawView(
        this.main,
        this.mainScene(this.mainCoefficients.segment),
        this.mainCoefficients,
        t,
        camera,
        box,
      );
    }

    // The strip shows whole layers only: redraw it when the weights or the settings changed, at most
    // every other frame (each small view is a full pass, and software GPUs pay for every one).
    this.frameCount++;
    if (this.stripDrawn === this.paramsVersion && !this.stripDirty) return;
    if (this.frameCount % 2 === 1 && !this.stripDirty) return;
    this.stripDrawn = this.paramsVersion;
    this.stripDirty = false;
    const r = this.strip;
    const canvas = r.domElement;
    const canvasRect = canvas.getBoundingClientRect();
    r.setScissorTest(false);
    r.clear();
    r.setScissorTest(true);
    for (let k = 0; k < this.stripScenes.length; k++) {
      const cell = this.stripCells[k];
      if (!cell) continue;
      const rect = cell.getBoundingClientRect();
      const x = Math.max(0, rect.left - canvasRect.left);
      const y = Math.max(0, canvasRect.bottom - rect.bottom);
      if (rect.width < 2 || rect.height < 2 || x + rect.width > canvasRect.width + 1) continue;
      this.stripHeight = rect.height;
      r.setViewport(x, y, rect.width, rect.height);
      r.setScissor(x, y, rect.width, rect.height);
      const c = this.stripCoefficients[k];
      const rig = this.stripRigs[k];
      const box = this.state!.probeBox(c, this.box);
      rig.setDims(Math.max(2, c.dims));
      rig.setAspect(rect.width / rect.height);
      // The strip is drawn now and then only: it frames at once instead of easing.
      rig.frame(box, true);
      this.drawView(r, this.stripScenes[k], c, k, rig.camera, box);
    }
  }

  /**
   * Axes for the picture at t, and the range frame of the activation being applied: it fades in over the
   * bias phase of segment k (the range of layer k + 1), stays through the activation, and fades out early
   * in the next segment's linear phase. Only where the representation is shown by its units.
   */
  private placeReferences(scene: LayerScene, t: number, box: THREE.Box3): void {
    const group = this.references.group;
    group.visible = this.settings.showReferences;
    if (group.parent !== scene.scene) scene.scene.add(group);
    if (!this.settings.showReferences) return;
    const path = this.path!;
    const { k, u } = path.phaseOf(t);
    const { layer, opacity } = rangeFrameAt(k, u);
    let range: [number, number] | null = null;
    const r = layer + 1;
    if (layer >= 0 && (path.repWidth[r] <= 3 || path.getProjection(r).kind === 'units')) {
      range = activationRange(path.spec.layers[layer].activation);
    }
    this.references.update(box, this.mainCoefficients.dims, range, opacity);
  }

  /** The main camera posed for slider position t (a pure function of t, the framing and the orbit). */
  mainCamera(t: number): THREE.PerspectiveCamera {
    const size = this.main.getSize(this.size2);
    const aspect = size.x / Math.max(1, size.y);
    if (!this.state) return this.mainRig.camera;
    return this.state.poseCamera(this.mainRig, t, aspect, this.reducedMotion);
  }

  private drawView(
    renderer: THREE.WebGPURenderer,
    scene: LayerScene,
    c: Coefficients,
    t: number,
    camera: THREE.Camera,
    box: THREE.Box3,
  ): void {
    const model = this.model!;
    const path = this.path!;
    scene.folds.sheet.value = c.dims >= 3 ? 1 : 0;
    if (model.gpu) {
      scene.gridUniforms.set(c, model.gpu.gridLayout);
      scene.pointUniforms.set(c, model.gpu.pointLayout);
    } else {
      this.fillCpu(scene, c);
    }
    // Points keep a similar share of the view from a laptop to a 4K screen.
    const height = renderer === this.strip ? this.stripHeight : this.main.getSize(this.size2).y;
    scene.pointSize.value = Math.max(4.5, Math.min(13, height / 75));
    // The straight boundary, where the layer after this one is the output.
    const atLayer = Number.isInteger(t) ? t : null;
    const line = atLayer !== null ? path.linearBoundary(atLayer) : null;
    scene.setBoundary(line ? line.normal : null, line?.level ?? 0, c.dims, box);
    renderer.render(scene.scene, camera);
  }

  /** The function view: curves of the output and of the units at the slider's layer over the input. */
  private drawFunction(t: number): void {
    const f = this.functionScene!;
    const model = this.model!;
    const state = this.state!;
    const layout = state.probeLayout;
    f.show(t);
    if (!model.gpu && this.functionFilled !== this.paramsVersion) {
      f.fill(this.gridData);
      this.functionFilled = this.paramsVersion;
    }
    // One vertical scale at every slider position: the data and every unit's curve, of every layer.
    if (this.functionBoxVersion !== this.paramsVersion) {
      const fixed = this.functionBox.copy(f.box);
      for (let v = state.pointProbeCount; v < state.probeCount; v++) {
        const x = state.probeCoords[v];
        for (let r = 1; r <= model.spec.layers.length; r++) {
          const w = layout.width[2 * r];
          for (let u = 0; u < w; u++)
            fixed.expandByPoint(this.vec.set(x, state.probeData[layout.offset[2 * r] + v * w + u], 0));
        }
      }
      this.functionBoxVersion = this.paramsVersion;
    }
    const box = this.functionBox;
    if (this.settings.showReferences) {
      this.references.group.visible = true;
      if (this.references.group.parent !== f.scene) f.scene.add(this.references.group);
      this.references.update(box, 2, null, 0, true);
    } else this.references.group.visible = false;
    const rig = this.functionRig;
    const size = this.main.getSize(this.size2);
    rig.setAspect(size.x / Math.max(1, size.y));
    rig.frameStretched(box);
    this.main.render(f.scene, rig.camera);
  }

  private functionFilled = -1;
  private functionBoxVersion = -1;
  private readonly functionBox = new THREE.Box3();

  /** CPU path: positions and colours into the scene's attributes. */
  private fillCpu(scene: LayerScene, c: Coefficients): void {
    const cpu = scene.cpu;
    const model = this.model!;
    if (!cpu || !this.gridLayout || !this.pointLayout) return;
    const gp = cpu.gridPosition.array as Float32Array;
    const gc = cpu.gridColor.array as Float32Array;
    const gm = cpu.gridMargin.array as Float32Array;
    const outRep = this.gridLayout.offset.length - 1;
    const units = this.gridLayout.width[outRep];
    const outOffset = this.gridLayout.offset[outRep];
    const [low, high] = model.valueRange;
    for (let v = 0; v < model.grid.count; v++) {
      evaluate(c, this.gridLayout, this.gridData, v, 0, gp, 3 * v);
      if (model.classes === 0) {
        this.shadeOut[0] = (this.gridData[outOffset + v] - low) / Math.max(1e-6, high - low);
        gm[v] = shade(this.shadeOut, 0, 1, gc, 3 * v) + 10;
      } else {
        gm[v] = shade(this.gridData, outOffset + v * units, units, gc, 3 * v);
      }
    }
    cpu.gridPosition.needsUpdate = true;
    cpu.gridColor.needsUpdate = true;
    cpu.gridMargin.needsUpdate = true;
    if (scene.foldsShown && model.grid.inputSize === 2) {
      const g = model.grid.size;
      if (this.foldScratch?.ratio.length !== g * g) {
        this.foldScratch = { ratio: new Float32Array(g * g), folded: new Uint8Array(g * g) };
      }
      const spacing = scene.folds.spacing.value as { x: number; y: number };
      const map = foldMap(gp, g, spacing.x, spacing.y, c.dims >= 3 ? 3 : 2, this.foldScratch);
      const fc = cpu.foldColor.array as Float32Array;
      for (let v = 0; v < g * g; v++) foldColor(map.ratio[v], map.folded[v] === 1, fc, 3 * v);
      cpu.foldColor.needsUpdate = true;
    }
    const pp = cpu.pointPosition.array as Float32Array;
    for (let v = 0; v < model.pointCount; v++) {
      evaluate(c, this.pointLayout, this.pointData, v, model.pointInfo[4 * v + 2], pp, 3 * v);
    }
    cpu.pointPosition.needsUpdate = true;
    if (this.selected >= 0 && this.selected < model.pointCount) {
      (scene.selectedPosition.value as THREE.Vector3).fromArray(pp, 3 * this.selected);
    }
  }

  /** Index of the displayed point nearest to a click in the main view (within a few pixels), or −1. */
  pick(clientX: number, clientY: number, weights: Float32Array, t: number): number {
    const model = this.model;
    const path = this.path;
    if (!model || !path) return -1;
    const layout = layerLayout(model.spec, model.pointCount);
    const data = new Float32Array(layout.totalFloats);
    forwardInto(model.spec, weights, model.pointCoords, model.pointCount, layout, data);
    path.coefficientsAt(t, this.scratch);
    const rect = this.main.domElement.getBoundingClientRect();
    const pos = new Float32Array(3);
    let best = -1;
    let bestDist = 14 * 14;
    for (let v = 0; v < model.pointCount; v++) {
      evaluate(this.scratch, layout, data, v, model.pointInfo[4 * v + 2], pos, 0);
      this.vec.fromArray(pos).project(this.shownCamera());
      const x = rect.left + ((this.vec.x + 1) / 2) * rect.width;
      const y = rect.top + ((1 - this.vec.y) / 2) * rect.height;
      const d = (x - clientX) ** 2 + (y - clientY) ** 2;
      if (d < bestDist) {
        bestDist = d;
        best = v;
      }
    }
    return best;
  }

  /** Where point `index` is drawn in the main view, in client pixels (for tests and tours). */
  screenPosition(index: number, t: number, weights: Float32Array): [number, number] | null {
    const model = this.model;
    const path = this.path;
    if (!model || !path || index < 0 || index >= model.pointCount) return null;
    const inSize = model.spec.inputSize;
    const layout = layerLayout(model.spec, 1);
    const data = new Float32Array(layout.totalFloats);
    forwardInto(
      model.spec,
      weights,
      model.pointCoords.subarray(index * inSize, (index + 1) * inSize),
      1,
      layout,
      data,
    );
    const pos = new Float32Array(3);
    evaluate(path.coefficientsAt(t, this.scratch), layout, data, 0, model.pointInfo[4 * index + 2], pos, 0);
    this.vec.fromArray(pos).project(this.shownCamera());
    const rect = this.main.domElement.getBoundingClientRect();
    return [rect.left + ((this.vec.x + 1) / 2) * rect.width, rect.top + ((1 - this.vec.y) / 2) * rect.height];
  }

  /** Every representation of one point (for the info panel). */
  describePoint(index: number, weights: Float32Array): number[][] {
    const model = this.model;
    if (!model || index < 0) return [];
    const layout = layerLayout(model.spec, 1);
    const data = new Float32Array(layout.totalFloats);
    const inSize = model.spec.inputSize;
    forwardInto(
      model.spec,
      weights,
      model.pointCoords.subarray(index * inSize, (index + 1) * inSize),
      1,
      layout,
      data,
    );
    const out: number[][] = [];
    for (let r = 0; r < layout.width.length; r += 2) {
      out.push(Array.from(data.subarray(layout.offset[r], layout.offset[r] + layout.width[r])));
    }
    return out;
  }

  /**
   * What the main view's vertex stage computes for grid vertices 0, s, 2s, ... (s = grid / count) at
   * slider position t: the same display formula and uniforms, drawn as one pixel per vertex into a float
   * render target and read back. On the CPU path, the positions the CPU computes for drawing.
   */
  async readPositions(t: number, count: number): Promise<number[]> {
    const model = this.model;
    const path = this.path;
    if (!model || !path || !this.gridLayout) return [];
    const stride = Math.max(1, Math.floor(model.grid.count / count));
    const c = path.coefficientsAt(t, this.scratch);
    const out: number[] = [];
    if (!model.gpu) {
      const pos = new Float32Array(3);
      for (let i = 0; i < count; i++) {
        evaluate(c, this.gridLayout, this.gridData, Math.min(model.grid.count - 1, i * stride), 0, pos, 0);
        out.push(pos[0], pos[1], pos[2]);
      }
      return out;
    }
    const probe = this.gpuProbe;
    if (!probe || probe.count !== count || probe.segment !== c.segment) {
      probe?.dispose();
      const w = path.repWidth;
      const k = c.segment;
      this.gpuProbe = new VertexStageProbe(
        count,
        stride,
        model.grid.count,
        k,
        [w[k], w[k + 1], w[k + 1]],
        this.gridStorage,
      );
    }
    return this.gpuProbe!.read(this.main, c, model.gpu.gridLayout);
  }

  /**
   * The fold map as the main view's vertex stage computes it at grid vertices `vertices` and slider
   * position t, with the vertices' input coordinates; null without a GPU grid (foldReadback.ts).
   */
  readFolds(t: number, vertices: readonly number[]): Promise<(FoldReading & { input: number[] }) | null> {
    return readFoldStage(this, this.gridStorage, t, vertices);
  }

  /** The same vertices as readPositions, by the CPU formula from the given weights (for comparison). */
  cpuPositions(t: number, count: number, weights: Float32Array): number[] {
    return this.state?.gridPositions(t, count, weights) ?? [];
  }

  /**
   * For tests: the main camera at slider position t and where `count` grid vertices (those of
   * readPositions) are drawn, in client pixels, by the display formula from `weights`. `viewProjection`
   * (column-major) lets a test project positions read back from the vertex stage the same way.
   */
  probe(count: number, t: number, weights: Float32Array): ViewProbe | null {
    if (!this.model || !this.path) return null;
    const positions = this.cpuPositions(t, count, weights);
    const camera = this.mainCamera(t);
    const rect = this.main.domElement.getBoundingClientRect();
    const points: number[] = [];
    for (let i = 0; i < positions.length; i += 3) {
      this.vec.set(positions[i], positions[i + 1], positions[i + 2]).project(camera);
      points.push(
        rect.left + ((this.vec.x + 1) / 2) * rect.width,
        rect.top + ((1 - this.vec.y) / 2) * rect.height,
      );
    }
    const viewProjection = new THREE.Matrix4().multiplyMatrices(
      camera.projectionMatrix,
      camera.matrixWorldInverse,
    );
    return {
      t,
      camera: {
        position: camera.position.toArray(),
        quaternion: camera.quaternion.toArray() as number[],
        fov: camera.fov,
        aspect: camera.aspect,
      },
      viewProjection: viewProjection.toArray(),
      viewport: { left: rect.left, top: rect.top, width: rect.width, height: rect.height },
      points,
      dims: this.path.dimsAt(t),
      mistakes: { ...this.mistakes },
      marked: this.marked,
    };
  }

  resetCamera(): void {
    this.mainRig.reset();
    this.functionRig.reset();
  }

  /** The camera the main view was last drawn with. */
  private shownCamera(): THREE.Camera {
    return this.settings.functionView && this.functionScene ? this.functionRig.camera : this.mainRig.camera;
  }

  resize(): void {
    for (const r of [this.main, this.strip]) {
      const canvas = r.domElement;
      const w = canvas.clientWidth;
      const h = canvas.clientHeight;
      const size = r.getSize(this.size2);
      if (w > 0 && h > 0 && (size.x !== w || size.y !== h)) {
        r.setSize(w, h, false);
        this.stripDirty = true;
        // The main view's shape paces the slider's phases (DisplayState.setAspect).
        if (r === this.main) this.updateProjections();
      }
    }
  }

  private disposeScenes(): void {
    // The axes and frame move from scene to scene: three.js keeps what it made for them per scene until
    // their geometry and materials are disposed. They are used again afterwards (three uploads them anew).
    this.references.dispose();
    this.gpuProbe?.dispose();
    this.gpuProbe = null;
    for (const s of this.allScenes()) s.dispose();
    this.mainScenes = [];
    this.functionScene?.dispose();
    this.functionScene = null;
    this.stripScenes = [];
    for (const rig of this.stripRigs) rig.dispose();
    this.stripRigs = [];
    this.stripCoefficients.length = 0;
  }

  dispose(): void {
    this.disposeScenes();
    this.mainRig.dispose();
    this.references.dispose();
    this.functionRig.dispose();
    this.main.dispose();
    this.strip.dispose();
  }
}
