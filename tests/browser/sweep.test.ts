/**
 * The sweep page (sweep.html) in headless Chromium on SwiftShader: a small rings sweep trained in slices
 * with progress, its table and histograms, thumbnails drawn, the same figures as the library's runSweep,
 * Cancel stopping a second run, a thumbnail opening the app with exactly that member's weights, and the
 * page without WebGPU saying so.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CLASS_COLORS } from '../../src/view/theme';
import type { SweepHookState } from '../../src/sweep/testHook';
import { SCREENSHOTS, launch, serve, shoot, shootPage, testUrl, waitReady, type Served } from './harness';

let server: Served;
let browser: Browser;
let page: Page;
const errors: string[] = [];
let policy = '';

// The address names a preset the page does not sweep: the page says so and keeps its default preset
// (rings-2-units-fail) with the rest of the address.
const SMALL = 'preset=no-such-preset&seeds=8&widths=2-3&epochs=4';

async function watch(p: Page): Promise<void> {
  p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await p.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
}

const sweepState = (): Promise<SweepHookState> => page.evaluate(() => window.__sweep!.state());

async function until(predicate: (s: SweepHookState) => boolean, timeout = 40_000): Promise<SweepHookState> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const s = await sweepState();
    if (predicate(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out; last state ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  server = await serve();
  browser = await launch(true);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await watch(page);
  const response = await page.goto(`${testUrl(new URL('sweep.html', server.url).toString())}&${SMALL}`);
  policy = response?.headers()['content-security-policy'] ?? '';
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

describe('the sweep page', () => {
  it('refuses a bad field with one line naming it', async () => {
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    // The app's policy: no inline scripts or styles, nothing from elsewhere (violations are errors below).
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("style-src 'self';");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe');
    expect(await page.content()).toMatch(/http-equiv="Content-Security-Policy"/);
    expect(await page.textContent('#form-error')).toMatch(
      /^Preset: the address asks for "no-such-preset", which is not one of rings-2-units-fail, .*; showing rings-2-units-fail with the rest of the address\.$/,
    );
    expect(await page.inputValue('#preset')).toBe('rings-2-units-fail');
    expect(await page.inputValue('#widths')).toBe('2-3');
    await page.fill('#widths', '0-3');
    await page.click('#run');
    expect(await page.textContent('#form-error')).toMatch(/^Widths: a range like 1-4 .* got "0-3"$/);
    await page.fill('#widths', '2-3');
  });

  it('trains a small sweep in slices with progress, then shows groups, histograms and a summary', async () => {
    await page.click('#run');
    const end = await until((s) => s.outcome !== null);
    expect(end.outcome).toBe('done');
    expect(end.epochsDone).toBe(4);
    // Progress was reported slice by slice (the first slice is one epoch; later ones grow toward 50 ms).
    const reported = [...new Set(end.reported)];
    expect(reported[0]).toBe(0);
    expect(reported[1]).toBe(1);
    expect(reported.at(-1)).toBe(4);
    expect(reported).toEqual([...reported].sort((a, b) => a - b));
    expect(await page.textContent('#progress-label')).toMatch(/^Done: 16 networks × 4 epochs/);

    const result = (await page.evaluate(() => window.__sweep!.result()))!;
    expect(result.rows.map((r) => r.arch)).toEqual(['2-2-2-1', '2-3-2-1']);
    result.rows.forEach((r, g) => {
      expect(r.seeds).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(result.histograms[g].reduce((a, b) => a + b, 0) + r.diverged).toBe(8);
      expect(r.reached).toBe(r.accuracies.filter((a) => a >= 0.99).length);
    });
    const counts = await page.$$eval('#groups-body canvas.histogram', (cs) =>
      cs.map((c) => (c as HTMLCanvasElement).dataset.counts),
    );
    expect(counts).toEqual(result.histograms.map((h) => h.join(',')));
    const summary = (await page.textContent('#summary'))!;
    expect(summary).toBe(result.summary);
    for (const r of result.rows) expect(summary).toContain(`${r.arch}: ${r.reached} of 8 reach 0.99`);
    // The story presets' claims for these two networks on these rings.
    expect(summary).toMatch(/2-2-2-1: \d of 8 reach 0\.99 — Scott Rome: with only 2-D transformations/);
    expect(summary).toMatch(/2-3-2-1: \d of 8 reach 0\.99 — Scott Rome: with three units/);
    await shoot(page, '#table-card', 'sweep-table');
  });

  it('gives the same figures as runSweep for the same settings', async () => {
    const mine = (await page.evaluate(() => window.__sweep!.result()))!.rows;
    const reference = await page.evaluate(() => window.__sweep!.reference());
    expect(mine).toEqual(reference);
  });

  it('draws a thumbnail per member with the class colours, framed by accuracy', async () => {
    const thumbs = await page.$$eval(
      '#thumbs button.thumb canvas',
      (cs, colors) => {
        return cs.map((c) => {
          const canvas = c as HTMLCanvasElement;
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          const near = (i: number, hex: number): boolean =>
            Math.abs(data[i] - ((hex >> 16) & 255)) < 30 &&
            Math.abs(data[i + 1] - ((hex >> 8) & 255)) < 30 &&
            Math.abs(data[i + 2] - (hex & 255)) < 30;
          let a = 0;
          let b = 0;
          for (let i = 0; i < data.length; i += 4) {
            if (near(i, colors[0])) a++;
            else if (near(i, colors[1])) b++;
          }
          return { a, b };
        });
      },
      CLASS_COLORS.slice(0, 2),
    );
    expect(thumbs).toHaveLength(16);
    for (const t of thumbs) {
      expect(t.a).toBeGreaterThan(40);
      expect(t.b).toBeGreaterThan(40);
    }
    expect(await page.textContent('#thumbs-note')).toMatch(/no timeline history.*leaves story mode/);
    // Each thumbnail says how it is drawn: the 2-unit layer as it is, the 3-unit one decision-aligned.
    expect(await page.textContent('#thumbs-note')).toMatch(/3 units: decision-aligned, as the main view/);
    const drawn = await page.$$eval('#thumbs button.thumb', (bs) =>
      bs.map(
        (b) =>
          `${(b as HTMLElement).dataset.group} ${(b as HTMLElement).dataset.projection} ${b.querySelector('.thumb-axes')!.textContent}`,
      ),
    );
    expect(drawn.filter((d) => d.startsWith('0 '))).toEqual(new Array(8).fill('0 units ↔ unit 1 · ↕ unit 2'));
    for (const d of drawn.filter((x) => x.startsWith('1 ')))
      expect(d).toMatch(/^1 decision ↔ (decision · ↕ PC1|PC1 · ↕ PC2)$/);
    await shoot(page, '#thumbs', 'sweep-thumbs');
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, 'sweep-page.png'), await page.screenshot({ fullPage: true }));
  });

  it('Cancel stops a second run at the next slice and keeps the first run’s results', async () => {
    const before = await page.evaluate(() => window.__sweep!.result());
    await page.fill('#epochs', '2000');
    await page.click('#run');
    await until((s) => s.running && s.epochsDone >= 1);
    await page.click('#cancel');
    const s = await until((x) => !x.running, 15_000);
    expect(s.outcome).toBe('cancelled');
    expect(s.epochsDone).toBeLessThan(2000);
    expect(await page.textContent('#progress-label')).toMatch(/^Cancelled after \d+ of 2000 epochs/);
    expect(await page.evaluate(() => window.__sweep!.result())).toEqual(before);
    await page.fill('#epochs', '4');
  });

  it('opens a clicked member in the app, paused, with exactly its weights', async () => {
    const weights = await page.evaluate(() => window.__sweep!.memberWeights(1, 3));
    expect(weights).not.toBeNull();
    await page.click('#thumbs button.thumb[data-group="1"][data-member="3"]');
    await page.waitForURL(/index\.html\?test#.*&w=f32\./);
    await waitReady(page);
    const s = await page.evaluate(() => window.__detangle!.state());
    expect(s.widths).toEqual([2, 3, 2, 1]);
    expect(s.playing).toBe(false);
    expect(s.preset).not.toBe('rings-2-units-fail');
    expect(await page.evaluate(() => window.__detangle!.readWeights())).toEqual(weights);
    await shootPage(page, 'sweep-opened-member');
    // The app draws frames even paused: stop it so that it does not slow the last test.
    await page.goto('about:blank');
  });

  it('without WebGPU says the population needs it and links back to the app', async () => {
    const p = await browser.newPage({ viewport: { width: 1000, height: 500 } });
    await watch(p);
    await p.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }));
    await p.goto(new URL('sweep.html', server.url).toString());
    await p.waitForFunction(() => document.body.dataset.state === 'no-webgpu', null, { timeout: 20_000 });
    expect(await p.textContent('#notice')).toMatch(/no WebGPU.*needs WebGPU/);
    expect(await p.getAttribute('#fault-back', 'href')).toBe('./');
    expect(await p.isVisible('#controls')).toBe(false);
    await shootPage(p, 'sweep-no-webgpu');
    await p.close();
    expect(errors).toEqual([]);
  });
});
