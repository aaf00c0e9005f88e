/**
 * The small multiples: one button per member that sweepModel picked (at most 64), grouped by
 * configuration, each a canvas of the chosen hidden layer's representation of the data (and of a coarse
 * grid of the input plane), points coloured by class and framed in the colour of the member's accuracy.
 * A layer wider than 2 is drawn in the decision-aligned projection (representation.ts): its threshold is
 * a dashed vertical line, and the caption names the two axes.
 */
import type { SweepModel, SweepThumbnail } from './sweepModel';
import type { Dataset } from '../data/types';
import type { NetworkSpec } from '../engine/spec';
import type { SweepResult } from '../experiment/sweep';
import { GRID_CSS, TEXT_CSS, classCss, toneCss } from './colors';
import type { Representation } from './representation';
import { memberRepresentation } from './representation';

const SIZE = 96;
const FRAME = 3;

export function drawRepresentation(canvas: HTMLCanvasElement, rep: Representation, frame: string): void {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(SIZE * ratio);
  canvas.height = Math.round(SIZE * ratio);
  const g = canvas.getContext('2d')!;
  g.scale(ratio, ratio);
  g.fillStyle = '#0d1117';
  g.fillRect(0, 0, SIZE, SIZE);
  // Equal scales on both axes, fitted to the points.
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < rep.points.length; i += 2) {
    x0 = Math.min(x0, rep.points[i]);
    x1 = Math.max(x1, rep.points[i]);
    y0 = Math.min(y0, rep.points[i + 1]);
    y1 = Math.max(y1, rep.points[i + 1]);
  }
  const inner = SIZE - 2 * FRAME - 8;
  const span = Math.max(x1 - x0, y1 - y0, 1e-6);
  const scale = inner / span;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const px = (x: number): number => SIZE / 2 + (x - cx) * scale;
  const py = (y: number): number => SIZE / 2 - (y - cy) * scale;
  g.save();
  g.beginPath();
  g.rect(FRAME, FRAME, SIZE - 2 * FRAME, SIZE - 2 * FRAME);
  g.clip();
  g.strokeStyle = GRID_CSS;
  g.lineWidth = 0.75;
  for (const line of rep.lines) {
    g.beginPath();
    for (let s = 0; s < line.length; s += 2) {
      if (s === 0) g.moveTo(px(line[s]), py(line[s + 1]));
      else g.lineTo(px(line[s]), py(line[s + 1]));
    }
    g.stroke();
  }
  if (rep.threshold !== null) {
    // The decision threshold: class 1 to its right.
    g.strokeStyle = TEXT_CSS;
    g.lineWidth = 1;
    g.setLineDash([3, 3]);
    g.beginPath();
    g.moveTo(px(rep.threshold), 0);
    g.lineTo(px(rep.threshold), SIZE);
    g.stroke();
    g.setLineDash([]);
  }
  for (let i = 0; i < rep.labels.length; i++) {
    g.fillStyle = classCss(rep.labels[i]);
    g.fillRect(px(rep.points[2 * i]) - 1, py(rep.points[2 * i + 1]) - 1, 2, 2);
  }
  g.restore();
  g.strokeStyle = frame;
  g.lineWidth = FRAME;
  g.strokeRect(FRAME / 2, FRAME / 2, SIZE - FRAME, SIZE - FRAME);
}

export interface ThumbnailContext {
  model: SweepModel;
  result: SweepResult;
  /** The sweep's network (the preset's widths) and the varied layer. */
  spec: NetworkSpec;
  /** The points drawn: the test split (the training set when there is none). */
  data: Dataset;
  onOpen: (t: SweepThumbnail) => void;
}

export function renderThumbnails(box: HTMLElement, ctx: ThumbnailContext): void {
  const { model, result } = ctx;
  const sections = model.groups.map((group, g) => {
    const section = document.createElement('section');
    section.className = 'thumb-group';
    const h = document.createElement('h3');
    h.textContent = `${group.label}: ${group.reached} of ${group.members} reach ${model.target}`;
    const row = document.createElement('div');
    row.className = 'thumb-row';
    for (const t of model.thumbnails.filter((x) => x.group === g)) {
      const rep = memberRepresentation(ctx.spec, result, g, t.member, ctx.data);
      const axes = `across ${rep.axes[0]}, up ${rep.axes[1]}`;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'thumb';
      button.dataset.group = String(g);
      button.dataset.member = String(t.member);
      button.dataset.projection = rep.projection;
      button.title = `${result.rows[g].arch}, lr ${group.lr}, seed ${t.seed}: test accuracy ${t.testAccuracy.toFixed(3)}${t.diverged ? ' (diverged)' : ''}; hidden layer ${result.layer} ${axes}. Click to open it in Detangle with these weights.`;
      const canvas = document.createElement('canvas');
      canvas.setAttribute('aria-label', `seed ${t.seed}`);
      drawRepresentation(canvas, rep, toneCss(t.tone, t.diverged));
      const caption = document.createElement('span');
      caption.textContent = `seed ${t.seed} · ${t.testAccuracy.toFixed(3)}`;
      const axesLine = document.createElement('span');
      axesLine.className = 'thumb-axes';
      axesLine.textContent = `↔ ${rep.axes[0]} · ↕ ${rep.axes[1]}`;
      button.append(canvas, caption, axesLine);
      button.addEventListener('click', () => ctx.onOpen(t));
      row.append(button);
    }
    section.append(h, row);
    return section;
  });
  box.replaceChildren(...sections);
}
