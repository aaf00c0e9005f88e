/**
 * All views of the network: the main view (any slider position, orbit for 3-D) and the strip of small
 * views, one per representation (stripViews.ts). It owns the three.js renderers and scenes; the app hands
 * it the grid, the points, and either the engine's layer buffers (WebGPU) or nothing (the CPU path, where
 * it runs the forward pass itself from the latest weights), and what to show in one settings object
 * (`show`). Each frame, `render(t)` asks the cameras (camera/cameras.ts) for the pose at t and draws with
 * the render step (layerDrawer.ts); the pure maths lives in math/, the three.js drawing in draw/.
 */
import { IDLE_REDRAW_MS } from './math/idleRedraw';
import * as THREE from 'three/webgpu';
import { Cameras } from './camera/cameras';
import type { SliderCamera } from './camera/sliderCamera';
import { readFoldStage, type FoldReading } from './draw/foldReadback';
import { LayerScene, type LayerSceneOptions } from './draw/layerScene';
import { References } from './draw/references';
import { FieldArrows } from './draw/fieldArrows';
import { fitCanvas } from './canvasSize';
import { createRenderer } from './draw/renderer';
import { FunctionView } from './functionView';
import { LayerDrawer } from './layerDrawer';
import { type DisplayPath } from './math/displayPath';
import { createCoefficients } from './math/coefficients';
import { DiagramView } from './diagram/diagramView';
import { DisplayState, type ProjectionSettings } from './math/displayState';
import { MistakeTracker, type MistakeCount } from './math/mistakeTracker';
import { PointLocator, describePoint } from './pointLocator';
import { StripViews } from './stripViews';
import { ViewReadback } from './viewReadback';
import { DEFAULT_VIEW_SETTINGS, type ViewSettings } from './viewSettings';
import type { ViewModel } from './viewModel';

export type { GpuLayers, ViewModel } from './viewModel';
export type { ViewProbe } from './viewReadback';
export type { ProjectionMode, ViewSettings } from './viewSettings';

const NO_MISTAKES: MistakeCount = { train: 0, test: 0 };
/** Input on a canvas that may move a camera or a highlight: the next frame is drawn. */
const CANVAS_INPUT = ['pointerdown', 'pointermove', 'pointerup', 'wheel', 'dblclick'] as const;

export class Views {
  readonly main: THREE.WebGPURenderer;
  readonly strip: THREE.WebGPURenderer;
  /** Units chosen for wide layers in 'units' mode, per representation. */
  readonly unitPicks = new Map<number, number[]>();
  private readonly cameras: Cameras;
  private readonly stripViews: StripViews;
  /** The network as a diagram (diagram/diagramView.ts), where the page has a place for it. */
  readonly diagram: DiagramView | null;
  private readonly references = new References();
  /** A vector-field layer's arrows and anchors while the slider is at its input or inside it. */
  private readonly fieldArrows = new FieldArrows();
  private readonly locator = new PointLocator();
  /** What the person chose to see (see show). */
  private settings: ViewSettings = DEFAULT_VIEW_SETTINGS;
  private viewModel: ViewModel | null = null;
  /** Where everything is drawn, on the CPU: the path, the probes, the projections, the framing. */
  private displayState: DisplayState | null = null;
  private drawer: LayerDrawer | null = null;
  /** Main view scenes, one per segment (the shader is specialised to the segment's widths). */
  private mainScenes: (LayerScene | null)[] = [];
  private sceneOptions: Omit<LayerSceneOptions, 'widths'> | null = null;
  private functionView: FunctionView | null = null;
  private selectedIndex = -1;
  private mistakeTracker: MistakeTracker | null = null;
  private mistakeAttribute: THREE.InstancedBufferAttribute | null = null;
  private readonly mainCoefficients = createCoefficients();
  private readonly scratch = createCoefficients();
  private readonly box = new THREE.Box3();
  private readonly size2 = new THREE.Vector2();
  /** Counts the weights drawn: the strip and the function view redraw when it moves. */
  private paramsVersion = 0;
  /** Reads back what the shaders drew, for tests: marks, vertex positions, probes (viewReadback.ts). */
  readonly readback = new ViewReadback(this);
  /** Counts what changed the picture besides the slider and the training (settings, weights, input). */
  private changes = 0;
  /** What the last drawn frame showed, and when it was drawn (see render). */
  private drawn = { key: '', at: -Infinity };

  private constructor(
    main: THREE.WebGPURenderer,
    strip: THREE.WebGPURenderer,
    mainCanvas: HTMLCanvasElement,
    diagram: DiagramView | null,
  ) {
    this.main = main;
    this.strip = strip;
    this.diagram = diagram;
    this.stripViews = new StripViews(strip);
    const reducedMotion =
      typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.cameras = new Cameras(mainCanvas, reducedMotion);
    for (const canvas of [mainCanvas, strip.domElement])
      for (const type of CANVAS_INPUT) canvas.addEventListener(type, () => this.changes++, { passive: true });
  }

  static async create(
    mainCanvas: HTMLCanvasElement,
    stripCanvas: HTMLCanvasElement,
    device: GPUDevice | null,
    diagramRoot: HTMLElement | null = null,
  ): Promise<Views> {
    const main = await createRenderer(mainCanvas, device);
    const strip = await createRenderer(stripCanvas, device);
    const diagram = diagramRoot ? await DiagramView.create(diagramRoot, device) : null;
    const views = new Views(main, strip, mainCanvas, diagram);
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

  /** The main view's one camera: a pure function of the slider, the framing table and the orbit offset. */
  get mainRig(): SliderCamera {
    return this.cameras.main;
  }

  /** What the views show now (the last settings passed to show). */
  get shown(): ViewSettings {
    return this.settings;
  }

  /** The selected point's index, or −1. */
  get selected(): number {
    return this.selectedIndex;
  }

  /** Misclassified points on display, train and test (from the latest weights read back). */
  get mistakes(): MistakeCount {
    return this.mistakeTracker?.count ?? NO_MISTAKES;
  }

  /** Vertices pushed through the network for one frame. */
  get verticesPerFrame(): number {
    return this.model ? this.model.grid.count + this.model.pointCount : 0;
  }

  /** New network, grid or points: rebuilds every scene. */
  build(model: ViewModel, cells: HTMLElement[]): void {
    this.changes++;
    this.disposeScenes();
    this.viewModel = model;
    const spec = model.spec;
    const state = new DisplayState(model);
    this.displayState = state;
    const path = state.path;
    const drawer = new LayerDrawer(model, [this.main, this.strip]);
    this.drawer = drawer;
    this.mistakeTracker =
      model.classes > 0
        ? new MistakeTracker(
            spec,
            model.pointCoords.subarray(0, model.pointCount * spec.inputSize),
            model.pointValues.subarray(0, model.pointCount),
            model.pointInfo,
            model.knnReference,
          )
        : null;
    // The shader's rule reads the outputs; a k-NN output's marks come from the CPU's vote instead.
    this.mistakeAttribute =
      this.mistakeTracker && (!model.gpu || spec.knn)
        ? new THREE.InstancedBufferAttribute(this.mistakeTracker.flags, 1)
        : null;
    this.mistakeAttribute?.setUsage(THREE.DynamicDrawUsage);
    this.sceneOptions = {
      mistakes: this.mistakeAttribute,
      grid: model.grid,
      pointCount: model.pointCount,
      pointInfo: model.pointInfo,
      outputUnits: spec.layers[spec.layers.length - 1].units,
      classes: model.classes,
      gpu: drawer.gpu,
      // The input plane's triangles (with feature inputs too: the plane lifted by them).
      surface: model.grid.inputSize === 2,
    };
    if (spec.inputSize === 1) {
      this.functionView = new FunctionView({
        grid: model.grid,
        layout: drawer.gridLayout,
        repWidth: path.repWidth,
        gpu: drawer.gridStorage,
        pointX: model.pointCoords,
        pointY: model.pointValues,
        pointInfo: model.pointInfo,
        classes: model.classes,
      });
    }
    this.readback.attach(model, path, drawer, this.mistakeTracker);
    this.diagram?.build(model, drawer);
    this.mainScenes = spec.layers.map(() => null);
    path.preActivation = this.settings.preActivation;
    this.buildStrip(cells);
    this.cameras.main.reset();
    this.applyVisibility();
  }

  /** The strip's scenes and cameras afresh, for the sources its cells read now. */
  private buildStrip(cells?: HTMLElement[]): void {
    this.cameras.clearStrip();
    this.stripViews.build(this.path!, (widths) => this.newScene({ ...this.sceneOptions!, widths }), cells);
  }

  /** Shows what `settings` asks for, in every view from the next frame on. */
  show(settings: ViewSettings): void {
    this.changes++;
    this.settings = { ...settings };
    this.applyVisibility();
    // The strip, the diagram or both beside the main view.
    if (this.diagram?.place(settings.networkView, this.strip.domElement.parentElement))
      this.stripViews.invalidate();
  }

  /** Reads back which points the shader marks as misclassified; see probe().marked. */
  checkMarks(): void {
    this.changes++;
    this.readback.checkMarks();
  }

  /** Pre-activations on or off: the strip reads other sources, the framing and the projections follow. */
  private applyPreActivation(): void {
    const state = this.state;
    if (!state || !state.setPreActivation(this.settings.preActivation, this.projectionSettings())) return;
    this.buildStrip();
    this.stripViews.follow(state.path);
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
    yield* this.stripViews.allScenes;
  }

  private applyVisibility(): void {
    this.applyPreActivation();
    this.stripViews.invalidate();
    for (const s of this.allScenes()) this.applyVisibilityTo(s);
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
    this.changes++;
    this.selectedIndex = index;
    this.stripViews.invalidate();
    for (const s of this.allScenes()) this.applySelection(s);
  }

  private applySelection(s: LayerScene): void {
    const m = this.model;
    const index = m && this.selected < m.pointCount ? this.selected : -1;
    s.selected.value = index;
    s.selectedJitter.value = index >= 0 ? m!.pointInfo[4 * index + 2] : 0;
    s.marker.visible = index >= 0 && this.settings.showPoints;
  }

  /** The main view's width over height. */
  private mainAspect(): number {
    const size = this.main.getSize(this.size2);
    return size.x / Math.max(1, size.y);
  }

  /** The views' projection settings, as the display state reads them (and the main view's aspect). */
  private projectionSettings(): ProjectionSettings {
    this.state?.setAspect(this.mainAspect());
    return { mode: this.settings.projection, wideDims: this.settings.wideDims, unitPicks: this.unitPicks };
  }

  /** New weights on the CPU: unit orders, paths, projections, strip coefficients, CPU forward passes. */
  setParams(params: Float32Array): void {
    this.changes++;
    const state = this.state;
    if (!state || !this.drawer) return;
    state.setParams(params, this.projectionSettings());
    this.drawer.forward(params);
    if (this.mistakeTracker) {
      this.mistakeTracker.update(params);
      if (this.mistakeAttribute) this.mistakeAttribute.needsUpdate = true;
    }
    this.stripViews.follow(state.path);
    this.diagram?.setParams(params);
    this.paramsVersion++;
  }

  /** Re-applies projection settings (units / PCA / decision) to every wide representation. */
  updateProjections(): void {
    this.changes++;
    const state = this.state;
    if (!state) return;
    state.updateProjections(this.projectionSettings());
    this.stripViews.follow(state.path);
  }

  /**
   * Draws everything at slider position t; returns whether it drew. With `fresh` false (no training, no
   * new weights) only when something shown changed (the slider, a setting, a size, input on a canvas), and
   * at least every `idleMs`, so anything read back later still reaches the screen.
   */
  render(t: number, fresh = true, idleMs = IDLE_REDRAW_MS): boolean {
    const { state, drawer } = this;
    if (!state || !drawer || !this.sceneOptions) return false;
    const now = performance.now();
    const key = this.frameKey(t);
    if (!fresh && key === this.drawn.key && now - this.drawn.at < idleMs) return false;
    this.drawn = { key, at: now };
    const path = state.path;
    // Segment k and local parameter u at t, once: the picture's coefficients and the range frame read them.
    const { k, u } = path.phaseOf(t);
    const c = path.coefficientsInSegment(k, u, this.mainCoefficients);
    if (this.settings.functionView && this.functionView) {
      const gridData = drawer.gpu ? null : drawer.gridData;
      const { references, settings, cameras } = this;
      const aspect = this.mainAspect();
      this.diagram?.hideAxisNames();
      this.functionView.draw(
        this.main,
        t,
        state,
        this.paramsVersion,
        gridData,
        references,
        settings.showReferences,
        cameras,
        aspect,
      );
    } else {
      const camera = this.cameras.mainAt(t, state, this.mainAspect());
      const box = state.framing.boxAt(t, this.box);
      const scene = this.mainScene(c.segment);
      const shown = this.settings;
      this.references.place(scene.scene, path, k, u, box, shown.showReferences, c.dims);
      const grid = this.model?.grid ?? null;
      this.fieldArrows.follow(scene.scene, path, grid, t, box, this.paramsVersion, shown.showField !== false);
      const height = this.main.getSize(this.size2).y;
      // The straight boundary is drawn at a layer (a whole slider position) only.
      const layer = Number.isInteger(t) ? t : null;
      drawer.draw(this.main, scene, path, c, layer, camera, box, height, this.selected);
      this.diagram?.nameAxes(
        this.main.domElement,
        camera,
        box,
        this.settings.showReferences ? path : null,
        t,
      );
    }
    this.stripViews.draw(this.paramsVersion, state, this.cameras, drawer, this.selected);
    this.diagram?.draw(this.paramsVersion, fresh);
    return true;
  }

  /** What a frame at t shows, as far as the views know: equal keys draw equal pictures. */
  private frameKey(t: number): string {
    const [w, h] = this.main.getSize(this.size2).toArray();
    const strip = this.strip.getSize(this.size2);
    return `${t} ${this.changes} ${w}x${h}@${this.main.getPixelRatio()} ${strip.x}x${strip.y}@${this.strip.getPixelRatio()}`;
  }

  /** The main camera posed for slider position t (a pure function of t, the framing and the orbit). */
  mainCamera(t: number): THREE.PerspectiveCamera {
    return this.cameras.mainAt(t, this.state, this.mainAspect());
  }

  /** The camera the main view was last drawn with. */
  private shownCamera(): THREE.Camera {
    return this.cameras.shown(this.settings.functionView && this.functionView !== null);
  }

  /** Index of the displayed point nearest to a click in the main view (within a few pixels), or −1. */
  pick(clientX: number, clientY: number, weights: Float32Array, t: number): number {
    const { model, path } = this;
    if (!model || !path) return -1;
    const rect = this.main.domElement.getBoundingClientRect();
    return this.locator.pick(model, path, weights, t, this.shownCamera(), rect, clientX, clientY);
  }

  /** Where point `index` is drawn in the main view, in client pixels (for tests and tours). */
  screenPosition(index: number, t: number, weights: Float32Array): [number, number] | null {
    const { model, path } = this;
    if (!model || !path || index < 0 || index >= model.pointCount) return null;
    const rect = this.main.domElement.getBoundingClientRect();
    return this.locator.screenPosition(model, path, index, t, weights, this.shownCamera(), rect);
  }

  /** Every representation of one point (for the info panel). */
  describePoint(index: number, weights: Float32Array): number[][] {
    const model = this.model;
    return model && index >= 0 ? describePoint(model, index, weights) : [];
  }

  /** The fold map as the main view's vertex stage computes it at grid vertices (foldReadback.ts). */
  readFolds(t: number, vertices: readonly number[]): Promise<(FoldReading & { input: number[] }) | null> {
    return readFoldStage(this, this.drawer?.gridStorage ?? null, t, vertices);
  }

  resetCamera(): void {
    this.changes++;
    this.cameras.reset();
  }

  resize(): void {
    for (const r of [this.main, this.strip]) {
      // Within the device's largest texture, whatever the layout does (canvasSize.ts).
      if (fitCanvas(r, this.size2)) {
        this.changes++;
        this.stripViews.invalidate();
        // The main view's shape paces the slider's phases (DisplayState.setAspect).
        if (r === this.main) this.updateProjections();
      }
    }
  }

  private disposeScenes(): void {
    // The axes and frame move from scene to scene: three.js keeps what it made for them per scene until
    // their geometry and materials are disposed. They are used again afterwards (three uploads them anew).
    this.references.dispose();
    this.readback.clear();
    for (const s of this.mainScenes) s?.dispose();
    this.mainScenes = [];
    this.functionView?.dispose();
    this.functionView = null;
    this.stripViews.dispose();
    this.cameras.clearStrip();
  }

  dispose(): void {
    this.disposeScenes();
    this.cameras.dispose();
    this.references.dispose();
    this.main.dispose();
    this.strip.dispose();
    this.diagram?.dispose();
  }
}
