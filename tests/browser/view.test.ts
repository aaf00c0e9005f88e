/**
 * The main view as one continuous picture (headless Chromium, WebGPU on SwiftShader): trained networks from
 * the committed fixtures are imported (training paused) and the slider moves from 0 to L in steps of 0.01.
 * At every step the views report the camera and where a few hundred grid vertices are drawn; no step may
 * make the picture jump, and the representation must stay in view and fill it. Misclassified points are
 * marked by the shader exactly where the views count them. Pre-activations (z instead of a) pass the same
 * sweep, and the vertex stage draws them where the CPU formula puts them. The WebGL2 fallback (no WebGPU:
 * CPU training, CPU positions) passes the same continuity check, z included. Screenshots go to
 * artifacts/screenshots/: the rings at t = 0, 0.5, 0.99, 1, 1.5 and 2, the tori's hidden layer, the
 * disk-in-annulus with its mistakes (and by z), the interval bent by 2 units, and the rings' hidden layer
 * shown by z. A vector-field network (trained a little by the twin here) flows continuously over its layer,
 * drawn by the vertex stage where reported, with its arrows (view-field-t0.50); a k-NN network's regions, the
 * buffer the shader colours from, are the CPU's vote at the grid's vertices (view-knn-regions).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ViewProbe } from '../../src/view/views';
import { TwinTrainer, initParams } from '../../src/engine/twin';
import { DEFAULT_EXPERIMENT, prepare, type Experiment } from '../../src/experiment/experiment';
import { exportModel } from '../../src/share/modelExport';
import { ROOT, holdFrames, launch, openApp, serve, shoot, type Served } from './harness';

const PROBES = 300;
/** Fewer vertices for the vertex-stage check: each position costs a render and a read-back. */
const STAGE_PROBES = 120;
/** No 0.01 step moves a probe point by more than this share of the viewport's diagonal. */
const MAX_STEP = 0.05;
/** No step moves the points more than this many times the mean of its ten neighbours. */
const MAX_RATIO = 3;

let server: Served;
let browser: Browser;
let page: Page;
let errors: string[];
let started = 0;

function fixture(name: string): string {
  return readFileSync(join(ROOT, 'tests/fixtures', `${name}.json`), 'utf8');
}

async function load(p: Page, name: string): Promise<void> {
  const ok = await p.evaluate(
    async ([text, n]) => {
      const d = window.__detangle!;
      const done = await d.importModelText(text, n);
      d.setPlaying(false);
      await d.idle();
      // The frames held, a few are stepped here: the weights are read back and drawn, as the loop would.
      await d.runFrames(3);
      return done;
    },
    [fixture(name), name] as const,
  );
  expect(ok, `import ${name}`).toBe(true);
}

/** Probes at t = 0, 0.01, ..., L in one round trip. */
async function sweep(p: Page, layers: number): Promise<ViewProbe[]> {
  return p.evaluate(
    ([count, steps]) => {
      const d = window.__detangle!;
      const out: ViewProbe[] = [];
      for (let i = 0; i <= steps; i++) {
        const t = i / 100;
        d.setPosition(t);
        out.push(d.probe(count) as ViewProbe);
      }
      return out;
    },
    [PROBES, layers * 100] as const,
  );
}

interface Continuity {
  worstStep: number;
  worstStepAt: number;
  worstRatio: number;
  worstRatioAt: number;
  worstInside: number;
  worstInsideAt: number;
  worstFill: number;
  worstFillAt: number;
}

/** The continuity rules over a sweep (shares of the viewport's diagonal and shorter side). */
function continuity(probes: ViewProbe[]): Continuity {
  const r: Continuity = {
    worstStep: 0,
    worstStepAt: 0,
    worstRatio: 0,
    worstRatioAt: 0,
    worstInside: 1,
    worstInsideAt: 0,
    worstFill: Infinity,
    worstFillAt: 0,
  };
  const mean: number[] = [];
  for (let i = 0; i < probes.length; i++) {
    const p = probes[i];
    const { left, top, width, height } = p.viewport;
    const diagonal = Math.hypot(width, height);
    let inside = 0;
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    const n = p.points.length / 2;
    for (let j = 0; j < n; j++) {
      const x = p.points[2 * j];
      const y = p.points[2 * j + 1];
      if (x >= left && x <= left + width && y >= top && y <= top + height) inside++;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
    if (inside / n < r.worstInside) [r.worstInside, r.worstInsideAt] = [inside / n, p.t];
    const fill = Math.max(x1 - x0, y1 - y0) / Math.min(width, height);
    if (fill < r.worstFill) [r.worstFill, r.worstFillAt] = [fill, p.t];
    if (i === 0) continue;
    const q = probes[i - 1];
    let sum = 0;
    let max = 0;
    for (let j = 0; j < n; j++) {
      const d = Math.hypot(p.points[2 * j] - q.points[2 * j], p.points[2 * j + 1] - q.points[2 * j + 1]);
      sum += d;
      max = Math.max(max, d);
    }
    if (max / diagonal > r.worstStep) [r.worstStep, r.worstStepAt] = [max / diagonal, p.t];
    mean.push(sum / n / diagonal);
  }
  // Each step against the mean of its ten neighbours (five each side); a floor of 0.1 % of the diagonal
  // keeps still stretches from turning rounding into ratios.
  for (let i = 0; i < mean.length; i++) {
    let s = 0;
    let k = 0;
    for (let j = i - 5; j <= i + 5; j++) {
      if (j === i || j < 0 || j >= mean.length) continue;
      s += mean[j];
      k++;
    }
    const ratio = mean[i] / Math.max(1e-3, s / k);
    if (ratio > r.worstRatio) [r.worstRatio, r.worstRatioAt] = [ratio, probes[i + 1].t];
  }
  return r;
}

function expectContinuous(
  name: string,
  c: Continuity,
  maxStep = MAX_STEP,
  minFill = 0.5,
  minInside = 0.9,
): void {
  console.log(`${name}: ${JSON.stringify(c)}`);
  expect(c.worstStep, `${name}: largest 0.01 step (share of diagonal) at t=${c.worstStepAt}`).toBeLessThan(
    maxStep,
  );
  expect(c.worstRatio, `${name}: step against its neighbours at t=${c.worstRatioAt}`).toBeLessThan(MAX_RATIO);
  expect(
    c.worstInside,
    `${name}: share of probes in the viewport at t=${c.worstInsideAt}`,
  ).toBeGreaterThanOrEqual(minInside);
  expect(c.worstFill, `${name}: extent / shorter side at t=${c.worstFillAt}`).toBeGreaterThanOrEqual(minFill);
}

beforeAll(async () => {
  server = await serve();
  started = Date.now();
  browser = await launch(true);
  ({ page, errors } = await openApp(browser, server.url));
  // Every check here sets the slider and steps the frames it looks at.
  await holdFrames(page);
  console.log(`WebGPU page up in ${Date.now() - started} ms`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
  console.log(`view browser tests: ${Date.now() - started} ms after the build`);
});

/** The vertex stage against the reported probes at slider position t: the worst distance in pixels. */
async function stageAgainstProbes(p: Page, t: number, count: number): Promise<number> {
  const { gpu, probe } = await p.evaluate(
    async ([n, at]) => {
      const d = window.__detangle!;
      d.setPosition(at);
      await d.runFrames(1);
      return { gpu: await d.readPositions(at, n), probe: d.probe(n) as ViewProbe };
    },
    [count, t] as const,
  );
  const m = probe.viewProjection;
  const { left, top, width, height } = probe.viewport;
  let worst = 0;
  for (let j = 0; j < count; j++) {
    const [x, y, z] = [gpu[3 * j], gpu[3 * j + 1], gpu[3 * j + 2]];
    const w = m[3] * x + m[7] * y + m[11] * z + m[15];
    const sx = left + (((m[0] * x + m[4] * y + m[8] * z + m[12]) / w + 1) / 2) * width;
    const sy = top + ((1 - (m[1] * x + m[5] * y + m[9] * z + m[13]) / w) / 2) * height;
    worst = Math.max(worst, Math.hypot(sx - probe.points[2 * j], sy - probe.points[2 * j + 1]));
  }
  return worst;
}

async function showAt(p: Page, t: number, options: Record<string, unknown> = {}): Promise<void> {
  await p.evaluate(
    async ([at, o]) => {
      const d = window.__detangle!;
      for (const [k, v] of Object.entries(o)) d.viewOption(k, v);
      d.setPosition(at);
      await d.runFrames(2);
    },
    [t, options] as const,
  );
}

/**
 * Fixtures swept here, in the app (layer count). Every fixture, pre-activations too, is swept by the same
 * rules in Node through the views' own display state (view-camera.test.ts, at this page's view shape),
 * which is what the app frames with; here the sweep checks the app end to end within the time budget.
 */
const FIXTURES: [string, number][] = [
  ['rings-2-3-2-1', 3],
  ['disk-2-2-1', 2],
];

async function captionText(p: Page): Promise<string> {
  return p.evaluate(() => document.querySelector('#caption')?.textContent ?? '');
}

describe('one continuous picture (WebGPU)', () => {
  for (const [name, layers] of FIXTURES) {
    it(`${name}: no jumps from 0 to ${layers}, always in view, filling it`, async () => {
      const at = Date.now();
      await load(page, name);
      // The 1-D input's main view as the representation itself (the bent line), not the curves.
      await page.evaluate(() => window.__detangle!.viewOption('functionView', false));
      const probes = await sweep(page, layers);
      expect(probes.length).toBe(layers * 100 + 1);
      expectContinuous(name, continuity(probes));
      console.log(`${name}: sweep ${Date.now() - at} ms`);
      expect(errors).toEqual([]);
    }, 60_000);
  }

  it('rings 2-3-2-1: the probes are where the vertex stage draws them; the slider in pictures', async () => {
    await load(page, 'rings-2-3-2-1');
    // Inside the first layer, at a layer boundary, inside the second, at the next boundary.
    for (const t of [0.5, 1, 1.5, 2]) {
      const worst = await stageAgainstProbes(page, t, STAGE_PROBES);
      expect(worst, `t=${t}: vertex stage against the reported probes (px)`).toBeLessThan(2);
    }
    for (const t of [0, 0.5, 0.99, 1, 1.5, 2]) {
      await showAt(page, t);
      await shoot(page, '#main-canvas', `view-rings-t${t.toFixed(2)}`);
    }
  }, 60_000);

  it('pre-activation z: continuous, drawn by the vertex stage where reported, said in the caption', async () => {
    await load(page, 'rings-2-3-2-1');
    await showAt(page, 1);
    const before = (await page.evaluate((n) => window.__detangle!.probe(n) as ViewProbe, STAGE_PROBES))
      .points;
    // Through the panel's own switch, as a person turns it on.
    const toggle = page
      .locator('.lil-controller', { hasText: 'pre-activation z' })
      .locator('input[type=checkbox]');
    await toggle.check();
    const probes = await sweep(page, 3);
    expectContinuous('rings 2-3-2-1, pre-activation z', continuity(probes));
    for (const t of [0.3, 1, 1.2, 2, 3]) {
      const worst = await stageAgainstProbes(page, t, STAGE_PROBES);
      expect(worst, `z, t=${t}: vertex stage against the reported probes (px)`).toBeLessThan(2);
    }
    await showAt(page, 1);
    // z of a tanh layer is not squashed into the box: the picture at hidden 1 is not a's.
    const after = (await page.evaluate((n) => window.__detangle!.probe(n) as ViewProbe, STAGE_PROBES)).points;
    let moved = 0;
    for (let j = 0; j < after.length; j++) moved = Math.max(moved, Math.abs(after[j] - before[j]));
    expect(moved, 'z and a pictures differ at hidden 1 (px)').toBeGreaterThan(5);
    expect(await captionText(page)).toContain('pre-activation z');
    const strip = await page.evaluate(() => document.querySelector('#strip-cells')?.textContent ?? '');
    expect(strip).toContain('pre-activation z');
    await shoot(page, '#main-canvas', 'view-rings-hidden1-preactivation');
    await toggle.uncheck();
    await showAt(page, 1);
    expect(await captionText(page)).not.toContain('pre-activation');
    expect(errors).toEqual([]);
  }, 60_000);

  it('tori 3-8-1: the hidden layer drawn', async () => {
    await load(page, 'tori-3-8-1');
    await showAt(page, 1);
    await shoot(page, '#main-canvas', 'view-tori-hidden');
    expect(errors).toEqual([]);
  }, 60_000);

  it('disk-in-annulus 2-2-1: its mistakes are counted and the shader marks exactly those', async () => {
    // The marks are read back while the app's own loop draws, as a person sees them.
    await holdFrames(page, false);
    await load(page, 'disk-2-2-1');
    await showAt(page, 1, { checkMarks: true });
    const probe = await page.evaluate(async () => {
      const d = window.__detangle!;
      for (let i = 0; i < 100; i++) {
        const p = d.probe(1) as ViewProbe;
        if (p.marked) return p;
        await new Promise((r) => setTimeout(r, 50));
      }
      return d.probe(1) as ViewProbe;
    });
    const { train, test } = probe.mistakes;
    console.log(
      `disk 2-2-1 mistakes on display: train ${train}, test ${test}; marked ${probe.marked?.length}`,
    );
    expect(train).toBeGreaterThan(10);
    expect(probe.marked?.length).toBe(train + test);
    await shoot(page, '#main-canvas', 'view-disk-mistakes');
    // Saturated tanh units press the disk into the box's corner; their pre-activations still show the
    // plane the two units see, the disk inside its annulus.
    await showAt(page, 1, { preActivation: true });
    await shoot(page, '#main-canvas', 'view-disk-preactivation');
    await showAt(page, 1, { preActivation: false });
    await holdFrames(page);
    expect(errors).toEqual([]);
  }, 60_000);

  it('interval 1-2-1: the line bent into a curve by 2 units, and the curves over the input', async () => {
    await load(page, 'interval-1-2-1');
    await showAt(page, 1, { functionView: false });
    await shoot(page, '#main-canvas', 'view-interval-2-units');
    await showAt(page, 1, { functionView: true });
    await shoot(page, '#main-canvas', 'view-interval-curves');
    await page.evaluate(() => window.__detangle!.viewOption('functionView', false));
    expect(errors).toEqual([]);
  }, 60_000);

  it('vector field 2-vf8-3-1: its flow continuous, drawn by the vertex stage where reported, arrows mid-flow', async () => {
    await loadText(page, fieldModel(), 'field.json');
    // The flow is the field layer's segment, t from 0 to 1 (the dense layers after it are swept above).
    // The camera frames the data and the grid only near it: the field pushes the grid's far vertices
    // further out, and a few more of the probes (grid vertices) leave the view than the fixtures' do.
    expectContinuous('field 2-vf8-3-1, its flow', continuity(await sweep(page, 1)), MAX_STEP, 0.5, 0.8);
    for (const t of [0.5, 1]) {
      expect(await stageAgainstProbes(page, t, STAGE_PROBES), `field t=${t} (px)`).toBeLessThan(2);
    }
    await showAt(page, 0.5);
    expect(await captionText(page)).toContain('flowing along the vector field');
    await shoot(page, '#main-canvas', 'view-field-t0.50');
    expect(errors).toEqual([]);
  }, 60_000);

  it('k-NN 2-6-2: the regions the shader colours are the CPU’s vote at the grid’s vertices', async () => {
    const chartTitle = () => page.getAttribute('#loss-chart', 'title');
    expect(await chartTitle()).not.toMatch(/nearest training points/);
    await loadText(page, knnModel(), 'knn.json');
    // The chart says its train and test lines are the vote's loss, not the batch objective's.
    expect(await chartTitle()).toMatch(/^batch: the loss training lowers.*8 nearest training points/s);
    const regions = await page.evaluate(() => window.__detangle!.knnRegions());
    expect(regions).not.toBeNull();
    const { gpu, cpu } = regions!;
    let compared = 0;
    for (let v = 0; v < cpu.length / 2; v += 7) {
      // Near ties may go either way between float orders of summation.
      if (cpu[2 * v + 1] < 0.55) continue;
      expect(gpu[2 * v], `vertex ${v}`).toBe(cpu[2 * v]);
      expect(gpu[2 * v + 1]).toBeCloseTo(cpu[2 * v + 1], 3);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
    expect(new Set(cpu.filter((_, i) => i % 2 === 0)).size).toBeGreaterThan(1);
    await showAt(page, 2);
    await shoot(page, '#main-canvas', 'view-knn-regions');
    expect(errors).toEqual([]);
  }, 60_000);
});

/** A vector-field network on the rings, trained a little by the twin (model file text). */
function fieldModel(): string {
  const exp: Experiment = {
    ...DEFAULT_EXPERIMENT,
    dataset: 'rings',
    params: { samples: 400 },
    arch: [2, 2, 3, 1],
    fields: [8, 0, 0],
    optimizer: 'adam',
    learningRate: 0.03,
  };
  const run = prepare(exp);
  const trainer = new TwinTrainer({
    spec: run.spec,
    optimizer: run.optimizer,
    train: { seed: exp.seed, batchSize: exp.batchSize },
  });
  trainer.setData(run.train, run.test);
  trainer.train(300);
  return exportModel(run.spec, trainer.params, exp);
}

/** A k-NN network on the spirals, its weights made larger so the regions have shape (model file text). */
function knnModel(): string {
  const exp: Experiment = {
    ...DEFAULT_EXPERIMENT,
    dataset: 'spiral',
    params: { samples: 400 },
    arch: [2, 6, 2],
    output: 'knn',
    loss: 'ce',
  };
  const run = prepare(exp);
  const params = initParams(run.spec, 4, run.train);
  for (let i = 0; i < params.length; i++) params[i] *= 3;
  return exportModel(run.spec, params, exp);
}

async function loadText(p: Page, text: string, name: string): Promise<void> {
  const ok = await p.evaluate(
    async ([t, n]) => {
      const d = window.__detangle!;
      const done = await d.importModelText(t, n);
      d.setPlaying(false);
      await d.idle();
      await d.runFrames(3);
      return done;
    },
    [text, name] as const,
  );
  expect(ok, `import ${name}`).toBe(true);
}

describe('one continuous picture (WebGL2 fallback)', () => {
  let fallback: Browser;
  let fbPage: Page;
  let fbErrors: string[];

  beforeAll(async () => {
    const at = Date.now();
    fallback = await launch(false);
    ({ page: fbPage, errors: fbErrors } = await openApp(fallback, server.url));
    await holdFrames(fbPage);
    console.log(`WebGL2 page up in ${Date.now() - at} ms`);
  }, 120_000);

  afterAll(async () => {
    await fallback?.close();
  });

  it('rings 2-3-2-1 on the CPU path: the same continuity, drawn where reported, z too', async () => {
    const state = await fbPage.evaluate(() => window.__detangle!.state());
    expect(state.backend).toBe('webgl2');
    await load(fbPage, 'rings-2-3-2-1');
    const probes = await sweep(fbPage, 3);
    expectContinuous('rings 2-3-2-1 (WebGL2)', continuity(probes));
    for (const t of [0.5, 2]) {
      expect(await stageAgainstProbes(fbPage, t, STAGE_PROBES), `WebGL2 t=${t} (px)`).toBeLessThan(2);
    }
    await fbPage.evaluate(() => window.__detangle!.viewOption('preActivation', true));
    for (const t of [1, 1.2]) {
      expect(await stageAgainstProbes(fbPage, t, STAGE_PROBES), `WebGL2 z, t=${t} (px)`).toBeLessThan(2);
    }
    await showAt(fbPage, 1);
    expect(await captionText(fbPage)).toContain('pre-activation z');
    await fbPage.evaluate(() => window.__detangle!.viewOption('preActivation', false));
    expect(fbErrors).toEqual([]);
  }, 90_000);
});
