/**
 * The story done by hand: three tanh units set by hand into a triangle around the inner ring pass its
 * check, the weights it starts from do not, two lines cannot; story mode keeps training off, says how far
 * the person is on every measurement, ends when the check passes, and stays when a weight is set by hand.
 */
import { describe, expect, it } from 'vitest';
import { findPreset } from '../src/data/presets';
import { paramIndex } from '../src/engine/paramRef';
import { paramLayout, type NetworkSpec } from '../src/engine/spec';
import { evaluate, initParams } from '../src/engine/twin';
import type { Dataset } from '../src/data/types';
import type { Stats } from '../src/engine/types';
import { experimentFromPreset, prepare } from '../src/experiment/experiment';
import { HAND_EDIT, HAND_STORIES, handOutcome, handStoryFor } from '../src/story/handStory';
import { StoryMode } from '../src/story/storyMode';
import { storyFor } from '../src/story/stories';
import { storyLeavingReason } from '../src/state/commands';

const PRESET = findPreset('rings-by-hand');
const STORY = handStoryFor('rings-by-hand')!;
const run = prepare(experimentFromPreset(PRESET));
const SPEC: NetworkSpec = run.spec;

/**
 * Hand-written weights: unit k is the line at distance `d` from the centre with normal at 90° + 120°·k,
 * positive on the centre's side (tanh(gain·(d − n·x))); the output is low (class 0, the inner ring) where
 * all three are positive: −4·(h₀ + h₁ + h₂ − 2.3). With `lines` < 3 the other units are left at zero.
 */
function triangle(lines = 3, d = 0.6, gain = 6): Float32Array {
  const p = new Float32Array(paramLayout(SPEC).count);
  for (let k = 0; k < lines; k++) {
    const a = Math.PI / 2 + (2 * Math.PI * k) / 3;
    p[paramIndex(SPEC, { kind: 'weight', layer: 0, to: k, from: 0 })] = -gain * Math.cos(a);
    p[paramIndex(SPEC, { kind: 'weight', layer: 0, to: k, from: 1 })] = -gain * Math.sin(a);
    p[paramIndex(SPEC, { kind: 'bias', layer: 0, to: k })] = gain * d;
    p[paramIndex(SPEC, { kind: 'weight', layer: 1, to: 0, from: k })] = -4;
  }
  p[paramIndex(SPEC, { kind: 'bias', layer: 1, to: 0 })] = 4 * (lines - 0.7);
  return p;
}

/** The statistics the app would measure on these weights (the twin's figures). */
function stats(params: Float32Array, step = 0): Stats {
  const set = (d: Dataset) => evaluate(SPEC, params, d, true);
  return { step, epoch: 0, train: set(run.train), test: set(run.test!), divergedAtStep: null } as Stats;
}

describe('the story by hand', () => {
  it('is a story of its own preset: rings, a 2-3-1 tanh network, beside the write-ups’ stories', () => {
    expect(HAND_STORIES.map((s) => s.preset)).toEqual(['rings-by-hand']);
    expect(storyFor('rings-by-hand')).toBeUndefined();
    expect([PRESET.dataset, PRESET.arch, PRESET.activation]).toEqual(['rings', [2, 3, 1], 'tanh']);
    expect(STORY.title).toBe('Separate the rings by hand with three units');
    expect(STORY.task).toMatch(/line/);
    expect(STORY.task).toMatch(/triangle/);
  });

  it('passes with a hand-written triangle, not with the weights it starts from, nor with two lines', () => {
    const start = stats(initParams(SPEC, PRESET.seed));
    const hand = stats(triangle());
    const twoLines = stats(triangle(2));
    expect(handOutcome(STORY, start).done).toBe(false);
    expect(handOutcome(STORY, twoLines).done).toBe(false);
    expect(twoLines.test!.accuracy!).toBeLessThanOrEqual(0.84);
    expect(handOutcome(STORY, hand)).toEqual({
      done: true,
      text: `Done: test accuracy ${(hand.test!.accuracy! * 100).toFixed(1)} %, at least 95 %. The rings are apart.`,
    });
    expect(hand.test!.accuracy!).toBeGreaterThanOrEqual(0.99);
    expect(handOutcome(STORY, start).text).toMatch(
      /^Not yet: test accuracy \d+\.\d %; the check asks for 95 %\.$/,
    );
  });

  it('keeps training off, says how far on each measurement, and ends when the check passes', () => {
    const mode = new StoryMode();
    const r = mode.start('rings-by-hand')!;
    expect(r.story).toBe(STORY);
    expect(mode.allowed(0, 50)).toBe(0);
    expect(mode.reachedEnd(0)).toBe(true);
    expect(mode.statsArrived(stats(initParams(SPEC, PRESET.seed)))).toBe(false);
    expect(r.status).toBe('running');
    expect(r.outcome?.text).toMatch(/^Not yet/);
    // A weight set by hand does not leave it (it does leave a write-up's story).
    const why = storyLeavingReason({
      type: 'editParam',
      ref: { kind: 'bias', layer: 1, to: 0 },
      value: 1,
      final: true,
    });
    expect(why).toBe(HAND_EDIT);
    expect(mode.leave(why!)).toBe(false);
    expect(mode.statsArrived(stats(triangle()))).toBe(true);
    expect(r.status).toBe('ended');
    expect(r.outcome?.shown).toBe(true);
    // The next measurement after an Undo: back to "not yet", training off again, no end picture to go to.
    expect(mode.statsArrived(stats(initParams(SPEC, PRESET.seed)))).toBe(false);
    expect(r.status).toBe('running');
    expect(r.outcome).toEqual({ text: expect.stringMatching(/^Not yet/), shown: false });
    expect(mode.allowed(0, 50)).toBe(0);
    // Done again (Redo); a second measurement of the same weights does not end it twice.
    expect(mode.statsArrived(stats(triangle()))).toBe(true);
    expect(mode.statsArrived(stats(triangle()))).toBe(false);
    expect(r.status).toBe('ended');
    mode.trainOn();
    expect(mode.allowed(0, 50)).toBe(50);
    const other = new StoryMode();
    other.start('rings-3-units-separate');
    expect(other.leave(why!)).toBe(true);
  });
});
