import { Random } from '../../random';
import { PointWriter, diskPoint, evenSplit } from '../build';
import type { DatasetDef } from '../def';
import { DataError } from '../errors';
import { noiseParam, samplesParam, type Params } from '../params';

// The two sets of the 000 seed (Matt Johnson, "Animating how neural networks detangle classes").

/** Centres of the holes as in get_disk_holes: the non-centre ones evenly spaced (from angle 0) on
 *  the circle of radius r/2, then one at the origin when `center` is 1. */
export function holeCentres(p: Params): [number, number][] {
  const ring = p.holes - p.center;
  const out: [number, number][] = [];
  for (let k = 0; k < ring; k++) {
    const a = (2 * Math.PI * k) / ring;
    out.push([(p.radius / 2) * Math.cos(a), (p.radius / 2) * Math.sin(a)]);
  }
  if (p.center) out.push([0, 0]);
  return out;
}

/** get_2d_holes_dataset's data checks, plus one it leaves implicit: holes on the ring must not overlap. */
function checkHoles(p: Params): void {
  if (6 * p.holeRadius > p.radius) {
    // "r_hole must be no more than r/6": three stacked hole diameters must fit in r.
    throw new DataError(
      `holes: holeRadius must be no more than radius/6 (${+(p.radius / 6).toFixed(6)}); got ${p.holeRadius}`,
    );
  }
  if (p.posRadius > p.holeRadius) {
    throw new DataError(
      `holes: posRadius cannot be greater than holeRadius (${p.holeRadius}); got ${p.posRadius}`,
    );
  }
  const ring = p.holes - p.center;
  if (ring >= 2) {
    const apart = p.radius * Math.sin(Math.PI / ring); // distance between neighbouring ring centres
    if (apart < 2 * p.holeRadius) {
      const most = Math.floor(Math.PI / Math.asin(Math.min(1, (2 * p.holeRadius) / p.radius))) + p.center;
      throw new DataError(
        `holes: ${p.holes} holes of holeRadius ${p.holeRadius} overlap on a disk of radius ${p.radius}; ` +
          `use at most ${most} holes or a smaller holeRadius`,
      );
    }
  }
  const positives = Math.round(p.samples * p.positive);
  if (positives < p.holes || p.samples - positives < 1) {
    throw new DataError(
      `holes: samples x positive must give at least one point per hole (${p.holes}) and leave one outside; ` +
        `got ${positives} of ${p.samples}`,
    );
  }
}

/**
 * Matt Johnson's holes set (after Naitzat et al., "Topology of deep neural networks"): class 0
 * uniform on a disk of radius `radius` with round holes cut out, class 1 on smaller disks of radius
 * `posRadius` in the middle of each hole. His sampler oversamples by 5x and drops points in holes;
 * here each class-0 point is redrawn until it falls outside every hole, which gives the same law.
 */
export const holes: DatasetDef = {
  name: 'holes',
  title: 'Disk with holes',
  description:
    'A disk (class 0) with holes, each holding a small disk of class 1 (Matt Johnson, after Naitzat et al.). ' +
    'Every class-1 island is surrounded, so the network has to cut the plane, as ReLU can.',
  inputSize: 2,
  classes: 2,
  params: {
    samples: samplesParam(2500, 'the 000 seed draws n_neg=2000 outside the holes; 500 inside here', 4),
    noise: noiseParam(0, 0.5, 'the 000 seed adds none'),
    positive: {
      default: 0.2,
      min: 0.01,
      max: 0.99,
      description: 'fraction of the points inside the holes, class 1 (default 0.2: 500 of 2500)',
    },
    holes: {
      default: 5,
      min: 1,
      max: 10,
      integer: true,
      description:
        'number of holes, n_hole (default 5: four on the circle of radius r/2 and one at the centre)',
    },
    center: {
      default: 1,
      min: 0,
      max: 1,
      integer: true,
      description:
        '1 to put one of the holes at the centre, allow_center (default 1: the 000 seed default True)',
    },
    radius: {
      default: 1,
      min: 0.1,
      max: 10,
      description: 'radius r of the whole disk (default 1: the 000 seed plots it on [-1, 1])',
    },
    holeRadius: {
      default: 0.15,
      min: 0.001,
      max: 10,
      description: 'radius of each hole, r_hole; at most radius/6 (default 0.15)',
    },
    posRadius: {
      default: 0.1,
      min: 0.001,
      max: 10,
      description: 'radius of the class-1 disk inside each hole, r_pos; at most holeRadius (default 0.1)',
    },
  },
  generate(p, seed) {
    checkHoles(p);
    const rng = new Random(seed);
    const w = new PointWriter(p.samples, 2, 2);
    const centres = holeCentres(p);
    const h2 = p.holeRadius * p.holeRadius;
    const positives = Math.round(p.samples * p.positive);
    for (let i = 0; i < p.samples - positives; i++) {
      let a: number, b: number, inHole: boolean;
      do {
        [a, b] = diskPoint(rng, p.radius);
        inHole = false;
        for (const [cx, cy] of centres) {
          if ((a - cx) ** 2 + (b - cy) ** 2 <= h2) inHole = true;
        }
      } while (inHole);
      w.push2(a, b, 0);
    }
    // As in the 000 seed: the positives split evenly over the holes, the first ones one larger.
    evenSplit(positives, centres.length).forEach((n, k) => {
      const [cx, cy] = centres[k];
      for (let i = 0; i < n; i++) {
        const [a, b] = diskPoint(rng, p.posRadius);
        w.push2(cx + a, cy + b, 1);
      }
    });
    return w.finish(rng, p.noise);
  },
};

/**
 * Matt Johnson's line segments: `lines` segments with starts uniform in [-1, 1]^2 and directions uniform
 * in angle; each point lies at a uniform distance in [0, length) from its start. The first half of the
 * segments (n_neg) are class 0, the rest class 1. Defaults from the 000 seed:
 * LineSegmentDataset(n_neg=5, n_pos=5, line_length=.2, n_line_sample=50): 500 points.
 */
export const segments: DatasetDef = {
  name: 'segments',
  title: 'Line segments',
  description:
    'Short line segments scattered over the square, each one all of one class (Matt Johnson). Two small ' +
    'ReLU layers fold and cut the plane to gather each class.',
  inputSize: 2,
  classes: 2,
  params: {
    samples: samplesParam(500, '10 segments x n_line_sample=50 in the 000 seed'),
    noise: noiseParam(0, 0.5, 'the 000 seed adds none'),
    lines: {
      default: 10,
      min: 2,
      max: 10000,
      integer: true,
      description: 'number of segments, half of each class (default 10: n_neg=5, n_pos=5 in the 000 seed)',
    },
    length: {
      default: 0.2,
      min: 0,
      max: 4,
      description: 'length of each segment (default 0.2: line_length=.2 in the 000 seed)',
    },
  },
  generate(p, seed) {
    if (p.samples < p.lines) {
      throw new DataError(`segments: samples must be at least lines (${p.lines}); got ${p.samples}`);
    }
    const rng = new Random(seed);
    const w = new PointWriter(p.samples, 2, 2);
    const negatives = Math.floor(p.lines / 2);
    evenSplit(p.samples, p.lines).forEach((n, line) => {
      const label = line < negatives ? 0 : 1;
      const x0 = 2 * rng.next() - 1;
      const y0 = 2 * rng.next() - 1;
      const theta = 2 * Math.PI * rng.next();
      const c = Math.cos(theta);
      const s = Math.sin(theta);
      for (let i = 0; i < n; i++) {
        const l = rng.next() * p.length;
        w.push2(x0 + l * c, y0 + l * s, label);
      }
    });
    return w.finish(rng, p.noise);
  },
};
