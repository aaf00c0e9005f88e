import { Random } from '../../random';
import { PointWriter } from '../build';
import type { DatasetDef } from '../def';
import { noiseParam, samplesParam } from '../params';

/**
 * scikit-learn's make_circles: floor(n/2) points evenly on the unit circle (class 0, angles
 * linspace(0, 2 pi, endpoint=False)), the rest on a circle of radius `factor` (class 1), Gaussian
 * noise of sd `noise`. Defaults from the 003 seed: make_circles(n_samples=100000, noise=0.2, factor=0.5).
 */
export const circles: DatasetDef = {
  name: 'circles',
  title: 'Circles (make_circles)',
  description:
    'scikit-learn make_circles: a unit circle (class 0) around a smaller circle (class 1), blurred by ' +
    'Gaussian noise so the classes overlap a little.',
  inputSize: 2,
  classes: 2,
  params: {
    samples: samplesParam(100000, 'make_circles(n_samples=100000) in the 003 seed'),
    noise: noiseParam(0.2, 1, 'noise=0.2 in the 003 seed'),
    factor: {
      default: 0.5,
      min: 0,
      max: 0.99,
      description:
        'radius of the inner circle relative to the outer one (default 0.5: factor=0.5 in the 003 seed)',
    },
  },
  generate(p, seed) {
    const rng = new Random(seed);
    const w = new PointWriter(p.samples, 2, 2);
    const nOut = Math.floor(p.samples / 2);
    const nIn = p.samples - nOut;
    for (let i = 0; i < nOut; i++) {
      const a = (2 * Math.PI * i) / nOut;
      w.push2(Math.cos(a), Math.sin(a), 0);
    }
    for (let i = 0; i < nIn; i++) {
      const a = (2 * Math.PI * i) / nIn;
      w.push2(p.factor * Math.cos(a), p.factor * Math.sin(a), 1);
    }
    return w.finish(rng, p.noise);
  },
};

/**
 * scikit-learn's make_moons: floor(n/2) points on the upper half circle (class 0) and the rest on a
 * lower half circle shifted to (1, 0.5) below it (class 1), angles evenly spaced over [0, pi].
 */
export const moons: DatasetDef = {
  name: 'moons',
  title: 'Two moons',
  description:
    'scikit-learn make_moons: two interleaving half circles. One hidden layer of a few units bends the ' +
    'plane enough to separate them.',
  inputSize: 2,
  classes: 2,
  params: {
    samples: samplesParam(1000, 'a common make_moons size'),
    noise: noiseParam(0.1, 1, 'the usual make_moons(noise=0.1)'),
  },
  generate(p, seed) {
    const rng = new Random(seed);
    const w = new PointWriter(p.samples, 2, 2);
    const nOut = Math.floor(p.samples / 2);
    const nIn = p.samples - nOut;
    for (let i = 0; i < nOut; i++) {
      const a = nOut > 1 ? (Math.PI * i) / (nOut - 1) : 0;
      w.push2(Math.cos(a), Math.sin(a), 0);
    }
    for (let i = 0; i < nIn; i++) {
      const a = nIn > 1 ? (Math.PI * i) / (nIn - 1) : 0;
      w.push2(1 - Math.cos(a), 1 - Math.sin(a) - 0.5, 1);
    }
    return w.finish(rng, p.noise);
  },
};
