/**
 * Fake hosts for the app's helpers: each helper declares the narrow interface it needs, and these
 * implement it with plain objects that record what was asked of them. Settings change through the real
 * `reduce`, as they do in the app.
 */
import { reduce, type Command } from '../../src/state/commands';
import { defaultRunStatus, type RunStatus } from '../../src/state/runStatus';
import { freshSettings, type Settings } from '../../src/state/settings';

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
