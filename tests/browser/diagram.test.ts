/**
 * The network diagram in the built app on WebGPU (one page): its heatmaps show what the twin computes at
 * the input points under the pixels, it adds no read-back from the GPU, and dragging an edge or typing a
 * bias's value asks the edit host for exactly that parameter and value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { paramIndex, type ParamRef } from '../../src/engine/paramRef';
import { forward } from '../../src/engine/twin';
import type { NetworkSpec } from '../../src/engine/spec';
import { heatColor, srgb8 } from '../../src/view/diagram/diagramColors';
import { CLASS_COLORS, rgb } from '../../src/view/theme';
import { DRAG_STEP } from '../../src/view/diagram/diagramGestures';
import { holdFrames, launch, serve, shoot, testUrl, waitReady, type Served } from './harness';

let server: Served;
let browser: Browser;
let page: Page;
const errors: string[] = [];

type Probe = NonNullable<ReturnType<NonNullable<Window['__detangle']>['diagram']['probe']>>;

beforeAll(async () => {
  server = await serve();
  browser = await launch(true);
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  // Every read-back from the GPU maps a buffer: count them.
  await page.addInitScript(() => {
    const w = window as unknown as { __maps: number };
    w.__maps = 0;
    if (typeof GPUBuffer === 'undefined') return;
    const map = GPUBuffer.prototype.mapAsync;
    GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, ...args: Parameters<GPUBuffer['mapAsync']>) {
      w.__maps++;
      return map.apply(this, args);
    };
  });
  await page.goto(testUrl(server.url));
  await waitReady(page);
  await page.evaluate(async () => {
    const h = window.__detangle!;
    h.setPlaying(false);
    await h.runFrames(6);
  });
  await holdFrames(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

/** Read-backs while `frames` frames are drawn, each with the slider moved and the diagram to redraw. */
function readBacksOver(frames: number): Promise<number> {
  return page.evaluate(async (n) => {
    const h = window.__detangle!;
    const w = window as unknown as { __maps: number };
    const before = w.__maps;
    for (let i = 0; i < n; i++) {
      h.setPosition(0.5 + 0.01 * i);
      h.diagram.setSlice(0);
      await h.runFrames(1);
    }
    await new Promise((r) => setTimeout(r, 50));
    return w.__maps - before;
  }, frames);
}

/**
 * A real mouse drag, 37 px upwards in two moves, on the edge from input unit 0 to hidden-1 unit 1 (the weight
 * { layer 0, to 1, from 0 }), grabbed a quarter of the way along: clear of the edges that cross it further on.
 */
async function dragEdgeUp(probe: Probe): Promise<void> {
  const a = probe.nodes.find((n) => n.rep === 0 && n.unit === 0)!;
  const b = probe.nodes.find((n) => n.rep === 1 && n.unit === 1)!;
  const [x0, y0, x1, y1] = [a.x + a.size, a.y + a.size / 2, b.x, b.y + b.size / 2];
  const [x, y] = [x0 + 0.25 * (x1 - x0), y0 + 0.25 * (y1 - y0)];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y - 20, { steps: 4 });
  await page.mouse.move(x, y - 37, { steps: 3 });
  await page.mouse.up();
}

/** The value the twin gives unit `unit` of representation `rep` at the input under a pixel. */
function twinAt(
  spec: NetworkSpec,
  params: number[],
  probe: Probe,
  rep: number,
  unit: number,
  x: number,
  y: number,
) {
  const node = probe.nodes.find((n) => n.rep === rep && n.unit === unit)!;
  const u = (x + 0.5 - node.x) / node.size;
  const v = 1 - (y + 0.5 - node.y) / node.size;
  const input = [
    probe.min[0] + u * (probe.max[0] - probe.min[0]),
    probe.min[1] + v * (probe.max[1] - probe.min[1]),
  ];
  return forward(spec, params, input).post[rep][unit];
}

describe('the network diagram', () => {
  it('adds no read-back from the GPU, and its heatmaps show the twin’s activations', async () => {
    // The paused app still reads its weights now and then (a snapshot on a clock, and after the views
    // change size): wait for two quiet windows first.
    const settle = async (): Promise<void> => {
      for (let i = 0, quiet = 0; i < 10 && quiet < 2; i++)
        quiet = (await readBacksOver(4)) === 0 ? quiet + 1 : 0;
    };
    // The fewest over three windows of 8 frames: a read-back the diagram added to its frames would show in
    // every window, the paused app's snapshot clock in one now and then (more often on a busy machine).
    const fewest = async (): Promise<number> => {
      const counts: number[] = [];
      for (let k = 0; k < 3; k++) counts.push(await readBacksOver(8));
      return Math.min(...counts);
    };
    await settle();
    const without = await fewest();
    await page.evaluate(() => window.__detangle!.diagram.show('both'));
    await settle();
    const withDiagram = await fewest();
    expect(withDiagram).toBe(without);
    // Beside the strip on a laptop the diagram stays lower than the picture.
    const heights = await page.evaluate(() =>
      ['main-canvas', 'strip', 'diagram'].map(
        (id) => document.getElementById(id)!.getBoundingClientRect().height,
      ),
    );
    expect(heights[0]).toBeGreaterThan(heights[2] + 60);
    expect(heights[0]).toBeGreaterThan(heights[1]);

    const probe = (await page.evaluate(() => window.__detangle!.diagram.probe()))!;
    expect(probe.gpu).toBe(true);
    const spec = (await page.evaluate(() => window.__detangle!.diagram.spec()))!;
    const params = (await page.evaluate(() => window.__detangle!.readWeights()))!;
    const img = await shoot(page, 'body', 'diagram-heatmaps');
    // Three units: one of the first hidden layer, one of the input, and the output, drawn in the colour of
    // the class it speaks for (high: class 1, orange), as the points are.
    const last = spec.layers.length;
    const output = probe.nodes.find((n) => n.rep === last)!;
    expect(output.centre).toBe(0.5);
    expect(output.scale).toBeLessThan(0);
    expect(srgb8(heatColor(0.5 + Math.abs(output.scale), output.scale, output.centre))).toEqual(
      srgb8(rgb(CLASS_COLORS[1])),
    );
    let strong = 0;
    const misses: string[] = [];
    for (const [rep, unit] of [
      [1, 0],
      [0, 1],
      [last, 0],
    ]) {
      const node = probe.nodes.find((n) => n.rep === rep && n.unit === unit)!;
      for (const fx of [0.35, 0.5, 0.65, 0.8, 0.92])
        for (const fy of [0.08, 0.25, 0.4, 0.55, 0.68]) {
          const x = Math.floor(node.x + fx * node.size);
          const y = Math.floor(node.y + fy * node.size);
          const value = twinAt(spec, params, probe, rep, unit, x, y);
          const t = (value - node.centre) / node.scale;
          if (Math.abs(t) > 0.3) strong++;
          const want = srgb8(heatColor(value, node.scale, node.centre));
          const p = 4 * (y * img.width + x);
          const got = [img.data[p], img.data[p + 1], img.data[p + 2]];
          if (got.some((c, i) => Math.abs(c - want[i]) > 14))
            misses.push(
              `unit ${rep}.${unit} at (${x}, ${y}): value ${value.toFixed(3)} wants ${want}, shows ${got}`,
            );
        }
    }
    expect(misses).toEqual([]);
    // Enough pixels far from neutral that a sign error shows.
    expect(strong).toBeGreaterThan(10);
  });

  it('drags an edge by a known number of pixels into exactly that parameter’s edit', async () => {
    await page.evaluate(() => {
      const h = window.__detangle!;
      h.diagram.show('both');
      h.diagram.recordEdits();
      return h.runFrames(3);
    });
    const probe = (await page.evaluate(() => window.__detangle!.diagram.probe()))!;
    const spec = (await page.evaluate(() => window.__detangle!.diagram.spec()))!;
    const params = (await page.evaluate(() => window.__detangle!.readWeights()))!;
    const ref: ParamRef = { kind: 'weight', layer: 0, to: 1, from: 0 };
    const start = params[paramIndex(spec, ref)];
    await dragEdgeUp(probe);
    const edits = await page.evaluate(() => window.__detangle!.diagram.edits());
    expect(edits.length).toBeGreaterThan(1);
    for (const e of edits) expect(e.ref).toEqual(ref);
    expect(edits.slice(0, -1).every((e) => !e.final)).toBe(true);
    const last = edits[edits.length - 1];
    expect(last.final).toBe(true);
    expect(last.value).toBeCloseTo(start + 37 * DRAG_STEP, 5);

    // Hovering a node highlights its unit's axis name in the main view, at the layer it belongs to;
    // clicking a name selects its unit.
    await page.evaluate(() => {
      window.__detangle!.setPosition(1);
      return window.__detangle!.runFrames(2);
    });
    const hovered = probe.nodes.find((n) => n.rep === 1 && n.unit === 2)!;
    await page.mouse.move(hovered.x + hovered.size * 0.6, hovered.y + hovered.size * 0.3);
    expect(await page.locator('.axis-name.hot').textContent()).toBe('h1.3');
    await page.locator('.axis-name', { hasText: 'h1.1' }).click();
    expect(await page.locator('.axis-name.selected').textContent()).toBe('h1.1');

    // A click on a bias handle opens a box; the typed value is the edit.
    const node = probe.nodes.find((n) => n.rep === 2 && n.unit === 0)!;
    await page.mouse.click(node.x + 3, node.y + node.size - 3);
    const input = page.locator('#diagram .diagram-input');
    await input.fill('0.25');
    await input.press('Enter');
    const typed = (await page.evaluate(() => window.__detangle!.diagram.edits())).pop();
    expect(typed).toEqual({ ref: { kind: 'bias', layer: 1, to: 0 }, value: 0.25, final: true });
    expect(errors).toEqual([]);
  });

  it('a real drag sets exactly that weight in the engine, the accuracy shown is the twin’s, Undo restores it bit for bit', async () => {
    await page.evaluate(() => {
      const h = window.__detangle!;
      h.diagram.useAppEdits();
      h.setPosition(0);
      return h.runFrames(3);
    });
    const probe = (await page.evaluate(() => window.__detangle!.diagram.probe()))!;
    const spec = (await page.evaluate(() => window.__detangle!.diagram.spec()))!;
    const before = (await page.evaluate(() => window.__detangle!.readParams()))!;
    const index = paramIndex(spec, { kind: 'weight', layer: 0, to: 1, from: 0 });
    await dragEdgeUp(probe);
    const after = (await page.evaluate(() => window.__detangle!.readParams()))!;
    // That one weight moved by 37 px of the drag's step (in float32); nothing else changed, not a bit.
    expect(after[index]).toBeCloseTo(before[index] + 37 * DRAG_STEP, 5);
    expect(after[index]).not.toBe(before[index]);
    expect(after.filter((v, i) => i !== index)).toEqual(before.filter((v, i) => i !== index));
    expect((await page.evaluate(() => window.__detangle!.state())).playing).toBe(false);
    // The accuracy shown once the edited weights are measured is the twin's on them.
    let shown: { train: number | null; test: number | null } | null = null;
    for (let i = 0; i < 60 && !shown; i++) {
      shown = (await page.evaluate(() => window.__detangle!.shownAccuracy())).panel;
      if (!shown) await page.evaluate(() => window.__detangle!.runFrames(2));
    }
    const twin = (await page.evaluate((p) => window.__detangle!.twinStats(p), after))!;
    expect(shown).toEqual({ train: twin.train.accuracy, test: twin.test!.accuracy });
    // Undo (the training bar's button): the weights as they were, bit for bit.
    await page.click('#edit-undo');
    expect(await page.evaluate(() => window.__detangle!.readParams())).toEqual(before);
    expect(errors).toEqual([]);
  });
});
