/**
 * Trains an experiment to the end with the GPU engine, reading statistics after the epochs asked for (every
 * epoch for a listener) without stalling.
 */
import type { Dataset } from '../data/types';
import { Engine } from '../engine/engine';
import { stepsPerEpoch } from '../engine/permutation';
import type { NetworkSpec } from '../engine/spec';
import type { KernelKind, Stats } from '../engine/types';
import type { Experiment } from './experiment';
import { prepare } from './experiment';

/** Where training starts: parameters, optimiser moments (zero when absent) and the step count. */
export interface RunStart {
  params: Float32Array;
  moments?: Float32Array;
  step: number;
}

export interface RunOptions {
  kernel?: 'auto' | KernelKind;
  stepsPerDispatch?: number;
  data?: Dataset;
  /** The exact network (a model file's); by default the experiment's arch and activations. */
  spec?: NetworkSpec;
  /** Start from these weights and optimiser state instead of the seed's initial weights. */
  start?: RunStart;
  /** Read the final parameters and optimiser state back into the result (to save a model). */
  keepState?: boolean;
  onEpoch?: (stats: Stats, epochs: number) => void;
  /**
   * Which epochs (1-based) to read statistics after (and pass to onEpoch); the last is always read. Default:
   * every epoch where onEpoch listens, else only the last. A read evaluates the whole training and test sets
   * (a short run of small networks cost six times less on a software GPU with one read instead of one an
   * epoch); a divergence is then seen at the next read, not at once.
   */
  statsAfter?: (epoch: number) => boolean;
}

export interface RunResult {
  final: Stats;
  kernel: KernelKind;
  steps: number;
  seconds: number;
  samplesPerSecond: number;
  stepsPerSecond: number;
  regression: boolean;
  /** The network that was trained. */
  spec: NetworkSpec;
  /** Final parameters, moments and step, when keepState was asked for. */
  state?: { params: Float32Array; moments: Float32Array; step: number };
}

/** Statistics requests in flight at once (the engine's staging ring holds four). */
const IN_FLIGHT = 2;

/** An engine set up for one run of an experiment: its data set, its start restored. */
export interface StartedRun {
  engine: Engine;
  run: ReturnType<typeof prepare>;
  /** The step training starts from. */
  first: number;
  /** The batch (at most the training set). */
  batch: number;
  perEpoch: number;
}

/**
 * Creates the engine for the experiment (its kernel and steps per dispatch as asked), uploads the data and
 * restores the start; the caller trains it and disposes of it.
 */
export async function startRun(device: GPUDevice, exp: Experiment, options: RunOptions): Promise<StartedRun> {
  const run = prepare(exp, options.data, options.spec);
  const engine = await Engine.create(device, {
    spec: run.spec,
    optimizer: run.optimizer,
    train: {
      seed: exp.seed,
      batchSize: exp.batchSize,
      kernel: options.kernel ?? 'auto',
      stepsPerDispatch: options.stepsPerDispatch,
    },
  });
  try {
    engine.setData(run.train, run.test);
    const first = options.start?.step ?? 0;
    if (options.start) engine.restore({ ...options.start });
    const n = run.train.y.length;
    const batch = Math.min(exp.batchSize, n);
    return { engine, run, first, batch, perEpoch: stepsPerEpoch(n, batch) };
  } catch (error) {
    engine.dispose();
    throw error;
  }
}

/** What a run that ended at `final` after `seconds` of training reports (its state read back if asked). */
export async function runResult(
  started: StartedRun,
  final: Stats,
  seconds: number,
  keepState = false,
): Promise<RunResult> {
  const { engine, run, first, batch } = started;
  const steps = (final.divergedAtStep ?? final.step) - first;
  const samples = steps * batch;
  return {
    final,
    kernel: engine.kernel,
    steps,
    seconds,
    samplesPerSecond: seconds > 0 ? samples / seconds : 0,
    stepsPerSecond: seconds > 0 ? steps / seconds : 0,
    regression: run.regression,
    spec: run.spec,
    ...(keepState ? { state: await engine.readState() } : {}),
  };
}

export async function runExperiment(
  device: GPUDevice,
  exp: Experiment,
  options: RunOptions = {},
): Promise<RunResult> {
  const started = await startRun(device, exp, options);
  const { engine, perEpoch } = started;
  const readAfter = options.statsAfter ?? (() => options.onEpoch !== undefined);
  try {
    const pending: Promise<Stats>[] = [];
    let last: Stats | null = null;
    const start = performance.now();
    for (let epoch = 0; epoch < exp.epochs; epoch++) {
      engine.train(perEpoch);
      if (epoch + 1 < exp.epochs && !readAfter(epoch + 1)) continue;
      pending.push(engine.stats());
      if (pending.length > IN_FLIGHT) {
        last = await pending.shift()!;
        options.onEpoch?.(last, exp.epochs);
        if (last.divergedAtStep !== null) break;
      }
    }
    while (pending.length && last?.divergedAtStep == null) {
      last = await pending.shift()!;
      options.onEpoch?.(last, exp.epochs);
    }
    // Statistics still in flight after a divergence are not needed, but must settle before the engine
    // is disposed (disposing aborts their reads).
    await Promise.allSettled(pending);
    const seconds = (performance.now() - start) / 1000;
    const final = last ?? (await engine.stats());
    return await runResult(started, final, seconds, options.keepState);
  } finally {
    engine.dispose();
  }
}
