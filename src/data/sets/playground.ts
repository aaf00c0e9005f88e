import { Random } from '../../random';
import { PointWriter } from '../build';
import type { DatasetDef } from '../def';
import { noiseParam, samplesParam } from '../params';

// TensorFlow-playground style sets, scaled from its [-5, 5] square to about [-1, 1].

/**
 * XOR: x and y uniform in [-1, 1], pushed 0.06 away from the axes (the playground's padding of 0.3
 * in its units), class 1 where x y >= 0 (first and third quadrants).
 */
export const xor: DatasetDef = {
  name: 'xor',
  title: 'XOR',
  description: 'Four quadrants, opposite ones of the same class (TensorFlow playground).',
  inputSize: 2,
  classes: 2,
  params: {
    samples: samplesParam(1000, 'a playground-sized set'),
    noise: noiseParam(0, 1, 'clean quadrants'),
  },
  generate(p, seed) {
    const rng = new Random(seed);
    const w = new PointWriter(p.samples, 2, 2);
    const pad = (v: number) => v + (v > 0 ? 0.06 : -0.06);
    for (let i = 0; i < p.samples; i++) {
      const a = pad(rng.uniform(-1, 1));
      const b = pad(rng.uniform(-1, 1));
      w.push2(a, b, a * b >= 0 ? 1 : 0);
    }
    return w.finish(rng, p.noise);
  },
};

/** Two Gaussian clouds centred at (0.4, 0.4) (class 1) and (-0.4, -0.4) (class 0), sd `noise`. */
export const gauss: DatasetDef = {
  name: 'gauss',
  title: 'Two Gaussians',
  description: 'Two round clouds that a single line separates (TensorFlow playground).',
  inputSize: 2,
  classes: 2,
  params: {
    samples: samplesParam(1000, 'a playground-sized set'),
    noise: noiseParam(0.14, 1, "the playground's spread at noise 0, sd 0.71 of 5"),
  },
  generate(p, seed) {
    const rng = new Random(seed);
    const w = new PointWriter(p.samples, 2, 2);
    for (let i = 0; i < p.samples; i++) {
      const label = i & 1;
      const c = label ? 0.4 : -0.4;
      w.push2(c, c, label);
    }
    return w.finish(rng, p.noise);
  },
};

/** `classes` Gaussian clouds with centres evenly spaced on the circle of radius `spread`, sd `noise`. */
export const blobs: DatasetDef = {
  name: 'blobs',
  title: 'Blobs (3+ classes)',
  description: 'Several Gaussian clouds, one per class, around a circle: a softmax cross-entropy task.',
  inputSize: 2,
  classes: 3,
  params: {
    samples: samplesParam(900, '300 per class', 3),
    noise: noiseParam(0.15, 1, 'clouds that just touch'),
    classes: {
      default: 3,
      min: 2,
      max: 16,
      integer: true,
      description: 'number of classes, one cloud each (default 3)',
    },
    spread: {
      default: 0.6,
      min: 0,
      max: 5,
      description: 'distance of each cloud centre from the origin (default 0.6)',
    },
  },
  generate(p, seed) {
    const rng = new Random(seed);
    const k = p.classes;
    const w = new PointWriter(p.samples, 2, k);
    for (let i = 0; i < p.samples; i++) {
      const label = i % k;
      const a = Math.PI / 2 + (2 * Math.PI * label) / k;
      w.push2(p.spread * Math.cos(a), p.spread * Math.sin(a), label);
    }
    return w.finish(rng, p.noise);
  },
};
