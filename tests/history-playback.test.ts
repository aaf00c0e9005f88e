/**
 * Playing the history as a movie (a steady pace in log or linear time, stopping at the end) and the marks
 * on the timeline (epochs, the target accuracy first reached, a divergence; epoch marks thinned to the width).
 */
import { describe, expect, it } from 'vitest';
import { History, type HistoryEntry } from '../src/history/history';
import { timelineMarks } from '../src/app/timeline/timelineMarks';
import { fractionToStep, nearestIndex, stepToFraction, thinMarks } from '../src/ui/timeline';
import { TimelinePlayback } from '../src/app/timeline/timelinePlayback';
import { TimelineScrub } from '../src/app/timeline/timelineScrub';
import type { HistoryRecorder } from '../src/app/timeline/historyRecorder';
import type { Trainer } from '../src/app/runtime/trainer';

function history(last: number): History {
  const h = new History();
  for (let s = 0; s <= last; s = h.nextKept(s)) {
    const entry: HistoryEntry = {
      step: s,
      params: new Float32Array(1),
      moments: null,
      statsStep: s,
      epoch: Math.floor(s / 25),
      trainLoss: 1 / (1 + s),
      testLoss: null,
      trainAccuracy: Math.min(1, s / 5000),
      testAccuracy: s < 100 ? null : Math.min(1, s / 4000),
    };
    h.record(entry);
  }
  return h;
}

describe('the movie', () => {
  const steps = history(20_000).entries.map((e) => e.step);
  const last = steps[steps.length - 1];

  for (const scale of ['log', 'linear'] as const) {
    it(`plays at a steady pace in ${scale} time and stops at the end`, () => {
      const play = new TimelinePlayback(10);
      play.start(steps, null, scale);
      const shown: number[] = [];
      let now = 1000;
      // 60 frames a second for 12 s: the whole history takes 10 s.
      for (let f = 0; f < 720 && play.playing; f++, now += 1000 / 60)
        shown.push(play.tick(now, steps, scale));
      expect(play.playing).toBe(false);
      // 10 s at 60 frames a second (one more where the sum of frame times rounds below 10 s).
      expect(shown.length).toBeGreaterThanOrEqual(601);
      expect(shown.length).toBeLessThanOrEqual(602);
      expect(shown[0]).toBe(0);
      expect(shown[shown.length - 1]).toBe(steps.length - 1);
      // Never backwards.
      for (let i = 1; i < shown.length; i++) expect(shown[i]).toBeGreaterThanOrEqual(shown[i - 1]);
      // Half the time is half the axis: step ~√last in log time, ~last/2 in linear time.
      const mid = steps[shown[300]];
      const want = scale === 'log' ? Math.expm1(0.5 * Math.log1p(last)) : last / 2;
      expect(Math.abs(mid - want) / want).toBeLessThan(0.02);
      // A stalled frame moves the movie on by at most a quarter of a second.
      play.start(steps, 0, scale);
      play.tick(0, steps, scale);
      play.tick(5000, steps, scale);
      expect(play.fraction).toBeCloseTo(0.025, 6);
    });
  }

  it('starts from the moment shown, and again from the start at the end', () => {
    const play = new TimelinePlayback(10);
    play.start(steps, 300, 'linear');
    expect(play.tick(0, steps, 'linear')).toBe(300);
    play.start(steps, steps.length - 1, 'linear');
    expect(play.tick(0, steps, 'linear')).toBe(0);
    expect(TimelinePlayback.indexAt(1, steps, 'log')).toBe(steps.length - 1);
    expect(TimelinePlayback.indexAt(0, steps, 'log')).toBe(0);
  });
});

describe('the marks', () => {
  it('marks each epoch at its first kept moment, the target reached and a divergence', () => {
    const h = history(20_000);
    const m = timelineMarks(h.entries, 19_000, 0.99);
    // Epochs of 25 steps: every epoch up to step 256 begins at a kept step.
    expect(m.epochSteps.slice(0, 10)).toEqual([25, 50, 75, 100, 125, 150, 175, 200, 225, 250]);
    expect(m.epochs.slice(0, 3)).toEqual([1, 2, 3]);
    for (let i = 0; i < m.epochSteps.length; i++) {
      const e = h.entries.find((x) => x.step === m.epochSteps[i])!;
      expect(e.epoch).toBe(m.epochs[i]);
      expect(h.entries[h.entries.indexOf(e) - 1].epoch).toBeLessThan(e.epoch!);
    }
    // Test accuracy (where known) reaches 0.99 at step 3960.
    const first = h.entries.find((e) => e.step >= 3960)!.step;
    expect(m.targetStep).toBe(first);
    expect(m.divergedAt).toBe(19_000);
    expect(timelineMarks(h.entries, null, 2).targetStep).toBeNull();
  });

  it('thins epoch marks to a minimum spacing in pixels', () => {
    const out = new Int32Array(100);
    const n = thinMarks([0, 2, 5, 6, 12, 13, 30], 6, out);
    expect(Array.from(out.subarray(0, n))).toEqual([0, 3, 4, 6]);
  });
});

describe('timeline bounds, on both sides', () => {
  const kept = [0, 10, 20, 40];

  it('a position exactly between two kept moments shows the earlier; a hair either side, the nearer', () => {
    expect([5, 4.999999, 5.000001, 10, 30, 29.999999, 30.000001].map((s) => nearestIndex(kept, s))).toEqual([
      0, 0, 1, 1, 2, 2, 3,
    ]);
    expect([-1, 0, 40, 41].map((s) => nearestIndex(kept, s))).toEqual([0, 0, 3, 3]);
    // The same moments through the slider's fraction, in linear time: ¼ of 40 is step 10 exactly.
    expect(
      [0.125, 0.125 + 1e-9, 0.25, 0.75, 0.75 + 1e-9].map((f) => TimelinePlayback.indexAt(f, kept, 'linear')),
    ).toEqual([0, 1, 1, 2, 3]);
    // Outside 0..1 the ends.
    expect([-0.5, 1.5].map((f) => TimelinePlayback.indexAt(f, kept, 'linear'))).toEqual([0, 3]);
    expect(TimelinePlayback.indexAt(0.5, [], 'linear')).toBe(-1);
  });

  it('step ↔ fraction: the ends map to each other, in both scales; an empty range is at its end', () => {
    for (const scale of ['log', 'linear'] as const) {
      expect(stepToFraction(0, 40, scale)).toBe(0);
      expect(stepToFraction(40, 40, scale)).toBe(1);
      expect(fractionToStep(1, 40, scale)).toBeCloseTo(40, 9);
      expect(fractionToStep(0, 40, scale)).toBe(0);
      expect(stepToFraction(0, 0, scale)).toBe(1);
      expect(stepToFraction(1, 1, scale)).toBe(1);
    }
    expect(stepToFraction(Math.sqrt(41) - 1, 40, 'log')).toBeCloseTo(0.5, 12);
  });

  it('plays from two moments on, and from the start only at the last moment', () => {
    const play = new TimelinePlayback(10);
    play.start([0], null, 'linear');
    expect(play.playing).toBe(false);
    play.start([0, 10], null, 'linear');
    expect(play.playing).toBe(true);
    play.start(kept, kept.length - 2, 'linear');
    expect(play.fraction).toBe(0.5);
    play.start(kept, kept.length - 1, 'linear');
    expect(play.fraction).toBe(0);
    expect(new TimelinePlayback().tick(0, kept, 'linear')).toBe(-1);
  });

  it('a frame moves the movie by its time, up to a quarter of a second, never back', () => {
    const play = new TimelinePlayback(10);
    const after = (ms: number) => {
      play.start(kept, 0, 'linear');
      play.tick(1000, kept, 'linear');
      play.tick(1000 + ms, kept, 'linear');
      return play.fraction;
    };
    expect(after(249)).toBeCloseTo(0.0249, 12);
    expect(after(250)).toBeCloseTo(0.025, 12);
    expect(after(251)).toBeCloseTo(0.025, 12);
    expect(after(-100)).toBe(0);
  });

  it('stops on the tick that reaches the end exactly, not on the one before', () => {
    const play = new TimelinePlayback(1);
    play.start(kept, 0, 'linear');
    let now = 0;
    play.tick(now, kept, 'linear');
    // Four ticks of 0.25 s reach 1 exactly (quarters add up exactly in binary).
    for (let i = 0; i < 3; i++) play.tick((now += 250), kept, 'linear');
    expect([play.fraction, play.playing]).toEqual([0.75, true]);
    expect(play.tick((now += 250), kept, 'linear')).toBe(3);
    expect([play.fraction, play.playing]).toEqual([1, false]);
  });
});

describe('mark bounds', () => {
  const moment = (step: number, epoch: number, accuracy: number | null): HistoryEntry => ({
    step,
    params: new Float32Array(1),
    moments: null,
    statsStep: step,
    epoch,
    trainLoss: null,
    testLoss: null,
    trainAccuracy: accuracy,
    testAccuracy: null,
  });
  const below = 0.99 - 2 ** -53;

  it('the target is marked where the accuracy reaches it exactly, not a step below it', () => {
    const run = [moment(0, 0, 0.5), moment(1, 0, below), moment(2, 1, 0.99), moment(3, 1, 1)];
    expect(below).toBeLessThan(0.99);
    expect(timelineMarks(run, null, 0.99).targetStep).toBe(2);
    expect(timelineMarks(run.slice(0, 2), null, 0.99).targetStep).toBeNull();
    expect(timelineMarks(run, null, below).targetStep).toBe(1);
  });

  it('an epoch is marked at its first moment, the first epoch and a repeated one not', () => {
    const run = [
      moment(0, 0, null),
      moment(1, 0, null),
      moment(2, 1, null),
      moment(3, 1, null),
      moment(4, 3, null),
    ];
    const m = timelineMarks(run, null, 0.99);
    expect([m.epochSteps, m.epochs]).toEqual([
      [2, 4],
      [1, 3],
    ]);
  });
});

describe('scrub bounds', () => {
  it('a seek rounds to the nearest kept moment (halves up) and stays inside the history', async () => {
    const h = new History({ capacity: 12, dense: 8, epsilon: 0.5 });
    for (let s = 0; s <= 4; s++) h.record({ ...history(0).entries[0], step: s, params: Float32Array.of(s) });
    const shown: number[] = [];
    let playing = true;
    const trainer = { readNow: () => Promise.resolve(null), params: Float32Array.of(-1) };
    const scrub = new TimelineScrub(
      {
        trainer: () => trainer as unknown as Trainer,
        playing: () => playing,
        setPlaying: (p) => (playing = p),
        showParams: (p) => shown.push(p[0]),
        redraw: () => {},
        restoreState: () => Promise.resolve(),
      },
      { history: h } as unknown as HistoryRecorder,
    );
    for (const i of [2.49, 2.5, -0.6, -0.4, 0, 4, 4.4, 4.5, 99]) scrub.seek(i);
    expect(shown).toEqual([2, 3, 0, 0, 0, 4, 4, 4, 4]);
    expect(playing).toBe(false);
    await scrub.goLive();
    expect([scrub.index, playing, shown.at(-1)]).toEqual([null, true, -1]);
  });
});
