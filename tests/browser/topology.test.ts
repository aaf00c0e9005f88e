/**
 * The fold-and-stretch map in the browser (headless Chromium, WebGPU on SwiftShader): the surface shader
 * colours each grid vertex by how the map from the input plane changes its area (foldNode.ts). At t = 0 the
 * picture is the input plane itself, one flat colour; after a 2-2 ReLU layer on the line segments what
 * survives is stretched by det W and no vertex is turned over (the half-planes it cuts to zero have no area
 * left to colour); the rings through 3 tanh units bend without folding. Screenshots go to artifacts/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { FOLD_HEX } from '../../src/view/folds';
import { ROOT, countColor, launch, openApp, serve, shoot, type Image, type Served } from './harness';

let server: Served;
let browser: Browser;
let page: Page;
let errors: string[];

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
      for (let i = 0; i < 4; i++) await new Promise((r) => requestAnimationFrame(() => r(null)));
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

describe('fold-and-stretch map', () => {
  beforeAll(async () => {
    server = await serve();
    browser = await launch(true);
    ({ page, errors } = await openApp(browser, server.url));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    server?.stop();
  });

  it('segments through 2-2 ReLU: the input plane in one tone, then stretched and never turned over', async () => {
    await load(SEGMENTS_RELU, 'segments-relu');
    const input = await picture(0, true, 'topology-segments-input');
    await picture(0.97, true, 'topology-segments-relu-t0.97');
    const relu = await picture(1, true, 'topology-segments-relu-folds');
    const plain = await picture(1, false, 'topology-segments-relu-plain');
    const share = (img: Image, hex: number, tolerance = 20) =>
      countColor(img, hex, tolerance) / (img.width * img.height);
    console.log(
      `input: unchanged ${share(input, UNCHANGED, 4).toFixed(3)}; relu: unchanged ${share(relu, UNCHANGED).toFixed(3)}, ` +
        `folded ${foldedShare(relu).toFixed(3)}; plain: unchanged ${share(plain, UNCHANGED).toFixed(3)}`,
    );
    // Tight: a ratio of 1/2 instead of 1 (a wrong grid spacing) is a few levels darker.
    expect(share(input, UNCHANGED, 4)).toBeGreaterThan(0.2);
    // After the layer: det W = 5.2 stretches what survives (a lighter tone); the half-planes ReLU cuts to 0
    // have no area left on screen; nothing is turned over.
    expect(share(relu, UNCHANGED)).toBeLessThan(share(input, UNCHANGED) / 4);
    expect(foldedShare(relu)).toBeLessThan(0.001);
    expect(share(plain, UNCHANGED)).toBeLessThan(0.01);
    expect(errors).toEqual([]);
  }, 180_000);

  it('rings through 3 tanh units: stretched and squeezed, never folded', async () => {
    // A fresh page: importing a second model into the same page can race a weight read-back in the app.
    await page.close();
    ({ page, errors } = await openApp(browser, server.url));
    await load(readFileSync(join(ROOT, 'tests/fixtures/rings-2-3-2-1.json'), 'utf8'), 'rings');
    const hidden = await picture(1, true, 'topology-rings-3-tanh');
    await picture(1.8, true, 'topology-rings-3-tanh-t1.8');
    expect(foldedShare(hidden)).toBeLessThan(0.001);
    expect(errors).toEqual([]);
  }, 180_000);

  it('the disk in its annulus through 2 tanh units: a homeomorphism, no vertex turned over', async () => {
    await page.close();
    ({ page, errors } = await openApp(browser, server.url));
    await load(readFileSync(join(ROOT, 'tests/fixtures/disk-2-2-1.json'), 'utf8'), 'disk');
    // Mid-way through the tanh, while the plane still has area on screen (at t = 1 it is pressed onto the
    // edges of the tanh square).
    const hidden = await picture(0.8, true, 'topology-disk-2-tanh-t0.8');
    expect(foldedShare(hidden)).toBeLessThan(0.001);
    expect(errors).toEqual([]);
  }, 180_000);
});
