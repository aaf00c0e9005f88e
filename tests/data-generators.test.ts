import { describe, expect, it } from 'vitest';
import { DataError } from '../src/data/errors';
import { holeCentres, quartic } from '../src/data/generators';
import { MAX_SAMPLES } from '../src/data/params';
import { DATASETS, DATASET_NAMES, datasetParams, getDataset, makeDataset } from '../src/data/registry';
import type { Dataset } from '../src/data/types';
import { Random } from '../src/random';
import { costRatio } from './helpers/scaling';

const SMALL = 2000;

function labelCounts(d: Dataset): number[] {
  const counts = new Array(d.classes).fill(0);
  for (const v of d.y) counts[v]++;
  return counts;
}

function points(d: Dataset): { p: number[]; label: number }[] {
  const out = [];
  for (let i = 0; i < d.y.length; i++) {
    out.push({ p: Array.from(d.x.subarray(i * d.inputSize, (i + 1) * d.inputSize)), label: d.y[i] });
  }
  return out;
}

describe('every dataset', () => {
  it('has the sets the brief asks for', () => {
    for (const name of [
      'rings',
      'circles',
      'curves',
      'spiral',
      'interval',
      'holes',
      'segments',
      'polynomial',
      'moons',
      'xor',
      'gauss',
      'blobs',
      'tori',
    ]) {
      expect(DATASET_NAMES).toContain(name);
    }
  });

  for (const name of DATASET_NAMES) {
    const def = DATASETS[name];
    describe(name, () => {
      it('declares samples and noise, with defaults inside their ranges', () => {
        expect(def.name).toBe(name);
        expect(def.params.samples.integer).toBe(true);
        expect(def.params.samples.max).toBeGreaterThanOrEqual(1_000_000);
        expect(def.params.noise.min).toBe(0);
        for (const [key, spec] of Object.entries(def.params)) {
          expect(spec.default, key).toBeGreaterThanOrEqual(spec.min);
          expect(spec.default, key).toBeLessThanOrEqual(spec.max);
          expect(spec.description.length, key).toBeGreaterThan(10);
        }
      });

      it('has the declared shape, finite coordinates and valid labels', () => {
        const d = makeDataset(name, { samples: SMALL }, 3);
        expect(d.inputSize).toBe(def.inputSize);
        expect(d.classes).toBe(def.classes);
        expect(d.y.length).toBe(SMALL);
        expect(d.x.length).toBe(SMALL * def.inputSize);
        expect(d.x.every(Number.isFinite)).toBe(true);
        expect(d.y.every(Number.isFinite)).toBe(true);
        if (def.classes > 0) {
          expect(d.y.every((v) => Number.isInteger(v) && v >= 0 && v < d.classes)).toBe(true);
          expect(labelCounts(d).every((c) => c > 0)).toBe(true);
        }
      });

      it('gives the same points for the same seed and others for another', () => {
        const a = makeDataset(name, { samples: 500 }, 11);
        const b = makeDataset(name, { samples: 500 }, 11);
        const c = makeDataset(name, { samples: 500 }, 12);
        expect(b.x).toEqual(a.x);
        expect(b.y).toEqual(a.y);
        expect(c.x).not.toEqual(a.x);
      });

      it('makes exactly the number of samples asked for', () => {
        for (const n of [37, 1001, 4096]) {
          const d = makeDataset(name, { samples: n }, 1);
          expect(d.y.length).toBe(n);
          expect(d.x.length).toBe(n * def.inputSize);
        }
      });

      it('uses the defaults when no parameters are given', () => {
        const d = makeDataset(name, {}, 1);
        expect(d.y.length).toBe(def.params.samples.default);
      });
    });
  }
});

describe('parameter errors', () => {
  it('names the unknown dataset and lists the known ones', () => {
    expect(() => makeDataset('donut', {}, 1)).toThrow(DataError);
    expect(() => makeDataset('donut', {}, 1)).toThrow(/unknown dataset "donut".*rings.*tori/);
    expect(() => getDataset('toString')).toThrow(DataError);
  });

  it('names an unknown parameter and lists the accepted ones', () => {
    expect(() => makeDataset('rings', { radius: 2 }, 1)).toThrow(
      /unknown parameter "radius".*samples, noise, inner/,
    );
  });

  it('names the parameter and its range when a value is out of range', () => {
    expect(() => makeDataset('rings', { samples: 1 }, 1)).toThrow(/samples must be a whole number from 2 to/);
    expect(() => makeDataset('rings', { samples: MAX_SAMPLES + 1 }, 1)).toThrow(DataError);
    expect(() => makeDataset('rings', { noise: -0.1 }, 1)).toThrow(
      /noise must be a number from 0 to 0.5; got -0.1/,
    );
    expect(() => makeDataset('spiral', { turns: 9 }, 1)).toThrow(
      /turns must be a number from 0.1 to 4; got 9/,
    );
  });

  it('rejects fractions for whole-number parameters', () => {
    expect(() => makeDataset('rings', { samples: 100.5 }, 1)).toThrow(/samples must be a whole number/);
    expect(() => makeDataset('blobs', { classes: 2.5 }, 1)).toThrow(
      /classes must be a whole number from 2 to 16/,
    );
  });

  it('rejects NaN and infinities', () => {
    expect(() => makeDataset('moons', { noise: NaN }, 1)).toThrow(
      /noise must be a number from 0 to 1; got NaN/,
    );
    expect(() => makeDataset('moons', { noise: Infinity }, 1)).toThrow(/noise .*got Infinity/);
    expect(() => makeDataset('moons', {}, NaN)).toThrow(/seed must be a finite number/);
  });

  it('fills defaults in datasetParams', () => {
    expect(datasetParams('circles')).toEqual({ samples: 100000, noise: 0.2, factor: 0.5 });
    expect(datasetParams('circles', { noise: 0 }).noise).toBe(0);
  });
});

describe('large sets', () => {
  it('generates a million points at the cost of drawing them on a circle', () => {
    const d = makeDataset('rings', { samples: 1_000_000 }, 5);
    expect(d.y.length).toBe(1_000_000);
    expect(labelCounts(d)).toEqual([500000, 500000]);
    // The plainest like work: a random angle and its cosine and sine per point. The generator costs a
    // small factor more (3.1–4.3 measured, alone and beside three busy processes); a step quadratic in the
    // points grows with them and leaves this bound far behind at a million.
    const circle = () => {
      const r = new Random(5);
      const x = new Float32Array(2_000_000);
      for (let i = 0; i < 1_000_000; i++) {
        const a = r.next() * 2 * Math.PI;
        x[2 * i] = Math.cos(a);
        x[2 * i + 1] = Math.sin(a);
      }
      return x;
    };
    expect(costRatio(() => makeDataset('rings', { samples: 1_000_000 }, 5), circle)).toBeLessThan(12);
  });

  it('generates a million points for every set', () => {
    for (const name of DATASET_NAMES) {
      const d = makeDataset(name, { samples: 1_000_000 }, 5);
      expect(d.y.length, name).toBe(1_000_000);
    }
  }, 30000);
});

describe('rings (001/002 seeds)', () => {
  it('defaults to 40,000 points with noise 0.005, outer ring label 1 and inner label 0', () => {
    expect(datasetParams('rings')).toEqual({ samples: 40000, noise: 0.005, inner: 0.5 });
    const d = makeDataset('rings', {}, 1);
    expect(labelCounts(d)).toEqual([20000, 20000]);
    for (const { p, label } of points(d)) {
      const r = Math.hypot(p[0], p[1]);
      expect(Math.abs(r - (label ? 1 : 0.5))).toBeLessThan(0.05);
    }
  });

  it('puts noiseless points exactly on the two circles, evenly spaced as linspace(0, 2, n)', () => {
    const d = makeDataset('rings', { samples: 9, noise: 0, inner: 0.3 }, 1);
    const outer = points(d).filter((q) => q.label === 1);
    expect(outer.length).toBe(5);
    for (const { p, label } of points(d)) {
      expect(Math.hypot(p[0], p[1])).toBeCloseTo(label ? 1 : 0.3, 6);
    }
    // t = 0, 0.5, 1, 1.5, 2: (sin, cos) gives (0,1), (1,0), (0,-1), (-1,0), (0,1)
    const tops = outer.filter(({ p }) => Math.abs(p[0]) < 1e-6 && Math.abs(p[1] - 1) < 1e-6);
    expect(tops.length).toBe(2);
  });
});

describe('circles (make_circles, 003 seed)', () => {
  it('defaults to the 003 seed: 100000 points, noise 0.2, factor 0.5', () => {
    expect(datasetParams('circles')).toEqual({ samples: 100000, noise: 0.2, factor: 0.5 });
  });

  it('puts floor(n/2) points on the unit circle as class 0 and the rest on radius factor as class 1', () => {
    const d = makeDataset('circles', { samples: 101, noise: 0, factor: 0.3 }, 2);
    expect(labelCounts(d)).toEqual([50, 51]);
    for (const { p, label } of points(d)) expect(Math.hypot(p[0], p[1])).toBeCloseTo(label ? 0.3 : 1, 6);
  });
});

describe('curves', () => {
  it('puts class 1 above class 0 on the same wave', () => {
    const d = makeDataset('curves', { samples: 400, noise: 0, amplitude: 0.5, gap: 0.4 }, 1);
    for (const { p, label } of points(d)) {
      expect(p[0]).toBeGreaterThanOrEqual(-1);
      expect(p[0]).toBeLessThanOrEqual(1);
      expect(p[1]).toBeCloseTo(0.5 * Math.sin(Math.PI * p[0]) + (label ? 0.2 : -0.2), 5);
    }
  });
});

describe('spiral', () => {
  it('puts each arm on its spiral, class 1 rotated by pi', () => {
    const turns = 1.5;
    const d = makeDataset('spiral', { samples: 400, noise: 0, turns }, 1);
    for (const { p, label } of points(d)) {
      const r = Math.hypot(p[0], p[1]);
      expect(r).toBeGreaterThanOrEqual(0.1 - 1e-6);
      expect(r).toBeLessThanOrEqual(1 + 1e-6);
      const t = (r - 0.1) / 0.9;
      const a = 2 * Math.PI * turns * t + (label ? Math.PI : 0);
      expect(p[0]).toBeCloseTo(r * Math.cos(a), 4);
      expect(p[1]).toBeCloseTo(r * Math.sin(a), 4);
    }
  });
});

describe('interval (1-D)', () => {
  it('puts class 1 between the two pieces of class 0', () => {
    const d = makeDataset('interval', { samples: 1000, gap: 0.2 }, 1);
    expect(d.inputSize).toBe(1);
    expect(labelCounts(d)).toEqual([500, 500]);
    let left = 0;
    for (let i = 0; i < d.y.length; i++) {
      const v = d.x[i];
      if (d.y[i] === 1) expect(Math.abs(v)).toBeLessThanOrEqual(0.4 + 1e-6);
      else {
        expect(Math.abs(v)).toBeGreaterThanOrEqual(0.6 - 1e-6);
        expect(Math.abs(v)).toBeLessThanOrEqual(1 + 1e-6);
        if (v < 0) left++;
      }
    }
    expect(left).toBeGreaterThan(200);
    expect(left).toBeLessThan(300);
  });
});

describe('holes (000 seed)', () => {
  it('keeps class 0 on the disk outside every hole and class 1 inside the holes', () => {
    const p = datasetParams('holes', { samples: 3000 });
    const d = makeDataset('holes', p, 4);
    const centres = holeCentres(p);
    expect(centres.length).toBe(5);
    expect(centres[4]).toEqual([0, 0]);
    expect(labelCounts(d)).toEqual([2400, 600]);
    const perHole = new Array(centres.length).fill(0);
    for (const { p: q, label } of points(d)) {
      const dist = centres.map(([cx, cy]) => Math.hypot(q[0] - cx, q[1] - cy));
      if (label === 0) {
        expect(Math.hypot(q[0], q[1])).toBeLessThanOrEqual(p.radius + 1e-6);
        expect(Math.min(...dist)).toBeGreaterThan(p.holeRadius - 1e-6);
      } else {
        const k = dist.findIndex((v) => v <= p.posRadius + 1e-6);
        expect(k).toBeGreaterThanOrEqual(0);
        perHole[k]++;
      }
    }
    expect(perHole).toEqual([120, 120, 120, 120, 120]);
  });

  it('spaces the non-centre holes evenly on the circle of radius r/2 from angle 0', () => {
    const c = holeCentres(datasetParams('holes', { holes: 4, center: 0, radius: 2, holeRadius: 0.2 }));
    expect(c.length).toBe(4);
    expect(c[0][0]).toBeCloseTo(1);
    expect(c[1][1]).toBeCloseTo(1);
    expect(c[2][0]).toBeCloseTo(-1);
  });

  it('enforces r_hole <= r/6 and r_pos <= r_hole as the 000 seed does', () => {
    expect(() => makeDataset('holes', { holeRadius: 0.2 }, 1)).toThrow(DataError);
    expect(() => makeDataset('holes', { holeRadius: 0.2 }, 1)).toThrow(
      /holeRadius must be no more than radius\/6/,
    );
    expect(() => makeDataset('holes', { posRadius: 0.16 }, 1)).toThrow(
      /posRadius cannot be greater than holeRadius \(0.15\); got 0.16/,
    );
  });

  it('rejects holes that would overlap on the ring', () => {
    expect(() => makeDataset('holes', { holes: 10, center: 0, holeRadius: 0.16 }, 1)).toThrow(
      /overlap.*at most 9 holes/,
    );
    expect(() => makeDataset('holes', { holes: 10, center: 1, holeRadius: 0.15 }, 1)).not.toThrow();
  });

  it('needs at least one positive point per hole', () => {
    expect(() => makeDataset('holes', { samples: 20, positive: 0.1, holes: 5 }, 1)).toThrow(
      /at least one point per hole/,
    );
  });
});

describe('segments (000 seed)', () => {
  it('defaults to 10 segments of length 0.2 with 50 points each, half of each class', () => {
    expect(datasetParams('segments')).toEqual({ samples: 500, noise: 0, lines: 10, length: 0.2 });
    const d = makeDataset('segments', {}, 1);
    expect(labelCounts(d)).toEqual([250, 250]);
    for (const { p } of points(d)) {
      expect(Math.abs(p[0])).toBeLessThanOrEqual(1.2 + 1e-6);
      expect(Math.abs(p[1])).toBeLessThanOrEqual(1.2 + 1e-6);
    }
  });

  it('puts points on few distinct lines: one segment of length 0 is a single point', () => {
    const d = makeDataset('segments', { samples: 40, lines: 4, length: 0 }, 1);
    const distinct = new Set(points(d).map(({ p }) => p.join(',')));
    expect(distinct.size).toBe(4);
  });

  it('needs at least one point per segment', () => {
    expect(() => makeDataset('segments', { samples: 5, lines: 10 }, 1)).toThrow(
      /samples must be at least lines \(10\)/,
    );
  });
});

describe('polynomial (002 seed)', () => {
  it('is a 1-D regression of x^4 - 3x^2 + x + 1 on [-2, 2]', () => {
    expect(datasetParams('polynomial').samples).toBe(4000);
    const d = makeDataset('polynomial', {}, 1);
    expect(d.classes).toBe(0);
    expect(d.inputSize).toBe(1);
    for (let i = 0; i < d.y.length; i++) {
      expect(Math.abs(d.x[i])).toBeLessThanOrEqual(2);
      expect(d.y[i]).toBeCloseTo(quartic(d.x[i]), 3);
    }
    expect(quartic(2)).toBe(16 - 12 + 2 + 1);
  });
});

describe('playground sets', () => {
  it('moons: two half circles as make_moons', () => {
    const d = makeDataset('moons', { samples: 201, noise: 0 }, 1);
    expect(labelCounts(d)).toEqual([100, 101]);
    for (const { p, label } of points(d)) {
      if (label === 0) {
        expect(Math.hypot(p[0], p[1])).toBeCloseTo(1, 5);
        expect(p[1]).toBeGreaterThanOrEqual(-1e-6);
      } else {
        expect(Math.hypot(p[0] - 1, p[1] - 0.5)).toBeCloseTo(1, 5);
        expect(p[1]).toBeLessThanOrEqual(0.5 + 1e-6);
      }
    }
  });

  it('xor: class 1 in the first and third quadrants, kept off the axes', () => {
    const d = makeDataset('xor', { samples: 1000, noise: 0 }, 1);
    for (const { p, label } of points(d)) {
      expect(label).toBe(p[0] * p[1] >= 0 ? 1 : 0);
      expect(Math.abs(p[0])).toBeGreaterThanOrEqual(0.06 - 1e-6);
      expect(Math.abs(p[1])).toBeLessThanOrEqual(1.06 + 1e-6);
    }
  });

  it('gauss: clouds centred at (0.4, 0.4) and (-0.4, -0.4), sd = noise, to within their standard error', () => {
    const noise = 0.14;
    const d = makeDataset('gauss', { samples: 20000, noise }, 1);
    const sum = [
      [0, 0],
      [0, 0],
    ];
    const squares = [
      [0, 0],
      [0, 0],
    ];
    const count = [0, 0];
    for (const { p, label } of points(d)) {
      count[label]++;
      for (let j = 0; j < 2; j++) sum[label][j] += p[j];
    }
    const mean = sum.map((s, c) => s.map((v) => v / count[c]));
    for (const { p, label } of points(d)) {
      for (let j = 0; j < 2; j++) squares[label][j] += (p[j] - mean[label][j]) ** 2;
    }
    expect(count).toEqual([10000, 10000]);
    // Standard error of a mean: sd / sqrt(n) = 0.14 / 100 = 0.0014; of an sd: sd / sqrt(2n) = 0.001.
    // Five standard errors: a seed passes by chance with probability ~6e-7 per check.
    const meanTolerance = 5 * (noise / Math.sqrt(10000));
    const sdTolerance = 5 * (noise / Math.sqrt(2 * 10000));
    const centre = [-0.4, 0.4];
    for (const c of [0, 1]) {
      for (let j = 0; j < 2; j++) {
        expect(Math.abs(mean[c][j] - centre[c])).toBeLessThan(meanTolerance);
        expect(Math.abs(Math.sqrt(squares[c][j] / (count[c] - 1)) - noise)).toBeLessThan(sdTolerance);
      }
    }
  });

  it('blobs with noise 0: every point sits on its own class centre', () => {
    // Four classes on the unit circle, starting at the top and going anticlockwise.
    const four = makeDataset('blobs', { samples: 400, classes: 4, spread: 1, noise: 0 }, 3);
    const centres4 = [
      [0, 1],
      [-1, 0],
      [0, -1],
      [1, 0],
    ];
    for (const { p, label } of points(four)) {
      expect(p[0]).toBeCloseTo(centres4[label][0], 6);
      expect(p[1]).toBeCloseTo(centres4[label][1], 6);
    }
    // Three classes at radius 0.6: top, lower left, lower right.
    const three = makeDataset('blobs', { samples: 300, classes: 3, spread: 0.6, noise: 0 }, 5);
    const h = 0.6 * (Math.sqrt(3) / 2);
    const centres3 = [
      [0, 0.6],
      [-h, -0.3],
      [h, -0.3],
    ];
    for (const { p, label } of points(three)) {
      expect(p[0]).toBeCloseTo(centres3[label][0], 6);
      expect(p[1]).toBeCloseTo(centres3[label][1], 6);
    }
    expect(labelCounts(three)).toEqual([100, 100, 100]);
  });

  it('blobs: the classes parameter sets the number of classes', () => {
    const d = makeDataset('blobs', { samples: 1000, classes: 5 }, 1);
    expect(d.classes).toBe(5);
    expect(labelCounts(d)).toEqual([200, 200, 200, 200, 200]);
    expect(makeDataset('blobs', {}, 1).classes).toBe(3);
  });
});

describe('tori', () => {
  it('puts each class inside its own solid torus, the two linked', () => {
    const tube = 0.3;
    const d = makeDataset('tori', { samples: 2000, noise: 0, tube }, 1);
    expect(d.inputSize).toBe(3);
    for (const { p, label } of points(d)) {
      const [x, y, z] = p;
      const dist =
        label === 0
          ? Math.hypot(Math.hypot(x + 0.5, y) - 1, z) // core circle in the xy-plane around (-0.5, 0, 0)
          : Math.hypot(Math.hypot(x - 0.5, z) - 1, y); // core circle in the xz-plane around (0.5, 0, 0)
      expect(dist).toBeLessThanOrEqual(tube + 1e-5);
    }
  });
});
