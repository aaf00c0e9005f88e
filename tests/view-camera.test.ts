/**
 * The main camera as a pure function of the slider (Node, no GPU): a trained rings 2-3-2-1 network from the
 * fixtures, its grid and points through the display formula, the framing table and the one perspective
 * camera, swept from t = 0 to L in steps of 0.01. The rules of the browser test hold here too, and the
 * orientation eases (or, with reduced motion, stays put).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as THREE from 'three/webgpu';
import { describe, expect, it } from 'vitest';
import { makeDataset } from '../src/data/registry';
import { importModel } from '../src/share/model-json';
import { paramLayout } from '../src/engine/spec';
import { DecisionTracker } from '../src/view/decision';
import { DisplayPath, createCoefficients, evaluate, inverseActivation } from '../src/view/display';
import { FramingTable, OBLIQUE, orientationAt } from '../src/view/framing';
import { forwardInto, layerLayout } from '../src/view/forward';
import { makeGrid, padBounds, probeVertices } from '../src/view/grid';
import { SliderCamera } from '../src/view/sliderCamera';

export function loadFixture(name: string) {
  const model = importModel(readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8'));
  const exp = model.experiment!;
  const data = makeDataset(exp.dataset, exp.params, exp.seed);
  return { model, data };
}

/** Probe positions (x, y in pixels of a w x h viewport) at every 0.01 of the slider. */
export function sweepCamera(name: string, width = 900, height = 600, reducedMotion = false) {
  const { model, data } = loadFixture(name);
  const spec = model.spec;
  const inSize = spec.inputSize;
  const n = data.y.length;
  const min = Array.from({ length: inSize }, (_, c) =>
    Math.min(...Array.from({ length: n }, (_, i) => data.x[i * inSize + c])),
  );
  const max = Array.from({ length: inSize }, (_, c) =>
    Math.max(...Array.from({ length: n }, (_, i) => data.x[i * inSize + c])),
  );
  const grid = makeGrid(padBounds({ min, max }, 0.08), inSize, 32);
  const lattice = probeVertices(grid, 9);
  const stride = Math.max(1, Math.floor(n / 400));
  const pointProbes = Math.ceil(n / stride);
  const count = pointProbes + lattice.length;
  const coords = new Float32Array(count * inSize);
  for (let i = 0; i < pointProbes; i++)
    for (let c = 0; c < inSize; c++) coords[i * inSize + c] = data.x[i * stride * inSize + c];
  lattice.forEach((v, i) => {
    for (let c = 0; c < inSize; c++) coords[(pointProbes + i) * inSize + c] = grid.points[v * inSize + c];
  });
  const layout = layerLayout(spec, count);
  const values = new Float32Array(layout.totalFloats);
  forwardInto(spec, model.params, coords, count, layout, values);
  const path = new DisplayPath(spec, true);
  path.setParams(model.params);
  const jitterOf = (v: number) => (v < pointProbes ? ((v * 0.6180339) % 1) - 0.5 : 0);
  for (let r = 0; r < path.repWidth.length; r++) {
    if (path.repWidth[r] !== 1) continue;
    let lo = Infinity;
    let hi = -Infinity;
    for (let v = 0; v < pointProbes; v++) {
      const x = values[layout.offset[2 * r] + v];
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    path.setJitter(r, Math.max(1e-3, 0.25 * (hi - lo)));
  }
  // Wide layers through the decision-aligned projection, as the views show them by default.
  const labels = Float64Array.from({ length: pointProbes }, (_, i) => data.y[i * stride]);
  const pl = paramLayout(spec);
  const L = spec.layers.length;
  for (let r = 1; r < path.repWidth.length; r++) {
    const w = path.repWidth[r];
    if (w <= 3) continue;
    const d = new DecisionTracker(w);
    const out = spec.layers[L - 1];
    d.update({
      data: values,
      offset: layout.offset[2 * r],
      count: pointProbes,
      labels,
      classes: data.classes,
      output:
        r === L - 1
          ? {
              weights: model.params.subarray(pl.weight[L - 1], pl.weight[L - 1] + out.units * w),
              bias: model.params.subarray(pl.bias[L - 1], pl.bias[L - 1] + out.units),
              units: out.units,
              level: inverseActivation(out.activation, out.slope, 0.5) ?? 0,
            }
          : null,
    });
    path.setProjection(r, { kind: 'pca', vectors: d.vectors, dims: 3, boundary: d.boundary });
  }
  const table = new FramingTable(spec.layers.length);
  table.update(path, layout, values, count, jitterOf);
  const dims = path.repWidth.map((_, r) => path.dims(r));
  const rig = new SliderCamera(null);
  rig.reducedMotion = reducedMotion;
  rig.setAspect(width / height);
  const c = createCoefficients();
  const pos = new Float32Array(3);
  const v3 = new THREE.Vector3();
  const steps: { t: number; points: number[] }[] = [];
  for (let i = 0; i <= 100 * spec.layers.length; i++) {
    const t = i / 100;
    const cam = rig.update(t, table.boxes, table.perLayer, dims);
    path.coefficientsAt(t, c);
    const points: number[] = [];
    for (let v = 0; v < count; v++) {
      evaluate(c, layout, values, v, jitterOf(v), pos, 0);
      v3.set(pos[0], pos[1], pos[2]).project(cam);
      points.push(((v3.x + 1) / 2) * width, ((1 - v3.y) / 2) * height);
    }
    steps.push({ t, points });
  }
  return { steps, width, height, dims };
}

export function continuityOf(steps: { t: number; points: number[] }[], width: number, height: number) {
  const diagonal = Math.hypot(width, height);
  let worstStep = 0;
  let worstStepAt = 0;
  let worstInside = 1;
  let worstInsideAt = 0;
  let worstFill = Infinity;
  let worstFillAt = 0;
  const mean: number[] = [];
  for (let i = 0; i < steps.length; i++) {
    const p = steps[i].points;
    const n = p.length / 2;
    let inside = 0;
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let j = 0; j < n; j++) {
      const [x, y] = [p[2 * j], p[2 * j + 1]];
      if (x >= 0 && x <= width && y >= 0 && y <= height) inside++;
      [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
    }
    if (inside / n < worstInside) [worstInside, worstInsideAt] = [inside / n, steps[i].t];
    const fill = Math.max(x1 - x0, y1 - y0) / Math.min(width, height);
    if (fill < worstFill) [worstFill, worstFillAt] = [fill, steps[i].t];
    if (i === 0) continue;
    const q = steps[i - 1].points;
    let sum = 0;
    let max = 0;
    for (let j = 0; j < n; j++) {
      const d = Math.hypot(p[2 * j] - q[2 * j], p[2 * j + 1] - q[2 * j + 1]);
      sum += d;
      max = Math.max(max, d);
    }
    if (max / diagonal > worstStep) [worstStep, worstStepAt] = [max / diagonal, steps[i].t];
    mean.push(sum / n / diagonal);
  }
  let worstRatio = 0;
  let worstRatioAt = 0;
  for (let i = 0; i < mean.length; i++) {
    let s = 0;
    let k = 0;
    for (let j = i - 5; j <= i + 5; j++) {
      if (j === i || j < 0 || j >= mean.length) continue;
      s += mean[j];
      k++;
    }
    const ratio = mean[i] / Math.max(1e-3, s / k);
    if (ratio > worstRatio) [worstRatio, worstRatioAt] = [ratio, steps[i + 1].t];
  }
  return {
    worstStep,
    worstStepAt,
    worstRatio,
    worstRatioAt,
    worstInside,
    worstInsideAt,
    worstFill,
    worstFillAt,
  };
}

describe('the main camera along the slider', () => {
  for (const name of ['rings-2-3-2-1', 'tori-3-8-1']) {
    it(`${name}: no jumps, always in view, filling it`, () => {
      const { steps, width, height } = sweepCamera(name);
      const c = continuityOf(steps, width, height);
      console.log(name, JSON.stringify(c));
      expect(c.worstStep, `at t=${c.worstStepAt}`).toBeLessThan(0.05);
      expect(c.worstRatio, `at t=${c.worstRatioAt}`).toBeLessThan(3);
      expect(c.worstInside, `at t=${c.worstInsideAt}`).toBeGreaterThanOrEqual(0.9);
      expect(c.worstFill, `at t=${c.worstFillAt}`).toBeGreaterThanOrEqual(0.5);
    });
  }

  it('the final sigmoid squash is paced so that its last steps stay small (tori 3-8-1, disk 2-2-1)', () => {
    for (const name of ['tori-3-8-1', 'disk-2-2-1']) {
      const { steps, width, height } = sweepCamera(name);
      // The output layer's activation phase: from its start (u = 0.65) to the end of the slider.
      const L = Math.round(steps[steps.length - 1].t);
      const squash = steps.filter((s) => s.t >= L - 0.35 - 1e-9);
      const c = continuityOf(squash, width, height);
      console.log(`${name} final squash`, JSON.stringify(c));
      expect(c.worstStep, `${name} at t=${c.worstStepAt}`).toBeLessThan(0.03);
    }
  });

  it('eases the orientation between a 2-D and a 3-D representation, and holds it with reduced motion', () => {
    const dims = [2, 3, 2, 1];
    expect(orientationAt(0, dims, false).tilt).toBe(0);
    expect(orientationAt(1, dims, false).tilt).toBeCloseTo(OBLIQUE.tilt);
    expect(orientationAt(2, dims, false).tilt).toBe(0);
    const mid = orientationAt(0.5, dims, false).tilt;
    expect(mid).toBeGreaterThan(0.3 * OBLIQUE.tilt);
    expect(mid).toBeLessThan(0.7 * OBLIQUE.tilt);
    for (const t of [0, 0.5, 1, 2.5]) expect(orientationAt(t, dims, true).tilt).toBeCloseTo(OBLIQUE.tilt);
  });
});
