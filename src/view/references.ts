/**
 * Fixed references in the main view: axes through the origin of the representation on display, with
 * ticks at a round spacing, and the range of the activation (the [-1, 1] box of tanh, [0, 1] of sigmoid)
 * as a faint frame, so that the bias phase reads as a translation and the activation phase as a squashing
 * into that box. The geometry is built once; each frame only sets a few uniforms and transforms.
 */
import * as THREE from 'three/webgpu';
import { abs, attribute, float, step, uniform } from 'three/tsl';
import type { N } from './nodes';

const TICKS = 12;

/** The range of an activation where it is a bounded box, or null. */
export function activationRange(activation: string): [number, number] | null {
  if (activation === 'tanh') return [-1, 1];
  if (activation === 'sigmoid') return [0, 1];
  return null;
}

/** A round tick spacing (1, 2 or 5 × 10ⁿ) giving about five ticks over `extent`. */
export function tickSpacing(extent: number): number {
  const raw = Math.max(1e-9, extent) / 5;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

export class References {
  readonly group = new THREE.Group();
  private readonly axes: THREE.LineSegments;
  private readonly ticks: THREE.LineSegments;
  private readonly frame: THREE.LineSegments;
  private readonly frameMaterial: THREE.LineBasicNodeMaterial;
  private readonly spacing: N = uniform(1);
  private readonly tickSize: N = uniform(0.05);
  private readonly axisLength: N = uniform(1);
  private readonly zOn: N = uniform(1);
  private readonly disposables: { dispose(): void }[] = [];

  constructor() {
    // Axes: ±1 on each axis, scaled per frame.
    const axisGeometry = new THREE.BufferGeometry();
    axisGeometry.setAttribute(
      'position',
      new THREE.BufferAttribute(
        Float32Array.from([-1, 0, 0, 1, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, -1, 0, 0, 1]),
        3,
      ),
    );
    const axisMaterial = new THREE.LineBasicNodeMaterial({
      color: 0xb8c2cc,
      transparent: true,
      opacity: 0.55,
    });
    axisMaterial.depthWrite = false;
    this.axes = new THREE.LineSegments(axisGeometry, axisMaterial);

    // Ticks: for axis a and i in −TICKS..TICKS, a short segment across the axis at i · spacing.
    const base: number[] = [];
    const across: number[] = [];
    for (let a = 0; a < 3; a++) {
      for (let i = -TICKS; i <= TICKS; i++) {
        if (i === 0) continue;
        for (const side of [-1, 1]) {
          base.push(a === 0 ? i : 0, a === 1 ? i : 0, a === 2 ? i : 0);
          // Across x: along y; across y and z: along x.
          across.push(a === 0 ? 0 : side, a === 0 ? side : 0, 0);
        }
      }
    }
    const tickGeometry = new THREE.BufferGeometry();
    tickGeometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(base.length), 3));
    tickGeometry.setAttribute('base', new THREE.BufferAttribute(Float32Array.from(base), 3));
    tickGeometry.setAttribute('across', new THREE.BufferAttribute(Float32Array.from(across), 3));
    const tickMaterial = new THREE.LineBasicNodeMaterial({
      color: 0xb8c2cc,
      transparent: true,
      opacity: 0.55,
    });
    tickMaterial.depthWrite = false;
    const b: N = attribute('base', 'vec3');
    const along: N = b.mul(this.spacing);
    // Ticks beyond the axis, and z ticks when the picture is flat, collapse to nothing.
    const reach: N = abs(along.x).add(abs(along.y)).add(abs(along.z));
    const shown: N = step(reach, this.axisLength).mul(
      float(1).sub(abs(b.z).min(1).mul(float(1).sub(this.zOn))),
    );
    tickMaterial.positionNode = along.add(attribute('across', 'vec3').mul(this.tickSize)).mul(shown);
    this.ticks = new THREE.LineSegments(tickGeometry, tickMaterial);

    // The activation's range: the edges of the unit cube, placed and scaled per frame.
    const edges: number[] = [];
    for (let a = 0; a < 3; a++) {
      for (let c = 0; c < 4; c++) {
        const p = [0, 0, 0];
        const q = [0, 0, 0];
        const o = [(a + 1) % 3, (a + 2) % 3];
        p[o[0]] = q[o[0]] = c & 1;
        p[o[1]] = q[o[1]] = (c >> 1) & 1;
        q[a] = 1;
        edges.push(...p, ...q);
      }
    }
    const frameGeometry = new THREE.BufferGeometry();
    frameGeometry.setAttribute('position', new THREE.BufferAttribute(Float32Array.from(edges), 3));
    this.frameMaterial = new THREE.LineBasicNodeMaterial({
      color: 0xe0c080,
      transparent: true,
      opacity: 0.35,
    });
    this.frameMaterial.depthWrite = false;
    this.frame = new THREE.LineSegments(frameGeometry, this.frameMaterial);

    for (const o of [this.axes, this.ticks, this.frame]) {
      o.frustumCulled = false;
      o.renderOrder = 1;
      this.group.add(o);
    }
    this.disposables.push(
      axisGeometry,
      axisMaterial,
      tickGeometry,
      tickMaterial,
      frameGeometry,
      this.frameMaterial,
    );
  }

  /**
   * Axes long enough for the box (and the origin), ticks at a round spacing, z only for 3-D pictures;
   * the frame of `range` in `dims` dimensions at `opacity` (0 hides it).
   */
  update(box: THREE.Box3, dims: number, range: [number, number] | null, opacity: number): void {
    const m = Math.max(
      Math.abs(box.min.x),
      Math.abs(box.max.x),
      Math.abs(box.min.y),
      Math.abs(box.max.y),
      Math.abs(box.min.z),
      Math.abs(box.max.z),
      1e-6,
    );
    const length = 1.08 * m;
    const z = dims >= 3;
    this.axes.scale.set(length, dims >= 2 ? length : 1e-9, z ? length : 1e-9);
    this.axisLength.value = length;
    this.spacing.value = tickSpacing(length);
    const diagonal = Math.hypot(box.max.x - box.min.x, box.max.y - box.min.y, box.max.z - box.min.z);
    this.tickSize.value = 0.012 * Math.max(diagonal, 1e-6);
    this.zOn.value = z ? 1 : 0;
    const show = range !== null && opacity > 0.01;
    this.frame.visible = show;
    if (show) {
      const [lo, hi] = range;
      this.frame.position.set(lo, dims >= 2 ? lo : 0, z ? lo : 0);
      this.frame.scale.set(hi - lo, dims >= 2 ? hi - lo : 1e-9, z ? hi - lo : 1e-9);
      this.frameMaterial.opacity = 0.45 * Math.min(1, opacity);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
