/**
 * Every camera of the views, decided in one place: the main view's one perspective camera (a pure
 * function of the slider, the framing table and the person's orbit: sliderCamera.ts), the strip's small
 * views (each framed at once on its box: they are drawn now and then only) and the function view (its
 * box filling the view in both directions). The maths they fit with is in math/cameraFit.ts; the views ask
 * here for a posed camera and draw with it.
 */
import * as THREE from 'three/webgpu';
import type { FramingTable } from '../math/framingTable';
import { CameraRig } from './cameraRig';
import { SliderCamera } from './sliderCamera';

/** What the main camera is framed by: the framing table and each representation's display dimensions. */
export interface MainFraming {
  readonly framing: FramingTable;
  readonly repDims: readonly number[];
}

export class Cameras {
  /** The main view's camera, with the person's orbit offsets (dragging, wheel) on `element`. */
  readonly main: SliderCamera;
  private readonly functionRig = new CameraRig(null);
  private stripRigs: CameraRig[] = [];

  /** `reducedMotion`: the main camera keeps one orientation along the whole slider. */
  constructor(element: HTMLElement | null, reducedMotion: boolean) {
    this.main = new SliderCamera(element);
    this.main.reducedMotion = reducedMotion;
  }

  /**
   * The main camera posed for slider position t in a view of width over height `aspect`; before there is
   * anything to frame, as it was last posed.
   */
  mainAt(t: number, framing: MainFraming | null, aspect: number): THREE.PerspectiveCamera {
    if (!framing) return this.main.camera;
    this.main.setAspect(aspect);
    return this.main.update(t, framing.framing, framing.repDims);
  }

  /** Strip cell k's camera, framed at once on `box` with `dims` display dimensions. */
  stripAt(k: number, box: THREE.Box3, dims: number, aspect: number): THREE.Camera {
    let rig = this.stripRigs[k];
    if (!rig) {
      rig = new CameraRig(null);
      this.stripRigs[k] = rig;
    }
    rig.setDims(Math.max(2, dims));
    rig.setAspect(aspect);
    rig.frame(box, true);
    return rig.camera;
  }

  /** The function view's camera: `box` fills the view in both directions (y over x). */
  functionAt(box: THREE.Box3, aspect: number): THREE.Camera {
    this.functionRig.setAspect(aspect);
    this.functionRig.frameStretched(box);
    return this.functionRig.camera;
  }

  /** The camera the main view was last drawn with (the function view's, or the slider's). */
  shown(functionView: boolean): THREE.Camera {
    return functionView ? this.functionRig.camera : this.main.camera;
  }

  /** The strip is built anew: its cameras start afresh. */
  clearStrip(): void {
    for (const rig of this.stripRigs) rig.dispose();
    this.stripRigs = [];
  }

  /** The person's orbit and framing overrides cleared. */
  reset(): void {
    this.main.reset();
    this.functionRig.reset();
  }

  dispose(): void {
    this.clearStrip();
    this.main.dispose();
    this.functionRig.dispose();
  }
}
