/**
 * Story mode: a preset from the write-ups opens on its picture, trains for the story's length, pauses and
 * says what happened on this run, measured, beside what the write-up claims. Changing the network leaves
 * story mode (the words never describe a network that is not on screen), with a way back. DOM-free.
 */
import type { Stats } from '../engine/types';
import type { Claim } from './claim';
import { claimFor } from './claims';
import { HAND_EDIT, handOutcome, handStoryFor, isHandStory, type HandStory } from './handStory';
import { figuresOf, storyOutcome } from './outcome';
import { endingOf, storyFor, storyLength, type Story, type StoryEnding } from './stories';

export type StoryStatus = 'running' | 'ended' | 'trainedOn';

export interface StoryRun {
  story: Story;
  claim: Claim | null;
  /** The step the story pauses at. */
  steps: number;
  status: StoryStatus;
  /** The sentence from the run, once it ended; whether the claim showed. */
  outcome: { text: string; shown: boolean } | null;
}

/** What the story panel shows. */
export type StoryView =
  | { kind: 'none' }
  | { kind: 'run'; run: StoryRun; step: number }
  | { kind: 'left'; story: Story; why: string };

/**
 * A story by hand checked at a measurement: at every one, also after the check passed (an Undo or another
 * edit can take it back, and the panel must not go on saying "Done"), until the person trains on. Returns
 * whether the check passed at this one after failing before.
 */
function handChecked(run: StoryRun, story: HandStory, stats: Stats): boolean {
  if (run.status === 'trainedOn') return false;
  const { done, text } = handOutcome(story, stats);
  run.outcome = { text, shown: done };
  const was = run.status;
  run.status = done ? 'ended' : 'running';
  return done && was === 'running';
}

export class StoryMode {
  run: StoryRun | null = null;
  /** The story left by a change, and why (for "back to the story"). */
  left: { story: Story; why: string } | null = null;

  /** Starts the story of a preset, if it has one; returns it. */
  start(presetId: string): StoryRun | null {
    // A story by hand keeps training off (zero steps) until its check passes.
    const story = storyFor(presetId) ?? handStoryFor(presetId);
    this.left = null;
    if (!story) {
      this.run = null;
      return null;
    }
    this.run = {
      story,
      claim: claimFor(presetId) ?? null,
      steps: isHandStory(story) ? 0 : storyLength(presetId).steps,
      status: 'running',
      outcome: null,
    };
    return this.run;
  }

  /** Steps a frame may take: none past the story's length while it runs. */
  allowed(step: number, wanted: number): number {
    const run = this.run;
    if (!run || run.status !== 'running') return wanted;
    return Math.max(0, Math.min(wanted, run.steps - step));
  }

  /** Whether training has reached the story's length (time to pause and wait for its statistics). */
  reachedEnd(step: number): boolean {
    return this.run?.status === 'running' && step >= this.run.steps;
  }

  /** Statistics arrived: at the story's length they end it with the outcome from this run. */
  statsArrived(stats: Stats): boolean {
    const run = this.run;
    if (run && isHandStory(run.story)) return handChecked(run, run.story, stats);
    if (!run || run.status !== 'running' || stats.step < run.steps) return false;
    run.status = 'ended';
    const figures = figuresOf(stats);
    run.outcome = run.claim
      ? storyOutcome(run.claim, figures)
      : {
          text: `test accuracy ${((figures.testAccuracy ?? NaN) * 100).toFixed(1)} % on this seed`,
          shown: true,
        };
    return true;
  }

  /** "Train on": training continues past the story's length; the outcome stays on screen. */
  trainOn(): void {
    if (this.run?.status === 'ended') this.run.status = 'trainedOn';
  }

  /** The network changed: the story no longer describes it. Returns whether a story was left. */
  leave(why: string): boolean {
    if (!this.run || (why === HAND_EDIT && isHandStory(this.run.story))) return false;
    this.left = { story: this.run.story, why };
    this.run = null;
    return true;
  }

  view(step: number): StoryView {
    if (this.run) return { kind: 'run', run: this.run, step };
    if (this.left) return { kind: 'left', ...this.left };
    return { kind: 'none' };
  }

  /** The hint the caption shows: only while the story's network is on screen; at its end, its picture's. */
  get lookFor(): string {
    const run = this.run;
    if (!run) return '';
    return run.status === 'running' ? run.story.lookFor : endingOf(run.story).shows;
  }

  /** The picture the story ends on (null without a story). */
  get ending(): StoryEnding | null {
    return this.run ? endingOf(this.run.story) : null;
  }
}
