import { Random } from '../../random';
import { PointWriter } from '../build';
import type { DatasetDef } from '../def';
import { noiseParam, samplesParam } from '../params';

// The sets of the 004 seed (colah, "Neural Networks, Manifolds, and Topology"). The post shows them
// as pictures only; the shapes and sizes here are chosen to look and behave as described there.

/**
 * "Two curves on a plane": x uniform in [-1, 1], class 1 on y = a sin(pi x) + gap/2 and class 0 on
 * y = a sin(pi x) - gap/2. When gap < 2a no line separates them, but one bend does.
 */
export const curves: DatasetDef = {
  name: 'curves',
  title: 'Two curves',
  description:
    'Two interleaved wavy curves (colah): no line separates them, a single hidden layer bends the plane ' +
    'until one does.',
  inputSize: 2,
  classes: 2,
  params: {
    samples: samplesParam(1000, 'enough to draw two curves'),
    noise: noiseParam(0.01, 0.5, 'a thin curve'),
    amplitude: {
      default: 0.5,
      min: 0,
      max: 2,
      description: 'height of each wave (default 0.5)',
    },
    gap: {
      default: 0.4,
      min: 0,
      max: 2,
      description: 'vertical distance between the curves (default 0.4; below 2 x amplitude they interleave)',
    },
  },
  generate(p, seed) {
    const rng = new Random(seed);
    const w = new PointWriter(p.samples, 2, 2);
    for (let i = 0; i < p.samples; i++) {
      const label = i & 1;
      const x = rng.uniform(-1, 1);
      w.push2(x, p.amplitude * Math.sin(Math.PI * x) + (label ? p.gap : -p.gap) / 2, label);
    }
    return w.finish(rng, p.noise);
  },
};

/**
 * Two spirals: t uniform in [0, 1], radius 0.1 + 0.9 t, angle 2 pi turns t, class 1 rotated by pi.
 * colah shows spirals "slightly entangled" (separable by four 2-unit hidden layers) and "more
 * entangled" (not); `turns` sets how much.
 */
export const spiral: DatasetDef = {
  name: 'spiral',
  title: 'Two spirals',
  description:
    'Two interleaved spiral arms (colah, TensorFlow playground). More turns entangle them more: a few ' +
    'narrow layers untangle a slight spiral but fail on a tight one.',
  inputSize: 2,
  classes: 2,
  params: {
    samples: samplesParam(1000, 'as many as the TensorFlow playground shows'),
    noise: noiseParam(0.02, 0.5, 'thin arms'),
    turns: {
      default: 1,
      min: 0.1,
      max: 4,
      description:
        'turns of each arm from the centre outwards (default 1; about 0.5 is slight, 1.5 and up tight)',
    },
  },
  generate(p, seed) {
    const rng = new Random(seed);
    const w = new PointWriter(p.samples, 2, 2);
    for (let i = 0; i < p.samples; i++) {
      const label = i & 1;
      const t = rng.next();
      const r = 0.1 + 0.9 * t;
      const a = 2 * Math.PI * p.turns * t + (label ? Math.PI : 0);
      w.push2(r * Math.cos(a), r * Math.sin(a), label);
    }
    return w.finish(rng, p.noise);
  },
};

/**
 * colah's 1-D set: class A (label 1) on (-1/2, 1/2), class B (label 0) on both sides within [-1, 1].
 * No single unit can split it; two units firing at x > -1/2 and x > 1/2 can. `gap` leaves empty
 * margins of gap/2 either side of +-1/2.
 */
export const interval: DatasetDef = {
  name: 'interval',
  title: '1-D interval',
  description:
    'A line where class 1 lies between two pieces of class 0 (colah). One unit cannot separate it; ' +
    'two units lift it into a curve that a line cuts.',
  inputSize: 1,
  classes: 2,
  params: {
    samples: samplesParam(1000, 'a dense line'),
    noise: noiseParam(0, 0.5, 'clean as in the post'),
    gap: {
      default: 0.1,
      min: 0,
      max: 0.9,
      description: 'empty margin between the classes around x = +-1/2 (default 0.1)',
    },
  },
  generate(p, seed) {
    const rng = new Random(seed);
    const w = new PointWriter(p.samples, 1, 2);
    const edge = 0.5 - p.gap / 2;
    const outer = 0.5 + p.gap / 2;
    for (let i = 0; i < p.samples; i++) {
      if (i & 1) {
        w.push1(rng.uniform(-edge, edge), 1);
      } else {
        const v = rng.uniform(outer, 1);
        w.push1(rng.next() < 0.5 ? -v : v, 0);
      }
    }
    return w.finish(rng, p.noise);
  },
};

/**
 * Two linked solid tori (colah's "Links and homotopy"). Torus 0: core circle of radius 1 in the xy-plane
 * around (-0.5, 0, 0); torus 1: core circle of radius 1 in the xz-plane around (0.5, 0, 0). The core
 * circles are linked and exactly 1 apart everywhere, so tubes of radius below 0.5 never touch.
 * Points are uniform in volume. Separating them needs a 4th dimension: 3-unit layers fail.
 */
export const tori: DatasetDef = {
  name: 'tori',
  title: 'Linked tori',
  description:
    'Two solid tori linked like chain links in 3-D (colah). Layers of 3 units cannot unlink them; a layer ' +
    'of 4 or more can.',
  inputSize: 3,
  classes: 2,
  params: {
    samples: samplesParam(4000, 'enough to show two tubes'),
    noise: noiseParam(0, 0.5, 'clean tubes'),
    tube: {
      default: 0.25,
      min: 0.01,
      max: 0.45,
      description: 'radius of each tube around its core circle (default 0.25; below 0.5 they never touch)',
    },
  },
  generate(p, seed) {
    const rng = new Random(seed);
    const w = new PointWriter(p.samples, 3, 2);
    for (let i = 0; i < p.samples; i++) {
      const label = i & 1;
      // Uniform in volume: the volume element grows with the distance from the torus axis, 1 + rho cos v.
      let u: number, rho: number, v: number;
      do {
        u = 2 * Math.PI * rng.next();
        rho = p.tube * Math.sqrt(rng.next());
        v = 2 * Math.PI * rng.next();
      } while (rng.next() * (1 + p.tube) > 1 + rho * Math.cos(v));
      const radial = 1 + rho * Math.cos(v);
      const across = rho * Math.sin(v);
      if (label === 0) w.push3(radial * Math.cos(u) - 0.5, radial * Math.sin(u), across, 0);
      else w.push3(radial * Math.cos(u) + 0.5, across, radial * Math.sin(u), 1);
    }
    return w.finish(rng, p.noise);
  },
};
