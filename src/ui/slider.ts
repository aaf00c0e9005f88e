/** The interpolation slider under the main view: a continuous position from the input to the output. */
export class SliderBar {
  private readonly input: HTMLInputElement;
  private readonly ticks: HTMLElement;
  private readonly phase: HTMLElement;
  private readonly play: HTMLButtonElement;
  private tickElements: HTMLElement[] = [];
  private layers = 1;
  private lastText = '';

  constructor(root: Document, onInput: (t: number) => void, onPlay: () => void) {
    this.input = root.getElementById('slider') as HTMLInputElement;
    this.ticks = root.getElementById('slider-ticks') as HTMLElement;
    this.phase = root.getElementById('slider-phase') as HTMLElement;
    this.play = root.getElementById('slider-play') as HTMLButtonElement;
    this.input.addEventListener('input', () => onInput(Number(this.input.value)));
    this.play.addEventListener('click', () => onPlay());
  }

  /** Names of the representations, input first. */
  setLayers(names: string[], jump: (t: number) => void): void {
    this.layers = names.length - 1;
    this.input.max = String(this.layers);
    this.ticks.innerHTML = '';
    this.tickElements = names.map((name, i) => {
      const span = document.createElement('span');
      span.textContent = name;
      span.style.left = `${(i / this.layers) * 100}%`;
      if (i === 0) span.style.transform = 'none';
      if (i === this.layers) span.style.transform = 'translateX(-100%)';
      span.addEventListener('click', () => jump(i));
      this.ticks.appendChild(span);
      return span;
    });
  }

  set(t: number, text: string): void {
    if (document.activeElement !== this.input) this.input.value = String(t);
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
    this.play.textContent = playing ? '❚❚' : '▶';
    this.play.title = playing ? 'Stop the interpolation' : 'Play the interpolation';
  }
}
