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
import { framingBoxAt, orientationAt, type FramingTable, type Orientation } from '../math/framingTable';

const FOV = 35;
const EMPTY = new Float64Array(0);
const MARGIN = 1.02;

export class SliderCamera {
  readonly camera = new THREE.PerspectiveCamera(FOV, 1, 0.01, 1000);
  aspect = 1;
  /** Set when the person moved the camera (kept as an offset; reset() clears it). */
  manual = false;
  /** Ease the orientation between representations (false: one fixed orientation, reduced motion). */
  reducedMotion = false;
  /** Orbit offsets: turn about the vertical axis and tilt (radians), zoom factor, pan (in view radii). */
  readonly offset = { turn: 0, tilt: 0, zoom: 1, panX: 0, panY: 0 };
  private readonly element: HTMLElement | null;
  private readonly box = new THREE.Box3();
  private readonly center = new THREE.Vector3();
  private readonly back = new THREE.Vector3();
  private readonly up = new THREE.Vector3();
  private readonly right = new THREE.Vector3();
  private readonly corner = new THREE.Vector3();
  private readonly basis = new THREE.Matrix4();
  private readonly orientation: Orientation = { tilt: 0, turn: 0 };
  private readonly listeners: [string, EventListener][] = [];
  private drag: { x: number; y: number; pan: boolean } | null = null;
  private radius = 1;
  private probes = new Float32Array(0);

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
    const turn = o.turn + this.offset.turn;
    const st = Math.sin(tilt);
    const ct = Math.cos(tilt);
    const sp = Math.sin(turn);
    const cp = Math.cos(turn);
    this.back.set(st * sp, -st * cp, ct);
    this.up.set(-ct * sp, ct * cp, st);
    this.right.set(cp, sp, 0);
    const cam = this.camera;
    cam.aspect = this.aspect;
    let fit: number;
    if (table && table.count > 0) {
      if (this.probes.length !== 3 * table.count) this.probes = new Float32Array(3 * table.count);
      fit = this.fitPoints(table.positionsAt(t, this.probes), table.count);
    } else {
      const box = framingBoxAt(t, table?.boxes ?? EMPTY, table?.perLayer ?? 1, this.box);
      box.getCenter(this.center);
      fit = this.fitDistance(box);
    }
    const distance = fit * this.offset.zoom;
    this.center
      .addScaledVector(this.right, this.offset.panX * this.radius)
      .addScaledVector(this.up, this.offset.panY * this.radius);
    cam.position.copy(this.center).addScaledVector(this.back, distance);
    this.basis.makeBasis(this.right, this.up, this.back);
    cam.quaternion.setFromRotationMatrix(this.basis);
    cam.near = distance / 100;
    cam.far = distance * 100;
    cam.updateProjectionMatrix();
    cam.updateMatrixWorld(true);
    return cam;
  }

  /**
   * Centres the view on the probes' extent across and along it, and returns the distance at which every
   * probe fits the view, with a margin.
   */
  private fitPoints(p: Float32Array, count: number): number {
    const tanV = Math.tan(THREE.MathUtils.degToRad(FOV / 2));
    const tanH = tanV * this.aspect;
    const { right, up, back } = this;
    let h0 = Infinity;
    let h1 = -Infinity;
    let v0 = Infinity;
    let v1 = -Infinity;
    let z0 = Infinity;
    let z1 = -Infinity;
    for (let i = 0; i < count; i++) {
      const x = p[3 * i];
      const y = p[3 * i + 1];
      const z = p[3 * i + 2];
      const h = x * right.x + y * right.y + z * right.z;
      const v = x * up.x + y * up.y + z * up.z;
      const d = x * back.x + y * back.y + z * back.z;
      if (h < h0) h0 = h;
      if (h > h1) h1 = h;
      if (v < v0) v0 = v;
      if (v > v1) v1 = v;
      if (d < z0) z0 = d;
      if (d > z1) z1 = d;
    }
    if (!(h1 >= h0 && v1 >= v0 && z1 >= z0)) {
      this.center.set(0, 0, 0);
      this.radius = 1;
      return 1;
    }
    // A representation collapsed to a point still gets a view around it.
    const floor = 1e-3 * Math.max(1, Math.abs(h0), Math.abs(h1), Math.abs(v0), Math.abs(v1));
    const hc = (h0 + h1) / 2;
    const vc = (v0 + v1) / 2;
    const zc = (z0 + z1) / 2;
    this.center.set(0, 0, 0).addScaledVector(right, hc).addScaledVector(up, vc).addScaledVector(back, zc);
    let distance = 1e-6;
    for (let i = 0; i < count; i++) {
      const x = p[3 * i];
      const y = p[3 * i + 1];
      const z = p[3 * i + 2];
      const h = Math.abs(x * right.x + y * right.y + z * right.z - hc) + floor;
      const v = Math.abs(x * up.x + y * up.y + z * up.z - vc) + floor;
      const d = x * back.x + y * back.y + z * back.z - zc;
      distance = Math.max(distance, d + v / tanV, d + h / tanH);
    }
    this.radius = Math.max((h1 - h0) / 2 / Math.max(1e-6, this.aspect), (v1 - v0) / 2, 1e-6);
    return Math.max(distance * MARGIN, 1e-4);
  }

  /** Distance at which every corner of the box (about its centre) fits the view, with a margin. */
  private fitDistance(box: THREE.Box3): number {
    const tanV = Math.tan(THREE.MathUtils.degToRad(FOV / 2));
    const tanH = tanV * this.aspect;
    let distance = 1e-6;
    let radius = 1e-6;
    for (let i = 0; i < 8; i++) {
      this.corner
        .set(i & 1 ? box.max.x : box.min.x, i & 2 ? box.max.y : box.min.y, i & 4 ? box.max.z : box.min.z)
        .sub(this.center);
      const z = this.corner.dot(this.back);
      const v = Math.abs(this.corner.dot(this.up));
      const h = Math.abs(this.corner.dot(this.right));
      distance = Math.max(distance, z + v / tanV, z + h / tanH);
      radius = Math.max(radius, v, h / Math.max(1e-6, this.aspect));
    }
    this.radius = radius;
    return Math.max(distance * MARGIN, 1e-4);
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
