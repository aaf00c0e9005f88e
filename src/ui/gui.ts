/**
 * The control panel (lil-gui): data, network, training and view settings. It edits the settings object
 * in place and tells the app what changed; the app decides what to rebuild.
 */
import GUI, { type Controller } from 'lil-gui';
import { OPTIMIZERS } from '../engine/spec';
import { DATASET_NAMES, getDataset } from '../data/registry';
import { PRESETS } from '../data/presets';
import { addFeatureToggles, type FeatureToggles } from './featureToggles';
import { buildNetworkFolder } from './networkFolder';
import type { Dispatch } from '../state/commands';
import type { NetworkView, Settings } from '../state/settings';

/** Choices of the Share & export folder (not part of the experiment). */
export interface ExportOptions {
  /** Put the trained weights in copied links. */
  includeWeights: boolean;
  /** "W x H" of the video, or "view" for the main view's own size. */
  videoSize: string;
  videoSeconds: number;
  videoWhat: 'training' | 'interpolation';
}

export const VIDEO_SIZES: Record<string, string> = {
  'as shown': 'view',
  '640 × 360': '640x360',
  '1280 × 720': '1280x720',
  '1920 × 1080': '1920x1080',
  '1080 × 1080': '1080x1080',
};

export interface GuiHandlers {
  /** Named changes (commands.ts): settings changed here, presets, the slider, the camera. */
  dispatch: Dispatch;
  uploadCsv(file: File): void;
  /** The coordinates of the points trained on: a loaded CSV file's, else the dataset's. */
  dataInputSize(): number;
  importModel(file: File): void;
  copyLink(): void;
  startFresh(): void;
  exportPng(): void;
  recordVideo(): void;
  exportModel(): void;
}

export class ControlPanel {
  readonly gui: GUI;
  private readonly settings: Settings;
  private readonly handlers: GuiHandlers;
  private dataParams: GUI | null = null;
  private network: GUI | null = null;
  private readonly viewFolder: GUI;
  private readonly positionController: Controller;
  private layerSelect: Controller | null = null;
  private unitFolder: GUI | null = null;
  private readonly layerState = { layer: 0 };
  private readonly functionViewController: Controller;
  private readonly animateController: Controller;
  private readonly presetState: { preset: string };
  private readonly fileInput: HTMLInputElement;
  private readonly modelInput: HTMLInputElement;
  private readonly dataFolder: GUI;
  private readonly features: FeatureToggles;
  private readonly recordController: Controller;
  private layerNames: string[] = [];

  constructor(
    container: HTMLElement,
    settings: Settings,
    handlers: GuiHandlers,
    exportOptions: ExportOptions,
  ) {
    this.settings = settings;
    this.handlers = handlers;
    // Styles come from lil-gui's stylesheet, imported with ours: the Content-Security-Policy allows no
    // style elements made by scripts.
    const gui = new GUI({ container, title: 'Controls', injectStyles: false });
    this.gui = gui;

    // Presets.
    this.presetState = { preset: settings.preset };
    const presetOptions: Record<string, string> = { '(custom)': '' };
    for (const p of PRESETS) presetOptions[p.title] = p.id;
    gui
      .add(this.presetState, 'preset', presetOptions)
      .name('Preset')
      .onChange((id: string) => id && handlers.dispatch({ type: 'applyPreset', id }));

    // Data.
    const data = gui.addFolder('Data');
    this.dataFolder = data;
    data
      .add(settings, 'dataset', [...DATASET_NAMES])
      .name('dataset')
      .onChange(() => {
        handlers.dispatch({ type: 'pickDataset' });
        this.buildDataParams();
        this.features.refresh();
        this.custom();
      });
    this.fileInput = fileInput(container, 'csv-file', '.csv,text/csv,text/plain', (f) =>
      handlers.uploadCsv(f),
    );
    this.modelInput = fileInput(container, 'model-file', '.json,application/json', (f) =>
      handlers.importModel(f),
    );
    data.add({ upload: () => this.fileInput.click() }, 'upload').name('Upload CSV…');
    data
      .add(settings, 'testSplit', 0, 0.9, 0.05)
      .name('test fraction')
      .onFinishChange(() => handlers.dispatch({ type: 'changed', what: 'data' }));
    data
      .add(settings, 'seed', 1, 9999, 1)
      .name('seed')
      .onFinishChange(() => handlers.dispatch({ type: 'changed', what: 'data' }));
    data
      .add(settings, 'maxPoints', 100, 20000, 100)
      .name('points shown')
      .onFinishChange(() => handlers.dispatch({ type: 'changed', what: 'points' }));
    this.buildDataParams();
    this.features = addFeatureToggles(
      data,
      settings,
      handlers.dispatch,
      () => this.custom(),
      () => handlers.dataInputSize(),
    );

    this.buildNetwork();

    // Training.
    const train = gui.addFolder('Training');
    train
      .add(settings, 'optimizer', [...OPTIMIZERS])
      .name('optimiser')
      .onChange(() => this.custom() || handlers.dispatch({ type: 'changed', what: 'optimizer' }));
    train
      .add(settings, 'batchSize', 1, 1024, 1)
      .name('batch size')
      .onFinishChange(() => this.custom() || handlers.dispatch({ type: 'changed', what: 'batch' }));
    train
      .add(settings, 'l2', 0, 0.1, 0.0001)
      .name('L2 penalty')
      .onFinishChange(() => this.custom() || handlers.dispatch({ type: 'changed', what: 'optimizer' }));
    train
      .add(settings, 'l1', 0, 0.1, 0.0001)
      .name('L1 penalty')
      .onFinishChange(() => this.custom() || handlers.dispatch({ type: 'changed', what: 'optimizer' }));
    // Settings kept from before the contractive penalty existed lack it: 0 is off.
    settings.contractive ??= 0;
    train
      .add(settings, 'contractive', 0, 1, 0.0001)
      .name('contractive penalty')
      .onFinishChange(() => this.custom() || handlers.dispatch({ type: 'changed', what: 'optimizer' }));
    // Play, step, reset, speed and learning rate are in the training bar above the views.

    // View.
    const view = gui.addFolder('View');
    this.viewFolder = view;
    this.positionController = view
      .add(settings, 'position', 0, 1, 0.001)
      .name('position')
      .onChange((t: number) => handlers.dispatch({ type: 'setPosition', t }));
    this.animateController = view
      .add({ animate: () => handlers.dispatch({ type: 'toggleAnimation' }) }, 'animate')
      .name('Play interpolation');
    view.add(settings, 'animationSpeed', 0.05, 2, 0.05).name('layers / second');
    view
      .add(settings, 'gridSize', 8, 1024, 1)
      .name('grid density')
      .onFinishChange(() => handlers.dispatch({ type: 'changed', what: 'grid' }));
    view
      .add(settings, 'projection', {
        'decision-aligned': 'decision',
        'principal components': 'pca',
        'chosen units': 'units',
      })
      .name('wide layers')
      .onChange(() => {
        this.buildUnitPicker();
        handlers.dispatch({ type: 'changed', what: 'projection' });
      });
    view
      .add(settings, 'wideDims', { '3-D': 3, '2-D': 2 })
      .name('wide layer dims')
      .onChange(() => handlers.dispatch({ type: 'changed', what: 'projection' }));
    view
      .add(settings, 'showSurface')
      .name('shaded surface')
      .onChange(() => handlers.dispatch({ type: 'changed', what: 'view' }));
    view
      .add(settings, 'showGrid')
      .name('grid lines')
      .onChange(() => handlers.dispatch({ type: 'changed', what: 'view' }));
    view
      .add(settings, 'showPoints')
      .name('points')
      .onChange(() => handlers.dispatch({ type: 'changed', what: 'view' }));
    view
      .add(settings, 'showFolds')
      .name('fold & stretch map')
      .onChange(() => handlers.dispatch({ type: 'changed', what: 'view' }));
    settings.showField ??= true;
    view
      .add(settings, 'showField')
      .name('vector field arrows')
      .onChange(() => handlers.dispatch({ type: 'changed', what: 'view' }));
    view
      .add(settings, 'showMistakes')
      .name('mark mistakes')
      .onChange(() => handlers.dispatch({ type: 'changed', what: 'view' }));
    this.functionViewController = view
      .add(settings, 'functionView')
      .name('1-D: curves over the input')
      .onChange(() => handlers.dispatch({ type: 'changed', what: 'view' }));
    settings.preActivation ??= false;
    view
      .add(settings, 'preActivation')
      .name('pre-activation z')
      .onChange(() => handlers.dispatch({ type: 'changed', what: 'view' }));
    view
      .add(settings, 'showReferences')
      .name('axes and range')
      .onChange(() => handlers.dispatch({ type: 'changed', what: 'view' }));
    view
      .add(settings, 'showTest')
      .name('test points')
      .onChange(() => handlers.dispatch({ type: 'changed', what: 'view' }));
    // The strip of layer views, the network diagram, or both under the main view.
    settings.networkView ??= 'strip';
    view
      .add(settings, 'networkView', { 'layer strip': 'strip', 'network diagram': 'diagram', both: 'both' })
      .name('network shown as')
      .onChange((v: NetworkView) => handlers.dispatch({ type: 'setNetworkView', view: v }));
    view.add({ reset: () => handlers.dispatch({ type: 'resetCamera' }) }, 'reset').name('Reset camera (R)');

    // Share, export, import.
    const share = gui.addFolder('Share & export');
    share.add(exportOptions, 'includeWeights').name('link with weights');
    share.add({ copy: () => handlers.copyLink() }, 'copy').name('Copy link');
    share.add({ png: () => handlers.exportPng() }, 'png').name('Save picture (PNG)');
    share
      .add(exportOptions, 'videoWhat', { training: 'training', interpolation: 'interpolation' })
      .name('video of');
    share.add(exportOptions, 'videoSize', VIDEO_SIZES).name('video size');
    share.add(exportOptions, 'videoSeconds', 1, 60, 1).name('video seconds');
    this.recordController = share
      .add({ video: () => handlers.recordVideo() }, 'video')
      .name('Record video (WebM)');
    share.add({ model: () => handlers.exportModel() }, 'model').name('Export model (JSON)');
    share.add({ model: () => this.modelInput.click() }, 'model').name('Import model (JSON)…');
    share.add({ fresh: () => handlers.startFresh() }, 'fresh').name('Start fresh (forget saved)');
  }

  /** While a video records, its button is disabled. */
  setRecording(recording: boolean): void {
    this.recordController.enable(!recording);
  }

  /** Names of the representations, for "layer in main view". */
  setLayers(names: string[]): void {
    this.layerNames = names;
    // The choice between curves and the bent line only means something for a 1-D input.
    this.functionViewController.show(this.layerWidths[0] === 1);
    this.positionController.max(names.length - 1);
    this.layerSelect?.destroy();
    const options: Record<string, number> = {};
    names.forEach((n, i) => (options[n] = i));
    const state = this.layerState;
    state.layer = Math.round(this.settings.position);
    this.layerSelect = this.viewFolder
      .add(state, 'layer', options)
      .name('layer in main view')
      .onChange((i: number) => this.handlers.dispatch({ type: 'setPosition', t: Number(i) }));
    this.layerSelect.domElement.parentElement?.prepend(this.layerSelect.domElement);
    this.buildUnitPicker();
  }

  /** Units to show for wide layers (chosen-units mode): one picker per wide representation. */
  private buildUnitPicker(): void {
    this.unitFolder?.destroy();
    this.unitFolder = null;
    if (this.settings.projection !== 'units') return;
    const wide = this.layerWidths.map((w, r) => ({ w, r })).filter(({ w }) => w > 3);
    if (wide.length === 0) return;
    const folder = this.viewFolder.addFolder('Units shown (wide layers)');
    for (const { w, r } of wide) {
      const picks = this.unitPicks.get(r) ?? [0, 1, 2];
      this.unitPicks.set(r, picks);
      const state = { x: picks[0] + 1, y: picks[1] + 1, z: picks[2] + 1 };
      for (const axis of ['x', 'y', 'z'] as const) {
        folder
          .add(state, axis, 1, w, 1)
          .name(`${this.layerNames[r] ?? `layer ${r}`} ${axis}`)
          .onChange(() => {
            picks[0] = state.x - 1;
            picks[1] = state.y - 1;
            picks[2] = state.z - 1;
            this.handlers.dispatch({ type: 'changed', what: 'projection' });
          });
      }
    }
    this.unitFolder = folder;
  }

  /** Widths of the representations (set by the app with the layer names). */
  layerWidths: number[] = [];
  /** Shared with the views: units picked per wide representation. */
  unitPicks = new Map<number, number[]>();

  private buildDataParams(): void {
    this.dataParams?.destroy();
    const def = getDataset(this.settings.dataset);
    const folder = this.dataFolder.addFolder(`${def.title} parameters`);
    for (const [name, spec] of Object.entries(def.params)) {
      if (!(name in this.settings.datasetParams)) this.settings.datasetParams[name] = spec.default;
      const step = spec.integer ? 1 : niceStep(spec.max - spec.min);
      const max = name === 'samples' ? Math.min(spec.max, 100000) : spec.max;
      folder
        .add(this.settings.datasetParams, name, spec.min, max, step)
        .name(name)
        .onFinishChange(() => {
          this.custom();
          this.handlers.dispatch({ type: 'changed', what: 'data' });
        });
    }
    folder.close();
    this.dataParams = folder;
  }

  /** The Network folder (networkFolder.ts): the hidden layers, the loss and the output. */
  buildNetwork(): void {
    this.network?.destroy();
    const folder = this.gui.addFolder('Network');
    // Keep the folder order: after Data.
    this.dataFolder.domElement.after(folder.domElement);
    this.network = folder;
    buildNetworkFolder(folder, {
      settings: this.settings,
      dispatch: this.handlers.dispatch,
      custom: () => this.custom(),
      rebuild: () => this.buildNetwork(),
    });
  }

  /** Marks the settings as no longer a preset. Returns false so it can be chained with ||. */
  private custom(): false {
    this.presetState.preset = '';
    this.gui.controllersRecursive().forEach((c) => c.property === 'preset' && c.updateDisplay());
    return false;
  }

  /** After the app changed settings itself (preset, keyboard): refresh every control. */
  refresh(): void {
    this.presetState.preset = this.settings.preset;
    this.buildDataParams();
    this.features.refresh();
    this.buildNetwork();
    this.gui.controllersRecursive().forEach((c) => c.updateDisplay());
  }

  /** After the app changed a value the controls show (the learning rate, the grid density). */
  updateDisplay(): void {
    this.gui.controllersRecursive().forEach((c) => c.updateDisplay());
  }

  setAnimating(animating: boolean): void {
    this.animateController.name(animating ? 'Stop interpolation' : 'Play interpolation');
  }

  /** The slider moved: its number and "layer in main view" follow (the nearest layer). */
  showPosition(): void {
    this.positionController.updateDisplay();
    const layer = Math.round(this.settings.position);
    if (this.layerState.layer !== layer) {
      this.layerState.layer = layer;
      this.layerSelect?.updateDisplay();
    }
  }
}

/** A hidden file input that hands the chosen file on (and can take the same file again). */
function fileInput(
  container: HTMLElement,
  id: string,
  accept: string,
  chosen: (file: File) => void,
): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'file';
  input.id = id;
  input.accept = accept;
  input.hidden = true;
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) chosen(file);
  });
  container.appendChild(input);
  return input;
}

function niceStep(range: number): number {
  const raw = range / 200;
  const p = 10 ** Math.floor(Math.log10(raw));
  return raw / p >= 5 ? 5 * p : raw / p >= 2 ? 2 * p : p;
}
