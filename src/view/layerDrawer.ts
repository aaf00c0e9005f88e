/**
 * The render step of every layer view: where the grid's and the points' layers come from (the engine's
 * buffers, read in place on WebGPU, or a forward pass on the CPU from the latest weights), and one
 * LayerScene drawn at given display coefficients with a given camera.
 */
import * as THREE from 'three/webgpu';
import { uniform } from 'three/tsl';
import type { LayerBufferLayout } from '../engine/types';
import { layerStorage, type N } from './draw/displayNodes';
import type { GpuSources, LayerScene } from './draw/layerScene';
import { bindExternalBuffer } from './draw/renderer';
import { type DisplayPath } from './math/displayPath';
import { evaluate, type Coefficients } from './math/coefficients';
import { foldColor, foldMap, type FoldMap } from './math/foldMap';
import { forwardInto, layerLayout } from './math/forward';
import { gridInputs } from './math/grid';
import { KnnRegions } from './math/knnRegions';
import { shade } from './theme';
import type { ViewModel } from './viewModel';

export class LayerDrawer {
  readonly model: ViewModel;
  readonly gridLayout: LayerBufferLayout;
  readonly pointLayout: LayerBufferLayout;
  /** CPU path: every layer of the grid and of the points from the latest weights (empty on WebGPU). */
  readonly gridData: Float32Array;
  readonly pointData: Float32Array;
  /** WebGPU: storage nodes over the engine's buffers and the output's offsets in them; null on the CPU. */
  readonly gpu: GpuSources | null;
  private readonly shadeOut = new Float32Array(3);
  /** CPU path, k-NN output: (class, share) per grid vertex from the latest weights, and who computes it. */
  readonly regions: Float32Array | null;
  private readonly knn: KnnRegions | null;
  private readonly votes: Float32Array;
  private foldScratch: FoldMap | null = null;

  /** `renderers`: every renderer that draws these layers (the engine's buffers are bound to each). */
  constructor(model: ViewModel, renderers: readonly THREE.WebGPURenderer[]) {
    this.model = model;
    const spec = model.spec;
    if (model.gpu) {
      const gridAttr = new THREE.StorageBufferAttribute(new Float32Array(1), 1);
      const pointAttr = new THREE.StorageBufferAttribute(new Float32Array(1), 1);
      for (const r of renderers) {
        bindExternalBuffer(r, gridAttr, model.gpu.grid);
        bindExternalBuffer(r, pointAttr, model.gpu.points);
      }
      const last = (layout: LayerBufferLayout): number => layout.offset[layout.offset.length - 1];
      this.gpu = {
        grid: layerStorage(gridAttr, model.gpu.gridLayout.totalFloats),
        points: layerStorage(pointAttr, model.gpu.pointLayout.totalFloats),
        gridOutputOffset: uniform(last(model.gpu.gridLayout), 'uint'),
        pointOutputOffset: uniform(last(model.gpu.pointLayout), 'uint'),
        regions: null,
      };
      const regions = model.gpu.regions;
      if (regions) {
        const attr = new THREE.StorageBufferAttribute(new Float32Array(2), 1);
        for (const r of renderers) bindExternalBuffer(r, attr, regions);
        this.gpu.regions = layerStorage(attr, 2 * model.grid.count);
      }
      this.gridLayout = model.gpu.gridLayout;
      this.pointLayout = model.gpu.pointLayout;
      this.gridData = new Float32Array(0);
      this.pointData = new Float32Array(0);
    } else {
      this.gpu = null;
      this.gridLayout = layerLayout(spec, model.grid.count);
      this.pointLayout = layerLayout(spec, model.pointCount);
      this.gridData = new Float32Array(this.gridLayout.totalFloats);
      this.pointData = new Float32Array(this.pointLayout.totalFloats);
    }
    const ref = model.knnReference;
    this.knn = !model.gpu && spec.knn && ref ? new KnnRegions(spec, ref) : null;
    this.regions = this.knn ? new Float32Array(2 * model.grid.count) : null;
    this.votes = new Float32Array(Math.max(2, model.knnReference?.classes ?? 2));
  }

  /** The grid's storage node on WebGPU (null on the CPU path). */
  get gridStorage(): N {
    return this.gpu?.grid ?? null;
  }

  /** New weights: the CPU path's forward passes of the grid and the points (nothing on WebGPU). */
  forward(params: Float32Array): void {
    const model = this.model;
    if (model.gpu) return;
    forwardInto(model.spec, params, gridInputs(model.grid), model.grid.count, this.gridLayout, this.gridData);
    forwardInto(model.spec, params, model.pointCoords, model.pointCount, this.pointLayout, this.pointData);
    if (this.knn && this.regions) {
      this.knn.compute(params, this.gridData, this.gridLayout, model.grid.count, this.regions);
    }
  }

  /**
   * Draws `scene` at coefficients c with `camera`; `layer` the representation shown whole (its straight
   * decision boundary is drawn) or null between layers, `box` the picture's extent (for the boundary),
   * `height` the view's height in pixels, `selected` the selected point or −1.
   */
  draw(
    renderer: THREE.WebGPURenderer,
    scene: LayerScene,
    path: DisplayPath,
    c: Coefficients,
    layer: number | null,
    camera: THREE.Camera,
    box: THREE.Box3,
    height: number,
    selected: number,
  ): void {
    const model = this.model;
    scene.folds.sheet.value = c.dims >= 3 ? 1 : 0;
    if (model.gpu) {
      scene.gridUniforms.set(c, model.gpu.gridLayout);
      scene.pointUniforms.set(c, model.gpu.pointLayout);
    } else {
      this.fillCpu(scene, c, selected);
    }
    // Points keep a similar share of the view from a laptop to a 4K screen.
    scene.pointSize.value = Math.max(4.5, Math.min(13, height / 75));
    // The straight boundary, where the layer after this one is the output.
    const line = layer !== null ? path.linearBoundary(layer) : null;
    scene.setBoundary(line ? line.normal : null, line?.level ?? 0, c.dims, box);
    renderer.render(scene.scene, camera);
  }

  /**
   * A k-NN region's colour (class, share of the votes) as `shade` colours several outputs: the class
   * holds its share, the others split the rest (exact with two classes). Returns the margin.
   */
  private shadeRegion(cls: number, share: number, out: Float32Array, o: number): number {
    const votes = this.votes;
    votes.fill((1 - share) / Math.max(1, votes.length - 1));
    votes[Math.round(cls)] = share;
    return shade(votes, 0, votes.length, out, o);
  }

  /** CPU path: positions and colours into the scene's attributes. */
  private fillCpu(scene: LayerScene, c: Coefficients, selected: number): void {
    const cpu = scene.cpu;
    const model = this.model;
    if (!cpu) return;
    const gp = cpu.gridPosition.array as Float32Array;
    const gc = cpu.gridColor.array as Float32Array;
    const gm = cpu.gridMargin.array as Float32Array;
    const outRep = this.gridLayout.offset.length - 1;
    const units = this.gridLayout.width[outRep];
    const outOffset = this.gridLayout.offset[outRep];
    const [low, high] = model.valueRange;
    for (let v = 0; v < model.grid.count; v++) {
      evaluate(c, this.gridLayout, this.gridData, v, 0, gp, 3 * v);
      if (this.regions) {
        gm[v] = this.shadeRegion(this.regions[2 * v], this.regions[2 * v + 1], gc, 3 * v);
      } else if (model.classes === 0) {
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
    if (selected >= 0 && selected < model.pointCount) {
      (scene.selectedPosition.value as THREE.Vector3).fromArray(pp, 3 * selected);
    }
  }
}
