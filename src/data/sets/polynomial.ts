import { Random } from '../../random';
import { PointWriter } from '../build';
import type { DatasetDef } from '../def';
import { noiseParam, samplesParam } from '../params';

/** The regression target of the 002 seed (Alex Marshall). */
export function quartic(x: number): number {
  const x2 = x * x;
  return x2 * x2 - 3 * x2 + x + 1;
}

/**
 * Regression of y = x^4 - 3x^2 + x + 1 with x uniform in [-2, 2] (002 seed:
 * x_train = 4*np.random.rand(4000) - 2). `noise` is added to the target, not to x.
 */
export const polynomial: DatasetDef = {
  name: 'polynomial',
  title: 'Polynomial fit',
  description:
    'Regression of y = x^4 - 3x^2 + x + 1 on [-2, 2] (Alex Marshall): a W-shaped curve that narrow tanh ' +
    'networks fit only in part, and a single-unit chokepoint flattens.',
  inputSize: 1,
  classes: 0,
  params: {
    samples: samplesParam(4000, 'np.random.rand(4000) in the 002 seed'),
    noise: noiseParam(0, 5, 'the 002 seed fits the exact curve; here the sd of noise on y'),
  },
  generate(p, seed) {
    const rng = new Random(seed);
    const w = new PointWriter(p.samples, 1, 0);
    for (let i = 0; i < p.samples; i++) {
      const x = rng.uniform(-2, 2);
      w.push1(x, quartic(x));
    }
    if (p.noise > 0) for (let i = 0; i < p.samples; i++) w.y[i] += p.noise * rng.normal();
    return w.finish(rng);
  },
};
