/**
 * Presenting mode, for a class or a talk: the main view fills the screen (the whole display where the
 * browser allows it, else the window), the caption and the story's title and outcome lie over it in
 * large type, the layer slider and the timeline stay at the bottom. The button and F enter it; Esc, F or
 * the button leave it (leaving the browser's full screen leaves it too).
 */
import type { Dispatch } from '../state/commands';
import type { Topic } from '../state/store';

/** What presenting reads of the app: whether it presents, and a way to hear when that changes. */
export interface PresentingSource {
  readonly presenting: boolean;
  subscribe(topics: readonly Topic[], run: () => void): unknown;
}

export function bindPresenting(
  button: HTMLButtonElement,
  dispatch: Dispatch,
  source: PresentingSource,
  doc: Document = document,
): void {
  button.addEventListener('click', () => dispatch({ type: 'setPresenting', on: !source.presenting }));
  // Whether the browser's full screen is on for presenting; leaving it (Esc in most browsers, which the
  // page never sees) leaves presenting, but not when presenting itself asked to leave it.
  let full = false;
  source.subscribe(['presenting'], () => {
    const on = source.presenting;
    doc.body.classList.toggle('presenting', on);
    button.textContent = on ? 'Leave (Esc)' : 'Present';
    button.setAttribute('aria-pressed', String(on));
    // The display's full screen needs a person's gesture: where the browser refuses, the window is filled.
    if (on && !doc.fullscreenElement && doc.fullscreenEnabled)
      doc.documentElement.requestFullscreen?.().catch(() => undefined);
    if (!on && doc.fullscreenElement) {
      full = false;
      void doc.exitFullscreen?.().catch(() => undefined);
    }
  });
  doc.addEventListener('fullscreenchange', () => {
    if (doc.fullscreenElement) full = source.presenting;
    else if (full) {
      full = false;
      if (source.presenting) dispatch({ type: 'setPresenting', on: false });
    }
  });
}
