/**
 * The panel's plot: milliseconds against grid vertices, both axes logarithmic, one line per network and
 * workload. The scale and tick maths are DOM-free; `drawPlot` paints on a 2-D canvas context.
 */
import type { PlotSeries } from './results';

export type Domain = [number, number];

/** Maps [lo, hi] (both > 0) logarithmically onto [from, to] (pixels; `to` may be smaller, for a y axis). */
export function logScale(domain: Domain, range: [number, number]): (value: number) => number {
  const [lo, hi] = domain;
  if (!(lo > 0 && hi > 0)) throw new Error(`logScale: the domain must be positive, got [${lo}, ${hi}]`);
  const a = Math.log(lo);
  const span = Math.log(hi) - a;
  const [from, to] = range;
  if (span === 0) return () => (from + to) / 2;
  return (value) => from + ((Math.log(value) - a) / span) * (to - from);
}

/**
 * A domain around positive values for a log axis, padded to the 1-2-5 steps around them: [0.73, 41] → [0.5, 50].
 * With no values, [1, 10]; a single value v gets the steps below and above it.
 */
export function logDomain(values: number[]): Domain {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [1, 10];
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  let floor = stepBelow(lo);
  let ceil = stepAbove(hi);
  if (floor === ceil) {
    floor = stepBelow(floor * 0.99);
    ceil = stepAbove(ceil * 1.01);
  }
  return [floor, ceil];
}

const STEPS = [1, 2, 5];

/** The largest 1-2-5 step ≤ v. */
export function stepBelow(v: number): number {
  const decade = 10 ** Math.floor(Math.log10(v) + 1e-12);
  let best = decade;
  for (const s of STEPS) if (s * decade <= v * (1 + 1e-12)) best = s * decade;
  return best;
}

/** The smallest 1-2-5 step ≥ v. */
export function stepAbove(v: number): number {
  const decade = 10 ** Math.floor(Math.log10(v) + 1e-12);
  for (const s of [...STEPS, 10]) if (s * decade >= v * (1 - 1e-12)) return s * decade;
  return 10 * decade;
}

export interface Tick {
  value: number;
  label: string;
  /** Decades get a stronger grid line. */
  major: boolean;
}

/** "0.5", "20", "1k", "2M": short labels for tick values. */
export function tickLabel(value: number): string {
  const round = (v: number): string => String(Number(v.toPrecision(3)));
  if (value >= 1e9) return `${round(value / 1e9)}G`;
  if (value >= 1e6) return `${round(value / 1e6)}M`;
  if (value >= 1e3) return `${round(value / 1e3)}k`;
  return round(value);
}

/**
 * Ticks of a log axis over [lo, hi]: every decade, with the 2s and 5s between them when the axis spans
 * few decades (fewer than `dense` decades).
 */
export function logTicks(domain: Domain, dense = 3): Tick[] {
  const [lo, hi] = domain;
  const first = Math.floor(Math.log10(lo) + 1e-12);
  const last = Math.ceil(Math.log10(hi) - 1e-12);
  const decades = Math.log10(hi) - Math.log10(lo);
  const steps = decades < dense ? STEPS : [1];
  const ticks: Tick[] = [];
  for (let d = first; d <= last; d++) {
    for (const s of steps) {
      const value = Number((s * 10 ** d).toPrecision(12));
      if (value < lo * (1 - 1e-9) || value > hi * (1 + 1e-9)) continue;
      ticks.push({ value, label: tickLabel(value), major: s === 1 });
    }
  }
  return ticks;
}

/** Ticks of the vertices axis at the grid sizes measured, labelled by side: 4096 → "64²". */
export function sideTicks(vertices: number[]): Tick[] {
  return [...new Set(vertices)]
    .sort((a, b) => a - b)
    .map((v) => ({ value: v, label: `${Math.round(Math.sqrt(v))}²`, major: true }));
}

/** Colours of the networks, in order (the app's class colours: blue, orange, green, …). */
export const SERIES_COLORS = ['#3d9bff', '#ff9330', '#35c98a', '#e35fd0', '#f1cc3f', '#8b7cff'];

export interface PlotLayout {
  width: number;
  height: number;
  /** The plotting area inside the axes. */
  left: number;
  right: number;
  top: number;
  bottom: number;
  x: (vertices: number) => number;
  y: (ms: number) => number;
  xTicks: Tick[];
  yTicks: Tick[];
}

/**
 * Where everything goes on a width × height (CSS pixels) plot of these series; the vertices axis spans the
 * planned grid sizes (`planned`, vertices) so it stays put while results come in.
 */
export function plotLayout(
  series: PlotSeries[],
  width: number,
  height: number,
  planned: number[] = [],
  legendWidth = 0,
): PlotLayout {
  const points = series.flatMap((s) => s.points);
  const xs = [...planned, ...points.map((p) => p.vertices)];
  const xTicks = sideTicks(xs);
  const xDomain: Domain = xs.length ? [Math.min(...xs) / 1.4, Math.max(...xs) * 1.4] : [1e3, 1e6];
  const yDomain = logDomain(points.map((p) => p.ms));
  const left = 52;
  // The legend sits right of the plot when there is room for both, else over its top left corner.
  const right = width - 14 - (legendFitsBeside(width, legendWidth) ? legendWidth + 12 : 0);
  const top = 14;
  const bottom = height - 40;
  return {
    width,
    height,
    left,
    right,
    top,
    bottom,
    x: logScale(xDomain, [left, right]),
    y: logScale(yDomain, [bottom, top]),
    xTicks,
    yTicks: logTicks(yDomain),
  };
}

/** Whether a legend this wide goes beside the plot (leaving it at least 320 px) rather than over it. */
export function legendFitsBeside(width: number, legendWidth: number): boolean {
  return legendWidth > 0 && width - legendWidth - 12 - 66 >= 320;
}

/** Colour of a series: by network, in the order the networks first appear. */
export function seriesColor(series: PlotSeries[], s: PlotSeries): string {
  const networks = [...new Set(series.map((t) => t.network))];
  return SERIES_COLORS[networks.indexOf(s.network) % SERIES_COLORS.length];
}

const INK = { text: '#9aa7b4', strong: '#e6edf3', grid: '#2a3340', gridMinor: '#1b222c', bg: '#141a22' };

/** Paints the plot; `ctx` is already scaled so one unit is one CSS pixel. */
export function drawPlot(
  ctx: CanvasRenderingContext2D,
  series: PlotSeries[],
  width: number,
  height: number,
  planned: number[] = [],
): void {
  ctx.font = '12px system-ui, sans-serif';
  const drawn = series.filter((s) => s.points.length > 0);
  // Every planned line is in the legend from the start, so the plot does not move as results come in.
  const legendWidth = series.length ? Math.max(...series.map((s) => ctx.measureText(s.label).width)) + 44 : 0;
  const layout = plotLayout(series, width, height, planned, legendWidth);
  const { left, right, top, bottom } = layout;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = INK.bg;
  ctx.fillRect(0, 0, width, height);
  ctx.lineWidth = 1;
  // Grid lines and tick labels.
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of layout.yTicks) {
    const y = Math.round(layout.y(t.value)) + 0.5;
    ctx.strokeStyle = t.major ? INK.grid : INK.gridMinor;
    line(ctx, left, y, right, y);
    ctx.fillStyle = INK.text;
    ctx.fillText(t.label, left - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of layout.xTicks) {
    const x = Math.round(layout.x(t.value)) + 0.5;
    ctx.strokeStyle = INK.gridMinor;
    line(ctx, x, top, x, bottom);
    ctx.fillStyle = INK.text;
    ctx.fillText(t.label, x, bottom + 6);
  }
  ctx.strokeStyle = INK.grid;
  ctx.strokeRect(left + 0.5, top + 0.5, right - left, bottom - top);
  ctx.fillStyle = INK.text;
  ctx.fillText('grid size (vertices, log scale)', (left + right) / 2, bottom + 22);
  ctx.save();
  ctx.translate(13, (top + bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText('ms (log scale)', 0, 0);
  ctx.restore();
  if (drawn.length === 0) {
    ctx.fillStyle = INK.text;
    ctx.textBaseline = 'middle';
    ctx.fillText('Results appear here as cases finish.', (left + right) / 2, (top + bottom) / 2);
  }
  // Lines: grid transform solid, whole frame dashed; a dot at every measured size.
  for (const s of drawn) {
    const color = seriesColor(series, s);
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.workload === 'frame' ? [6, 4] : []);
    ctx.beginPath();
    s.points.forEach((p, k) => {
      const x = layout.x(p.vertices);
      const y = layout.y(p.ms);
      if (k === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
    ctx.setLineDash([]);
    for (const p of s.points) {
      ctx.beginPath();
      ctx.arc(layout.x(p.vertices), layout.y(p.ms), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  // Legend: beside the plot when it fits, else over its top left corner.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const rowHeight = 17;
  const beside = legendFitsBeside(width, legendWidth);
  const x0 = beside ? right + 12 : left + 8;
  if (!beside) {
    ctx.fillStyle = 'rgba(13, 17, 23, 0.85)';
    ctx.fillRect(x0, top + 8, legendWidth, rowHeight * series.length + 8);
  }
  series.forEach((s, k) => {
    const y = top + (beside ? 0 : 12) + rowHeight * k + rowHeight / 2;
    const color = seriesColor(series, s);
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.workload === 'frame' ? [6, 4] : []);
    line(ctx, x0 + 6, y, x0 + 32, y);
    ctx.setLineDash([]);
    ctx.fillStyle = INK.strong;
    ctx.fillText(s.label, x0 + 38, y);
  });
  ctx.lineWidth = 1;
}

function line(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}
