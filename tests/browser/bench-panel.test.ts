/**
 * The benchmark panel (dist/bench.html, served under a sub-path) in headless Chromium: with WebGPU it runs
 * two networks on two tiny grids (`?sizes=16,32`), every row checked against the twin with finite, positive
 * figures, and draws the plot; without WebGPU it says so plainly. Screenshots go to artifacts/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { countColor, launch, shoot, shootPage } from './harness';
import { serveDist, type ServedDist } from './bench-harness';

let server: ServedDist;

beforeAll(async () => {
  server = await serveDist();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

async function open(browser: Browser, query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(`${server.url}bench.html${query}`);
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 30_000 });
  return { page, errors };
}

/** "1.23M" → 1.23e6; "" or "FAIL" → NaN. */
function figure(text: string): number {
  const match = /^(-?[\d.]+(?:e[-+]?\d+)?)([kMG]?)$/.exec(text.trim());
  if (!match) return NaN;
  return Number(match[1]) * { '': 1, k: 1e3, M: 1e6, G: 1e9 }[match[2] as '' | 'k' | 'M' | 'G'];
}

describe('benchmark panel with WebGPU', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch(true);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it(
    'runs the grid and frame workloads on tiny grids and shows checked rows and a plot',
    { timeout: 90_000 },
    async () => {
      const { page, errors } = await open(browser, '?sizes=16,32');
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
      expect(await page.locator('h1').textContent()).toBe('Detangle benchmark');
      expect(await page.locator('#adapter').textContent()).toMatch(/swiftshader|google/i);
      expect(await page.locator('#range').inputValue()).toBe('link');
      const ticked = await page
        .locator('#networks input:checked')
        .evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value));
      expect(ticked).toEqual(['2-3-2-1', '2-8-8-8-1']);

      await page.click('#run');
      await page.waitForFunction(() => document.body.dataset.state === 'running', null, { timeout: 5_000 });
      expect(await page.locator('#progress-box').isVisible()).toBe(true);
      expect(await page.locator('#cancel').isVisible()).toBe(true);
      await page.waitForFunction(() => document.body.dataset.state !== 'running', null, { timeout: 75_000 });
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('done');
      expect(await page.locator('#cancel').isVisible()).toBe(false);
      expect(await page.locator('#bar').evaluate((b) => (b as HTMLProgressElement).value)).toBe(1);

      const rows = await page.locator('#results-body tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          state: (tr as HTMLElement).dataset.state,
          cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
        })),
      );
      expect(rows.map((r) => `${r.cells[0]} ${r.cells[1]}`)).toEqual([
        '2-3-2-1 16²',
        '2-3-2-1 32²',
        '2-8-8-8-1 16²',
        '2-8-8-8-1 32²',
      ]);
      for (const { state, cells } of rows) {
        const name = cells.slice(0, 2).join(' ');
        expect(state, name).toBe('ok');
        const [, , vertices, gridMs, throughput, frameMs, fps, check, diagramMs] = cells;
        // The default network's frame is timed with the network diagram too, printed beside it.
        if (cells[0] === '2-3-2-1') expect(figure(diagramMs), `${name}: with diagram`).toBeGreaterThan(0);
        else expect(diagramMs, name).toBe('');
        expect(Number(vertices.replace(/,/g, '')), name).toBe(cells[1] === '16²' ? 256 : 1024);
        for (const [what, text] of Object.entries({ gridMs, throughput, frameMs, fps })) {
          const value = figure(text);
          expect(Number.isFinite(value) && value > 0, `${name}: ${what} = "${text}"`).toBe(true);
        }
        // "2.4e-7 ✓": the largest error against the twin, within the grid tolerance (2e-4 + 2e-4·|x|).
        expect(check, name).toMatch(/✓$/);
        const error = Number(check.replace('✓', '').trim());
        expect(Number.isFinite(error) && error >= 0 && error < 1e-3, `${name}: error ${check}`).toBe(true);
      }
      expect(await page.locator('#messages li').count()).toBe(0);
      expect(await page.locator('#notice').isVisible()).toBe(false);

      // The plot: lines in the first two networks' colours (blue, orange) on the dark card.
      const plot = await shoot(page, '#plot', 'bench-panel-plot');
      expect(countColor(plot, 0x3d9bff, 30), 'blue line pixels').toBeGreaterThan(150);
      expect(countColor(plot, 0xff9330, 30), 'orange line pixels').toBeGreaterThan(150);
      // The last whole frame drawn stays on its canvas: grid lines over the background.
      const frame = await shoot(page, '#frame', 'bench-panel-frame');
      const background = countColor(frame, 0x0d1117, 6);
      expect(background, 'background pixels').toBeLessThan(frame.width * frame.height * 0.995);
      await shootPage(page, 'bench-panel');
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it('cancels a quick run after the case in progress', { timeout: 60_000 }, async () => {
    const { page, errors } = await open(browser, '?networks=2-3-2-1');
    expect(await page.locator('#range').inputValue()).toBe('quick');
    await page.click('#run');
    await page.waitForFunction(() => document.body.dataset.state === 'running', null, { timeout: 5_000 });
    await page.click('#cancel');
    await page.waitForFunction(() => document.body.dataset.state !== 'running', null, { timeout: 45_000 });
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('cancelled');
    expect(await page.locator('#progress-label').textContent()).toMatch(/^Cancelled after \d of 8 cases/);
    // The rows not reached stay pending; the Run button is back.
    expect(await page.locator('#results-body tr[data-state="pending"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#run').isEnabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('benchmark panel without WebGPU', () => {
  it('says plainly that the benchmark cannot run here', async () => {
    const browser = await launch(false);
    try {
      const { page, errors } = await open(browser, '');
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('unsupported');
      // Chromium with WebGPU turned off keeps navigator.gpu but finds no adapter.
      const notice = await page.locator('#notice').textContent();
      expect(notice).toMatch(/no WebGPU|WebGPU is not available/);
      expect(notice).toMatch(/cannot run here/);
      expect(await page.locator('#run').isDisabled()).toBe(true);
      await shootPage(page, 'bench-panel-no-webgpu');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
