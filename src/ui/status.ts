/** The status line: backend and adapter, training speed, frame rate, vertices transformed per frame. */
import { formatCount } from './lossChart';

export interface StatusInfo {
  backend: string;
  adapter: string;
  stepsPerSecond: number;
  fps: number;
  vertices: number;
  step: number;
  epoch: number | null;
  playing: boolean;
}

export class StatusLine {
  constructor(private readonly element: HTMLElement) {}

  show(s: StatusInfo): void {
    const speed = s.playing ? `<b>${formatCount(s.stepsPerSecond)}</b> steps/s` : 'paused';
    const epoch = s.epoch === null ? '' : ` · epoch ${s.epoch}`;
    this.element.innerHTML =
      `${escapeHtml(s.backend)} · ${escapeHtml(s.adapter)} · ${speed} · <b>${Math.round(s.fps)}</b> fps · ` +
      `<b>${formatCount(s.vertices)}</b> vertices/frame · step ${formatCount(s.step)}${epoch}`;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
