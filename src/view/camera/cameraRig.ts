/**
 * The camera of one view: orthographic for 1-D and 2-D representations, perspective with orbit controls
 * for 3-D ones. It frames the data on its own (smoothly, as the representation moves) until the person
 * pans, zooms or orbits; "reset camera" hands framing back to it.
 */
import * as THREE from 'three/webgpu';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { fitBox, frameRadius, stretchedBounds } from '../math/cameraFit';

const FRAME_MARGIN = 1.12;

export class CameraRig {
  readonly ortho = new THREE.OrthographicCamera(-1, 1, 1, -1, -100, 100);
  readonly perspective = new THREE.PerspectiveCamera(40, 1, 0.01, 1000);
  readonly controls: OrbitControls | null;
  dims = 2;
  aspect = 1;
  /** Set when the person moved the camera: automatic framing stops until reset. */
  manual = false;
  private readonly center = new THREE.Vector3();
  private readonly size = new THREE.Vector3();
  private readonly targetCenter = new THREE.Vector3();
  private targetRadius = 1;
  private radius = 1;
  private framed = false;
  private readonly direction = new THREE.Vector3(1.1, -1.6, 1.05).normalize();
  private readonly tmp = new THREE.Vector3();
  private readonly targetBox = new THREE.Box3();
  private readonly right = new THREE.Vector3();
  private readonly upward = new THREE.Vector3();

  constructor(element: HTMLElement | null) {
    this.perspective.up.set(0, 0, 1);
    this.perspective.position.copy(this.direction).multiplyScalar(4);
    if (element) {
      this.controls = new OrbitControls(this.perspective, element);
      this.controls.enableDamping = false;
      this.controls.addEventListener('start', () => {
        this.manual = true;
      });
    } else {
      this.controls = null;
    }
  }

  get camera(): THREE.Camera {
    return this.dims === 3 ? this.perspective : this.ortho;
  }

  setDims(dims: number): void {
    if (dims === this.dims) return;
    this.dims = dims;
    if (this.controls) {
      // Orbiting is for 3-D; 2-D views keep pan and zoom through the orthographic camera.
      this.controls.object = dims === 3 ? this.perspective : this.ortho;
      this.controls.enableRotate = dims === 3;
      this.controls.screenSpacePanning = true;
    }
    this.framed = false;
  }

  setAspect(aspect: number): void {
    this.aspect = aspect;
    this.perspective.aspect = aspect;
    this.perspective.updateProjectionMatrix();
  }

  /** Frames the box; `immediate` jumps instead of easing. */
  frame(box: THREE.Box3, immediate = false): void {
    if (box.isEmpty()) return;
    box.getCenter(this.targetCenter);
    box.getSize(this.size);
    this.targetBox.copy(box);
    this.targetRadius = frameRadius(this.size, this.dims, this.aspect);
    if (!this.framed || immediate) {
      this.center.copy(this.targetCenter);
      this.radius = this.targetRadius;
      this.framed = true;
    }
    this.apply(immediate);
  }

  /** Eases towards the framing target; call once a frame. */
  apply(immediate = false): void {
    if (this.manual) {
      this.updateOrtho(false);
      return;
    }
    const k = immediate ? 1 : 0.15;
    this.center.lerp(this.targetCenter, k);
    this.radius += (this.targetRadius - this.radius) * k;
    if (this.dims === 3) {
      this.tmp.copy(this.perspective.position).sub(this.controls?.target ?? this.center);
      if (this.tmp.lengthSq() < 1e-12) this.tmp.copy(this.direction);
      const distance = this.fitDistance(this.tmp.normalize()) * (this.radius / this.targetRadius);
      this.tmp.setLength(distance);
      this.perspective.position.copy(this.center).add(this.tmp);
      this.perspective.near = distance / 100;
      this.perspective.far = distance * 100;
      this.perspective.updateProjectionMatrix();
      if (this.controls) this.controls.target.copy(this.center);
      this.perspective.lookAt(this.center);
    } else {
      this.updateOrtho(true);
    }
  }

  /**
   * Distance along `back` (unit, from the target towards the camera) at which the box fits the view:
   * every corner p (relative to the centre) needs D ≥ p·back + |p·up| / tan(fov/2), and likewise
   * sideways with the aspect.
   */
  private fitDistance(back: THREE.Vector3): number {
    const tanV = Math.tan(THREE.MathUtils.degToRad(this.perspective.fov / 2));
    this.right.crossVectors(this.perspective.up, back);
    if (this.right.lengthSq() < 1e-12) this.right.set(1, 0, 0);
    this.right.normalize();
    this.upward.crossVectors(back, this.right).normalize();
    const basis = { right: this.right, up: this.upward, back };
    const { distance } = fitBox(this.targetBox, this.targetCenter, basis, tanV, this.aspect, 1e-3);
    return distance * FRAME_MARGIN;
  }

  private updateOrtho(fit: boolean): void {
    const o = this.ortho;
    if (fit) {
      const h = this.radius * FRAME_MARGIN;
      o.left = -h * this.aspect;
      o.right = h * this.aspect;
      o.top = h;
      o.bottom = -h;
      o.position.set(this.center.x, this.center.y, 10);
      o.zoom = 1;
      if (this.controls) this.controls.target.set(this.center.x, this.center.y, 0);
    } else {
      const h = (o.top - o.bottom) / 2;
      o.left = -h * this.aspect;
      o.right = h * this.aspect;
    }
    o.up.set(0, 1, 0);
    o.lookAt(o.position.x, o.position.y, 0);
    o.updateProjectionMatrix();
  }

  /** Frames a box filling the view in both directions (unequal scales: plots of y over x). */
  frameStretched(box: THREE.Box3): void {
    this.setDims(2);
    if (this.manual || box.isEmpty()) {
      this.updateOrtho(false);
      return;
    }
    const o = this.ortho;
    o.position.set(0, 0, 10);
    Object.assign(o, stretchedBounds(box));
    o.zoom = 1;
    o.up.set(0, 1, 0);
    o.lookAt(0, 0, 0);
    o.updateProjectionMatrix();
    if (this.controls) this.controls.target.set(0, 0, 0);
    this.framed = false;
  }

  /** Back to automatic framing, 3-D views to the default angle. */
  reset(): void {
    this.manual = false;
    this.framed = false;
    this.perspective.position.copy(this.center).addScaledVector(this.direction, 4);
  }

  dispose(): void {
    this.controls?.dispose();
  }
}
