/**
 * On small screens the control panel folds away behind a "Controls" button, so the views keep the
 * screen; on wide screens the button is hidden by the stylesheet and the panel is always open.
 */
export function bindPanelToggle(button: HTMLElement, side: HTMLElement): void {
  const set = (open: boolean): void => {
    side.classList.toggle('open', open);
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? 'Hide controls' : 'Controls';
  };
  set(false);
  button.addEventListener('click', () => set(!side.classList.contains('open')));
}
