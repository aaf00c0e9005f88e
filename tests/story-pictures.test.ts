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
import { STORIES } from '../src/story/stories';
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

for (const story of STORIES) {
  describe.skipIf(!gpu)(`${story.preset}: ${story.title}`, () => {
    let trained: StoryEnd | null = null;
    /** The story trained to its end. */
    const end = (): StoryEnd => trained!;
    beforeAll(async () => {
      trained = await ends!.get(story);
    }, TRAIN_TIMEOUT);

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
