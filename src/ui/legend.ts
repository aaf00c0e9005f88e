/** The legend: class colours (or the regression scale), training vs test points, the decision boundary. */
import { FOLD_HEX, FOLD_LEGEND } from '../view/math/foldMap';
import { classColor, cssColor } from '../view/theme';

/** Built with DOM calls: colours go through element.style, which the Content-Security-Policy allows. */
export function renderLegend(
  element: HTMLElement,
  classes: number,
  names: string[] | null,
  hasTest: boolean,
  folds = false,
): void {
  const doc = element.ownerDocument;
  const row = (marker: string, text: string, background?: string): HTMLElement => {
    const div = doc.createElement('div');
    div.className = 'row';
    const mark = doc.createElement('span');
    mark.className = marker;
    if (background) mark.style.background = background;
    // A long name (a CSV's class) ends in an ellipsis; the whole of it is the name's title.
    const name = doc.createElement('span');
    name.className = 'name';
    name.textContent = text;
    if (text.length > 24) name.title = text;
    div.append(mark, name);
    return div;
  };
  const rows: HTMLElement[] = [];
  if (classes === 0) {
    const gradient = `linear-gradient(90deg, ${cssColor(classColor(0))}, ${cssColor(classColor(1))})`;
    rows.push(row('bar', "the network's output"));
    rows.push(row('swatch', 'target, low to high', gradient));
  } else {
    for (let k = 0; k < classes; k++) {
      rows.push(row('swatch', names?.[k] ?? `class ${k}`, cssColor(classColor(k))));
    }
    rows.push(row('bar', 'decision boundary'));
  }
  if (classes > 0) rows.push(row('swatch', 'training point', '#c9d4de'));
  if (hasTest) rows.push(row('ring', 'test point'));
  if (folds) {
    for (const { key, text } of FOLD_LEGEND)
      rows.push(row('swatch', text, `#${FOLD_HEX[key].toString(16).padStart(6, '0')}`));
  }
  if (classes > 0) {
    // Filled in as training goes (the count of points marked with a cross).
    const count = doc.createElement('div');
    count.className = 'row mistakes';
    rows.push(count);
  }
  element.replaceChildren(...rows);
}
