/**
 * The write-ups' claims about every network of a shape, checked over populations (src/experiment/sweep.ts)
 * with the presets' own data, optimiser and batch, and test accuracy on the presets' test splits:
 *  - rings: no 2-2-2-1 member reaches 0.99, and at least 95 % of 2-3-2-1 members do. With the preset's
 *    40 epochs only 86 of 100 2-3-2-1 members have separated (the others are still on the way or stalled);
 *    at 4x the epochs (the length the story claims tests use for a "cannot") 98 of 100 have, so both halves
 *    run at 160 epochs, on 50 seeds to fit CI;
 *  - the 1-D interval: no 1-1-1 member separates (reaches 0.99), at least 95 % of 1-2-1 members do;
 *  - linked tori: no member with 3-unit layers (3-3-3-3-1) reaches 0.99, at least 90 % of 3-8-1 members do.
 * Seeds 1..N; the figures are those of this adapter (another subgroup size sums in another order).
 * Time budget: ~45 s on SwiftShader (2 cores).
 */
import { describe, expect, it } from 'vitest';
import { findPreset } from '../src/data/presets';
import { experimentFromPreset } from '../src/experiment/experiment';
import type { SweepRow } from '../src/experiment/sweep';
import { runSweep } from '../src/experiment/sweep';
import { gpuScope, openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

const seeds = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

async function sweep(
  preset: string,
  n: number,
  options: { widths?: number[]; epochs?: number } = {},
): Promise<SweepRow[]> {
  const exp = experimentFromPreset(findPreset(preset));
  if (options.epochs) exp.epochs = options.epochs;
  const result = await gpuScope(gpu!.device, () =>
    runSweep(gpu!.device, { exp, seeds: seeds(n), widths: options.widths, target: 0.99 }),
  );
  for (const row of result.rows) expect(row.diverged, row.arch).toBe(0);
  return result.rows;
}

/** "2-3-2-1: 49 of 50 reached 0.99 (min 0.825)", for the failure message. */
const describeRow = (r: SweepRow): string =>
  `${r.arch}: ${r.reached} of ${r.members.length} reached 0.99 (min ${r.min}, max ${r.max})`;

describe.skipIf(!gpu)('claims over populations', () => {
  it('rings: no 2-2-2-1 reaches 0.99; at least 95 % of 2-3-2-1 do (50 seeds, 160 epochs)', async () => {
    const [two, three] = await sweep('rings-2-units-fail', 50, { widths: [2, 3], epochs: 160 });
    expect(two.arch).toBe('2-2-2-1');
    expect(three.arch).toBe('2-3-2-1');
    expect(two.reached, describeRow(two)).toBe(0);
    expect(three.fractionReached, describeRow(three)).toBeGreaterThanOrEqual(0.95);
  });

  it('the 1-D interval: no 1-1-1 separates; at least 95 % of 1-2-1 do (100 seeds)', async () => {
    const [one, two] = await sweep('interval-2-units', 100, { widths: [1, 2] });
    expect(one.arch).toBe('1-1-1');
    expect(one.reached, describeRow(one)).toBe(0);
    expect(two.fractionReached, describeRow(two)).toBeGreaterThanOrEqual(0.95);
  });

  it('linked tori: no network with 3-unit layers reaches 0.99 (100 seeds)', async () => {
    const [narrow] = await sweep('tori-3-units-fail', 100);
    expect(narrow.arch).toBe('3-3-3-3-1');
    expect(narrow.reached, describeRow(narrow)).toBe(0);
  });

  it('linked tori: at least 90 % of networks with an 8-unit layer reach 0.99 (100 seeds)', async () => {
    const [wide] = await sweep('tori-wide-layer-separates', 100);
    expect(wide.arch).toBe('3-8-1');
    expect(wide.fractionReached, describeRow(wide)).toBeGreaterThanOrEqual(0.9);
  });
});
