/** The banner under the title: the WebGPU fallback, errors and what to do about them. */
export class Notice {
  constructor(private readonly element: HTMLElement) {}

  info(text: string): void {
    this.element.textContent = text;
    this.element.className = '';
    this.element.hidden = false;
  }

  error(text: string): void {
    this.element.textContent = text;
    this.element.className = 'error';
    this.element.hidden = false;
  }

  clear(): void {
    this.element.hidden = true;
  }
}
