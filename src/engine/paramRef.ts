import { paramLayout, widths, type NetworkSpec } from './spec';

/**
 * One parameter of a dense network, named as a person sees it: the weight from unit `from` of
 * representation `layer` to unit `to` of representation `layer + 1`, or the bias of unit `to` of
 * representation `layer + 1`. `layer` counts the network's layers from 0 (the first maps the input).
 */
export type ParamRef =
  { kind: 'weight'; layer: number; to: number; from: number } | { kind: 'bias'; layer: number; to: number };

/** Where a parameter lives in the flat parameter array (the engine's and the twin's layout). */
export function paramIndex(spec: NetworkSpec, ref: ParamRef): number {
  const w = widths(spec);
  const { layer, to } = ref;
  if (!Number.isInteger(layer) || layer < 0 || layer >= spec.layers.length) {
    throw new RangeError(`layer ${layer} is not one of the network's ${spec.layers.length} layers`);
  }
  if (!Number.isInteger(to) || to < 0 || to >= w[layer + 1]) {
    throw new RangeError(`unit ${to} is not one of layer ${layer + 1}'s ${w[layer + 1]} units`);
  }
  const layout = paramLayout(spec);
  if (ref.kind === 'bias') return layout.bias[layer] + to;
  if (!Number.isInteger(ref.from) || ref.from < 0 || ref.from >= w[layer]) {
    throw new RangeError(`unit ${ref.from} is not one of representation ${layer}'s ${w[layer]} units`);
  }
  return layout.weight[layer] + to * w[layer] + ref.from;
}

/** Reads a parameter's name back from its index: the inverse of paramIndex. */
export function paramRefAt(spec: NetworkSpec, index: number): ParamRef {
  const w = widths(spec);
  const layout = paramLayout(spec);
  if (!Number.isInteger(index) || index < 0 || index >= layout.count) {
    throw new RangeError(`parameter ${index} is not one of the network's ${layout.count}`);
  }
  for (let l = spec.layers.length - 1; l >= 0; l--) {
    if (index >= layout.bias[l]) return { kind: 'bias', layer: l, to: index - layout.bias[l] };
    if (index >= layout.weight[l]) {
      const k = index - layout.weight[l];
      return { kind: 'weight', layer: l, to: Math.floor(k / w[l]), from: k % w[l] };
    }
  }
  throw new RangeError(`parameter ${index} is not one of the network's ${layout.count}`);
}
