/**
 * The last line of defence: anything thrown that nothing caught, and any promise rejected that nothing
 * handled, is shown in the page (not only in the console), once per distinct message.
 */
import type { Notice } from '../../ui/notice';

function describe(reason: unknown): string {
  if (reason instanceof Error) return reason.message || reason.name;
  if (typeof reason === 'string') return reason;
  try {
    return JSON.stringify(reason) ?? String(reason);
  } catch {
    return String(reason);
  }
}

/** Installs the handlers; returns a function that removes them. */
export function installErrorHandlers(notice: Notice, win: Window = window): () => void {
  const show = (what: string): void => {
    notice.error(
      `Something went wrong: ${what}. The app keeps running; if the view looks wrong, reload the page.`,
      {
        topic: `uncaught:${what}`,
      },
    );
  };
  const onError = (event: ErrorEvent): void => {
    // Resource load errors (an image, a script) come without a message: not ours to report.
    if (!event.message && !event.error) return;
    show(describe(event.error ?? event.message));
  };
  const onRejection = (event: PromiseRejectionEvent): void => {
    show(describe(event.reason));
  };
  win.addEventListener('error', onError);
  win.addEventListener('unhandledrejection', onRejection);
  return () => {
    win.removeEventListener('error', onError);
    win.removeEventListener('unhandledrejection', onRejection);
  };
}
