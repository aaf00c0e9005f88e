/**
 * The k-NN output in the views (DOM-free): the regions drawn on the CPU path agree with the twin's k-NN
 * vote at the grid's vertices, the points' mistakes are the vote's, no straight boundary is drawn, and a
 * link or model file with a k-NN output opens in the app with its k and ε.
 */
import { describe, expect, it } from 'vitest';
import { experimentOf } from '../src/app/io/experimentLink';
import { importModelText, openLink } from '../src/app/io/openExperiment';
import { knnClass, knnVotes } from '../src/engine/knnTwin';
import { initParams, forward } from '../src/engine/twin';
import { DEFAULT_EXPERIMENT, prepare, type Experiment } from '../src/experiment/experiment';
import { exportModel } from '../src/share/modelExport';
import { experimentQuery } from '../src/share/url';
import { networkSpec } from '../src/state/settings';
import { DisplayPath } from '../src/view/math/displayPath';
import { forwardInto, layerLayout } from '../src/view/math/forward';
import { makeGrid } from '../src/view/math/grid';
import { KnnRegions } from '../src/view/math/knnRegions';
import { MistakeTracker } from '../src/view/math/mistakeTracker';
import { fakeOpenHost } from './helpers/appHosts';

const EXP: Experiment = {
  ...DEFAULT_EXPERIMENT,
  dataset: 'spiral',
  params: { samples: 200 },
  arch: [2, 6, 2],
  output: 'knn',
  loss: 'ce',
};

/** A trained-looking k-NN network: its initial weights made larger, so the regions have shape. */
function network(exp: Experiment, seed: number) {
  const run = prepare(exp);
  const params = initParams(run.spec, seed, run.train);
  for (let i = 0; i < params.length; i++) params[i] *= 3;
  return { ...run, params };
}

describe('the k-NN regions in the views', () => {
  it('agree with the twin’s vote at the grid’s vertices (all but near ties), on several networks', () => {
    for (const [arch, fields, seed] of [
      [[2, 6, 2], undefined, 1],
      [[2, 8, 3], undefined, 2],
      [[2, 2, 4, 2], [8, 0, 0], 3],
    ] as const) {
      const exp = { ...EXP, arch: [...arch], ...(fields ? { fields: [...fields] } : {}) };
      const { spec, train, params } = network(exp, seed);
      const grid = makeGrid({ min: [-1.5, -1.5], max: [1.5, 1.5] }, 2, 24);
      const layout = layerLayout(spec, grid.count);
      const data = new Float32Array(layout.totalFloats);
      forwardInto(spec, params, grid.points, grid.count, layout, data);
      const n = train.y.length;
      const regions = new KnnRegions(spec, { x: train.x, y: train.y, count: n, classes: train.classes });
      const out = new Float32Array(2 * grid.count);
      regions.compute(params, data, layout, grid.count, out);
      const last = spec.layers.length;
      const refs = Array.from(
        { length: n },
        (_, j) => forward(spec, params, train.x.subarray(2 * j, 2 * j + 2)).post[last],
      );
      const { k, epsilon } = spec.knn!;
      let checked = 0;
      for (let v = 0; v < grid.count; v += 3) {
        const h = forward(spec, params, grid.points.subarray(2 * v, 2 * v + 2)).post[last];
        const votes = knnVotes(h, refs, train.y, train.classes, k, epsilon);
        const total = votes.reduce((a, b) => a + b, 0);
        const sorted = Array.from(votes).sort((a, b) => b - a);
        // Near ties (of the vote, or of the k-th and next neighbour) may go either way in float32.
        const d = refs.map((r) => Math.hypot(...Array.from(r, (x, u) => x - h[u]))).sort((a, b) => a - b);
        if ((sorted[0] - sorted[1]) / total < 1e-3 || d[k] - d[k - 1] < 1e-4) continue;
        expect(out[2 * v]).toBe(knnClass(votes));
        expect(out[2 * v + 1]).toBeCloseTo(sorted[0] / total, 3);
        checked++;
      }
      expect(checked).toBeGreaterThan(150);
      // The regions are not one class everywhere: the check has something to agree on.
      expect(new Set(Array.from({ length: grid.count }, (_, v) => out[2 * v])).size).toBeGreaterThan(1);
    }
  });

  it('the points’ mistakes are the vote’s, and no straight boundary is drawn', () => {
    const { spec, train, params } = network(EXP, 4);
    const n = train.y.length;
    const info = new Float32Array(4 * n);
    for (let i = 0; i < n; i++) info[4 * i] = train.y[i];
    const ref = { x: train.x, y: train.y, count: n, classes: train.classes };
    const tracker = new MistakeTracker(spec, train.x, train.y, info, ref);
    const count = tracker.update(params);
    const last = spec.layers.length;
    const refs = Array.from(
      { length: n },
      (_, j) => forward(spec, params, train.x.subarray(2 * j, 2 * j + 2)).post[last],
    );
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      // The drawn points are voted by every training point, themselves included (as the grid).
      const votes = knnVotes(refs[i], refs, train.y, train.classes, spec.knn!.k, spec.knn!.epsilon);
      if (knnClass(votes) !== train.y[i]) wrong++;
    }
    expect(count.train).toBe(wrong);
    const path = new DisplayPath(spec);
    path.setParams(params);
    for (let r = 0; r <= spec.layers.length; r++) expect(path.linearBoundary(r)).toBeNull();
  });
});

const host = () => fakeOpenHost();

describe('a k-NN network in the app', () => {
  it('a link opens, and the settings build the same network and link again', async () => {
    const { h, door, notice } = host();
    expect(await openLink(h, `#${experimentQuery(EXP).toString()}`)).toBe(true);
    expect(notice.shown.filter((n) => n.kind === 'error')).toEqual([]);
    const shape = { inputSize: 2, classes: 2 };
    const spec = networkSpec(door.settings, shape);
    expect(spec.knn).toEqual({ k: 8, epsilon: 1e-3 });
    expect(spec.layers.map((l) => [l.units, l.activation])).toEqual([
      [6, 'tanh'],
      [2, 'linear'],
    ]);
    const back = experimentOf(door.settings, shape, false);
    expect(back.output).toBe('knn');
    expect(experimentQuery(back).toString()).toBe(experimentQuery(EXP).toString());
  });

  it('a model file opens with its own k and ε and its weights', async () => {
    const { h, door, calls } = host();
    const run = prepare(EXP);
    const spec = { ...run.spec, knn: { k: 5, epsilon: 0.01 } };
    const text = exportModel(spec, initParams(spec, 1), EXP);
    expect(await importModelText(h, text, 'k.json')).toBe(true);
    expect(networkSpec(door.settings, { inputSize: 2, classes: 2 }).knn).toEqual({ k: 5, epsilon: 0.01 });
    expect(calls).toContain('state loaded');
  });
});
