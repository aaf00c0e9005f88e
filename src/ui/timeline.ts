/**
 * The timeline under the views: a range over the kept moments of training, in log or linear time, a
 * "Live" button and "Resume from here". It draws what it is given and calls back; it changes nothing
 * itself.
 */

/** Positions of the range input (its resolution). */
export const TIMELINE_STEPS = 1000;

export type TimeScale = 'log' | 'linear';

export interface TimelineView {
  /** Kept steps, increasing. */
  steps: readonly number[];
  /** The kept moment shown, or null for live. */
  index: number | null;
  /** The live step. */
  liveStep: number;
  /** A line about the moment shown (its step, epoch, loss). */
  text: string;
}

export interface TimelineActions {
  seek(index: number): void;
  live(): void;
  resume(): void;
}

/** Where step `step` sits on a range of 0..1 up to `last`. */
export function stepToFraction(step: number, last: number, scale: TimeScale): number {
  if (last <= 0) return 1;
  return scale === 'log' ? Math.log1p(step) / Math.log1p(last) : step / last;
}

/** The step at fraction `f` of a range up to `last`. */
export function fractionToStep(f: number, last: number, scale: TimeScale): number {
  return scale === 'log' ? Math.expm1(f * Math.log1p(last)) : f * last;
}

/** The index of the kept step nearest to `step` (ties: the earlier). */
export function nearestIndex(steps: readonly number[], step: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && step - steps[lo - 1] <= steps[lo] - step) return lo - 1;
  return lo;
}

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
): HTMLElementTagNameMap[K] => Object.assign(document.createElement(tag), props);

export class TimelineBar {
  scale: TimeScale = 'log';
  private readonly range: HTMLInputElement;
  private readonly live: HTMLButtonElement;
  private readonly resume: HTMLButtonElement;
  private readonly label: HTMLElement;
  private view: TimelineView = { steps: [], index: null, liveStep: 0, text: '' };
  private shown = '';

  constructor(root: HTMLElement, actions: TimelineActions) {
    root.classList.add('timeline');
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', 'Training time');
    const scale = el('select', { id: 'timeline-scale', title: 'Time axis' });
    for (const s of ['log', 'linear'] as const)
      scale.append(el('option', { value: s, textContent: `${s} time` }));
    scale.addEventListener('change', () => {
      this.scale = scale.value as TimeScale;
      this.shown = '';
      this.show(this.view);
    });
    this.range = el('input', {
      type: 'range',
      id: 'timeline',
      min: '0',
      max: String(TIMELINE_STEPS),
      step: '1',
      value: String(TIMELINE_STEPS),
      title: 'Training time: drag to go back (training pauses)',
    });
    this.range.setAttribute('aria-label', 'Training time');
    this.range.addEventListener('input', () => {
      const steps = this.view.steps;
      if (steps.length === 0) return;
      const last = steps[steps.length - 1];
      const step = fractionToStep(Number(this.range.value) / TIMELINE_STEPS, last, this.scale);
      actions.seek(nearestIndex(steps, step));
    });
    this.live = el('button', {
      type: 'button',
      id: 'timeline-live',
      textContent: 'Live',
      title: 'Back to now',
    });
    this.live.addEventListener('click', () => actions.live());
    this.resume = el('button', {
      type: 'button',
      id: 'timeline-resume',
      textContent: 'Resume from here',
      title: 'Train on from this moment (the later history is dropped)',
    });
    this.resume.addEventListener('click', () => actions.resume());
    this.label = el('span', { id: 'timeline-label' });
    root.append(scale, this.range, this.live, this.resume, this.label);
  }

  show(view: TimelineView): void {
    this.view = view;
    const key = `${view.steps.length} ${view.steps[view.steps.length - 1]} ${view.index} ${view.liveStep} ${view.text}`;
    if (key === this.shown) return;
    this.shown = key;
    const steps = view.steps;
    this.range.disabled = steps.length === 0;
    this.live.disabled = view.index === null;
    this.resume.hidden = view.index === null;
    this.label.textContent = view.text;
    // While live, the thumb sits at the end; while scrubbing it stays where it was dragged, unless the
    // moment was chosen another way.
    if (steps.length > 0 && document.activeElement !== this.range) {
      const last = steps[steps.length - 1];
      const step = view.index === null ? last : steps[view.index];
      this.range.value = String(Math.round(stepToFraction(step, last, this.scale) * TIMELINE_STEPS));
    }
  }
}
