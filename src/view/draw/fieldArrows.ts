/**
 * A vector-field layer's field over the plane in the main view (math/fieldMath.ts, fieldPicture): one
 * arrow per lattice vertex from where the vertex enters the layer to where the layer sends it (its head
 * two short strokes), and each anchor cᵢ as a small ring. Drawn over the surface, in display coordinates;
 * the geometry is rewritten on the CPU when the weights or the layer change (a few hundred vertices).
 */
import * as THREE from 'three/webgpu';
import type { DisplayPath } from '../math/displayPath';
import { fieldPicture, fieldShownAt, type FieldPicture } from '../math/fieldMath';
import { gridInputs, type GridGeometry } from '../math/grid';

/** Vertices of an anchor's ring. */
const RING = 12;
/** Head strokes' length as a share of the arrow, at most this share of the picture's diagonal. */
const HEAD_SHARE = 0.3;
const HEAD_MAX = 0.02;
/** Anchor rings' radius as a share of the picture's diagonal. */
const ANCHOR_SIZE = 0.012;

export const FIELD_COLORS = { arrow: 0xe6edf3, anchor: 0xff5a5f } as const;

/** Longest arrow drawn, as a share of the lattice's spacing on screen (a quiver plot: all shortened alike). */
const LONGEST = 0.9;

export class FieldArrows {
  readonly group = new THREE.Group();
  private readonly arrows: THREE.LineSegments;
  private readonly anchors: THREE.LineSegments;
  private readonly materials: THREE.LineBasicNodeMaterial[] = [];
  /** What the geometry holds now (see place). */
  private key = '';
  /** The picture of the layer last shown, and what it was made from. */
  private field: { key: string; picture: FieldPicture | null } = { key: '', picture: null };

  constructor() {
    const make = (color: number, opacity: number): THREE.LineSegments => {
      const material = new THREE.LineBasicNodeMaterial({ color, transparent: true, opacity });
      material.depthWrite = false;
      material.depthTest = false;
      this.materials.push(material);
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(6), 3));
      const lines = new THREE.LineSegments(geometry, material);
      lines.frustumCulled = false;
      lines.renderOrder = 3;
      this.group.add(lines);
      return lines;
    };
    this.arrows = make(FIELD_COLORS.arrow, 0.7);
    this.anchors = make(FIELD_COLORS.anchor, 0.95);
    this.group.visible = false;
  }

  /**
   * The arrows of the field layer the slider (at t) is at the input of or inside (fieldShownAt), over its
   * input, with its anchors; none elsewhere, when `on` is false, or for a grid that is not a plane.
   * `version` changes with the weights; the layer's display basis is part of what the picture is made from.
   */
  follow(
    scene: THREE.Scene,
    path: DisplayPath,
    grid: GridGeometry | null,
    t: number,
    box: THREE.Box3,
    version: number,
    on: boolean,
  ): void {
    const k =
      !on || !grid || grid.triangles.length === 0 ? -1 : fieldShownAt(path.spec, path.pathPosition(t));
    if (k < 0 || !grid) {
      this.place(scene, null, '', box);
      return;
    }
    const basis = path.displayBasis(k);
    const key = `${version} ${k} ${basis.join()}`;
    if (key !== this.field.key) {
      const picture = fieldPicture(path.spec, path.currentParams, k, basis, gridInputs(grid), grid.size);
      this.field = { key, picture };
    }
    this.place(scene, this.field.picture, key, box);
  }

  /**
   * Shows `picture` in `scene` (null: hides the arrows). `key` names what the picture was made from
   * (weights, layer, projection): the geometry is rebuilt only when it changes.
   */
  place(scene: THREE.Scene, picture: FieldPicture | null, key: string, box: THREE.Box3): void {
    this.group.visible = picture !== null;
    if (!picture) return;
    if (this.group.parent !== scene) scene.add(this.group);
    if (key === this.key) return;
    this.key = key;
    const diagonal = Math.max(
      1e-6,
      Math.hypot(box.max.x - box.min.x, box.max.y - box.min.y, box.max.z - box.min.z),
    );
    this.setPositions(this.arrows, arrowLines(picture, diagonal));
    this.setPositions(this.anchors, anchorRings(picture, ANCHOR_SIZE * diagonal));
  }

  private setPositions(lines: THREE.LineSegments, positions: Float32Array): void {
    const geometry = lines.geometry;
    const old = geometry.getAttribute('position') as THREE.BufferAttribute;
    if (old.array.length === positions.length) {
      (old.array as Float32Array).set(positions);
      old.needsUpdate = true;
    } else {
      geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
    }
    geometry.setDrawRange(0, positions.length / 3);
    geometry.computeBoundingSphere();
  }

  dispose(): void {
    this.arrows.geometry.dispose();
    this.anchors.geometry.dispose();
    for (const m of this.materials) m.dispose();
  }
}

/**
 * The factor every arrow is drawn at: 1 (heads at x + V(x), where the flow takes each point) unless the
 * longest would reach past LONGEST of the lattice's spacing (its tails' extent over the arrows per side),
 * where all are shortened alike so that neighbours do not cross.
 */
export function arrowScale(picture: FieldPicture): number {
  const a = picture.arrows;
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  let longest = 0;
  for (let v = 0; v < picture.arrowCount; v++) {
    for (let c = 0; c < 2; c++) {
      lo[c] = Math.min(lo[c], a[6 * v + c]);
      hi[c] = Math.max(hi[c], a[6 * v + c]);
    }
    longest = Math.max(longest, Math.hypot(a[6 * v + 3] - a[6 * v], a[6 * v + 4] - a[6 * v + 1]));
  }
  const side = Math.max(1, Math.sqrt(picture.arrowCount) - 1);
  const spacing = Math.hypot(hi[0] - lo[0], hi[1] - lo[1]) / Math.SQRT2 / side;
  return longest > LONGEST * spacing && longest > 0 ? (LONGEST * spacing) / longest : 1;
}

/** Shaft and two head strokes per arrow (3 segments), in the picture's x-y plane, drawn at arrowScale. */
export function arrowLines(picture: FieldPicture, diagonal: number): Float32Array {
  const out = new Float32Array(18 * picture.arrowCount);
  const a = picture.arrows;
  const scale = arrowScale(picture);
  for (let v = 0; v < picture.arrowCount; v++) {
    const [x0, y0, z0] = a.subarray(6 * v, 6 * v + 3);
    const x1 = x0 + scale * (a[6 * v + 3] - x0);
    const y1 = y0 + scale * (a[6 * v + 4] - y0);
    const z1 = z0 + scale * (a[6 * v + 5] - z0);
    const dx = x1 - x0;
    const dy = y1 - y0;
    const length = Math.hypot(dx, dy);
    const head = Math.min(HEAD_SHARE * length, HEAD_MAX * diagonal);
    const ux = length > 0 ? dx / length : 0;
    const uy = length > 0 ? dy / length : 0;
    const o = 18 * v;
    out.set([x0, y0, z0, x1, y1, z1], o);
    // Strokes back from the head at ±30°.
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    for (const [side, at] of [
      [1, 6],
      [-1, 12],
    ] as const) {
      const bx = -(ux * c - side * uy * s) * head;
      const by = -(uy * c + side * ux * s) * head;
      out.set([x1, y1, z1, x1 + bx, y1 + by, z1], o + at);
    }
  }
  return out;
}

/** A small ring (RING segments) around each anchor. */
export function anchorRings(picture: FieldPicture, radius: number): Float32Array {
  const out = new Float32Array(6 * RING * picture.anchorCount);
  for (let i = 0; i < picture.anchorCount; i++) {
    const [x, y, z] = picture.anchors.subarray(3 * i, 3 * i + 3);
    for (let q = 0; q < RING; q++) {
      const a0 = (2 * Math.PI * q) / RING;
      const a1 = (2 * Math.PI * (q + 1)) / RING;
      out.set(
        [
          x + radius * Math.cos(a0),
          y + radius * Math.sin(a0),
          z,
          x + radius * Math.cos(a1),
          y + radius * Math.sin(a1),
          z,
        ],
        6 * (RING * i + q),
      );
    }
  }
  return out;
}
