/** The app shell's pure parts: the pace rule, the full-speed rule, the named commands, the store. */
import { describe, expect, it } from 'vitest';
import { reduce } from '../src/state/commands';
import {
  MAX_BACKLOG,
  MIN_PACE,
  UNTANGLE_SECONDS,
  UNTANGLE_STEPS,
  WATCH_STEPS_PER_SECOND,
  defaultPace,
  fullSpeedSteps,
  gridForSpeed,
  SpeedMeter,
} from '../src/app/shell/pace';
import { freshSettings } from '../src/state/settings';
import { Store, type Topic } from '../src/state/store';

describe('pace from speed', () => {
  it('a fast GPU at 60 frames/s trains at the watchable rate, not at its limit', () => {
    // 400k steps/s, 16.7 ms frames: 40 steps/s need 0.67 steps a frame (a step 2 frames in 3).
    const pace = defaultPace({ stepsPerSecond: 400_000, frameMs: 1000 / 60 });
    expect(pace).toBe(0.66);
    expect(pace * 60).toBeGreaterThanOrEqual(WATCH_STEPS_PER_SECOND * 0.95);
    expect(pace * 60).toBeLessThanOrEqual(WATCH_STEPS_PER_SECOND);
  });

  it('a slow software GPU at 5 frames/s takes more steps a frame, so the story takes as long', () => {
    // 30k steps/s, 200 ms frames: 8 steps a frame (0.3 ms of training, well inside half the frame).
    const pace = defaultPace({ stepsPerSecond: 30_000, frameMs: 200 });
    expect(pace).toBe(8);
    expect(pace * 5).toBe(WATCH_STEPS_PER_SECOND);
  });

  it('where training itself is slow, a frame trains for at most half its time', () => {
    // 60 steps/s, 100 ms frames: 4 steps would take 67 ms; half the frame allows 3.
    expect(defaultPace({ stepsPerSecond: 60, frameMs: 100 })).toBe(3);
  });

  it('never below one step (or the pace’s fraction of one) or above the bound, whatever is measured', () => {
    // 16 ms frames: the pace is 0.64 steps a frame; nothing measured leaves it at that.
    expect(defaultPace({ stepsPerSecond: 0, frameMs: 16 })).toBe(0.64);
    expect(defaultPace({ stepsPerSecond: NaN, frameMs: NaN })).toBe(0.64);
    expect(defaultPace({ stepsPerSecond: 0, frameMs: 100 })).toBe(1);
    expect(defaultPace({ stepsPerSecond: 0, frameMs: 0.001 })).toBe(MIN_PACE);
    expect(defaultPace({ stepsPerSecond: 1e12, frameMs: 1e9 })).toBeLessThanOrEqual(5000);
  });

  // Slow adapters (a software GPU at 1 to 5 frames a second) and fast ones (60 to 240 frames a second).
  it.each([
    ['software, 1 frame/s', 2_000, 1000],
    ['software, 5 frames/s', 30_000, 200],
    ['fast, 60 frames/s', 400_000, 1000 / 60],
    ['fast, 144 frames/s', 400_000, 1000 / 144],
    ['fast, 240 frames/s', 1_000_000, 1000 / 240],
  ])('on a %s adapter the first load untangles over at least 5 s', (_, stepsPerSecond, frameMs) => {
    const perSecond = (defaultPace({ stepsPerSecond, frameMs }) * 1000) / frameMs;
    expect(UNTANGLE_STEPS / perSecond).toBeGreaterThanOrEqual(UNTANGLE_SECONDS);
    // …and not crawling: within a fifth of the watch pace.
    expect(perSecond).toBeGreaterThanOrEqual(WATCH_STEPS_PER_SECOND * 0.8);
  });

  it('coarser grids only where drawing is too slow to watch, in proportion', () => {
    expect(gridForSpeed({ stepsPerSecond: 1e5, frameMs: 16 }, 64)).toBe(64);
    expect(gridForSpeed({ stepsPerSecond: 1e5, frameMs: 250 }, 64)).toBe(64);
    // 1 s a frame: a quarter of the vertices, half the density.
    expect(gridForSpeed({ stepsPerSecond: 1e5, frameMs: 1000 }, 64)).toBe(32);
    // 12 layers of 32 on a software GPU at 256: 5 s a frame.
    expect(gridForSpeed({ stepsPerSecond: 1e3, frameMs: 5000 }, 256)).toBe(56);
    expect(gridForSpeed({ stepsPerSecond: 1e3, frameMs: 1e6 }, 64)).toBe(16);
    expect(gridForSpeed({ stepsPerSecond: 1e3, frameMs: NaN }, 64)).toBe(64);
  });

  it('the speed meter answers only after enough frames and a training speed', () => {
    const m = new SpeedMeter();
    for (let i = 0; i < 7; i++) m.frame(100);
    m.training(20);
    expect(m.probe()).toBeNull();
    m.frame(100);
    expect(m.probe()).toEqual({ stepsPerSecond: 20_000, frameMs: 100 });
    m.reset();
    expect(m.probe()).toBeNull();
  });

  it('the speed meter does not measure the first frame after a reset (it spans the rebuild)', () => {
    const m = new SpeedMeter();
    m.training(20);
    m.frame(3000);
    for (let i = 0; i < 7; i++) m.frame(300);
    expect(m.probe()).toEqual({ stepsPerSecond: 20_000, frameMs: 300 });
    // Counted in the median, the rebuild's frame would make it 200.
    m.reset();
    m.training(20);
    for (const ms of [3000, 100, 100, 100, 100, 300, 300, 300]) m.frame(ms);
    expect(m.probe()?.frameMs).toBe(100);
  });

  it('the speed meter takes the median of the latest frames (slow first frames compile pipelines)', () => {
    const m = new SpeedMeter();
    m.training(20);
    for (const ms of [5, 900, 800, 700, 100, 110, 90, 100, 120]) m.frame(ms);
    expect(m.probe()?.frameMs).toBe(115);
    for (let i = 0; i < 8; i++) m.frame(50);
    expect(m.probe()?.frameMs).toBe(50);
  });
});

describe('full speed', () => {
  const base = { previous: 100, floor: 10, stepsPerMs: 50, budgetMs: 10, backlog: 0 };
  it('moves halfway to what the measured speed fits in the budget, at most fourfold', () => {
    expect(fullSpeedSteps(base)).toBe(0.5 * 100 + 0.5 * 400); // 500 wanted, capped at 4 × 100
    expect(fullSpeedSteps({ ...base, stepsPerMs: 20 })).toBe(150); // 200 wanted
  });
  it('halves when the GPU falls behind, never below the set pace', () => {
    expect(fullSpeedSteps({ ...base, backlog: MAX_BACKLOG + 1 })).toBe(50);
    expect(fullSpeedSteps({ ...base, previous: 12, backlog: MAX_BACKLOG + 1 })).toBe(10);
    expect(fullSpeedSteps({ ...base, backlog: MAX_BACKLOG })).toBe(fullSpeedSteps(base));
  });
  it('grows gently before a measurement', () => {
    expect(fullSpeedSteps({ ...base, stepsPerMs: null })).toBe(125);
  });
});

describe('named commands', () => {
  it('the slider stays within 0 and L, and jumps land on layers', () => {
    const s = freshSettings(true);
    expect(reduce(s, { type: 'setPosition', t: 7 }, 3).topics).toEqual(['position']);
    expect(s.position).toBe(3);
    reduce(s, { type: 'setPosition', t: -1 }, 3);
    expect(s.position).toBe(0);
    reduce(s, { type: 'setPosition', t: NaN }, 3);
    expect(s.position).toBe(0);
    reduce(s, { type: 'setPosition', t: 1.4 }, 3);
    reduce(s, { type: 'jumpLayer', direction: 1 }, 3);
    expect(s.position).toBe(2);
    reduce(s, { type: 'jumpLayer', direction: -1 }, 3);
    expect(s.position).toBe(1);
    reduce(s, { type: 'moveSlider', by: -5 }, 3);
    expect(s.position).toBe(0);
  });

  it('speed: steps per frame within bounds, or full; a bad learning rate is not stored', () => {
    const s = freshSettings(true);
    reduce(s, { type: 'setSpeed', speed: 'full' }, 3);
    expect(s.fullSpeed).toBe(true);
    reduce(s, { type: 'setSpeed', speed: 123456 }, 3);
    expect([s.fullSpeed, s.stepsPerFrame]).toEqual([false, 5000]);
    reduce(s, { type: 'setSpeed', speed: 0 }, 3);
    expect(s.stepsPerFrame).toBe(1);
    expect(reduce(s, { type: 'setLearningRate', value: 0.03 }, 3).effect).toBe('optimizer');
    expect(s.learningRate).toBe(0.03);
    for (const value of [0, -1, NaN, Infinity]) {
      expect(reduce(s, { type: 'setLearningRate', value }, 3).effect).toBe('none');
      expect(s.learningRate).toBe(0.03);
    }
  });

  it('Step pauses training and asks for one step; play toggles', () => {
    const s = freshSettings(true);
    s.playing = true;
    expect(reduce(s, { type: 'step' }, 3)).toEqual({ topics: ['playing'], effect: 'step' });
    expect(s.playing).toBe(false);
    reduce(s, { type: 'togglePlay' }, 3);
    expect(s.playing).toBe(true);
    expect(reduce(s, { type: 'setPlaying', playing: true }, 3).topics).toEqual([]);
  });

  it('playing the layers from the end starts again at the input', () => {
    const s = freshSettings(true);
    s.position = 3;
    reduce(s, { type: 'toggleAnimation' }, 3);
    expect([s.animate, s.position]).toEqual([true, 0]);
  });
});

describe('the store', () => {
  it('calls only the subscribers of the topics that changed', () => {
    const store = new Store({ n: 0 });
    const seen: string[] = [];
    store.subscribe(['playing'], () => seen.push('bar'));
    const off = store.subscribe(['position', 'network'], (_s, t: ReadonlySet<Topic>) =>
      seen.push(`slider:${[...t]}`),
    );
    store.subscribe('*', () => seen.push('all'));
    store.emit('position');
    store.emit('playing', 'pace');
    off();
    store.emit('position');
    store.emit();
    expect(seen).toEqual(['slider:position', 'all', 'bar', 'all', 'all']);
  });
});
