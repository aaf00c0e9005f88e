/**
 * The population benchmark (src/bench/population.ts) at a tiny size: a row per N with both sides measured
 * in the same run, the rates as N x steps / seconds, and the table. Time budget: ~5 s on SwiftShader.
 */
import { describe, expect, it } from 'vitest';
import { populationBench, populationBenchTable } from '../src/bench/population';
import { gpuScope, openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

describe.skipIf(!gpu)('population benchmark', () => {
  it('measures N networks at once beside the plain JS loop', async () => {
    const rows = await gpuScope(gpu!.device, () =>
      populationBench(gpu!.device, { sizes: [1, 20], seconds: 0.3 }),
    );
    expect(rows.map((r) => r.networks)).toEqual([1, 20]);
    for (const r of rows) {
      expect(r.gpu.steps).toBeGreaterThan(0);
      expect(r.gpu.networkStepsPerSecond).toBeCloseTo((r.networks * r.gpu.steps) / r.gpu.seconds, 6);
      expect(r.plainJs.networks).toBe(Math.min(r.networks, 16));
      expect(r.plainJs.networkStepsPerSecond).toBeCloseTo(
        (r.plainJs.networks * r.plainJs.steps) / r.plainJs.seconds,
        6,
      );
    }
    const table = populationBenchTable(rows, 'test adapter');
    expect(table).toMatch(/^\| 1 \| [\d,]+ \| [\d,]+ \| [\d.]+x \|$/m);
    expect(table).toMatch(/^\| 20 \| [\d,]+ \| [\d,]+ \| [\d.]+x \|$/m);
  });
});
