/** The legend: class colours (or the regression scale), training vs test points, the decision boundary. */
import { classColor, cssColor } from '../view/theme';
import { escapeHtml } from './status';

export function renderLegend(
  element: HTMLElement,
  classes: number,
  names: string[] | null,
  hasTest: boolean,
): void {
  const rows: string[] = [];
  if (classes === 0) {
    rows.push(
      `<div class="row"><span class="swatch" style="background:linear-gradient(90deg,${cssColor(classColor(0))},${cssColor(classColor(1))})"></span>background: predicted value, low to high</div>`,
    );
  } else {
    for (let k = 0; k < classes; k++) {
      const name = names?.[k] ?? `class ${k}`;
      rows.push(
        `<div class="row"><span class="swatch" style="background:${cssColor(classColor(k))}"></span>${escapeHtml(name)}</div>`,
      );
    }
    rows.push('<div class="row"><span class="bar"></span>decision boundary</div>');
  }
  rows.push('<div class="row"><span class="swatch" style="background:#c9d4de"></span>training point</div>');
  if (hasTest) rows.push('<div class="row"><span class="ring"></span>test point</div>');
  element.innerHTML = rows.join('');
}
