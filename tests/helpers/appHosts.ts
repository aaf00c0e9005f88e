/**
 * Fake hosts for the app's helpers: each helper declares the narrow interface it needs, and these
 * implement it with plain objects that record what was asked of them. Settings change through the real
 * `reduce`, as they do in the app.
 */
import type { OpenHost } from '../../src/app/io/openExperiment';
import type { DataState } from '../../src/app/runtime/runtime';
import { makeDataset } from '../../src/data/registry';
import { reduce, type Command } from '../../src/state/commands';
import { defaultRunStatus, type RunStatus } from '../../src/state/runStatus';
import { freshSettings, split, type Settings } from '../../src/state/settings';

type Action = { label: string; run: () => void };

/** A notice that keeps its messages (and the buttons offered with them). */
export function fakeNotice() {
  const shown: { kind: 'info' | 'success' | 'error'; text: string; actions: Action[] }[] = [];
  const add =
    (kind: 'info' | 'success' | 'error') =>
    (text: string, options: { actions?: Action[] } = {}): void => {
      shown.push({ kind, text, actions: options.actions ?? [] });
    };
  return { shown, info: add('info'), success: add('success'), error: add('error'), clear: () => {} };
}

/** Settings and a dispatch that applies commands through `reduce`, recording them. */
export function fakeDoor(layers = 3): {
  settings: Settings;
  run: RunStatus;
  commands: Command[];
  dispatch: (c: Command) => void;
} {
  const settings = freshSettings(true);
  const run = defaultRunStatus();
  const commands: Command[] = [];
  return {
    settings,
    run,
    commands,
    dispatch: (c) => {
      commands.push(c);
      reduce(settings, c, layers, run);
    },
  };
}

/** The generated data set the settings name, split as the app splits it. */
export function generatedData(s: Settings): DataState {
  const full = makeDataset(s.dataset, s.datasetParams, s.seed);
  const { train, test } = split(s, full);
  return { name: s.dataset, full, train, test, labelNames: null, features: [] };
}

/**
 * A host for opening links and model files (src/app/io/openExperiment.ts) with a real door, recording in
 * `calls` what it was asked to do; `extra` replaces any of its parts.
 */
export function fakeOpenHost(
  loadData: OpenHost['loadData'] = generatedData,
  extra: Partial<OpenHost> = {},
): {
  h: OpenHost;
  door: ReturnType<typeof fakeDoor>;
  notice: ReturnType<typeof fakeNotice>;
  calls: string[];
} {
  const door = fakeDoor();
  const notice = fakeNotice();
  const calls: string[] = [];
  const h: OpenHost = {
    settings: door.settings,
    spec: null,
    trainer: null,
    data: null,
    csv: null,
    device: null,
    notice,
    hashSync: { write: (q) => calls.push(`write ${q}`), adopt: (q) => calls.push(`adopt ${q}`) },
    saver: { clear: () => calls.push('saver cleared') },
    dispatch: door.dispatch,
    queue: async (task) => {
      await task();
    },
    leaveStory: (why) => calls.push(`left: ${why}`),
    linkQuery: () => 'q',
    loadData,
    loadState: () => calls.push('state loaded'),
    rebuildAll: async () => void calls.push('rebuilt'),
    rebuildNetwork: async () => void calls.push('rebuilt'),
    ...extra,
  };
  return { h, door, notice, calls };
}
