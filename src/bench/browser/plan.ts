/**
 * What the benchmark panel runs (DOM-free): the networks and grid sizes a person picks, the options a link
 * may carry (`?sizes=16,32&networks=2-3-2-1&max-gpu-mb=512`), and the cases in order, each with the GPU
 * bytes it needs computed before anything is allocated, so a case beyond the device is skipped with a
 * message instead of failing.
 */
import { fitsFused } from '../../engine/codegen';
import { buildSpec, paramLayout } from '../../engine/spec';
import { layerBufferLayout } from '../../engine/twin';
import { planGrid } from '../gpuGrid';
import { macsPerVertex } from '../gridPoints';
import { archName } from '../suite';

export type PanelWorkload = 'grid' | 'frame';
export type RangeId = 'quick' | 'full' | 'link';

export interface PanelNetwork {
  /** Layer sizes, input first. */
  sizes: number[];
  /** Ticked when the page opens. */
  checked: boolean;
}

/** Networks on offer; all take 2-D input and give one output (rings, MSE on a sigmoid output). */
export const PANEL_NETWORKS: PanelNetwork[] = [
  { sizes: [2, 3, 2, 1], checked: true },
  { sizes: [2, 8, 8, 8, 1], checked: true },
  { sizes: [2, 32, 32, 32, 1], checked: false },
];

/** "177 parameters, fused kernel": what a network costs and which kernel runs it. */
export function networkNote(sizes: number[]): string {
  const spec = buildSpec(sizes, 'tanh', 'mse');
  const count = paramLayout(spec).count;
  return `${count.toLocaleString('en')} parameters, ${fitsFused(spec) ? 'fused' : 'general'} kernel`;
}

/** Vertices per side of each grid, by size range. */
export const SIZE_RANGES: Record<Exclude<RangeId, 'link'>, number[]> = {
  quick: [64, 128, 256, 512],
  full: [64, 128, 256, 512, 1024, 2048],
};

/** Timed seconds per case at least (after the check), by range. */
export const MIN_SECONDS: Record<RangeId, number> = { quick: 0.3, full: 1, link: 0.2 };

/** A case whose frame is predicted (from the smaller grids before it) to take longer than this is skipped. */
export const MAX_FRAME_SECONDS: Record<RangeId, number> = { quick: 4, full: 15, link: 4 };

/** GPU memory one case may take unless the link says otherwise: what a browser tab can hope for. */
export const DEFAULT_PANEL_GPU_BYTES = 1024 ** 3;

/** Smallest and largest grid side a link may ask for. */
export const MIN_SIDE = 2;
export const MAX_SIDE = 8192;

export interface PanelParams {
  /** Grid sides from `sizes=`, ascending; null when absent. */
  sizes: number[] | null;
  /** Networks from `networks=` (e.g. "2-3-2-1,2-8-8-8-1"); null when absent. */
  networks: number[][] | null;
  /** `max-gpu-mb=`: bytes one case may take; null when absent. */
  maxGpuBytes: number | null;
  /** `driven`: the page is run from Node (`npm run bench -- --browser`), not by a person. */
  driven: boolean;
  /** One line per option that could not be read (the option is then ignored). */
  errors: string[];
}

/** Reads the options a link carries; anything unreadable is reported and ignored. */
export function parsePanelParams(search: string): PanelParams {
  const query = new URLSearchParams(search);
  const params: PanelParams = { sizes: null, networks: null, maxGpuBytes: null, driven: false, errors: [] };
  params.driven = query.has('driven');
  const sizes = query.get('sizes');
  if (sizes !== null) {
    const list = sizes.split(',').map((s) => s.trim());
    const values = list.map(Number);
    if (
      list.length === 0 ||
      values.some((v) => !Number.isInteger(v) || v < MIN_SIDE || v > MAX_SIDE) ||
      list.some((s) => s === '')
    ) {
      params.errors.push(
        `sizes=${sizes}: give grid sides between ${MIN_SIDE} and ${MAX_SIDE}, e.g. sizes=64,128`,
      );
    } else {
      params.sizes = [...new Set(values)].sort((a, b) => a - b);
    }
  }
  const networks = query.get('networks');
  if (networks !== null) {
    const parsed = networks.split(',').map(parseNetwork);
    const bad = networks.split(',').filter((_, k) => parsed[k] === null);
    if (bad.length > 0) {
      params.errors.push(
        `networks=${networks}: ${bad.map((b) => `"${b}"`).join(', ')} is not a network like 2-8-8-1 (input 2, output 1, hidden widths 1 to 64)`,
      );
    } else {
      params.networks = parsed as number[][];
    }
  }
  const mb = query.get('max-gpu-mb');
  if (mb !== null) {
    const value = Number(mb);
    if (!(value >= 1) || !Number.isFinite(value))
      params.errors.push(`max-gpu-mb=${mb}: give a number of MiB ≥ 1`);
    else params.maxGpuBytes = value * 1024 * 1024;
  }
  return params;
}

/** "2-8-8-1" → [2, 8, 8, 1]: 2 inputs, 1 output, 1 to 6 hidden layers of 1 to 64 units; null otherwise. */
export function parseNetwork(text: string): number[] | null {
  const parts = text.trim().split('-');
  if (parts.length < 3 || parts.length > 8) return null;
  const sizes = parts.map(Number);
  if (sizes.some((s) => !Number.isInteger(s))) return null;
  if (sizes[0] !== 2 || sizes[sizes.length - 1] !== 1) return null;
  if (sizes.slice(1, -1).some((s) => s < 1 || s > 64)) return null;
  return sizes;
}

export interface PanelCase {
  /** Unique within a plan: "2-3-2-1|512|grid". */
  key: string;
  network: number[];
  /** "2-3-2-1". */
  name: string;
  /** Vertices per side. */
  side: number;
  vertices: number;
  workload: PanelWorkload;
  /** GPU bytes the case allocates for the grid (input points, every representation, line indices to draw). */
  bytes: number;
  /** Parts the grid transform is split into (one storage binding each). */
  parts: number;
  /** Why the case will not run on this device; null when it will. */
  skip: string | null;
  /** Share of the run's expected time, for the progress bar (0 for a skipped case). */
  weight: number;
}

export interface DeviceLimits {
  /** Largest storage binding (and buffer), bytes. */
  bindingBytes: number;
  /** GPU bytes one case may take. */
  budgetBytes: number;
}

export interface PlanOptions {
  networks: number[][];
  sides: number[];
  workloads?: PanelWorkload[];
}

const MIB = 1024 * 1024;

/** A byte count for people: "906 MiB", "3.3 GiB", "12 KiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / 1024 / MIB).toFixed(1)} GiB`;
  if (bytes >= MIB) return `${Math.round(bytes / MIB)} MiB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

/** Bytes of the whole-frame case: one layer buffer (it is drawn from, so never split), points, line indices. */
export function frameBytes(network: number[], side: number): { layer: number; total: number } {
  const spec = buildSpec(network, 'tanh', 'mse');
  const vertices = side * side;
  const layer = layerBufferLayout(spec, vertices).totalFloats * 4;
  const points = vertices * spec.inputSize * 4;
  const lines = 4 * side * (side - 1) * 4;
  return { layer, total: layer + points + lines };
}

/**
 * The cases in running order: per network, per grid size, the grid transform then the whole frame. Bytes
 * are computed first; a case beyond the memory budget or (for the frame, which draws from one buffer) the
 * largest storage binding is planned as skipped, with the reason.
 */
export function planPanel(options: PlanOptions, limits: DeviceLimits): PanelCase[] {
  const workloads = options.workloads ?? ['grid', 'frame'];
  const cases: PanelCase[] = [];
  for (const network of options.networks) {
    const spec = buildSpec(network, 'tanh', 'mse');
    const name = archName(network);
    const work = macsPerVertex(spec);
    for (const side of options.sides) {
      const vertices = side * side;
      for (const workload of workloads) {
        let bytes: number;
        let parts = 1;
        let skip: string | null = null;
        if (workload === 'grid') {
          try {
            const plan = planGrid({ spec, vertices }, limits.bindingBytes);
            bytes = plan.bytes;
            parts = plan.parts.length;
          } catch (error) {
            bytes = vertices * (layerBufferLayout(spec, 1).totalFloats + spec.inputSize) * 4;
            skip = error instanceof Error ? error.message : String(error);
          }
        } else {
          const frame = frameBytes(network, side);
          bytes = frame.total;
          if (frame.layer > limits.bindingBytes) {
            skip =
              `its layer buffer of ${formatBytes(frame.layer)} is drawn from one binding, and this device ` +
              `binds at most ${formatBytes(limits.bindingBytes)}`;
          }
        }
        if (!skip && bytes > limits.budgetBytes) {
          skip = `needs ${formatBytes(bytes)} of GPU memory; the limit is ${formatBytes(limits.budgetBytes)}`;
        }
        // Time: a fixed cost (pipelines, the check against the twin) plus the arithmetic of the grid.
        const weight = skip ? 0 : 1 + (vertices * work) / 2 ** 22 + (workload === 'frame' ? 1 : 0);
        cases.push({
          key: `${name}|${side}|${workload}`,
          network,
          name,
          side,
          vertices,
          workload,
          bytes,
          parts,
          skip,
          weight,
        });
      }
    }
  }
  return cases;
}

/** Fraction of the run's expected time done once `done` cases have finished and the next is `partial` done. */
export function progressFraction(cases: PanelCase[], done: number, partial = 0): number {
  const total = cases.reduce((sum, c) => sum + c.weight, 0);
  if (total === 0) return done >= cases.length ? 1 : 0;
  let finished = 0;
  for (let k = 0; k < Math.min(done, cases.length); k++) finished += cases[k].weight;
  if (done < cases.length) finished += Math.min(1, Math.max(0, partial)) * cases[done].weight;
  return Math.min(1, finished / total);
}

export interface Timed {
  vertices: number;
  /** Seconds per frame. */
  seconds: number;
}

/**
 * Predicted seconds of one frame of a case from the cases measured before it in the same network and
 * workload (smaller grids): a line a + b · vertices through the last two (a, b ≥ 0: a fixed cost such as
 * the training steps of a whole frame, and a cost per vertex), or, after only one, time proportional to
 * vertices (the cautious guess); null with nothing measured yet.
 */
export function predictSeconds(history: Timed[], vertices: number): number | null {
  if (history.length === 0) return null;
  const last = history[history.length - 1];
  if (history.length === 1 || history[history.length - 2].vertices === last.vertices) {
    return (last.seconds * vertices) / last.vertices;
  }
  const before = history[history.length - 2];
  const slope = Math.max(0, (last.seconds - before.seconds) / (last.vertices - before.vertices));
  const fixed = Math.max(0, last.seconds - slope * last.vertices);
  return fixed + slope * vertices;
}

/** "512²" for a grid side. */
export function sideLabel(side: number): string {
  return `${side}²`;
}

/** The size range as people read it: "64² to 512²". */
export function rangeLabel(sides: number[]): string {
  if (sides.length === 0) return 'no sizes';
  if (sides.length <= 3) return sides.map(sideLabel).join(', ');
  return `${sideLabel(sides[0])} to ${sideLabel(sides[sides.length - 1])}`;
}
