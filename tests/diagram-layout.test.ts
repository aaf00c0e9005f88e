/**
 * The network diagram's pure parts: where nodes go (inside the box, never overlapping, the compact form
 * past COMPACT_UNITS, legible at twelve layers of 32 on a laptop and a phone), what a point touches, the
 * drag's pixels-to-value mapping and the heatmap's colours.
 */
import { describe, expect, it } from 'vitest';
import {
  COMPACT_UNITS,
  LABEL_BAND,
  biasHandle,
  diagramLayout,
  edgeEnds,
  hitTest,
  type DiagramLayout,
} from '../src/view/math/diagramLayout';
import { DRAG_STEP, draggedValue, refOf } from '../src/view/diagram/diagramGestures';
import {
  NEGATIVE_RGB,
  NEUTRAL_RGB,
  POSITIVE_RGB,
  classSigns,
  columnCentres,
  diagramKey,
  heatColor,
} from '../src/view/diagram/diagramColors';
import { buildSpec } from '../src/engine/spec';
import { CLASS_COLORS, rgb } from '../src/view/theme';

const LAPTOP = { width: 1366, height: 230 };
const PHONE = { width: 390, height: 250 };
const BIG = [2, ...Array.from({ length: 12 }, () => 32)];

function checkPlaced(layout: DiagramLayout): void {
  const outside = layout.nodes
    .flat()
    .filter(
      (n) =>
        n.x < 0 || n.y < LABEL_BAND || n.x + n.size > layout.box.width || n.y + n.size > layout.box.height,
    );
  expect(outside).toEqual([]);
  // Within a column no two nodes overlap (columns are kept apart below).
  const overlaps: string[] = [];
  for (const column of layout.nodes)
    for (let i = 0; i < column.length; i++)
      for (let j = i + 1; j < column.length; j++) {
        const a = column[i];
        const b = column[j];
        const apart =
          a.x + a.size <= b.x || b.x + b.size <= a.x || a.y + a.size <= b.y || b.y + b.size <= a.y;
        if (!apart) overlaps.push(`${a.rep}.${a.unit} and ${b.rep}.${b.unit}`);
      }
  expect(overlaps).toEqual([]);
  // Columns run left to right: every node of a column lies left of every node of the next.
  for (let r = 0; r + 1 < layout.nodes.length; r++) {
    const right = Math.max(...layout.nodes[r].map((n) => n.x + n.size));
    const left = Math.min(...layout.nodes[r + 1].map((n) => n.x));
    expect(right).toBeLessThan(left);
  }
}

describe('diagram layout', () => {
  it('places every unit inside the box, none overlapping, for small and large networks', () => {
    for (const widths of [[2, 3, 2, 1], [1, 8, 8, 1], [3, 16, 17, 2], [8, 32, 32, 32, 2], BIG])
      for (const box of [LAPTOP, PHONE, { width: 1920, height: 420 }]) {
        const layout = diagramLayout(widths, box);
        expect(layout.nodes.map((c) => c.length)).toEqual(widths);
        checkPlaced(layout);
      }
  });

  it('takes the compact form past COMPACT_UNITS units a layer, and only there', () => {
    const layout = diagramLayout([2, COMPACT_UNITS, COMPACT_UNITS + 1, 1], LAPTOP);
    expect(layout.compact).toEqual([false, false, true, false]);
    // A compact column puts units side by side; a plain one stacks them in one column.
    const xs = (r: number): number => new Set(layout.nodes[r].map((n) => n.x)).size;
    expect(xs(1)).toBe(1);
    expect(xs(2)).toBeGreaterThan(1);
  });

  it('keeps twelve layers of 32 legible on a laptop and on a phone', () => {
    const laptop = diagramLayout(BIG, LAPTOP);
    const phone = diagramLayout(BIG, PHONE);
    expect(Math.min(...laptop.nodes.flat().map((n) => n.size))).toBeGreaterThanOrEqual(12);
    expect(Math.min(...phone.nodes.flat().map((n) => n.size))).toBeGreaterThanOrEqual(6);
    // Small networks get large nodes, never huge ones.
    const small = diagramLayout([2, 3, 2, 1], LAPTOP);
    for (const n of small.nodes.flat()) expect(n.size).toBeGreaterThanOrEqual(40);
  });

  it('finds nodes, bias handles and edges under the pointer', () => {
    const layout = diagramLayout([2, 3, 2, 1], LAPTOP);
    const node = layout.nodes[1][2];
    expect(hitTest(layout, node.x + node.size * 0.7, node.y + node.size * 0.3)).toEqual({
      kind: 'node',
      rep: 1,
      unit: 2,
    });
    const [bx, by, side] = biasHandle(node);
    expect(hitTest(layout, bx + side / 2, by + side / 2)).toEqual({ kind: 'bias', layer: 0, to: 2 });
    const [x0, y0, x1, y1] = edgeEnds(layout, 1, 2, 1);
    const hit = hitTest(layout, x0 + 0.5 * (x1 - x0), y0 + 0.5 * (y1 - y0));
    expect(hit).toEqual({ kind: 'weight', layer: 1, to: 1, from: 2 });
    expect(refOf(hit)).toEqual({ kind: 'weight', layer: 1, to: 1, from: 2 });
    expect(hitTest(layout, 1, layout.box.height - 1)).toBeNull();
  });

  it('maps a drag to a value: DRAG_STEP per pixel, up is larger', () => {
    expect(draggedValue(0.5, -40)).toBeCloseTo(0.5 + 40 * DRAG_STEP, 12);
    expect(draggedValue(0.5, 25)).toBeCloseTo(0.5 - 25 * DRAG_STEP, 12);
  });

  it('colours positive values blue and negative ones orange, neutral at the centre', () => {
    expect(heatColor(0, 1)).toEqual(NEUTRAL_RGB);
    expect(heatColor(2, 1)).toEqual(POSITIVE_RGB.map((v) => expect.closeTo(v, 12)));
    expect(heatColor(-1, 1)).toEqual(NEGATIVE_RGB.map((v) => expect.closeTo(v, 12)));
    expect(heatColor(0.5, 0.5, 0.5)).toEqual(NEUTRAL_RGB);
    const half = heatColor(0.5, 1);
    for (let i = 0; i < 3; i++) expect(half[i]).toBeCloseTo((NEUTRAL_RGB[i] + POSITIVE_RGB[i]) / 2, 12);
    // A negative scale swaps the sides.
    expect(heatColor(0.9, -0.4, 0.5)).toEqual(NEGATIVE_RGB.map((v) => expect.closeTo(v, 12)));
    expect(heatColor(0.1, -0.4, 0.5)).toEqual(POSITIVE_RGB.map((v) => expect.closeTo(v, 12)));
  });

  it('draws a classifier’s output in the colour of the class it speaks for, hidden units by sign', () => {
    const classColor = (k: number) => rgb(CLASS_COLORS[k]).map((v) => expect.closeTo(v, 12));
    // One tanh output unit of a classifier: neutral at its threshold ½, high values class 1's orange.
    const one = buildSpec([2, 3, 1], ['tanh', 'tanh'], 'mse');
    expect(one.layers[1].activation).toBe('tanh');
    const centres = columnCentres(one, 2);
    expect(centres).toEqual([0, 0, 0.5]);
    const signs = classSigns(one, 2);
    expect(signs).toEqual([[1, 1], [1, 1, 1], [-1]]);
    expect(heatColor(0.95, signs[2][0] * 0.45, centres[2])).toEqual(classColor(1));
    expect(heatColor(0.05, signs[2][0] * 0.45, centres[2])).toEqual(classColor(0));
    // A regression's output: by sign, neutral at 0.
    const regression = buildSpec([2, 3, 1], 'tanh', 'mse', { regression: true });
    expect(columnCentres(regression, 0)).toEqual([0, 0, 0]);
    expect(classSigns(regression, 0)[2]).toEqual([1]);
    // A two-class softmax: unit k high in class k's colour.
    const soft = buildSpec([2, 4, 2], 'relu', 'ce');
    expect(columnCentres(soft, 2)[2]).toBe(0.5);
    expect(classSigns(soft, 2)[2]).toEqual([1, -1]);
    expect(heatColor(0.9, -0.4, 0.5)).toEqual(classColor(1));
    expect(heatColor(0.9, 0.4, 0.5)).toEqual(classColor(0));
    // The key under the diagram says so only where it holds.
    expect(diagramKey(one, 2)).toContain("the output in its class's colour");
    expect(diagramKey(regression, 0)).not.toContain('class');
    expect(diagramKey(buildSpec([3, 8, 1], 'tanh', 'mse'), 2)).toContain('a slice through the input');
  });
});
