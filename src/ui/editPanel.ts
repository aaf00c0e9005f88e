/**
 * Setting weights by hand: Undo and Redo in the training bar, and a small panel to type one parameter's
 * value (pick the layer, the unit it feeds, and an input unit or the bias). It draws what its model says
 * and asks the model for every change; it changes nothing itself.
 */
import type { ParamRef } from '../engine/paramRef';

/** What the panel reads and asks of the hand edits. */
export interface EditPanelModel {
  /** Units per representation, input first (null: no network yet). */
  widths(): readonly number[] | null;
  canEdit(): boolean;
  value(ref: ParamRef): number | null;
  edit(ref: ParamRef, value: number, final: boolean): void;
  undo(): void;
  redo(): void;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** Loss and accuracy measured on the weights as they are now (null while being measured). */
  measured(): { trainLoss: number; train: number | null; test: number | null } | null;
}

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
): HTMLElementTagNameMap[K] => Object.assign(document.createElement(tag), props);

const percent = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);

/** The parameter the panel's three menus name (`from` −1: the bias). */
export function refOf(layer: number, to: number, from: number): ParamRef {
  return from < 0 ? { kind: 'bias', layer, to } : { kind: 'weight', layer, to, from };
}

export class EditPanel {
  readonly undoButton: HTMLButtonElement;
  readonly redoButton: HTMLButtonElement;
  readonly root: HTMLDetailsElement;
  private readonly layer = el('select', { id: 'edit-layer', title: 'The layer the parameter belongs to' });
  private readonly to = el('select', { id: 'edit-to', title: 'The unit it feeds' });
  private readonly from = el('select', { id: 'edit-from', title: 'The input unit it weighs, or the bias' });
  private readonly input = el('input', {
    id: 'edit-value',
    type: 'number',
    step: 'any',
    inputMode: 'decimal',
    title: 'The value to set (Enter sets it)',
  });
  private readonly current = el('span', { id: 'edit-current', className: 'edit-current' });
  private readonly status = el('p', { id: 'edit-status', className: 'edit-status' });
  private shownWidths = '';
  /** The accuracies last shown (for tests: what a person reads). */
  shown: { train: number | null; test: number | null } | null = null;

  constructor(
    bar: HTMLElement,
    panel: HTMLElement,
    private readonly model: EditPanelModel,
  ) {
    this.undoButton = el('button', { type: 'button', id: 'edit-undo', textContent: '↶ Undo' });
    this.undoButton.title = 'Undo the last weight set by hand (Ctrl+Z)';
    this.undoButton.addEventListener('click', () => model.undo());
    this.redoButton = el('button', { type: 'button', id: 'edit-redo', textContent: '↷ Redo' });
    this.redoButton.title = 'Redo (Ctrl+Shift+Z)';
    this.redoButton.addEventListener('click', () => model.redo());
    bar.append(this.undoButton, this.redoButton);

    this.root = el('details', { id: 'edit-panel', className: 'edit-panel' });
    const set = el('button', { type: 'button', id: 'edit-set', textContent: 'Set' });
    const field = (text: string, control: HTMLElement): HTMLLabelElement => {
      const label = el('label');
      label.append(el('span', { textContent: text }), control);
      return label;
    };
    this.root.append(
      el('summary', { textContent: 'Set a weight by hand' }),
      field('layer', this.layer),
      field('to', this.to),
      field('from', this.from),
      this.current,
      field('value', this.input),
      set,
      this.status,
    );
    panel.prepend(this.root);
    const apply = (): void => {
      const v = Number(this.input.value);
      if (this.input.value.trim() === '' || !Number.isFinite(v)) return this.input.classList.add('invalid');
      this.input.classList.remove('invalid');
      model.edit(this.ref(), v, true);
    };
    set.addEventListener('click', apply);
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') apply();
    });
    this.layer.addEventListener('change', () => this.fillUnits());
    for (const s of [this.to, this.from]) s.addEventListener('change', () => this.show(true));
  }

  /** Opens the panel on one parameter, its value ready to type over (the diagram's click-to-type). */
  select(ref: ParamRef): void {
    this.show();
    this.layer.value = String(ref.layer);
    this.fillUnits();
    this.to.value = String(ref.to);
    this.from.value = String(ref.kind === 'bias' ? -1 : ref.from);
    this.show(true);
    this.root.open = true;
    this.input.focus();
    this.input.select();
  }

  /** The parameter the menus name. */
  ref(): ParamRef {
    return refOf(Number(this.layer.value), Number(this.to.value), Number(this.from.value));
  }

  /** Redraws from the model; `fresh`: the typed value follows the chosen parameter's. */
  show(fresh = false): void {
    const m = this.model;
    const widths = m.widths();
    const key = widths?.join(',') ?? '';
    if (key !== this.shownWidths) {
      this.shownWidths = key;
      this.layer.replaceChildren(
        ...(widths ?? [])
          .slice(1)
          .map((w, l) =>
            el('option', { value: String(l), textContent: `${l + 1}: ${widths![l]} → ${w} units` }),
          ),
      );
      this.fillUnits();
      return;
    }
    this.undoButton.disabled = !m.canUndo;
    this.redoButton.disabled = !m.canRedo;
    const can = m.canEdit() && widths !== null && widths.length > 1;
    this.root.classList.toggle('disabled', !can);
    const value = can ? m.value(this.ref()) : null;
    this.current.textContent = value === null ? 'now –' : `now ${value.toPrecision(6)}`;
    // Another parameter chosen: its value to type over; else the field keeps what is being typed.
    if (value !== null && (fresh || (this.input.value === '' && document.activeElement !== this.input)))
      this.input.value = String(Number(value.toPrecision(7)));
    const measured = can ? m.measured() : null;
    this.shown = measured ? { train: measured.train, test: measured.test } : null;
    this.status.textContent = measured
      ? `accuracy: train ${percent(measured.train)} · test ${percent(measured.test)}`
      : 'measuring…';
  }

  /** The unit menus for the chosen layer. */
  private fillUnits(): void {
    const widths = this.model.widths() ?? [];
    const l = Number(this.layer.value) || 0;
    const units = (n: number, name: string) =>
      Array.from({ length: n }, (_, j) =>
        el('option', { value: String(j), textContent: `${name} ${j + 1}` }),
      );
    this.to.replaceChildren(...units(widths[l + 1] ?? 0, 'unit'));
    this.from.replaceChildren(
      el('option', { value: '-1', textContent: 'bias' }),
      ...units(widths[l] ?? 0, l === 0 ? 'input' : 'unit'),
    );
    this.show(true);
  }
}
