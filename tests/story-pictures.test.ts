/**
 * What a teacher sees walking every story (`STORIES`, whatever their number), each trained once to its
 * end as the app trains it (tests/helpers/storyEnds.ts): the main camera frames the points shown (train
 * and test) at every layer, in the story window's wide main view and on a phone, and it moves steadily
 * along the slider (no zoom that swings from one slider step to the next).
 *
 * One `describe` per story; its trained end (`end()`) is there for any further check of its pictures.
 */
import * as THREE from 'three/webgpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { claimFor } from '../src/story/claims';
import { STORIES, endingOf } from '../src/story/stories';
import { Cameras } from '../src/view/camera/cameras';
import { createCoefficients, evaluate } from '../src/view/math/coefficients';
import type { DisplayState } from '../src/view/math/displayState';
import { forwardInto, layerLayout } from '../src/view/math/forward';
import { openTestGpu } from './helpers/gpu';
import { ASPECTS, storyEnds, type StoryEnd } from './helpers/storyEnds';

const gpu = await openTestGpu();
const ends = gpu ? storyEnds(gpu.device) : null;
const TRAIN_TIMEOUT = 60_000;

/** Share of the points shown that must project inside the main view at every layer. */
const INSIDE = 0.95;
/** Least extent of the points in view, as a share of the view's width or height (either). */
const EXTENT = 0.4;
/** Slider step of the steadiness sweep, and the most the camera's distance may change over one. */
const STEP = 0.025;
const STEADY = 0.25;

/** Every point shown at slider position t (x, y, z each), by the display path the views draw with. */
function pointsAt(end: StoryEnd, state: DisplayState, t: number): Float32Array {
  const { points, spec, params } = end;
  const layout = layerLayout(spec, points.count);
  const data = new Float32Array(layout.totalFloats);
  forwardInto(spec, params, points.coords, points.count, layout, data);
  const c = state.path.coefficientsAt(t, createCoefficients());
  const out = new Float32Array(3 * points.count);
  for (let v = 0; v < points.count; v++) evaluate(c, layout, data, v, points.info[4 * v + 2], out, 3 * v);
  return out;
}

/** Share of the points inside the camera's view, and their extent in view (share of width, of height). */
function framed(p: Float32Array, camera: THREE.Camera): { inside: number; width: number; height: number } {
  const v = new THREE.Vector3();
  let inside = 0;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  const n = p.length / 3;
  for (let i = 0; i < n; i++) {
    v.set(p[3 * i], p[3 * i + 1], p[3 * i + 2]).project(camera);
    if (!(Math.abs(v.x) <= 1 && Math.abs(v.y) <= 1 && Math.abs(v.z) <= 1)) continue;
    inside++;
    [x0, x1, y0, y1] = [Math.min(x0, v.x), Math.max(x1, v.x), Math.min(y0, v.y), Math.max(y1, v.y)];
  }
  return { inside: inside / n, width: Math.max(0, (x1 - x0) / 2), height: Math.max(0, (y1 - y0) / 2) };
}

/** Below this ratio of the second singular value to the first, the shown points lie on a line. */
const NOT_FLAT = 0.15;

/** Singular values of the centred points `which` of a 3-D cloud, largest first (eigenvalues of the scatter). */
function singularValues(p: Float32Array, which: readonly number[]): number[] {
  const mean = [0, 0, 0];
  for (const i of which) for (let k = 0; k < 3; k++) mean[k] += p[3 * i + k] / which.length;
  const c = new Float64Array(9);
  for (const i of which)
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) c[3 * a + b] += (p[3 * i + a] - mean[a]) * (p[3 * i + b] - mean[b]);
  // Jacobi rotations: the scatter matrix is symmetric 3 × 3.
  for (let sweep = 0; sweep < 50; sweep++) {
    for (const [i, j] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      const off = c[3 * i + j];
      if (Math.abs(off) < 1e-300) continue;
      const theta = (c[3 * j + j] - c[3 * i + i]) / (2 * off);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const cos = 1 / Math.sqrt(t * t + 1);
      const sin = t * cos;
      for (let k = 0; k < 3; k++) {
        const [ki, kj] = [c[3 * k + i], c[3 * k + j]];
        c[3 * k + i] = cos * ki - sin * kj;
        c[3 * k + j] = sin * ki + cos * kj;
      }
      for (let k = 0; k < 3; k++) {
        const [ik, jk] = [c[3 * i + k], c[3 * j + k]];
        c[3 * i + k] = cos * ik - sin * jk;
        c[3 * j + k] = sin * ik + cos * jk;
      }
    }
  }
  return [c[0], c[4], c[8]].map((e) => Math.sqrt(Math.max(0, e))).sort((a, b) => b - a);
}

/** Per class: how many shown points the trained network puts on each side of its boundary. */
function sides(end: StoryEnd): { own: number; other: number }[] {
  const { points, spec, params } = end;
  const layout = layerLayout(spec, points.count);
  const data = new Float32Array(layout.totalFloats);
  forwardInto(spec, params, points.coords, points.count, layout, data);
  const last = spec.layers.length;
  const units = spec.layers[last - 1].units;
  const out = layout.offset[2 * last];
  const counts: { own: number; other: number }[] = [];
  for (let v = 0; v < points.count; v++) {
    const label = points.info[4 * v];
    let predicted = 0;
    if (units === 1) predicted = data[out + v] > 0.5 ? 1 : 0;
    else
      for (let j = 1; j < units; j++)
        if (data[out + v * units + j] > data[out + v * units + predicted]) predicted = j;
    counts[label] ??= { own: 0, other: 0 };
    if (predicted === label) counts[label].own++;
    else counts[label].other++;
  }
  return counts;
}

for (const story of STORIES) {
  describe.skipIf(!gpu)(`${story.preset}: ${story.title}`, () => {
    let trained: StoryEnd | null = null;
    /** The story trained to its end. */
    const end = (): StoryEnd => trained!;
    beforeAll(async () => {
      trained = await ends!.get(story);
    }, TRAIN_TIMEOUT);

    const claim = claimFor(story.preset);
    const ending = endingOf(story);
    it(`ends on a slider position of its network (t = ${ending.t}) and says what that picture shows`, () => {
      expect(ending.t).toBeGreaterThanOrEqual(0);
      expect(ending.t).toBeLessThanOrEqual(end().layers);
      expect(ending.shows.length).toBeGreaterThan(20);
    });
    it(`its end picture frames the points shown (t = ${ending.t}, ${ending.wideDims ?? 3}-D for wide layers)`, () => {
      const e = end();
      for (const aspect of Object.values(ASPECTS)) {
        const state = e.display(aspect, false, ending.wideDims);
        const cameras = new Cameras(null, false);
        const f = framed(pointsAt(e, state, ending.t), cameras.mainAt(ending.t, state, aspect));
        cameras.dispose();
        expect(f.inside, `inside at ${aspect}:1`).toBeGreaterThanOrEqual(INSIDE);
        expect(Math.max(f.width, f.height), `extent at ${aspect}:1`).toBeGreaterThanOrEqual(EXTENT);
      }
    });
    if (ending.wideDims === 2)
      it('its flat end picture shows the classes apart across (a vertical line parts ≥ 95 % of the points)', () => {
        const e = end();
        const p = pointsAt(e, e.display(ASPECTS.storyWindow, false, 2), ending.t);
        const order = [...Array(e.points.count).keys()].sort((a, b) => p[3 * a] - p[3 * b]);
        const label = (v: number) => e.points.info[4 * v];
        const ones = order.filter((v) => label(v) === 1).length;
        // Left of the cut class 0, right of it class 1 (or the other way round): the best cut's share.
        let best = 0;
        let zerosLeft = 0;
        let onesLeft = 0;
        for (let i = 0; i <= order.length; i++) {
          const right = order.length - i;
          const a = zerosLeft + (ones - onesLeft);
          const b = onesLeft + (right - (ones - onesLeft));
          best = Math.max(best, a, b);
          if (i < order.length) {
            if (label(order[i]) === 1) onesLeft++;
            else zerosLeft++;
          }
        }
        expect(best / order.length).toBeGreaterThanOrEqual(0.95);
      });
    if (claim?.kind === 'cannot') {
      // The one-unit stories' claim is the collapse itself: a single unit puts every point on a line.
      const oneUnit = story.preset.includes('1-unit');
      it.skipIf(oneUnit)(`its end picture shows the failure unflattened (σ₂ ≥ ${NOT_FLAT} σ₁)`, () => {
        const e = end();
        const state = e.display(ASPECTS.storyWindow, false, ending.wideDims);
        const test = [...Array(e.points.count).keys()].filter((v) => e.points.info[4 * v + 1] === 1);
        const [s1, s2] = singularValues(pointsAt(e, state, ending.t), test);
        expect(s2 / s1, `σ₂/σ₁ of the test points at t = ${ending.t}`).toBeGreaterThanOrEqual(NOT_FLAT);
      });
      // The boundary cuts through the classes: both of its sides hold points, and one side holds points
      // of both classes. (The rings' best partial cut keeps one class whole on every seed tried, 1 to 6:
      // what shows is the other class cut in two.)
      it('the trained boundary cuts through the classes: points on both sides, both classes on one', () => {
        const e = end();
        if (e.train.classes < 2) return;
        const counts = sides(e);
        const side = (predictedOwn: boolean, label: number) =>
          predictedOwn ? (counts[label]?.own ?? 0) : (counts[label]?.other ?? 0);
        // For two classes: side k is where the network says k.
        const onSide = [0, 1].map((k) => [side(k === 0, 0), side(k === 1, 1)]);
        const where = JSON.stringify(counts);
        for (const [k, [zeros, ones]] of onSide.entries())
          expect(zeros + ones, `points on side ${k}: ${where}`).toBeGreaterThan(0);
        expect(
          onSide.some(([zeros, ones]) => zeros > 0 && ones > 0),
          `a side with both classes: ${where}`,
        ).toBe(true);
      });
    }

    for (const [shape, aspect] of Object.entries(ASPECTS)) {
      it(`every layer's points fill the main view (${shape}, ${aspect}:1)`, () => {
        const e = end();
        const state = e.display(aspect);
        const cameras = new Cameras(null, false);
        const bad: string[] = [];
        for (let t = 0; t <= e.layers; t++) {
          const camera = cameras.mainAt(t, state, aspect);
          const f = framed(pointsAt(e, state, t), camera);
          const at = `t=${t}: ${(100 * f.inside).toFixed(1)}% inside, extent ${f.width.toFixed(2)} x ${f.height.toFixed(2)}`;
          if (f.inside < INSIDE || Math.max(f.width, f.height) < EXTENT) bad.push(at);
        }
        cameras.dispose();
        expect(bad).toEqual([]);
      });

      it(`the camera's distance changes by at most ${100 * STEADY}% a slider step of ${STEP} (${shape})`, () => {
        const e = end();
        const state = e.display(aspect);
        const cameras = new Cameras(null, false);
        const steps = Math.round(e.layers / STEP);
        let before = NaN;
        let worst = 0;
        let worstAt = 0;
        for (let i = 0; i <= steps; i++) {
          const t = i * STEP;
          cameras.mainAt(t, state, aspect);
          const d = cameras.main.distance;
          if (i > 0) {
            const change = Math.max(d / before, before / d) - 1;
            if (change > worst) [worst, worstAt] = [change, t];
          }
          before = d;
        }
        cameras.dispose();
        expect(worst, `from t=${(worstAt - STEP).toFixed(3)} to ${worstAt.toFixed(3)}`).toBeLessThanOrEqual(
          STEADY,
        );
      });
    }
  });
}

describe.skipIf(!gpu)('the stories’ training', () => {
  it('trains every story within the budget', async () => {
    for (const story of STORIES) await ends!.get(story);
    console.log(`stories trained in ${ends!.seconds.toFixed(1)} s`);
    expect(ends!.seconds).toBeGreaterThan(0);
  }, 120_000);
});

describe('the flatness measure', () => {
  it('is 0 for points on a line, 1 for a square, and the axes ratio for a stretched square', () => {
    const cloud = (f: (i: number) => [number, number, number]) => {
      const p = new Float32Array(3 * 100);
      for (let i = 0; i < 100; i++) p.set(f(i), 3 * i);
      return p;
    };
    const all = [...Array(100).keys()];
    const line = singularValues(
      cloud((i) => [i, 2 * i, -i]),
      all,
    );
    expect(line[1] / line[0]).toBeLessThan(1e-6);
    const grid = (sx: number) => cloud((i) => [sx * (i % 10), Math.floor(i / 10), 0]);
    const square = singularValues(grid(1), all);
    expect(square[1] / square[0]).toBeCloseTo(1, 6);
    const stretched = singularValues(grid(5), all);
    expect(stretched[1] / stretched[0]).toBeCloseTo(0.2, 6);
    expect(stretched[2]).toBeCloseTo(0, 6);
  });
});
