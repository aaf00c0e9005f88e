/**
 * Keyboard: space plays or pauses training; left/right move the slider a tenth of a layer (shift: a fiftieth),
 * up/down jump a whole layer; R resets the camera.
 */
export interface KeyActions {
  togglePlay(): void;
  /** Moves the slider by a fraction of a layer. */
  moveSlider(delta: number): void;
  /** To the next (+1) or previous (−1) layer. */
  jumpLayer(direction: number): void;
  resetCamera(): void;
}

export function bindKeyboard(actions: KeyActions): () => void {
  const onKey = (e: KeyboardEvent): void => {
    const target = e.target as HTMLElement | null;
    if (
      target &&
      (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')
    ) {
      if (!(target instanceof HTMLInputElement && target.type === 'range')) return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const step = e.shiftKey ? 0.02 : 0.1;
    if (e.code === 'Space') actions.togglePlay();
    else if (e.key === 'ArrowRight') actions.moveSlider(step);
    else if (e.key === 'ArrowLeft') actions.moveSlider(-step);
    else if (e.key === 'ArrowUp') actions.jumpLayer(1);
    else if (e.key === 'ArrowDown') actions.jumpLayer(-1);
    else if (e.key === 'r' || e.key === 'R') actions.resetCamera();
    else return;
    e.preventDefault();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
