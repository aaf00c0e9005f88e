/**
 * The network as a diagram, as TensorFlow Playground draws it: one node per unit, each a live heatmap of
 * its unit over the input plane (diagramScene.ts, read on the GPU from the engine's grid layer buffer;
 * painted from the CPU's values on the no-WebGPU fallback), edges and biases from the weights last read
 * back (diagramOverlay.ts), and the gestures that name units and edit parameters (diagramGestures.ts).
 * It draws only while its box is shown, and the heatmaps at most every other frame, as the strip does.
 */
import * as THREE from 'three/webgpu';
import { paramIndex, type ParamRef } from '../../engine/paramRef';
import type { NetworkSpec } from '../../engine/spec';
import type { LayerBufferLayout } from '../../engine/types';
import { fitCanvas } from '../canvasSize';
import { bindExternalBuffer, createRenderer } from '../draw/renderer';
import type { N } from '../draw/displayNodes';
import { diagramLayout, type DiagramLayout } from '../math/diagramLayout';
import { forwardInto, layerLayout } from '../math/forward';
import type { GridGeometry } from '../math/grid';
import { AxisNames, axisUnits } from './axisNames';
import { DiagramGestures, type GestureTarget } from './diagramGestures';
import type { DisplayPath } from '../math/displayPath';
import type { ParamEditHost } from './diagramHost';
import { drawOverlay, paintHeatmaps, type OverlayMarks, type UnitRef } from './diagramOverlay';
import { DiagramScene, type HeatNode } from './diagramScene';
import { classSigns, columnCentres, diagramKey } from './diagramColors';
import type { LayerDrawer } from '../layerDrawer';
import type { ViewModel } from '../viewModel';

/** The most grid vertices the heatmaps' colour scales are measured on (CPU, once per weights read). */
const SCALE_SAMPLES = 256;
/** While training, the edges are drawn again at most this often (ms). */
const OVERLAY_MS = 100;
/**
 * While training, the heatmaps are drawn again at most this often (ms): ten pictures a second follow the
 * training, and the frames between them cost the diagram nothing. Anything else (a resize, a new network,
 * a hand edit while paused) draws at once.
 */
const HEAT_MS = 100;

/** What the diagram draws: the network, the grid, and where the grid's layers live. */
export interface DiagramModel {
  spec: NetworkSpec;
  grid: GridGeometry;
  layout: LayerBufferLayout;
  /** The grid layer buffer as array<f32> (WebGPU), or null. */
  storage: N;
  /** The CPU's layer values of the grid (the fallback), or null. */
  cpuData: Float32Array | null;
}

/** Column r of the diagram reads representation rep(r) of the layer buffer (the activations). */
export const bufferRep = (r: number): number => (r === 0 ? 0 : 2 * r);

export class DiagramView implements GestureTarget {
  readonly root: HTMLElement;
  readonly renderer: THREE.WebGPURenderer | null;
  readonly overlay: HTMLCanvasElement;
  readonly marks: OverlayMarks = { unit: null, selected: null, param: null, readout: null };
  host: ParamEditHost | null = null;
  /** A unit hovered or tapped in the diagram (the layer view highlights it). */
  onUnit: ((unit: UnitRef | null) => void) | null = null;
  private readonly note: HTMLElement;
  /** What the colours mean, under the nodes (with the note and a 3-D input's slice). */
  private readonly key: HTMLElement;
  private readonly foot: HTMLElement;
  private readonly gestures: DiagramGestures;
  private readonly resizes: ResizeObserver | null;
  /** The main view's axes named by their units (axisNames.ts). */
  private readonly axes = new AxisNames();
  private readonly slice: HTMLInputElement;
  private model: DiagramModel | null = null;
  private scene: DiagramScene | null = null;
  private diagram: DiagramLayout | null = null;
  private params: Float32Array | null = null;
  private scales: number[] = [];
  private centres: number[] = [];
  /** Per column and unit: −1 where the unit's high values mean class 1 (drawn orange, as its points). */
  private signs: number[][] = [];
  private scalesDirty = false;
  private readonly size = new THREE.Vector2();
  private heatVersion = -1;
  private heatAt = -Infinity;
  private heatFrames = 0;
  private heatDirty = true;
  private overlayDirty = true;
  private overlayAt = -Infinity;

  constructor(root: HTMLElement, renderer: THREE.WebGPURenderer | null) {
    this.root = root;
    this.renderer = renderer;
    if (renderer) renderer.autoClear = true;
    const doc = root.ownerDocument;
    this.overlay = doc.createElement('canvas');
    this.overlay.className = 'diagram-overlay';
    this.note = doc.createElement('div');
    this.note.className = 'diagram-note';
    this.note.hidden = true;
    this.slice = doc.createElement('input');
    this.slice.type = 'range';
    this.slice.className = 'diagram-slice';
    this.slice.hidden = true;
    this.slice.setAttribute('aria-label', 'Slice through the third input');
    this.slice.addEventListener('input', () => this.setSlice(Number(this.slice.value)));
    this.key = doc.createElement('span');
    this.key.className = 'diagram-key';
    this.foot = doc.createElement('div');
    this.foot.className = 'diagram-foot';
    this.foot.append(this.slice, this.key, this.note);
    root.append(this.overlay, this.foot);
    this.gestures = new DiagramGestures(this.overlay, this);
    this.resizes = typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.invalidate()) : null;
    this.resizes?.observe(root);
    this.axes.onSelect = (unit) => this.setSelected(unit);
  }

  /**
   * The diagram in `root` (its canvas draws the heatmaps on WebGPU; without a device they are painted on
   * the CPU into the overlay).
   */
  static async create(root: HTMLElement, device: GPUDevice | null): Promise<DiagramView> {
    const canvas = root.querySelector('canvas');
    return new DiagramView(root, device && canvas ? await createRenderer(canvas, device) : null);
  }

  /**
   * Shows the strip (`stripBox`), the diagram or both; returns whether what is shown changed (the strip
   * then draws again).
   */
  place(shown: 'strip' | 'diagram' | 'both' = 'strip', stripBox: HTMLElement | null): boolean {
    const hideStrip = shown === 'diagram';
    const hideDiagram = shown === 'strip';
    if (!stripBox || (stripBox.hidden === hideStrip && this.root.hidden === hideDiagram)) return false;
    stripBox.hidden = hideStrip;
    this.root.hidden = hideDiagram;
    this.invalidate();
    return true;
  }

  get layout(): DiagramLayout | null {
    return this.diagram;
  }

  /** Whether the diagram is on the page now. */
  get shown(): boolean {
    return !this.root.hidden && this.root.clientWidth > 0 && this.root.clientHeight > 0;
  }

  /** The slice of a 3-D input shown (0..size−1), or null for other inputs. */
  get sliceIndex(): number | null {
    return this.model?.grid.inputSize === 3 ? Number(this.slice.value) : null;
  }

  /** A new network or grid: `drawer` says where the grid's layers live (GPU buffer or CPU array). */
  build(view: ViewModel, drawer: LayerDrawer): void {
    const model: DiagramModel = {
      spec: view.spec,
      grid: view.grid,
      layout: drawer.gridLayout,
      storage: drawer.gridStorage,
      cpuData: drawer.gpu ? null : drawer.gridData,
    };
    this.scene?.dispose();
    this.scene = null;
    this.model = model;
    this.params = null;
    // Laid out afresh for the new widths at the next draw.
    this.diagram = null;
    const widths = model.layout.width.filter((_, i) => i === 0 || i % 2 === 0);
    this.scales = widths.map(() => 1);
    this.centres = columnCentres(model.spec, view.classes);
    this.signs = classSigns(model.spec, view.classes);
    const count = widths.reduce((a, b) => a + b, 0);
    if (this.renderer && model.storage && view.gpu) {
      // The storage node's attribute stands for the engine's buffer in this renderer too.
      bindExternalBuffer(
        this.renderer,
        (model.storage as { value: THREE.StorageBufferAttribute }).value,
        view.gpu.grid,
      );
      this.scene = new DiagramScene(model.grid, model.storage, count);
    }
    const g = model.grid.size;
    this.slice.hidden = model.grid.inputSize !== 3;
    this.slice.min = '0';
    this.slice.max = String(g - 1);
    // A 3-D input starts at its middle slice; a plane is its only slice.
    const slice = model.grid.inputSize === 3 ? Math.floor(g / 2) : 0;
    this.slice.value = String(slice);
    this.setSlice(slice);
    this.key.textContent = diagramKey(model.spec, view.classes);
    this.key.title = this.key.textContent;
    this.note.hidden = this.scene !== null;
    this.note.textContent = 'Drawn on the CPU from the twin’s values: this browser has no WebGPU.';
    this.invalidate();
  }

  /** 3-D input: shows slice k of the input's lattice. */
  setSlice(k: number): void {
    this.scene?.setSlice(k);
    this.invalidate();
  }

  /** New weights read back: the edges, the biases and the heatmaps' colour scales follow. */
  setParams(params: Float32Array): void {
    this.params = params;
    // Measured when next drawn: a hidden diagram costs nothing.
    this.scalesDirty = true;
    this.heatDirty = true;
    this.overlayDirty = true;
  }

  /** The unit selected in the layer view (framed in the diagram), or null. */
  setSelected(unit: UnitRef | null): void {
    this.marks.selected = unit;
    this.axes.mark(this.marks);
    this.overlayDirty = true;
    this.overlayAt = -Infinity;
  }

  /** Something other than the weights changed what the diagram shows. */
  invalidate(): void {
    this.heatDirty = true;
    this.overlayDirty = true;
    this.overlayAt = -Infinity;
  }

  drawnValue(ref: ParamRef): number | null {
    const { model, params } = this;
    if (!model || !params) return null;
    return params[paramIndex(model.spec, ref)];
  }

  redraw(): void {
    this.overlayAt = -Infinity;
    this.overlayDirty = true;
    this.drawOverlay(performance.now());
  }

  unitTouched(unit: UnitRef | null): void {
    this.marks.unit = unit;
    this.axes.mark(this.marks);
    this.onUnit?.(unit);
  }

  /** No names on the main view's axes (its curves over the input have axes of their own). */
  hideAxisNames(): void {
    this.axes.hide();
  }

  /**
   * Names the main view's axes by their units where it shows a whole representation by its units at t
   * (`path` null: no names, as in the function view or with the axes hidden).
   */
  nameAxes(
    canvas: HTMLCanvasElement,
    camera: THREE.Camera,
    box: THREE.Box3,
    path: DisplayPath | null,
    t: number,
  ): void {
    const on = path ? axisUnits(path, t) : null;
    if (!on || !path) return this.axes.hide();
    this.axes.place(canvas, camera, box, { ...on, layers: path.layers }, this.marks);
  }

  /** Called every frame; `version` counts the weights read, `fresh` says the GPU's layers changed. */
  draw(version: number, fresh: boolean): void {
    const model = this.model;
    if (!model || !this.shown) return;
    const w = this.root.clientWidth;
    const h = this.root.clientHeight;
    if (!this.diagram || this.diagram.box.width !== w || this.diagram.box.height !== h) {
      this.diagram = diagramLayout(
        model.layout.width.filter((_, i) => i === 0 || i % 2 === 0),
        { width: w, height: h },
      );
      this.invalidate();
    }
    this.heatFrames++;
    if (this.scalesDirty && this.params) {
      this.scalesDirty = false;
      this.scales = measureScales(model.spec, this.params, model.grid, this.centres);
    }
    const scene = this.scene;
    const renderer = this.renderer;
    if (scene && renderer) {
      const resized = fitCanvas(renderer, this.size);
      const now = performance.now();
      const trained = fresh && (this.heatFrames % 2 === 0 || version !== this.heatVersion);
      const due =
        this.heatDirty ||
        resized ||
        (!fresh && version !== this.heatVersion) ||
        (trained && now - this.heatAt >= HEAT_MS);
      if (due) {
        this.heatDirty = false;
        this.heatVersion = version;
        this.heatAt = now;
        scene.setNodes(this.heatNodes(), w, h);
        renderer.render(scene.scene, scene.camera);
      }
    }
    this.drawOverlay(performance.now());
  }

  /** What unit `unit` of column r is coloured by: its column's scale signed by its side, and the centre. */
  private shadeOf(r: number, unit: number): { scale: number; centre: number } {
    return { scale: (this.signs[r]?.[unit] ?? 1) * (this.scales[r] ?? 1), centre: this.centres[r] ?? 0 };
  }

  /** The heatmaps to draw, one per node. */
  private heatNodes(): HeatNode[] {
    const { diagram, model } = this;
    if (!diagram || !model) return [];
    const out: HeatNode[] = [];
    diagram.nodes.forEach((column, r) => {
      const rep = bufferRep(r);
      for (const n of column) {
        out.push({
          x: n.x,
          y: n.y,
          size: n.size,
          offset: model.layout.offset[rep],
          width: model.layout.width[rep],
          unit: n.unit,
          ...this.shadeOf(r, n.unit),
        });
      }
    });
    return out;
  }

  private drawOverlay(now: number): void {
    const { diagram, model } = this;
    if (!diagram || !model || !this.overlayDirty || now - this.overlayAt < OVERLAY_MS) return;
    this.overlayDirty = false;
    this.overlayAt = now;
    const canvas = this.overlay;
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    const { width, height } = diagram.box;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const cpuData = model.cpuData;
    const paint =
      !this.scene && cpuData && this.params
        ? () => {
            const form = model.grid.inputSize === 1 ? 'curve' : 'plane';
            const g = form === 'curve' ? model.grid.count : model.grid.size;
            const shade = (r: number, unit: number) => this.shadeOf(r, unit);
            paintHeatmaps(ctx, diagram, model.layout, cpuData, g, form, shade, this.sliceIndex ?? 0);
          }
        : undefined;
    drawOverlay(ctx, diagram, model.spec, this.params, this.marks, paint);
  }

  /**
   * For tests: the nodes in client pixels, the colour scale of each column, the grid's extent, the slice
   * shown and whether the heatmaps are drawn on the GPU.
   */
  probe(): {
    /** Each node, with the signed scale and the centre its heatmap is coloured by (see heatColor). */
    nodes: { rep: number; unit: number; x: number; y: number; size: number; scale: number; centre: number }[];
    scales: number[];
    centres: number[];
    min: number[];
    max: number[];
    slice: number | null;
    gpu: boolean;
    form: 'plane' | 'curve';
  } | null {
    const { diagram, model } = this;
    if (!diagram || !model) return null;
    const rect = this.overlay.getBoundingClientRect();
    const d = model.grid.inputSize;
    const min = Array.from({ length: d }, () => Infinity);
    const max = Array.from({ length: d }, () => -Infinity);
    const pts = model.grid.points;
    for (let v = 0; v < model.grid.count; v++)
      for (let i = 0; i < d; i++) {
        min[i] = Math.min(min[i], pts[v * d + i]);
        max[i] = Math.max(max[i], pts[v * d + i]);
      }
    return {
      nodes: diagram.nodes.flatMap((column, r) =>
        column.map((n) => ({
          ...n,
          x: n.x + rect.left,
          y: n.y + rect.top,
          ...this.shadeOf(r, n.unit),
        })),
      ),
      scales: this.scales.slice(),
      centres: this.centres.slice(),
      min,
      max,
      slice: this.sliceIndex,
      gpu: this.scene !== null,
      form: d === 1 ? 'curve' : 'plane',
    };
  }

  dispose(): void {
    this.scene?.dispose();
    this.scene = null;
    this.renderer?.dispose();
    this.resizes?.disconnect();
    this.axes.dispose();
    this.overlay.remove();
    this.foot.remove();
  }
}

/**
 * The colour scale of each column: the largest |value − centre| of its units over an even sample of the
 * grid (at least 1e-6), from a CPU forward pass of the weights read back.
 */
export function measureScales(
  spec: NetworkSpec,
  params: Float32Array,
  grid: GridGeometry,
  centres: readonly number[],
): number[] {
  const d = grid.inputSize;
  if (d !== spec.inputSize) return Array.from({ length: spec.layers.length + 1 }, () => 1);
  const step = Math.max(1, Math.ceil(grid.count / SCALE_SAMPLES));
  const count = Math.ceil(grid.count / step);
  const points = new Float32Array(count * d);
  for (let k = 0; k < count; k++)
    for (let i = 0; i < d; i++) points[k * d + i] = grid.points[k * step * d + i];
  const layout = layerLayout(spec, count);
  const out = new Float32Array(layout.totalFloats);
  forwardInto(spec, params, points, count, layout, out);
  const scales: number[] = [];
  for (let r = 0; r <= spec.layers.length; r++) {
    const rep = bufferRep(r);
    const start = layout.offset[rep];
    const end = start + count * layout.width[rep];
    let largest = 1e-6;
    const centre = centres[r] ?? 0;
    for (let i = start; i < end; i++) largest = Math.max(largest, Math.abs(out[i] - centre));
    scales.push(largest);
  }
  return scales;
}
