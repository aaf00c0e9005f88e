/**
 * Where the network diagram puts its nodes: one column per representation (the input, then every layer),
 * one square node per unit, edges between neighbouring columns. Pure: sizes in CSS pixels of the box the
 * diagram is drawn in, y downwards. Columns wider than COMPACT_UNITS units take the compact form: their
 * nodes in two to four sub-columns, so twelve layers of 32 still fit a laptop's strip and a phone.
 */

/** Beyond this many units a column takes the compact form (two sub-columns). */
export const COMPACT_UNITS = 16;
/** The largest node side (px): small networks do not grow huge nodes. */
export const MAX_NODE = 72;
/** The band above the nodes that holds the columns' names (px). */
export const LABEL_BAND = 16;
/** Space around the nodes (px). */
export const PAD = 6;
/** The band under the nodes that holds the key (and a 3-D input's slice) (px). */
export const FOOT_BAND = 16;

export interface DiagramBox {
  width: number;
  height: number;
}

/** One unit's node: its square's top-left corner and side (px). */
export interface DiagramNode {
  rep: number;
  unit: number;
  x: number;
  y: number;
  size: number;
}

export interface DiagramLayout {
  box: DiagramBox;
  /** nodes[r][u]: unit u of representation r. */
  nodes: DiagramNode[][];
  /** The centre of each column (px). */
  columns: number[];
  /** Whether each column is in the compact form. */
  compact: boolean[];
}

/** The gap between neighbouring nodes of a column. */
function gapFor(compact: boolean): number {
  return compact ? 2 : 4;
}

/** The side of a column's nodes with `n` units in `sub` sub-columns. */
function nodeSide(n: number, sub: number, gap: number, pitch: number, available: number): number {
  const rows = Math.max(1, Math.ceil(n / sub));
  // Edges need room between columns: the nodes take at most 55 % of a column's width.
  const byWidth = (pitch * 0.55 - (sub - 1) * gap) / sub;
  const byHeight = (available - (rows - 1) * gap) / rows;
  return Math.max(1, Math.floor(Math.min(MAX_NODE, byWidth, byHeight)));
}

/**
 * The diagram's nodes for representations of the given widths in `box`. Every node lies inside the box
 * (below the label band) and no two overlap; nodes shrink to fit, never below 1 px.
 */
export function diagramLayout(widths: readonly number[], box: DiagramBox): DiagramLayout {
  const R = widths.length;
  const pitch = (box.width - 2 * PAD) / Math.max(1, R);
  const top = LABEL_BAND + PAD;
  const available = Math.max(1, box.height - top - PAD - FOOT_BAND);
  const nodes: DiagramNode[][] = [];
  const columns: number[] = [];
  const compact: boolean[] = [];
  for (let r = 0; r < R; r++) {
    const n = Math.max(0, Math.floor(widths[r]));
    const isCompact = n > COMPACT_UNITS;
    const gap = gapFor(isCompact);
    // The compact form takes as many sub-columns (2 to 4) as give the largest nodes.
    let sub = 1;
    let size = 0;
    for (const k of isCompact ? [2, 3, 4] : [1]) {
      const s = nodeSide(n, k, gap, pitch, available);
      if (s > size) [sub, size] = [k, s];
    }
    const rows = Math.max(1, Math.ceil(n / sub));
    const centre = PAD + pitch * (r + 0.5);
    const blockW = sub * size + (sub - 1) * gap;
    const blockH = rows * size + (rows - 1) * gap;
    const x0 = centre - blockW / 2;
    const y0 = top + Math.max(0, (available - blockH) / 2);
    const column: DiagramNode[] = [];
    for (let u = 0; u < n; u++) {
      const row = Math.floor(u / sub);
      const s = u % sub;
      column.push({ rep: r, unit: u, x: x0 + s * (size + gap), y: y0 + row * (size + gap), size });
    }
    nodes.push(column);
    columns.push(centre);
    compact.push(isCompact);
  }
  return { box: { ...box }, nodes, columns, compact };
}

/** The node under (x, y), or null. */
export function nodeAt(layout: DiagramLayout, x: number, y: number): DiagramNode | null {
  for (const column of layout.nodes)
    for (const n of column) if (x >= n.x && x <= n.x + n.size && y >= n.y && y <= n.y + n.size) return n;
  return null;
}

/** Where an edge from unit `from` of representation r to unit `to` of r + 1 starts and ends (px). */
export function edgeEnds(
  layout: DiagramLayout,
  r: number,
  from: number,
  to: number,
): [number, number, number, number] {
  const a = layout.nodes[r][from];
  const b = layout.nodes[r + 1][to];
  return [a.x + a.size, a.y + a.size / 2, b.x, b.y + b.size / 2];
}

/** The bias handle of a node: a small square over its lower left corner (x, y, side). */
export function biasHandle(n: DiagramNode): [number, number, number] {
  const side = Math.min(n.size, Math.max(4, Math.round(n.size * 0.28)));
  return [n.x, n.y + n.size - side, side];
}

/** Distance from (x, y) to the segment (x0, y0)–(x1, y1). */
export function segmentDistance(
  x: number,
  y: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - x0) * dx + (y - y0) * dy) / len2)) : 0;
  return Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy));
}

/** What a point of the diagram touches: a bias handle, an edge, a node, or nothing. */
export type DiagramHit =
  | { kind: 'bias'; layer: number; to: number }
  | { kind: 'weight'; layer: number; to: number; from: number }
  | { kind: 'node'; rep: number; unit: number }
  | null;

/**
 * What lies under (x, y): bias handles first (they are small), then nodes, then the nearest edge within
 * `tolerance` px. Layer l's parameters map representation l to l + 1.
 */
export function hitTest(layout: DiagramLayout, x: number, y: number, tolerance = 4): DiagramHit {
  for (let r = 1; r < layout.nodes.length; r++) {
    for (const n of layout.nodes[r]) {
      const [bx, by, side] = biasHandle(n);
      if (x >= bx && x <= bx + side && y >= by && y <= by + side)
        return { kind: 'bias', layer: r - 1, to: n.unit };
    }
  }
  const node = nodeAt(layout, x, y);
  if (node) return { kind: 'node', rep: node.rep, unit: node.unit };
  let best: DiagramHit = null;
  let bestD = tolerance;
  for (let r = 0; r + 1 < layout.nodes.length; r++) {
    // Only the columns the point lies between.
    const a = layout.nodes[r][0];
    const b = layout.nodes[r + 1][0];
    if (!a || !b || x < a.x || x > b.x + b.size) continue;
    for (let to = 0; to < layout.nodes[r + 1].length; to++) {
      for (let from = 0; from < layout.nodes[r].length; from++) {
        const [x0, y0, x1, y1] = edgeEnds(layout, r, from, to);
        const d = segmentDistance(x, y, x0, y0, x1, y1);
        if (d <= bestD) {
          bestD = d;
          best = { kind: 'weight', layer: r, to, from };
        }
      }
    }
  }
  return best;
}
