/**
 * A sweep trained in slices, so that a page stays responsive and can stop it: the same population and
 * the same result as runSweep (src/experiment/sweep.ts), but the training is submitted a slice at a time,
 * each slice waits for the GPU to finish before the next one, and between slices the caller's `cancelled`
 * is asked. Member statistics cost an evaluation of every member over both sets (about an epoch of
 * training), so they are read for the diverged count only every `readings`-th of the run, one request at
 * a time, as runSweep reads them.
 */
import type { MemberStats } from '../engine/population';
import { Population } from '../engine/population';
import { stepsPerEpoch } from '../engine/permutation';
import { prepare } from '../experiment/experiment';
import type { SweepResult } from '../experiment/sweep';
import { sweepPlan, sweepResult } from '../experiment/sweep';
import type { SweepRequest } from './request';

export interface SweepProgress {
  epochsDone: number;
  epochs: number;
  members: number;
  /** Members diverged at the latest statistics read back. */
  diverged: number;
}

export interface SliceOptions {
  onProgress?: (p: SweepProgress) => void;
  cancelled?: () => boolean;
  /** Time a slice of training should take on the GPU (the slice grows or shrinks toward it); default 50. */
  sliceMs?: number;
  /** Statistics read back for progress in a run (default 10). */
  readings?: number;
}

/** A sweep that was cancelled: no result, where it stopped. */
export class SweepCancelled extends Error {
  constructor(readonly epochsDone: number) {
    super(`cancelled after ${epochsDone} epochs`);
    this.name = 'SweepCancelled';
  }
}

const nextTask = (): Promise<void> => new Promise((ok) => setTimeout(ok, 0));

/** Trains the request's population in slices; resolves with the sweep's result and every member's weights. */
export async function runSlicedSweep(
  device: GPUDevice,
  request: SweepRequest,
  options: SliceOptions = {},
): Promise<SweepResult> {
  const { exp, seeds, widths, rates, layer, target } = request;
  const run = prepare(exp);
  const { configs, members } = sweepPlan(widths, rates, seeds);
  const population = await Population.create(device, {
    spec: run.spec,
    optimizer: run.optimizer,
    batchSize: exp.batchSize,
    members,
    layer,
  });
  const perEpoch = stepsPerEpoch(run.train.y.length, exp.batchSize);
  const totalSteps = exp.epochs * perEpoch;
  const sliceMs = options.sliceMs ?? 50;
  const readEvery = Math.ceil(totalSteps / (options.readings ?? 10));
  // Below this a slice's overhead (a submission, a wait for the GPU, a task) outweighs its work.
  const fewest = Math.min(16, totalSteps);
  const start = performance.now();
  let final: MemberStats[];
  let params: Float32Array[];
  try {
    population.setData(run.train, run.test);
    let done = 0;
    let slice = Math.min(perEpoch, totalSteps);
    let diverged = 0;
    let asking: Promise<void> | null = null;
    let nextRead = readEvery;
    const report = (): void =>
      options.onProgress?.({
        epochsDone: Math.floor(done / perEpoch),
        epochs: exp.epochs,
        members: members.length,
        diverged,
      });
    report();
    while (done < totalSteps) {
      if (options.cancelled?.()) {
        // Let a statistics request in flight settle before the population's buffers are destroyed.
        if (asking) await asking;
        throw new SweepCancelled(Math.floor(done / perEpoch));
      }
      const steps = Math.min(slice, totalSteps - done);
      const t0 = performance.now();
      population.train(steps);
      await device.queue.onSubmittedWorkDone();
      done += steps;
      const took = performance.now() - t0;
      if (took < sliceMs / 2) slice *= 2;
      else if (took > sliceMs * 2) slice = Math.max(fewest, Math.floor(slice / 2));
      if (!asking && done >= nextRead && done < totalSteps) {
        nextRead = done + readEvery;
        // Progress only: a failed read leaves the count as it was (the final statistics would fail too).
        asking = population.stats().then(
          (stats) => {
            diverged = stats.filter((s) => s.divergedAtStep !== null).length;
            asking = null;
          },
          () => {
            asking = null;
          },
        );
      }
      report();
      await nextTask();
    }
    if (asking) await asking;
    final = await population.stats();
    params = await population.readParams();
    diverged = final.filter((s) => s.divergedAtStep !== null).length;
    report();
  } finally {
    population.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  return sweepResult(exp, { seeds, widths, configs, layer, target }, final, params, seconds);
}
