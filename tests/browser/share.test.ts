/**
 * Sharing, import and export through the built app in headless Chromium with WebGPU: links open the
 * same run and hostile ones are refused in the page; CSV and model files are checked through the real
 * file inputs; the picture, the video and the model file download; saved state comes back on reload
 * and "Start fresh" clears it; and the strict Content-Security-Policy blocks nothing the app does.
 */
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { importModel } from '../../src/share/modelImport';
import { findPreset } from '../../src/data/presets';
import { experimentFromPreset, prepare } from '../../src/experiment/experiment';
import { experimentUrl, parseExperimentQuery } from '../../src/share/url';
import { CLASS_COLORS, THEME } from '../../src/view/theme';
import {
  countColor,
  decodePng,
  downloadedBytes,
  holdFrames,
  launch,
  nextNotice,
  openPage,
  serve,
  shootPage,
  waitFor,
  testUrl,
  waitReady,
  type Served,
} from './harness';

/** Every setting of a run, and the view, as a link. */
const LINK =
  'dataset=moons&d.noise=0.15&arch=2-5-3-1&act=relu&loss=bce&opt=adam&lr=0.02&batch=16&epochs=30' +
  '&split=0.25&seed=7&l2=0.001&t=1.5&grid=24&proj=units';

let server: Served;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'detangle-share-'));

beforeAll(async () => {
  server = await serve();
  browser = await launch(true);
  context = await browser.newContext({ viewport: { width: 1280, height: 760 }, acceptDownloads: true });
  ({ page } = await openPage(context, server.url, { hash: LINK, errors }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

const state = (p: Page = page) => p.evaluate(() => window.__detangle!.state());

/** The parsed model file the app exports now. */
async function exported(p: Page = page) {
  const text = await p.evaluate(() => window.__detangle!.exportModel());
  expect(text).not.toBeNull();
  return JSON.parse(text!) as { layers: { weights: number[][]; bias: number[] }[] };
}

/**
 * Runs `use` with the main page's loop held: a second page starts and is checked meanwhile, and the
 * main page's frames (several a second on a software GPU) would take the CPU from it.
 */
async function aside<T>(use: () => Promise<T>): Promise<T> {
  await holdFrames(page);
  try {
    return await use();
  } finally {
    await holdFrames(page, false);
  }
}

/** The lil-gui controller row whose name is `name`. */
const control = (name: string) => page.locator('.lil-gui .lil-controller').filter({ hasText: name }).first();

describe('links', () => {
  it('open with every setting of the run and the view; the address follows the settings', async () => {
    const s = await state();
    expect(s.backend).toBe('webgpu');
    expect(s.dataset).toBe('moons');
    expect(s.widths).toEqual([2, 5, 3, 1]);
    expect(s.learningRate).toBe(0.02);
    expect(s.batchSize).toBe(16);
    expect(s.gridSize).toBe(24);
    expect(s.position).toBe(1.5);
    expect(s.notice).toBeNull();
    // What the app would write reads back as the link it was given.
    const given = await parseExperimentQuery(LINK);
    const written = await parseExperimentQuery(s.link!);
    expect(written.experiment).toEqual(given.experiment);
    expect(written.view).toEqual(given.view);
    expect(page.url()).toContain(`#${LINK}`);

    // A change in the controls rewrites the address (throttled, without a new history entry).
    const entries = await page.evaluate(() => history.length);
    const input = page.locator('#train-lr');
    await input.fill('0.05');
    await input.press('Enter');
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('lr=0.05');
    expect(page.url()).toContain('dataset=moons');
    expect(await page.evaluate(() => history.length)).toBe(entries);
  });

  it('printed by `npm run train -- --url` open the same run', async () => {
    // The command line prints experimentUrl(experiment) (src/cli/train.ts); here with this server as base.
    const exp = experimentFromPreset(findPreset('moons-tanh'));
    const url = experimentUrl({ ...exp, epochs: 1 }, server.url);
    await aside(async () => {
      const { page: p } = await openPage(context, url, { errors });
      const s = await state(p);
      const spec = prepare(exp).spec;
      expect(s.widths).toEqual([spec.inputSize, ...spec.layers.map((l) => l.units)]);
      expect(s.learningRate).toBe(exp.learningRate);
      expect(s.batchSize).toBe(exp.batchSize);
      expect(s.notice).toBeNull();
      expect((await parseExperimentQuery(s.link!)).experiment).toEqual(
        (await parseExperimentQuery(url)).experiment,
      );
      await p.close();
    });
  });

  it('with trained weights open exactly the trained network, paused', async () => {
    await page.evaluate(() => window.__detangle!.setPlaying(true));
    await waitFor(page, (s) => s.step > 200);
    await page.evaluate(() => window.__detangle!.setPlaying(false));
    // Paused, the weights are read back once a second: wait for the last steps to arrive.
    await waitFor(page, (t) => t.snapshotStep === t.step, 10_000);
    const link = await page.evaluate(() => window.__detangle!.copyLink(true));
    expect(link).toMatch(/&w=f32\./);
    expect((await state()).notice).toMatch(/copied|copy it from here/);
    const weights = await exported();

    await aside(async () => {
      const other = await openPage(context, link!, { errors });
      const s = await state(other.page);
      expect(s.widths).toEqual([2, 5, 3, 1]);
      expect(s.playing).toBe(false);
      expect(s.notice).toBeNull();
      expect((await exported(other.page)).layers).toEqual(weights.layers);
      // The slider moves: the address follows it and keeps the weights, so a reload opens this network.
      await other.page.evaluate(() => window.__detangle!.setPosition(1.5));
      await expect.poll(() => other.page.url(), { timeout: 15_000 }).toMatch(/[#&]t=1\.5(&|$)/);
      expect(other.page.url()).toContain(`&w=${link!.split('&w=')[1]}`);
      await other.page.close();
    });
  });

  it('refuse hostile links in the page and keep the run (a few dozen through the address)', async () => {
    const before = await state();
    const long = 'x'.repeat(70_000);
    const hostile = [
      'dataset=nope',
      'dataset=__proto__',
      'dataset=constructor&arch=2-3-1',
      'dataset=moons&d.__proto__=1',
      'dataset=moons&d.constructor=1',
      'dataset=moons&d.toString=1',
      'dataset=moons&lr=NaN',
      'dataset=moons&lr=Infinity',
      'dataset=moons&lr=1e999',
      'dataset=moons&lr=-1',
      'dataset=moons&lr=0x10',
      'dataset=moons&batch=1.5',
      'dataset=moons&batch=99999999999',
      'dataset=moons&seed=-3',
      'dataset=moons&split=0.95',
      'dataset=moons&act=evil',
      'dataset=moons&act=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E',
      'dataset=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      'dataset=moons&loss=hinge',
      'dataset=moons&opt=lbfgs',
      `dataset=moons&arch=2-${'3-'.repeat(10_000)}1`,
      'dataset=moons&arch=2-100000-1',
      'dataset=moons&arch=3-4-1',
      'dataset=moons&arch=2-a-1',
      'dataset=moons&d.samples=1e12',
      'dataset=moons&dataset=rings',
      'dataset=moons&t=99',
      'dataset=moons&grid=100000',
      'dataset=moons&proj=evil',
      'dataset=moons&layer=-7',
      'dataset=moons&w=f32.!!!!',
      'dataset=moons&arch=2-3-1&w=f32.AAAA',
      'dataset=moons&arch=2-3-1&w=q99.AAAA',
      `dataset=moons&w=f32.${long}`,
      'arch=2-3-1',
      '%E0%A4%A',
    ];
    // The page's own frames are held meanwhile: on a busy machine a slow frame's notice (the grid density)
    // could come between a link and its refusal.
    await holdFrames(page);
    for (const hash of hostile) {
      const message = await nextNotice(page, () => page.evaluate((h) => (location.hash = h), hash));
      expect(message, hash.slice(0, 80)).toMatch(/^This link cannot be opened: /);
      expect(message.length).toBeLessThanOrEqual(600);
    }
    await holdFrames(page, false);
    await shootPage(page, 'link-refused');
    // Nothing was rendered from a link as markup, and nothing else changed.
    expect(await page.locator('#notice img, #notice script').count()).toBe(0);
    let s = await state();
    expect(s.widths).toEqual(before.widths);
    expect(s.learningRate).toBe(before.learningRate);
    expect(s.error).toBeNull();
    // The address goes back to the run that is kept.
    await expect.poll(() => page.url()).toContain('dataset=moons');

    // Mutations of a good link: refused, or opened whole; the app keeps running either way.
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let k = 0; k < 10; k++) {
      const chars = [...LINK];
      for (let m = 0; m < 3; m++) chars[random(chars.length)] = '=&%.-9xZ'[random(8)];
      const message = await nextNotice(page, () => page.evaluate((h) => (location.hash = h), chars.join('')));
      expect(message).toMatch(/cannot be opened|Opened the linked experiment/);
    }
    await page.evaluate(() => window.__detangle!.setPlaying(true));
    s = await state();
    await waitFor(page, (t) => t.step > s.step);
    expect((await state()).error).toBeNull();
  });

  it('refuse a hostile link at start: the page says so and starts from saved state', async () => {
    const hash = `dataset=moons&arch=2-${'3-'.repeat(10_000)}1`;
    await aside(async () => {
      const { page: p } = await openPage(context, server.url, { hash, errors });
      const s = await state(p);
      expect(s.notices.join('\n')).toMatch(
        /The link in the address cannot be opened: arch.*Started from your last saved experiment/,
      );
      expect(s.backend).toBe('webgpu');
      expect(s.dataset).toBe('moons');
      // The link as it was, shortened, to be mended (the address now links to the run shown).
      const said = s.notices.find((n) => n.startsWith('The link in the address'))!;
      expect(said).toMatch(/The link was #dataset=moons&arch=2(-3)+-?\.\.\.$/);
      expect(said.length).toBeLessThan(600);
      // Settings written after ? (no #) are read as the link, and move after #.
      await p.goto(`${testUrl(server.url)}&dataset=spiral&arch=2-5-1`);
      await waitReady(p);
      const q = await state(p);
      expect([q.dataset, q.widths]).toEqual(['spiral', [2, 5, 1]]);
      expect(await p.evaluate(() => [location.search, location.hash.includes('arch=2-5-1')])).toEqual([
        '?test',
        true,
      ]);
      await p.close();
    });
  });
});

describe('files', () => {
  const csvInput = () => page.locator('#csv-file');
  const modelInput = () => page.locator('#model-file');
  const file = (name: string, text: string) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
  const huge = (name: string) => {
    const path = join(tmp, name);
    writeFileSync(path, '');
    truncateSync(path, 100 * 1024 * 1024);
    return path;
  };

  it('CSV: errors name the problem and keep the data; a good file loads', async () => {
    const before = await state();
    const cases: [string, string | { name: string; mimeType: string; buffer: Buffer }][] = [
      ['empty', file('empty.csv', '')],
      ['header only', file('header.csv', 'x,y,label\n')],
      ['one column', file('one.csv', 'x\n1\n2\n3\n')],
      ['not a number', file('words.csv', 'x,y,label\n1,2,a\nfoo,3,b\n')],
      ['NaN', file('nan.csv', 'x,y,label\n1,NaN,a\n2,3,b\n')],
      ['huge number', file('huge.csv', 'x,y,label\n1e400,2,a\n2,3,b\n')],
      ['ragged', file('ragged.csv', 'x,y,label\n1,2,a\n2,3\n')],
      ['100 MB', huge('big.csv')],
    ];
    for (const [what, input] of cases) {
      const message = await nextNotice(page, () => csvInput().setInputFiles(input));
      expect(message, what).toMatch(/cannot be loaded: .+ The current data is kept\.$/);
    }
    expect(await page.locator('#notice').textContent()).toContain(
      'big.csv cannot be loaded: it is 104,857,600 bytes (100 MiB), and a CSV file may be at most 20,971,520 bytes (20 MiB)',
    );
    expect((await state()).dataset).toBe(before.dataset);

    // Class names of a thousand characters end in an ellipsis: the layout and the canvas keep their size.
    const long = ['x,y,label'];
    const names = ['A', 'B'].map((c) => c.repeat(1000));
    for (let i = 0; i < 200; i++)
      long.push(`${Math.cos(i).toFixed(4)},${Math.sin(i).toFixed(4)},${names[i % 2]}`);
    const canvasBefore = await page.evaluate(() => document.getElementById('main-canvas')!.clientWidth);
    // Frames held: a slow frame's word about the grid would take the banner from the one looked for.
    await holdFrames(page);
    await csvInput().setInputFiles(file('long.csv', long.join('\n')));
    await waitFor(page, (t) => !t.busy && t.dataset === 'long');
    await page.evaluate(() => window.__detangle!.runFrames(2));
    const layout = await page.evaluate(() => {
      const box = (el: Element) => el.getBoundingClientRect();
      const canvas = document.getElementById('main-canvas') as HTMLCanvasElement;
      const spans = Array.from(document.querySelectorAll<HTMLElement>('#legend .name'));
      return {
        canvasWidth: canvas.clientWidth,
        buffer: Math.max(canvas.width, canvas.height),
        legendRight: box(document.getElementById('legend')!).right,
        boxRight: box(document.getElementById('canvas-box')!).right,
        widest: Math.max(...spans.map((e) => box(e).width)),
        titles: spans.map((e) => e.title).filter((t) => t.length > 0),
        page: document.documentElement.scrollWidth,
      };
    });
    expect(layout.canvasWidth).toBe(canvasBefore);
    expect(layout.buffer).toBeLessThanOrEqual(8192);
    expect(layout.legendRight).toBeLessThanOrEqual(layout.boxRight);
    expect(layout.widest).toBeLessThan(400);
    expect(layout.titles).toEqual(names);
    expect(layout.page).toBeLessThanOrEqual(page.viewportSize()!.width);
    expect((await state()).notices.filter((n) => /GPU error/.test(n))).toEqual([]);
    await shootPage(page, 'csv-long-class-names');
    await holdFrames(page, false);

    // The Features toggles follow the points trained on, not the dataset the menu still names: off for a
    // 3-D file while a 2-D dataset is named, on again for a 2-D file.
    const toggles = () =>
      page.evaluate(() => {
        const all = Array.from(document.querySelectorAll('.features .lil-controller'));
        return {
          count: all.length,
          disabled: all.filter((c) => c.classList.contains('lil-disabled')).length,
        };
      });
    expect(await toggles()).toEqual({ count: 6, disabled: 0 });
    const solid = ['x,y,z,label'];
    for (let i = 0; i < 60; i++) solid.push(`${Math.cos(i)},${Math.sin(i)},${(i % 7) / 7},${i % 2}`);
    expect(
      await nextNotice(page, () => csvInput().setInputFiles(file('solid.csv', solid.join('\n')))),
    ).toMatch(/^Loaded solid\.csv: 60 points, 3 inputs, 2 classes\./);
    expect(await toggles()).toEqual({ count: 6, disabled: 6 });

    const rows = ['x,y,label'];
    for (let i = 0; i < 300; i++) {
      const a = (i / 300) * 2 * Math.PI;
      const r = i % 2 ? 1 : 2;
      rows.push(
        `${(r * Math.cos(a)).toFixed(4)},${(r * Math.sin(a)).toFixed(4)},${i % 2 ? 'inner' : 'outer'}`,
      );
    }
    const message = await nextNotice(page, () =>
      csvInput().setInputFiles(file('points.csv', rows.join('\n'))),
    );
    expect(message).toMatch(/^Loaded points\.csv: 300 points, 2 inputs, 2 classes\./);
    expect(await toggles()).toEqual({ count: 6, disabled: 0 });
    const s = await state();
    expect(s.dataset).toBe('points');
    expect(s.link).toBeNull();
    await expect.poll(() => page.url()).not.toContain('#');
    expect(await page.evaluate(() => window.__detangle!.copyLink(false))).toBeNull();
    expect((await state()).notice).toMatch(/A link cannot carry the points of points/);
  });

  it('models: hostile files are refused, the network is kept', async () => {
    const before = await state();
    const good = {
      format: 'detangle-model',
      version: 1,
      inputSize: 2,
      loss: 'mse',
      layers: [
        {
          units: 4,
          activation: 'Tanh',
          weights: [
            [1, 0],
            [0, 1],
            [1, 1],
            [1, -1],
          ],
          bias: [0, 0.1, 0.2, 0.3],
        },
        { units: 1, activation: 'logistic', weights: [[0.5, -0.5, 0.25, -0.25]], bias: [0] },
      ],
    };
    const variant = (change: (m: typeof good & Record<string, unknown>) => void) => {
      const m = structuredClone(good) as typeof good & Record<string, unknown>;
      change(m);
      return JSON.stringify(m);
    };
    const cases: [string, string | object][] = [
      ['not JSON', '{"format": "detangle-model",'],
      ['NaN', JSON.stringify(good).replace('0.1', 'NaN')],
      ['a string for a number', variant((m) => ((m.layers[0].bias as unknown[])[0] = '0'))],
      ['huge number', JSON.stringify(good).replace('0.1', '1e39')],
      ['wrong format', variant((m) => (m.format = 'keras'))],
      ['missing layers', variant((m) => delete (m as Record<string, unknown>).layers)],
      ['missing bias', variant((m) => delete (m.layers[1] as Record<string, unknown>).bias)],
      ['unknown activation', variant((m) => (m.layers[0].activation = 'swish'))],
      ['ten thousand layers', variant((m) => (m.layers = Array(10_000).fill(good.layers[0])))],
      ['wrong shape', variant((m) => m.layers[0].weights.push([1, 2]))],
      [
        '__proto__',
        `{"__proto__": {"polluted": true}, "experiment": {"__proto__": {"dataset": "rings"}}, ${JSON.stringify(good).slice(1)}`,
      ],
      [
        'three inputs on two-input data',
        variant((m) => {
          m.inputSize = 3;
          m.layers[0].weights = m.layers[0].weights.map((r) => [...r, 0]);
        }),
      ],
      ['100 MB', huge('big.json')],
    ];
    // The app's loop is held while the files are refused: a refusal needs no frame, and on a loaded machine
    // a slow frame would let the speed probe lower the grid, whose notice would come before the refusal's.
    await holdFrames(page);
    try {
      for (const [what, content] of cases) {
        const input =
          typeof content === 'string' && content.startsWith('/')
            ? content
            : file(`${what}.json`, String(content));
        const message = await nextNotice(page, () => modelInput().setInputFiles(input));
        expect(message, what).toMatch(/cannot be imported: .+ The current experiment is kept\.$/);
      }
    } finally {
      await holdFrames(page, false);
    }
    expect(await page.evaluate(() => (({}) as Record<string, unknown>).polluted)).toBeUndefined();
    const s = await state();
    expect(s.widths).toEqual(before.widths);
    expect(s.error).toBeNull();

    // A good file (Keras and scikit-learn names for the activations) rebuilds the network with its weights.
    const message = await nextNotice(page, () =>
      modelInput().setInputFiles(file('mine.json', JSON.stringify(good))),
    );
    expect(message).toMatch(/^Imported mine\.json: a 2-4-1 network \(tanh, sigmoid\), loss mse\./);
    const after = await state();
    expect(after.widths).toEqual([2, 4, 1]);
    expect(after.playing).toBe(false);
    expect(after.dataset).toBe('points');
    const back = await exported();
    expect(back.layers[0].weights).toEqual(good.layers[0].weights);
    expect(back.layers[0].bias).toEqual(good.layers[0].bias);
    expect(back.layers[1].weights).toEqual(good.layers[1].weights);
  });
});

describe('exports', () => {
  it('saves the model file, which imports as the same network', async () => {
    await page.evaluate(() => window.__detangle!.openLink('dataset=rings&arch=2-3-2-1&act=tanh&lr=0.3'));
    await page.evaluate(() => window.__detangle!.setPlaying(true));
    await waitFor(page, (s) => s.step > 300 && s.snapshotStep > 0);
    await page.evaluate(() => window.__detangle!.setPlaying(false));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByText('Export model (JSON)').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^detangle-rings-2-3-2-1-step\d+\.json$/);
    const model = importModel((await downloadedBytes(download)).toString('utf8'));
    expect(model.spec.layers.map((l) => l.units)).toEqual([3, 2, 1]);
    expect(model.experiment?.dataset).toBe('rings');
    expect(model.optimizerState?.moments.length).toBe(2 * model.params.length);
  });

  it('saves a PNG of the main view that is not blank', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByText('Save picture (PNG)').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.png$/);
    const png = await downloadedBytes(download);
    writeFileSync(join(tmp, 'view.png'), png);
    const img = decodePng(png);
    const box = (await page.locator('#main-canvas').boundingBox())!;
    expect(Math.abs(img.width - box.width)).toBeLessThanOrEqual(2);
    const background = countColor(img, THEME.background, 6);
    expect(background).toBeLessThan(0.95 * img.width * img.height);
    // Points of both classes are drawn.
    expect(countColor(img, CLASS_COLORS[0], 35)).toBeGreaterThan(100);
    expect(countColor(img, CLASS_COLORS[1], 35)).toBeGreaterThan(100);
  });

  it('records a WebM video with a progress bar that reaches 100 %', async () => {
    await control('video seconds').locator('input').fill('1');
    await control('video seconds').locator('input').press('Enter');
    await control('video size').locator('select').selectOption({ label: '640 × 360' });
    await control('video of').locator('select').selectOption('interpolation');
    const seen: number[] = [];
    const downloaded = page.waitForEvent('download', { timeout: 60_000 });
    await page.getByText('Record video (WebM)').click();
    for (let i = 0; i < 40 && seen.at(-1) !== 1; i++) {
      const p = (await state()).progress;
      if (p.visible) seen.push(p.fraction);
      await page.waitForTimeout(100);
    }
    await shootPage(page, 'export-video-progress');
    const download = await downloaded;
    expect(download.suggestedFilename()).toMatch(/-interpolation\.webm$/);
    const webm = await downloadedBytes(download);
    expect(webm.length).toBeGreaterThan(1000);
    // The EBML header every WebM file starts with.
    expect(webm.subarray(0, 4).toString('hex')).toBe('1a45dfa3');
    // Chromium plays it back at the chosen size (in a blank page: the app's policy allows no data: media).
    const player = await context.newPage();
    const size = await player.evaluate(async (b64) => {
      const video = document.createElement('video');
      video.muted = true;
      video.src = `data:video/webm;base64,${b64}`;
      await new Promise((ok, fail) => {
        video.onloadedmetadata = ok;
        video.onerror = () => fail(new Error(video.error?.message ?? 'cannot play'));
      });
      return [video.videoWidth, video.videoHeight];
    }, webm.toString('base64'));
    await player.close();
    expect(size).toEqual([640, 360]);
    const s = await state();
    expect(s.progress.fraction).toBe(1);
    expect(s.progress.text).toMatch(/100 %/);
    expect(seen.some((f) => f > 0 && f < 1)).toBe(true);
    expect(s.lastExport?.kind).toBe('webm');
    expect(s.recording).toBe(false);
  });
});

describe('saved state', () => {
  it('comes back on reload, and "Start fresh" clears it', async () => {
    await page.evaluate(() => window.__detangle!.openLink('dataset=xor&arch=2-4-1&act=tanh&lr=0.05'));
    expect(await page.evaluate(() => window.__detangle!.saveNow())).toBe(true);
    await aside(async () => {
      const { page: p } = await openPage(context, server.url, { errors });
      let s = await state(p);
      expect(s.dataset).toBe('xor');
      expect(s.widths).toEqual([2, 4, 1]);
      expect(s.notice).toMatch(/^Restored your last experiment \(saved just now\)\./);
      await shootPage(p, 'restored-experiment');
      await p.getByRole('button', { name: 'Start fresh' }).first().click();
      await waitReady(p);
      s = await waitFor(p, (t) => t.dataset === 'rings' && !t.busy);
      expect(s.widths).toEqual([2, 3, 2, 1]);
      expect(s.notice).toMatch(/Started fresh/);
      await p.close();
    });
  });
});

describe('security', () => {
  it('keeps a strict Content-Security-Policy, and nothing the app does is blocked', async () => {
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline/);
    // lil-gui's styles come from the stylesheet, not from an injected style element.
    expect(await page.locator('style').count()).toBe(0);
    expect(
      await page.locator('.lil-gui.lil-root').evaluate((el) => getComputedStyle(el).fontFamily),
    ).toBeTruthy();
    expect(errors.filter((e) => /Content.Security.Policy|CSP/i.test(e))).toEqual([]);
  });

  it('reported no errors', async () => {
    expect(errors).toEqual([]);
    expect((await state()).error).toBeNull();
  });
});
