/** Trains an experiment to the end with the GPU engine, reading statistics once per epoch without stalling. */
import type { Dataset } from '../data/types';
import { Engine } from '../engine/engine';
import { stepsPerEpoch } from '../engine/permutation';
import type { KernelKind, Stats } from '../engine/types';
import type { Experiment } from './experiment';
import { prepare } from './experiment';

export interface RunOptions {
  kernel?: 'auto' | KernelKind;
  stepsPerDispatch?: number;
  data?: Dataset;
  onEpoch?: (stats: Stats, epochs: number) => void;
}

export interface RunResult {
  final: Stats;
  kernel: KernelKind;
  steps: number;
  seconds: number;
  samplesPerSecond: number;
  stepsPerSecond: number;
  regression: boolean;
}

/** Statistics requests in flight at once (the engine's staging ring holds four). */
const IN_FLIGHT = 2;

export async function runExperiment(
  device: GPUDevice,
  exp: Experiment,
  options: RunOptions = {},
): Promise<RunResult> {
  const run = prepare(exp, options.data);
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
    const n = run.train.y.length;
    const batch = Math.min(exp.batchSize, n);
    const perEpoch = stepsPerEpoch(n, batch);
    const pending: Promise<Stats>[] = [];
    let last: Stats | null = null;
    const start = performance.now();
    for (let epoch = 0; epoch < exp.epochs; epoch++) {
      engine.train(perEpoch);
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
    const seconds = (performance.now() - start) / 1000;
    const final = last ?? (await engine.stats());
    const steps = final.divergedAtStep ?? final.step;
    const samples = steps * batch;
    return {
      final,
      kernel: engine.kernel,
      steps,
      seconds,
      samplesPerSecond: samples / seconds,
      stepsPerSecond: steps / seconds,
      regression: run.regression,
    };
  } finally {
    engine.dispose();
  }
}
