/**
 * The strip of small views under the main one: one per representation (the input, then every layer),
 * each a whole layer framed on its own. It is drawn into one canvas, cell by cell, and only when the
 * weights or what it shows changed, at most every other frame: each small view is a full pass, and
 * software GPUs pay for every one.
 */
import * as THREE from 'three/webgpu';
import type { Cameras } from './camera/cameras';
import type { LayerScene } from './draw/layerScene';
import type { LayerDrawer } from './layerDrawer';
import { type DisplayPath } from './math/displayPath';
import { createCoefficients, type Coefficients } from './math/coefficients';
import type { DisplayState } from './math/displayState';

export class StripViews {
  readonly renderer: THREE.WebGPURenderer;
  private scenes: LayerScene[] = [];
  private readonly coefficients: Coefficients[] = [];
  private cells: HTMLElement[] = [];
  /** A cell's height in pixels, as last drawn (points are sized by it). */
  private height = 150;
  private drawnVersion = -1;
  private frameCount = 0;
  /** Set when something other than the weights changed what the strip shows. */
  private dirty = true;
  private readonly box = new THREE.Box3();

  constructor(renderer: THREE.WebGPURenderer) {
    this.renderer = renderer;
    renderer.autoClear = false;
  }

  /**
   * The strip's scenes, one per representation, specialised to the source each cell reads (`scene`
   * builds one for the given source widths); `cells` are the elements the views are drawn under.
   */
  build(path: DisplayPath, scene: (widths: number[]) => LayerScene, cells?: HTMLElement[]): void {
    this.disposeScenes();
    if (cells) this.cells = cells;
    const L = path.layers;
    const z = path.preActivation;
    for (let r = 0; r < path.repWidth.length; r++) {
      // At a layer the formula reads one representation: a_r (as the start of segment r), a_L at the end,
      // or with pre-activations shown z_r (the end of segment r − 1's bias phase).
      const w = path.repWidth[r];
      const widths = r === 0 || (r < L && !z) ? [w, 0, 0] : z ? [0, w, 0] : [0, 0, w];
      this.scenes.push(scene(widths));
      this.coefficients.push(createCoefficients());
    }
  }

  get allScenes(): readonly LayerScene[] {
    return this.scenes;
  }

  /** The cells' coefficients from the path (new weights, projections or sources): the strip redraws. */
  follow(path: DisplayPath): void {
    for (let r = 0; r < this.scenes.length; r++) path.coefficientsAt(r, this.coefficients[r]);
    this.dirty = true;
  }

  /** Something other than the weights changed what the strip shows: it redraws. */
  invalidate(): void {
    this.dirty = true;
  }

  /** Called every frame: redraws the strip when the weights (`version`) or what it shows changed. */
  draw(version: number, state: DisplayState, cameras: Cameras, drawer: LayerDrawer, selected: number): void {
    this.frameCount++;
    if (this.drawnVersion === version && !this.dirty) return;
    if (this.frameCount % 2 === 1 && !this.dirty) return;
    this.drawnVersion = version;
    this.dirty = false;
    const r = this.renderer;
    const canvasRect = r.domElement.getBoundingClientRect();
    r.setScissorTest(false);
    r.clear();
    r.setScissorTest(true);
    for (let k = 0; k < this.scenes.length; k++) {
      const cell = this.cells[k];
      if (!cell) continue;
      const rect = cell.getBoundingClientRect();
      const x = Math.max(0, rect.left - canvasRect.left);
      const y = Math.max(0, canvasRect.bottom - rect.bottom);
      if (rect.width < 2 || rect.height < 2 || x + rect.width > canvasRect.width + 1) continue;
      this.height = rect.height;
      r.setViewport(x, y, rect.width, rect.height);
      r.setScissor(x, y, rect.width, rect.height);
      const c = this.coefficients[k];
      const box = state.probeBox(c, this.box);
      const camera = cameras.stripAt(k, box, c.dims, rect.width / rect.height);
      drawer.draw(r, this.scenes[k], state.path, c, k, camera, box, this.height, selected);
    }
  }

  private disposeScenes(): void {
    for (const s of this.scenes) s.dispose();
    this.scenes = [];
    this.coefficients.length = 0;
  }

  dispose(): void {
    this.disposeScenes();
  }
}
