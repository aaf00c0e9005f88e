/**
 * The one module that decides the views' cameras (src/view/camera/cameras.ts): the strip's cameras frame
 * their box at once, the function view's box fills its view, the main view's camera is the one shown
 * unless the function view is, and a reset clears the person's orbit.
 */
import * as THREE from 'three/webgpu';
import { describe, expect, it } from 'vitest';
import { Cameras } from '../src/view/camera/cameras';
import { FramingTable } from '../src/view/math/framingTable';

/** Normalised view coordinates of p through camera c. */
function ndc(c: THREE.Camera, p: THREE.Vector3): THREE.Vector3 {
  c.updateMatrixWorld(true);
  return p.clone().project(c);
}

describe('cameras', () => {
  const box = new THREE.Box3(new THREE.Vector3(-1, -2, -0.5), new THREE.Vector3(3, 1, 2));

  it('a strip cell frames its box at once, 2-D top-down and 3-D in perspective', () => {
    const cameras = new Cameras(null, false);
    const flat = cameras.stripAt(0, box, 2, 1.5);
    expect(flat).toBeInstanceOf(THREE.OrthographicCamera);
    for (const p of [box.min, box.max]) {
      const q = ndc(flat, p);
      expect(Math.abs(q.x)).toBeLessThanOrEqual(1);
      expect(Math.abs(q.y)).toBeLessThanOrEqual(1);
    }
    const deep = cameras.stripAt(1, box, 3, 1.5);
    expect(deep).toBeInstanceOf(THREE.PerspectiveCamera);
    for (let i = 0; i < 8; i++) {
      const corner = new THREE.Vector3(
        i & 1 ? box.max.x : box.min.x,
        i & 2 ? box.max.y : box.min.y,
        i & 4 ? box.max.z : box.min.z,
      );
      const q = ndc(deep, corner);
      expect(Math.abs(q.x)).toBeLessThanOrEqual(1);
      expect(Math.abs(q.y)).toBeLessThanOrEqual(1);
    }
    // 1-D cells are framed as 2-D.
    expect(cameras.stripAt(2, box, 1, 1.5)).toBeInstanceOf(THREE.OrthographicCamera);
    cameras.dispose();
  });

  it('the function view fills its view with the box, padded', () => {
    const cameras = new Cameras(null, false);
    const c = cameras.functionAt(box, 2);
    const lo = ndc(c, new THREE.Vector3(box.min.x, box.min.y, 0));
    const hi = ndc(c, new THREE.Vector3(box.max.x, box.max.y, 0));
    expect(lo.x).toBeCloseTo(-1 / 1.1, 6);
    expect(hi.x).toBeCloseTo(1 / 1.1, 6);
    expect(lo.y).toBeCloseTo(-1 / 1.16, 6);
    expect(hi.y).toBeCloseTo(1 / 1.16, 6);
    expect(cameras.shown(true)).toBe(c);
    expect(cameras.shown(false)).toBe(cameras.main.camera);
  });

  it('the main camera: a pure function of t and the framing; a reset clears the orbit', () => {
    // A framing table of boxes only (no probes): two layers, growing along the slider.
    const framing = new FramingTable(2, 4);
    for (let i = 0; i < framing.boxes.length / 6; i++)
      framing.boxes.set([-1 - i, -1, 0, 1 + i, 1 + 0.5 * i, 0], 6 * i);
    const state = { framing, repDims: [2, 2, 2] };
    const cameras = new Cameras(null, false);
    expect(cameras.mainAt(0.5, null, 1.5)).toBe(cameras.main.camera);
    const before = cameras.mainAt(1.3, state, 1.5).position.clone();
    cameras.mainAt(0.2, state, 1.5);
    expect(cameras.mainAt(1.3, state, 1.5).position.toArray()).toEqual(before.toArray());
    cameras.main.offset.zoom = 2;
    expect(cameras.mainAt(1.3, state, 1.5).position.distanceTo(before)).toBeGreaterThan(0);
    cameras.reset();
    expect(cameras.mainAt(1.3, state, 1.5).position.toArray()).toEqual(before.toArray());
  });
});
