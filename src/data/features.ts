/**
 * Feature inputs, as TensorFlow Playground offers them: functions of a 2-D point's coordinates appended
 * to them before the network sees the point. The expanded input of (x₁, x₂) is x₁, x₂, then each chosen
 * feature in the fixed order of `FEATURES` (whatever order they were asked for in). Pure and DOM-free: the
 * data, the grid vertices and the points on display are all expanded by `expandPoint`.
 */
import type { Dataset } from './types';

/** Every feature, in the order they follow the coordinates. */
export const FEATURES = ['x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2', 'r2'] as const;

export type FeatureName = (typeof FEATURES)[number];

/** How the views and the controls name each feature. */
export const FEATURE_LABELS: Readonly<Record<FeatureName, string>> = {
  x1sq: 'x₁²',
  x2sq: 'x₂²',
  x1x2: 'x₁x₂',
  sinx1: 'sin x₁',
  sinx2: 'sin x₂',
  r2: 'r²',
};

/** The value of one feature at (x1, x2). */
export function featureValue(f: FeatureName, x1: number, x2: number): number {
  switch (f) {
    case 'x1sq':
      return x1 * x1;
    case 'x2sq':
      return x2 * x2;
    case 'x1x2':
      return x1 * x2;
    case 'sinx1':
      return Math.sin(x1);
    case 'sinx2':
      return Math.sin(x2);
    case 'r2':
      return x1 * x1 + x2 * x2;
  }
}

export function isFeature(name: string): name is FeatureName {
  return (FEATURES as readonly string[]).includes(name);
}

/** An error in a list of features (an unknown or repeated name, or data they cannot extend). */
export class FeatureError extends Error {
  override name = 'FeatureError';
}

/** The features sorted into the fixed order (no repeats assumed). */
export function orderFeatures(list: readonly FeatureName[]): FeatureName[] {
  return FEATURES.filter((f) => list.includes(f));
}

/**
 * Reads features written as names joined by commas ("x1sq,x2sq"); "" or "none" is none. Throws a
 * FeatureError naming an unknown or repeated name. Returns them in the fixed order.
 */
export function parseFeatures(text: string): FeatureName[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return [];
  const names = trimmed.split(/\s*,\s*/);
  const seen = new Set<string>();
  for (const name of names) {
    if (!isFeature(name)) {
      throw new FeatureError(
        `unknown feature ${JSON.stringify(name.slice(0, 20))}: features are ${FEATURES.join(', ')}`,
      );
    }
    if (seen.has(name)) throw new FeatureError(`feature ${name} is named twice`);
    seen.add(name);
  }
  return orderFeatures(names as FeatureName[]);
}

/** Features as text: "x1sq,r2", or "" for none. */
export function featuresText(list: readonly FeatureName[]): string {
  return orderFeatures(list).join(',');
}

/** Refuses features on data that is not 2-D (they are functions of x₁ and x₂). */
export function checkFeatureData(list: readonly FeatureName[], inputSize: number): void {
  if (list.length > 0 && inputSize !== 2) {
    throw new FeatureError(
      `features (${featuresText(list)}) need 2-D data; this data has ${inputSize} input${inputSize === 1 ? '' : 's'}`,
    );
  }
}

/** Writes the expanded input of (x1, x2) into `out` at `at`: x1, x2, then the features in order. */
export function expandPoint(
  list: readonly FeatureName[],
  x1: number,
  x2: number,
  out: Float32Array | number[],
  at = 0,
): void {
  out[at] = x1;
  out[at + 1] = x2;
  let k = at + 2;
  for (const f of FEATURES) if (list.includes(f)) out[k++] = featureValue(f, x1, x2);
}

/** (count, 2) points expanded to (count, 2 + features) in a new array; the same array when there are none. */
export function expandPoints(
  list: readonly FeatureName[],
  points: Float32Array,
  count: number,
): Float32Array {
  if (list.length === 0) return points;
  const width = 2 + list.length;
  const out = new Float32Array(count * width);
  for (let i = 0; i < count; i++) expandPoint(list, points[2 * i], points[2 * i + 1], out, i * width);
  return out;
}

/** The dataset with its inputs expanded by the features (itself when there are none). */
export function expandDataset(list: readonly FeatureName[], d: Dataset): Dataset {
  if (list.length === 0) return d;
  checkFeatureData(list, d.inputSize);
  const n = d.y.length;
  return { ...d, inputSize: 2 + list.length, x: expandPoints(list, d.x, n) };
}

/** Names of the network's inputs: x₁, x₂ and each feature's label (null when no feature is on). */
export function inputLabels(list: readonly FeatureName[]): string[] | null {
  if (list.length === 0) return null;
  return ['x₁', 'x₂', ...orderFeatures(list).map((f) => FEATURE_LABELS[f])];
}
