/**
 * The cameras' pure framing maths (src/view/math/cameraFit.ts): the view's axes, the fit of a point cloud
 * and of a box, the radius a box asks for, the stretched bounds of the function view, and the framing
 * table's box between samples. Checked against what a perspective projection of the fitted pose shows.
 */
import { describe, expect, it } from 'vitest';
import {
  FOV,
  OBLIQUE,
  fitBox,
  fitPoints,
  frameRadius,
  orientationAt,
  setBox,
  stretchedBounds,
  viewBasis,
  type Box,
  type Fit,
  type ViewBasis,
} from '../src/view/math/cameraFit';
import { FramingTable, framingBoxAt } from '../src/view/math/framingTable';

const v = () => ({ x: 0, y: 0, z: 0 });
const basisOf = (tilt: number, turn: number): ViewBasis =>
  viewBasis(tilt, turn, { right: v(), up: v(), back: v() });
const dot = (a: { x: number; y: number; z: number }, b: number[]) => a.x * b[0] + a.y * b[1] + a.z * b[2];
const tanV = Math.tan(((FOV / 2) * Math.PI) / 180);

/** Where point p lands in normalised view coordinates (−1..1 each way) for a camera at `fit`. */
function project(p: number[], fit: Fit, basis: ViewBasis, aspect: number): [number, number] {
  const c = fit.center;
  const eye = [0, 1, 2].map(
    (i) => [c.x, c.y, c.z][i] + fit.distance * [basis.back.x, basis.back.y, basis.back.z][i],
  );
  const d = [p[0] - eye[0], p[1] - eye[1], p[2] - eye[2]];
  const depth = -dot(basis.back, d);
  return [dot(basis.right, d) / depth / (tanV * aspect), dot(basis.up, d) / depth / tanV];
}

describe('view basis', () => {
  for (const [tilt, turn] of [
    [0, 0],
    [OBLIQUE.tilt, OBLIQUE.turn],
    [-0.7, 2.1],
  ]) {
    it(`tilt ${tilt.toFixed(2)}, turn ${turn.toFixed(2)}: orthonormal and right-handed`, () => {
      const { right, up, back } = basisOf(tilt, turn);
      const r = [right.x, right.y, right.z];
      const u = [up.x, up.y, up.z];
      const b = [back.x, back.y, back.z];
      expect(dot(right, r)).toBeCloseTo(1, 12);
      expect(dot(up, u)).toBeCloseTo(1, 12);
      expect(dot(back, b)).toBeCloseTo(1, 12);
      expect(dot(right, u)).toBeCloseTo(0, 12);
      expect(dot(right, b)).toBeCloseTo(0, 12);
      expect(dot(up, b)).toBeCloseTo(0, 12);
      // right × up = back
      expect(r[1] * u[2] - r[2] * u[1]).toBeCloseTo(b[0], 12);
      expect(r[2] * u[0] - r[0] * u[2]).toBeCloseTo(b[1], 12);
      expect(r[0] * u[1] - r[1] * u[0]).toBeCloseTo(b[2], 12);
    });
  }
  it('top-down looks straight down the z axis with y up', () => {
    const { up, back } = basisOf(0, 0);
    expect([back.x, back.y, back.z]).toEqual([0, -0, 1]);
    expect([up.x, up.y, up.z]).toEqual([-0, 1, 0]);
  });
});

describe('fitting points', () => {
  it('every point is in view and the cloud touches the frame', () => {
    const basis = basisOf(OBLIQUE.tilt, OBLIQUE.turn);
    const points = [
      [-2, 1, 0.5],
      [3, -1, -1],
      [0.5, 4, 2],
      [1, 1, -2],
      [-1, -3, 0],
    ];
    const fit: Fit = { center: v(), distance: 0, radius: 0 };
    for (const aspect of [0.6, 1, 1.8]) {
      expect(fitPoints(Float32Array.from(points.flat()), points.length, basis, tanV, aspect, fit)).toBe(true);
      let edge = 0;
      for (const p of points) {
        const [x, y] = project(p, fit, basis, aspect);
        expect(Math.abs(x)).toBeLessThanOrEqual(1 + 1e-9);
        expect(Math.abs(y)).toBeLessThanOrEqual(1 + 1e-9);
        edge = Math.max(edge, Math.abs(x), Math.abs(y));
      }
      // Nearest distance that shows them all: one of them is (almost) on the frame.
      expect(edge).toBeGreaterThan(0.97);
      expect(fit.radius).toBeGreaterThan(0);
    }
  });
  it('a cloud collapsed to one point still gets a view around it', () => {
    const fit: Fit = { center: v(), distance: 0, radius: 0 };
    expect(fitPoints(Float32Array.from([2, 2, 0, 2, 2, 0]), 2, basisOf(0, 0), tanV, 1.5, fit)).toBe(true);
    expect(fit.center).toEqual({ x: 2, y: 2, z: 0 });
    expect(fit.distance).toBeGreaterThan(0);
    expect(fit.radius).toBeGreaterThan(0);
  });
  it('no point in view: the unit view about the origin, and false', () => {
    const fit: Fit = { center: { x: 5, y: 5, z: 5 }, distance: 0, radius: 0 };
    expect(fitPoints(Float32Array.from([NaN, 0, 0]), 1, basisOf(0, 0), tanV, 1, fit)).toBe(false);
    expect(fit).toEqual({ center: { x: 0, y: 0, z: 0 }, distance: 1, radius: 1 });
  });
});

describe('fitting a box', () => {
  it('every corner is in view, one on the frame', () => {
    const basis = basisOf(OBLIQUE.tilt, OBLIQUE.turn);
    const box: Box = setBox({ min: v(), max: v() }, -1, -2, -0.5, 3, 1, 2);
    const center = { x: 1, y: -0.5, z: 0.75 };
    for (const aspect of [0.7, 1.5]) {
      const { distance, radius } = fitBox(box, center, basis, tanV, aspect, 1e-6);
      const fit: Fit = { center, distance, radius };
      let edge = 0;
      for (let i = 0; i < 8; i++) {
        const p = [i & 1 ? 3 : -1, i & 2 ? 1 : -2, i & 4 ? 2 : -0.5];
        const [x, y] = project(p, fit, basis, aspect);
        edge = Math.max(edge, Math.abs(x), Math.abs(y));
      }
      expect(edge).toBeCloseTo(1, 9);
      expect(radius).toBeGreaterThan(0);
    }
  });
  it('the floor is the least distance and radius', () => {
    const box: Box = setBox({ min: v(), max: v() }, 0, 0, 0, 0, 0, 0);
    expect(fitBox(box, v(), basisOf(0, 0), tanV, 1, 0.25)).toEqual({ distance: 0.25, radius: 0.25 });
  });
});

describe('orthographic radii and stretched bounds', () => {
  it('2-D: the larger of half-height and half-width in heights; 3-D: half the diagonal', () => {
    expect(frameRadius({ x: 4, y: 1, z: 0 }, 2, 2)).toBe(1);
    expect(frameRadius({ x: 1, y: 4, z: 0 }, 2, 2)).toBe(2);
    expect(frameRadius({ x: 2, y: 3, z: 6 }, 3, 1)).toBe(3.5);
    expect(frameRadius({ x: 0, y: 0, z: 0 }, 2, 1)).toBe(1e-3);
  });
  it('the function view is padded 5 % sideways and 8 % vertically', () => {
    const box: Box = setBox({ min: v(), max: v() }, 0, -1, 0, 10, 1, 0);
    const b = stretchedBounds(box);
    expect(b.left).toBeCloseTo(-0.5);
    expect(b.right).toBeCloseTo(10.5);
    expect(b.bottom).toBeCloseTo(-1.16);
    expect(b.top).toBeCloseTo(1.16);
  });
});

describe('framing boxes between samples', () => {
  it('linear between samples, clamped at the ends, a unit box when empty', () => {
    const table = Float64Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2, 5, 5, 5]);
    const out: Box = { min: v(), max: v() };
    framingBoxAt(0.5, table, 1, out);
    expect(out).toEqual({ min: { x: 1, y: 1, z: 1 }, max: { x: 3, y: 3, z: 3 } });
    framingBoxAt(7, table, 1, out);
    expect(out.max).toEqual({ x: 5, y: 5, z: 5 });
    framingBoxAt(0.3, new Float64Array(0), 1, out);
    expect(out).toEqual({ min: { x: -1, y: -1, z: 0 }, max: { x: 1, y: 1, z: 0 } });
  });
  it('FramingTable.boxAt reads its own boxes', () => {
    const table = new FramingTable(2, 4);
    table.boxes.fill(0);
    const out: Box = { min: v(), max: v() };
    expect(table.boxAt(1, out)).toEqual(framingBoxAt(1, table.boxes, 4, { min: v(), max: v() }));
  });
  it('orientation: reduced motion keeps one orientation', () => {
    for (const t of [0, 0.4, 1.7]) expect(orientationAt(t, [2, 2, 2], true)).toEqual({ tilt: 0, turn: 0 });
  });
});
