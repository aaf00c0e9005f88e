/**
 * The Network controls: the hidden layers as text ("8-8", "vf16-vf16": vfK a vector-field layer of K
 * anchors), one row per layer (a dense layer's units and activation, a field layer's anchors), add and
 * remove, the leaky slope, the loss, and where the loss is cross-entropy the output: softmax or colah's
 * k-NN output (with its representation's units and k). Layer rows are bound to the settings as lil-gui
 * binds the other panels; every other change is a command.
 */
import type GUI from 'lil-gui';
import { ACTIVATIONS, DEFAULT_KNN, LOSSES, MAX_ANCHORS, MAX_KNN_K, type Loss } from '../engine/spec';
import { LIMITS } from '../engine/limits';
import type { Dispatch } from '../state/commands';
import { hiddenText, parseHidden } from '../state/hiddenText';
import type { HiddenLayer, Settings } from '../state/settings';

export interface NetworkFolderHost {
  readonly settings: Settings;
  dispatch: Dispatch;
  /** Marks the settings as no longer a preset; returns false (to chain with ||). */
  custom(): false;
  /** Builds the folder again (after a change of its rows). */
  rebuild(): void;
}

const OUTPUTS = { softmax: 'softmax', 'k-NN (colah)': 'knn' } as const;

export function buildNetworkFolder(folder: GUI, host: NetworkFolderHost): { slopeShown: boolean } {
  const s = host.settings;
  const changed = (): void => {
    host.custom();
    host.dispatch({ type: 'changed', what: 'network' });
  };
  const architecture = (hidden: HiddenLayer[]): void => {
    host.custom();
    host.dispatch({ type: 'setArchitecture', hidden });
    host.rebuild();
  };
  const text = { layers: hiddenText(s.hidden) };
  folder
    .add(text, 'layers')
    .name('hidden layers (vfK: field)')
    .onFinishChange((value: string) => {
      try {
        architecture(parseHidden(value, s.hidden));
      } catch {
        // Not layers: the text goes back to the network as it is.
        text.layers = hiddenText(s.hidden);
        folder.controllersRecursive().forEach((c) => c.property === 'layers' && c.updateDisplay());
      }
    });
  s.hidden.forEach((layer, i) => {
    if (layer.anchors !== undefined && layer.anchors > 0) {
      folder
        .add(layer, 'anchors', 1, MAX_ANCHORS, 1)
        .name(`hidden ${i + 1}: field anchors`)
        .onFinishChange(changed);
      return;
    }
    folder
      .add(layer, 'units', 1, LIMITS.maxWidth, 1)
      .name(`hidden ${i + 1} units`)
      .onFinishChange(changed);
    folder
      .add(layer, 'activation', [...ACTIVATIONS])
      .name(`hidden ${i + 1} activation`)
      .onChange(() => {
        // The slope control shows only with leaky_relu layers.
        if (slopeShown !== needsSlope(s)) host.rebuild();
        changed();
      });
  });
  if (s.hidden.length < LIMITS.maxLayers - 1) {
    const add = (): void => {
      const last = s.hidden[s.hidden.length - 1];
      const next = last?.anchors
        ? { ...last }
        : { units: last?.units ?? 2, activation: last?.activation ?? 'tanh' };
      architecture([...s.hidden, next]);
    };
    folder.add({ add }, 'add').name('+ add hidden layer');
  }
  if (s.hidden.length > 0) {
    folder
      .add({ remove: () => architecture(s.hidden.slice(0, -1)) }, 'remove')
      .name('− remove last hidden layer');
  }
  const slopeShown = needsSlope(s);
  if (slopeShown) folder.add(s, 'slope', 0, 0.5, 0.01).name('leaky slope').onFinishChange(changed);
  const loss = { loss: s.loss };
  folder
    .add(loss, 'loss', [...LOSSES])
    .name('loss')
    .onChange((value: Loss) => {
      host.custom();
      host.dispatch({ type: 'setOutput', loss: value, knn: null });
      host.rebuild();
    });
  if (s.loss === 'ce') addOutputChoice(folder, host);
  else if (s.output) {
    const out = s.output;
    folder
      .add({ text: `${out.units} × ${out.activation}` }, 'text')
      .name('output (imported)')
      .disable();
  }
  return { slopeShown };
}

/** Softmax or the k-NN output (its representation's units and k), for cross-entropy. */
function addOutputChoice(folder: GUI, host: NetworkFolderHost): void {
  const s = host.settings;
  const knn = s.knn ?? null;
  const set = (next: typeof knn, units?: number): void => {
    host.custom();
    host.dispatch({ type: 'setOutput', loss: 'ce', knn: next, ...(units ? { units } : {}) });
    host.rebuild();
  };
  const choice = { output: knn ? 'knn' : 'softmax' };
  folder
    .add(choice, 'output', OUTPUTS)
    .name('output')
    .onChange((value: string) => set(value === 'knn' ? { ...DEFAULT_KNN } : null));
  if (!knn) {
    if (s.output) {
      const out = s.output;
      folder
        .add({ text: `${out.units} × ${out.activation}` }, 'text')
        .name('output (imported)')
        .disable();
    }
    return;
  }
  const state = { units: s.output?.units ?? 2, k: knn.k };
  folder
    .add(state, 'units', 1, LIMITS.maxWidth, 1)
    .name('k-NN: last layer units')
    .onFinishChange((units: number) => set(knn, units));
  folder
    .add(state, 'k', 1, MAX_KNN_K, 1)
    .name('k-NN: neighbours k')
    .onFinishChange((k: number) => set({ ...knn, k }, state.units));
}

function needsSlope(s: Settings): boolean {
  return s.hidden.some((h) => h.activation === 'leaky_relu' && !h.anchors);
}
