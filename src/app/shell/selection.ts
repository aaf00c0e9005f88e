/** Following one data point through every layer: click it in the main view, read its values per layer. */
import type { NetworkSpec } from '../../engine/spec';
import type { Views } from '../../view/views';
import type { DataState } from '../runtime/runtime';
import type { Trainer } from '../runtime/trainer';
import type { Settings } from '../../state/settings';
import { layerNames } from '../runtime/layerNames';

/** What following a point needs of the app. */
export interface SelectionHost {
  readonly trainer: Pick<Trainer, 'params'> | null;
  readonly spec: NetworkSpec | null;
  readonly data: DataState | null;
  readonly settings: Readonly<Settings>;
  readonly views: Views;
  readonly dom: { readonly pointInfo: HTMLElement };
}

/** A click (not the end of a drag that orbits or pans) follows the nearest point through the layers. */
export function bindSelection(app: SelectionHost, canvas: HTMLCanvasElement): void {
  let down: [number, number] | null = null;
  canvas.addEventListener('pointerdown', (e) => (down = [e.clientX, e.clientY]));
  canvas.addEventListener('click', (e) => {
    if (down && Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 4) return;
    const trainer = app.trainer;
    if (!trainer) return;
    showSelection(app, app.views.pick(e.clientX, e.clientY, trainer.params, app.settings.position));
  });
}

/** Follows point `index` through every layer (−1: none) and writes its values into the info box. */
export function showSelection(app: SelectionHost, index: number): void {
  const trainer = app.trainer;
  app.views.setSelected(index);
  const box = app.dom.pointInfo;
  if (index < 0 || !trainer || !app.spec) {
    box.hidden = true;
    return;
  }
  const reps = app.views.describePoint(index, trainer.params);
  const names = layerNames(app.spec);
  const info = app.views.model?.pointInfo;
  const cls = info ? info[4 * index] : 0;
  const test = info ? info[4 * index + 1] === 1 : false;
  const head = `<b>point ${index}</b> · ${app.data?.full.classes ? `class ${cls}` : 'target'}${test ? ' · test' : ''}`;
  const rows = reps.map((values, r) => `${names[r]}: (${values.map((v) => v.toFixed(3)).join(', ')})`);
  box.innerHTML = [head, ...rows].join('<br>');
  box.hidden = false;
}
