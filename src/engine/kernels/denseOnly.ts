/**
 * The refusal of a kernel that trains dense layers only, where the network has a vector-field layer: the
 * general path (and its grid transform) is the one that takes such a layer.
 */
import type { NetworkSpec } from '../spec';

export function denseOnly(kind: string, spec: NetworkSpec): string | null {
  const l = spec.layers.findIndex((layer) => layer.field !== undefined);
  if (l >= 0) {
    return `the ${kind} kernel trains dense layers only; layer ${l + 1} is a vector-field layer: choose the general kernel, or auto`;
  }
  return spec.knn ? `the ${kind} kernel has no k-NN output: choose the general kernel, or auto` : null;
}

/** Why the population cannot train the network, or null: it has no k-NN output (the general path has). */
export function knnRefusal(spec: NetworkSpec): string | null {
  return spec.knn
    ? 'the population kernel has no k-NN output: train each seed with the general kernel'
    : null;
}
