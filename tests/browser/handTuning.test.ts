/**
 * Setting a weight by hand in the built app (headless Chromium, WebGPU), in one page: a value typed in the
 * edit panel is the engine's, exactly; the accuracy shown is the twin's on the new weights; Ctrl+Z puts the
 * weights back bit for bit and Redo brings the edit back; Play starts the optimiser's moments afresh and says
 * so; a link of the edited network reopens with exactly its weights; the story by hand notices a triangle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { paramIndex } from '../../src/engine/paramRef';
import { buildSpec } from '../../src/engine/spec';
import { importModel } from '../../src/share/modelImport';
import { holdFrames, launch, nextNotice, openApp, serve, shootPage, waitFor, type Served } from './harness';

const LINK = 'dataset=rings&arch=2-3-1&act=tanh&loss=mse&opt=adam&lr=0.1&batch=16&seed=4&grid=12';
const SPEC = buildSpec([2, 3, 1], 'tanh', 'mse');
/** The output unit's bias: set high, every point is called one class. */
const BIAS = paramIndex(SPEC, { kind: 'bias', layer: 1, to: 0 });

let server: Served;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  server = await serve();
  browser = await launch(true);
  ({ page, errors } = await openApp(browser, `${server.url}#${LINK}`, { width: 1280, height: 760 }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

const readParams = () => page.evaluate(() => window.__detangle!.readParams());
const frames = (n: number) => page.evaluate((k) => window.__detangle!.runFrames(k), n);

/**
 * Sets a triangle by hand through the door: each hidden unit a line 0.6 from the centre, positive inside;
 * the output low (the inner ring's class) where all three are. It separates the rings.
 */
async function triangle(): Promise<void> {
  // Edits wait for the weights' first read (a new network has none before it).
  const known = () =>
    page.evaluate(() => window.__detangle!.editState({ kind: 'bias', layer: 1, to: 0 }).value);
  for (let i = 0; i < 40 && (await known()) === null; i++) await frames(1);
  const set: [object, number][] = [[{ kind: 'bias', layer: 1, to: 0 }, 9.2]];
  for (let k = 0; k < 3; k++) {
    const a = Math.PI / 2 + (2 * Math.PI * k) / 3;
    set.push(
      [{ kind: 'weight', layer: 0, to: k, from: 0 }, -6 * Math.cos(a)],
      [{ kind: 'weight', layer: 0, to: k, from: 1 }, -6 * Math.sin(a)],
      [{ kind: 'bias', layer: 0, to: k }, 3.6],
      [{ kind: 'weight', layer: 1, to: 0, from: k }, -4],
    );
  }
  await page.evaluate((edits) => {
    for (const [ref, v] of edits) window.__detangle!.editParam(ref as never, v, true);
  }, set);
}

/** Frames until the edit panel shows a measurement of the weights as they are now. */
async function measured() {
  for (let i = 0; i < 60; i++) {
    const shown = await page.evaluate(() => window.__detangle!.shownAccuracy());
    if (shown.panel) return shown;
    await frames(2);
  }
  throw new Error('the edit panel never showed a measurement');
}

describe('hand tuning in the page', () => {
  let trained: number[];

  it('a typed value is the engine’s; the accuracy shown is the twin’s on the new weights', async () => {
    // A few steps (the optimiser's moments are then not zero), then a triangle that separates the rings:
    // an output bias set high then calls every point one class, and the accuracy falls.
    await page.evaluate(() => {
      window.__detangle!.setStepsPerFrame(5);
      window.__detangle!.setPlaying(true);
    });
    await waitFor(page, (s) => s.step >= 10);
    await holdFrames(page);
    await page.evaluate(() => window.__detangle!.setPlaying(false));
    await frames(6);
    await triangle();
    await frames(4);
    trained = (await readParams())!;
    expect(trained).toHaveLength(13);

    // The diagram's click opens the editor on a parameter; the menus then choose another.
    await page.evaluate(() => window.__detangle!.chooseParam({ kind: 'weight', layer: 0, to: 2, from: 1 }));
    expect(
      await page.evaluate(() => (document.getElementById('edit-panel') as HTMLDetailsElement).open),
    ).toBe(true);
    expect([
      await page.inputValue('#edit-layer'),
      await page.inputValue('#edit-to'),
      await page.inputValue('#edit-from'),
    ]).toEqual(['0', '2', '1']);
    await page.selectOption('#edit-layer', '1');
    await page.selectOption('#edit-to', '0');
    await page.selectOption('#edit-from', '-1');
    expect(await page.inputValue('#edit-value')).toBe(String(Number(trained[BIAS].toPrecision(7))));
    await page.fill('#edit-value', '20');
    await page.click('#edit-set');
    const edited = (await readParams())!;
    const want = trained.slice();
    want[BIAS] = 20;
    expect(edited).toEqual(want);
    expect((await page.evaluate(() => window.__detangle!.state())).playing).toBe(false);

    const shown = await measured();
    const twin = (await page.evaluate((p) => window.__detangle!.twinStats(p), edited))!;
    const before = (await page.evaluate((p) => window.__detangle!.twinStats(p), trained))!;
    expect(twin.train.accuracy).not.toBe(before.train.accuracy);
    expect(shown.panel).toEqual({ train: twin.train.accuracy, test: twin.test!.accuracy });
    await frames(2);
    const chart = (await page.evaluate(() => window.__detangle!.shownAccuracy())).chart;
    expect(chart).toEqual({ train: twin.train.accuracy, test: twin.test!.accuracy });
    expect(await page.textContent('#edit-status')).toContain(`${(twin.train.accuracy! * 100).toFixed(1)} %`);
    await shootPage(page, 'hand-tuning-edit');
  });

  it('Ctrl+Z restores the weights bit for bit; Redo brings the edit back', async () => {
    await page.click('#edit-panel summary'); // focus off the field: the page's keys
    await page.keyboard.press('Control+z');
    expect(await readParams()).toEqual(trained);
    expect(await page.isDisabled('#edit-redo')).toBe(false);
    await page.click('#edit-redo');
    expect(await page.isDisabled('#edit-redo')).toBe(true);
    expect((await readParams())![BIAS]).toBe(20);
  });

  it('Play after an edit resets the optimiser’s moments and says so', async () => {
    const moments = (await page.evaluate(() => window.__detangle!.readMoments()))!;
    expect(moments.some((m) => m !== 0)).toBe(true);
    const notice = await nextNotice(page, () => page.click('#train-play'));
    expect(notice).toMatch(/moments reset/);
    await page.evaluate(() => window.__detangle!.setPlaying(false));
    const fresh = (await page.evaluate(() => window.__detangle!.readMoments()))!;
    expect(fresh.every((m) => m === 0)).toBe(true);
    expect((await readParams())![BIAS]).toBe(20);
  });

  it('the model file holds the edited weights, and a link of the edited network reopens with exactly them', async () => {
    await page.evaluate(() =>
      window.__detangle!.editParam({ kind: 'weight', layer: 0, to: 1, from: 0 }, -2.75, true),
    );
    const edited = (await readParams())!;
    expect(edited[paramIndex(SPEC, { kind: 'weight', layer: 0, to: 1, from: 0 })]).toBe(-2.75);
    // The first edit switched on the weights in links (the panel's checkbox shows it).
    const box = page.locator('.lil-controller', { hasText: 'link with weights' }).locator('input');
    expect(await box.isChecked()).toBe(true);
    // The model file carries them like trained ones.
    const model = importModel((await page.evaluate(() => window.__detangle!.exportModel()))!);
    expect(Array.from(model.params)).toEqual(edited);
    const link = await page.evaluate(() => window.__detangle!.copyLink(true));
    expect(link).toMatch(/&w=f32\./);
    expect(await page.evaluate((h) => window.__detangle!.openLink(h), link!.split('#')[1])).toBe(true);
    expect(await readParams()).toEqual(edited);
    expect(errors).toEqual([]);
  });

  it('the story by hand says “not yet”, then “done” once three lines make a triangle, and “not yet” after an Undo', async () => {
    await page.evaluate(() => window.__detangle!.openStory('rings-by-hand'));
    const story = async () => (await page.evaluate(() => window.__detangle!.state())).story;
    for (let i = 0; i < 40 && !(await story())?.outcome; i++) await frames(2);
    expect(await story()).toMatchObject({ preset: 'rings-by-hand', status: 'running', shown: false });
    expect(await page.textContent('#story')).toMatch(/each tanh unit is a line/i);
    await triangle();
    const deadline = Date.now() + 20_000;
    while ((await story())?.status !== 'ended' && Date.now() < deadline) await frames(2);
    expect(await story()).toMatchObject({ status: 'ended', shown: true });
    expect(await page.textContent('#story-outcome')).toMatch(/^Done: test accuracy/);
    await shootPage(page, 'hand-tuning-story');
    // Undo the edits one by one, each measured: once the triangle is gone the check fails again, and says so.
    for (let undone = 0; undone < 13 && (await story())?.status !== 'running'; undone++) {
      await page.evaluate(() => window.__detangle!.undoEdit());
      await measured();
      await frames(4);
    }
    expect(await story()).toMatchObject({ status: 'running', shown: false });
    expect(await page.textContent('#story-outcome')).toMatch(/^Not yet: test accuracy/);
    expect(errors).toEqual([]);
  });
});
