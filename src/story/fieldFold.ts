/**
 * Whether a trained vector-field layer is still one-to-one: the determinant of its Jacobian
 * J(x) = I + Σᵢ vᵢ ∇gᵢ(x)ᵀ, ∇gᵢ(x) = −gᵢ(x) (x − cᵢ)/σ², sampled over a square grid of the plane. A
 * determinant that changes sign inside the square means the layer folds the plane there (two points land
 * on one), which is how a field can unnest the rings that no one-to-one deformation can. Pure; 2-D only.
 */
import { fieldJacobian } from '../engine/fieldTwin';
import { paramLayout, type FieldLayout, type NetworkSpec } from '../engine/spec';

/** det J(x) of a 2-wide field layer at x. */
export function fieldJacobianDet(f: FieldLayout, params: ArrayLike<number>, x: ArrayLike<number>): number {
  if (f.width !== 2) throw new Error(`fieldJacobianDet: the layer is ${f.width} wide, not 2`);
  const [a, b, c, d] = fieldJacobian(f, params, x, new Float64Array(4));
  return a * d - b * c;
}

export interface FoldSurvey {
  /** The smallest and largest determinant seen. */
  minDet: number;
  maxDet: number;
  /** Share of the sampled points where the determinant is negative (the plane is turned over there). */
  foldedShare: number;
}

/** Samples det J on an n×n grid over [−half, half]² (vertices included). */
export function surveyFold(f: FieldLayout, params: ArrayLike<number>, half: number, n: number): FoldSurvey {
  let minDet = Infinity;
  let maxDet = -Infinity;
  let folded = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = [-half + (2 * half * i) / (n - 1), -half + (2 * half * j) / (n - 1)];
      const det = fieldJacobianDet(f, params, x);
      minDet = Math.min(minDet, det);
      maxDet = Math.max(maxDet, det);
      if (det < 0) folded++;
    }
  }
  return { minDet, maxDet, foldedShare: folded / (n * n) };
}

/** The data of the stories lie within the unit disk: the square the first field layer is surveyed on. */
export const SURVEY_HALF = 1.2;
const SURVEY_POINTS = 41;

/**
 * The survey of a network's first vector-field layer over the input square [−1.2, 1.2]², or null where the
 * network has none (or it is not 2 wide).
 */
export function firstFieldFold(spec: NetworkSpec, params: ArrayLike<number>): FoldSurvey | null {
  const f = paramLayout(spec).field.find((x) => x !== null);
  return f && f.width === 2 ? surveyFold(f, params, SURVEY_HALF, SURVEY_POINTS) : null;
}
