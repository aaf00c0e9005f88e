/**
 * The status line: backend and adapter, training speed, frame rate, vertices transformed per frame (the
 * step and epoch are in the training bar).
 */
import { formatCount } from './lossChart';

export interface StatusInfo {
  backend: string;
  adapter: string;
  stepsPerSecond: number;
  fps: number;
  vertices: number;
  playing: boolean;
}

export class StatusLine {
  constructor(private readonly element: HTMLElement) {}

  show(s: StatusInfo): void {
    const speed = s.playing ? `<b>${formatCount(Math.max(0, s.stepsPerSecond))}</b> steps/s` : 'paused';
    this.element.innerHTML =
      `${escapeHtml(s.backend)} · ${escapeHtml(s.adapter)} · ${speed} · <b>${Math.round(s.fps)}</b> fps · ` +
      `<b>${formatCount(s.vertices)}</b> vertices/frame`;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
