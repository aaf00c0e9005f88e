/**
 * Stories done by hand: training is off, the person sets the weights (the edit panel, the diagram), and
 * the story's check says on screen when it is done. DOM-free; story mode runs them beside the write-ups'.
 */
import type { Stats } from '../engine/types';
import { COLAH } from './sources';
import type { Story } from './stories';

/** Why a story is left when a weight is set by hand (a story by hand stays). */
export const HAND_EDIT = 'A weight was set by hand';

export interface HandStory extends Story {
  /** What to do, in a few sentences (shown while the story runs). */
  task: string;
  /** Done when the test accuracy (the training set's without one) reaches this. */
  doneAt: number;
}

export const HAND_STORIES: readonly HandStory[] = [
  {
    preset: 'rings-by-hand',
    title: 'Separate the rings by hand with three units',
    source: {
      ...COLAH,
      where:
        '“Topology of tanh Layers”: a hidden layer of three units can separate a disk from the ring around it, and two cannot',
    },
    happens:
      'Each tanh unit of the hidden layer is a line across the plane: near +1 on one side, near −1 on the ' +
      'other. The output unit adds the three up, so it can answer “inside all three lines”, which is a ' +
      'triangle; one triangle around the inner ring leaves the outer ring outside.',
    lookFor:
      'In the input plane each unit’s line is where its value changes sign; the decision boundary closes into a triangle around the inner ring.',
    task:
      'Training is off: set the weights yourself (“Set a weight by hand” in the panel, or drag the diagram’s ' +
      'edges). Each tanh unit is a line: its two input weights turn it, its bias slides it. Put the three ' +
      'lines between the rings so they make a triangle around the inner ring, with each unit positive ' +
      'inside; then give the output unit negative weights and a bias of about twice their size, so “inside ' +
      'all three” is the inner ring’s class. Done at 95 % test accuracy: two lines reach at most 83 %.',
    open: { layer: 0, t: 0 },
    doneAt: 0.95,
  },
];

export function handStoryFor(presetId: string): HandStory | undefined {
  return HAND_STORIES.find((s) => s.preset === presetId);
}

export function isHandStory(story: Story): story is HandStory {
  return 'doneAt' in story;
}

/** Whether the weights measured in `stats` do what the story asks, and the sentence that says so. */
export function handOutcome(story: HandStory, stats: Stats): { done: boolean; text: string } {
  const set = stats.test ?? stats.train;
  const accuracy = set.accuracy ?? 0;
  const done = stats.divergedAtStep === null && accuracy >= story.doneAt;
  const figure = `${stats.test ? 'test' : 'training'} accuracy ${(accuracy * 100).toFixed(1)} %`;
  return done
    ? { done, text: `Done: ${figure}, at least ${(story.doneAt * 100).toFixed(0)} %. The rings are apart.` }
    : { done, text: `Not yet: ${figure}; the check asks for ${(story.doneAt * 100).toFixed(0)} %.` };
}
