/**
 * Every change a person (or a test) can make, by name. The training bar, the slider, the panel, the
 * keyboard, the notice buttons and the test hook all dispatch these; `reduce` applies the part that is
 * only settings (pure, DOM-free) and names the work left for the app (rebuilds, the trainer).
 */
import { MAX_STEPS_PER_FRAME, MIN_STEPS_PER_FRAME, type Settings } from './settings';
import type { Topic } from './store';

/** A panel change by what it needs rebuilt or re-applied. */
export type Change = 'data' | 'network' | 'optimizer' | 'batch' | 'view' | 'projection' | 'grid' | 'points';

/** Steps per frame, or as fast as the frame allows. */
export type Speed = number | 'full';

export type Command =
  | { type: 'togglePlay' }
  | { type: 'setPlaying'; playing: boolean }
  | { type: 'step' }
  | { type: 'resetWeights' }
  | { type: 'setSpeed'; speed: Speed }
  | { type: 'setLearningRate'; value: number }
  | { type: 'setPosition'; t: number }
  | { type: 'moveSlider'; by: number }
  | { type: 'jumpLayer'; direction: 1 | -1 }
  | { type: 'toggleAnimation' }
  | { type: 'resetCamera' }
  | { type: 'applyPreset'; id: string }
  | { type: 'changed'; what: Change };

export type Dispatch = (command: Command) => void;

/** What the app must still do after `reduce`. */
export type Effect =
  | 'none'
  | 'step'
  | 'resetWeights'
  | 'optimizer'
  | 'resetCamera'
  | 'applyPreset'
  | 'changed'
  | 'animationStarted';

export interface Reduced {
  topics: Topic[];
  effect: Effect;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Applies a command's settings part in place. `layers` is the number of dense layers (the slider runs from
 * 0 to it). Bad numbers (NaN, out of range) are clamped or ignored, never stored.
 */
export function reduce(s: Settings, c: Command, layers: number): Reduced {
  switch (c.type) {
    case 'togglePlay':
      s.playing = !s.playing;
      return { topics: ['playing'], effect: 'none' };
    case 'setPlaying':
      if (s.playing === c.playing) return { topics: [], effect: 'none' };
      s.playing = c.playing;
      return { topics: ['playing'], effect: 'none' };
    case 'step':
      s.playing = false;
      return { topics: ['playing'], effect: 'step' };
    case 'resetWeights':
      return { topics: [], effect: 'resetWeights' };
    case 'setSpeed':
      if (c.speed === 'full') s.fullSpeed = true;
      else if (Number.isFinite(c.speed)) {
        s.fullSpeed = false;
        s.stepsPerFrame = Math.round(clamp(c.speed, MIN_STEPS_PER_FRAME, MAX_STEPS_PER_FRAME));
      } else return { topics: [], effect: 'none' };
      return { topics: ['pace'], effect: 'none' };
    case 'setLearningRate':
      if (!(c.value > 0) || !Number.isFinite(c.value)) return { topics: ['pace'], effect: 'none' };
      s.learningRate = c.value;
      return { topics: ['pace'], effect: 'optimizer' };
    case 'setPosition':
      if (!Number.isFinite(c.t)) return { topics: [], effect: 'none' };
      s.position = clamp(c.t, 0, layers);
      return { topics: ['position'], effect: 'none' };
    case 'moveSlider':
      s.position = clamp(s.position + c.by, 0, layers);
      return { topics: ['position'], effect: 'none' };
    case 'jumpLayer': {
      const t = s.position;
      const next = c.direction > 0 ? Math.floor(t + 1e-6) + 1 : Math.ceil(t - 1e-6) - 1;
      s.position = clamp(next, 0, layers);
      return { topics: ['position'], effect: 'none' };
    }
    case 'toggleAnimation':
      s.animate = !s.animate;
      if (s.animate && s.position >= layers) s.position = 0;
      return { topics: ['animation', 'position'], effect: s.animate ? 'animationStarted' : 'none' };
    case 'resetCamera':
      return { topics: [], effect: 'resetCamera' };
    case 'applyPreset':
      return { topics: [], effect: 'applyPreset' };
    case 'changed':
      return { topics: ['settings'], effect: 'changed' };
  }
}
