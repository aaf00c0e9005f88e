/**
 * One training case run by any implementation: train a few steps from the same initial weights on the
 * same batches, compare the network's outputs at sampled training points with the twin's after the same
 * steps, then time training. Figures count only when the check passes.
 */
import type { Dataset } from '../data/types';
import type { NetworkSpec, OptimizerSpec } from '../engine/spec';
import { TwinTrainer, forward } from '../engine/twin';
import { TRAIN_TOLERANCE, compare } from './check';
import { measure } from './timing';
import type { Measurement } from './types';

export interface TrainCase {
  workload: string;
  label: string;
  spec: NetworkSpec;
  optimizer: OptimizerSpec;
  batch: number;
  data: Dataset;
  seed: number;
  /** Steps trained before the check. */
  checkSteps: number;
}

export interface TrainRunner {
  prepare(): Promise<void>;
  /** Trains `steps` more steps and resolves when they are done (for the GPU: after a readback). */
  steps(steps: number): Promise<void>;
  params(): Promise<Float32Array>;
  dispose(): void;
}

const SAMPLED_POINTS = 128;

/** The network's outputs at every (N/128)-th training point. */
function outputs(c: TrainCase, params: ArrayLike<number>): Float64Array {
  const n = c.data.y.length;
  const inputSize = c.spec.inputSize;
  const out: number[] = [];
  for (let k = 0; k < Math.min(SAMPLED_POINTS, n); k++) {
    const s = Math.floor((k * n) / Math.min(SAMPLED_POINTS, n));
    const trace = forward(c.spec, params, c.data.x.subarray(s * inputSize, (s + 1) * inputSize));
    for (const value of trace.post[c.spec.layers.length]) out.push(value);
  }
  return Float64Array.from(out);
}

const references = new WeakMap<TrainCase, Float64Array>();

/** The twin's outputs after the check steps (computed once per case). */
export function referenceOutputs(c: TrainCase): Float64Array {
  let ref = references.get(c);
  if (!ref) {
    const twin = new TwinTrainer({
      spec: c.spec,
      optimizer: c.optimizer,
      train: { seed: c.seed, batchSize: c.batch },
    });
    twin.setData(c.data, null);
    twin.train(c.checkSteps);
    ref = outputs(c, twin.params);
    references.set(c, ref);
  }
  return ref;
}

export function effectiveBatch(c: TrainCase): number {
  return Math.min(c.batch, c.data.y.length);
}

export async function runTrainCase(
  c: TrainCase,
  impl: string,
  runner: TrainRunner,
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
    await runner.steps(c.checkSteps);
    m.check = compare(
      outputs(c, await runner.params()),
      referenceOutputs(c),
      TRAIN_TOLERANCE,
      `outputs at ${Math.min(SAMPLED_POINTS, c.data.y.length)} training points after ${c.checkSteps} steps`,
    );
    if (!m.check.ok) {
      m.failed = `outputs differ from the twin by ${m.check.maxError.toExponential(2)}`;
      return m;
    }
    const timing = await measure((n) => runner.steps(n), { minSeconds });
    const rate = timing.reps / timing.seconds;
    m.reps = timing.reps;
    m.seconds = timing.seconds;
    m.figures = {
      rate: { value: rate, unit: 'steps/s' },
      samples: { value: rate * effectiveBatch(c), unit: 'samples/s' },
    };
  } catch (error) {
    m.failed = error instanceof Error ? error.message : String(error);
  } finally {
    runner.dispose();
  }
  return m;
}
