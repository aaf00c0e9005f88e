/**
 * The Features folder of the control panel: one toggle per feature input (TensorFlow Playground's x₁², x₂²,
 * x₁x₂, sin x₁, sin x₂ and r²), in their fixed order. The toggles dispatch `setFeatures`; they follow the
 * settings on `refresh`, off and disabled for data that is not 2-D (the points trained on: a CSV file's
 * when one is loaded, whatever dataset the menu still names).
 */
import type GUI from 'lil-gui';
import { FEATURES, FEATURE_LABELS, type FeatureName } from '../data/features';
import type { Dispatch } from '../state/commands';
import type { Settings } from '../state/settings';

export interface FeatureToggles {
  /** The toggles show the settings' features again (after a preset, a link, another dataset). */
  refresh(): void;
}

/** Adds the folder to `parent`; `changed` is called before each dispatch (the panel leaves its preset). */
export function addFeatureToggles(
  parent: GUI,
  settings: Settings,
  dispatch: Dispatch,
  changed: () => void,
  inputSize: () => number,
): FeatureToggles {
  const state = Object.fromEntries(FEATURES.map((f) => [f, false])) as Record<FeatureName, boolean>;
  const folder = parent.addFolder('Features');
  folder.domElement.classList.add('features');
  for (const f of FEATURES) {
    folder
      .add(state, f)
      .name(FEATURE_LABELS[f])
      .onChange(() => {
        changed();
        dispatch({ type: 'setFeatures', features: FEATURES.filter((g) => state[g]) });
      });
  }
  const refresh = (): void => {
    const twoD = inputSize() === 2;
    for (const f of FEATURES) state[f] = settings.features.includes(f);
    folder.controllers.forEach((c) => c.enable(twoD).updateDisplay());
  };
  refresh();
  return { refresh };
}
