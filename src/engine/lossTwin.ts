/** The twin of the losses (float64): one sample's loss and dL/dz of the output layer, and its verdict. */
import { ACTIVATION_FNS } from './activations';
import type { NetworkSpec } from './spec';
import { outputUnits } from './spec';

type Vec = Float64Array;

/** Every representation of one sample: `pre[l]` = z_l, `post[l]` = a_l; post[0] is the input. */
export interface ForwardTrace {
  pre: Vec[];
  post: Vec[];
}

/** The regression or one-hot target vector of a label. */
function targetVector(spec: NetworkSpec, label: number): Vec {
  const k = outputUnits(spec);
  if (k === 1) return Float64Array.of(label);
  const t = new Float64Array(k);
  t[Math.round(label)] = 1;
  return t;
}

const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

/**
 * Loss of one sample and dL/dz of the output layer.
 *  mse: ½ Σ_k (a_k − t_k)²        dL/dz_k = (a_k − t_k) f'(z_k)
 *  bce: softplus(z) − y z          dL/dz = σ(z) − y     (= −y log σ(z) − (1−y) log(1−σ(z)), computed stably)
 *  ce:  logsumexp(z) − z_y         dL/dz_k = softmax(z)_k − [k = y]
 */
export function sampleLoss(spec: NetworkSpec, trace: ForwardTrace, label: number): { loss: number; dz: Vec } {
  const L = spec.layers.length;
  const z = trace.pre[L];
  const a = trace.post[L];
  const out = spec.layers[L - 1];
  const dz = new Float64Array(z.length);
  if (spec.loss === 'mse') {
    const t = targetVector(spec, label);
    let loss = 0;
    for (let k = 0; k < z.length; k++) {
      const e = a[k] - t[k];
      loss += 0.5 * e * e;
      if (out.activation === 'softmax') throw new Error('mse with softmax output is not supported');
      dz[k] = e * ACTIVATION_FNS[out.activation].derivative(z[k], a[k], out.slope);
    }
    return { loss, dz };
  }
  if (spec.loss === 'bce') {
    dz[0] = a[0] - label;
    return { loss: softplus(z[0]) - label * z[0], dz };
  }
  const y = Math.round(label);
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (const v of z) sum += Math.exp(v - max);
  for (let k = 0; k < z.length; k++) dz[k] = a[k] - (k === y ? 1 : 0);
  return { loss: max + Math.log(sum) - z[y], dz };
}

/** Whether the prediction matches the class label: a > ½ for one output, argmax otherwise. */
export function isCorrect(spec: NetworkSpec, output: Vec, label: number): boolean {
  if (output.length === 1) return (output[0] > 0.5 ? 1 : 0) === Math.round(label);
  let best = 0;
  for (let k = 1; k < output.length; k++) if (output[k] > output[best]) best = k;
  return best === Math.round(label);
}
