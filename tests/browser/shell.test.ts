/**
 * The app shell in headless Chromium with WebGPU: the first load opens on hidden 1 and untangles there over
 * at least UNTANGLE_SECONDS at the pace the probe sets; the default experiment comes apart within the steps the
 * pace rule gives it; at five screen sizes the training bar and the layer slider are in view and cover
 * neither the picture nor each other; the slider's track keeps its length; a page opened without `?test`
 * has no test hook and counts no buffers, and its slider follows a touch. Screenshots of every size go to
 * artifacts/screenshots/shell-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { MIN_PACE, UNTANGLE_SECONDS, UNTANGLE_STEPS, WATCH_STEPS } from '../../src/app/shell/pace';
import { STORIES } from '../../src/story/stories';
import { holdFrames, launch, openApp, serve, shootPage, type Served } from './harness';

const SIZES: [number, number][] = [
  [1920, 1080],
  [1440, 900],
  [1280, 720],
  [1024, 768],
  [400, 800],
];

let server: Served;
let browser: Browser;
let page: Page;
let errors: string[];
let warnings: string[];

beforeAll(async () => {
  server = await serve();
  browser = await launch(true);
  ({ page, errors, warnings } = await openApp(browser, server.url, { width: 1440, height: 900 }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

const state = () => page.evaluate(() => window.__detangle!.state());

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
  Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

describe('the shell', () => {
  it(
    `the default experiment is separated after the pace rule's ${WATCH_STEPS} steps`,
    { timeout: 300_000 },
    async () => {
      // The first load opens on hidden 1, where the 3 units lift the inner ring: the untangling shows in
      // the main view. At the pace the probe sets on this adapter, the page's own frames take at least
      // UNTANGLE_SECONDS from the step test accuracy reads 60 % to the step it reads 95 % (timed by the
      // training steps, which every frame advances, not by the statistics, which come every few frames).
      const first = await state();
      expect(first.position, 'the first load opens on hidden 1').toBe(1);
      const log: { at: number; step: number; statsStep: number; accuracy: number }[] = [];
      const reached = (s: number) => log.find((e) => e.step >= s)?.at ?? null;
      const readsAt = (a: number) => log.find((e) => e.accuracy >= a)?.statsStep ?? null;
      for (const start = Date.now(); readsAt(0.95) === null && Date.now() - start < 120_000;) {
        const s = await state();
        log.push({ at: Date.now(), step: s.step, statsStep: s.statsStep, accuracy: s.testAccuracy ?? 0 });
        await new Promise((r) => setTimeout(r, 50));
      }
      const s60 = readsAt(0.6);
      const s95 = readsAt(0.95);
      expect(s60, '60 % test accuracy').not.toBeNull();
      expect(s95, '95 % test accuracy').not.toBeNull();
      expect(log[0].step, 'the watch starts before the untangling').toBeLessThanOrEqual(s60!);
      // The pace over the watch, in steps a second (timed by the steps, which every frame advances): the
      // readings of 60 % come every few frames from a curve that wavers near 60 % early on, so the step of the
      // first one varies from run to run (18 to 164); the untangling's length in steps is measured
      // (UNTANGLE_STEPS, read every 2 steps), and at this pace it lasts at least UNTANGLE_SECONDS.
      const stepsPerSecond = (s95! - log[0].step) / ((reached(s95!)! - log[0].at) / 1000);
      const seconds = UNTANGLE_STEPS / stepsPerSecond;
      const watched = await state();
      console.log(
        `first load: ${watched.stepsPerFrame} steps a frame at ${watched.fps.toFixed(1)} frames/s, ` +
          `${stepsPerSecond.toFixed(1)} steps/s; 60 % read at step ${s60}, 95 % at step ${s95}; ` +
          `the untangling's ${UNTANGLE_STEPS} steps last ${seconds.toFixed(1)} s`,
      );
      expect(seconds).toBeGreaterThanOrEqual(UNTANGLE_SECONDS);
      expect(watched.pacedByProbe, 'the probe set the pace').toBe(false);
      expect(watched.position).toBe(1);
      // The speed probe sets the pace after a few frames of the default experiment.
      await page.evaluate(() => window.__detangle!.runFrames(12));
      const paced = await state();
      expect(paced.dataset).toBe('rings');
      expect(paced.widths).toEqual([2, 3, 2, 1]);
      expect(paced.pacedByProbe, 'the probe set the pace').toBe(false);
      // Quick frames (runFrames' 16 ms) take a fraction of a step each at the default pace.
      expect(paced.stepsPerFrame).toBeGreaterThanOrEqual(MIN_PACE);
      // The claim is about steps, not seconds (at the default pace they take WATCH_STEPS / 40 s): take
      // them in big frames, then read the statistics at that step.
      await page.evaluate(() => window.__detangle!.setStepsPerFrame(1000));
      for (let i = 0; i < 600 && (await state()).step < WATCH_STEPS; i++) {
        await page.evaluate(() => window.__detangle!.runFrames(2));
      }
      await page.evaluate(() => window.__detangle!.setPlaying(false));
      await page.waitForFunction((n) => window.__detangle!.state().statsStep >= n, WATCH_STEPS, {
        timeout: 30_000,
        polling: 100,
      });
      const s = await state();
      expect(s.step).toBeGreaterThanOrEqual(WATCH_STEPS);
      expect(s.step).toBeLessThan(WATCH_STEPS * 1.5);
      expect(s.testAccuracy, `test accuracy at step ${s.step}`).toBeGreaterThanOrEqual(0.95);
      // The bar counts the same step as the engine.
      await page.evaluate(() => window.__detangle!.runFrames(40));
      const counters = await page.textContent('#train-counters');
      expect(counters?.replace(/,/g, '')).toContain(`step ${(await state()).step}`);
    },
  );

  it('at five sizes the training bar and the slider are in view and cover nothing', async () => {
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await page.evaluate(() => window.__detangle!.runFrames(2));
      const boxes = await page.evaluate(() => {
        const box = (sel: string) => {
          const r = document.querySelector(sel)!.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        };
        const overflow = (sel: string) => {
          const el = document.querySelector(sel) as HTMLElement;
          return el.scrollWidth - el.clientWidth;
        };
        const ticks = [...document.querySelectorAll('#slider-ticks span')]
          .filter((e) => getComputedStyle(e).visibility !== 'hidden')
          .map((e) => {
            const r = e.getBoundingClientRect();
            return { x: r.x, y: r.y, width: r.width, height: r.height };
          });
        const buttons = [...document.querySelectorAll('#training-bar > *')].map((e) => {
          const r = e.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        });
        return {
          bar: box('#training-bar'),
          slider: box('#slider-bar'),
          canvas: box('#main-canvas'),
          legend: box('#legend'),
          viewButtons: box('#view-buttons'),
          play: box('#train-play'),
          barOverflow: overflow('#training-bar'),
          ticks,
          buttons,
          bodyOverflowX: document.documentElement.scrollWidth - window.innerWidth,
        };
      });
      const where = `${width}×${height}`;
      for (const [name, b] of [
        ['training bar', boxes.bar],
        ['slider', boxes.slider],
        ['Play', boxes.play],
      ] as const) {
        expect(b.x, `${name} left at ${where}`).toBeGreaterThanOrEqual(0);
        expect(b.y, `${name} top at ${where}`).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width, `${name} right at ${where}`).toBeLessThanOrEqual(width + 0.5);
        expect(b.y + b.height, `${name} bottom at ${where}`).toBeLessThanOrEqual(height + 0.5);
      }
      expect(boxes.canvas.height, `the picture at ${where}`).toBeGreaterThan(150);
      expect(overlap(boxes.bar, boxes.canvas), `bar over the picture at ${where}`).toBe(0);
      expect(overlap(boxes.slider, boxes.canvas), `slider over the picture at ${where}`).toBe(0);
      expect(overlap(boxes.bar, boxes.slider), `bar over the slider at ${where}`).toBe(0);
      // The legend keeps to the picture's bottom-left corner, clear of its buttons.
      expect(boxes.legend.height, `the legend at ${where}`).toBeGreaterThan(8);
      expect(overlap(boxes.legend, boxes.canvas), `legend on the picture at ${where}`).toBeCloseTo(
        boxes.legend.width * boxes.legend.height,
      );
      expect(boxes.legend.y + boxes.legend.height, `legend in the lower part at ${where}`).toBeGreaterThan(
        boxes.canvas.y + boxes.canvas.height * 0.75,
      );
      expect(overlap(boxes.legend, boxes.viewButtons), `legend over the buttons at ${where}`).toBe(0);
      expect(boxes.barOverflow, `training bar cut off at ${where}`).toBeLessThanOrEqual(0);
      expect(boxes.bodyOverflowX, `page wider than the screen at ${where}`).toBeLessThanOrEqual(0);
      for (let i = 0; i < boxes.buttons.length; i++)
        for (let j = i + 1; j < boxes.buttons.length; j++)
          expect(overlap(boxes.buttons[i], boxes.buttons[j]), `bar items ${i}, ${j} at ${where}`).toBe(0);
      for (let i = 0; i < boxes.ticks.length; i++)
        for (let j = i + 1; j < boxes.ticks.length; j++)
          expect(overlap(boxes.ticks[i], boxes.ticks[j]), `slider labels ${i}, ${j} at ${where}`).toBe(0);
      await shootPage(page, `shell-${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it("the slider's track keeps its length while it moves from input to output", async () => {
    const s = await state();
    const widths = new Set<number>();
    for (let t = 0; t <= s.layers + 1e-9; t += 0.125) {
      await page.evaluate((t) => window.__detangle!.setPosition(t), t);
      await page.evaluate(() => window.__detangle!.runFrames(1));
      widths.add(await page.evaluate(() => document.getElementById('slider')!.getBoundingClientRect().width));
    }
    expect([...widths]).toHaveLength(1);
  });

  it('the main-view layer control follows the slider', async () => {
    await page.evaluate(() => window.__detangle!.setPosition(2));
    await page.evaluate(() => window.__detangle!.runFrames(1));
    const shown = await page.evaluate(() => {
      const row = [...document.querySelectorAll('#gui .lil-controller')].find((c) =>
        c.textContent?.includes('layer in main view'),
      );
      const select = row?.querySelector('select');
      return select ? select.options[select.selectedIndex].text : null;
    });
    expect(shown).toBe('hidden 2');
  });

  it('without ?test: no hook, no counting of buffers; the slider follows a touch', async () => {
    // The test page waits meanwhile: its loop would take the CPU from the plain page's start.
    await holdFrames(page);
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true });
    const plain = await context.newPage();
    await plain.goto(server.url);
    await plain.waitForFunction(() => document.querySelectorAll('#slider-ticks span').length === 4, null, {
      timeout: 60_000,
    });
    const seen = await plain.evaluate(() => ({
      hook: '__detangle' in window,
      destroyNative: GPUBuffer.prototype.destroy.toString().includes('[native code]'),
      chunks: performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((n) => /debug|bufferCounter/.test(n)),
    }));
    expect(seen).toEqual({ hook: false, destroyNative: true, chunks: [] });
    const track = (await plain.locator('#slider').boundingBox())!;
    await plain.touchscreen.tap(track.x + track.width * 0.75, track.y + track.height / 2);
    const value = Number(await plain.locator('#slider').inputValue());
    expect(value).toBeGreaterThan(2);
    await context.close();
    await holdFrames(page, false);
  });

  it('every page is served with its security headers; the benchmark and sweep pages carry the policy too', async () => {
    for (const path of ['', 'bench.html', 'sweep.html']) {
      const res = await fetch(new URL(path, server.url));
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      expect(html).toMatch(/http-equiv="Content-Security-Policy"/);
    }
  });

  it(
    'two stories run to their end at full speed, pause, and say what happened on this run',
    { timeout: 300_000 },
    async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.evaluate(() => window.__detangle!.setGrid(16, 300));
      // The 3-unit rings story runs to its end in the next test (on a seed where its claim does not show).
      for (const id of ['rings-2-units-fail', 'interval-2-units']) {
        await page.evaluate((id) => window.__detangle!.openStory(id), id);
        const opened = await state();
        expect(opened.story?.preset).toBe(id);
        expect(opened.story?.status).toBe('running');
        // What to look for is the caption over the picture (written on the story's first frame).
        const lookFor = STORIES.find((t) => t.preset === id)!.lookFor;
        await page
          .waitForFunction(
            (text) => document.querySelector('#caption')?.textContent?.includes(text),
            lookFor,
            {
              timeout: 10_000,
            },
          )
          .catch(() => undefined);
        expect(await page.textContent('#caption')).toContain(lookFor);
        // Full speed from a pace of 1,000 steps a frame, the least it then takes: the frames stepped here
        // are 16 ms of fake time, in which the measured speed alone would give a few steps each.
        await page.evaluate(() => {
          window.__detangle!.setStepsPerFrame(1000);
          window.__detangle!.setFullSpeed(true);
        });
        for (let i = 0; i < 600 && (await state()).story?.status === 'running'; i++) {
          await page.evaluate(() => window.__detangle!.runFrames(5));
        }
        const end = await state();
        expect(end.story?.status, id).toBe('ended');
        expect(end.playing).toBe(false);
        expect(end.step).toBe(end.story!.steps);
        expect(end.story?.outcome).toMatch(/on this seed/);
        // The figure is the run's own: the test accuracy at the pause, as the chart has it.
        const figure = Number(/test accuracy ([\d.]+) %/.exec(end.story!.outcome!)?.[1]);
        expect(figure / 100).toBeCloseTo(end.testAccuracy!, 3);
        expect(await page.textContent('#story-outcome')).toBe(end.story!.outcome);
        await shootPage(page, `story-${id}-end`);
      }
    },
  );

  it('the badges and notes on the strip explain themselves on a click, a tap or keyboard focus', async () => {
    // The interval story's last picture: 1-2-1, so hidden 1 and the output carry badges.
    await page.evaluate(() => window.__detangle!.runFrames(2));
    const badges = await page.$$('#strip-cells .badge');
    expect(badges.length).toBeGreaterThanOrEqual(2);
    expect(await page.$('#caption .why')).toBeNull();
    const why = async (): Promise<string | null> => {
      await page.evaluate(() => window.__detangle!.runFrames(1));
      return page.evaluate(() => document.querySelector('#caption .why')?.textContent ?? null);
    };
    // A click (a tap on a touch screen): the caption carries the badge's label and its explanation.
    const label = (await badges[1].textContent())!;
    const title = (await badges[1].getAttribute('title'))!;
    expect(title.length).toBeGreaterThan(20);
    await badges[1].click();
    expect(await why()).toContain(`${label}: ${title}`);
    await shootPage(page, 'strip-badge-explained');
    // × closes it.
    await page.click('#caption .why-close');
    expect(await why()).toBeNull();
    // Keyboard focus shows it too; Escape closes.
    await badges[0].focus();
    expect(await why()).toContain(`${(await badges[0].textContent())!}: `);
    await page.keyboard.press('Escape');
    expect(await why()).toBeNull();
    // Nothing on the strip or in the caption is in warning colours.
    expect(await page.$$('#strip-cells .warn, #caption .sub .warn')).toEqual([]);
  });

  it('no console warnings or errors over the page load, two stories and a view rebuild', async () => {
    await page.evaluate(() => window.__detangle!.rebuild());
    await page.evaluate(() => window.__detangle!.runFrames(4));
    expect(warnings).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('a story whose claim does not show on its seed says so at the end', { timeout: 200_000 }, async () => {
    // 3 units untangle the rings on most seeds; on seed 8 this run stalls short of it.
    await page.evaluate(() => window.__detangle!.openStory('rings-3-units-separate', 8));
    await page.evaluate(() => window.__detangle!.setFullSpeed(true));
    for (let i = 0; i < 600 && (await state()).story?.status === 'running'; i++) {
      await page.evaluate(() => window.__detangle!.runFrames(5));
    }
    const end = await state();
    expect(end.story?.status).toBe('ended');
    expect(end.story?.shown).toBe(false);
    expect(end.story?.outcome).toMatch(/the claim did not show on this seed/);
  });

  it('changing the network mid-story leaves story mode, says so, and offers the way back', async () => {
    await page.evaluate(() => window.__detangle!.openStory('rings-2-units-fail'));
    const caption = await page.textContent('#caption');
    expect((await state()).story?.status).toBe('running');
    await page.evaluate(() => window.__detangle!.setLearningRate(0.05));
    const s = await state();
    expect(s.story).toBeNull();
    expect(s.storyLeft).toBe('rings-2-units-fail');
    expect(s.notices.join('\n')).toMatch(/The learning rate changed: story mode is left/);
    await page.evaluate(() => window.__detangle!.runFrames(2));
    expect(await page.textContent('#caption')).not.toBe(caption);
    await page.click('#story-back');
    await page.evaluate(() => window.__detangle!.idle());
    expect((await state()).story?.preset).toBe('rings-2-units-fail');
    expect((await state()).learningRate).not.toBe(0.05);
  });

  it(
    'in story mode the picture is the largest thing on the page at four sizes; presenting fills a projector; a link presents; after a menu the arrows move the layer',
    { timeout: 120_000 },
    async () => {
      // [width, height, least share of the height, least share of the width]
      const sizes: [number, number, number, number][] = [
        [1920, 1080, 0.55, 0.5],
        [1440, 900, 0.55, 0.5],
        [1280, 720, 0.55, 0.5],
        [400, 800, 0.45, 0.9],
      ];
      expect((await state()).story?.status).toBeDefined();
      const measure = () =>
        page.evaluate(() => {
          const rect = (sel: string) => document.querySelector(sel)!.getBoundingClientRect();
          const c = rect('#main-canvas');
          const others = [
            '#story',
            '#side',
            '#strip',
            '#training-bar',
            '#top',
            '#slider-bar',
            '#timeline-bar',
          ];
          return {
            width: c.width,
            height: c.height,
            others: others.map((sel) => [sel, rect(sel).width * rect(sel).height] as const),
            presenting: document.body.classList.contains('presenting'),
            captionPx: parseFloat(getComputedStyle(document.querySelector('#caption')!).fontSize),
            bannerPx: parseFloat(getComputedStyle(document.querySelector('#present-story')!).fontSize),
            banner: document.querySelector('#present-story')!.textContent ?? '',
          };
        });
      for (const [width, height, minHeight, minWidth] of sizes) {
        await page.setViewportSize({ width, height });
        await page.evaluate(() => window.__detangle!.runFrames(2));
        const m = await measure();
        const where = `${width}×${height}`;
        expect(m.height / height, `the picture's share of the height at ${where}`).toBeGreaterThanOrEqual(
          minHeight,
        );
        expect(m.width / width, `the picture's share of the width at ${where}`).toBeGreaterThanOrEqual(
          minWidth,
        );
        for (const [sel, area] of m.others)
          expect(m.width * m.height, `${sel} larger than the picture at ${where}`).toBeGreaterThan(area);
        await shootPage(page, `story-mode-${width}x${height}`);
      }

      // Presenting on a 1280×720 projector: F enters, the picture fills the screen, large type; Esc leaves.
      await page.setViewportSize({ width: 1280, height: 720 });
      const before = await measure();
      await page.keyboard.press('f');
      await page.evaluate(() => window.__detangle!.runFrames(3));
      const shown = await measure();
      expect(shown.presenting).toBe(true);
      expect(shown.height / 720, "presenting: the picture's share of the height").toBeGreaterThanOrEqual(
        0.85,
      );
      expect(shown.captionPx, 'presenting: the caption in large type').toBeGreaterThanOrEqual(
        1.4 * before.captionPx,
      );
      expect(shown.bannerPx, 'presenting: the story in large type').toBeGreaterThanOrEqual(20);
      expect(shown.banner).toContain(STORIES.find((t) => t.preset === 'rings-2-units-fail')!.title);
      expect((await state()).link, 'a link made while presenting presents').toMatch(/(^|&)present=1(&|$)/);
      await shootPage(page, 'presenting-1280x720');
      await page.keyboard.press('Escape');
      await page.evaluate(() => window.__detangle!.runFrames(2));
      const left = await measure();
      expect(left.presenting).toBe(false);
      expect(left.height).toBeCloseTo(before.height, 0);
      expect((await state()).link).not.toMatch(/present=/);
      // The button enters and leaves presenting too.
      await page.click('#present');
      expect((await measure()).presenting, 'the button presents').toBe(true);
      await page.click('#present');
      expect((await measure()).presenting, 'the button leaves presenting').toBe(false);

      // After choosing a story from the menu, the arrow keys move the layer (not the menu).
      // (As a person does: the menu has the focus when the choice is made.)
      await page.focus('#story-select');
      await page.selectOption('#story-select', 'interval-2-units');
      await page.evaluate(() => window.__detangle!.idle());
      await page.evaluate(() => window.__detangle!.setPlaying(false));
      const chosen = await state();
      expect(chosen.story?.preset).toBe('interval-2-units');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      await page.evaluate(() => window.__detangle!.idle());
      const moved = await state();
      expect(moved.story?.preset, 'the arrows left the story alone').toBe('interval-2-units');
      const down = Math.max(0, Math.ceil(chosen.position - 1e-6) - 1);
      expect(moved.position, 'down a layer, then a tenth on').toBeCloseTo(
        Math.min(chosen.layers, down + 0.1),
        5,
      );
      // With the slider itself focused (clicked), the arrows move the layer and its handle follows.
      await page.focus('#slider');
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
      await page.evaluate(() => window.__detangle!.runFrames(2));
      const handle = await state();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('slider');
      expect(Number(await page.inputValue('#slider')), 'the handle follows').toBeCloseTo(handle.position, 5);
      expect(handle.position).toBeCloseTo(Math.max(0, moved.position - 0.3), 5);
    },
  );

  it('reported no errors', () => {
    expect(errors).toEqual([]);
  });
});
