/**
 * Fixed references in the main view: axes through the origin of the representation on display, with
 * ticks at a round spacing, and the range of the activation (the [-1, 1] box of tanh, [0, 1] of sigmoid)
 * as a faint frame, so that the bias phase reads as a translation and the activation phase as a squashing
 * into that box. The geometry is built once; each frame only sets a few uniforms and transforms.
 */
import * as THREE from 'three/webgpu';
import { attribute, float, max, min, step, uniform } from 'three/tsl';
import type { N } from './displayNodes';
import type { DisplayPath } from '../math/displayPath';
import { rangeFrameAt } from '../math/phases';

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
  /** Per axis: where the axis starts and ends (through the origin), the tick spacing and tick length. */
  private readonly low: N = uniform(new THREE.Vector3(-1, -1, -1));
  private readonly high: N = uniform(new THREE.Vector3(1, 1, 1));
  private readonly spacing: N = uniform(new THREE.Vector3(1, 1, 1));
  private readonly tickSize: N = uniform(new THREE.Vector3(0.05, 0.05, 0.05));
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
    // −1 ends go to `low`, +1 ends to `high`, per axis.
    const end: N = attribute('position', 'vec3');
    axisMaterial.positionNode = max(end, float(0))
      .mul(this.high)
      .sub(min(end, float(0)).mul(this.low));
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
    // Ticks beyond the axis (a flat picture's z axis has none) collapse to nothing.
    const inside: N = step(this.low, along).mul(step(along, this.high));
    const shown: N = inside.x.mul(inside.y).mul(inside.z);
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
  /**
   * Axes for the picture at segment k, local parameter u, in `scene`, and the range frame of the activation
   * being applied (phases.ts, rangeFrameAt). Only where the representation is shown by its units.
   */
  place(
    scene: THREE.Scene,
    path: DisplayPath,
    k: number,
    u: number,
    box: THREE.Box3,
    shown: boolean,
    dims: number,
  ): void {
    this.group.visible = shown;
    if (this.group.parent !== scene) scene.add(this.group);
    if (!shown) return;
    const { layer, opacity } = rangeFrameAt(k, u);
    let range: [number, number] | null = null;
    const r = layer + 1;
    if (layer >= 0 && (path.repWidth[r] <= 3 || path.getProjection(r).kind === 'units')) {
      range = activationRange(path.spec.layers[layer].activation);
    }
    this.update(box, dims, range, opacity);
  }

  update(
    box: THREE.Box3,
    dims: number,
    range: [number, number] | null,
    opacity: number,
    stretched = false,
  ): void {
    const diagonal = Math.max(
      1e-6,
      Math.hypot(box.max.x - box.min.x, box.max.y - box.min.y, box.max.z - box.min.z),
    );
    const low = this.low.value as THREE.Vector3;
    const high = this.high.value as THREE.Vector3;
    const spacing = this.spacing.value as THREE.Vector3;
    const tick = this.tickSize.value as THREE.Vector3;
    const mins = [box.min.x, box.min.y, box.min.z];
    const maxs = [box.max.x, box.max.y, box.max.z];
    for (let a = 0; a < 3; a++) {
      // Each axis through the origin, over the picture's extent along it (and the origin), a little beyond.
      const shown = a < Math.max(1, dims) || (a === 1 && stretched);
      const lo = Math.min(0, mins[a]);
      const hi = Math.max(0, maxs[a]);
      const extent = Math.max(hi - lo, stretched ? 1e-6 : 0.02 * diagonal);
      const pad = 0.04 * extent;
      low.setComponent(a, shown ? lo - pad : 0);
      high.setComponent(a, shown ? hi + pad : 0);
      // Round spacing per axis: about five ticks along each, however unequal the axes.
      spacing.setComponent(a, tickSpacing(extent));
      // A tick across axis a is drawn along the other axis; stretched views size it by that axis.
      const acrossExtent = stretched
        ? Math.max(1e-6, maxs[a === 0 ? 1 : 0] - mins[a === 0 ? 1 : 0])
        : diagonal;
      tick.setComponent(a === 0 ? 1 : 0, 0.012 * acrossExtent);
    }
    if (!stretched) tick.set(0.012 * diagonal, 0.012 * diagonal, 0.012 * diagonal);
    const z = dims >= 3;
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
