/**
 * What is measured: the workloads, their cases and which implementations run each. `--quick` takes a
 * subset that finishes in under a minute on a 2-core machine with a software GPU; the full run covers
 * grids from 2^10 to 2^24 vertices, depths 2/4/8 and widths 2/3/8/32.
 */
import { makeDataset } from '../data/registry';
import type { Dataset } from '../data/types';
import type { NetworkSpec, Optimizer } from '../engine/spec';
import { buildSpec, defaultOptimizer } from '../engine/spec';
import type { GridCase } from './gridCase';
import { benchParams, gridLabel, gridPoints, gridShape } from './gridPoints';
import type { TrainCase } from './trainCase';
import type { Workload } from './types';

export const SEED = 1;

/** Report names of the implementations, in table order. */
export const IMPLS: Record<string, string> = {
  'detangle-fused': 'Detangle fused',
  'detangle-cooperative': 'Detangle cooperative',
  'detangle-layered': 'Detangle layered',
  'detangle-chunked': 'Detangle chunked',
  'detangle-general': 'Detangle general',
  'plain-js': 'plain JS',
  twin: 'twin (TS)',
  'tfjs-cpu': 'TF.js cpu',
  'tfjs-wasm': 'TF.js wasm',
  'tfjs-webgpu': 'TF.js webgpu',
  'tfjs-webgpu-mm3': 'TF.js webgpu mm3',
  'detangle-frame': 'whole frame',
  'detangle-frame-nodraw': 'train + grid only',
};

/** Every baseline; a workload lists the ones it runs (all of them outside --quick). */
export const BASELINES = ['plain-js', 'twin', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-webgpu', 'tfjs-webgpu-mm3'];
/** The baselines of the secondary workloads in --quick. */
const QUICK_BASELINES = ['plain-js', 'tfjs-wasm', 'tfjs-webgpu-mm3'];

export interface GridPlanned {
  workload: Workload;
  cases: GridCase[];
  baselines: string[];
}

export interface TrainPlanned {
  workload: Workload;
  cases: TrainCase[];
  baselines: string[];
}

/** Sizes, input first: depth dense layers, width units in each hidden layer, one output. */
export function depthWidthSizes(depth: number, width: number): number[] {
  return [2, ...Array<number>(depth - 1).fill(width), 1];
}

export function archName(sizes: number[]): string {
  if (sizes.length <= 6) return sizes.join('-');
  return `${sizes[0]}-${sizes[1]}×${sizes.length - 2}-${sizes[sizes.length - 1]}`;
}

function gridCase(workload: string, label: string, spec: NetworkSpec, vertices: number): GridCase {
  const shape = gridShape(vertices);
  return {
    workload,
    label,
    spec,
    vertices,
    params: benchParams(spec, SEED),
    points: (start, count) => gridPoints(shape, start, count),
  };
}

function gridWorkload(
  id: string,
  title: string,
  rowName: string,
  cases: GridCase[],
  baselines: string[],
): GridPlanned {
  return {
    workload: {
      id,
      kind: 'grid',
      title,
      rowName,
      primary: 'time',
      higherIsBetter: false,
      cases: cases.map((c) => c.label),
      notes: [],
    },
    cases,
    baselines,
  };
}

export function gridWorkloads(quick: boolean): GridPlanned[] {
  const sweeps: number[][] = quick
    ? [[2, 3, 2, 1]]
    : [[2, 3, 2, 1], depthWidthSizes(4, 8), depthWidthSizes(8, 32)];
  const powers = quick ? [10, 16, 20] : [10, 12, 14, 16, 18, 20, 22, 24];
  const planned = sweeps.map((sizes) => {
    const spec = buildSpec(sizes, 'tanh', 'mse');
    const id = `grid-${archName(sizes).replace('×', 'x')}`;
    const cases = powers.map((p) => gridCase(id, gridLabel(2 ** p), spec, 2 ** p));
    return gridWorkload(
      id,
      `Grid transform through ${archName(sizes)} (tanh, sigmoid output), by grid size`,
      'vertices',
      cases,
      BASELINES,
    );
  });
  const power = quick ? 12 : 20;
  const depths = quick ? [2, 8] : [2, 4, 8];
  const widths = quick ? [3, 32] : [2, 3, 8, 32];
  const id = `grid-shapes-${power}`;
  const shapes: GridCase[] = [];
  for (const depth of depths) {
    for (const width of widths) {
      const sizes = depthWidthSizes(depth, width);
      shapes.push(
        gridCase(
          id,
          `depth ${depth}, width ${width} (${archName(sizes)})`,
          buildSpec(sizes, 'tanh', 'mse'),
          2 ** power,
        ),
      );
    }
  }
  const title = `Grid transform of ${gridLabel(2 ** power)} vertices, by depth (dense layers) and hidden width`;
  planned.push(gridWorkload(id, title, 'network', shapes, quick ? QUICK_BASELINES : BASELINES));
  return planned;
}

const TRAIN_SAMPLES = 4096;
const LEARNING_RATE: Record<Optimizer, number> = { sgd: 0.1, momentum: 0.05, rmsprop: 0.01, adam: 0.01 };

interface TrainNetwork {
  dataset: string;
  sizes: number[];
  loss: 'mse' | 'ce';
  lossName: string;
}

const TRAIN_NETWORKS: TrainNetwork[] = [
  { dataset: 'rings', sizes: [2, 3, 2, 1], loss: 'mse', lossName: 'MSE (sigmoid output)' },
  { dataset: 'spiral', sizes: [2, 8, 8, 8, 8, 2], loss: 'ce', lossName: 'softmax cross-entropy' },
  // Beyond the fused kernel's scalar budget: its array layout (2-32-32-1), the looped kernels.
  { dataset: 'rings', sizes: [2, 32, 32, 1], loss: 'mse', lossName: 'MSE (sigmoid output)' },
  { dataset: 'rings', sizes: depthWidthSizes(12, 32), loss: 'mse', lossName: 'MSE (sigmoid output)' },
];

/** The id of a training network's workloads: the data set, or the shape where a set has several. */
function networkId(net: TrainNetwork): string {
  if (net.sizes.length === 4 && net.sizes[1] === 3) return net.dataset;
  if (net.dataset === 'spiral') return net.dataset;
  return `${net.dataset}-${archName(net.sizes).replace('×', 'x')}`;
}

/** Steps before the check: enough to move every weight, few enough for the twin at batch 4096. */
function checkSteps(batch: number): number {
  return batch <= 32 ? 20 : batch <= 256 ? 8 : 2;
}

export function trainWorkloads(quick: boolean): TrainPlanned[] {
  const planned: TrainPlanned[] = [];
  const datasets = new Map<string, Dataset>();
  for (const net of TRAIN_NETWORKS) {
    const big = networkId(net) !== net.dataset;
    for (const kind of ['sgd', 'adam'] as const) {
      // The fused Adam kernel of the spiral network compiles for ~15 s on a software GPU: full run only.
      if (quick && net.dataset === 'spiral' && kind === 'adam') continue;
      // The wide networks: SGD at batch 32 in --quick, where a software GPU takes seconds a step beyond.
      if (quick && big && kind === 'adam') continue;
      const headline = !big && net.dataset === 'rings' && kind === 'sgd';
      const batches =
        quick && big ? [32] : !quick || headline ? [1, 32, 256, 4096] : kind === 'sgd' ? [32, 4096] : [32];
      const spec = buildSpec(net.sizes, 'tanh', net.loss);
      const optimizer = defaultOptimizer(kind, LEARNING_RATE[kind]);
      if (!datasets.has(net.dataset))
        datasets.set(net.dataset, makeDataset(net.dataset, { samples: TRAIN_SAMPLES }, SEED));
      const data = datasets.get(net.dataset)!;
      const id = `train-${networkId(net)}-${kind}`;
      const cases = batches.map((batch): TrainCase => ({
        workload: id,
        label: `batch ${batch}`,
        spec,
        optimizer,
        batch,
        data,
        seed: SEED,
        checkSteps: checkSteps(batch),
      }));
      planned.push({
        workload: {
          id,
          kind: 'train',
          rowName: 'case',
          title: `Training on ${net.dataset} (${TRAIN_SAMPLES} points), ${archName(net.sizes)} tanh, ${net.lossName}, ${kind === 'sgd' ? 'SGD' : 'Adam'} (lr ${optimizer.learningRate})`,
          primary: 'rate',
          higherIsBetter: true,
          cases: cases.map((c) => c.label),
          notes: [],
        },
        cases,
        baselines: big ? ['plain-js', 'twin'] : !quick || headline ? BASELINES : QUICK_BASELINES,
      });
    }
  }
  return planned;
}

/**
 * Training across shapes and batches, against the plain JS loop: hidden widths 3/8/32 × depths (dense
 * layers) 1/4/12 × batches 32/256/4096, SGD on rings. Full run, or `--only train-shapes`.
 */
export function trainShapeWorkload(): TrainPlanned {
  const id = 'train-shapes';
  const data = makeDataset('rings', { samples: TRAIN_SAMPLES }, SEED);
  const optimizer = defaultOptimizer('sgd', LEARNING_RATE.sgd);
  const cases: TrainCase[] = [];
  for (const width of [3, 8, 32]) {
    for (const depth of [1, 4, 12]) {
      const sizes = depthWidthSizes(depth, width);
      const spec = buildSpec(sizes, 'tanh', 'mse');
      for (const batch of [32, 256, 4096]) {
        cases.push({
          workload: id,
          label: `w${width} d${depth} b${batch}`,
          spec,
          optimizer,
          batch,
          data,
          seed: SEED,
          checkSteps: batch <= 32 ? 4 : batch <= 256 ? 2 : 1,
        });
      }
    }
  }
  return {
    workload: {
      id,
      kind: 'train',
      rowName: 'width, depth, batch',
      title: `Training on rings (${TRAIN_SAMPLES} points), 2-w-…-w-1 tanh, MSE, SGD, by hidden width w, depth (dense layers) and batch`,
      primary: 'rate',
      higherIsBetter: true,
      cases: cases.map((c) => c.label),
      notes: [],
    },
    cases,
    baselines: ['plain-js'],
  };
}

/** Grid sizes (vertices per side) of the whole-frame workload. */
export function frameSizes(quick: boolean): number[] {
  return quick ? [64, 256, 1024] : [64, 128, 256, 512, 1024];
}

/** In --quick, the general grid kernel runs beyond this many vertices only where the fused one cannot. */
export const QUICK_GENERAL_GRID_VERTICES = 2 ** 16;

/**
 * Largest work (vertices × multiply-adds per vertex) each CPU or TF.js baseline takes in a grid case;
 * beyond it the baseline is left out rather than stalling the run for minutes.
 */
export function baselineCap(impl: string, quick: boolean): number {
  const caps: Record<string, number> = {
    'plain-js': quick ? 2 ** 27 : 2 ** 31,
    twin: quick ? 2 ** 22 : 2 ** 26,
    'tfjs-cpu': quick ? 2 ** 26 : 2 ** 29,
    'tfjs-wasm': quick ? 2 ** 27 : 2 ** 30,
    'tfjs-webgpu': quick ? 2 ** 23 : 2 ** 27,
    'tfjs-webgpu-mm3': quick ? 2 ** 25 : 2 ** 28,
  };
  return caps[impl] ?? Infinity;
}
