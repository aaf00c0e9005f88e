/**
 * The main view's one camera: a single perspective camera whose pose is a pure function of the slider
 * position t, the framing table (each position's extent, smoothed over training) and the person's own
 * orbit offset. Nothing switches at a layer boundary:
 *  - orientation: each representation wants a view (top-down for 1-D and 2-D, oblique for 3-D); between
 *    two representations the tilt and turn ease from one to the other over the segment;
 *  - framing: the probes at t, interpolated linearly between the table's samples, fitted to the view at
 *    the current orientation: centred on the middle of their extent across and along the view, at the
 *    nearest distance that shows every one of them (the box's corners would reach far beyond an oblique
 *    cloud). Maxima of continuous functions of t, so the pose is continuous in t as well;
 *  - orbit: dragging turns and tilts, the wheel zooms, right-drag (or shift-drag) pans, all kept as offsets
 *    that survive slider moves; reset() clears them.
 * With prefers-reduced-motion the orientation stays fixed along the whole slider (one gentle oblique view
 * where any representation is 3-D): only the framing follows the points.
 */
import * as THREE from 'three/webgpu';
import {
  FOV,
  fitBox,
  fitPoints,
  orientationAt,
  sampleAt,
  steadyEnvelope,
  viewBasis,
  type Fit,
  type Orientation,
} from '../math/cameraFit';
import type { FramingTable } from '../math/framingTable';

/** The distance over the nearest one that shows every framed probe: a margin around the data. */
const MARGIN = 1.08;
/**
 * The most the camera's distance changes over a slider step of STEADY_STEP (a factor): the fit's
 * distance along the slider is evened out where it would swing faster, and kept exact at every layer
 * (steadyEnvelope).
 */
export const STEADY_CHANGE = 1.23;
export const STEADY_STEP = 0.025;
/** At a layer the camera stands at most this much farther back than its fit (a steadier start into the next). */
export const LAYER_SLACK = 1.15;

export class SliderCamera {
  readonly camera = new THREE.PerspectiveCamera(FOV, 1, 0.01, 1000);
  aspect = 1;
  /** Set when the person moved the camera (kept as an offset; reset() clears it). */
  manual = false;
  /** Ease the orientation between representations (false: one fixed orientation, reduced motion). */
  reducedMotion = false;
  /** How far the camera stands from what it looks at, as last posed. */
  distance = 1;
  /**
   * The distance the fit alone asked for at the last pose (with the margin): it differs from `distance`
   * where the picture grows or shrinks faster than the camera may follow (STEADY_CHANGE).
   */
  fitDistance = 1;
  /** Orbit offsets: turn about the vertical axis and tilt (radians), zoom factor, pan (in view radii). */
  readonly offset = { turn: 0, tilt: 0, zoom: 1, panX: 0, panY: 0 };
  private readonly element: HTMLElement | null;
  private readonly box = new THREE.Box3();
  private readonly basis = { right: new THREE.Vector3(), up: new THREE.Vector3(), back: new THREE.Vector3() };
  private readonly center = new THREE.Vector3();
  private readonly fit: Fit = { center: this.center, distance: 1, radius: 1 };
  private readonly rotation = new THREE.Matrix4();
  private readonly orientation: Orientation = { tilt: 0, turn: 0 };
  private readonly listeners: [string, EventListener][] = [];
  private drag: { x: number; y: number; pan: boolean } | null = null;
  private probes = new Float32Array(0);
  /** The steady distances at the table's samples, and what they were fitted for. */
  private steady = new Float64Array(0);
  private steadyKey = '';
  private steadyTable: FramingTable | null = null;
  private readonly sampleBasis = {
    right: new THREE.Vector3(),
    up: new THREE.Vector3(),
    back: new THREE.Vector3(),
  };
  private readonly sampleFit: Fit = { center: new THREE.Vector3(), distance: 1, radius: 1 };
  private readonly sampleOrientation: Orientation = { tilt: 0, turn: 0 };

  constructor(element: HTMLElement | null) {
    this.element = element;
    if (!element) return;
    const on = (type: string, f: (e: Event) => void): void => {
      element.addEventListener(type, f, { passive: false });
      this.listeners.push([type, f]);
    };
    on('pointerdown', (e) => {
      const p = e as PointerEvent;
      this.drag = { x: p.clientX, y: p.clientY, pan: p.button === 2 || p.shiftKey };
    });
    on('pointermove', (e) => {
      const p = e as PointerEvent;
      const d = this.drag;
      if (!d || p.buttons === 0) {
        this.drag = null;
        return;
      }
      const dx = p.clientX - d.x;
      const dy = p.clientY - d.y;
      if (Math.abs(dx) + Math.abs(dy) < 1) return;
      d.x = p.clientX;
      d.y = p.clientY;
      const h = Math.max(1, element.clientHeight);
      if (d.pan) {
        this.offset.panX -= (2 * dx) / h;
        this.offset.panY += (2 * dy) / h;
      } else {
        this.offset.turn -= (3 * dx) / h;
        this.offset.tilt -= (3 * dy) / h;
      }
      this.manual = true;
    });
    on('pointerup', () => (this.drag = null));
    on('wheel', (e) => {
      const w = e as WheelEvent;
      w.preventDefault();
      this.offset.zoom = Math.min(20, Math.max(0.05, this.offset.zoom * Math.exp(w.deltaY * 0.001)));
      this.manual = true;
    });
    on('contextmenu', (e) => e.preventDefault());
  }

  setAspect(aspect: number): void {
    this.aspect = aspect;
  }

  /**
   * Poses the camera for slider position t from the framing table (its probes, or its boxes where it has
   * none); `dims[r]` the display dimensions of representation r.
   */
  update(t: number, table: FramingTable | null, dims: readonly number[]): THREE.PerspectiveCamera {
    const o = orientationAt(t, dims, this.reducedMotion, this.orientation);
    const tilt = Math.min(1.5, Math.max(-1.5, o.tilt + this.offset.tilt));
    viewBasis(tilt, o.turn + this.offset.turn, this.basis);
    const { right, up, back } = this.basis;
    const cam = this.camera;
    cam.aspect = this.aspect;
    const tanV = Math.tan(THREE.MathUtils.degToRad(FOV / 2));
    const fit = this.fit;
    const center = this.center;
    // The fit, with a margin; where no probe is in view at all, the unit view about the origin.
    let fitted = true;
    if (table && table.count > 0) {
      if (this.probes.length !== 3 * table.count) this.probes = new Float32Array(3 * table.count);
      fitted = fitPoints(table.framedAt(t, this.probes), table.count, this.basis, tanV, this.aspect, fit);
      // How far back: the fit's distance, made steady along the slider (exact at every layer).
      const steady = sampleAt(this.steadyDistances(table, dims, tanV), t, table.perLayer);
      this.fitDistance = fitted ? fit.distance * MARGIN : 1;
      if (fitted && steady > 0) fit.distance = steady;
    } else {
      const box = table
        ? table.boxAt(t, this.box)
        : this.box.set(this.box.min.set(-1, -1, 0), this.box.max.set(1, 1, 0));
      box.getCenter(center);
      const f = fitBox(box, center, this.basis, tanV, this.aspect, 1e-6);
      fit.distance = f.distance;
      fit.radius = f.radius;
    }
    const distance = (fitted ? Math.max(fit.distance * MARGIN, 1e-4) : 1) * this.offset.zoom;
    center
      .addScaledVector(right, this.offset.panX * fit.radius)
      .addScaledVector(up, this.offset.panY * fit.radius);
    this.distance = distance;
    cam.position.copy(center).addScaledVector(back, distance);
    this.rotation.makeBasis(right, up, back);
    cam.quaternion.setFromRotationMatrix(this.rotation);
    cam.near = distance / 100;
    cam.far = distance * 100;
    cam.updateProjectionMatrix();
    cam.updateMatrixWorld(true);
    return cam;
  }

  /**
   * The fitted distance at every sample of the table (t = i / perLayer) with the orientation the camera
   * has there, evened out to change by at most STEADY_CHANGE over STEADY_STEP and exact at every layer
   * (steadyEnvelope); refitted when
   * the table, the view's shape, the orientation's offsets or the dimensions change.
   */
  private steadyDistances(table: FramingTable, dims: readonly number[], tanV: number): Float64Array {
    const key = `${table.version} ${this.aspect} ${this.offset.turn} ${this.offset.tilt} ${this.reducedMotion} ${dims.join()}`;
    if (this.steadyTable === table && this.steadyKey === key) return this.steady;
    const samples = table.boxes.length / 6;
    if (this.steady.length !== samples) this.steady = new Float64Array(samples);
    const probes = new Float32Array(3 * table.count);
    const b = this.sampleBasis;
    const o = this.sampleOrientation;
    for (let i = 0; i < samples; i++) {
      const t = i / table.perLayer;
      orientationAt(t, dims, this.reducedMotion, o);
      viewBasis(Math.min(1.5, Math.max(-1.5, o.tilt + this.offset.tilt)), o.turn + this.offset.turn, b);
      const ok = fitPoints(table.framedAt(t, probes), table.count, b, tanV, this.aspect, this.sampleFit);
      this.steady[i] = ok ? this.sampleFit.distance : 0;
    }
    steadyEnvelope(
      this.steady,
      STEADY_CHANGE ** (1 / (STEADY_STEP * table.perLayer)),
      table.perLayer,
      LAYER_SLACK,
    );
    this.steadyTable = table;
    this.steadyKey = key;
    return this.steady;
  }

  reset(): void {
    this.manual = false;
    Object.assign(this.offset, { turn: 0, tilt: 0, zoom: 1, panX: 0, panY: 0 });
  }

  dispose(): void {
    for (const [type, f] of this.listeners) this.element?.removeEventListener(type, f);
    this.listeners.length = 0;
  }
}
