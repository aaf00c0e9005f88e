/**
 * The sweep page's thumbnails of a 3-unit layer show what the network does: the 3-unit rings members
 * (2-3-2-1, the rings-3-units-separate preset) trained the page's way (runSlicedSweep on one GPU
 * population, the page's form defaults with 8 seeds), and every member at 100 % test accuracy drawn as
 * the page draws it (memberRepresentation on the test split). The measure is what a person sees: the
 * share of the drawn points that the best straight line in the thumbnail puts on their class's side
 * (every direction in the picture, each with its best threshold). On the decision-aligned projection it is
 * at least 98 %, and the threshold drawn along the decision axis does as well; on the first two
 * principal components, the projection the thumbnails used before, the inner ring sits inside the outer
 * one and no line takes more than 79 to 81 % (the check allows under 90 %).
 * Time budget: ~5 s on SwiftShader (2 cores).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { prepare } from '../src/experiment/experiment';
import type { SweepResult } from '../src/experiment/sweep';
import { memberRepresentation, projectionText, type Representation } from '../src/sweep/representation';
import { defaultForm, readRequest } from '../src/sweep/request';
import { runSlicedSweep } from '../src/sweep/slicedSweep';
import { bestThreshold } from '../src/view/math/decisionTracker';
import { openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

/** Directions tried in the picture (every degree). */
const DIRECTIONS = 360;

/** Share of the points on their class's side of the threshold `level` along (u0, u1); class 1 above. */
function sideShare(rep: Representation, u0: number, u1: number, level: number): number {
  const n = rep.labels.length;
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const s = u0 * rep.points[2 * i] + u1 * rep.points[2 * i + 1];
    if (s > level === (rep.labels[i] === 1)) ok++;
  }
  return ok / n;
}

/** The best share any straight line in the thumbnail's picture separates. */
function bestLineShare(rep: Representation): number {
  const input = { data: rep.points, offset: 0, count: rep.labels.length, labels: rep.labels, classes: 2 };
  let best = 0;
  for (let k = 0; k < DIRECTIONS; k++) {
    const angle = (2 * Math.PI * k) / DIRECTIONS;
    const u = [Math.cos(angle), Math.sin(angle)];
    best = Math.max(best, sideShare(rep, u[0], u[1], bestThreshold(u, 2, input)));
  }
  return best;
}

describe.skipIf(!gpu)('sweep thumbnails of the 3-unit rings members', () => {
  const request = readRequest({ ...defaultForm('rings-3-units-separate'), seeds: '8', widths: '3' });
  const run = prepare(request.exp);
  const data = run.test ?? run.train;
  let result: SweepResult;
  /** Members (indices) at 100 % test accuracy. */
  let perfect: number[];
  beforeAll(async () => {
    result = await runSlicedSweep(gpu!.device, request);
    perfect = result.rows[0].members.flatMap((m, i) => (m.testAccuracy === 1 ? [i] : []));
  }, 120_000);

  it('some members reach 100 % test accuracy, and their thumbnails are decision-aligned', () => {
    expect(result.rows[0].arch).toBe('2-3-2-1');
    expect(perfect.length).toBeGreaterThanOrEqual(3);
    for (const i of perfect) {
      const rep = memberRepresentation(run.spec, result, 0, i, data);
      expect(rep.projection).toBe('decision');
      expect(rep.axes).toEqual(['decision', 'PC1']);
      expect(rep.threshold).not.toBeNull();
    }
    expect(projectionText(3)).toMatch(/direction the later layers read the class from/);
  });

  it('on the thumbnail the classes are apart: the best line, and the drawn threshold, separate ≥ 98 %', () => {
    const shares = perfect.map((i) => {
      const rep = memberRepresentation(run.spec, result, 0, i, data);
      return { seed: result.rows[0].members[i].seed, rep, line: bestLineShare(rep) };
    });
    // The members whose picture no line splits well (none).
    expect(shares.filter((s) => !(s.line >= 0.98)).map(({ seed, line }) => ({ seed, line }))).toEqual([]);
    const threshold = shares.map(({ seed, rep }) => ({
      seed,
      share: sideShare(rep, 1, 0, rep.threshold ?? NaN),
    }));
    expect(threshold.filter((s) => !(s.share >= 0.98))).toEqual([]);
  });

  it('on their first two principal components the same members look tangled (the measure tells them apart)', () => {
    for (const i of perfect) {
      const rep = memberRepresentation(run.spec, result, 0, i, data, 'pca');
      expect(rep.projection).toBe('pca');
      expect(rep.threshold).toBeNull();
      expect(bestLineShare(rep)).toBeLessThan(0.9);
    }
  });
});
