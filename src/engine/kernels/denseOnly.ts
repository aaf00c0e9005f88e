/**
 * The refusal of a kernel that trains dense layers only, where the network has a vector-field layer: the
 * general path (and its grid transform) is the one that takes such a layer.
 */
import type { NetworkSpec } from '../spec';

export function denseOnly(kind: string, spec: NetworkSpec): string | null {
  const l = spec.layers.findIndex((layer) => layer.field !== undefined);
  return l < 0
    ? null
    : `the ${kind} kernel trains dense layers only; layer ${l + 1} is a vector-field layer: choose the general kernel, or auto`;
}

/** Why no GPU kernel takes the network yet, or null: the k-NN output trains in the twin only so far. */
export function knnRefusal(spec: NetworkSpec): string | null {
  return spec.knn
    ? 'the k-NN output is not on the GPU yet: its batch loss and votes run in the twin (src/engine/knnTwin.ts)'
    : null;
}
