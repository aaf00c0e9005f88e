/**
 * The fold-and-stretch map: how the map from the input plane to what is on display changes the area and
 * orientation around each grid vertex. With P(i, j) the displayed position of grid vertex (i, j) and h the
 * input spacing, the Jacobian is taken by differences over the vertex's neighbours (central inside, one-
 * sided on the edge):
 *
 *   J_x = (P(i+1, j) − P(i−1, j)) / (2 h_x),   J_y = (P(i, j+1) − P(i, j−1)) / (2 h_y),   n = J_x × J_y
 *
 * A flat (2-D) picture gets the signed ratio n_z = det J: below 0 the plane is turned over there. A sheet
 * in 3-D gets the area scale |n| = √det(JᵀJ), and is folded where the normals of the cells on either side
 * of the vertex, (P(i+1,j) − P) × (P(i,j+1) − P) and (P − P(i−1,j)) × (P − P(i,j−1)), point apart.
 *
 * This is the TypeScript twin of the surface shader's fold colour (foldNode.ts); the WebGL2 fallback
 * colours with it directly.
 */
import { rgb } from '../theme';

export interface FoldMap {
  /** Per vertex: signed area ratio (flat pictures) or area scale (sheets in 3-D). */
  ratio: Float32Array;
  /** Per vertex: 1 where the picture is turned over (flat) or the sheet folds back (3-D). */
  folded: Uint8Array;
}

/** Ratios below this (in area relative to the input) read as collapsed; the colour ramp starts here. */
export const FOLD_SCALE = { lowLog2: -8, highLog2: 6 } as const;

/**
 * Colours of the fold map (sRGB): collapsed (dark) to stretched (light), and folded in a hot pink that no
 * class of a two-class picture uses (blue and orange).
 */
export const FOLD_HEX = {
  collapsed: 0x40305e,
  unchanged: 0x5d8aa8,
  stretched: 0xf4f7fb,
  folded: 0xff2e7e,
} as const;

/** The same in linear RGB, as the shaders take them. */
export const FOLD_COLORS: Readonly<Record<keyof typeof FOLD_HEX, readonly number[]>> = {
  collapsed: rgb(FOLD_HEX.collapsed),
  unchanged: rgb(FOLD_HEX.unchanged),
  stretched: rgb(FOLD_HEX.stretched),
  folded: rgb(FOLD_HEX.folded),
};

/** The legend's words for the colour scale. */
export const FOLD_LEGEND: readonly { key: keyof typeof FOLD_COLORS; text: string }[] = [
  { key: 'folded', text: 'folded: the plane is turned over (or the sheet folds back) here' },
  { key: 'collapsed', text: `collapsed: area shrunk ${2 ** -FOLD_SCALE.lowLog2}-fold or more (dark)` },
  { key: 'unchanged', text: 'area as in the input plane' },
  { key: 'stretched', text: `stretched: area grown ${2 ** FOLD_SCALE.highLog2}-fold or more (light)` },
];

/**
 * The fold map of a G x G grid (vertex (i, j) at index j G + i) from displayed positions (x, y, z per
 * vertex). `dims` 2: signed ratios from x, y; 3: area scale and folds of the sheet.
 */
export function foldMap(
  positions: ArrayLike<number>,
  g: number,
  hx: number,
  hy: number,
  dims: 2 | 3,
  out: FoldMap = { ratio: new Float32Array(g * g), folded: new Uint8Array(g * g) },
): FoldMap {
  const p = positions;
  for (let j = 0; j < g; j++) {
    for (let i = 0; i < g; i++) {
      const v = j * g + i;
      const l = j * g + Math.max(i - 1, 0);
      const r = j * g + Math.min(i + 1, g - 1);
      const d = Math.max(j - 1, 0) * g + i;
      const u = Math.min(j + 1, g - 1) * g + i;
      const sx = (Math.min(i + 1, g - 1) - Math.max(i - 1, 0)) * hx;
      const sy = (Math.min(j + 1, g - 1) - Math.max(j - 1, 0)) * hy;
      const ax = (p[3 * r] - p[3 * l]) / sx;
      const ay = (p[3 * r + 1] - p[3 * l + 1]) / sx;
      const az = (p[3 * r + 2] - p[3 * l + 2]) / sx;
      const bx = (p[3 * u] - p[3 * d]) / sy;
      const by = (p[3 * u + 1] - p[3 * d + 1]) / sy;
      const bz = (p[3 * u + 2] - p[3 * d + 2]) / sy;
      const nz = ax * by - ay * bx;
      if (dims === 2) {
        out.ratio[v] = nz;
        out.folded[v] = nz < 0 ? 1 : 0;
        continue;
      }
      const nx = ay * bz - az * by;
      const ny = az * bx - ax * bz;
      out.ratio[v] = Math.hypot(nx, ny, nz);
      // Normals of the cells ahead of and behind the vertex (zero on the edge: never a fold there).
      const f = cross(p, v, r, v, u);
      const b = cross(p, l, v, d, v);
      out.folded[v] = f[0] * b[0] + f[1] * b[1] + f[2] * b[2] < 0 ? 1 : 0;
    }
  }
  return out;
}

const scratch = [new Float64Array(3), new Float64Array(3)];
let which = 0;

/** (P[a1] − P[a0]) × (P[b1] − P[b0]). */
function cross(p: ArrayLike<number>, a0: number, a1: number, b0: number, b1: number): Float64Array {
  const o = scratch[which];
  which = 1 - which;
  const ax = p[3 * a1] - p[3 * a0];
  const ay = p[3 * a1 + 1] - p[3 * a0 + 1];
  const az = p[3 * a1 + 2] - p[3 * a0 + 2];
  const bx = p[3 * b1] - p[3 * b0];
  const by = p[3 * b1 + 1] - p[3 * b0 + 1];
  const bz = p[3 * b1 + 2] - p[3 * b0 + 2];
  o[0] = ay * bz - az * by;
  o[1] = az * bx - ax * bz;
  o[2] = ax * by - ay * bx;
  return o;
}

/** Where |ratio| sits on the colour ramp: 0 collapsed … 1 stretched (log scale, 1 = unchanged in the middle). */
export function foldLevel(ratio: number): number {
  const x = Math.log2(Math.max(Math.abs(ratio), 1e-30));
  return Math.min(1, Math.max(0, (x - FOLD_SCALE.lowLog2) / (FOLD_SCALE.highLog2 - FOLD_SCALE.lowLog2)));
}

/** The colour of one vertex (the shader's rule): folded in its own hue, else dark → mid → light by level. */
export function foldColor(ratio: number, folded: boolean, out: Float32Array, o = 0): void {
  const t = foldLevel(ratio);
  const mid = -FOLD_SCALE.lowLog2 / (FOLD_SCALE.highLog2 - FOLD_SCALE.lowLog2);
  const c = FOLD_COLORS;
  for (let k = 0; k < 3; k++) {
    const ramp =
      t < mid
        ? c.collapsed[k] + (c.unchanged[k] - c.collapsed[k]) * (t / mid)
        : c.unchanged[k] + (c.stretched[k] - c.unchanged[k]) * ((t - mid) / (1 - mid));
    // Folded cells keep a little of the level, so the fold's own stretch still reads.
    out[o + k] = folded ? c.folded[k] * (0.55 + 0.45 * t) : ramp;
  }
}

/** Share of the vertices marked folded (for the badge). */
export function foldedShare(map: FoldMap): number {
  let n = 0;
  for (const f of map.folded) n += f;
  return map.folded.length ? n / map.folded.length : 0;
}

/** Share of the vertices whose |ratio| is below the collapsed end of the scale. */
export function collapsedShare(map: FoldMap): number {
  const low = 2 ** FOLD_SCALE.lowLog2;
  let n = 0;
  for (const r of map.ratio) if (Math.abs(r) < low) n++;
  return map.ratio.length ? n / map.ratio.length : 0;
}
