/**
 * The fold-and-stretch map in the browser (headless Chromium, WebGPU on SwiftShader), in one page load.
 *  - The vertex stage's fold values, read back from the very node the surface draws with (foldReadback.ts),
 *    equal the twin's det J at the grid vertex (exact Jacobian of the layer, within the grid's
 *    discretisation) for tanh 2-2 layers with det W > 0 and < 0, a linear 2-2 layer and a ReLU 2-2 layer
 *    on the segments (away from its creases, and exactly 0 where ReLU cuts the plane flat).
 *  - The badges carry the share of the data's cells a folding layer turns over or collapses.
 *  - Pictures: at t = 0 the picture is the input plane itself, one flat colour; after a 2-2 ReLU layer on
 *    the line segments what survives is stretched by det W and no vertex is turned over; the rings through
 *    3 tanh units bend without folding; the disk in its annulus through 2 tanh units, with the theorem's
 *    hint in the caption.
 *  - The contractive penalty: the rings 2-3-2-1 trained from one seed with and without it; with it the
 *    fold map's mean stretch at hidden 1, over the data, is lower.
 * Screenshots go to artifacts/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { FOLD_HEX } from '../../src/view/math/foldMap';
import {
  ROOT,
  countColor,
  holdFrames,
  launch,
  openApp,
  serve,
  shoot,
  shootPage,
  waitFor,
  type Image,
  type Served,
} from './harness';

let server: Served;
let browser: Browser;
let page: Page;
let errors: string[];

/** A model file: the segments through Linear(2,2)-`act`-Linear(2,2) with hidden weights W, b. */
function model2x2(act: string, W: number[][], b: number[]): string {
  const text = SEGMENTS_RELU.replace('"activation":"relu"', `"activation":"${act}"`);
  const m = JSON.parse(text) as {
    layers: { weights: number[][]; bias: number[] }[];
    experiment: { activation: string };
  };
  m.layers[0].weights = W;
  m.layers[0].bias = b;
  m.experiment.activation = act;
  return JSON.stringify(m);
}

/** Segments through Linear(2,2)-ReLU-Linear(2,2): fixed weights whose creases cross the data. */
const SEGMENTS_RELU = JSON.stringify({
  format: 'detangle-model',
  version: 1,
  inputSize: 2,
  loss: 'ce',
  layers: [
    {
      units: 2,
      activation: 'relu',
      weights: [
        [2, -1],
        [0.8, 2.2],
      ],
      bias: [0.3, -0.2],
    },
    {
      units: 2,
      activation: 'softmax',
      weights: [
        [1.5, -1],
        [-1, 1.5],
      ],
      bias: [0, 0],
    },
  ],
  experiment: {
    dataset: 'segments',
    params: {},
    arch: [2, 2, 2],
    activation: 'relu',
    loss: 'ce',
    optimizer: 'momentum',
    learningRate: 0.05,
    batchSize: 64,
    epochs: 100,
    testSplit: 0.2,
    seed: 1,
    l1: 0,
    l2: 0,
    slope: 0.01,
  },
});

async function load(text: string, name: string): Promise<void> {
  const ok = await page.evaluate(
    async ([t, n]) => {
      const d = window.__detangle!;
      const done = await d.importModelText(t, n);
      d.setPlaying(false);
      await d.idle();
      // The weights read back and drawn, as the app's loop (held in most tests here) would.
      await d.runFrames(3);
      return done;
    },
    [text, name] as const,
  );
  expect(ok, `import ${name}`).toBe(true);
}

/** Sets the slider and the fold map, lets a few frames draw, and shoots the main view. */
async function picture(t: number, folds: boolean, name: string): Promise<Image> {
  await page.evaluate(
    async ([tt, f]) => {
      const d = window.__detangle!;
      d.viewOption('showFolds', f);
      d.setPosition(tt);
      await d.runFrames(4);
    },
    [t, folds] as const,
  );
  return shoot(page, '#main-canvas', name);
}

const UNCHANGED = FOLD_HEX.unchanged;

/** Share of the pixels in the folded hue at any level (hot pink: no class colour of two classes). */
function foldedShare(img: Image): number {
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    const [r, g, b] = [img.data[i], img.data[i + 1], img.data[i + 2]];
    if (r >= 170 && g <= 70 && b >= 70 && b <= 150) n++;
  }
  return n / (img.width * img.height);
}

type State = ReturnType<NonNullable<Window['__detangle']>['state']>;
const state = (): Promise<State> => page.evaluate(() => window.__detangle!.state());

type Act = 'tanh' | 'relu' | 'linear';
const ACT: Record<Act, [(z: number) => number, (z: number) => number]> = {
  tanh: [Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
  relu: [(z) => Math.max(0, z), (z) => (z > 0 ? 1 : 0)],
  linear: [(z) => z, () => 1],
};

/** Grid vertices 0, 1 and G (for the spacing), then a 9 x 9 lattice over the inner two thirds. */
function probeVertices(g: number): number[] {
  const out = [0, 1, g];
  for (let b = 0; b < 9; b++)
    for (let a = 0; a < 9; a++) {
      const i = Math.round(g / 6 + (a * (2 * g)) / 3 / 8);
      const j = Math.round(g / 6 + (b * (2 * g)) / 3 / 8);
      out.push(j * g + i);
    }
  return out;
}

interface Compared {
  /** The view shows the two units in the other order (it keeps a picture from being mirrored). */
  swapped: boolean;
  checked: number;
  worst: number;
  folded: number;
  collapsed: number;
}

/**
 * Loads the segments through `act`(W x + b) and compares the vertex stage's fold values at t = 1 with
 * the twin's det J = det(diag f'(z)) det W at each probed vertex. The picture at t = 1 is the hidden
 * representation itself, checked against the twin's positions first (units possibly shown swapped).
 */
async function compareLayer(act: Act, W: number[][], b: number[], name: string): Promise<Compared> {
  await load(model2x2(act, W, b), name);
  const g = (await state()).gridSize;
  const vertices = probeVertices(g);
  const gpu = await page.evaluate(([t, v]) => window.__detangle!.readFolds(t, v), [1, vertices] as const);
  expect(gpu, name).not.toBeNull();
  const cpu = await page.evaluate((n) => window.__detangle!.cpuPositions(1, n), g * g);
  const [f, df] = ACT[act];
  const input = gpu!.input;
  const hx = input[2] - input[0];
  const hy = input[5] - input[1];
  const detW = W[0][0] * W[1][1] - W[0][1] * W[1][0];
  const pre = (x: number, y: number) => [0, 1].map((r) => W[r][0] * x + W[r][1] * y + b[r]);
  const out: Compared = { swapped: false, checked: 0, worst: 0, folded: 0, collapsed: 0 };
  for (let k = 3; k < vertices.length; k++) {
    const v = vertices[k];
    const [x, y] = [input[2 * k], input[2 * k + 1]];
    const a = pre(x, y).map(f);
    const p = cpu.slice(3 * v, 3 * v + 2);
    const same = Math.abs(p[0] - a[0]) + Math.abs(p[1] - a[1]) < 1e-4;
    const swap = Math.abs(p[0] - a[1]) + Math.abs(p[1] - a[0]) < 1e-4;
    expect(same || swap, `${name}: vertex ${v} drawn at ${p}, the layer gives ${a}`).toBe(true);
    if (!same) out.swapped = true;
    const sign = same ? 1 : -1;
    // ReLU: only where the vertex and its four neighbours lie on one side of both creases.
    const stencil = [
      [0, 0],
      [hx, 0],
      [-hx, 0],
      [0, hy],
      [0, -hy],
    ].map(([dx, dy]) => pre(x + dx, y + dy));
    let exact: number;
    if (act === 'relu') {
      const on = (r: number) => stencil.every((z) => z[r] > 0);
      const off = (r: number) => stencil.every((z) => z[r] <= 0);
      if (on(0) && on(1)) exact = detW;
      else if (off(0) || off(1)) exact = 0;
      else continue;
    } else {
      const z = pre(x, y);
      exact = df(z[0]) * df(z[1]) * detW;
    }
    exact *= sign;
    const ratio = gpu!.ratio[k];
    // Central differences over h: O(h²) for tanh; exact for linear maps (float32 rounding only).
    const tolerance = act === 'tanh' ? 0.02 * Math.abs(detW) : 1e-3 * Math.abs(detW);
    out.worst = Math.max(out.worst, Math.abs(ratio - exact) / Math.abs(detW));
    expect(
      Math.abs(ratio - exact),
      `${name} at (${x.toFixed(3)}, ${y.toFixed(3)}): ${ratio} vs ${exact}`,
    ).toBeLessThanOrEqual(tolerance);
    // (Where tanh has flattened the plane to nothing in float32 the sign is not there to read.)
    if (Math.abs(exact) > 1e-4 * Math.abs(detW)) {
      expect(gpu!.folded[k], `${name}: folded flag at (${x}, ${y})`).toBe(exact < 0 ? 1 : 0);
    }
    out.checked++;
    if (exact < 0) out.folded++;
    if (exact === 0) out.collapsed++;
  }
  console.log(
    `${name}: ${out.checked} vertices, worst |GPU − det J| / |det W| = ${out.worst.toExponential(2)}, ` +
      `folded ${out.folded}, collapsed ${out.collapsed}${out.swapped ? ' (units shown swapped)' : ''}`,
  );
  return out;
}

/** Trains the rings 2-3-2-1 from seed 1 for 250 steps or a few more; the GPU fold map's mean area scale at hidden 1 over the data. */
async function trainRings(contractive: number, name: string): Promise<{ stretch: number; step: number }> {
  const link = `dataset=rings&arch=2-3-2-1&act=tanh&loss=mse&opt=sgd&lr=0.3&batch=32&seed=1${
    contractive ? `&contractive=${contractive}` : ''
  }`;
  const started = Date.now();
  await page.evaluate(async (l) => {
    const h = window.__detangle!;
    await h.openLink(l);
    h.setPlaying(false);
    await h.idle();
    // A fixed pace, so that both runs stop at the same step (full speed stops within a frame's steps).
    h.setStepsPerFrame(25);
    h.setPlaying(true);
  }, link);
  const opened = Date.now();
  // 25 steps a frame until 250 steps (the two runs stop within a frame or two of each other).
  await waitFor(page, (t) => t.step >= 250, 120_000);
  const trained = Date.now();
  // Trained: the reads and the picture step their own frames (the page's loop held, as in the other checks).
  await holdFrames(page);
  await page.evaluate(async () => {
    const h = window.__detangle!;
    h.setPlaying(false);
    await h.idle();
    await h.readWeights();
    await h.runFrames(4);
  });
  const s = await state();
  expect(s.step, name).toBeGreaterThanOrEqual(250);
  expect(s.link ?? '', name).toContain(contractive ? `contractive=${contractive}` : 'dataset=rings');
  if (!contractive) expect(s.link ?? '').not.toContain('contractive');
  const shares = await page.evaluate(() => window.__detangle!.foldShares());
  const [x0, y0, x1, y1] = shares!.box;
  const g = s.gridSize;
  const all = Array.from({ length: g * g }, (_, v) => v);
  const gpu = await page.evaluate(([t, v]) => window.__detangle!.readFolds(t, v), [1, all] as const);
  let sum = 0;
  let n = 0;
  for (let v = 0; v < g * g; v++) {
    const [x, y] = [gpu!.input[2 * v], gpu!.input[2 * v + 1]];
    if (x < x0 || x > x1 || y < y0 || y > y1) continue;
    sum += gpu!.ratio[v];
    n++;
  }
  const read = Date.now();
  await picture(1, true, name);
  await holdFrames(page, false);
  console.log(
    `${name}: open ${opened - started} ms, train ${trained - opened} ms, read ${read - trained} ms; grid ${g}; step ${s.step}, loss ${s.lossLatest.toFixed(4)}, mean area scale at hidden 1 over ${n} vertices ${(sum / n).toFixed(4)}`,
  );
  return { stretch: sum / n, step: s.step };
}

describe('fold-and-stretch map', () => {
  beforeAll(async () => {
    server = await serve();
    browser = await launch(true);
    ({ page, errors } = await openApp(browser, server.url));
    // The checks of imported networks step the frames they look at: the app's own loop is held, so that
    // frames nobody looks at (several a second on a software GPU) do not take the CPU from the reads.
    await holdFrames(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    server?.stop();
  });

  it('the vertex stage’s signed ratio is the twin’s det J: tanh (det W > 0 and < 0), linear, ReLU on the segments', async () => {
    const W = [
      [1.3, -0.6],
      [0.4, 0.9],
    ];
    const b = [0.2, -0.3];
    const up = await compareLayer('tanh', W, b, 'tanh-det+');
    expect(up.checked).toBeGreaterThan(60);
    expect(up.folded).toBe(0);
    // Rows swapped: det W < 0. The view shows the units in the other order, so the picture is not a
    // mirror image, and the fold map agrees: nothing turned over (the twin's det J, sign included).
    const down = await compareLayer('tanh', [W[1], W[0]], [b[1], b[0]], 'tanh-det-');
    expect(down.swapped).toBe(true);
    expect(down.checked).toBeGreaterThan(60);
    expect(down.folded).toBe(0);
    const lin = await compareLayer('linear', W, b, 'linear');
    expect(lin.checked).toBe(81);
    const relu = await compareLayer(
      'relu',
      [
        [2, -1],
        [0.8, 2.2],
      ],
      [0.3, -0.2],
      'relu-segments',
    );
    expect(relu.checked).toBeGreaterThan(40);
    expect(relu.collapsed).toBeGreaterThan(10);
    expect(relu.collapsed).toBeLessThan(relu.checked);
    // The badge: ReLU folds, with the share of the data's cells it squashes flat.
    const shares = await page.evaluate(() => window.__detangle!.foldShares());
    console.log(`segments through 2-2 ReLU: ${shares!.labels[0]} (${shares!.cells} cells)`);
    expect(shares!.labels[0]).toMatch(/^folds \(\d+ % of the data's cells\)$/);
    expect(shares!.share[0]).toBeGreaterThan(0.05);
    expect(shares!.folded[0]).toBe(0);
    // A real fold: (x, y) → (2 relu(x) + relu(−x), relu(y + 2)), |x| made of ReLUs, turns the x < 0 half
    // over (det J = 2 for x > 0, −1 for x < 0); the output picture at t = 2 is this map itself.
    const fold = JSON.parse(SEGMENTS_RELU) as {
      loss: string;
      layers: { units: number; activation: string; weights: number[][]; bias: number[] }[];
      experiment: { arch: number[]; loss: string };
    };
    fold.loss = 'mse';
    fold.experiment.loss = 'mse';
    fold.experiment.arch = [2, 3, 2];
    fold.layers = [
      {
        units: 3,
        activation: 'relu',
        weights: [
          [1, 0],
          [-1, 0],
          [0, 1],
        ],
        bias: [0, 0, 2],
      },
      {
        units: 2,
        activation: 'linear',
        weights: [
          [2, 1, 0],
          [0, 0, 1],
        ],
        bias: [0, 0],
      },
    ];
    await load(JSON.stringify(fold), 'abs-fold');
    const g = (await state()).gridSize;
    const vertices = probeVertices(g);
    const folds = (await page.evaluate(([t, v]) => window.__detangle!.readFolds(t, v), [
      2,
      vertices,
    ] as const))!;
    let turned = 0;
    let kept = 0;
    for (let k = 3; k < vertices.length; k++) {
      const [x, y] = [folds.input[2 * k], folds.input[2 * k + 1]];
      const h = folds.input[2] - folds.input[0];
      if (Math.abs(x) <= h * 1.01 || y + 2 <= h) continue;
      const side = x < 0 ? -1 : 2;
      expect(Math.abs(Math.abs(folds.ratio[k]) - Math.abs(side)), `|det J| at (${x}, ${y})`).toBeLessThan(
        1e-3,
      );
      if (folds.folded[k] === 1) turned += x < 0 ? 1 : -1000;
      else kept += x > 0 ? 1 : -1000;
    }
    console.log(`abs-fold: ${turned} vertices turned over (x < 0), ${kept} kept (x > 0)`);
    expect(turned).toBeGreaterThan(20);
    expect(kept).toBeGreaterThan(20);
    // The twin's share for the badge sees the same fold: the data's cells at x < 0 turned over.
    const folded = await page.evaluate(() => window.__detangle!.foldShares());
    console.log(`abs-fold: cells turned over per layer ${folded!.folded.map((f) => f.toFixed(2))}`);
    expect(folded!.folded[0]).toBe(0);
    expect(folded!.folded[1]).toBeGreaterThan(0.1);
    // The strip's badge says it, with the share (the badges are recomputed at most four times a second).
    await page.waitForTimeout(300);
    await page.evaluate(() => window.__detangle!.runFrames(2));
    const strip = await page.evaluate(() => document.querySelector('#strip-cells')?.textContent ?? '');
    expect(strip).toMatch(/folds \((\d+|> 99|< 1) % of the data's cells\)/);
    expect(errors).toEqual([]);
  }, 180_000);

  it('segments through 2-2 ReLU: the input plane in one tone, then stretched and never turned over', async () => {
    await load(SEGMENTS_RELU, 'segments-relu');
    const input = await picture(0, true, 'topology-segments-input');
    const relu = await picture(1, true, 'topology-segments-relu-folds');
    const plain = await picture(1, false, 'topology-segments-relu-plain');
    const share = (img: Image, hex: number, tolerance = 20) =>
      countColor(img, hex, tolerance) / (img.width * img.height);
    console.log(
      `input: unchanged ${share(input, UNCHANGED, 4).toFixed(3)}; relu: unchanged ${share(relu, UNCHANGED).toFixed(3)}, ` +
        `folded ${foldedShare(relu).toFixed(3)}; plain: unchanged ${share(plain, UNCHANGED).toFixed(3)}`,
    );
    // Tight: a ratio of 1/2 instead of 1 (a wrong grid spacing) is a few levels darker. (The square plane
    // fills a third of the wide main view, its grid lines some of that.)
    expect(share(input, UNCHANGED, 4)).toBeGreaterThan(0.12);
    // After the layer: det W = 5.2 stretches what survives (a lighter tone); the half-planes ReLU cuts to 0
    // have no area left on screen; nothing is turned over.
    expect(share(relu, UNCHANGED)).toBeLessThan(share(input, UNCHANGED) / 4);
    expect(foldedShare(relu)).toBeLessThan(0.001);
    expect(share(plain, UNCHANGED)).toBeLessThan(0.01);
    expect(errors).toEqual([]);
  }, 180_000);

  it('rings through 3 tanh units: stretched and squeezed, never folded', async () => {
    await load(readFileSync(join(ROOT, 'tests/fixtures/rings-2-3-2-1.json'), 'utf8'), 'rings');
    const hidden = await picture(1, true, 'topology-rings-3-tanh');
    expect(foldedShare(hidden)).toBeLessThan(0.001);
    expect(errors).toEqual([]);
  }, 180_000);

  it('the disk in its annulus through 2 tanh units: a homeomorphism, no vertex turned over, the theorem said', async () => {
    await load(readFileSync(join(ROOT, 'tests/fixtures/disk-2-2-1.json'), 'utf8'), 'disk');
    // Mid-way through the tanh, while the plane still has area on screen (at t = 1 it is pressed onto the
    // edges of the tanh square).
    const hidden = await picture(0.8, true, 'topology-disk-2-tanh-t0.8');
    expect(foldedShare(hidden)).toBeLessThan(0.001);
    const caption = await page.locator('#caption').innerText();
    expect(caption).toMatch(/colah: with 2 units per layer this cannot be untangled, whatever the depth/);
    await shootPage(page, 'topology-disk-2-tanh-hint');
    expect(errors).toEqual([]);
  }, 180_000);

  it('the contractive penalty: the same run from the same seed stretches the data less at hidden 1', async () => {
    // Trained by the app's own loop.
    await holdFrames(page, false);
    const off = await trainRings(0, 'topology-rings-contractive-off');
    const on = await trainRings(0.003, 'topology-rings-contractive-on');
    console.log(
      `mean area scale at hidden 1: without ${off.stretch.toFixed(4)}, with 0.003 ${on.stretch.toFixed(4)}`,
    );
    // About the same training (full speed stops within a frame's steps), a far smaller stretch.
    expect(Math.abs(on.step - off.step)).toBeLessThan(0.25 * off.step);
    expect(on.stretch).toBeLessThan(off.stretch);
    expect(errors).toEqual([]);
  }, 240_000);
});
