/**
 * The training timeline in headless Chromium with WebGPU, on the default experiment (rings, 2-3-2-1):
 * training keeps its history; scrubbing from step 0 to the end at the hidden-1 layer pauses training,
 * shows each moment, creates no GPU buffers; "Live" puts back exactly the live weights; "Resume from
 * here" trains on from a moment and drops the later history. Screenshots of a few moments go to
 * artifacts/screenshots/timeline-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { difference, launch, openApp, serve, shoot, type Served } from './harness';

let server: Served;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  server = await serve();
  browser = await launch(true);
  ({ page, errors } = await openApp(browser, server.url, { width: 1024, height: 700 }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

const hook = () => page.evaluate(() => window.__detangle!.state());
const timeline = () => page.evaluate(() => window.__detangle!.timeline());
const frames = (n: number) => page.evaluate((k) => window.__detangle!.runFrames(k), n);

describe('the training timeline', () => {
  it('scrubs the rings from step 0 to the end at the hidden-1 layer, then goes live and resumes', async () => {
    // Through the dense start (every step kept) at a pace the readback ring keeps up with between the
    // test's waits for the GPU, then faster.
    await page.evaluate(() => window.__detangle!.setStepsPerFrame(40));
    for (let i = 0; i < 40 && (await hook()).step < 700; i++) await frames(8);
    await page.evaluate(() => window.__detangle!.setStepsPerFrame(400));
    for (let i = 0; i < 40 && (await hook()).step < 4000; i++) await frames(8);
    await page.evaluate(() => window.__detangle!.setPlaying(false));
    // Every read of a kept step lands while frames go on.
    for (let i = 0; i < 20 && (await timeline()).busy; i++) await frames(8);
    const live = await hook();
    const t = await timeline();
    expect(live.widths).toEqual([2, 3, 2, 1]);
    console.log(
      `live step ${live.step}: ${t.steps.length} moments, ε ${t.epsilon}, ${t.bytes} bytes`,
      live.fps,
    );
    expect(live.step).toBeGreaterThanOrEqual(4000);
    expect(t.steps.slice(0, 257)).toEqual([...Array(257).keys()]);
    for (let i = 257; i < t.steps.length; i++)
      expect(t.steps[i]).toBeLessThanOrEqual(t.steps[i - 1] * (1 + t.epsilon));
    const liveWeights = await page.evaluate(() => window.__detangle!.readWeights());

    // The hidden-1 layer (3 units): the slider stays where it is set while the moments change.
    await page.evaluate(() => window.__detangle!.setPosition(1));
    await frames(2);
    const buffers = (await hook()).gpuBuffers;
    const near = (step: number) => t.steps.findIndex((s) => s >= step);
    const shots = new Map([
      [0, 'timeline-step0'],
      [near(60), `timeline-step${t.steps[near(60)]}`],
      [near(400), `timeline-step${t.steps[near(400)]}`],
      [t.steps.length - 1, `timeline-step${t.steps[t.steps.length - 1]}`],
    ]);
    const images = [];
    // A few hundred frames from step 0 to the end.
    const count = 100;
    for (let f = 0; f <= count; f++) {
      const index = Math.round((f / count) * (t.steps.length - 1));
      await page.evaluate((i) => window.__detangle!.scrubTo(i), index);
      await frames(1);
      for (const [i, name] of shots) {
        if (Math.abs(i - index) <= (t.steps.length - 1) / count / 2 + 0.5 && i <= index) {
          await page.evaluate((k) => window.__detangle!.scrubTo(k), i);
          await frames(2);
          images.push(await shoot(page, '#main-view', name));
          shots.delete(i);
        }
      }
    }
    const scrubbed = await hook();
    expect(scrubbed.gpuBuffers, 'scrubbing created GPU buffers').toBe(buffers);
    expect(scrubbed.step, 'training paused while scrubbing').toBe(live.step);
    expect(scrubbed.playing).toBe(false);
    expect(scrubbed.position).toBe(1);
    expect((await timeline()).index).toBe(t.steps.length - 1);
    // The planned moments can fall between the scrub's frames as the history thins: at least the first and
    // one later moment are taken, and the rings before and after they come apart do not look alike.
    expect(images.length).toBeGreaterThanOrEqual(2);
    expect(difference(images[0], images[images.length - 1])).toBeGreaterThan(0.01);

    await page.evaluate(() => window.__detangle!.timelineLive());
    await frames(2);
    expect((await timeline()).index).toBeNull();
    expect(await page.evaluate(() => window.__detangle!.readWeights())).toEqual(liveWeights);

    // Resume from a moment: training goes on from its step, the later history is gone.
    const from = near(1000);
    await page.evaluate((i) => window.__detangle!.scrubTo(i), from);
    await frames(1);
    await page.evaluate(() => window.__detangle!.timelineResume());
    const resumed = await timeline();
    expect(resumed.index).toBeNull();
    expect(resumed.steps[resumed.steps.length - 1]).toBe(t.steps[from]);
    expect((await hook()).playing).toBe(true);
    await frames(4);
    expect((await hook()).step).toBeGreaterThan(t.steps[from]);
    expect(errors).toEqual([]);
  }, 400_000);
});
