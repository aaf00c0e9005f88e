/**
 * A sweep: one experiment trained from many seeds at once, optionally over several widths of one hidden
 * layer and several learning rates, as one GPU population (src/engine/population.ts). The data is made
 * once from the experiment's seed (the data seed: the same points and split for every member); each
 * member's own seed gives its initial weights and batch order. The result is, per configuration (width,
 * learning rate), the distribution of final test accuracy and the fraction of members reaching a target.
 */
import type { MemberStats, PopulationMember } from '../engine/population';
import { Population } from '../engine/population';
import { stepsPerEpoch } from '../engine/permutation';
import { SpecError, hasField } from '../engine/spec';
import type { Experiment } from './experiment';
import { archText, prepare } from './experiment';
import { sweepMemberByMember } from './memberSweep';

export interface SweepOptions {
  /** The experiment; its `seed` is the data seed, its `learningRate` and arch the defaults. */
  exp: Experiment;
  /** Member seeds (initial weights and batch order). */
  seeds: readonly number[];
  /** Widths of hidden layer `layer`; by default the experiment's. */
  widths?: readonly number[];
  /** 1 is the first hidden layer. */
  layer?: number;
  /** Learning rates; by default the experiment's. */
  learningRates?: readonly number[];
  /** Test accuracy a member must reach (default 0.99). */
  target?: number;
  stepsPerDispatch?: number;
  /** Read every member's final weights back into the result (for a view that draws members). */
  keepParams?: boolean;
  /** Called with every member's statistics, at most ten times in a sweep, after `epoch` of `epochs`. */
  onEpoch?: (epoch: number, epochs: number, stats: MemberStats[]) => void;
  /** Called after every chunk of training the GPU has finished: steps done of all, time and an estimate. */
  onProgress?: (progress: SweepProgressReport) => void;
  /**
   * Steps in every chunk (the GPU finishes one before the next is sent, so that progress can be told). By
   * default a chunk starts at one step and grows or shrinks toward CHUNK_SECONDS of training.
   */
  chunkSteps?: number;
}

/** Where a sweep's training stands after a chunk. */
export interface SweepProgressReport {
  /** Training steps done by every member, and in all. */
  steps: number;
  totalSteps: number;
  /** Seconds since the training began (the data is made and the kernels compiled before). */
  seconds: number;
  /**
   * Seconds left at the rate since the first chunk (which carries the GPU's warm-up: on SwiftShader a
   * sweep's first step took 0.1 s, later ones 3 ms); null until a chunk after the first is done.
   */
  secondsLeft: number | null;
}

/** Wall time a chunk of training should take by default (long enough that the waits between cost little). */
export const CHUNK_SECONDS = 1;

/** Seconds left at the rate so far: `seconds` for `steps` of `totalSteps`; null before any step. */
export function secondsLeft(steps: number, totalSteps: number, seconds: number): number | null {
  if (steps <= 0) return null;
  return (seconds * (totalSteps - steps)) / steps;
}

export interface SweepMember {
  seed: number;
  /**
   * Final test accuracy (training accuracy without a test split: the result's `accuracyOn` says which); at
   * the last finite weights if it diverged.
   */
  testAccuracy: number;
  testLoss: number;
  diverged: boolean;
  /** The final weights (the member's own shape), when `keepParams` was asked for. */
  params?: Float32Array;
}

export interface SweepRow {
  width: number;
  lr: number;
  /** The configuration's architecture, e.g. "2-3-2-1". */
  arch: string;
  members: SweepMember[];
  /** Members whose test accuracy reached the target, over all members (a diverged one does not count). */
  reached: number;
  fractionReached: number;
  diverged: number;
  /** Test accuracy over the members that did not diverge (null when all did). */
  min: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
}

export interface SweepResult {
  rows: SweepRow[];
  /** Which set the accuracies are on: the test split, or the training set where there is no test split. */
  accuracyOn: 'test' | 'training';
  layer: number;
  target: number;
  dataSeed: number;
  epochs: number;
  steps: number;
  seconds: number;
  /** Member training steps per second over the whole population. */
  networkStepsPerSecond: number;
  /** Number of generated kernels (distinct shapes). */
  shapes: number;
}

/**
 * The q-quantile of sorted values, linearly interpolated between order statistics (R's type 7, numpy's
 * default): at position (n − 1)·q, so with 4 values q1 is three quarters of the way from the first to the
 * second, and the median halfway between the second and the third.
 */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (!sorted.length) return null;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * A count of members as a whole per cent, never rounded to 0 % while some did nor to 100 % while some did
 * not: 199 of 200 is "99 %", 1 of 1,000 is "1 %".
 */
export function percentText(count: number, of: number): string {
  if (of <= 0) return '—';
  const p = Math.round((100 * count) / of);
  if (count > 0 && count < of) return `${Math.min(99, Math.max(1, p))} %`;
  return `${p} %`;
}

/** Statistics requests in flight at once (the population's staging ring holds two). */
const IN_FLIGHT = 1;
/** Most statistics readbacks in a sweep (progress reports). */
const PROGRESS = 10;

/** A sweep's configurations (each width with each learning rate: its rows) and every member, by seed. */
export function sweepPlan(
  widths: readonly number[],
  rates: readonly number[],
  seeds: readonly number[],
): { configs: { width: number; lr: number }[]; members: PopulationMember[] } {
  const configs = widths.flatMap((width) => rates.map((lr) => ({ width, lr })));
  const members = configs.flatMap(({ width, lr }) =>
    seeds.map((seed) => ({ seed, width, learningRate: lr })),
  );
  return { configs, members };
}

export async function runSweep(device: GPUDevice, options: SweepOptions): Promise<SweepResult> {
  const { exp } = options;
  const layer = options.layer ?? 1;
  const target = options.target ?? 0.99;
  const run = prepare(exp);
  if (run.regression) throw new SpecError('a sweep needs class labels: its figure is test accuracy');
  const hidden = exp.arch.length - 2;
  if (!Number.isInteger(layer) || layer < 1 || layer > hidden) {
    throw new SpecError(
      hidden < 1
        ? `${archText(exp.arch, exp.fields)} has no hidden layer to vary`
        : `layer must be a hidden layer of ${archText(exp.arch, exp.fields)}, 1 to ${hidden}; got ${layer}`,
    );
  }
  const widths = options.widths ?? [exp.arch[layer]];
  const rates = options.learningRates ?? [exp.learningRate];
  const { configs, members } = sweepPlan(widths, rates, options.seeds);
  if (hasField(run.spec) || run.spec.knn) {
    // The population kernel takes dense layers and the loss's outputs only: member by member on the general path.
    const start = performance.now();
    const { final, params } = await sweepMemberByMember(device, exp, members, layer, {
      keepParams: options.keepParams,
    });
    const seconds = (performance.now() - start) / 1000;
    return sweepResult(exp, { seeds: options.seeds, widths, configs, layer, target }, final, params, seconds);
  }
  const population = await Population.create(device, {
    spec: run.spec,
    optimizer: run.optimizer,
    batchSize: exp.batchSize,
    members,
    layer,
    stepsPerDispatch: options.stepsPerDispatch,
  });
  let final: MemberStats[];
  let params: Float32Array[] | null = null;
  const start = performance.now();
  try {
    population.setData(run.train, run.test);
    const perEpoch = stepsPerEpoch(run.train.y.length, exp.batchSize);
    const pending: { epoch: number; stats: Promise<MemberStats[]> }[] = [];
    let last: MemberStats[] | null = null;
    const settle = async (): Promise<void> => {
      const next = pending.shift()!;
      last = await next.stats;
      options.onEpoch?.(next.epoch, exp.epochs, last);
    };
    // Statistics of every member cost an evaluation of both sets each: read them at most PROGRESS times.
    const every = Math.ceil(exp.epochs / PROGRESS);
    const totalSteps = exp.epochs * perEpoch;
    const fixed = options.chunkSteps;
    if (fixed !== undefined && !(Number.isInteger(fixed) && fixed >= 1)) {
      throw new SpecError(`chunkSteps must be a whole number ≥ 1; got ${fixed}`);
    }
    let chunk = fixed ?? 1;
    let done = 0;
    let first: { steps: number; seconds: number } | undefined;
    const trainStart = performance.now();
    for (let epoch = 0; epoch < exp.epochs;) {
      const epochs = Math.min(every, exp.epochs - epoch);
      const blockEnd = done + epochs * perEpoch;
      // The block in chunks, each finished on the GPU before the next is sent, so that progress can be told.
      while (done < blockEnd) {
        const steps = Math.min(chunk, blockEnd - done);
        const t0 = performance.now();
        population.train(steps);
        await device.queue.onSubmittedWorkDone();
        done += steps;
        const took = (performance.now() - t0) / 1000;
        if (fixed === undefined) {
          if (took < CHUNK_SECONDS / 2) chunk *= 2;
          else if (took > CHUNK_SECONDS * 2) chunk = Math.max(1, Math.floor(chunk / 2));
        }
        const seconds = (performance.now() - trainStart) / 1000;
        first ??= { steps: done, seconds };
        options.onProgress?.({
          steps: done,
          totalSteps,
          seconds,
          secondsLeft: secondsLeft(done - first.steps, totalSteps - first.steps, seconds - first.seconds),
        });
      }
      epoch += epochs;
      pending.push({ epoch, stats: population.stats() });
      if (pending.length > IN_FLIGHT) await settle();
      if (last && (last as MemberStats[]).every((s) => s.divergedAtStep !== null)) break;
    }
    while (pending.length) await settle();
    final = last!;
    if (options.keepParams) params = await population.readParams();
  } finally {
    population.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  return sweepResult(exp, { seeds: options.seeds, widths, configs, layer, target }, final, params, seconds);
}

/**
 * The sweep's result from every member's final statistics (members in configuration order, seeds within
 * each), with each member's weights where they were read back.
 */
export function sweepResult(
  exp: Experiment,
  sweep: {
    seeds: readonly number[];
    widths: readonly number[];
    configs: readonly { width: number; lr: number }[];
    layer: number;
    target: number;
  },
  final: readonly MemberStats[],
  params: readonly Float32Array[] | null,
  seconds: number,
): SweepResult {
  const { seeds, widths, configs, layer, target } = sweep;
  const steps = final.reduce((sum, s) => sum + (s.divergedAtStep ?? s.step), 0);
  const rows = configs.map(({ width, lr }, c): SweepRow => {
    const group = seeds.map((seed, i): SweepMember => {
      const m = c * seeds.length + i;
      const s = final[m];
      const set = s.test ?? s.train;
      const member: SweepMember = {
        seed,
        testAccuracy: set.accuracy!,
        testLoss: set.loss,
        diverged: s.divergedAtStep !== null,
      };
      if (params) member.params = params[m];
      return member;
    });
    const healthy = group.filter((m) => !m.diverged);
    const sorted = healthy.map((m) => m.testAccuracy).sort((a, b) => a - b);
    const reached = healthy.filter((m) => m.testAccuracy >= target).length;
    const arch = [...exp.arch];
    arch[layer] = width;
    return {
      width,
      lr,
      arch: archText(arch, exp.fields),
      members: group,
      reached,
      fractionReached: reached / group.length,
      diverged: group.length - healthy.length,
      min: quantile(sorted, 0),
      q1: quantile(sorted, 0.25),
      median: quantile(sorted, 0.5),
      q3: quantile(sorted, 0.75),
      max: quantile(sorted, 1),
    };
  });
  return {
    rows,
    accuracyOn: final.length && final[0].test === null ? 'training' : 'test',
    layer,
    target,
    dataSeed: exp.seed,
    epochs: exp.epochs,
    steps: final.length ? Math.max(...final.map((s) => s.step)) : 0,
    seconds,
    networkStepsPerSecond: seconds > 0 ? steps / seconds : 0,
    shapes: new Set(widths).size,
  };
}
