/**
 * The layer slider under the main view: a continuous position from the input to the output, with a tick
 * per layer, its own play button (it plays the layers, not training) and the phase of the map in words
 * on a line of its own, so the track keeps its length whatever the words.
 */
import type { Dispatch } from '../state/commands';

export class SliderBar {
  private readonly input: HTMLInputElement;
  private readonly ticks: HTMLElement;
  private readonly phase: HTMLElement;
  private readonly play: HTMLButtonElement;
  private tickElements: HTMLElement[] = [];
  private layers = 1;
  private lastText = '';
  /** A pointer is dragging the handle: the handle is the person's until it lets go. */
  private dragging = false;

  constructor(
    root: Document,
    private readonly dispatch: Dispatch,
  ) {
    this.input = root.getElementById('slider') as HTMLInputElement;
    this.ticks = root.getElementById('slider-ticks') as HTMLElement;
    this.phase = root.getElementById('slider-phase') as HTMLElement;
    this.play = root.getElementById('slider-play') as HTMLButtonElement;
    this.input.addEventListener('input', () =>
      dispatch({ type: 'setPosition', t: Number(this.input.value) }),
    );
    this.input.addEventListener('pointerdown', () => (this.dragging = true));
    const release = (): void => {
      this.dragging = false;
    };
    root.defaultView?.addEventListener('pointerup', release);
    root.defaultView?.addEventListener('pointercancel', release);
    this.play.addEventListener('click', () => dispatch({ type: 'toggleAnimation' }));
    this.setPlaying(false);
  }

  /** Names of the representations, input first. */
  setLayers(names: string[]): void {
    this.layers = names.length - 1;
    this.input.max = String(this.layers);
    this.ticks.replaceChildren();
    this.tickElements = names.map((name, i) => {
      const span = document.createElement('span');
      span.textContent = name;
      span.title = `Show ${name}`;
      span.style.left = `${(i / this.layers) * 100}%`;
      if (i === 0) span.style.transform = 'none';
      if (i === this.layers) span.style.transform = 'translateX(-100%)';
      span.addEventListener('click', () => this.dispatch({ type: 'setPosition', t: i }));
      this.ticks.appendChild(span);
      return span;
    });
    // Crowded ticks (many layers on a narrow screen) keep only every k-th name.
    this.ticks.dataset.count = String(names.length);
  }

  set(t: number, text: string): void {
    // Not while dragged; focused, it follows (the arrow keys move the layer through the app, not the input).
    if (!this.dragging) this.input.value = String(t);
    if (text !== this.lastText) {
      this.phase.textContent = text;
      this.lastText = text;
    }
    const nearest = Math.round(t);
    this.tickElements.forEach((el, i) =>
      el.classList.toggle('active', i === nearest && Math.abs(t - i) < 1e-6),
    );
  }

  setPlaying(playing: boolean): void {
    this.play.textContent = playing ? '❚❚ layers' : '▶ layers';
    this.play.title = playing
      ? 'Stop moving through the layers'
      : 'Move through the layers, input to output, again and again (training goes on as it is)';
    this.play.setAttribute('aria-pressed', String(playing));
  }
}
