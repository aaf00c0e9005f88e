/**
 * What a story is, as data: its source, what happens, what to look for, the picture it opens on and the one
 * it ends on. DOM-free; stories.ts holds the stories themselves.
 */
import type { Writeup } from './sources';

export interface StorySource extends Writeup {
  /** Which figure, section or cell of the write-up. */
  where: string;
}

/** The picture to open on: a representation (0 = input, L = output, L = number of dense layers) and the slider. */
export interface StoryOpening {
  /** Representation to show and name in the caption: 0 input, l the output of dense layer l. */
  layer: number;
  /** Slider position, 0..L; fractions show a layer half-applied. */
  t: number;
}

export interface Story {
  /** The preset this story runs. */
  preset: string;
  title: string;
  source: StorySource;
  /** Two or three sentences: what the network does on this data. */
  happens: string;
  /** One sentence: where to look and what to see. */
  lookFor: string;
  open: StoryOpening;
  /**
   * The picture the story ends on, when it is not the opening one: for a claim that something cannot be
   * done, the picture where the failure shows (never one where the points are squashed onto a line or
   * the edges of the activation's box). Checked for every story by tests/story-pictures.test.ts.
   */
  end?: StoryEnding;
}

/** The slider position a story ends on, and a sentence that says what that picture shows. */
export interface StoryEnding {
  t: number;
  /** Layers wider than 3 drawn in 2 dimensions (the decision axis across) instead of 3. */
  wideDims?: 2 | 3;
  /** "The input plane with the trained network's boundary: it cuts through both rings." */
  shows: string;
}

/** A source at one place in it: a figure, section or cell. */
export const at = (w: Writeup, where: string): StorySource => ({ ...w, where });
