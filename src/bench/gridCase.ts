/**
 * One grid-transform case run by any implementation: transform once, check sampled vertices (every
 * representation) against the twin, then time whole frames. Figures count only when the check passes.
 */
import type { NetworkSpec } from '../engine/spec';
import { forward } from '../engine/twin';
import { GRID_TOLERANCE, compare } from './check';
import { measure } from './timing';
import type { Measurement } from './types';

/** Thrown by a runner that cannot take a case on this machine (memory): the case is skipped, not failed. */
export class SkipCase extends Error {
  override name = 'SkipCase';
}

export interface GridCase {
  workload: string;
  /** The row label, e.g. "1024×1024 (2^20)" or "depth 4 × width 8". */
  label: string;
  spec: NetworkSpec;
  vertices: number;
  /** Float32 parameters in the engine's layout; every implementation uses the same numbers. */
  params: Float32Array;
  /** Coordinates of vertices [start, start + count). */
  points: (start: number, count: number) => Float32Array;
}

/** An implementation of the transform. Its methods resolve once the work is done. */
export interface GridRunner {
  prepare(): Promise<void>;
  /** Transforms the whole grid `frames` times and waits for the last result. */
  frames(frames: number): Promise<void>;
  /** Every representation of the given vertices: rep-major, then vertex (in the given order), then unit. */
  sample(vertices: number[]): Promise<ArrayLike<number>>;
  dispose(): void;
}

/** Vertices compared with the twin: both ends, the middle, and a scatter in between. */
export function sampleVertices(count: number): number[] {
  const picked = new Set<number>();
  const block = Math.min(32, count);
  for (let k = 0; k < block; k++) {
    picked.add(k);
    picked.add(count - 1 - k);
    picked.add(Math.floor(count / 2) + k - (block >> 1));
  }
  for (let k = 1; k < 32; k++) picked.add(Math.floor((count * k) / 32 + k * 7919) % count);
  return [...picked].filter((v) => v >= 0 && v < count).sort((a, b) => a - b);
}

/** The twin's representations of the sampled vertices, in the order GridRunner.sample returns them. */
export function referenceSample(c: GridCase, vertices: number[]): Float64Array {
  const traces = vertices.map((v) => forward(c.spec, c.params, c.points(v, 1)));
  const reps = 2 * c.spec.layers.length + 1;
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    for (const trace of traces) {
      const rep = r === 0 ? trace.post[0] : r % 2 === 1 ? trace.pre[(r + 1) / 2] : trace.post[r / 2];
      for (const value of rep) out.push(value);
    }
  }
  return Float64Array.from(out);
}

export function floatsPerVertex(spec: NetworkSpec): number {
  return spec.inputSize + 2 * spec.layers.reduce((sum, layer) => sum + layer.units, 0);
}

export async function runGridCase(
  c: GridCase,
  impl: string,
  runner: GridRunner,
  minSeconds: number,
): Promise<Measurement> {
  const m: Measurement = {
    workload: c.workload,
    case: c.label,
    impl,
    figures: {},
    check: null,
    reps: 0,
    seconds: 0,
  };
  try {
    await runner.prepare();
    await runner.frames(1);
    const vertices = sampleVertices(c.vertices);
    const reps = 2 * c.spec.layers.length + 1;
    m.check = compare(
      await runner.sample(vertices),
      referenceSample(c, vertices),
      GRID_TOLERANCE,
      `${reps} representations of ${vertices.length} sampled vertices`,
    );
    if (!m.check.ok) {
      m.failed = `outputs differ from the twin by ${m.check.maxError.toExponential(2)}`;
      return m;
    }
    const timing = await measure((n) => runner.frames(n), { minSeconds });
    const seconds = timing.seconds / timing.reps;
    // Bytes moved per frame: the input points read, every representation (the input's copy included) written.
    const bytes = 4 * c.vertices * (c.spec.inputSize + floatsPerVertex(c.spec));
    m.reps = timing.reps;
    m.seconds = timing.seconds;
    m.figures = {
      time: { value: seconds * 1e3, unit: 'ms/frame' },
      throughput: { value: (c.vertices * c.spec.layers.length) / seconds / 1e6, unit: 'M vertex·layers/s' },
      bandwidth: { value: bytes / seconds / 1e9, unit: 'GB/s' },
    };
  } catch (error) {
    if (error instanceof SkipCase) m.skipped = error.message;
    else m.failed = error instanceof Error ? error.message : String(error);
  } finally {
    runner.dispose();
  }
  return m;
}
