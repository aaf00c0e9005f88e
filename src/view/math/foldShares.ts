/**
 * The share of the data's cells a layer folds over or collapses, for the layer badges ("folds (12 % of the
 * data's cells)"). Computed on the CPU once per weights read back, not per frame.
 *
 * The data's cells: a G x G grid over the bounding box of the (2-D) data points, and of its cells those
 * that hold at least one point. Each such cell's four corners go through the network (forward.ts); at
 * every representation the cell's Jacobian at its centre is taken from its corners,
 *
 *   a = (P₁₀ − P₀₀ + P₁₁ − P₀₁) / (2 h_x),   b = (P₀₁ − P₀₀ + P₁₁ − P₁₀) / (2 h_y),
 *
 * which is the Jacobian at the centre to O(h²) where the map is smooth. A cell counts when
 *  - collapsed: its area ratio |a ∧ b| (signed a_x b_y − a_y b_x in 2-D, √(|a|²|b|² − (a·b)²) wider) is
 *    below COLLAPSE_SHARE of the data cells' mean |ratio| (unit-free: a layer of small weights is not
 *    "collapsed" everywhere, while ReLU's cut half-planes, exactly 0, always are);
 *  - folded: in 2-D, its orientation is opposite to the map's over the data (the sign of the summed signed
 *    ratios: a map that mirrors the whole plane, det W < 0, is one-to-one and folds nothing); in 3-D and
 *    wider, its tangent plane points against a neighbouring data cell's, ⟨a∧b, a'∧b'⟩ < 0.
 */
import type { NetworkSpec } from '../../engine/spec';
import { widths } from '../../engine/spec';
import type { LayerBufferLayout } from '../../engine/types';
import { forwardInto, layerLayout } from './forward';

/** A cell whose |area ratio| is below this share of the data cells' mean is collapsed (2⁻⁸, the legend's dark end). */
export const COLLAPSE_SHARE = 2 ** -8;

/** Cells per side of the grid over the data's bounding box. */
export const SHARE_GRID = 16;

/** Per layer (the representation after layer l): shares of the data's cells. */
export interface FoldShareResult {
  /** Folded over or collapsed: what the badge shows. */
  share: number[];
  folded: number[];
  collapsed: number[];
  /** Data cells counted. */
  cells: number;
  /** Per layer, per data cell (in DataCells.cells order): signed area ratio (2-D) or area scale (wider). */
  ratio: Float64Array[];
  /** The grid's box over the data: x0, y0, x1, y1. */
  box: [number, number, number, number];
}

/** The cells of a G x G grid over the data's bounding box that hold at least one point. */
export interface DataCells {
  g: number;
  lo: [number, number];
  h: [number, number];
  /** Cell ids (j G + i) of the data's cells, ascending. */
  cells: Uint32Array;
  /** Per data cell: the compact indices of its corners (00, 10, 01, 11). */
  corners: Uint32Array;
  /** Input coordinates of the corners used (x, y per corner). */
  coords: Float32Array;
}

/** The data's cells of `count` 2-D points (x, y interleaved). */
export function dataCells(points: ArrayLike<number>, count: number, g = SHARE_GRID): DataCells {
  if (!(Number.isInteger(g) && g >= 1))
    throw new Error(`fold share grid: must be a whole number ≥ 1; got ${g}`);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let v = 0; v < count; v++) {
    const x = points[2 * v];
    const y = points[2 * v + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  if (!(x1 >= x0))
    return {
      g,
      lo: [0, 0],
      h: [1, 1],
      cells: new Uint32Array(0),
      corners: new Uint32Array(0),
      coords: new Float32Array(0),
    };
  // A flat box (all points on a line) still gets cells of some size.
  const span = Math.max(x1 - x0, y1 - y0, 1e-6);
  const hx = Math.max(x1 - x0, span * 1e-3) / g;
  const hy = Math.max(y1 - y0, span * 1e-3) / g;
  const used = new Uint8Array(g * g);
  for (let v = 0; v < count; v++) {
    const x = points[2 * v];
    const y = points[2 * v + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const i = Math.min(g - 1, Math.floor((x - x0) / hx));
    const j = Math.min(g - 1, Math.floor((y - y0) / hy));
    used[j * g + i] = 1;
  }
  const cells: number[] = [];
  for (let c = 0; c < g * g; c++) if (used[c]) cells.push(c);
  // Corners on the (G+1) x (G+1) vertex lattice, each pushed through the network once.
  const compact = new Int32Array((g + 1) * (g + 1)).fill(-1);
  const coords: number[] = [];
  const corners = new Uint32Array(4 * cells.length);
  cells.forEach((c, k) => {
    const i = c % g;
    const j = Math.floor(c / g);
    [
      [i, j],
      [i + 1, j],
      [i, j + 1],
      [i + 1, j + 1],
    ].forEach(([ii, jj], q) => {
      const id = jj * (g + 1) + ii;
      if (compact[id] < 0) {
        compact[id] = coords.length / 2;
        coords.push(x0 + ii * hx, y0 + jj * hy);
      }
      corners[4 * k + q] = compact[id];
    });
  });
  return {
    g,
    lo: [x0, y0],
    h: [hx, hy],
    cells: Uint32Array.from(cells),
    corners,
    coords: Float32Array.from(coords),
  };
}

/** Shares for one network over one data set; the buffers are kept between weights. */
export class FoldShares {
  readonly grid: DataCells;
  private readonly layout: LayerBufferLayout;
  private readonly data: Float32Array;
  private readonly widths: number[];
  private readonly tangents: Float64Array;
  private readonly flags: Uint8Array;

  constructor(
    private readonly spec: NetworkSpec,
    points: ArrayLike<number>,
    count: number,
    g = SHARE_GRID,
  ) {
    if (spec.inputSize !== 2) throw new Error(`fold shares: the input must be 2-D; got ${spec.inputSize}-D`);
    this.grid = dataCells(points, count, g);
    const corners = this.grid.coords.length / 2;
    this.layout = layerLayout(spec, Math.max(1, corners));
    this.data = new Float32Array(this.layout.totalFloats);
    this.widths = widths(spec);
    const widest = Math.max(...this.widths);
    this.tangents = new Float64Array(2 * widest * this.grid.cells.length);
    this.flags = new Uint8Array(this.grid.cells.length);
  }

  /** The shares of every layer for weights `params`. */
  compute(params: ArrayLike<number>): FoldShareResult {
    const { grid, layout, data, tangents, flags } = this;
    const n = grid.cells.length;
    forwardInto(this.spec, params, grid.coords, grid.coords.length / 2, layout, data);
    const [x0, y0] = grid.lo;
    const box: FoldShareResult['box'] = [x0, y0, x0 + grid.g * grid.h[0], y0 + grid.g * grid.h[1]];
    const result: FoldShareResult = { share: [], folded: [], collapsed: [], cells: n, ratio: [], box };
    const [hx, hy] = grid.h;
    for (let l = 0; l < this.spec.layers.length; l++) {
      const ratio = new Float64Array(n);
      result.ratio.push(ratio);
      const m = this.widths[l + 1];
      const off = layout.offset[2 * l + 2];
      let sum = 0;
      let sumAbs = 0;
      for (let k = 0; k < n; k++) {
        const p00 = off + grid.corners[4 * k] * m;
        const p10 = off + grid.corners[4 * k + 1] * m;
        const p01 = off + grid.corners[4 * k + 2] * m;
        const p11 = off + grid.corners[4 * k + 3] * m;
        const t = 2 * m * k;
        let aa = 0;
        let bb = 0;
        let ab = 0;
        for (let d = 0; d < m; d++) {
          const a = (data[p10 + d] - data[p00 + d] + data[p11 + d] - data[p01 + d]) / (2 * hx);
          const b = (data[p01 + d] - data[p00 + d] + data[p11 + d] - data[p10 + d]) / (2 * hy);
          tangents[t + d] = a;
          tangents[t + m + d] = b;
          aa += a * a;
          bb += b * b;
          ab += a * b;
        }
        const r =
          m === 2
            ? tangents[t] * tangents[t + 3] - tangents[t + 1] * tangents[t + 2]
            : Math.sqrt(Math.max(0, aa * bb - ab * ab));
        ratio[k] = r;
        sum += r;
        sumAbs += Math.abs(r);
      }
      const low = (COLLAPSE_SHARE * sumAbs) / Math.max(1, n);
      const sign = sum < 0 ? -1 : 1;
      flags.fill(0);
      let collapsed = 0;
      for (let k = 0; k < n; k++) {
        if (Math.abs(ratio[k]) <= low) {
          flags[k] = 2;
          collapsed++;
        } else if (m === 2 && ratio[k] * sign < 0) flags[k] = 1;
      }
      if (m >= 3) this.markSheetFolds(m);
      let folded = 0;
      for (let k = 0; k < n; k++) if (flags[k] === 1) folded++;
      result.folded.push(n ? folded / n : 0);
      result.collapsed.push(n ? collapsed / n : 0);
      result.share.push(n ? (folded + collapsed) / n : 0);
    }
    return result;
  }

  /** Marks (1) the data cells whose tangent plane points against that of the data cell right of or above them. */
  private markSheetFolds(m: number): void {
    const { grid, tangents, flags } = this;
    const g = grid.g;
    const cells = grid.cells;
    const against = (k: number, q: number): boolean =>
      planeDot(tangents, 2 * m * k, 2 * m * k + m, 2 * m * q, 2 * m * q + m, m) < 0;
    for (let k = 0; k < cells.length; k++) {
      if (flags[k] === 2) continue;
      const c = cells[k];
      const i = c % g;
      for (const next of [i + 1 < g ? c + 1 : -1, c + g]) {
        if (next < 0) continue;
        const q = search(cells, next);
        if (q < 0 || flags[q] === 2) continue;
        if (against(k, q)) {
          flags[k] = 1;
          flags[q] = 1;
        }
      }
    }
  }
}

/**
 * ⟨a∧b, c∧d⟩ = (a·c)(b·d) − (a·d)(b·c) (Binet–Cauchy; in 3-D the dot product of the normals a×b and c×d)
 * for m-vectors at offsets a, b, c, d of `v`: below 0 the two tangent planes face apart.
 */
export function planeDot(
  v: ArrayLike<number>,
  a: number,
  b: number,
  c: number,
  d: number,
  m: number,
): number {
  let ac = 0;
  let bd = 0;
  let ad = 0;
  let bc = 0;
  for (let i = 0; i < m; i++) {
    ac += v[a + i] * v[c + i];
    bd += v[b + i] * v[d + i];
    ad += v[a + i] * v[d + i];
    bc += v[b + i] * v[c + i];
  }
  return ac * bd - ad * bc;
}

/** Index of `x` in ascending `a`, or −1. */
function search(a: Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] === x) return mid;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

const cache = new WeakMap<ArrayLike<number>, { spec: NetworkSpec; count: number; shares: FoldShares }>();

/**
 * The shares for `spec` over the first `count` 2-D points of `points` (the data's cells kept per points,
 * count and network, so a caller may ask once per weights read back), or null for inputs that are not 2-D.
 */
export function foldShares(
  spec: NetworkSpec,
  params: ArrayLike<number>,
  points: Float32Array,
  count = points.length / 2,
): FoldShareResult | null {
  if (spec.inputSize !== 2 || count === 0) return null;
  let entry = cache.get(points);
  if (!entry || entry.spec !== spec || entry.count !== count) {
    entry = { spec, count, shares: new FoldShares(spec, points, count) };
    cache.set(points, entry);
  }
  return entry.shares.compute(params);
}
