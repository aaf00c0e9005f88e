/**
 * Keyboard: space plays or pauses training; left/right move the slider a tenth of a layer (shift: a
 * fiftieth), up/down jump a whole layer; R resets the camera. Keys typed into a field are left alone.
 */
import type { Dispatch } from '../app/commands';

export function bindKeyboard(dispatch: Dispatch): () => void {
  const onKey = (e: KeyboardEvent): void => {
    const target = e.target as HTMLElement | null;
    if (
      target &&
      (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')
    ) {
      if (!(target instanceof HTMLInputElement && target.type === 'range')) return;
    }
    // A focused button takes space and enter itself.
    if (target?.tagName === 'BUTTON' && (e.code === 'Space' || e.key === 'Enter')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const step = e.shiftKey ? 0.02 : 0.1;
    if (e.code === 'Space') dispatch({ type: 'togglePlay' });
    else if (e.key === 'ArrowRight') dispatch({ type: 'moveSlider', by: step });
    else if (e.key === 'ArrowLeft') dispatch({ type: 'moveSlider', by: -step });
    else if (e.key === 'ArrowUp') dispatch({ type: 'jumpLayer', direction: 1 });
    else if (e.key === 'ArrowDown') dispatch({ type: 'jumpLayer', direction: -1 });
    else if (e.key === 'r' || e.key === 'R') dispatch({ type: 'resetCamera' });
    else return;
    e.preventDefault();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
