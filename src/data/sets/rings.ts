import { Random } from '../../random';
import { PointWriter, evenSplit } from '../build';
import type { DatasetDef } from '../def';
import { noiseParam, samplesParam } from '../params';

/**
 * Two noisy concentric circles (001 seed, Scott Rome; reused by the 002 seed, Alex Marshall):
 * n points per ring at t = linspace(0, 2, n), (r sin(pi t), r cos(pi t)) + N(0, 0.005) per coordinate,
 * the ring of radius 1 labelled 1 and the ring of radius 0.5 labelled 0, n = 20,000 each.
 */
export const rings: DatasetDef = {
  name: 'rings',
  title: 'Two rings',
  description:
    'Two thin concentric circles: radius 1 (class 1) around radius 0.5 (class 0). No line separates them ' +
    'and no map through 2-unit layers can pull them apart; a third unit can lift one ring out.',
  inputSize: 2,
  classes: 2,
  params: {
    samples: samplesParam(40000, '20,000 per ring as in the 001 and 002 seeds'),
    noise: noiseParam(0.005, 0.5, 'np.random.normal(0, .005) in the 001 seed'),
    inner: {
      default: 0.5,
      min: 0.05,
      max: 0.95,
      description: 'radius of the inner ring (class 0); the outer ring has radius 1 (default 0.5: 001 seed)',
    },
  },
  generate(p, seed) {
    const rng = new Random(seed);
    const w = new PointWriter(p.samples, 2, 2);
    // Outer ring first and one point larger when the count is odd.
    const [nOuter, nInner] = evenSplit(p.samples, 2);
    for (const [n, r, label] of [
      [nOuter, 1, 1],
      [nInner, p.inner, 0],
    ]) {
      for (let i = 0; i < n; i++) {
        const t = n > 1 ? (2 * i) / (n - 1) : 0; // np.linspace(0, 2, n)
        w.push2(r * Math.sin(Math.PI * t), r * Math.cos(Math.PI * t), label);
      }
    }
    return w.finish(rng, p.noise);
  },
};
