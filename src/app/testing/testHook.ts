/**
 * A small window onto the running app for the browser tests and for curious people at the console:
 * `window.__detangle`. It reads the app's state and steers the few things a test needs (slider, play,
 * preset, links, imports, exports, faults), and counts the GPU buffers alive.
 */
import type { App } from '../shell/app';
import { DISPLAY_OPTIONS } from '../../state/commands';
import { copyLink, exportPng, recordVideo, type ExportRecord } from '../io/exports';
import { openLink } from '../io/openExperiment';
import { exportModelWithHistory, importModelTextWithHistory } from '../timeline/historyFiles';
import { recordHistoryVideo } from '../timeline/historyVideo';
import { continueAfterDivergence } from '../runtime/recovery';
import { forwardInto, layerLayout } from '../../view/math/forward';
import { gridInputs } from '../../view/math/grid';
import { KnnRegions } from '../../view/math/knnRegions';
import { bufferCount, liveBuffers } from './bufferCounter';
import { diagramHook, type DiagramHook } from './diagramHook';
import { foldShares } from '../../view/math/foldShares';
import { layerBadges } from '../../view/math/layerBadges';
import { evaluate } from '../../engine/twin';
import type { ParamRef } from '../../engine/paramRef';
import type { SetStats } from '../../engine/types';

export interface DebugHook {
  /** The network diagram (diagramHook.ts). */
  diagram: DiagramHook;
  /** Which backend draws and trains; whether three.js really runs on WebGPU. */
  state(): {
    backend: 'webgpu' | 'webgl2';
    rendererWebGPU: boolean;
    adapter: string;
    step: number;
    layers: number;
    widths: number[];
    position: number;
    dims: number;
    playing: boolean;
    busy: boolean;
    fps: number;
    stepsPerSecond: number;
    vertices: number;
    lossFirst: number;
    lossLatest: number;
    accuracy: number | null;
    testAccuracy: number | null;
    /** The pace: steps per frame (set by the speed probe until a person sets it), and full speed. */
    stepsPerFrame: number;
    fullSpeed: boolean;
    /** True until the speed probe has set the pace (or a person the speed). */
    pacedByProbe: boolean;
    /** The step of the latest loss and accuracy read back, or −1. */
    statsStep: number;
    chartSamples: number;
    /** The point followed through the layers (−1: none). */
    selected: number;
    error: string | null;
    /** The newest message in the banner, or null. */
    notice: string | null;
    /** Every message in the banner, newest first. */
    notices: string[];
    /** Messages shown so far. */
    noticeCount: number;
    dataset: string;
    preset: string;
    learningRate: number;
    batchSize: number;
    gridSize: number;
    /** The current settings as link text (null for a CSV). */
    link: string | null;
    divergedAt: number | null;
    recoveries: number;
    /** The step of the latest snapshot of weights and optimiser state, or −1. */
    snapshotStep: number;
    recording: boolean;
    /** The progress bar: shown, and its fraction. */
    progress: { visible: boolean; fraction: number; text: string };
    lastExport: ExportRecord | null;
    lastLink: string | null;
    /** Live GPU buffers (created − destroyed). */
    gpuBuffers: number;
    /** Whether the weights the views draw with are all finite numbers. */
    drawnFinite: boolean;
    /** Story mode: the story running (its preset, status, length and outcome), or the one left. */
    story: {
      preset: string;
      status: string;
      steps: number;
      outcome: string | null;
      shown: boolean | null;
    } | null;
    storyLeft: string | null;
    /** Misclassified points among those drawn. */
    mistakes: { train: number; test: number };
  };
  setPosition(t: number): void;
  setPlaying(playing: boolean): void;
  setFullSpeed(on: boolean): void;
  /** Training steps per frame when not at full speed. */
  setStepsPerFrame(steps: number): void;
  applyPreset(id: string): Promise<void>;
  /** Opens a preset's story, on another seed if given (as a reader would run it again). */
  openStory(id: string, seed?: number): Promise<void>;
  /** Hidden layer sizes (and optionally one activation); rebuilds the network. */
  setArchitecture(hidden: number[], activation?: string): Promise<void>;
  /** Sets the learning rate as the GUI would. */
  setLearningRate(lr: number): void;
  /** Sets the grid density and points shown (rebuilds the views). */
  setGrid(gridSize: number, maxPoints?: number): Promise<void>;
  /** Clamp to these buffer limits instead of the device's (null: the device's). */
  setBufferLimits(limits: { maxStorageBufferBindingSize: number; maxBufferSize: number } | null): void;
  /** Rebuilds the network from the current settings. */
  rebuild(): Promise<void>;
  /**
   * Positions the GPU's vertex stage computes for grid vertices 0, stride, 2·stride, ... at slider
   * position t (read back from a float render target; CPU path: the CPU positions that are drawn).
   */
  readPositions(t: number, count: number): Promise<number[]>;
  /** The same vertices by the CPU formula from the latest weights read back (for comparison). */
  cpuPositions(t: number, count: number): number[];
  /**
   * A k-NN output's regions, (class, share) per grid vertex: the GPU's buffer the shader colours from, and
   * the CPU's vote (view/math/knnRegions.ts) from the weights read back; null without a k-NN output.
   */
  knnRegions(): Promise<{ gpu: number[]; cpu: number[] } | null>;
  /** Where a data point is drawn in the main view (client pixels), or null. */
  pointOnScreen(index: number): [number, number] | null;
  /** Main camera position (changes when the person orbits). */
  camera(): number[];
  /** Waits for pending rebuilds. */
  idle(): Promise<void>;
  /**
   * Runs `count` frames back to back (the animation loop pauses meanwhile), letting the GPU catch up; the
   * app sees them `frameMs` apart (16 unless given: a slow adapter's frames, for the grid density rule).
   */
  runFrames(count: number, frameMs?: number): Promise<void>;
  /**
   * Holds the page's own animation loop (true) or lets it run again (false). Held, the page draws and
   * trains only in runFrames: a test that steps frames itself, or keeps one page quiet while it uses
   * another, does not share the CPU with frames it never looks at.
   */
  holdFrames(held: boolean): void;
  /** Live GPU buffers by label. */
  liveBuffers(): Record<string, number>;
  /** Destroys the GPU device, as a lost device would go. */
  destroyDevice(): void;
  /** Opens link text as if the address's hash changed. */
  openLink(hash: string): Promise<boolean>;
  /** Imports a model file's text (with its history, if any, onto the timeline). */
  importModelText(text: string, name?: string): Promise<boolean>;
  copyLink(withWeights: boolean): Promise<string | null>;
  exportPng(): Promise<number>;
  recordVideo(options: {
    seconds: number;
    size: string;
    what: 'training' | 'interpolation';
  }): Promise<number>;
  /** The model file the app exports now (with its history). */
  exportModel(): Promise<string | null>;
  /** Saves to local storage now; returns whether it worked. */
  saveNow(): boolean;
  continueAfterDivergence(): void;
  /**
   * What the main view draws at the slider's position: the camera and the screen positions (client
   * pixels) of `count` probe points, as the views report them (null when the views cannot say).
   */
  probe(count: number): unknown;
  /** The weights on the GPU, read back after this call (null while there is no network). */
  readWeights(): Promise<number[] | null>;
  /** Sets a display option of the views by name and applies it (for the view tests). */
  viewOption(name: string, value: unknown): void;
  /** The training history: kept steps, thinning level and ε, bytes held, and the moment shown (null: live). */
  timeline(): {
    steps: number[];
    level: number;
    epsilon: number;
    bytes: number;
    index: number | null;
    /** Reads of kept steps still in flight. */
    busy: boolean;
    /** The history plays as a movie; a video of it records. */
    playing: boolean;
    recording: boolean;
    /** The marks: first kept step of each epoch, the target accuracy first reached, a divergence. */
    epochSteps: number[];
    targetStep: number | null;
    target: number;
    divergedAt: number | null;
    /** The step the loss chart's cursor marks (null: none). */
    chartCursor: number | null;
  };
  /** The step under x (CSS pixels from the loss chart's left edge), as a click there seeks to; null off the plot. */
  chartStepAt(x: number): number | null;
  /** Plays or stops the history as a movie, as ▶ does (the whole history in `seconds`, if given). */
  timelinePlay(seconds?: number): void;
  /** Records the history as a WebM (`seconds` long); resolves with its size in bytes (0: failed). */
  recordHistory(mode: 'layer' | 'sweep', seconds: number, size: string): Promise<number>;
  /** Shows kept moment `index` in every view (pauses training), as dragging the timeline does. */
  scrubTo(index: number): void;
  /** Back to the live state. */
  timelineLive(): Promise<void>;
  /** Trains on from the moment shown (without asking). */
  timelineResume(): Promise<void>;
  /**
   * The fold map as the main view's vertex stage computes it at grid vertices `vertices` and slider
   * position t (signed ratio or area scale, folded 0/1), with the vertices' input coordinates (x, y each);
   * null without a GPU grid.
   */
  readFolds(
    t: number,
    vertices: number[],
  ): Promise<{ ratio: number[]; folded: number[]; input: number[] } | null>;
  /**
   * Per layer, the share of the data's cells folded over or collapsed (CPU, from the weights drawn) and
   * the badges' labels with them; null for data that is not 2-D.
   */
  foldShares(): {
    share: number[];
    folded: number[];
    collapsed: number[];
    cells: number;
    labels: string[];
    /** The data's bounding box: x0, y0, x1, y1. */
    box: number[];
  } | null;
  /** Hand edits through the app's door (as the diagram and the edit panel make them). */
  editParam(ref: ParamRef, value: number, final: boolean): void;
  undoEdit(): void;
  redoEdit(): void;
  /** Opens the typed editor on a parameter (as a click in the diagram will). */
  chooseParam(ref: ParamRef): void;
  /** The value the hand edits know for a parameter (null: none yet), and whether undo and redo can act. */
  editState(ref: ParamRef): { value: number | null; canUndo: boolean; canRedo: boolean; depth: number };
  /** The engine's (or the CPU trainer's) parameters, read back now; and its optimiser moments (null: unread). */
  readParams(): Promise<number[] | null>;
  readMoments(): Promise<number[] | null>;
  /** The accuracy the edit panel shows, and the chart's latest (train, test; null: not shown). */
  shownAccuracy(): {
    panel: { train: number | null; test: number | null } | null;
    chart: { train: number; test: number };
  };
  /** The twin's loss and accuracy over the training and test sets on `params`. */
  twinStats(params: number[]): { train: SetStats; test: SetStats | null } | null;
}

declare global {
  interface Window {
    __detangle?: DebugHook;
  }
}

export function installDebugHook(app: App): void {
  const hook: DebugHook = {
    diagram: diagramHook(app),
    state: () => ({
      backend: app.device ? 'webgpu' : 'webgl2',
      rendererWebGPU:
        (app.views.main.backend as unknown as { isWebGPUBackend?: boolean }).isWebGPUBackend === true,
      adapter: app.adapter,
      step: app.trainer?.step ?? 0,
      layers: app.layers,
      widths: app.views.path?.repWidth.slice() ?? [],
      position: app.settings.position,
      dims: app.views.path?.dimsAt(app.settings.position) ?? 0,
      playing: app.settings.playing,
      busy: app.isBusy,
      fps: app.loop.fps,
      stepsPerSecond: app.loop.stepsPerSecond,
      vertices: app.views.verticesPerFrame,
      lossFirst: app.chart.first('trainSmooth'),
      lossLatest: app.chart.latest('trainSmooth'),
      accuracy: app.trainer?.stats?.train.accuracy ?? null,
      testAccuracy: app.trainer?.stats?.test?.accuracy ?? null,
      stepsPerFrame: app.settings.stepsPerFrame,
      fullSpeed: app.settings.fullSpeed,
      pacedByProbe: app.pacedByProbe,
      statsStep: app.trainer?.stats?.step ?? -1,
      chartSamples: app.chart.length,
      selected: app.views.selected,
      error: app.lastError,
      notice: app.notice.latest,
      notices: app.notice.messages,
      noticeCount: app.notice.shown,
      dataset: app.csvName ?? app.settings.dataset,
      preset: app.settings.preset,
      learningRate: app.settings.learningRate,
      batchSize: app.settings.batchSize,
      gridSize: app.settings.gridSize,
      link: app.linkQuery(),
      divergedAt: app.divergedAt,
      recoveries: app.run.recoveries,
      snapshotStep: app.snapshots.latest?.step ?? -1,
      recording: app.recording !== null,
      progress: { visible: app.progress.visible, fraction: app.progress.fraction, text: app.progress.text },
      lastExport: app.run.lastExport,
      lastLink: app.run.lastLink,
      gpuBuffers: bufferCount.created - bufferCount.destroyed,
      mistakes: { ...app.views.mistakes },
      story: app.stories.run
        ? {
            preset: app.stories.run.story.preset,
            status: app.stories.run.status,
            steps: app.stories.run.steps,
            outcome: app.stories.run.outcome?.text ?? null,
            shown: app.stories.run.outcome?.shown ?? null,
          }
        : null,
      storyLeft: app.stories.left?.story.preset ?? null,
      drawnFinite: app.views.path?.currentParams.every((v) => Number.isFinite(v)) ?? true,
    }),
    setPosition: (t) => app.dispatch({ type: 'setPosition', t }),
    setPlaying: (playing) => app.dispatch({ type: 'setPlaying', playing }),
    setFullSpeed: (on) => app.dispatch({ type: 'setSpeed', speed: on ? 'full' : app.settings.stepsPerFrame }),
    setStepsPerFrame: (steps) => app.dispatch({ type: 'setSpeed', speed: steps }),
    applyPreset: async (id) => {
      app.dispatch({ type: 'applyPreset', id });
      await app.queue(() => {});
    },
    openStory: async (id, seed) => {
      app.dispatch({ type: 'applyPreset', id, seed });
      await app.queue(() => {});
    },
    setArchitecture: async (hidden, activation) => {
      const act = activation ?? app.settings.hidden[0]?.activation ?? 'tanh';
      app.dispatch({
        type: 'setArchitecture',
        hidden: hidden.map((units) => ({ units, activation: act as never })),
      });
      await app.queue(() => {});
    },
    setLearningRate: (lr) => app.dispatch({ type: 'setLearningRate', value: lr }),
    setGrid: async (gridSize, maxPoints) => {
      app.dispatch({ type: 'setGrid', gridSize, ...(maxPoints !== undefined ? { maxPoints } : {}) });
      await app.queue(() => {});
    },
    setBufferLimits: (limits) => {
      app.runtime.limitOverride = limits;
    },
    rebuild: () => app.queue(() => app.rebuildNetwork()),
    readPositions: (t, count) => app.views.readback.readPositions(t, count),
    cpuPositions: (t, count) =>
      app.trainer ? (app.views.state?.gridPositions(t, count, app.trainer.params) ?? []) : [],
    knnRegions: () => knnRegionsOf(app),
    pointOnScreen: (index) =>
      app.trainer ? app.views.screenPosition(index, app.settings.position, app.trainer.params) : null,
    camera: () => app.views.mainRig.camera.position.toArray(),
    idle: () => app.queue(() => {}),
    runFrames: async (count, frameMs = 16) => {
      const held = app.loop.held;
      app.loop.held = true;
      try {
        let now = performance.now();
        for (let i = 0; i < count; i++) {
          now += frameMs;
          app.frame(now);
          // Let readbacks land between frames, and the GPU keep up now and then (never more than a
          // few frames behind, as the browser's own frame pacing would have it).
          await new Promise((r) => setTimeout(r, 0));
          if (i % 8 === 7 && app.device) await app.device.queue.onSubmittedWorkDone();
        }
      } finally {
        app.loop.held = held;
      }
    },
    holdFrames: (held) => {
      app.loop.held = held;
    },
    liveBuffers: () => liveBuffers(),
    destroyDevice: () => app.device?.destroy(),
    openLink: (hash) => openLink(app, hash),
    importModelText: (text, name) => importModelTextWithHistory(app, text, name),
    copyLink: (withWeights) => {
      app.exportOptions.includeWeights = withWeights;
      return copyLink(app);
    },
    exportPng: async () => (await exportPng(app))?.size ?? 0,
    recordVideo: async ({ seconds, size, what }) => {
      Object.assign(app.exportOptions, { videoSeconds: seconds, videoSize: size, videoWhat: what });
      return (await recordVideo(app))?.size ?? 0;
    },
    exportModel: () => exportModelWithHistory(app),
    saveNow: () => app.saver?.saveNow() ?? false,
    continueAfterDivergence: () => continueAfterDivergence(app),
    readWeights: async () => {
      const state = await app.freshState();
      return state ? Array.from(state.params) : null;
    },
    probe: (count) =>
      app.trainer ? app.views.readback.probe(count, app.settings.position, app.trainer.params) : null,
    timeline: () => ({
      steps: app.recorder.history.entries.map((e) => e.step),
      level: app.recorder.history.level,
      epsilon: app.recorder.history.epsilon,
      bytes: app.recorder.history.bytes,
      index: app.scrub.index,
      busy: app.recorder.busy,
      playing: app.timeline.playback.playing,
      recording: app.timeline.video !== null,
      epochSteps: app.timeline.marks?.epochSteps.slice() ?? [],
      targetStep: app.timeline.marks?.targetStep ?? null,
      target: app.timeline.marks?.target ?? NaN,
      divergedAt: app.timeline.marks?.divergedAt ?? null,
      chartCursor: app.chart.cursorStep,
    }),
    chartStepAt: (x) => app.chart.stepAt(x),
    timelinePlay: (seconds) => {
      if (seconds !== undefined) app.timeline.playback.seconds = seconds;
      app.timeline.togglePlay();
    },
    recordHistory: async (mode, seconds, size) => {
      Object.assign(app.exportOptions, { videoSeconds: seconds, videoSize: size });
      return (await recordHistoryVideo(app, mode))?.size ?? 0;
    },
    scrubTo: (index) => app.scrub.seek(index),
    timelineLive: () => app.scrub.goLive(),
    timelineResume: async () => {
      await app.scrub.resume();
      await app.queue(() => {});
    },
    readFolds: (t, vertices) => app.views.readFolds(t, vertices),
    foldShares: () => {
      const spec = app.spec;
      const params = app.views.path?.currentParams;
      const points = app.data?.full.x;
      if (!spec || !params || !points || app.data?.full.inputSize !== 2) return null;
      const r = foldShares(spec, params, points);
      if (!r) return null;
      const labels = layerBadges(spec, params, r.share).map((b) => b.label);
      return {
        share: r.share,
        folded: r.folded,
        collapsed: r.collapsed,
        cells: r.cells,
        labels,
        box: r.box,
      };
    },
    editParam: (ref, value, final) => app.edits.edit(ref, value, final),
    undoEdit: () => app.edits.undo(),
    redoEdit: () => app.edits.redo(),
    chooseParam: (ref) => app.edits.choose(ref),
    editState: (ref) => ({
      value: app.edits.value(ref),
      canUndo: app.edits.canUndo,
      canRedo: app.edits.canRedo,
      depth: app.edits.stack.depth,
    }),
    readParams: async () => (app.trainer ? Array.from((await app.trainer.readNow()).params) : null),
    readMoments: async () => {
      const moments = app.trainer ? (await app.trainer.readNow()).moments : null;
      return moments ? Array.from(moments) : null;
    },
    shownAccuracy: () => ({
      panel: app.edits.panel?.shown ?? null,
      chart: { train: app.chart.latest('trainAcc'), test: app.chart.latest('testAcc') },
    }),
    twinStats: (params) => {
      const spec = app.spec;
      const data = app.data;
      if (!spec || !data) return null;
      const classification = data.train.classes > 0;
      return {
        train: evaluate(spec, params, data.train, classification),
        test: data.test ? evaluate(spec, params, data.test, classification) : null,
      };
    },
    viewOption: (name, value) => {
      const option = DISPLAY_OPTIONS.find((o) => o === name);
      if (option) return app.dispatch({ type: 'setDisplay', option, on: value === true });
      // Not a setting: a probe of the views (the marks the shader read back).
      if (name === 'checkMarks') app.views.checkMarks();
    },
  };
  window.__detangle = hook;
}

/** The GPU's k-NN regions over the grid and the CPU's vote from the same weights (see knnRegions). */
async function knnRegionsOf(app: App): Promise<{ gpu: number[]; cpu: number[] } | null> {
  const model = app.views.model;
  const grid = app.runtime.knnGrid;
  const ref = model?.knnReference;
  if (!model || !grid || !ref || !app.trainer) return null;
  const state = await app.trainer.readNow();
  const gpu = await grid.read(model.grid.count);
  const layout = layerLayout(model.spec, model.grid.count);
  const data = new Float32Array(layout.totalFloats);
  forwardInto(model.spec, state.params, gridInputs(model.grid), model.grid.count, layout, data);
  const cpu = new Float32Array(2 * model.grid.count);
  new KnnRegions(model.spec, ref).compute(state.params, data, layout, model.grid.count, cpu);
  return { gpu: Array.from(gpu), cpu: Array.from(cpu) };
}
