/**
 * The training bar above the views: play/pause training, one step, reset the weights, the speed, the
 * learning rate, and the epoch and step counters. Always in view; reachable with Tab in reading order.
 * It draws what it is given and dispatches named commands; it changes nothing itself.
 */
import type { Command, Speed } from '../state/commands';

/** What the bar shows. */
export interface TrainingBarView {
  playing: boolean;
  /** Training stopped at a divergence: Play waits for a decision in the banner. */
  diverged: boolean;
  fullSpeed: boolean;
  stepsPerFrame: number;
  learningRate: number;
  step: number;
  epoch: number | null;
}

/** Steps per frame offered in the speed menu (the current value is added when it is not one of them). */
export const SPEED_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
): HTMLElementTagNameMap[K] => Object.assign(document.createElement(tag), props);

/** Learning rates as people write them: 0.1, 0.003, 1e-5. */
export function formatRate(lr: number): string {
  if (lr >= 1e-3) return String(Number(lr.toPrecision(3)));
  return lr.toExponential(1).replace('.0e', 'e');
}

export class TrainingBar {
  private readonly play: HTMLButtonElement;
  private readonly speed: HTMLSelectElement;
  private readonly rate: HTMLInputElement;
  private readonly counters: HTMLElement;
  private shownSpeed = '';
  private shownCounters = '';

  constructor(root: HTMLElement, dispatch: (c: Command) => void) {
    root.classList.add('training-bar');
    root.setAttribute('role', 'toolbar');
    root.setAttribute('aria-label', 'Training');
    this.play = el('button', { type: 'button', id: 'train-play', className: 'primary' });
    this.play.addEventListener('click', () => dispatch({ type: 'togglePlay' }));
    const step = el('button', {
      type: 'button',
      id: 'train-step',
      textContent: 'Step',
      title: 'Train one step',
    });
    step.addEventListener('click', () => dispatch({ type: 'step' }));
    const reset = el('button', {
      type: 'button',
      id: 'train-reset',
      textContent: 'Reset weights',
      title: 'New initial weights (same seed); the data stays',
    });
    reset.addEventListener('click', () => dispatch({ type: 'resetWeights' }));

    this.speed = el('select', { id: 'train-speed', title: 'Training steps per drawn frame' });
    this.speed.addEventListener('change', () => {
      const v = this.speed.value;
      const speed: Speed = v === 'full' ? 'full' : Number(v);
      dispatch({ type: 'setSpeed', speed });
    });
    this.rate = el('input', {
      id: 'train-lr',
      type: 'number',
      min: '0',
      step: 'any',
      title: 'Learning rate',
      inputMode: 'decimal',
    });
    this.rate.addEventListener('change', () => {
      const value = Number(this.rate.value);
      if (value > 0 && Number.isFinite(value)) {
        this.rate.classList.remove('invalid');
        dispatch({ type: 'setLearningRate', value });
      } else this.rate.classList.add('invalid');
    });
    this.counters = el('span', { id: 'train-counters', className: 'counters' });
    this.counters.setAttribute('aria-live', 'off');

    const labelled = (text: string, control: HTMLElement): HTMLLabelElement => {
      const label = el('label', { className: 'field' });
      label.append(el('span', { textContent: text }), control);
      return label;
    };
    root.replaceChildren(
      this.play,
      step,
      reset,
      labelled('speed', this.speed),
      labelled('learning rate', this.rate),
      this.counters,
    );
  }

  show(v: TrainingBarView): void {
    const playText = v.playing && !v.diverged ? '❚❚ Pause' : '▶ Train';
    if (this.play.textContent !== playText) {
      this.play.textContent = playText;
      this.play.title = v.playing ? 'Pause training (space)' : 'Train (space)';
      this.play.setAttribute('aria-pressed', String(v.playing));
    }
    const speedKey = v.fullSpeed ? 'full' : String(Math.round(v.stepsPerFrame * 100) / 100);
    if (speedKey !== this.shownSpeed) {
      this.shownSpeed = speedKey;
      const values = [...SPEED_STEPS];
      if (!v.fullSpeed && !values.includes(Number(speedKey))) {
        values.push(Number(speedKey));
        values.sort((a, b) => a - b);
      }
      this.speed.replaceChildren(
        ...values.map((n) =>
          el('option', { value: String(n), textContent: `${n} step${n === 1 ? '' : 's'} / frame` }),
        ),
        el('option', { value: 'full', textContent: 'full speed' }),
      );
      this.speed.value = speedKey;
    }
    if (document.activeElement !== this.rate) {
      const text = formatRate(v.learningRate);
      if (this.rate.value !== text) this.rate.value = text;
      this.rate.classList.remove('invalid');
    }
    const counters = `epoch ${v.epoch ?? 0} · step ${Math.max(0, Math.round(v.step)).toLocaleString('en-US')}`;
    if (counters !== this.shownCounters) {
      this.shownCounters = counters;
      this.counters.textContent = counters;
    }
  }
}
