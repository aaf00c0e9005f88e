/**
 * Every representation of a set of points on the CPU, written in place into the layer-buffer layout the
 * GPU grid transform uses (see LayerBufferLayout). The view needs it for the WebGL2 fallback, for picking,
 * framing the camera and PCA; it allocates nothing once its output exists.
 */
import { ACTIVATION_FNS } from '../../engine/activations';
import { fieldWeight } from '../../engine/fieldTwin';
import type { Activation, NetworkSpec } from '../../engine/spec';
import { paramLayout, widths, type FieldLayout } from '../../engine/spec';
import type { LayerBufferLayout } from '../../engine/types';

/** The layout of `capacity` points (the engine's own). */
export { layerBufferLayout as layerLayout } from '../../engine/twin';

/** z_l = W_l a_{l−1} + b_l, a_l = f_l(z_l) for points 0..count−1, into `out` (layout.totalFloats). */
export function forwardInto(
  spec: NetworkSpec,
  params: ArrayLike<number>,
  points: ArrayLike<number>,
  count: number,
  layout: LayerBufferLayout,
  out: Float32Array,
): void {
  const pl = paramLayout(spec);
  const w = widths(spec);
  const inSize = spec.inputSize;
  for (let v = 0; v < count; v++)
    for (let i = 0; i < inSize; i++) out[v * inSize + i] = points[v * inSize + i];
  for (let l = 0; l < spec.layers.length; l++) {
    const layer = spec.layers[l];
    const n = w[l];
    const m = w[l + 1];
    const inOff = layout.offset[2 * l];
    const zOff = layout.offset[2 * l + 1];
    const aOff = layout.offset[2 * l + 2];
    const wOff = pl.weight[l];
    const bOff = pl.bias[l];
    const softmax = layer.activation === 'softmax';
    const f = softmax ? null : ACTIVATION_FNS[layer.activation as Activation];
    const field = pl.field[l];
    if (field) {
      fieldInto(field, params, out, count, inOff, zOff, aOff);
      continue;
    }
    for (let v = 0; v < count; v++) {
      const a = inOff + v * n;
      let max = -Infinity;
      for (let j = 0; j < m; j++) {
        let sum = params[bOff + j];
        for (let i = 0; i < n; i++) sum += params[wOff + j * n + i] * out[a + i];
        out[zOff + v * m + j] = sum;
        if (sum > max) max = sum;
      }
      if (f) {
        for (let j = 0; j < m; j++) out[aOff + v * m + j] = f.value(out[zOff + v * m + j], layer.slope);
      } else {
        let total = 0;
        for (let j = 0; j < m; j++) total += out[aOff + v * m + j] = Math.exp(out[zOff + v * m + j] - max);
        for (let j = 0; j < m; j++) out[aOff + v * m + j] /= total;
      }
    }
  }
}

/** A vector-field layer: z = a = x + Σᵢ vᵢ gᵢ(x) (engine/fieldTwin.ts), for points 0..count−1. */
function fieldInto(
  f: FieldLayout,
  params: ArrayLike<number>,
  out: Float32Array,
  count: number,
  inOff: number,
  zOff: number,
  aOff: number,
): void {
  const d = f.width;
  for (let v = 0; v < count; v++) {
    const x = inOff + v * d;
    for (let u = 0; u < d; u++) out[zOff + v * d + u] = out[x + u];
    for (let i = 0; i < f.anchors; i++) {
      const g = fieldWeight(f, params, out, i, x);
      for (let u = 0; u < d; u++) out[zOff + v * d + u] += params[f.v + i * d + u] * g;
    }
    for (let u = 0; u < d; u++) out[aOff + v * d + u] = out[zOff + v * d + u];
  }
}
