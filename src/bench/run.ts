/**
 * Runs every workload on one device with its baselines and collects one BenchReport. DOM-free: the Node
 * CLI and the browser page both call runBench with what their platform offers.
 */
import { fitsFused, fitsFusedTraining } from '../engine/codegen';
import { defaultOptimizer, paramLayout } from '../engine/spec';
import type { KernelKind } from '../engine/types';
import { PlainGridRunner, TwinGridRunner } from './cpuGrid';
import { PlainTrainRunner, TwinTrainRunner } from './cpuTrain';
import { EnginePool } from './enginePool';
import { DetangleGridRunner, bindingLimit, planGrid } from './gpuGrid';
import { DetangleTrainRunner } from './gpuTrain';
import type { GridCase, GridRunner } from './gridCase';
import { runGridCase } from './gridCase';
import { macsPerVertex } from './gridPoints';
import { UsageError } from './options';
import {
  IMPLS,
  QUICK_GENERAL_GRID_VERTICES,
  SEED,
  baselineCap,
  frameSizes,
  gridWorkloads,
  trainShapeWorkload,
  trainWorkloads,
} from './suite';
import type { TfBackend } from './tfjsCommon';
import { TfGridRunner } from './tfjsGrid';
import { TfTrainRunner } from './tfjsTrain';
import type { TrainCase } from './trainCase';
import { runTrainCase } from './trainCase';
import type { BenchReport, Measurement, Workload } from './types';

/** The whole-frame workload, which needs a canvas (browser only). */
export interface FrameBench {
  workload(sizes: number[]): Workload;
  run(gridSize: number, minSeconds: number): Promise<Measurement[]>;
}

export interface BenchHost {
  device: GPUDevice;
  adapter: string;
  runtime: string;
  command: string;
  tfBackends: TfBackend[];
  /** GPU bytes a case may take (the device's memory or --max-gpu-mb). */
  maxGpuBytes: number;
  frame?: FrameBench;
  log(line: string): void;
}

export interface BenchOptions {
  quick: boolean;
  /** Only workloads whose id contains this text. */
  only: string | null;
  /** Seconds each figure is timed over at least (default 0.3 with quick, else 1). */
  minSeconds?: number | null;
}

interface Run {
  host: BenchHost;
  quick: boolean;
  minSeconds: number;
  /** Engines shared by every workload: compiling kernels costs seconds on a software GPU. */
  pool: EnginePool;
  report: BenchReport;
  record(m: Measurement): void;
  /** Per workload and implementation: the work (vertices × multiply-adds) and seconds of its last frame. */
  lastFrame: Map<string, { work: number; seconds: number }>;
}

/** A grid case whose frame is predicted to take longer than this is skipped (slow adapters, big grids). */
const MAX_FRAME_SECONDS = { quick: 5, full: 30 };

const MB = 1024 * 1024;

function skipped(workload: string, label: string, impl: string, reason: string): Measurement {
  return { workload, case: label, impl, figures: {}, check: null, reps: 0, seconds: 0, skipped: reason };
}

function describe(m: Measurement): string {
  const name = IMPLS[m.impl] ?? m.impl;
  if (m.skipped) return `${name}: skipped (${m.skipped})`;
  if (m.failed) return `${name}: FAILED (${m.failed})`;
  const first = Object.values(m.figures)[0];
  const error = m.check ? `, max error ${m.check.maxError.toExponential(1)}` : '';
  return `${name}: ${first.value.toPrecision(4)} ${first.unit}${error}`;
}

export async function runBench(host: BenchHost, options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const report: BenchReport = {
    tool: 'detangle-bench',
    version: 1,
    adapter: host.adapter,
    runtime: host.runtime,
    command: host.command,
    quick: options.quick,
    startedAt: new Date().toISOString(),
    seconds: 0,
    workloads: [],
    measurements: [],
    messages: [],
  };
  let last = performance.now();
  const run: Run = {
    host,
    quick: options.quick,
    minSeconds: options.minSeconds ?? (options.quick ? 0.3 : 1),
    pool: new EnginePool(host.device),
    report,
    lastFrame: new Map(),
    record(m) {
      report.measurements.push(m);
      const now = performance.now();
      host.log(`  ${m.case} · ${describe(m)} [${((now - last) / 1000).toFixed(1)} s]`);
      last = now;
    },
  };
  const wanted = (id: string): boolean => !options.only || id.includes(options.only);
  const begin = (workload: Workload): void => {
    report.workloads.push(workload);
    host.log(workload.title);
  };
  try {
    for (const { workload, cases, baselines } of gridWorkloads(options.quick)) {
      if (!wanted(workload.id)) continue;
      begin(workload);
      for (const c of cases) await gridCase(run, c, baselines);
    }
    const shapes = !options.quick || options.only?.includes('train-shapes') ? [trainShapeWorkload()] : [];
    for (const { workload, cases, baselines } of [...trainWorkloads(options.quick), ...shapes]) {
      if (!wanted(workload.id)) continue;
      begin(workload);
      for (const c of cases) await trainCase(run, c, baselines);
    }
    if (host.frame && wanted('frame')) {
      const sizes = frameSizes(options.quick);
      begin(host.frame.workload(sizes));
      for (const size of sizes) for (const m of await host.frame.run(size, run.minSeconds)) run.record(m);
    }
  } finally {
    run.pool.dispose();
  }
  if (report.workloads.length === 0) throw new UsageError(`no workload id contains "${options.only}"`);
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** Every implementation on one grid case: both engine kernels (where they apply), then the baselines. */
async function gridCase(run: Run, c: GridCase, wantedBaselines: string[]): Promise<void> {
  const { host, quick, minSeconds, record } = run;
  const plan = planGrid(c, bindingLimit(host.device));
  const gpuSkip =
    plan.bytes > host.maxGpuBytes
      ? `needs ${(plan.bytes / MB).toFixed(0)} MiB of GPU memory; the limit is ${(host.maxGpuBytes / MB).toFixed(0)} MiB`
      : null;
  if (gpuSkip) {
    run.report.messages.push(`${c.workload}, ${c.label}: skipped on the GPU: ${gpuSkip}`);
  } else if (plan.parts.length > 1) {
    run.report.messages.push(
      `${c.workload}, ${c.label}: split into ${plan.parts.length} parts of up to ${plan.parts[0]} vertices ` +
        `(one storage binding holds ${plan.perBinding} vertices of this network)`,
    );
  }
  const work = c.vertices * macsPerVertex(c.spec);
  /** Runs one implementation unless the last case predicts too slow a frame; remembers its cost. */
  const timed = async (impl: string, make: () => GridRunner): Promise<void> => {
    const key = `${c.workload}|${impl}`;
    const last = run.lastFrame.get(key);
    const predicted = last ? (last.seconds * work) / last.work : 0;
    const limit = quick ? MAX_FRAME_SECONDS.quick : MAX_FRAME_SECONDS.full;
    if (predicted > limit) {
      record(
        skipped(
          c.workload,
          c.label,
          impl,
          `a frame would take about ${predicted.toFixed(0)} s on this machine`,
        ),
      );
      return;
    }
    const m = await runGridCase(c, impl, make(), minSeconds);
    if (m.reps > 0) run.lastFrame.set(key, { work, seconds: m.seconds / m.reps });
    record(m);
  };
  for (const kernel of ['fused', 'general'] as const) {
    const impl = `detangle-${kernel}`;
    if (gpuSkip) {
      record(skipped(c.workload, c.label, impl, gpuSkip));
    } else if (kernel === 'fused' && !fitsFused(c.spec)) {
      record(
        skipped(
          c.workload,
          c.label,
          impl,
          `${paramLayout(c.spec).count} parameters: too many for the fused kernel`,
        ),
      );
    } else if (
      kernel === 'general' &&
      quick &&
      fitsFused(c.spec) &&
      c.vertices > QUICK_GENERAL_GRID_VERTICES
    ) {
      record(
        skipped(
          c.workload,
          c.label,
          impl,
          '--quick times the general kernel on large grids only where the fused one cannot run',
        ),
      );
    } else {
      // The grid does not use the engine's training kernel; asking for the one training uses lets the
      // training workloads of the same shape reuse this engine.
      const engine = await run.pool.get(
        c.spec,
        defaultOptimizer('sgd', 0.1),
        fitsFused(c.spec) ? 'fused' : 'general',
        32,
        SEED,
      );
      record(await runGridCase(c, impl, new DetangleGridRunner(engine, c, plan, kernel), minSeconds));
    }
  }
  const baselines: [string, () => GridRunner][] = [
    ['plain-js', () => new PlainGridRunner(c)],
    ['twin', () => new TwinGridRunner(c)],
    ...host.tfBackends.map((b): [string, () => GridRunner] => [b.impl, () => new TfGridRunner(c, b)]),
  ];
  for (const [impl, make] of baselines.filter(([id]) => wantedBaselines.includes(id))) {
    if (work > baselineCap(impl, quick)) {
      record(
        skipped(
          c.workload,
          c.label,
          impl,
          `beyond this baseline's size cap (${quick ? '--quick' : 'full run'})`,
        ),
      );
    } else {
      await timed(impl, make);
    }
  }
}

/** Every implementation on one training case. */
async function trainCase(run: Run, c: TrainCase, baselines: string[]): Promise<void> {
  const { host, minSeconds, record } = run;
  for (const kernel of ['fused', 'cooperative', 'layered', 'chunked', 'general'] as KernelKind[]) {
    const impl = `detangle-${kernel}`;
    if (kernel === 'fused' && !fitsFusedTraining(c.spec, c.optimizer.kind))
      record(skipped(c.workload, c.label, impl, 'the network does not fit the fused kernel'));
    else if (kernel === 'layered' && run.quick && fitsFused(c.spec))
      record(
        skipped(c.workload, c.label, impl, '--quick times the layered kernel only beyond the fused one'),
      );
    else if (kernel === 'chunked' && run.quick && (c.workload !== 'train-shapes' || fitsFused(c.spec)))
      record(skipped(c.workload, c.label, impl, '--quick times the chunked kernel in the shape grid only'));
    else record(await runTrainCase(c, impl, new DetangleTrainRunner(run.pool, c, kernel), minSeconds));
  }
  if (baselines.includes('plain-js'))
    record(await runTrainCase(c, 'plain-js', new PlainTrainRunner(c), minSeconds));
  if (baselines.includes('twin')) record(await runTrainCase(c, 'twin', new TwinTrainRunner(c), minSeconds));
  for (const backend of host.tfBackends.filter((b) => baselines.includes(b.impl))) {
    record(await runTrainCase(c, backend.impl, new TfTrainRunner(c, backend), minSeconds));
  }
}
