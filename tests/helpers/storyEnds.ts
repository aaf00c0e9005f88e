/**
 * Every story trained to its end, once per test file, as the app trains it: the story's preset on the
 * preset's own seed, through the experiment path (`runExperiment`, the same engine and kernels the app
 * uses) for `storyLength(...).steps` steps; then what a picture of it needs: the trained weights, the
 * data set (train and test points, as the app puts them on display) and the views' display state for a
 * main view of a given shape, built exactly as the app builds it (grid 64, the story's point cap, the
 * decision-aligned projection).
 *
 * Usage (in a GPU test file): `const ends = storyEnds(gpu.device)`, then `await ends.get(story)` in a
 * test; each story trains at most once per file, whichever test asks first.
 */
import { findPreset } from '../../src/data/presets';
import { datasetBounds } from '../../src/data/split';
import { expandPoints } from '../../src/data/features';
import { makeDataset } from '../../src/data/registry';
import type { Dataset } from '../../src/data/types';
import type { NetworkSpec } from '../../src/engine/spec';
import { experimentFromPreset, prepare, type Experiment } from '../../src/experiment/experiment';
import { runExperiment } from '../../src/experiment/run';
import { pointsOnDisplay, settingsFromPreset } from '../../src/state/settings';
import { storyLength, type Story } from '../../src/story/stories';
import { DisplayState, type ProjectionSettings } from '../../src/view/math/displayState';
import { makeGrid, padBounds } from '../../src/view/math/grid';

/** The main view's shapes (width over height) the pictures are checked at. */
export const ASPECTS = {
  /** The main view of a 1280 x 720 window in story mode (wide and low). */
  storyWindow: 2.2,
  /** A phone held upright. */
  phone: 0.9,
} as const;

/** The points the app puts on display: train then test, with their class and a test flag. */
export interface ShownPoints {
  count: number;
  /** inputSize floats each. */
  coords: Float32Array;
  /** class, test (0 or 1), jitter, 0 per point. */
  info: Float32Array;
  values: Float32Array;
}

/** A story at its end: what every picture of it needs. */
export interface StoryEnd {
  story: Story;
  experiment: Experiment;
  spec: NetworkSpec;
  /** Dense layers: the slider runs 0..layers. */
  layers: number;
  /** Training steps made (the story's length). */
  steps: number;
  /** The trained weights. */
  params: Float32Array;
  train: Dataset;
  test: Dataset | null;
  /** The points the app shows (train and test). */
  points: ShownPoints;
  /** Seconds the training took. */
  seconds: number;
  /** The views' display state for a main view of width over height `aspect` (a fresh one each call). */
  display(aspect: number, preActivation?: boolean, wideDims?: 2 | 3): DisplayState;
}

/** The projection the app opens stories with. */
export const STORY_PROJECTION: ProjectionSettings = {
  mode: 'decision',
  wideDims: 3,
  unitPicks: new Map<number, number[]>(),
};

/** Trains one story to its end on `device`. */
export async function trainStoryEnd(device: GPUDevice, story: Story): Promise<StoryEnd> {
  const preset = findPreset(story.preset);
  const experiment = experimentFromPreset(preset);
  const { steps, epochs } = storyLength(preset);
  const start = performance.now();
  const result = await runExperiment(device, { ...experiment, epochs }, { keepState: true });
  const seconds = (performance.now() - start) / 1000;
  if (!result.state) throw new Error(`${story.preset}: no trained state came back`);
  if (result.final.divergedAtStep !== null) throw new Error(`${story.preset}: diverged`);
  if (result.state.step !== steps) {
    throw new Error(`${story.preset}: trained ${result.state.step} steps, the story has ${steps}`);
  }
  const run = prepare(experiment);
  // The whole data set, as the app generates it: its bounds set the grid.
  const full = makeDataset(experiment.dataset, experiment.params, experiment.dataSeed ?? experiment.seed);
  const settings = settingsFromPreset(preset);
  const points = pointsOnDisplay(run.train, run.test, settings.maxPoints);
  // The lattice spans the data's own coordinates; feature inputs extend its vertices (as the app's runtime).
  const lattice = makeGrid(padBounds(datasetBounds(full), 0.08), full.inputSize, settings.gridSize);
  const features = experiment.features ?? [];
  const grid = features.length
    ? { ...lattice, inputs: expandPoints(features, lattice.points, lattice.count) }
    : lattice;
  const params = result.state.params;
  return {
    story,
    experiment,
    spec: run.spec,
    layers: run.spec.layers.length,
    steps,
    params,
    train: run.train,
    test: run.test,
    points,
    seconds,
    display(aspect: number, preActivation = false, wideDims: 2 | 3 = 3): DisplayState {
      const state = new DisplayState({
        spec: run.spec,
        grid,
        pointCount: points.count,
        pointCoords: points.coords,
        pointInfo: points.info,
        pointValues: points.values,
        classes: full.classes,
      });
      state.path.preActivation = preActivation;
      state.setAspect(aspect);
      state.setParams(params, { ...STORY_PROJECTION, wideDims });
      return state;
    },
  };
}

/** The stories trained on demand, each once: `get(story)` trains it the first time it is asked for. */
export interface StoryEnds {
  get(story: Story): Promise<StoryEnd>;
  /** Seconds of training so far, over every story trained. */
  readonly seconds: number;
}

export function storyEnds(device: GPUDevice): StoryEnds {
  const trained = new Map<string, Promise<StoryEnd>>();
  let seconds = 0;
  return {
    get(story: Story): Promise<StoryEnd> {
      let end = trained.get(story.preset);
      if (!end) {
        end = trainStoryEnd(device, story).then((e) => {
          seconds += e.seconds;
          return e;
        });
        trained.set(story.preset, end);
      }
      return end;
    },
    get seconds() {
      return seconds;
    },
  };
}
