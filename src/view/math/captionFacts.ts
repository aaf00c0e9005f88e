/**
 * What is true of the picture on screen, for the captions (DOM-free): whether the linear move of a layer
 * is an invertible path (only for a square, non-singular W: a map between spaces of different sizes, or
 * a singular one, cannot be inverted, even if its completed path stays invertible), whether a unit swap
 * is visible (only where a representation is shown by its units, never through principal components or
 * the decision-aligned projection), and which projection a representation is shown through.
 */
import type { DisplayPath } from './displayPath';
import { det } from './linalg';
import { paramLayout } from '../../engine/spec';

/** W_{k+1} is square and non-singular (relative to its scale), and its path on screen stays invertible. */
export function invertibleMap(path: DisplayPath, k: number): boolean {
  const n = path.repWidth[k];
  const m = path.repWidth[k + 1];
  if (n !== m || path.isField(k)) return false;
  if (path.linearPath(k).kind !== 'polar') return false;
  const off = paramLayout(path.spec).weight[k];
  const w = Float64Array.from(path.currentParams.subarray(off, off + n * n));
  let scale = 0;
  for (const x of w) scale += x * x;
  scale = Math.sqrt(scale / n);
  return scale > 0 && Math.abs(det(w, n)) > 1e-9 * scale ** n;
}

/** Units 1 and 2 of representation r are swapped on screen and the picture shows units (so it matters). */
export function unitSwapShown(path: DisplayPath, r: number): boolean {
  if (r <= 0 || !path.swapped[r - 1]) return false;
  return path.repWidth[r] <= 3 || path.getProjection(r).kind === 'units';
}

/** The words for how representation r is projected: 'units', 'principal components' or 'decision-aligned'. */
export function projectionName(
  path: DisplayPath,
  r: number,
): 'units' | 'principal components' | 'decision-aligned' {
  const p = path.getProjection(r);
  if (path.repWidth[r] <= 3 || p.kind === 'units') return 'units';
  return p.labels?.[0]?.startsWith('decision') ? 'decision-aligned' : 'principal components';
}
