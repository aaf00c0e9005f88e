/**
 * The benchmark panel's DOM-free pieces: the options a link carries, the case planner (bytes computed
 * first, cases beyond the device skipped with a reason), the progress fraction, the rows of the results
 * table and the log-log plot's scales and ticks. The page itself runs in tests/browser/bench-panel.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildSpec } from '../src/engine/spec';
import { planGrid } from '../src/bench/gpuGrid';
import type { PanelCase } from '../src/bench/browser/plan';
import {
  DEFAULT_PANEL_GPU_BYTES,
  PANEL_NETWORKS,
  SIZE_RANGES,
  formatBytes,
  frameBytes,
  networkNote,
  parseNetwork,
  parsePanelParams,
  planPanel,
  predictSeconds,
  progressFraction,
  rangeLabel,
} from '../src/bench/browser/plan';
import { formatFigure, plotSeries, resultRows } from '../src/bench/browser/results';
import {
  legendFitsBeside,
  logDomain,
  logScale,
  logTicks,
  plotLayout,
  sideTicks,
  stepAbove,
  stepBelow,
  tickLabel,
} from '../src/bench/browser/plot';
import type { Measurement } from '../src/bench/types';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('link options', () => {
  it('reads sizes, networks, a memory limit and the driven flag', () => {
    const p = parsePanelParams('?sizes=32,16,32&networks=2-3-2-1,2-8-8-8-1&max-gpu-mb=512&driven');
    expect(p).toEqual({
      sizes: [16, 32],
      networks: [
        [2, 3, 2, 1],
        [2, 8, 8, 8, 1],
      ],
      maxGpuBytes: 512 * MiB,
      driven: true,
      errors: [],
    });
    expect(parsePanelParams('')).toEqual({
      sizes: null,
      networks: null,
      maxGpuBytes: null,
      driven: false,
      errors: [],
    });
  });

  it.each(['sizes=', 'sizes=1', 'sizes=16,x', 'sizes=16.5', 'sizes=99999', 'sizes=16,,32'])(
    'reports and ignores %s',
    (query) => {
      const p = parsePanelParams(`?${query}`);
      expect(p.sizes).toBeNull();
      expect(p.errors).toHaveLength(1);
      expect(p.errors[0]).toMatch(/^sizes=/);
    },
  );

  it('reports a network it cannot read, and a bad memory limit', () => {
    const p = parsePanelParams('?networks=2-3-2-1,3-3-1&max-gpu-mb=-4');
    expect(p.networks).toBeNull();
    expect(p.maxGpuBytes).toBeNull();
    expect(p.errors).toHaveLength(2);
    expect(p.errors[0]).toContain('"3-3-1"');
  });

  it('takes networks with 2 inputs, 1 output and 1 to 6 hidden layers of 1 to 64 units', () => {
    expect(parseNetwork('2-8-8-1')).toEqual([2, 8, 8, 1]);
    expect(parseNetwork(' 2-64-1 ')).toEqual([2, 64, 1]);
    for (const bad of ['2-1', '2-0-1', '2-65-1', '3-3-1', '2-3-2', '2-a-1', '2-3-3-3-3-3-3-3-1', '']) {
      expect(parseNetwork(bad), bad).toBeNull();
    }
  });

  it('describes the networks on offer', () => {
    expect(PANEL_NETWORKS.map((n) => n.sizes.join('-'))).toEqual(['2-3-2-1', '2-8-8-8-1', '2-32-32-32-1']);
    expect(networkNote([2, 3, 2, 1])).toBe('20 parameters, fused kernel');
    expect(networkNote([2, 8, 8, 8, 1])).toBe('177 parameters, fused kernel');
    expect(networkNote([2, 32, 32, 32, 1])).toBe('2,241 parameters, general kernel');
  });
});

describe('case planner', () => {
  const roomy = { bindingBytes: 2 * GiB, budgetBytes: DEFAULT_PANEL_GPU_BYTES };

  it('runs every network and size, grid transform then whole frame', () => {
    const cases = planPanel(
      {
        networks: [
          [2, 3, 2, 1],
          [2, 8, 8, 8, 1],
        ],
        sides: [16, 32],
      },
      roomy,
    );
    expect(cases.map((c) => c.key)).toEqual([
      '2-3-2-1|16|grid',
      '2-3-2-1|16|frame',
      '2-3-2-1|32|grid',
      '2-3-2-1|32|frame',
      '2-8-8-8-1|16|grid',
      '2-8-8-8-1|16|frame',
      '2-8-8-8-1|32|grid',
      '2-8-8-8-1|32|frame',
    ]);
    expect(cases.every((c) => c.skip === null && c.weight > 0 && c.parts === 1)).toBe(true);
    expect(cases[2].vertices).toBe(1024);
  });

  it('computes the bytes of each case before anything is allocated', () => {
    const [grid, frame] = planPanel({ networks: [[2, 3, 2, 1]], sides: [512] }, roomy);
    const spec = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
    expect(grid.bytes).toBe(planGrid({ spec, vertices: 512 * 512 }, roomy.bindingBytes).bytes);
    // input 2 + 2·(3 + 2 + 1) floats of every representation, 2 floats of points: 16 floats a vertex.
    expect(grid.bytes).toBe(512 * 512 * 16 * 4);
    // The frame: the layer buffer (14 floats a vertex), the points, 4·G·(G − 1) line indices.
    expect(frame.bytes).toBe(512 * 512 * 16 * 4 + 4 * 512 * 511 * 4);
    expect(frameBytes([2, 3, 2, 1], 512)).toEqual({ layer: 512 * 512 * 14 * 4, total: frame.bytes });
  });

  it('skips the full range’s cases beyond the memory budget with a message, and only those', () => {
    const cases = planPanel(
      { networks: PANEL_NETWORKS.map((n) => n.sizes), sides: SIZE_RANGES.full },
      { bindingBytes: 4 * GiB, budgetBytes: DEFAULT_PANEL_GPU_BYTES },
    );
    const skipped = cases.filter((c) => c.skip);
    expect(skipped.map((c) => c.key)).toEqual(['2-32-32-32-1|2048|grid', '2-32-32-32-1|2048|frame']);
    for (const c of skipped) {
      expect(c.skip).toMatch(/^needs 3\.\d GiB of GPU memory; the limit is 1\.0 GiB$/);
      expect(c.weight).toBe(0);
    }
  });

  it('splits a grid beyond one binding, but skips its frame (drawn from one buffer)', () => {
    const cases = planPanel(
      { networks: [[2, 8, 8, 8, 1]], sides: [1024] },
      { bindingBytes: 128 * MiB, budgetBytes: 4 * GiB },
    );
    const [grid, frame] = cases;
    expect(grid.skip).toBeNull();
    expect(grid.parts).toBeGreaterThan(1);
    // 2 + 2·(8 + 8 + 8 + 1) = 52 floats a vertex.
    expect(frame.skip).toMatch(/layer buffer of 208 MiB is drawn from one binding.*at most 128 MiB/);
  });

  it('says what a range covers and how big a case is', () => {
    expect(rangeLabel(SIZE_RANGES.quick)).toBe('64² to 512²');
    expect(rangeLabel(SIZE_RANGES.full)).toBe('64² to 2048²');
    expect(rangeLabel([16, 32])).toBe('16², 32²');
    expect(formatBytes(3.3 * GiB)).toBe('3.3 GiB');
    expect(formatBytes(906 * MiB)).toBe('906 MiB');
    expect(formatBytes(232 * 1024)).toBe('232 KiB');
  });
});

describe('progress', () => {
  const cases = planPanel(
    { networks: [[2, 3, 2, 1]], sides: [64, 128, 256] },
    { bindingBytes: GiB, budgetBytes: GiB },
  );

  it('grows from 0 to 1 through the cases, weighted by their work', () => {
    let previous = -1;
    for (let done = 0; done <= cases.length; done++) {
      for (const partial of [0, 0.5]) {
        const f = progressFraction(cases, done, partial);
        expect(f).toBeGreaterThanOrEqual(previous);
        expect(f).toBeGreaterThanOrEqual(0);
        expect(f).toBeLessThanOrEqual(1);
        previous = f;
      }
    }
    expect(progressFraction(cases, 0)).toBe(0);
    expect(progressFraction(cases, cases.length)).toBe(1);
    // The 256² cases weigh more than the 64² ones.
    expect(cases[4].weight).toBeGreaterThan(cases[0].weight);
  });

  it('finishes a plan of skipped cases', () => {
    const skipped = cases.map((c) => ({ ...c, skip: 'no', weight: 0 }));
    expect(progressFraction(skipped, 0)).toBe(0);
    expect(progressFraction(skipped, skipped.length)).toBe(1);
  });

  it('predicts a frame’s time from the smaller grids before it', () => {
    expect(predictSeconds([], 1e6)).toBeNull();
    // One grid measured: time proportional to vertices.
    expect(predictSeconds([{ vertices: 65536, seconds: 0.5 }], 262144)).toBe(2);
    // Two: a fixed cost (the training steps of a whole frame) plus a cost per vertex.
    const frame = [
      { vertices: 256, seconds: 0.3 + 256e-6 },
      { vertices: 4096, seconds: 0.3 + 4096e-6 },
    ];
    expect(predictSeconds(frame, 65536)).toBeCloseTo(0.3 + 65536e-6, 9);
    // Never a negative slope or fixed cost from noisy timings.
    expect(predictSeconds([frame[1], { vertices: 16384, seconds: 0.2 }], 65536)).toBeCloseTo(0.2, 9);
    expect(
      predictSeconds(
        [
          { vertices: 256, seconds: 0.001 },
          { vertices: 4096, seconds: 1 },
        ],
        8192,
      ),
    ).toBeGreaterThan(1.9);
  });
});

function measured(
  c: PanelCase,
  figures: Measurement['figures'],
  extra: Partial<Measurement> = {},
): Measurement {
  return {
    workload: c.workload,
    case: String(c.side),
    impl: 'x',
    figures,
    check: { what: 'test', maxError: 3e-7, tolerance: 2e-4, ok: true },
    reps: 4,
    seconds: 0.4,
    ...extra,
  };
}

describe('results table and plot lines', () => {
  const cases = planPanel(
    {
      networks: [
        [2, 3, 2, 1],
        [2, 8, 8, 8, 1],
      ],
      sides: [16, 32],
    },
    { bindingBytes: GiB, budgetBytes: GiB },
  );
  const grid = (ms: number) => ({
    time: { value: ms, unit: 'ms/frame' },
    throughput: { value: 9.37, unit: 'M vertex·layers/s' },
  });
  const frame = (ms: number) => ({
    rate: { value: 1000 / ms, unit: 'frames/s' },
    time: { value: ms, unit: 'ms/frame' },
  });

  it('puts both workloads of a network and size on one row, pending until measured', () => {
    const results = new Map<string, Measurement>();
    results.set(cases[0].key, measured(cases[0], grid(0.144)));
    results.set(cases[1].key, measured(cases[1], frame(12)));
    const rows = resultRows(cases, results, cases[2].key);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({
      network: '2-3-2-1',
      grid: '16²',
      vertices: '256',
      gridMs: '0.14',
      throughput: '9.37M',
      frameMs: '12.0',
      fps: '83.3',
      check: '3.0e-7',
      state: 'ok',
      notes: [],
    });
    expect(rows[1]).toMatchObject({ grid: '32²', vertices: '1,024', gridMs: '…', state: 'running' });
    expect(rows[2]).toMatchObject({ network: '2-8-8-8-1', gridMs: '', check: '—', state: 'pending' });
  });

  it('marks a row whose check failed, and keeps its figures out', () => {
    const results = new Map<string, Measurement>();
    results.set(cases[0].key, measured(cases[0], grid(0.1)));
    results.set(
      cases[1].key,
      measured(
        cases[1],
        {},
        {
          check: { what: 'every representation', maxError: 0.03, tolerance: 2e-4, ok: false },
          failed: 'grid differs from the twin by 3.00e-2',
        },
      ),
    );
    const [row] = resultRows(cases, results, null);
    expect(row.state).toBe('failed');
    expect(row.frameMs).toBe('FAIL');
    expect(row.fps).toBe('FAIL');
    expect(row.check).toBe('3.0e-2');
    expect(row.notes).toEqual(['2-3-2-1, 16², whole frame: FAILED: grid differs from the twin by 3.00e-2']);
    const lines = plotSeries(cases, results);
    expect(lines.find((s) => s.label === '2-3-2-1 · whole frame')!.points).toEqual([]);
    expect(lines.find((s) => s.label === '2-3-2-1 · grid transform')!.points).toEqual([
      { vertices: 256, ms: 0.1 },
    ]);
  });

  it('shows skipped cases with their reason', () => {
    const skipped = cases.map((c, k) => (k === 3 ? { ...c, skip: 'needs 3.3 GiB', weight: 0 } : c));
    const results = new Map<string, Measurement>();
    results.set(skipped[2].key, measured(skipped[2], grid(0.3)));
    const row = resultRows(skipped, results, null)[1];
    expect(row).toMatchObject({ gridMs: '0.30', frameMs: 'skipped', fps: 'skipped', state: 'ok' });
    expect(row.notes).toEqual(['2-3-2-1, 32², whole frame: skipped: needs 3.3 GiB']);
  });

  it('draws one line per network and workload, in order of grid size', () => {
    const results = new Map<string, Measurement>();
    for (const c of [...cases].reverse()) {
      results.set(c.key, measured(c, c.workload === 'grid' ? grid(c.side / 100) : frame(c.side)));
    }
    const lines = plotSeries(cases, results);
    expect(lines.map((s) => s.label)).toEqual([
      '2-3-2-1 · grid transform',
      '2-3-2-1 · whole frame',
      '2-8-8-8-1 · grid transform',
      '2-8-8-8-1 · whole frame',
    ]);
    for (const s of lines) expect(s.points.map((p) => p.vertices)).toEqual([256, 1024]);
  });

  it('formats figures to three significant figures with k/M/G', () => {
    expect(formatFigure(0.1444)).toBe('0.14');
    expect(formatFigure(12)).toBe('12.0');
    expect(formatFigure(583.6)).toBe('584');
    expect(formatFigure(12_345)).toBe('12.3k');
    expect(formatFigure(9.37e6)).toBe('9.37M');
    expect(formatFigure(2.5e9)).toBe('2.50G');
  });
});

describe('log-log plot maths', () => {
  it('maps a log domain onto pixels, either way round', () => {
    const x = logScale([10, 1000], [0, 200]);
    expect(x(10)).toBeCloseTo(0);
    expect(x(100)).toBeCloseTo(100);
    expect(x(1000)).toBeCloseTo(200);
    const y = logScale([0.1, 10], [300, 100]);
    expect(y(0.1)).toBeCloseTo(300);
    expect(y(1)).toBeCloseTo(200);
    expect(y(10)).toBeCloseTo(100);
    expect(logScale([5, 5], [0, 10])(5)).toBe(5);
    expect(() => logScale([0, 10], [0, 1])).toThrow(/positive/);
  });

  it('rounds a domain out to 1-2-5 steps', () => {
    expect(stepBelow(0.73)).toBeCloseTo(0.5);
    expect(stepAbove(41)).toBe(50);
    expect(stepBelow(20)).toBe(20);
    expect(stepAbove(20)).toBe(20);
    expect(stepAbove(5.01)).toBe(10);
    const [lo, hi] = logDomain([0.73, 41, -1, NaN]);
    expect(lo).toBeCloseTo(0.5);
    expect(hi).toBe(50);
    expect(logDomain([])).toEqual([1, 10]);
    const single = logDomain([2]);
    expect(single[0]).toBeLessThan(2);
    expect(single[1]).toBeGreaterThan(2);
  });

  it('ticks every 1, 2 and 5 over few decades, every decade over many', () => {
    expect(logTicks([0.5, 50]).map((t) => t.label)).toEqual(['0.5', '1', '2', '5', '10', '20', '50']);
    expect(
      logTicks([0.5, 50])
        .filter((t) => t.major)
        .map((t) => t.value),
    ).toEqual([1, 10]);
    expect(logTicks([0.1, 20000]).map((t) => t.label)).toEqual(['0.1', '1', '10', '100', '1k', '10k']);
    expect(tickLabel(2_000_000)).toBe('2M');
    expect(tickLabel(0.2)).toBe('0.2');
    expect(sideTicks([1024, 256, 1024, 4_194_304]).map((t) => t.label)).toEqual(['16²', '32²', '2048²']);
  });

  it('keeps every point inside the plot area, the legend beside it when there is room', () => {
    const series = [
      {
        label: 'a',
        network: 'a',
        workload: 'grid' as const,
        points: [
          { vertices: 4096, ms: 0.2 },
          { vertices: 262144, ms: 35 },
        ],
      },
    ];
    const wide = plotLayout(series, 900, 340, [4096, 16384, 65536, 262144], 200);
    expect(legendFitsBeside(900, 200)).toBe(true);
    expect(wide.right).toBeLessThanOrEqual(900 - 200);
    for (const p of series[0].points) {
      expect(wide.x(p.vertices)).toBeGreaterThan(wide.left);
      expect(wide.x(p.vertices)).toBeLessThan(wide.right);
      expect(wide.y(p.ms)).toBeGreaterThanOrEqual(wide.top);
      expect(wide.y(p.ms)).toBeLessThanOrEqual(wide.bottom);
    }
    expect(wide.xTicks.map((t) => t.label)).toEqual(['64²', '128²', '256²', '512²']);
    expect(legendFitsBeside(420, 200)).toBe(false);
    expect(plotLayout(series, 420, 340, [], 200).right).toBe(420 - 14);
  });
});
