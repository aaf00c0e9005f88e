/** Story data and the claims table: complete, consistent with the presets, and the outcome sentence from a run. */
import { describe, expect, it } from 'vitest';
import { PRESETS, findPreset } from '../src/data/presets';
import {
  CLAIM_SEEDS,
  TUNING_SEEDS,
  conditionText,
  judgeClaim,
  type Claim,
  type SeedFigures,
} from '../src/story/claim';
import { CLAIMS, claimFor } from '../src/story/claims';
import { figuresOf, storyOutcome } from '../src/story/outcome';
import { STORIES, denseLayers, storyFor, storyLength } from '../src/story/stories';

/** The presets from the five write-ups (the others are TensorFlow-playground classics). */
const SEED_PRESETS = PRESETS.filter((p) => !p.source.startsWith('TensorFlow playground'));

describe('stories and claims', () => {
  it('cover every preset from the write-ups, once each', () => {
    expect(SEED_PRESETS.length).toBe(23);
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
      'test accuracy 86.2 % on this seed, below the claim’s 90.0 % — colah: two hidden units cannot untangle a disk in an annulus',
    );
    // A cannot claim's figure names its bound, so 95.8 % never reads as a success; a can claim's does not.
    const tori = claimFor('tori-3-units-fail')!;
    expect(storyOutcome(tori, { testAccuracy: 0.958, testLoss: 0.1 }).text).toMatch(
      /^test accuracy 95\.8 % on this seed, below the claim’s 98\.0 % — /,
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
