/**
 * Every change to the settings, by name: the one door. The training bar, the slider, the panel, the
 * keyboard, the notice buttons, the frame loop, files and links, and the test hook all dispatch these;
 * `reduce` applies the part that is only settings (pure, DOM-free), names the topics it touched and the one
 * piece of work left for the app (a rebuild, the trainer). Nothing else writes the settings or emits a topic.
 */
import type { ParamRef } from '../engine/paramRef';
import type { KnnSpec, Loss } from '../engine/spec';
import { HAND_EDIT } from '../story/handStory';
import { defaultRunStatus, type ExportRecord, type Recording, type RunStatus } from './runStatus';
import {
  MAX_STEPS_PER_FRAME,
  MIN_STEPS_PER_FRAME,
  type HiddenLayer,
  type NetworkView,
  type Projection,
  type Settings,
} from './settings';
import type { Topic } from './store';
import { orderFeatures, type FeatureName } from '../data/features';
import { getDataset } from '../data/registry';

/** A panel change by what it needs rebuilt or re-applied. */
export type Change = 'data' | 'network' | 'optimizer' | 'batch' | 'view' | 'projection' | 'grid' | 'points';

/** The display options that are switched on or off. */
export const DISPLAY_OPTIONS = [
  'showSurface',
  'showGrid',
  'showPoints',
  'showTest',
  'showReferences',
  'showMistakes',
  'showFolds',
  'showField',
  'preActivation',
  'functionView',
] as const;
export type DisplayOption = (typeof DISPLAY_OPTIONS)[number];

/** Steps per frame, or as fast as the frame allows. */
export type Speed = number | 'full';

export type Command =
  | { type: 'togglePlay' }
  | { type: 'setPlaying'; playing: boolean }
  | { type: 'step' }
  | { type: 'resetWeights' }
  | { type: 'setSpeed'; speed: Speed }
  /** `keepStory`: the rate is lowered after a divergence, the network is still the story's. */
  | { type: 'setLearningRate'; value: number; keepStory?: boolean }
  | { type: 'setPosition'; t: number }
  | { type: 'moveSlider'; by: number }
  | { type: 'jumpLayer'; direction: 1 | -1 }
  | { type: 'toggleAnimation' }
  | { type: 'resetCamera' }
  /** A preset, in story mode where it has a story (on `seed` instead of its own, if given). */
  | { type: 'applyPreset'; id: string; seed?: number }
  | { type: 'changed'; what: Change }
  /** Another dataset picked in the panel: its own parameters and output layer, new data and network. */
  | { type: 'pickDataset' }
  /**
   * The slider moved by itself (it plays, or a video films the interpolation). `silent`: a video of the
   * history sweeps it every frame, and the controls are not redrawn for that.
   */
  | { type: 'slide'; t: number; silent?: boolean }
  /** What a recording films: training on or off, the slider's play and position. */
  | { type: 'setPlayback'; playing?: boolean; animate?: boolean; position?: number }
  /** Whole new settings (a link, a model or CSV file, a fresh start, or the old ones back after a failure). */
  | { type: 'replaceSettings'; settings: Settings }
  /** Hidden layers set by hand (the preset no longer describes them); rebuilds the network. */
  | { type: 'setArchitecture'; hidden: HiddenLayer[] }
  /**
   * The loss and the output it implies (`knn` null), or colah's k-NN output over `units` linear units
   * (loss ce); rebuilds the network.
   */
  | { type: 'setOutput'; loss: Loss; knn: KnnSpec | null; units?: number }
  /** One display option on or off (as its checkbox in the panel does). */
  | { type: 'setDisplay'; option: DisplayOption; on: boolean }
  /** Grid density (the person's choice) and points shown; rebuilds the views. */
  | { type: 'setGrid'; gridSize: number; maxPoints?: number }
  /** The speed probe's pace (until a person sets the speed). */
  | { type: 'probedPace'; stepsPerFrame: number }
  /** The device cannot hold the grid asked for: the largest that fits (said after the rebuild). */
  | { type: 'fitGrid'; gridSize: number }
  /** The speed probe found drawing too slow: a coarser grid (the person's choice is kept). */
  | { type: 'lowerGrid'; gridSize: number }
  /** Frames are quick enough again: a finer grid, towards the person's choice and never above it. */
  | { type: 'raiseGrid'; gridSize: number }
  /** Training diverged at `step` (null: dealt with, by going on or by new weights). */
  | { type: 'setDiverged'; step: number | null }
  /** The device was lost (true) or its replacement runs (false). */
  | { type: 'setDeviceLost'; lost: boolean }
  /** A video starts (null: it ended). */
  | { type: 'setRecording'; recording: Recording | null }
  /** A failure to show (null: the last rebuild worked). */
  | { type: 'setError'; message: string | null }
  /** A link was made, or a file offered for download. */
  | { type: 'linked'; url: string }
  | { type: 'exported'; file: ExportRecord }
  /** How layers wider than 3 are drawn, and in how many dimensions (a story's end picture chooses them). */
  | { type: 'setProjection'; projection?: Projection; wideDims?: 2 | 3 }
  /** The strip of layer views, the network diagram, or both. */
  | { type: 'setNetworkView'; view: NetworkView }
  /** Presenting mode on or off (a button, F and Esc, `present=1` in a link). */
  | { type: 'setPresenting'; on: boolean }
  /** The run moved on or its status changed (step, epoch, speeds; playing, diverged, busy; a new network). */
  | { type: 'runChanged'; topics: Topic[] }
  /** Feature inputs on or off (the Features toggles): the data is expanded again, a new network. */
  | { type: 'setFeatures'; features: FeatureName[] }
  // Hand edits (app/shell/paramEdits.ts): each pauses training; the next Play resets the optimiser's moments.
  /** One parameter set by hand; `final`: the gesture (a drag) ends, making one undo entry. */
  | { type: 'editParam'; ref: ParamRef; value: number; final: boolean }
  | { type: 'undoEdit' }
  | { type: 'redoEdit' };

export type Dispatch = (command: Command) => void;

/** What the app must still do after `reduce`: the one piece of work a command leaves. */
export type Effect =
  | 'none'
  | 'step'
  | 'resetWeights'
  | 'optimizer'
  | 'batch'
  | 'resetCamera'
  | 'applyPreset'
  /** New data (the CSV is dropped) and network. */
  | 'newData'
  | 'newNetwork'
  | 'newViews'
  /** The display options go to the views (and the legend); `projection`: and the projections. */
  | 'viewSettings'
  | 'projection'
  /** The panel shows settings replaced whole. */
  | 'refreshPanel'
  /** A hand edit, its undo or redo; or training goes on after one, with fresh optimiser moments. */
  | 'edit';

/** What each panel change leaves for the app. */
const CHANGE_EFFECT: Record<Change, Effect> = {
  data: 'newData',
  network: 'newNetwork',
  grid: 'newViews',
  points: 'newViews',
  optimizer: 'optimizer',
  batch: 'batch',
  view: 'viewSettings',
  projection: 'projection',
};

export interface Reduced {
  topics: Topic[];
  effect: Effect;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Applies a command's part in the state (the settings, the run's status) in place. `layers` is the number of dense layers (the slider runs from
 * 0 to it). Bad numbers (NaN, out of range) are clamped or ignored, never stored.
 */
export function reduce(
  s: Settings,
  c: Command,
  layers: number,
  run: RunStatus = defaultRunStatus(),
): Reduced {
  switch (c.type) {
    case 'togglePlay':
      s.playing = !s.playing;
      return { topics: ['playing'], effect: s.playing ? afterEdits(run) : 'none' };
    case 'setPlaying':
      if (s.playing === c.playing) return { topics: [], effect: 'none' };
      s.playing = c.playing;
      return { topics: ['playing'], effect: s.playing ? afterEdits(run) : 'none' };
    case 'step':
      s.playing = false;
      return { topics: ['playing'], effect: run.handEdited ? afterEdits(run) : 'step' };
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
      return { topics: ['animation', 'position'], effect: 'none' };
    case 'resetCamera':
      return { topics: [], effect: 'resetCamera' };
    case 'applyPreset':
      return { topics: [], effect: 'applyPreset' };
    case 'changed':
      // New data names its own output layer again.
      if (c.what === 'data' && !s.knn) s.output = null;
      // The View controls set the density the person chooses.
      if (c.what === 'grid') s.chosenGrid = s.gridSize;
      return { topics: ['settings'], effect: CHANGE_EFFECT[c.what] };
    case 'pickDataset':
      s.datasetParams = {};
      s.output = null;
      // Feature inputs extend 2-D points only.
      if (getDataset(s.dataset).inputSize !== 2) s.features = [];
      return { topics: ['settings'], effect: 'newData' };
    case 'slide':
      s.position = c.t;
      return { topics: c.silent ? [] : ['position'], effect: 'none' };
    case 'setPlayback':
      if (c.playing !== undefined) s.playing = c.playing;
      if (c.animate !== undefined) s.animate = c.animate;
      if (c.position !== undefined) s.position = c.position;
      return { topics: ['playing', 'animation', 'position'], effect: 'none' };
    case 'replaceSettings':
      Object.assign(s, c.settings);
      return { topics: ['settings'], effect: 'refreshPanel' };
    case 'setArchitecture':
      s.hidden = c.hidden;
      s.preset = '';
      return { topics: ['settings'], effect: 'newNetwork' };
    case 'setOutput':
      s.loss = c.knn ? 'ce' : c.loss;
      s.knn = c.knn ? { k: c.knn.k, epsilon: c.knn.epsilon } : null;
      s.output = c.knn
        ? { units: Math.max(1, Math.round(c.units ?? s.output?.units ?? 2)), activation: 'linear' }
        : null;
      s.preset = '';
      return { topics: ['settings'], effect: 'newNetwork' };
    case 'setDisplay':
      s[c.option] = c.on;
      return { topics: ['settings'], effect: 'viewSettings' };
    case 'setGrid':
      s.gridSize = c.gridSize;
      s.chosenGrid = c.gridSize;
      if (c.maxPoints !== undefined) s.maxPoints = c.maxPoints;
      return { topics: ['settings'], effect: 'newViews' };
    case 'probedPace':
      s.stepsPerFrame = c.stepsPerFrame;
      return { topics: ['pace'], effect: 'none' };
    case 'fitGrid':
      s.gridSize = c.gridSize;
      return { topics: ['settings'], effect: 'none' };
    case 'lowerGrid':
      s.gridSize = c.gridSize;
      return { topics: ['settings'], effect: 'newViews' };
    case 'raiseGrid': {
      const grid = Math.min(Math.round(c.gridSize), Math.round(s.chosenGrid));
      if (!(grid > s.gridSize)) return { topics: [], effect: 'none' };
      s.gridSize = grid;
      return { topics: ['settings'], effect: 'newViews' };
    }
    case 'setDiverged':
      run.divergedAt = c.step;
      return { topics: ['playing'], effect: 'none' };
    case 'setDeviceLost':
      if (!c.lost && run.deviceLost) run.recoveries++;
      run.deviceLost = c.lost;
      return { topics: ['playing'], effect: 'none' };
    case 'setRecording':
      run.recording = c.recording;
      return { topics: [], effect: 'none' };
    case 'setError':
      run.lastError = c.message;
      return { topics: [], effect: 'none' };
    case 'linked':
      run.lastLink = c.url;
      return { topics: [], effect: 'none' };
    case 'exported':
      run.lastExport = c.file;
      return { topics: [], effect: 'none' };
    case 'setProjection':
      if (c.projection !== undefined) s.projection = c.projection;
      if (c.wideDims !== undefined) s.wideDims = c.wideDims;
      return { topics: ['settings'], effect: 'projection' };
    case 'setNetworkView':
      if (!['strip', 'diagram', 'both'].includes(c.view)) return { topics: [], effect: 'none' };
      s.networkView = c.view;
      return { topics: ['settings'], effect: 'viewSettings' };
    case 'setPresenting':
      if (run.presenting === c.on) return { topics: [], effect: 'none' };
      run.presenting = c.on;
      return { topics: ['presenting'], effect: 'none' };
    case 'runChanged':
      // A new network has no hand-set weights.
      if (c.topics.includes('network')) run.handEdited = false;
      return { topics: c.topics, effect: 'none' };
    case 'setFeatures': {
      const features = orderFeatures(c.features);
      if (features.join() === s.features.join()) return { topics: [], effect: 'none' };
      // Feature inputs are functions of x₁ and x₂: data that is not 2-D takes none.
      if (features.length && getDataset(s.dataset).inputSize !== 2) return { topics: [], effect: 'none' };
      s.features = features;
      s.preset = '';
      return { topics: ['settings'], effect: 'newNetwork' };
    }
    case 'editParam':
      if (!Number.isFinite(c.value)) return { topics: [], effect: 'none' };
      return handEdit(s, run);
    case 'undoEdit':
    case 'redoEdit':
      return handEdit(s, run);
  }
}

/** A hand edit pauses training; the next Play resets the optimiser's moments. */
function handEdit(s: Settings, run: RunStatus): Reduced {
  s.playing = false;
  run.handEdited = true;
  return { topics: ['playing', 'edits'], effect: 'edit' };
}

/** Training goes on: after hand edits, from fresh optimiser moments (once). */
function afterEdits(run: RunStatus): Effect {
  if (!run.handEdited) return 'none';
  run.handEdited = false;
  return 'edit';
}

/** Why a command takes the network away from the story it was in (null: it does not). */
export function storyLeavingReason(c: Command): string | null {
  if (c.type === 'editParam' || c.type === 'undoEdit' || c.type === 'redoEdit') return HAND_EDIT;
  if (c.type === 'setLearningRate') return c.keepStory ? null : 'The learning rate changed';
  if (c.type === 'pickDataset') return 'The data changed';
  if (c.type === 'setArchitecture' || c.type === 'setOutput') return 'The network changed';
  if (c.type === 'setFeatures') return 'The feature inputs changed';
  if (c.type === 'changed' && ['data', 'network', 'optimizer', 'batch'].includes(c.what)) {
    return c.what === 'data'
      ? 'The data changed'
      : c.what === 'network'
        ? 'The network changed'
        : 'Training settings changed';
  }
  return null;
}
