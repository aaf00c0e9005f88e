/** A progress bar over the main view, for exports that take a while (a video), with a Cancel button. */
export class ProgressBar {
  private readonly label: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly cancel: HTMLButtonElement;
  private onCancel: (() => void) | null = null;
  /** The last fraction shown, 0..1 (for tests). */
  fraction = 0;

  constructor(private readonly element: HTMLElement) {
    const doc = element.ownerDocument;
    this.label = doc.createElement('span');
    this.label.className = 'label';
    this.bar = doc.createElement('progress');
    this.bar.max = 1;
    this.bar.value = 0;
    this.cancel = doc.createElement('button');
    this.cancel.type = 'button';
    this.cancel.textContent = 'Cancel';
    this.cancel.addEventListener('click', () => this.onCancel?.());
    element.replaceChildren(this.label, this.bar, this.cancel);
    element.setAttribute('role', 'progressbar');
  }

  /** Shows `text` and a bar filled to `fraction`; `cancel` adds the Cancel button. */
  show(text: string, fraction: number, cancel: (() => void) | null = null): void {
    const f = Math.max(0, Math.min(1, fraction));
    this.fraction = f;
    this.label.textContent = `${text} ${Math.round(f * 100)} %`;
    this.bar.value = f;
    this.element.setAttribute('aria-valuenow', String(Math.round(f * 100)));
    this.onCancel = cancel;
    this.cancel.hidden = cancel === null;
    this.element.hidden = false;
  }

  hide(): void {
    this.element.hidden = true;
    this.onCancel = null;
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  get text(): string {
    return this.label.textContent ?? '';
  }
}
