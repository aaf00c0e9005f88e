/**
 * Playing the history as a movie (a steady pace in log or linear time, stopping at the end) and the marks
 * on the timeline (epochs, the target accuracy first reached, a divergence; epoch marks thinned to the width).
 */
import { describe, expect, it } from 'vitest';
import { History, type HistoryEntry } from '../src/history/history';
import { timelineMarks } from '../src/app/timeline/timelineMarks';
import { thinMarks } from '../src/ui/timeline';
import { TimelinePlayback } from '../src/app/timeline/timelinePlayback';

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
