/**
 * colah's k-NN output in the twin (float64): the batch loss (each element classified by the others of its
 * batch, weighted by 1/(distance + ε)) against central finite differences that perturb a parameter and
 * recompute the whole batch loss, on dense and vector-field networks; the loss written out by hand; the
 * test-time vote of the k nearest training points; a network that learns with it; the spec's refusals.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/types';
import { KnnVoter, knnBatchLoss, knnClass, knnSetStats, knnVotes } from '../src/engine/knnTwin';
import type { NetworkSpec } from '../src/engine/spec';
import { knnRefusal } from '../src/engine/kernels/denseOnly';
import {
  DEFAULT_KNN,
  buildSpec,
  checkOptimizer,
  checkSpec,
  defaultOptimizer,
  paramLayout,
} from '../src/engine/spec';
import { TwinTrainer, batchGradient, evaluate, forEachWeight, forward, initParams } from '../src/engine/twin';
import { parseArchLayers } from '../src/experiment/experiment';
import { Random } from '../src/random';
import { blobs } from './helpers/data';

function specOf(arch: string, activation = 'tanh', knn = DEFAULT_KNN): NetworkSpec {
  const { arch: sizes, fields } = parseArchLayers(arch);
  return buildSpec(sizes, activation, 'ce', { fields, knn });
}

/** The seed's weights (anchors placed from the data), every vector and bias moved off zero. */
function paramsOf(spec: NetworkSpec, data: Dataset, seed: number): Float64Array {
  const params = Float64Array.from(initParams(spec, seed, data));
  const layout = paramLayout(spec);
  const random = new Random(seed + 7);
  layout.field.forEach((f, l) => {
    if (f) for (let k = 0; k < f.anchors * f.width; k++) params[f.v + k] = 0.5 * random.normal();
    else for (let j = 0; j < spec.layers[l].units; j++) params[layout.bias[l] + j] = 0.3 * random.normal();
  });
  return params;
}

const H = 1e-5;

const CASES: { arch: string; activation: string; classes: number; l2?: number; epsilon?: number }[] = [
  { arch: '2-4-2', activation: 'tanh', classes: 2 },
  { arch: '2-4-2', activation: 'tanh,tanh', classes: 3 },
  { arch: '2-5-3', activation: 'sigmoid', classes: 3 },
  { arch: '2-3-3-1', activation: 'tanh', classes: 2, l2: 0.05 },
  { arch: '2-vf8-3', activation: 'tanh', classes: 3 },
  { arch: '2-4-vf6-4-2', activation: 'softplus', classes: 2, epsilon: 0.05 },
];

describe('k-NN output: twin gradient against central finite differences of the whole batch loss', () => {
  for (const c of CASES) {
    it(`${c.arch} ${c.activation}, ${c.classes} classes${c.l2 ? ', l2' : ''}`, () => {
      const spec = specOf(c.arch, c.activation, { k: 8, epsilon: c.epsilon ?? 1e-3 });
      const data = blobs(30, c.classes, 4);
      const params = paramsOf(spec, data, 3);
      const idx = Array.from({ length: 14 }, (_, i) => (i * 11) % 30);
      const l2 = c.l2 ?? 0;
      const objective = (): number => {
        let total = batchGradient(spec, params, data, idx).loss;
        forEachWeight(spec, (p) => (total += 0.5 * l2 * params[p] ** 2));
        return total;
      };
      const { grad } = batchGradient(spec, params, data, idx, { l1: 0, l2 });
      const layout = paramLayout(spec);
      const fixed = new Set<number>();
      for (const f of layout.field) if (f) for (let p = f.centres; p <= f.sigma; p++) fixed.add(p);
      let worst = 0;
      let where = '';
      for (let p = 0; p < params.length; p++) {
        if (fixed.has(p)) continue;
        const saved = params[p];
        params[p] = saved + H;
        const up = objective();
        params[p] = saved - H;
        const down = objective();
        params[p] = saved;
        const numeric = (up - down) / (2 * H);
        const error = Math.abs(grad[p] - numeric) / (1e-6 + 1e-5 * Math.abs(numeric));
        if (error > worst) [worst, where] = [error, `param ${p}: analytic ${grad[p]}, numeric ${numeric}`];
      }
      expect(worst, where).toBeLessThan(1);
      expect(Math.hypot(...grad)).toBeGreaterThan(1e-3);
    });
  }
});

describe('k-NN output: the loss and the votes', () => {
  it('the batch loss written out for three points on a line', () => {
    // h = 0, 1, 3; labels a, a, b; ε = 0.5.
    const reps = [0, 1, 3].map((x) => Float64Array.of(x));
    const w = (d: number): number => 1 / (d + 0.5);
    const l0 = -Math.log(w(1) / (w(1) + w(3)));
    const l1 = -Math.log(w(1) / (w(1) + w(2)));
    // Point 2 has no other of its class in the batch: it is left out.
    const { loss, counted, grads } = knnBatchLoss(reps, [0, 0, 1], 0.5);
    expect(counted).toBe(2);
    expect(loss).toBeCloseTo((l0 + l1) / 2, 12);
    // Pulling the pair together and pushing the other away: h0 moves right, h1 left, h2 right.
    expect(grads[0][0]).toBeLessThan(0);
    expect(grads[1][0]).toBeGreaterThan(0);
    expect(grads[2][0]).toBeLessThan(0);
    expect(knnBatchLoss(reps, [0, 1, 2], 0.5)).toMatchObject({ loss: 0, counted: 0 });
  });

  it('the test-time vote: the k nearest reference points, weighted, a point not its own neighbour', () => {
    const refs = [0, 0.1, 0.2, 5, 5.1].map((x) => Float64Array.of(x));
    const labels = [0, 0, 1, 1, 1];
    // The 3 nearest of 0.05: 0 and 0.1 (class 0) and 0.2 (class 1).
    const votes = knnVotes([0.05], refs, labels, 2, 3, 1e-3);
    expect(votes[0]).toBeCloseTo(2 / (0.05 + 1e-3), 9);
    expect(votes[1]).toBeCloseTo(1 / (0.15 + 1e-3), 9);
    expect(knnClass(votes)).toBe(0);
    // Reference 2 leaving itself out: its nearest 2 are 0.1 and 0 (class 0).
    expect(knnClass(knnVotes(refs[2], refs, labels, 2, 2, 1e-3, 2))).toBe(0);
    expect(knnClass(knnVotes(refs[2], refs, labels, 2, 2, 1e-3))).toBe(1);
  });

  it('the many-query voter gives the sorting vote bit for bit, ties in distance and duplicates included', () => {
    const random = new Random(11);
    // Coordinates on a lattice of quarters: many equal distances and repeated points.
    const grid = () => Math.round((random.next() - 0.5) * 8) / 4;
    for (const width of [1, 2, 3]) {
      const refs = Array.from({ length: 60 }, () => Float64Array.from({ length: width }, grid));
      const labels = refs.map(() => Math.floor(random.next() * 3));
      const queries = [
        ...refs.slice(0, 10),
        ...Array.from({ length: 30 }, () => Float64Array.from({ length: width }, grid)),
      ];
      for (const k of [1, 2, 5, 8, 64]) {
        const voter = new KnnVoter(refs, labels, 3, k, 1e-3);
        queries.forEach((q, i) => {
          const skip = i < 10 ? i : -1;
          const fast = Array.from(voter.vote(q, skip));
          expect(fast, `width ${width}, k ${k}, query ${i}`).toEqual(
            Array.from(knnVotes(q, refs, labels, 3, k, 1e-3, skip)),
          );
        });
      }
      // The set's statistics are the sorting vote's, leaving each point of the reference set out.
      const slow = (reps: Float64Array[], ys: number[], sameSet: boolean) => {
        let loss = 0;
        let correct = 0;
        reps.forEach((h, i) => {
          const votes = knnVotes(h, refs, labels, 3, 5, 1e-3, sameSet ? i : -1);
          const total = votes.reduce((a, b) => a + b, 0);
          loss -= Math.log(Math.max(total > 0 ? votes[ys[i]] / total : 0, 1e-6));
          if (knnClass(votes) === ys[i]) correct++;
        });
        return { loss: loss / reps.length, accuracy: correct / reps.length, count: reps.length };
      };
      const options = { classes: 3, k: 5, epsilon: 1e-3 };
      expect(knnSetStats(refs, labels, refs, labels, { ...options, sameSet: true })).toEqual(
        slow(refs, labels, true),
      );
      const others = queries.slice(10);
      const otherLabels = others.map((_, i) => i % 3);
      expect(knnSetStats(others, otherLabels, refs, labels, { ...options, sameSet: false })).toEqual(
        slow(others, otherLabels, false),
      );
    }
  });

  it('evaluate classifies each point by its k nearest training points; the training set leaves each point out', () => {
    const spec = specOf('2-2', 'linear', { k: 3, epsilon: 1e-3 });
    const params = Float64Array.of(1, 0, 0, 1, 0, 0); // the identity: the representation is the input
    const train: Dataset = {
      inputSize: 2,
      x: Float32Array.of(0, 0, 0, 1, 1, 0, 9, 9, 9, 8, 8, 9),
      y: Float32Array.of(0, 0, 0, 1, 1, 1),
      classes: 2,
    };
    const test: Dataset = {
      inputSize: 2,
      x: Float32Array.of(0.5, 0.5, 8.5, 8.5, 4, 4),
      y: Float32Array.of(0, 1, 1),
      classes: 2,
    };
    expect(evaluate(spec, params, train, true).accuracy).toBe(1);
    const t = evaluate(spec, params, test, true, train);
    expect(t.accuracy).toBeCloseTo(2 / 3, 12); // (4, 4) is nearer the class-0 corner
    expect(t.count).toBe(3);
    expect(Array.from(forward(spec, params, [3, 4]).post[1])).toEqual([3, 4]);
  });
});

describe('k-NN output: training and the spec', () => {
  it('a network trained for k-NN classification separates three blobs, test points voted by the training set', () => {
    const spec = specOf('2-6-2');
    const train = blobs(90, 3, 1);
    const test = blobs(45, 3, 2);
    const twin = new TwinTrainer({
      spec,
      optimizer: defaultOptimizer('adam', 0.03),
      train: { seed: 2, batchSize: 16 },
    });
    twin.setData(train, test);
    const before = twin.stats();
    twin.train(120);
    const after = twin.stats();
    expect(after.train.loss).toBeLessThan(before.train.loss);
    expect(after.test!.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('defaults to a linear output of any width; refuses another loss, a k out of range, a field output', () => {
    const spec = specOf('2-3-1');
    expect(spec.layers.map((l) => l.activation)).toEqual(['tanh', 'linear']);
    expect(spec.knn).toEqual({ k: 8, epsilon: 1e-3 });
    expect(() => buildSpec([2, 3, 1], 'tanh', 'mse', { knn: DEFAULT_KNN })).toThrow(/use loss ce; got mse/);
    expect(() => specOf('2-3-2', 'tanh', { k: 0, epsilon: 1e-3 })).toThrow(/1 to 64 neighbours; got k = 0/);
    expect(() => specOf('2-3-2', 'tanh', { k: 8, epsilon: 0 })).toThrow(/ε must be a number in \(0, 1\]/);
    expect(() => checkOptimizer({ ...defaultOptimizer('sgd', 0.1), contractive: 0.1 }, spec)).toThrow(
      /not defined with the k-NN output/,
    );
    expect(knnRefusal(spec)).toMatch(/^the population kernel has no k-NN output/);
    expect(() =>
      checkSpec({ ...specOf('2-3-2'), layers: [{ units: 2, activation: 'softmax', slope: 0.01 }] }),
    ).toThrow(/softmax/);
  });
});
