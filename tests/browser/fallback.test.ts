/**
 * The built app in headless Chromium without WebGPU: the page says so, the CPU twin trains in a worker
 * and three.js draws with its WebGL2 backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CLASS_COLORS } from '../../src/view/theme';
import {
  countColor,
  difference,
  launch,
  openApp,
  serve,
  shoot,
  shootPage,
  waitFor,
  type Served,
} from './harness';

let server: Served;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  server = await serve();
  browser = await launch(false);
  ({ page, errors } = await openApp(browser, server.url));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

describe('without WebGPU', () => {
  it('says so, and still draws and trains', async () => {
    const notice = page.locator('#notice');
    await expect.poll(() => notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toMatch(/WebGPU/);
    expect(await notice.textContent()).toMatch(/CPU/);
    const s0 = await page.evaluate(() => window.__detangle!.state());
    expect(s0.backend).toBe('webgl2');
    expect(s0.rendererWebGPU).toBe(false);
    // The picture of fresh, untrained weights (the default pace may have trained a while already).
    await page.evaluate(async () => {
      const h = window.__detangle!;
      h.setPlaying(false);
      await h.rebuild();
      await h.runFrames(5);
    });
    await page.waitForTimeout(1500);
    const before = await shoot(page, '#main-canvas', 'fallback-start-main');
    expect(countColor(before, CLASS_COLORS[0], 35)).toBeGreaterThan(200);
    expect(countColor(before, CLASS_COLORS[1], 35)).toBeGreaterThan(200);

    await page.evaluate(() => {
      window.__detangle!.setFullSpeed(true);
      window.__detangle!.setPlaying(true);
    });
    await waitFor(page, (s) => s.chartSamples >= 3 && s.lossLatest < 0.7 * s.lossFirst, 150_000);
    await page.evaluate(() => window.__detangle!.setPlaying(false));
    await page.waitForTimeout(1500);
    const after = await shoot(page, '#main-canvas', 'fallback-trained-main');
    expect(countColor(after, CLASS_COLORS[0], 35)).toBeGreaterThan(200);
    expect(countColor(after, CLASS_COLORS[1], 35)).toBeGreaterThan(200);
    expect(difference(before, after)).toBeGreaterThan(2);

    // The slider works here too (positions computed on the CPU).
    const [a, b] = await page.evaluate(async () => {
      const h = window.__detangle!;
      return [await h.readPositions(0.5, 64), await h.readPositions(0.502, 64)];
    });
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(0.1);
    await shootPage(page, 'fallback-page');

    // The network diagram paints its heatmaps on the CPU from the twin's values, and says so.
    await page.evaluate(() => {
      window.__detangle!.diagram.show('diagram');
      return window.__detangle!.runFrames(4);
    });
    const note = page.locator('#diagram .diagram-note');
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toMatch(/CPU.*no WebGPU/);
    const probe = await page.evaluate(() => window.__detangle!.diagram.probe());
    expect(probe?.gpu).toBe(false);
    const img = await shoot(page, 'body', 'fallback-diagram');
    // The input's first unit (x) runs from orange on the left of its node to blue on the right.
    const x = probe!.nodes.find((n) => n.rep === 0 && n.unit === 0)!;
    const at = (fx: number): number[] => {
      const p = 4 * (Math.floor(x.y + 0.3 * x.size) * img.width + Math.floor(x.x + fx * x.size));
      return [img.data[p], img.data[p + 1], img.data[p + 2]];
    };
    const [left, right] = [at(0.15), at(0.85)];
    expect(left[0] - left[2], `left of x: ${left}`).toBeGreaterThan(60);
    expect(right[2] - right[0], `right of x: ${right}`).toBeGreaterThan(60);
    expect(errors).toEqual([]);
  });

  it('sets a weight by hand on the CPU trainer too, and undoes it bit for bit', async () => {
    const { before, edited, undone } = await page.evaluate(async () => {
      const h = window.__detangle!;
      h.setPlaying(false);
      await h.runFrames(3);
      const before = (await h.readParams())!;
      h.editParam({ kind: 'bias', layer: 0, to: 0 }, 1.5, true);
      const edited = (await h.readParams())!;
      h.undoEdit();
      return { before, edited, undone: (await h.readParams())! };
    });
    const changed = edited.flatMap((v, i) => (Object.is(v, before[i]) ? [] : [[i, v]]));
    expect(changed).toEqual([[changed[0]?.[0], 1.5]]);
    expect(undone).toEqual(before);
    expect(errors).toEqual([]);
  });
});
