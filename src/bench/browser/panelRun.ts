/**
 * Runs the panel's plan on one GPUDevice (no DOM): each grid case through the engine's grid transform,
 * checked against the twin before it is timed, and each whole-frame case through the frame workload. A
 * case predicted to take too long per frame (from the smaller grids before it) is skipped; cancelling stops
 * after the case in progress.
 */
import { fitsFused } from '../../engine/codegen';
import { buildSpec, defaultOptimizer } from '../../engine/spec';
import { EnginePool } from '../enginePool';
import { DetangleGridRunner, planGrid } from '../gpuGrid';
import type { GridCase } from '../gridCase';
import { runGridCase } from '../gridCase';
import { benchParams, gridPoints } from '../gridPoints';
import { SEED } from '../suite';
import type { Measurement } from '../types';
import type { PanelCase, Timed } from './plan';
import { predictSeconds, sideLabel } from './plan';

/** The whole-frame workload for one network (ThreeFrameBench on the page's canvas). */
export interface PanelFrame {
  run(side: number, minSeconds: number): Promise<Measurement[]>;
}

export interface PanelRunOptions {
  device: GPUDevice;
  bindingBytes: number;
  cases: PanelCase[];
  frame: (network: number[]) => PanelFrame;
  minSeconds: number;
  maxFrameSeconds: number;
  signal?: AbortSignal;
  /** Before case `index` starts. */
  onCase?(index: number, c: PanelCase): void;
  /** Once case `index` has its measurement (also for skipped cases). */
  onResult?(index: number, c: PanelCase, m: Measurement): void;
}

export interface PanelRunResult {
  results: Map<string, Measurement>;
  cancelled: boolean;
  seconds: number;
}

const blank = (c: PanelCase, impl: string): Measurement => ({
  workload: `panel-${c.workload}-${c.name}`,
  case: sideLabel(c.side),
  impl,
  figures: {},
  check: null,
  reps: 0,
  seconds: 0,
});

/** The grid of a case: side × side vertices over the benchmark's square, with its fixed parameters. */
export function panelGridCase(c: PanelCase): GridCase {
  const spec = buildSpec(c.network, 'tanh', 'mse');
  const shape = { vertices: c.vertices, columns: c.side, rows: c.side };
  return {
    workload: `panel-grid-${c.name}`,
    label: sideLabel(c.side),
    spec,
    vertices: c.vertices,
    params: benchParams(spec, SEED),
    points: (start, count) => gridPoints(shape, start, count),
  };
}

export async function runPanel(options: PanelRunOptions): Promise<PanelRunResult> {
  const started = performance.now();
  const results = new Map<string, Measurement>();
  const pool = new EnginePool(options.device);
  /** Per network and workload, the vertices and seconds per frame of the cases measured so far. */
  const history = new Map<string, Timed[]>();
  let cancelled = false;
  try {
    for (let index = 0; index < options.cases.length; index++) {
      if (options.signal?.aborted) {
        cancelled = true;
        break;
      }
      const c = options.cases[index];
      options.onCase?.(index, c);
      const impl = c.workload === 'grid' ? 'detangle-grid' : 'detangle-frame';
      let m: Measurement;
      const series = `${c.name}|${c.workload}`;
      const predicted = predictSeconds(history.get(series) ?? [], c.vertices);
      if (c.skip) {
        m = { ...blank(c, impl), skipped: c.skip };
      } else if (predicted !== null && predicted > options.maxFrameSeconds) {
        m = {
          ...blank(c, impl),
          skipped: `a frame would take about ${predicted.toFixed(predicted < 10 ? 1 : 0)} s on this device (limit ${options.maxFrameSeconds} s)`,
        };
      } else if (c.workload === 'grid') {
        m = await gridCase(options, pool, c);
      } else {
        m = await frameCase(options, c);
      }
      if (m.reps > 0 && !m.failed) {
        history.set(series, [
          ...(history.get(series) ?? []),
          { vertices: c.vertices, seconds: m.seconds / m.reps },
        ]);
      }
      results.set(c.key, m);
      options.onResult?.(index, c, m);
    }
  } finally {
    pool.dispose();
  }
  return { results, cancelled, seconds: (performance.now() - started) / 1000 };
}

async function gridCase(options: PanelRunOptions, pool: EnginePool, c: PanelCase): Promise<Measurement> {
  const gc = panelGridCase(c);
  const kernel = fitsFused(gc.spec) ? 'fused' : 'general';
  try {
    const plan = planGrid(gc, options.bindingBytes);
    const engine = await pool.get(gc.spec, defaultOptimizer('sgd', 0.1), kernel, 32, SEED);
    return await runGridCase(
      gc,
      'detangle-grid',
      new DetangleGridRunner(engine, gc, plan, kernel),
      options.minSeconds,
    );
  } catch (error) {
    return { ...blank(c, 'detangle-grid'), failed: error instanceof Error ? error.message : String(error) };
  }
}

/** The whole frame, inside error scopes: running out of GPU memory skips the case, a validation error fails it. */
async function frameCase(options: PanelRunOptions, c: PanelCase): Promise<Measurement> {
  const device = options.device;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let m: Measurement;
  try {
    const measured = await options.frame(c.network).run(c.side, options.minSeconds);
    m = measured.find((x) => x.impl === 'detangle-frame') ??
      measured[0] ?? { ...blank(c, 'detangle-frame'), failed: 'the frame workload measured nothing' };
    // The same frame with the network diagram drawn, shown beside it.
    const diagram = measured.find((x) => x.impl === 'detangle-frame-diagram')?.figures.time;
    if (diagram && m.figures.time) m = { ...m, figures: { ...m.figures, diagramTime: diagram } };
  } catch (error) {
    m = { ...blank(c, 'detangle-frame'), failed: error instanceof Error ? error.message : String(error) };
  }
  const validation = await device.popErrorScope();
  const memory = await device.popErrorScope();
  if (memory)
    return { ...blank(c, 'detangle-frame'), skipped: `the device ran out of memory: ${memory.message}` };
  if (validation && !m.failed) return { ...m, figures: {}, failed: `WebGPU error: ${validation.message}` };
  return m;
}
