/**
 * The cameras' pure maths (no DOM, no three.js): which way the main camera looks at each slider position,
 * and how far back a camera must stand, and where, for a cloud of points or a box to fill its view. The
 * camera module (camera/cameras.ts) decides with these and poses the three.js cameras.
 *
 * Vectors and boxes are plain { x, y, z } records, so three.js's Vector3 and Box3 fit them as they are.
 */

export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

export interface Box {
  readonly min: Vec3;
  readonly max: Vec3;
}

/** A camera's axes: right and up across the view, back from the target towards the camera (unit each). */
export interface ViewBasis {
  readonly right: Vec3;
  readonly up: Vec3;
  readonly back: Vec3;
}

/** The main camera's vertical field of view (degrees). */
export const FOV = 35;

/** Writes min and max into a box. */
export function setBox<B extends Box>(
  out: B,
  x0: number,
  y0: number,
  z0: number,
  x1: number,
  y1: number,
  z1: number,
): B {
  out.min.x = x0;
  out.min.y = y0;
  out.min.z = z0;
  out.max.x = x1;
  out.max.y = y1;
  out.max.z = z1;
  return out;
}

function set(v: Vec3, x: number, y: number, z: number): void {
  v.x = x;
  v.y = y;
  v.z = z;
}

function dot(a: Vec3, x: number, y: number, z: number): number {
  return x * a.x + y * a.y + z * a.z;
}

export interface Orientation {
  /** Tilt away from straight down the z axis (radians). */
  tilt: number;
  /** Turn about the z axis (radians). */
  turn: number;
}

/** The oblique view of 3-D representations: 60° from the vertical, turned 35°. */
export const OBLIQUE: Readonly<Orientation> = { tilt: (60 * Math.PI) / 180, turn: (35 * Math.PI) / 180 };
export const TOP_DOWN: Readonly<Orientation> = { tilt: 0, turn: 0 };

/** 0..1 with zero slope at both ends. */
export function ease(u: number): number {
  const x = Math.min(1, Math.max(0, u));
  return x * x * (3 - 2 * x);
}

function wanted(dims: number): Readonly<Orientation> {
  return dims >= 3 ? OBLIQUE : TOP_DOWN;
}

/**
 * The orientation at slider position t, with dims[r] the display dimensions of representation r. Reduced
 * motion: one orientation along the whole slider (oblique where any representation is 3-D).
 */
export function orientationAt(
  t: number,
  dims: readonly number[],
  reducedMotion: boolean,
  out: Orientation = { tilt: 0, turn: 0 },
): Orientation {
  const layers = dims.length - 1;
  if (reducedMotion || layers < 1) {
    const o = dims.some((d) => d >= 3) ? OBLIQUE : TOP_DOWN;
    out.tilt = o.tilt;
    out.turn = o.turn;
    return out;
  }
  const x = Math.min(layers, Math.max(0, t));
  const k = Math.min(layers - 1, Math.floor(x));
  const a = wanted(dims[k]);
  const b = wanted(dims[k + 1]);
  const e = ease(x - k);
  out.tilt = a.tilt + (b.tilt - a.tilt) * e;
  out.turn = a.turn + (b.turn - a.turn) * e;
  return out;
}

/** The axes of a camera tilted by `tilt` from straight down the z axis and turned by `turn` about it. */
export function viewBasis(tilt: number, turn: number, out: ViewBasis): ViewBasis {
  const st = Math.sin(tilt);
  const ct = Math.cos(tilt);
  const sp = Math.sin(turn);
  const cp = Math.cos(turn);
  set(out.back, st * sp, -st * cp, ct);
  set(out.up, -ct * sp, ct * cp, st);
  set(out.right, cp, sp, 0);
  return out;
}

/** Where a camera looks, how far back it stands, and the half-height of the view there. */
export interface Fit {
  readonly center: Vec3;
  distance: number;
  radius: number;
}

/**
 * Centres `fit` on the extent of `count` points (x, y, z each in p) across and along the view, and sets
 * the nearest distance at which every one of them fits the view (vertical half-angle tan `tanV`, width
 * over height `aspect`), before any margin. A point cloud collapsed to a point still gets a view around
 * it. No point in view at all: the unit view about the origin (radius 1), and false.
 */
export function fitPoints(
  p: Float32Array,
  count: number,
  basis: ViewBasis,
  tanV: number,
  aspect: number,
  fit: Fit,
): boolean {
  const tanH = tanV * aspect;
  const { right, up, back } = basis;
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
    set(fit.center, 0, 0, 0);
    fit.radius = 1;
    fit.distance = 1;
    return false;
  }
  const floor = 1e-3 * Math.max(1, Math.abs(h0), Math.abs(h1), Math.abs(v0), Math.abs(v1));
  const hc = (h0 + h1) / 2;
  const vc = (v0 + v1) / 2;
  const zc = (z0 + z1) / 2;
  const c = fit.center;
  set(c, right.x * hc, right.y * hc, right.z * hc);
  set(c, c.x + up.x * vc, c.y + up.y * vc, c.z + up.z * vc);
  set(c, c.x + back.x * zc, c.y + back.y * zc, c.z + back.z * zc);
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
  fit.distance = distance;
  fit.radius = Math.max((h1 - h0) / 2 / Math.max(1e-6, aspect), (v1 - v0) / 2, 1e-6);
  return true;
}

/**
 * The distance along `basis.back` from `center` at which every corner of the box fits the view, and the
 * half-height of the view the corners ask for, before any margin; `floor` is the least of either. Every
 * corner p (relative to the centre) needs D ≥ p·back + |p·up| / tanV, and likewise sideways with the aspect.
 */
export function fitBox(
  box: Box,
  center: Vec3,
  basis: ViewBasis,
  tanV: number,
  aspect: number,
  floor: number,
): { distance: number; radius: number } {
  const tanH = tanV * aspect;
  let distance = floor;
  let radius = floor;
  for (let i = 0; i < 8; i++) {
    const x = (i & 1 ? box.max.x : box.min.x) - center.x;
    const y = (i & 2 ? box.max.y : box.min.y) - center.y;
    const z = (i & 4 ? box.max.z : box.min.z) - center.z;
    const d = dot(basis.back, x, y, z);
    const v = Math.abs(dot(basis.up, x, y, z));
    const h = Math.abs(dot(basis.right, x, y, z));
    distance = Math.max(distance, d + v / tanV, d + h / tanH);
    radius = Math.max(radius, v, h / Math.max(1e-6, aspect));
  }
  return { distance, radius };
}

/**
 * The half-height a view of width over height `aspect` needs to show a box of size `size`: its half
 * diagonal in 3-D (it may be turned any way), else the larger of its half-width (in heights) and
 * half-height. Never below 1e-3.
 */
export function frameRadius(size: Vec3, dims: number, aspect: number): number {
  if (dims === 3) return Math.max(1e-3, Math.sqrt(size.x * size.x + size.y * size.y + size.z * size.z) / 2);
  const r = Math.max(1e-3, Math.max(size.x / (2 * aspect), size.y / 2));
  // Keep the aspect sensible for 1-D bands: the radius follows the longer side anyway.
  return Math.max(r, size.x / (2 * aspect));
}

/** Bounds of a view filled by the box in both directions (unequal scales: plots of y over x), padded. */
export function stretchedBounds(box: Box): { left: number; right: number; bottom: number; top: number } {
  const padX = 0.05 * Math.max(1e-6, box.max.x - box.min.x);
  const padY = 0.08 * Math.max(1e-6, box.max.y - box.min.y);
  return {
    left: box.min.x - padX,
    right: box.max.x + padX,
    bottom: box.min.y - padY,
    top: box.max.y + padY,
  };
}

/**
 * Makes positive samples `v` (in place) change by at most a factor `ratio` (> 1) from one sample to the
 * next, keeping every `period`-th sample (the whole layers) within a factor `slack` (≥ 1) of what it is. In
 * log space: each sample is
 * raised to max over j of v[j] − |i − j| · log ratio (a camera distance never closer than the fit asks
 * where the picture changes slowly enough), then lowered to min over the kept samples k of v[k] +
 * |i − k| · log ratio + log slack (where the picture changes faster than the camera may follow, between
 * layers, the camera keeps its pace and the picture may pass the view's edge for a moment; at a layer it
 * is framed, at most `slack` farther back than the fit). Samples ≤ 0 (nothing fitted) count as no constraint.
 */
export function steadyEnvelope(v: Float64Array, ratio: number, period: number, slack = 1): Float64Array {
  const n = v.length;
  if (n === 0) return v;
  const step = Math.log(ratio);
  const log = new Float64Array(n);
  for (let i = 0; i < n; i++) log[i] = v[i] > 0 ? Math.log(v[i]) : -Infinity;
  const cap = new Float64Array(n).fill(Infinity);
  if (period > 0) for (let k = 0; k < n; k += period) if (v[k] > 0) cap[k] = log[k] + Math.log(slack);
  for (let i = 1; i < n; i++) {
    log[i] = Math.max(log[i], log[i - 1] - step);
    cap[i] = Math.min(cap[i], cap[i - 1] + step);
  }
  for (let i = n - 2; i >= 0; i--) {
    log[i] = Math.max(log[i], log[i + 1] - step);
    cap[i] = Math.min(cap[i], cap[i + 1] + step);
  }
  if (!Number.isFinite(log[0])) return v;
  for (let i = 0; i < n; i++) v[i] = Math.exp(Math.min(log[i], cap[i]));
  return v;
}

/** The value at t of samples taken at t = i / perLayer, linear between them. */
export function sampleAt(v: Float64Array, t: number, perLayer: number): number {
  if (v.length === 0) return 0;
  const x = Math.min(v.length - 1, Math.max(0, t * perLayer));
  const i = Math.min(v.length - 2, Math.floor(x));
  if (i < 0) return v[0];
  return v[i] + (v[i + 1] - v[i]) * (x - i);
}
