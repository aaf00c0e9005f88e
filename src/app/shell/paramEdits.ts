/**
 * Hand edits of the network's parameters: one weight or bias set to a value (dragged in the diagram or
 * typed in the edit panel), written in place on the trainer (4 bytes on the GPU; nothing is rebuilt),
 * with an undo and redo stack that puts values back bit for bit. Every edit is a command through the app's
 * one door (`editParam`, `undoEdit`, `redoEdit`); the door pauses training, and the first Play after an
 * edit starts the optimiser's moments afresh (the same `edit` effect), which this module does and says.
 */
import { paramIndex, type ParamRef } from '../../engine/paramRef';
import { widths, type NetworkSpec } from '../../engine/spec';
import type { Command } from '../../state/commands';
import type { AppState } from '../../state/runStatus';
import type { Store } from '../../state/store';
import { EditPanel, type EditPanelModel } from '../../ui/editPanel';
import type { Notice } from '../../ui/notice';
import type { ParamEditHost } from '../../view/diagram/diagramHost';
import type { Trainer } from '../runtime/trainer';

/** One undo entry: a parameter's value before and after a gesture, as float32 (so restored bit for bit). */
export interface ParamEdit {
  index: number;
  before: number;
  after: number;
}

/** At most this many edits are kept to undo. */
export const MAX_UNDO = 500;

/**
 * The undo and redo stacks (pure). A gesture (moves, then its end) makes one entry, from the value it
 * started at to the last; a new entry clears what was undone.
 */
export class EditStack {
  private readonly done: ParamEdit[] = [];
  private readonly undone: ParamEdit[] = [];
  private gesture: { index: number; before: number; last: number } | null = null;

  /**
   * Records that parameter `index`, now `current`, is set to `value` (float32); `final`: the gesture ends.
   * A gesture on another parameter ends the one under way first.
   */
  record(index: number, current: number, value: number, final: boolean): void {
    if (this.gesture && this.gesture.index !== index) this.end();
    this.gesture ??= { index, before: Math.fround(current), last: 0 };
    this.gesture.last = Math.fround(value);
    if (final) this.end();
  }

  /** Ends the gesture under way (one entry, unless it came back to where it started). */
  end(): void {
    const g = this.gesture;
    this.gesture = null;
    if (!g || Object.is(g.before, g.last)) return;
    this.done.push({ index: g.index, before: g.before, after: g.last });
    if (this.done.length > MAX_UNDO) this.done.shift();
    this.undone.length = 0;
  }

  /** The entry to undo (its `before` is the value to write), or null. */
  undo(): ParamEdit | null {
    this.end();
    const e = this.done.pop() ?? null;
    if (e) this.undone.push(e);
    return e;
  }

  /** The entry to redo (its `after` is the value to write), or null. */
  redo(): ParamEdit | null {
    this.end();
    const e = this.undone.pop() ?? null;
    if (e) this.done.push(e);
    return e;
  }

  get canUndo(): boolean {
    return (
      this.done.length > 0 || (this.gesture !== null && !Object.is(this.gesture.before, this.gesture.last))
    );
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  /** Entries kept to undo (a gesture under way not counted). */
  get depth(): number {
    return this.done.length;
  }

  clear(): void {
    this.done.length = 0;
    this.undone.length = 0;
    this.gesture = null;
  }
}

/** The words shown when training goes on from hand-set weights. */
export const FRESH_MOMENTS_TEXT =
  "Training goes on from the hand-set weights with the optimiser's moments reset to zero " +
  '(the momentum gathered for the old weights would otherwise push the edit away).';

/** What hand edits need of the app. */
export interface ParamEditsHost {
  readonly spec: NetworkSpec | null;
  readonly trainer: Pick<
    Trainer,
    'params' | 'paramsVersion' | 'step' | 'stats' | 'statsVersion' | 'writeParam' | 'resetMoments'
  > | null;
  readonly store: Pick<Store<AppState>, 'subscribe'>;
  readonly scrub: { readonly scrubbing: boolean };
  /** The frame loop: `dirty` transforms the grid afresh; `pendingSteps` are taken in the next frame. */
  readonly loop: { dirty: boolean; pendingSteps: number };
  readonly views: { setParams(params: Float32Array): void };
  /** The chart keeps one sample a step: the new measurement at this step replaces the old. */
  readonly chart: { truncate(step: number): void };
  readonly notice: Pick<Notice, 'info'>;
  /** Links carry the weights once any is set by hand (else a link would lose the edit); the panel shows it. */
  readonly exportOptions: { includeWeights: boolean };
  readonly panel: { updateDisplay(): void };
  dispatch(c: Command): void;
}

export class ParamEdits implements ParamEditHost, EditPanelModel {
  readonly stack = new EditStack();
  /** The panel (once mounted). */
  panel: EditPanel | null = null;
  /** The trainer the edits were made on: a new one (a new network) starts with none to undo. */
  private owner: unknown = null;
  /** The statistics' version when the last value was written: later ones measure the new weights. */
  private statsAtWrite = -1;

  constructor(private readonly host: ParamEditsHost) {}

  /** Undo and Redo in the training bar, the typed editor atop the panel (`gui`); they redraw on the topics. */
  mount(bar: HTMLElement, gui: HTMLElement): EditPanel {
    const panel = new EditPanel(bar, gui, this);
    this.host.store.subscribe(['edits', 'network', 'progress', 'playing'], () => panel.show());
    panel.show();
    return (this.panel = panel);
  }

  /** Opens the typed editor on one parameter (a click on a node or an edge in the diagram). */
  choose(ref: ParamRef): void {
    this.panel?.select(ref);
  }

  canEdit(): boolean {
    const t = this.host.trainer;
    if (t !== this.owner) {
      this.owner = t;
      this.stack.clear();
      this.statsAtWrite = -1;
    }
    return t !== null && this.host.spec !== null && t.paramsVersion > 0 && !this.host.scrub.scrubbing;
  }

  get canUndo(): boolean {
    return this.canEdit() && this.stack.canUndo;
  }

  get canRedo(): boolean {
    return this.canEdit() && this.stack.canRedo;
  }

  widths(): readonly number[] | null {
    return this.host.spec ? widths(this.host.spec) : null;
  }

  /** Loss and accuracy on the weights as they are (null until measured after the last write). */
  measured(): { trainLoss: number; train: number | null; test: number | null } | null {
    const t = this.host.trainer;
    const st = t?.stats;
    if (!t || !st || t.statsVersion <= this.statsAtWrite) return null;
    return { trainLoss: st.train.loss, train: st.train.accuracy, test: st.test?.accuracy ?? null };
  }

  value(ref: ParamRef): number | null {
    const index = this.indexOf(ref);
    return index === null ? null : this.host.trainer!.params[index];
  }

  edit(ref: ParamRef, value: number, final: boolean): void {
    this.host.dispatch({ type: 'editParam', ref, value, final });
  }

  /** Undoes the last edit (nothing to undo: nothing happens, training goes on). */
  undo(): void {
    if (this.canUndo) this.host.dispatch({ type: 'undoEdit' });
  }

  redo(): void {
    if (this.canRedo) this.host.dispatch({ type: 'redoEdit' });
  }

  /** A command's work, after `reduce` (App.apply). */
  apply(c: Command): void {
    switch (c.type) {
      case 'editParam': {
        const index = this.indexOf(c.ref);
        if (index === null || !Number.isFinite(c.value)) return;
        this.stack.record(index, this.host.trainer!.params[index], c.value, c.final);
        return this.write(index, Math.fround(c.value));
      }
      case 'undoEdit':
      case 'redoEdit': {
        if (!this.canEdit()) return;
        const e = c.type === 'undoEdit' ? this.stack.undo() : this.stack.redo();
        if (e) this.write(e.index, c.type === 'undoEdit' ? e.before : e.after);
        return;
      }
      case 'togglePlay':
      case 'setPlaying':
      case 'step':
        this.stack.end();
        this.host.trainer?.resetMoments();
        this.host.notice.info(FRESH_MOMENTS_TEXT, { topic: 'edits' });
        if (c.type === 'step') this.host.loop.pendingSteps += 1;
        return;
    }
  }

  private indexOf(ref: ParamRef): number | null {
    if (!this.canEdit()) return null;
    // A vector-field layer's block holds its vectors and anchors, not a W and b: not edited by hand.
    if (this.host.spec!.layers[ref.layer]?.field) return null;
    try {
      return paramIndex(this.host.spec!, ref);
    } catch {
      return null;
    }
  }

  /** Writes one value in place; the grid transform, the views and the statistics follow. */
  private write(index: number, value: number): void {
    const { trainer, loop, views, chart } = this.host;
    if (!trainer) return;
    this.statsAtWrite = trainer.statsVersion;
    trainer.writeParam(index, value);
    views.setParams(trainer.params);
    loop.dirty = true;
    chart.truncate(trainer.step - 1);
    if (!this.host.exportOptions.includeWeights) {
      this.host.exportOptions.includeWeights = true;
      this.host.panel.updateDisplay();
    }
  }
}
