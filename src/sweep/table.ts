/**
 * The sweep's table: a row per configuration (width × learning rate) with its histogram of final test
 * accuracy on the bins shared by every row, the fraction that reached the target, the quartiles and the
 * diverged members.
 */
import type { SweepModel } from './sweepModel';
import type { SweepResult } from '../experiment/sweep';
import { percentText } from '../experiment/sweep';
import { TEXT_CSS, toneCss } from './colors';
import { accuracyWords } from './summary';

const HIST_W = 220;
const HIST_H = 44;

const fixed = (v: number | null): string => (v === null ? '—' : v.toFixed(3));

function cell(text: string, className = 'num'): HTMLTableCellElement {
  const td = document.createElement('td');
  td.className = className;
  td.textContent = text;
  return td;
}

/** Bars of one histogram, coloured by their place on the accuracy scale; the scale is shared by all rows. */
export function drawHistogram(
  canvas: HTMLCanvasElement,
  counts: readonly number[],
  tallest: number,
  edges: readonly number[],
  target: number,
): void {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(HIST_W * ratio);
  canvas.height = Math.round(HIST_H * ratio);
  const g = canvas.getContext('2d')!;
  g.scale(ratio, ratio);
  g.clearRect(0, 0, HIST_W, HIST_H);
  const base = HIST_H - 12;
  const bins = counts.length;
  const bw = HIST_W / bins;
  counts.forEach((n, i) => {
    if (!n) return;
    const h = Math.max(2, (n / Math.max(1, tallest)) * (base - 2));
    g.fillStyle = toneCss((i + 0.5) / bins);
    g.fillRect(i * bw + 1, base - h, bw - 2, h);
  });
  g.fillStyle = '#2a3340';
  g.fillRect(0, base, HIST_W, 1);
  // The target, where it falls on the scale.
  const lo = edges[0];
  if (target >= lo && target <= 1) {
    const x = Math.min(HIST_W - 1, ((target - lo) / (1 - lo)) * HIST_W);
    g.fillStyle = '#e6edf3';
    g.fillRect(x, 0, 1, base);
  }
  g.fillStyle = TEXT_CSS;
  g.font = '10px system-ui, sans-serif';
  g.textBaseline = 'bottom';
  g.textAlign = 'left';
  g.fillText(lo.toFixed(2), 0, HIST_H);
  g.textAlign = 'right';
  g.fillText('1', HIST_W, HIST_H);
}

export function renderTable(body: HTMLTableSectionElement, model: SweepModel, result: SweepResult): void {
  const tallest = Math.max(1, ...model.groups.flatMap((g) => g.histogram));
  body.replaceChildren(
    ...model.groups.map((group, i) => {
      const row = result.rows[i];
      const tr = document.createElement('tr');
      tr.dataset.group = String(i);
      tr.append(cell(row.arch, 'text'), cell(String(group.lr)));
      const hist = document.createElement('td');
      hist.className = 'hist';
      const canvas = document.createElement('canvas');
      canvas.className = 'histogram';
      canvas.dataset.counts = group.histogram.join(',');
      canvas.title = `${accuracyWords(result)} from ${model.edges[0].toFixed(2)} to 1 in ${group.histogram.length} bins: ${group.histogram.join(', ')} members${group.diverged ? `; ${group.diverged} diverged` : ''}. The white line is the target.`;
      drawHistogram(canvas, group.histogram, tallest, model.edges, model.target);
      hist.append(canvas);
      tr.append(
        hist,
        cell(`${group.reached} / ${group.members} (${percentText(group.reached, group.members)})`),
        cell(fixed(row.min)),
        cell(fixed(row.q1)),
        cell(fixed(row.median)),
        cell(fixed(row.q3)),
        cell(fixed(row.max)),
        cell(String(group.diverged)),
      );
      return tr;
    }),
  );
}
