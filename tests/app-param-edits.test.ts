/**
 * Hand edits: the undo stack (pure), the commands through the door, and the app's side of them with fake
 * hosts (the trainer written in place, training paused, the moments reset on the next Play, said once).
 */
import { describe, expect, it } from 'vitest';
import { paramIndex, type ParamRef } from '../src/engine/paramRef';
import type { NetworkSpec } from '../src/engine/spec';
import type { Stats } from '../src/engine/types';
import { EditStack, FRESH_MOMENTS_TEXT, ParamEdits } from '../src/app/shell/paramEdits';
import { reduce, type Command } from '../src/state/commands';
import { defaultRunStatus } from '../src/state/runStatus';
import { freshSettings } from '../src/state/settings';
import { undoKey } from '../src/ui/keyboard';
import { fakeNotice } from './helpers/appHosts';

const bits = (x: number): number => new Uint32Array(Float32Array.of(x).buffer)[0];

describe('the edit stack', () => {
  it('undoes and redoes bit for bit, one entry per gesture', () => {
    const stack = new EditStack();
    const start = Math.fround(0.1);
    // A drag: moves, then its end; one entry from where it started to where it ended.
    stack.record(3, start, 0.2, false);
    stack.record(3, 0.2, 0.7, false);
    stack.record(3, 0.7, -1e-40, true);
    expect(stack.depth).toBe(1);
    const e = stack.undo()!;
    expect([e.index, bits(e.before), bits(e.after)]).toEqual([3, bits(start), bits(-1e-40)]);
    expect(stack.canUndo).toBe(false);
    expect(stack.canRedo).toBe(true);
    expect(bits(stack.redo()!.after)).toBe(bits(Math.fround(-1e-40)));
    expect(stack.canRedo).toBe(false);
  });

  it('keeps -0 apart from 0 and drops a gesture that comes back to where it started', () => {
    const stack = new EditStack();
    stack.record(0, 0, -0, true);
    expect(stack.depth).toBe(1);
    expect(Object.is(stack.undo()!.before, 0)).toBe(true);
    stack.record(1, 0.5, 0.9, false);
    stack.record(1, 0.9, 0.5, true);
    expect(stack.depth).toBe(0);
  });

  it('clears what was undone when a new edit comes, and ends a gesture when another parameter is taken', () => {
    const stack = new EditStack();
    stack.record(0, 1, 2, true);
    stack.record(1, 1, 3, true);
    stack.undo();
    expect(stack.canRedo).toBe(true);
    stack.record(2, 1, 4, false);
    stack.record(5, 1, 6, true);
    expect(stack.canRedo).toBe(false);
    expect(stack.depth).toBe(3);
    expect(stack.undo()!.index).toBe(5);
    expect(stack.undo()!.index).toBe(2);
    expect(stack.undo()!.index).toBe(0);
    expect(stack.undo()).toBeNull();
  });
});

describe('the edit commands', () => {
  const ref: ParamRef = { kind: 'bias', layer: 0, to: 1 };

  it('pause training; the next Play (or Step) resets the moments once', () => {
    const s = freshSettings(true);
    const run = defaultRunStatus();
    s.playing = true;
    const r = reduce(s, { type: 'editParam', ref, value: 1, final: true }, 2, run);
    expect(r).toEqual({ topics: ['playing', 'edits'], effect: 'edit' });
    expect(s.playing).toBe(false);
    expect(reduce(s, { type: 'togglePlay' }, 2, run).effect).toBe('edit');
    expect(reduce(s, { type: 'togglePlay' }, 2, run).effect).toBe('none');
    expect(reduce(s, { type: 'setPlaying', playing: true }, 2, run).effect).toBe('none');
    reduce(s, { type: 'undoEdit' }, 2, run);
    expect(reduce(s, { type: 'step' }, 2, run).effect).toBe('edit');
    expect(reduce(s, { type: 'step' }, 2, run).effect).toBe('step');
  });

  it('ignore a value that is not a number, and forget edits with a new network', () => {
    const s = freshSettings(true);
    const run = defaultRunStatus();
    s.playing = true;
    expect(reduce(s, { type: 'editParam', ref, value: NaN, final: true }, 2, run).effect).toBe('none');
    expect(s.playing).toBe(true);
    reduce(s, { type: 'redoEdit' }, 2, run);
    reduce(s, { type: 'runChanged', topics: ['network'] }, 2, run);
    expect(reduce(s, { type: 'setPlaying', playing: true }, 2, run).effect).toBe('none');
  });
});

const SPEC: NetworkSpec = {
  inputSize: 2,
  layers: [
    { units: 3, activation: 'tanh' },
    { units: 1, activation: 'sigmoid' },
  ],
  loss: 'bce',
} as NetworkSpec;

/** The app's side of hand edits with fake hosts: the door applies `reduce`, then the `edit` effect. */
function fakeApp() {
  const settings = freshSettings(true);
  const run = defaultRunStatus();
  const writes: [number, number][] = [];
  const trainer = {
    params: Float32Array.from({ length: 13 }, (_, i) => i / 7),
    paramsVersion: 1,
    step: 40,
    stats: { train: { loss: 0.2, accuracy: 0.9 }, test: null } as unknown as Stats | null,
    statsVersion: 3,
    moments: 1,
    writeParam(index: number, value: number) {
      writes.push([index, value]);
      this.params[index] = value;
    },
    resetMoments() {
      this.moments = 0;
    },
  };
  const host = {
    spec: SPEC as NetworkSpec | null,
    trainer: trainer as typeof trainer | null,
    scrub: { scrubbing: false },
    loop: { dirty: false, pendingSteps: 0 },
    views: { drawn: 0, setParams: () => host.views.drawn++ },
    chart: { cut: -1, truncate: (step: number) => (host.chart.cut = step) },
    notice: fakeNotice(),
    store: { subscribe: () => () => {} },
    exportOptions: { includeWeights: false },
    panel: { updateDisplay: () => {} },
    dispatch: (c: Command) => {
      if (reduce(settings, c, 2, run).effect === 'edit') edits.apply(c);
    },
  };
  const edits = new ParamEdits(host);
  return { settings, run, trainer, writes, host, edits };
}

describe('hand edits in the app', () => {
  const ref: ParamRef = { kind: 'weight', layer: 0, to: 2, from: 1 };
  const index = paramIndex(SPEC, ref);

  it('write the one parameter in place, pause, redraw, and re-measure at this step', () => {
    const { settings, trainer, writes, host, edits } = fakeApp();
    settings.playing = true;
    const before = trainer.params[index];
    edits.edit(ref, 0.3, false);
    edits.edit(ref, 0.45, true);
    expect(writes).toEqual([
      [index, Math.fround(0.3)],
      [index, Math.fround(0.45)],
    ]);
    expect(settings.playing).toBe(false);
    expect(host.loop.dirty).toBe(true);
    expect(host.views.drawn).toBe(2);
    expect(host.chart.cut).toBe(39);
    expect(host.exportOptions.includeWeights).toBe(true);
    expect(edits.value(ref)).toBe(Math.fround(0.45));
    // Measured before the write: not shown as the new weights' accuracy, until a new measurement lands.
    expect(edits.measured()).toBeNull();
    trainer.statsVersion++;
    expect(edits.measured()).toEqual({ trainLoss: 0.2, train: 0.9, test: null });
    expect(edits.stack.depth).toBe(1);
    edits.undo();
    expect(bits(trainer.params[index])).toBe(bits(before));
    edits.redo();
    expect(trainer.params[index]).toBe(Math.fround(0.45));
  });

  it('reset the moments on the next Play and say so; Step takes its step', () => {
    const { trainer, host, edits } = fakeApp();
    edits.edit({ kind: 'bias', layer: 1, to: 0 }, -2, true);
    host.dispatch({ type: 'step' });
    expect(trainer.moments).toBe(0);
    expect(host.loop.pendingSteps).toBe(1);
    expect(host.notice.shown.map((n) => n.text)).toEqual([FRESH_MOMENTS_TEXT]);
    trainer.moments = 1;
    host.dispatch({ type: 'togglePlay' });
    expect(trainer.moments).toBe(1);
  });

  it('refuse edits without weights, while scrubbing, or of a parameter the network lacks; a new trainer forgets', () => {
    const { trainer, writes, host, edits } = fakeApp();
    trainer.paramsVersion = 0;
    edits.edit(ref, 1, true);
    expect(edits.value(ref)).toBeNull();
    trainer.paramsVersion = 1;
    host.scrub.scrubbing = true;
    edits.edit(ref, 1, true);
    host.scrub.scrubbing = false;
    edits.edit({ kind: 'weight', layer: 1, to: 0, from: 3 }, 1, true);
    edits.edit(ref, Infinity, true);
    expect(writes).toEqual([]);
    edits.edit(ref, 1, true);
    expect(edits.canUndo).toBe(true);
    host.trainer = { ...trainer };
    expect(edits.canUndo).toBe(false);
  });
});

describe('the undo keys', () => {
  const key = (key: string, mods: Partial<KeyboardEvent> = {}, tagName = 'CANVAS') =>
    ({
      key,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      shiftKey: false,
      target: { tagName },
      ...mods,
    }) as unknown as KeyboardEvent;

  it('Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo (⌘ too); never while typing in a field', () => {
    expect(undoKey(key('z', { ctrlKey: true }))).toBe(-1);
    expect(undoKey(key('Z', { ctrlKey: true, shiftKey: true }))).toBe(1);
    expect(undoKey(key('y', { ctrlKey: true }))).toBe(1);
    expect(undoKey(key('z', { metaKey: true }))).toBe(-1);
    expect(undoKey(key('z'))).toBe(0);
    expect(undoKey(key('z', { ctrlKey: true }, 'INPUT'))).toBe(0);
    expect(undoKey(key('z', { ctrlKey: true }, 'TEXTAREA'))).toBe(0);
    expect(undoKey(key('z', { ctrlKey: true, altKey: true }))).toBe(0);
  });
});
