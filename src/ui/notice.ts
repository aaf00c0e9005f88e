/**
 * The banner under the title: the WebGPU fallback, errors and what to do about them. It holds a few
 * messages, each with optional buttons and a close button, newest first, except that a message asking for
 * a decision (one with buttons: training diverged, the device is gone) stays above those that only tell:
 * a routine message (the grid made coarser for speed, a link copied) never pushes a question down or out. A message with a `topic`
 * replaces the earlier one of that topic (a new link error replaces the last link error). Text is only
 * ever set as text, never as HTML, so what a link or file says cannot become markup.
 */
export type NoticeKind = 'info' | 'error' | 'success';

export interface NoticeAction {
  label: string;
  run(): void;
}

export interface NoticeOptions {
  actions?: NoticeAction[];
  topic?: string;
  /** Text shown in a read-only field to copy by hand (a link the clipboard refused). */
  copyText?: string;
  /** Hide the message after this long (ms); success messages go after 8 s unless told, others stay. */
  hideAfterMs?: number;
}

/** Most messages shown at once; older ones are dropped. */
const MAX_ROWS = 3;
/** Messages are clipped to this many characters. */
const MAX_TEXT = 600;
/** How long a success message stays. */
const SUCCESS_MS = 8000;

export class Notice {
  private readonly rows: {
    element: HTMLElement;
    /** It has buttons: it asks for a decision and stays above the messages that only tell. */
    asks: boolean;
    /** `shown` when it was shown: the largest is the newest. */
    order: number;
    topic: string | undefined;
    text: string;
  }[] = [];
  /** Messages shown so far (grows by one with each). */
  shown = 0;

  constructor(private readonly element: HTMLElement) {}

  info(text: string, options: NoticeOptions = {}): void {
    this.show('info', text, options);
  }

  success(text: string, options: NoticeOptions = {}): void {
    this.show('success', text, options);
  }

  error(text: string, options: NoticeOptions = {}): void {
    this.show('error', text, options);
  }

  show(kind: NoticeKind, text: string, options: NoticeOptions = {}): void {
    const clipped = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
    if (options.topic !== undefined) this.clear(options.topic);
    const doc = this.element.ownerDocument;
    const row = doc.createElement('div');
    row.className = `notice-row ${kind}`;
    row.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    const message = doc.createElement('span');
    message.className = 'text';
    message.textContent = clipped;
    row.appendChild(message);
    if (options.copyText !== undefined) {
      const field = doc.createElement('input');
      field.type = 'text';
      field.readOnly = true;
      field.className = 'copy';
      field.value = options.copyText;
      field.setAttribute('aria-label', 'Text to copy');
      field.addEventListener('focus', () => field.select());
      row.appendChild(field);
    }
    for (const action of options.actions ?? []) {
      const button = doc.createElement('button');
      button.type = 'button';
      button.textContent = action.label;
      button.addEventListener('click', () => {
        this.remove(row);
        action.run();
      });
      row.appendChild(button);
    }
    const close = doc.createElement('button');
    close.type = 'button';
    close.className = 'close';
    close.textContent = '×';
    close.title = 'Dismiss';
    close.setAttribute('aria-label', 'Dismiss this message');
    close.addEventListener('click', () => this.remove(row));
    row.appendChild(close);
    // Questions stay on top: a new one goes first, a message that only tells below the questions shown.
    const asks = (options.actions?.length ?? 0) > 0;
    const at = asks ? 0 : this.rows.filter((r) => r.asks).length;
    const before = this.rows[at]?.element ?? null;
    this.element.insertBefore(row, before);
    this.shown++;
    const hideAfter =
      options.hideAfterMs ?? (kind === 'success' && !options.actions?.length ? SUCCESS_MS : 0);
    if (hideAfter > 0) setTimeout(() => this.remove(row), hideAfter);
    this.rows.splice(at, 0, { element: row, asks, order: this.shown, topic: options.topic, text: clipped });
    while (this.rows.length > MAX_ROWS) this.dropOldest(row);
    this.element.hidden = false;
  }

  /** The newest message's text wherever it stands, or null when none is shown. */
  get latest(): string | null {
    let newest: (typeof this.rows)[number] | undefined;
    for (const r of this.rows) if (!newest || r.order > newest.order) newest = r;
    return newest?.text ?? null;
  }

  /** Every message shown, top first. */
  get messages(): string[] {
    return this.rows.map((r) => r.text);
  }

  /** Removes the messages of a topic, or all of them. */
  clear(topic?: string): void {
    for (const row of [...this.rows])
      if (topic === undefined || row.topic === topic) this.remove(row.element);
  }

  /**
   * Drops the bottom message (the oldest that only tells, or the oldest question when all ask), never the
   * one just shown: a message shown under full rows of questions takes the oldest question's place.
   */
  private dropOldest(fresh: HTMLElement): void {
    const last = this.rows.length - 1;
    const i = this.rows[last]!.element === fresh ? last - 1 : last;
    this.remove(this.rows[i]!.element);
  }

  private remove(element: HTMLElement): void {
    const i = this.rows.findIndex((r) => r.element === element);
    if (i >= 0) this.rows.splice(i, 1);
    element.remove();
    if (this.rows.length === 0) this.element.hidden = true;
  }
}
