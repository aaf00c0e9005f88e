/** The names of a network's representations, input first: "input", "hidden 1", ..., "output". */
import type { NetworkSpec } from '../../engine/spec';

export function layerNames(spec: NetworkSpec): string[] {
  const L = spec.layers.length;
  return ['input', ...spec.layers.map((_, l) => (l === L - 1 ? 'output' : `hidden ${l + 1}`))];
}
