/** Story data and the claims table: complete, consistent with the presets, and the outcome sentence from a run. */
import { describe, expect, it } from 'vitest';
import { PRESETS, findPreset } from '../src/data/presets';
import {
  CLAIM_SEEDS,
  TUNING_SEEDS,
  conditionText,
  judgeClaim,
  meets,
  runMeets,
  type Claim,
  type ClaimOp,
  type RunFigures,
  type SeedFigures,
} from '../src/story/claim';
import { CLAIMS, claimFor } from '../src/story/claims';
import { figuresOf, storyOutcome } from '../src/story/outcome';
import { StoryMode } from '../src/story/storyMode';
import { STORIES, denseLayers, storyFor, storyLength } from '../src/story/stories';

/** The presets from the five write-ups (the others are TensorFlow-playground classics). */
const SEED_PRESETS = PRESETS.filter((p) => !p.source.startsWith('TensorFlow playground'));

describe('stories and claims', () => {
  it('cover every preset from the write-ups, once each', () => {
    // The 23 of the write-ups, the 2 of the feature inputs (rings with r², with x₁² and x₂²) and the 4 of
    // colah's proposed layers (a vector field and a k-NN output, each on the slight spiral and the rings).
    expect(SEED_PRESETS.length).toBe(29);
    expect(STORIES.map((s) => s.preset).sort()).toEqual(SEED_PRESETS.map((p) => p.id).sort());
    expect(CLAIMS.map((c) => c.preset).sort()).toEqual(SEED_PRESETS.map((p) => p.id).sort());
  });

  for (const story of STORIES) {
    it(`${story.preset}: opens on a picture the network has, with a source and a claim`, () => {
      const preset = findPreset(story.preset);
      const L = denseLayers(preset);
      expect(Number.isInteger(story.open.layer)).toBe(true);
      expect(story.open.layer).toBeGreaterThanOrEqual(0);
      expect(story.open.layer).toBeLessThanOrEqual(L);
      expect(story.open.t).toBeGreaterThanOrEqual(0);
      expect(story.open.t).toBeLessThanOrEqual(L);
      expect(story.title.length).toBeGreaterThan(5);
      expect(story.source.work.length).toBeGreaterThan(10);
      expect(story.source.where.length).toBeGreaterThan(5);
      expect(story.happens.split(/(?<=[.!?]["”]?)\s+/).length).toBeLessThanOrEqual(3);
      expect(story.lookFor.length).toBeGreaterThan(20);
      if (story.source.work.includes('Olah')) {
        expect(story.source.url).toBe('https://colah.github.io/posts/2014-03-NN-Manifolds-Topology/');
      }
      const claim = claimFor(story.preset)!;
      expect(claim.conditions.length).toBeGreaterThan(0);
      const length = storyLength(preset);
      expect(length.epochs).toBe(preset.epochs);
      expect(length.steps).toBeGreaterThanOrEqual(preset.epochs);
    });
  }

  it('storyLength counts the steps of the training split', () => {
    // rings: 2,000 points, 20% test → 1,600 training points, batch 32 → 50 steps per epoch.
    const rings = findPreset('rings-2-units-fail');
    expect(storyLength(rings)).toEqual({ epochs: rings.epochs, steps: 50 * rings.epochs });
    expect(storyLength('rings-2-units-fail')).toEqual(storyLength(rings));
    expect(storyFor('moons-tanh')).toBeUndefined();
  });

  it('tunes and tests on different seeds', () => {
    expect(TUNING_SEEDS.filter((s) => CLAIM_SEEDS.includes(s))).toEqual([]);
    expect(CLAIM_SEEDS.length).toBeGreaterThanOrEqual(5);
  });
});

const disk: Claim = claimFor('colah-disk-2-units-fail')!;
const polyFits: Claim = claimFor('poly-1-6-1-fits')!;

describe('the outcome sentence', () => {
  it('reports the run and the claim when it shows', () => {
    const out = storyOutcome(disk, { testAccuracy: 0.8617, testLoss: 0.3 });
    expect(out.shown).toBe(true);
    expect(out.text).toBe(
      'test accuracy 86.2 % on this seed, below 90.0 % as the claim says — colah: two hidden units cannot untangle a disk in an annulus',
    );
    // A cannot claim's figure names its bound, so 95.8 % never reads as a success; a can claim's does not.
    const tori = claimFor('tori-3-units-fail')!;
    expect(storyOutcome(tori, { testAccuracy: 0.958, testLoss: 0.1 }).text).toMatch(
      /^test accuracy 95\.8 % on this seed, below 98\.0 % as the claim says — /,
    );
    expect(storyOutcome(polyFits, { testAccuracy: null, testLoss: 0.00412 }).text).not.toMatch(/claim’s/);
  });

  it('says so honestly when it does not', () => {
    const out = storyOutcome(disk, { testAccuracy: 0.912, testLoss: 0.2 });
    expect(out.shown).toBe(false);
    expect(out.text).toBe(
      'test accuracy 91.2 % on this seed — the claim did not show on this seed ' +
        '(colah: two hidden units cannot untangle a disk in an annulus)',
    );
    // Right at the threshold a strict "<" claim does not show.
    expect(storyOutcome(disk, { testAccuracy: 0.9, testLoss: 0.2 }).shown).toBe(false);
  });

  it('uses the loss for regression and never counts a diverged run', () => {
    expect(storyOutcome(polyFits, { testAccuracy: null, testLoss: 0.00412 }).text).toBe(
      'test loss 0.00412 on this seed — Alex Marshall: adding width works: 1-6-1 fits the polynomial',
    );
    expect(storyOutcome(polyFits, { testAccuracy: null, testLoss: 0.0301 }).shown).toBe(false);
    const diverged = storyOutcome(polyFits, { testAccuracy: null, testLoss: NaN });
    expect(diverged.shown).toBe(false);
    expect(diverged.text).toContain('diverged');
  });

  it('checks every condition of a two-sided claim', () => {
    const circles = claimFor('circles-6-units-linear-view')!;
    expect(storyOutcome(circles, { testAccuracy: 0.887, testLoss: 0.3 }).shown).toBe(true);
    expect(storyOutcome(circles, { testAccuracy: 0.95, testLoss: 0.1 }).shown).toBe(false);
    expect(storyOutcome(circles, { testAccuracy: 0.84, testLoss: 0.4 }).shown).toBe(false);
  });
});

const fig = (testAccuracy: number) => ({ testAccuracy, testLoss: 0.5 });
const seedRun = (seed: number, end: number, longer: number | null = null): SeedFigures => ({
  seed,
  atEnd: fig(end),
  longer: longer === null ? null : fig(longer),
});

describe('figures from the engine', () => {
  const set = (loss: number, accuracy: number | null) => ({ loss, accuracy, count: 10 });
  it('reads the test set, falls back to the training set, and marks a diverged run', () => {
    const stats = { step: 5, epoch: 1, train: set(0.4, 0.8), test: set(0.5, 0.7), divergedAtStep: null };
    expect(figuresOf(stats)).toEqual({ testLoss: 0.5, testAccuracy: 0.7 });
    expect(figuresOf({ ...stats, test: null })).toEqual({ testLoss: 0.4, testAccuracy: 0.8 });
    const diverged = figuresOf({ ...stats, divergedAtStep: 3 });
    expect(Number.isNaN(diverged.testLoss) && Number.isNaN(diverged.testAccuracy)).toBe(true);
  });
});

describe('judging a claim over seeds', () => {
  it('a cannot claim must hold on every seed and also after the longer run', () => {
    expect(conditionText(disk)).toBe('test accuracy < 0.9 on every seed, also after 4× the epochs');
    expect(judgeClaim(disk, [seedRun(4, 0.8, 0.81), seedRun(5, 0.79, 0.8)]).holds).toBe(true);
    const late = judgeClaim(disk, [seedRun(4, 0.8, 0.81), seedRun(5, 0.79, 0.95)]);
    expect(late.holds).toBe(false);
    expect(late.failures).toEqual([
      'test accuracy < 0.9 on every seed fails after 4× the epochs (seed 5: 0.95)',
    ]);
    expect(judgeClaim(disk, [seedRun(4, 0.8, null)]).holds).toBe(false);
    expect(judgeClaim(disk, [seedRun(4, 0.95, 0.8)]).holds).toBe(false);
    expect(judgeClaim(disk, []).holds).toBe(false);
  });

  it('a best-seed claim needs one seed, an every-seed claim all of them', () => {
    const spiral = claimFor('spiral-slight-4-layers')!;
    expect(conditionText(spiral)).toBe('test accuracy ≥ 0.97 on the best seed');
    expect(judgeClaim(spiral, [seedRun(4, 0.7), seedRun(5, 0.98)]).holds).toBe(true);
    expect(judgeClaim(spiral, [seedRun(4, 0.7), seedRun(5, 0.96)]).holds).toBe(false);
    const rings = claimFor('rings-3-units-separate')!;
    expect(judgeClaim(rings, [seedRun(4, 1), seedRun(5, 0.995)]).holds).toBe(true);
    expect(judgeClaim(rings, [seedRun(4, 1), seedRun(5, 0.985)]).holds).toBe(false);
  });
});

/** The next representable double above (dir 1) or below (dir −1) a finite x > 0. */
function ulpStep(x: number, dir: 1 | -1): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + BigInt(dir));
  return view.getFloat64(0);
}

describe('every bound of a claim, on both sides', () => {
  it('each comparison at its value and one representable step either side', () => {
    const at = (op: ClaimOp, value: number) =>
      ({ metric: 'testLoss', op, value, over: 'every seed' }) as const;
    for (const v of [0.2, 0.87, 0.99, 1e-3]) {
      const [below, above] = [ulpStep(v, -1), ulpStep(v, 1)];
      expect([meets(below, at('>=', v)), meets(v, at('>=', v)), meets(above, at('>=', v))]).toEqual([
        false,
        true,
        true,
      ]);
      expect([meets(below, at('>', v)), meets(v, at('>', v)), meets(above, at('>', v))]).toEqual([
        false,
        false,
        true,
      ]);
      expect([meets(below, at('<=', v)), meets(v, at('<=', v)), meets(above, at('<=', v))]).toEqual([
        true,
        true,
        false,
      ]);
      expect([meets(below, at('<', v)), meets(v, at('<', v)), meets(above, at('<', v))]).toEqual([
        true,
        false,
        false,
      ]);
    }
    // A diverged run (NaN, ±∞) meets no bound, whichever side it would fall on.
    for (const op of ['>=', '>', '<=', '<'] as const)
      for (const x of [NaN, Infinity, -Infinity]) expect(meets(x, at(op, 0.5))).toBe(false);
  });

  it('the claims table’s thresholds, as the write-ups and the tuning seeds set them', () => {
    expect(Object.fromEntries(CLAIMS.map((c) => [c.preset, conditionText(c)]))).toEqual({
      'rings-1-unit-collapses': 'test accuracy < 0.87 on every seed, also after 4× the epochs',
      'rings-2-units-fail': 'test accuracy < 0.95 on every seed, also after 4× the epochs',
      'rings-3-units-separate': 'test accuracy ≥ 0.99 on most seeds',
      'rings-4-units-exotic': 'test accuracy ≥ 0.99 on every seed',
      'poly-1-2-1-too-narrow': 'test loss ≥ 0.2 on every seed, also after 4× the epochs',
      'poly-1-2-2-2-1-deeper': 'test loss ≥ 0.2 on every seed',
      'poly-1-6-1-fits': 'test loss ≤ 0.03 on every seed',
      'poly-1-3-3-1': 'test loss ≤ 0.15 on every seed',
      'poly-chokepoint-1-3-1-3-1-fails': 'test loss ≥ 0.2 on most seeds',
      'poly-chokepoint-1-3-3-1-3-3-1': 'test loss ≥ 0.2 on most seeds',
      'circles-6-units-linear-view':
        'test accuracy ≥ 0.85 on every seed and test accuracy ≤ 0.92 on every seed',
      'curves-line-fails': 'test accuracy < 0.85 on every seed, also after 4× the epochs',
      'curves-hidden-layer': 'test accuracy ≥ 0.98 on every seed',
      'colah-disk-2-units-fail': 'test accuracy < 0.9 on every seed, also after 4× the epochs',
      'colah-disk-3-units': 'test accuracy ≥ 0.99 on most seeds',
      'spiral-slight-4-layers': 'test accuracy ≥ 0.97 on the best seed',
      'spiral-tight-fails': 'test accuracy < 0.85 on every seed, also after 4× the epochs',
      'interval-1-unit-fails': 'test accuracy < 0.85 on every seed, also after 4× the epochs',
      'interval-2-units': 'test accuracy ≥ 0.99 on every seed',
      'tori-3-units-fail': 'test accuracy < 0.98 on every seed, also after 4× the epochs',
      'tori-wide-layer-separates': 'test accuracy ≥ 0.99 on every seed',
      'segments-relu-2-2': 'test accuracy ≥ 0.65 on every seed',
      'holes-relu': 'test accuracy ≥ 0.95 on every seed',
      'rings-r2-plane': 'test accuracy ≥ 0.99 on every seed',
      'rings-squares-plane': 'test accuracy ≥ 0.99 on every seed',
      'spiral-slight-vector-field': 'test accuracy ≥ 0.95 on most seeds',
      'rings-vector-field-folds': 'test accuracy ≥ 0.93 on every seed',
      'spiral-knn-output': 'test accuracy ≥ 0.95 on most seeds',
      'rings-knn-output': 'test accuracy ≥ 0.9 on most seeds',
    });
  });

  for (const claim of CLAIMS) {
    it(`${claim.preset}: a run exactly on each bound, and a step either side`, () => {
      for (const c of claim.conditions) {
        // A two-sided claim's other condition is on the same metric, and met on both sides of this one.
        expect(claim.conditions.every((o) => o.metric === c.metric)).toBe(true);
        const others = claim.conditions.length - 1;
        const figures = (x: number): RunFigures =>
          c.metric === 'testAccuracy'
            ? { testAccuracy: x, testLoss: 0.5 }
            : { testAccuracy: null, testLoss: x };
        const inclusive = c.op === '>=' || c.op === '<=';
        const upward = c.op === '>=' || c.op === '>';
        const [below, above] = [ulpStep(c.value, -1), ulpStep(c.value, 1)];
        expect(runMeets(claim, figures(c.value)), `${c.op} ${c.value} at the bound`).toBe(inclusive);
        expect(runMeets(claim, figures(below)), `${c.op} ${c.value} just below`).toBe(!upward);
        expect(runMeets(claim, figures(above)), `${c.op} ${c.value} just above`).toBe(upward);
        // The story says the same of that run, and a cannot claim names the bound it stayed beyond.
        if (others === 0) {
          const inside = upward ? above : below;
          const out = storyOutcome(claim, figures(inside));
          expect(out.shown).toBe(true);
          if (claim.kind === 'cannot') expect(out.text).toMatch(/ as the claim says — /);
          expect(storyOutcome(claim, figures(upward ? below : above)).shown).toBe(false);
          expect(storyOutcome(claim, figures(c.value)).shown).toBe(inclusive);
        }
      }
    });
  }

  it('every seed: all of n; most seeds: more than half; best seed: one', () => {
    const claimOver = (over: 'every seed' | 'most seeds' | 'best seed'): Claim => ({
      ...claimFor('rings-4-units-exotic')!,
      conditions: [{ metric: 'testAccuracy', op: '>=', value: 0.99, over }],
    });
    const runs = (good: number, n: number) =>
      Array.from({ length: n }, (_, i) => seedRun(4 + i, i < good ? 0.99 : ulpStep(0.99, -1)));
    const holds = (over: Parameters<typeof claimOver>[0], good: number, n: number) =>
      judgeClaim(claimOver(over), runs(good, n)).holds;
    expect([holds('every seed', 4, 5), holds('every seed', 5, 5)]).toEqual([false, true]);
    expect([holds('most seeds', 2, 5), holds('most seeds', 3, 5)]).toEqual([false, true]);
    expect([holds('most seeds', 2, 4), holds('most seeds', 3, 4)]).toEqual([false, true]);
    expect([holds('most seeds', 0, 1), holds('most seeds', 1, 1)]).toEqual([false, true]);
    expect([holds('best seed', 0, 5), holds('best seed', 1, 5)]).toEqual([false, true]);
    // The failure lists exactly the seeds that missed, the one on the bound not among them.
    expect(judgeClaim(claimOver('every seed'), runs(4, 5)).failures).toEqual([
      `test accuracy ≥ 0.99 on every seed fails at the end (seed 8: ${ulpStep(0.99, -1)})`,
    ]);
  });
});

describe('a story’s length, on both sides', () => {
  const set = (accuracy: number) => ({ loss: 0.1, accuracy, count: 10 });
  const stats = (step: number) => ({ step, epoch: 1, train: set(0.5), test: set(0.5), divergedAtStep: null });

  it('trains up to its last step and no further, and ends on the statistics of that step', () => {
    const mode = new StoryMode();
    const run = mode.start('colah-disk-2-units-fail')!;
    const end = run.steps;
    expect([
      mode.allowed(end - 3, 10),
      mode.allowed(end - 1, 10),
      mode.allowed(end, 10),
      mode.allowed(end + 1, 10),
    ]).toEqual([3, 1, 0, 0]);
    expect([mode.reachedEnd(end - 1), mode.reachedEnd(end), mode.reachedEnd(end + 1)]).toEqual([
      false,
      true,
      true,
    ]);
    expect(mode.statsArrived(stats(end - 1))).toBe(false);
    expect(run.status).toBe('running');
    expect(mode.statsArrived(stats(end))).toBe(true);
    expect(run.status).toBe('ended');
    expect(run.outcome!.shown).toBe(true);
    // Ended: training on is not held back, and it is no longer "reaching" the end.
    expect([mode.allowed(end, 10), mode.reachedEnd(end)]).toEqual([10, false]);
  });
});
