/**
 * Keyboard: space plays or pauses training; left/right move the slider a tenth of a layer (shift: a
 * fiftieth), up/down jump a whole layer; R resets the camera. The timeline (bindTimelineKeys): , and .
 * step to the previous and next kept moment (< and >: ten at a time), P plays or stops the history, L
 * goes live. F presents (the picture fills the screen), Esc leaves it. Ctrl+Z (⌘Z) undoes a weight set by
 * hand, Ctrl+Shift+Z or Ctrl+Y redoes it. Keys typed into a field are left alone; a menu gives the keys back to the page once a choice is made (bindMenusBlur).
 */
import type { Dispatch } from '../state/commands';

/** Whether a key press is for the page's shortcuts (not typed into a field, not a button's own key). */
function forShortcuts(e: KeyboardEvent): boolean {
  const target = e.target as HTMLElement | null;
  if (
    target &&
    (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')
  ) {
    if (!(target instanceof HTMLInputElement && target.type === 'range')) return false;
  }
  // A focused button takes space and enter itself.
  if (target?.tagName === 'BUTTON' && (e.code === 'Space' || e.key === 'Enter')) return false;
  return !(e.ctrlKey || e.metaKey || e.altKey);
}

/** What the keyboard reads of the app: whether it is presenting (F toggles it); the hand edits' undo. */
export interface KeyboardState {
  readonly presenting: boolean;
  readonly edits?: { undo(): void; redo(): void };
}

/** Undo (-1), redo (1) or neither (0): Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y (⌘ on a Mac), never while typing. */
export function undoKey(e: KeyboardEvent): -1 | 0 | 1 {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return 0;
  const target = e.target as HTMLElement | null;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable))
    return 0;
  const key = e.key.toLowerCase();
  if (key === 'z') return e.shiftKey ? 1 : -1;
  return key === 'y' && !e.shiftKey ? 1 : 0;
}

export function bindKeyboard(dispatch: Dispatch, state: KeyboardState): () => void {
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && state.presenting) {
      dispatch({ type: 'setPresenting', on: false });
      e.preventDefault();
      return;
    }
    const undo = state.edits ? undoKey(e) : 0;
    if (undo !== 0) {
      if (undo < 0) state.edits?.undo();
      else state.edits?.redo();
      e.preventDefault();
      return;
    }
    if (!forShortcuts(e)) return;
    const step = e.shiftKey ? 0.02 : 0.1;
    if (e.code === 'Space') dispatch({ type: 'togglePlay' });
    else if (e.key === 'ArrowRight') dispatch({ type: 'moveSlider', by: step });
    else if (e.key === 'ArrowLeft') dispatch({ type: 'moveSlider', by: -step });
    else if (e.key === 'ArrowUp') dispatch({ type: 'jumpLayer', direction: 1 });
    else if (e.key === 'ArrowDown') dispatch({ type: 'jumpLayer', direction: -1 });
    else if (e.key === 'r' || e.key === 'R') dispatch({ type: 'resetCamera' });
    else if (e.key === 'f' || e.key === 'F') dispatch({ type: 'setPresenting', on: !state.presenting });
    else return;
    e.preventDefault();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}

/**
 * After a choice in any menu (a select, in the panel or the story menu), the keys go back to the page:
 * the arrows move the layer instead of choosing another entry. Text fields keep their focus.
 */
export function bindMenusBlur(doc: Document = document): () => void {
  const onChange = (e: Event): void => {
    if (e.target instanceof HTMLSelectElement) e.target.blur();
  };
  doc.addEventListener('change', onChange, true);
  return () => doc.removeEventListener('change', onChange, true);
}

/** What the timeline's keys do. */
export interface TimelineKeys {
  /** Moves by `by` kept moments (negative: back). */
  stepMoments(by: number): void;
  togglePlay(): void;
  live(): void;
}

/** The timeline's keys (listed in the module comment); none collides with bindKeyboard's. */
export const TIMELINE_KEY_HELP = ', / . previous / next kept moment (< / > ten), P play the history, L live';

export function bindTimelineKeys(keys: TimelineKeys, win: Window = window): () => void {
  const onKey = (e: KeyboardEvent): void => {
    if (!forShortcuts(e)) return;
    if (e.key === ',') keys.stepMoments(-1);
    else if (e.key === '.') keys.stepMoments(1);
    else if (e.key === '<') keys.stepMoments(-10);
    else if (e.key === '>') keys.stepMoments(10);
    else if (e.key === 'p' || e.key === 'P') keys.togglePlay();
    else if (e.key === 'l' || e.key === 'L') keys.live();
    else return;
    e.preventDefault();
  };
  win.addEventListener('keydown', onKey);
  return () => win.removeEventListener('keydown', onKey);
}
