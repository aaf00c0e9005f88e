/**
 * An epoch's last batch is partial where the training set is not a multiple of the batch size (13 points,
 * batch 4: batches of 4, 4, 4 and 1). On every kernel of the registry the loss it reports for that batch,
 * the loss and accuracy of the epoch's end over the whole set, and the update the partial batch made (from
 * its one real point only) match the twin, which visits exactly those points.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/engine/engine';
import { buildSpec, defaultOptimizer } from '../src/engine/spec';
import { TwinTrainer, batchGradient, batchIndices } from '../src/engine/twin';
import type { EngineConfig } from '../src/engine/types';
import { worstRatio } from './helpers/compare';
import { blobs, rings } from './helpers/data';
import { KERNEL_CHOICES, gpuScope, kernelOf, openTestGpu, pinKernel } from './helpers/gpu';

const gpu = await openTestGpu();

const COUNT = 13;
const BATCH = 4;
/** Steps of one epoch: three full batches and the partial one. */
const PER_EPOCH = Math.ceil(COUNT / BATCH);

/** Two tasks: one sigmoid output (accuracy by its threshold) and three softmax outputs. */
const TASKS = [
  { name: 'bce', spec: buildSpec([2, 3, 1], 'tanh', 'bce'), data: rings(COUNT, 3) },
  { name: 'ce', spec: buildSpec([2, 4, 3], 'relu', 'ce'), data: blobs(COUNT, 3, 3) },
] as const;

const choices = KERNEL_CHOICES.filter((c) => c !== 'fused-subgroups' || gpu?.subgroupSize);

describe.skipIf(!gpu)('the partial last batch of an epoch, on every kernel', () => {
  it('the schedule has one real point in the epoch’s last batch', () => {
    for (let epoch = 0; epoch < 2; epoch++) {
      const last = batchIndices(epoch * PER_EPOCH + PER_EPOCH - 1, COUNT, BATCH, 5);
      expect(last.length).toBe(COUNT - (PER_EPOCH - 1) * BATCH);
      const all = new Set<number>();
      for (let s = 0; s < PER_EPOCH; s++)
        for (const i of batchIndices(epoch * PER_EPOCH + s, COUNT, BATCH, 5)) all.add(i);
      expect(all.size).toBe(COUNT);
    }
  });

  for (const task of TASKS) {
    it.each(choices)(
      `%s, ${task.name}: batch loss, epoch figures and the update match the twin`,
      async (choice) => {
        const config: EngineConfig = {
          spec: task.spec,
          optimizer: defaultOptimizer('sgd', 0.5),
          train: { seed: 5, batchSize: BATCH, stepsPerDispatch: 1, ...pinKernel(choice) },
        };
        const twin = new TwinTrainer(config);
        twin.setData(task.data, null);
        await gpuScope(gpu!.device, async () => {
          const engine = await Engine.create(gpu!.device, config);
          try {
            engine.setData(task.data, null);
            expect(engine.kernelInfo.kernel).toBe(kernelOf(choice));
            for (let epoch = 0; epoch < 2; epoch++) {
              // Up to the partial batch, then the partial batch alone.
              engine.train(PER_EPOCH - 1);
              twin.train(PER_EPOCH - 1);
              // One step before the epoch's end it is still the epoch before.
              expect((await engine.stats()).epoch).toBe(epoch);
              expect(twin.epoch).toBe(epoch);
              const before = Float64Array.from(twin.params);
              const step = twin.step;
              const partial = batchIndices(step, COUNT, BATCH, 5);
              expect(partial.length).toBe(1);
              const want = batchGradient(task.spec, before, task.data, partial).loss;
              engine.train(1);
              twin.train(1);
              const progress = await engine.progress();
              expect(progress.step).toBe((epoch + 1) * PER_EPOCH);
              // The last batch's mean loss is its one point's loss (not diluted by, or padded with, others).
              expect(progress.lastBatchLoss).toBeCloseTo(want, 4);
              const stats = await engine.stats();
              const twinStats = twin.stats();
              expect(stats.epoch).toBe(epoch + 1);
              expect(twinStats.epoch).toBe(epoch + 1);
              expect(stats.lastBatchLoss).toBeCloseTo(want, 4);
              expect(stats.train.count).toBe(COUNT);
              expect(stats.train.loss).toBeCloseTo(twinStats.train.loss, 4);
              expect(stats.train.accuracy).toBeCloseTo(twinStats.train.accuracy!, 6);
              // The update from the partial batch: the twin's, from its one point.
              const state = await engine.readState();
              expect(worstRatio(state.params, twin.params, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
            }
          } finally {
            engine.dispose();
          }
        });
      },
    );
  }
});
