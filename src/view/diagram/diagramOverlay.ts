/**
 * The diagram's 2-D layer over the heatmaps: the edges (colour = sign, thickness = magnitude), the bias
 * handles on the nodes, the nodes' frames, the columns' names, the highlighted unit and parameter, and the
 * value being dragged. On the no-WebGPU fallback it also paints the heatmaps from the CPU's values.
 */
import { paramLayout, type NetworkSpec } from '../../engine/spec';
import type { LayerBufferLayout } from '../../engine/types';
import { biasHandle, edgeEnds, type DiagramLayout } from '../math/diagramLayout';
import { THEME } from '../theme';
import { heatColor, signColor, srgb8 } from './diagramColors';

/** A unit of the diagram: representation r (0 the input), unit u. */
export interface UnitRef {
  rep: number;
  unit: number;
}

/** What the overlay shows besides the network. */
export interface OverlayMarks {
  /** The unit hovered or tapped (its node framed). */
  unit: UnitRef | null;
  /** The unit selected in the layer view (its node framed in another colour). */
  selected: UnitRef | null;
  /** The parameter under the pointer or being dragged: weight (layer, to, from) or bias (layer, to). */
  param: { layer: number; to: number; from: number | null } | null;
  /** A readout by the pointer: text and where (px). */
  readout: { text: string; x: number; y: number } | null;
}

/** The names of the diagram's columns: input, hidden k, output. */
export function columnNames(spec: NetworkSpec): string[] {
  const L = spec.layers.length;
  return ['input', ...spec.layers.map((_, l) => (l === L - 1 ? 'output' : `hidden ${l + 1}`))];
}

/** The line width of a parameter of magnitude |w| in a layer whose largest is `largest` (px). */
export function edgeWidth(w: number, largest: number, compact: boolean): number {
  const k = Math.min(1, Math.abs(w) / Math.max(1e-9, largest));
  return compact ? 0.3 + 1.7 * k : 0.5 + 4 * k;
}

/** Draws the network over what the canvas holds (the caller clears it). */
export function drawOverlay(
  ctx: CanvasRenderingContext2D,
  layout: DiagramLayout,
  spec: NetworkSpec,
  params: Float32Array | null,
  marks: OverlayMarks,
  paintNodes?: () => void,
): void {
  const { width } = layout.box;
  const pl = paramLayout(spec);
  const nodes = layout.nodes;
  // Edges.
  if (params) {
    for (let l = 0; l + 1 < nodes.length; l++) {
      const n = nodes[l].length;
      const m = nodes[l + 1].length;
      const base = pl.weight[l];
      if (pl.field[l]) {
        // A vector-field layer keeps each unit (x + V(x)): one neutral edge per unit, no weights to show.
        for (let i = 0; i < Math.min(n, m); i++) {
          const [x0, y0, x1, y1] = edgeEnds(layout, l, i, i);
          ctx.beginPath();
          ctx.moveTo(x0, y0);
          ctx.lineTo(x1, y1);
          ctx.lineWidth = 1.5;
          ctx.strokeStyle = 'rgba(200, 210, 220, 0.6)';
          ctx.stroke();
        }
        continue;
      }
      let largest = 0;
      for (let i = 0; i < n * m; i++) largest = Math.max(largest, Math.abs(params[base + i]));
      const compact = layout.compact[l] || layout.compact[l + 1];
      const alpha = compact ? 0.45 : 0.75;
      for (let to = 0; to < m; to++) {
        for (let from = 0; from < n; from++) {
          const w = params[base + to * n + from];
          const [x0, y0, x1, y1] = edgeEnds(layout, l, from, to);
          ctx.beginPath();
          ctx.moveTo(x0, y0);
          ctx.lineTo(x1, y1);
          ctx.lineWidth = edgeWidth(w, largest, compact);
          ctx.strokeStyle = signColor(w, alpha);
          ctx.stroke();
        }
      }
    }
  }
  // Edges pass under the nodes: the heatmaps (drawn beneath this layer) show through.
  for (const column of nodes) for (const node of column) ctx.clearRect(node.x, node.y, node.size, node.size);
  // The fallback paints its heatmaps here, on this layer.
  paintNodes?.();
  // Frames, biases.
  ctx.lineWidth = 1;
  for (let r = 0; r < nodes.length; r++) {
    for (const node of nodes[r]) {
      ctx.strokeStyle = 'rgba(223, 230, 238, 0.35)';
      ctx.strokeRect(node.x - 0.5, node.y - 0.5, node.size + 1, node.size + 1);
      // A vector-field layer has no biases (its block holds the anchors).
      if (r > 0 && params && node.size >= 6 && !pl.field[r - 1]) {
        const b = params[pl.bias[r - 1] + node.unit];
        const [bx, by, side] = biasHandle(node);
        ctx.fillStyle = signColor(b, 0.35 + 0.65 * Math.min(1, Math.abs(b)));
        ctx.fillRect(bx, by, side, side);
        ctx.strokeStyle = THEME.text;
        ctx.strokeRect(bx + 0.5, by + 0.5, side - 1, side - 1);
      }
    }
  }
  // Names.
  ctx.fillStyle = THEME.text;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const names = columnNames(spec);
  const pitch = layout.columns.length > 1 ? layout.columns[1] - layout.columns[0] : width;
  for (let r = 0; r < layout.columns.length; r++) {
    const name = pitch < 70 ? (r === 0 ? 'in' : r === names.length - 1 ? 'out' : `h${r}`) : names[r];
    ctx.fillText(`${name} · ${nodes[r].length}`, layout.columns[r], 2, Math.max(10, pitch - 4));
  }
  // Highlights.
  const frame = (u: UnitRef | null, colour: string): void => {
    const node = u ? nodes[u.rep]?.[u.unit] : undefined;
    if (!node) return;
    ctx.lineWidth = 2;
    ctx.strokeStyle = colour;
    ctx.strokeRect(node.x - 2, node.y - 2, node.size + 4, node.size + 4);
  };
  frame(marks.selected, '#f1cc3f');
  frame(marks.unit, '#ffffff');
  const p = marks.param;
  if (p && nodes[p.layer + 1]?.[p.to]) {
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#ffffff';
    if (p.from !== null && nodes[p.layer][p.from]) {
      const [x0, y0, x1, y1] = edgeEnds(layout, p.layer, p.from, p.to);
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
    } else {
      const [bx, by, side] = biasHandle(nodes[p.layer + 1][p.to]);
      ctx.strokeRect(bx - 1, by - 1, side + 2, side + 2);
    }
  }
  if (marks.readout) {
    const { text, x, y } = marks.readout;
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    const w = ctx.measureText(text).width + 8;
    const left = Math.min(Math.max(0, x + 10), width - w);
    const top = Math.max(16, y - 6);
    ctx.fillStyle = 'rgba(13, 17, 23, 0.85)';
    ctx.fillRect(left, top - 16, w, 17);
    ctx.fillStyle = THEME.text;
    ctx.fillText(text, left + 4, top);
  }
}

/**
 * The no-WebGPU fallback: each node's heatmap painted from the CPU's layer values (`data`, laid out as
 * `layout`), for a `g` × `g` plane (`slice`: which one of a 3-D lattice) or a line of `g` points, each
 * unit coloured by `shade` (its signed scale and centre, as the GPU heatmaps).
 */
export function paintHeatmaps(
  ctx: CanvasRenderingContext2D,
  diagram: DiagramLayout,
  layout: LayerBufferLayout,
  data: Float32Array,
  g: number,
  form: 'plane' | 'curve',
  shade: (r: number, unit: number) => { scale: number; centre: number },
  slice = 0,
): void {
  const tile = document.createElement('canvas');
  const side = form === 'plane' ? g : 1;
  tile.width = form === 'plane' ? g : 1;
  tile.height = side;
  const tctx = tile.getContext('2d');
  if (!tctx) return;
  const image = tctx.createImageData(tile.width, tile.height);
  for (let r = 0; r < diagram.nodes.length; r++) {
    const rep = r === 0 ? 0 : 2 * r;
    const width = layout.width[rep];
    const offset = layout.offset[rep];
    for (const node of diagram.nodes[r]) {
      // The curve's height reads the scale's size; a plane's colour its sign too (heatColor).
      const { scale, centre } = shade(r, node.unit);
      if (form === 'curve') {
        ctx.strokeStyle = '#dfe6ee';
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        for (let i = 0; i < g; i++) {
          const v = data[offset + i * width + node.unit];
          const t = Math.max(-1, Math.min(1, (v - centre) / Math.max(1e-6, Math.abs(scale))));
          const x = node.x + (node.size * i) / Math.max(1, g - 1);
          const y = node.y + node.size * (0.5 - 0.45 * t);
          if (i === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        }
        ctx.stroke();
        continue;
      }
      for (let j = 0; j < g; j++)
        for (let i = 0; i < g; i++) {
          const v = slice * g * g + j * g + i;
          const c = srgb8(heatColor(data[offset + v * width + node.unit], scale, centre));
          // Image rows run downwards, the input's y upwards.
          const p = 4 * ((g - 1 - j) * g + i);
          image.data[p] = c[0];
          image.data[p + 1] = c[1];
          image.data[p + 2] = c[2];
          image.data[p + 3] = 255;
        }
      tctx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(tile, node.x, node.y, node.size, node.size);
    }
  }
}
