/**
 * The panel's results as rows and plot lines (DOM-free): one row per network and grid size with the grid
 * transform's and the whole frame's figures side by side, and one line per network and workload.
 */
import type { Measurement } from '../types';
import type { PanelCase, PanelWorkload } from './plan';
import { sideLabel } from './plan';

export type CellState = 'pending' | 'running' | 'ok' | 'failed' | 'skipped';

export interface ResultRow {
  /** "2-3-2-1|512". */
  key: string;
  network: string;
  side: number;
  /** "512²". */
  grid: string;
  /** "262,144". */
  vertices: string;
  gridMs: string;
  /** Vertices × layers per second, e.g. "1.23G". */
  throughput: string;
  frameMs: string;
  fps: string;
  /** Milliseconds per whole frame with the network diagram drawn too (the default network only). */
  diagramMs: string;
  /** Largest error against the twin over both workloads, e.g. "2.4e-7"; "—" before any check. */
  check: string;
  /** failed if any check failed or a case errored; running while a case runs; ok when both ran clean. */
  state: CellState;
  /** Why a case was skipped or failed, for the row's tooltip and the messages below the table. */
  notes: string[];
}

/** Three significant figures with k/M/G for large numbers (rates), plain below 10,000. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 1) return value.toPrecision(3);
  return value.toPrecision(2);
}

/** A case's state from its measurement (or its absence while the run goes on). */
export function caseState(c: PanelCase, m: Measurement | undefined, running: boolean): CellState {
  if (c.skip || m?.skipped) return 'skipped';
  if (!m) return running ? 'running' : 'pending';
  if (m.failed || (m.check && !m.check.ok)) return 'failed';
  return 'ok';
}

const WORKLOAD_NAME: Record<PanelWorkload, string> = { grid: 'grid transform', frame: 'whole frame' };

function note(c: PanelCase, m: Measurement | undefined): string | null {
  const what = `${c.name}, ${sideLabel(c.side)}, ${WORKLOAD_NAME[c.workload]}`;
  if (c.skip) return `${what}: skipped: ${c.skip}`;
  if (!m) return null;
  if (m.skipped) return `${what}: skipped: ${m.skipped}`;
  if (m.failed) return `${what}: FAILED: ${m.failed}`;
  if (m.check && !m.check.ok) return `${what}: FAILED: ${m.check.what} differ from the twin`;
  return null;
}

/**
 * Rows in plan order (network, then grid size). `results` holds the measurement of each finished case by
 * its key; `running` is the key of the case in progress.
 */
export function resultRows(
  cases: PanelCase[],
  results: Map<string, Measurement>,
  running: string | null,
): ResultRow[] {
  const rows = new Map<string, { row: ResultRow; states: CellState[]; errors: number[] }>();
  for (const c of cases) {
    const key = `${c.name}|${c.side}`;
    let entry = rows.get(key);
    if (!entry) {
      entry = {
        row: {
          key,
          network: c.name,
          side: c.side,
          grid: sideLabel(c.side),
          vertices: c.vertices.toLocaleString('en'),
          gridMs: '',
          throughput: '',
          frameMs: '',
          fps: '',
          diagramMs: '',
          check: '—',
          state: 'pending',
          notes: [],
        },
        states: [],
        errors: [],
      };
      rows.set(key, entry);
    }
    const m = results.get(c.key);
    const state = caseState(c, m, running === c.key);
    entry.states.push(state);
    const why = note(c, m);
    if (why) entry.row.notes.push(why);
    if (m?.check) entry.errors.push(m.check.maxError);
    const blank =
      state === 'skipped' ? 'skipped' : state === 'failed' ? 'FAIL' : state === 'running' ? '…' : '';
    const figures = state === 'ok' ? m!.figures : null;
    if (c.workload === 'grid') {
      entry.row.gridMs = figures?.time ? formatFigure(figures.time.value) : blank;
      entry.row.throughput = figures?.throughput ? formatFigure(figures.throughput.value * 1e6) : blank;
    } else {
      entry.row.frameMs = figures?.time ? formatFigure(figures.time.value) : blank;
      entry.row.fps = figures?.rate ? formatFigure(figures.rate.value) : blank;
      entry.row.diagramMs = figures?.diagramTime ? formatFigure(figures.diagramTime.value) : '';
    }
  }
  for (const { row, states, errors } of rows.values()) {
    row.state = states.includes('failed')
      ? 'failed'
      : states.includes('running')
        ? 'running'
        : states.includes('pending')
          ? 'pending'
          : states.every((s) => s === 'skipped')
            ? 'skipped'
            : 'ok';
    if (errors.length > 0) {
      const worst = Math.max(...errors);
      row.check = Number.isFinite(worst) ? worst.toExponential(1) : 'no match';
    }
  }
  return [...rows.values()].map((e) => e.row);
}

export interface PlotPoint {
  vertices: number;
  ms: number;
}

export interface PlotSeries {
  /** "2-3-2-1 · grid transform". */
  label: string;
  network: string;
  workload: PanelWorkload;
  points: PlotPoint[];
}

/** One line per network and workload, through the cases whose checks passed, by vertices. */
export function plotSeries(cases: PanelCase[], results: Map<string, Measurement>): PlotSeries[] {
  const series = new Map<string, PlotSeries>();
  for (const c of cases) {
    const id = `${c.name}|${c.workload}`;
    let s = series.get(id);
    if (!s) {
      s = {
        label: `${c.name} · ${WORKLOAD_NAME[c.workload]}`,
        network: c.name,
        workload: c.workload,
        points: [],
      };
      series.set(id, s);
    }
    const m = results.get(c.key);
    if (m && caseState(c, m, false) === 'ok' && m.figures.time && m.figures.time.value > 0) {
      s.points.push({ vertices: c.vertices, ms: m.figures.time.value });
    }
  }
  for (const s of series.values()) s.points.sort((a, b) => a.vertices - b.vertices);
  return [...series.values()];
}
