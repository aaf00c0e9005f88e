/**
 * What each dataset's classes do to one another topologically, declared as data (colah, "Neural networks,
 * manifolds, and topology"): a class enclosed by another in the plane, two linked solid tori in space, or
 * an interval of one class between two pieces of the other on the line. A network whose layers are all
 * narrower than the topology needs cannot pull the classes apart, however deep it is.
 */
import type { NetworkSpec } from '../engine/spec';

export type Relation = 'encloses' | 'linked' | 'between';

export interface DatasetTopology {
  relation: Relation;
  /** Dimension of the input space the relation lives in. */
  dims: 1 | 2 | 3;
  /** The class that is enclosed (linked, between) ... */
  inner: number;
  /** ... by (with, around) this one. */
  outer: number;
}

/** Datasets whose classes are entangled; the others declare nothing. */
export const TOPOLOGY: Readonly<Record<string, DatasetTopology>> = Object.freeze({
  rings: { relation: 'encloses', dims: 2, inner: 0, outer: 1 },
  circles: { relation: 'encloses', dims: 2, inner: 1, outer: 0 },
  holes: { relation: 'encloses', dims: 2, inner: 1, outer: 0 },
  tori: { relation: 'linked', dims: 3, inner: 0, outer: 1 },
  interval: { relation: 'between', dims: 1, inner: 1, outer: 0 },
});

/**
 * Units the widest layer needs: one more than the dimension the relation lives in (a third to lift a
 * disk out of its annulus, a fourth to unlink tori, a second to bend the line).
 */
export function unitsNeeded(t: DatasetTopology): number {
  return t.dims + 1;
}

/** One line saying what the relation is. */
export function describeTopology(t: DatasetTopology): string {
  switch (t.relation) {
    case 'encloses':
      return `class ${t.inner} is enclosed by class ${t.outer} in the plane`;
    case 'linked':
      return `classes ${t.inner} and ${t.outer} are linked in space`;
    case 'between':
      return `class ${t.inner} lies between two pieces of class ${t.outer} on the line`;
  }
}

const INVERTIBLE = new Set(['tanh', 'sigmoid', 'softplus', 'linear']);

/**
 * The warning for a network that cannot untangle the dataset whatever its weights, or null (for a network with a
 * vector-field layer: that it can only by folding the plane). Two cases:
 *  - no hidden layer reaches the units needed (with tanh the layers are homeomorphisms, which keep the
 *    enclosure; with ReLU width-n networks still cannot carve a bounded region out of n-D space);
 *  - an enclosed class squashed onto a line: a hidden layer narrower than the input that only invertible
 *    square layers precede, before any layer wide enough (a line through the inner class meets the outer).
 */
export function topologyHint(dataset: string, spec: NetworkSpec): string | null {
  const t = Object.hasOwn(TOPOLOGY, dataset) ? TOPOLOGY[dataset] : undefined;
  if (!t || spec.inputSize !== t.dims) return null;
  const need = unitsNeeded(t);
  const hidden = spec.layers.slice(0, -1);
  const widest = hidden.reduce((w, l) => Math.max(w, l.units), 0);
  const what = describeTopology(t);
  if (widest < need && hidden.some((l) => l.field !== undefined)) {
    // A vector-field layer is one-to-one only while its field is gentle: past that it folds the plane,
    // and folded, the rings do come apart.
    return `colah: a deformation of the plane that stays one-to-one cannot untangle this (${what}); a vector-field layer can only by folding the plane`;
  }
  if (widest < need) {
    const layers =
      hidden.length === 0
        ? 'without a hidden layer'
        : `with ${widest} unit${widest === 1 ? '' : 's'} per layer`;
    const hint = `colah: ${layers} this cannot be untangled, whatever the depth (${what}; a layer of ${need} units can)`;
    // A k-NN output needs no line between the classes: it can classify them still tangled.
    return spec.knn ? `${hint}; a k-NN output can still tell the classes apart, tangled` : hint;
  }
  if (t.relation !== 'encloses') return null;
  for (const l of hidden) {
    if (l.units >= need) return null;
    if (l.units < t.dims) {
      return (
        `colah: the ${l.units}-unit layer flattens the plane onto a line before any layer can lift ` +
        `the classes apart, so this cannot be untangled (${what})`
      );
    }
    const invertible = INVERTIBLE.has(l.activation) || (l.activation === 'leaky_relu' && l.slope > 0);
    if (!invertible) return null;
  }
  return null;
}
