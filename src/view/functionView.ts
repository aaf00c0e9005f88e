/**
 * The main view for a 1-D input, shown as curves over the input (functionScene.ts): the output and the
 * units of the slider's layer, on one vertical scale at every slider position (the data and every unit's
 * curve, of every layer), with the axes as references.
 */
import * as THREE from 'three/webgpu';
import type { Cameras } from './camera/cameras';
import { FunctionScene, type FunctionSceneOptions } from './draw/functionScene';
import type { References } from './draw/references';
import type { DisplayState } from './math/displayState';

export class FunctionView {
  private readonly scene: FunctionScene;
  private filledVersion = -1;
  private boxVersion = -1;
  private readonly box = new THREE.Box3();
  private readonly vec = new THREE.Vector3();

  constructor(options: FunctionSceneOptions) {
    this.scene = new FunctionScene(options);
  }

  /**
   * Draws slider position t with the weights of `version`; `gridData` the grid's layers on the CPU path
   * (null on WebGPU, where the curves read the engine's buffer), `references` the axes or null.
   */
  draw(
    renderer: THREE.WebGPURenderer,
    t: number,
    state: DisplayState,
    version: number,
    gridData: Float32Array | null,
    references: References,
    showReferences: boolean,
    cameras: Cameras,
    aspect: number,
  ): void {
    const f = this.scene;
    f.show(t);
    if (gridData && this.filledVersion !== version) {
      f.fill(gridData);
      this.filledVersion = version;
    }
    if (this.boxVersion !== version) {
      this.measure(state);
      this.boxVersion = version;
    }
    const box = this.box;
    if (showReferences) {
      references.group.visible = true;
      if (references.group.parent !== f.scene) f.scene.add(references.group);
      references.update(box, 2, null, 0, true);
    } else references.group.visible = false;
    renderer.render(f.scene, cameras.functionAt(box, aspect));
  }

  /** One vertical scale for every slider position: the data and every unit's curve, of every layer. */
  private measure(state: DisplayState): void {
    const layout = state.probeLayout;
    const fixed = this.box.copy(this.scene.box);
    for (let v = state.pointProbeCount; v < state.probeCount; v++) {
      const x = state.probeCoords[v];
      for (let r = 1; r <= state.data.spec.layers.length; r++) {
        const w = layout.width[2 * r];
        for (let u = 0; u < w; u++)
          fixed.expandByPoint(this.vec.set(x, state.probeData[layout.offset[2 * r] + v * w + u], 0));
      }
    }
  }

  dispose(): void {
    this.scene.dispose();
  }
}
