/**
 * The fold-and-stretch colour of a grid vertex in the vertex stage (the rule of foldMap.ts, its twin): the
 * displayed positions of the vertex and its four grid neighbours come from the display formula over the
 * engine's layer buffer, as the vertex's own position does (no copies), so the map follows the slider.
 */
import * as THREE from 'three/webgpu';
import * as TSL from 'three/tsl';

// TSL's typings reject uint min/max and mixed node kinds that WGSL accepts; the graph is typed loosely.
const { abs, clamp, cross, dot, float, length, log2, max, min, mix, uint, uniform, vec3 } = TSL as N;
import { FOLD_COLORS, FOLD_SCALE } from '../math/foldMap';
import { displayPosition, type DisplayUniforms, type N } from './displayNodes';

/** Per view: the input spacing of the grid and whether the picture is a sheet in 3-D. */
export class FoldUniforms {
  /** h_x, h_y of the input grid. */
  readonly spacing: N = uniform(new THREE.Vector2(1, 1));
  /** 1: area scale and normal flips (3-D picture); 0: signed ratio (flat picture). */
  readonly sheet: N = uniform(0);
}

const c3 = (c: readonly number[]): N => vec3(c[0], c[1], c[2]);

/** The colour of `ratio` (folded or not) on the legend's scale, as foldColor in foldMap.ts. */
export function foldColorOf(ratio: N, folded: N): N {
  const span = FOLD_SCALE.highLog2 - FOLD_SCALE.lowLog2;
  const mid = -FOLD_SCALE.lowLog2 / span;
  const t: N = clamp(
    log2(max(abs(ratio), float(1e-30)))
      .sub(FOLD_SCALE.lowLog2)
      .div(span),
    0,
    1,
  );
  const low: N = mix(c3(FOLD_COLORS.collapsed), c3(FOLD_COLORS.unchanged), t.div(mid));
  const high: N = mix(c3(FOLD_COLORS.unchanged), c3(FOLD_COLORS.stretched), t.sub(mid).div(1 - mid));
  const ramp: N = t.lessThan(mid).select(low, high);
  const foldedColor: N = c3(FOLD_COLORS.folded).mul(t.mul(0.45).add(0.55));
  return folded.select(foldedColor, ramp);
}

/** The fold map's two values at a grid vertex: the signed ratio (or area scale) and whether it is folded. */
export interface FoldValue {
  ratio: N;
  folded: N;
}

/**
 * Signed area ratio (flat picture) or area scale (sheet in 3-D) of grid vertex `index` of a G x G grid, and
 * whether it is folded, from the display formula `u` over `buffer` (foldMap.ts's foldMap is its twin).
 */
export function foldValueNode(
  u: DisplayUniforms,
  f: FoldUniforms,
  buffer: N,
  index: N,
  g: number,
): FoldValue {
  const v: N = uint(index);
  const G = uint(g);
  const i: N = v.mod(G);
  const j: N = v.div(G);
  const il: N = max(i, uint(1)).sub(uint(1));
  const ir: N = min(i.add(uint(1)), uint(g - 1));
  const jd: N = max(j, uint(1)).sub(uint(1));
  const ju: N = min(j.add(uint(1)), uint(g - 1));
  const at = (ii: N, jj: N): N => displayPosition(u, buffer, jj.mul(G).add(ii), float(0));
  const p: N = at(i, j);
  const pl: N = at(il, j);
  const pr: N = at(ir, j);
  const pd: N = at(i, jd);
  const pu: N = at(i, ju);
  const sx: N = float(ir).sub(float(il)).mul(f.spacing.x);
  const sy: N = float(ju).sub(float(jd)).mul(f.spacing.y);
  const n: N = cross(pr.sub(pl).div(sx), pu.sub(pd).div(sy));
  const sheet: N = f.sheet.greaterThan(0.5);
  const ratio: N = sheet.select(length(n), n.z);
  const ahead: N = cross(pr.sub(p), pu.sub(p));
  const behind: N = cross(p.sub(pl), p.sub(pd));
  const folded: N = sheet.select(dot(ahead, behind).lessThan(0), n.z.lessThan(0));
  return { ratio, folded };
}

/** Fold colour of grid vertex `index` of a G x G grid, from the display formula `u` over `buffer`. */
export function foldColorNode(u: DisplayUniforms, f: FoldUniforms, buffer: N, index: N, g: number): N {
  const { ratio, folded } = foldValueNode(u, f, buffer, index, g);
  return foldColorOf(ratio, folded);
}
