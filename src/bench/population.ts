/**
 * The population workload: network-steps per second of N networks trained side by side on the GPU (one
 * workgroup each, one dispatch per k steps), beside the plain JS loop training the same N networks one
 * after another. Each network is 2-3-2-1 (tanh, a sigmoid output under ½·MSE, SGD) at batch 32 on the
 * rings, and each has its own seed. DOM-free; runs wherever a GPUDevice does.
 */
import { makeDataset } from '../data/registry';
import { splitDataset } from '../data/split';
import { Population } from '../engine/population';
import type { NetworkSpec } from '../engine/spec';
import { buildSpec, defaultOptimizer } from '../engine/spec';
import { batchIndices, initParams } from '../engine/twin';
import { PlainMlp } from './plainJs';

export interface PopulationBenchRow {
  networks: number;
  /** GPU: steps measured per network, seconds, network-steps per second. */
  gpu: { steps: number; seconds: number; networkStepsPerSecond: number };
  /** Plain JS on one CPU thread, the same networks one after another. */
  plainJs: { networks: number; steps: number; seconds: number; networkStepsPerSecond: number };
}

export interface PopulationBenchOptions {
  sizes?: readonly number[];
  /** Seconds each side's measurements of one N aim at in all (default 3). */
  seconds?: number;
  log?: (line: string) => void;
}

export const POPULATION_SPEC: NetworkSpec = buildSpec([2, 3, 2, 1], 'tanh', 'mse');
const BATCH = 32;
const OPTIMIZER = defaultOptimizer('sgd', 0.5);
/** Turns each side takes; the best counts. */
const ROUNDS = 3;

/** Times `run(steps)` (which must finish its work before resolving), growing steps to fill `seconds`. */
async function measure(
  seconds: number,
  first: number,
  run: (steps: number) => Promise<void>,
): Promise<{ steps: number; seconds: number }> {
  let steps = first;
  for (;;) {
    const start = performance.now();
    await run(steps);
    const took = (performance.now() - start) / 1000;
    if (took >= seconds / 4 || steps >= 1 << 22) {
      return { steps, seconds: took };
    }
    steps = Math.ceil(steps * Math.min(16, Math.max(2, seconds / Math.max(took, 1e-3))));
  }
}

export async function populationBench(
  device: GPUDevice,
  options: PopulationBenchOptions = {},
): Promise<PopulationBenchRow[]> {
  const sizes = options.sizes ?? [1, 16, 256, 1024];
  const target = options.seconds ?? 3;
  const data = splitDataset(makeDataset('rings', { samples: 2000 }, 1), 0.2, 1);
  const rows: PopulationBenchRow[] = [];
  for (const n of sizes) {
    const members = Array.from({ length: n }, (_, i) => ({ seed: i + 1 }));
    const population = await Population.create(device, {
      spec: POPULATION_SPEC,
      optimizer: OPTIMIZER,
      batchSize: BATCH,
      members,
    });
    // The plain loop's rate does not depend on N: it trains min(N, 16) of the networks.
    const cpuNetworks = Math.min(n, 16);
    const nets = Array.from(
      { length: cpuNetworks },
      (_, i) => new PlainMlp(POPULATION_SPEC, initParams(POPULATION_SPEC, i + 1), OPTIMIZER),
    );
    const n0 = data.train.y.length;
    let done = 0;
    const best = { gpu: { steps: 0, seconds: Infinity }, cpu: { steps: 0, seconds: Infinity } };
    const faster = (a: { steps: number; seconds: number }, b: { steps: number; seconds: number }) =>
      a.steps / a.seconds > b.steps / b.seconds ? a : b;
    try {
      population.setData(data.train, data.test);
      // Compiles the kernel and warms the pipeline.
      population.train(256);
      await device.queue.onSubmittedWorkDone();
      // GPU and CPU take turns, ROUNDS times each, and the best of each counts: on a shared machine the
      // other processes slow some rounds down, never speed one up.
      for (let round = 0; round < ROUNDS; round++) {
        const gpu = await measure(target / ROUNDS, 256, async (steps) => {
          population.train(steps);
          await device.queue.onSubmittedWorkDone();
        });
        best.gpu = faster(gpu, best.gpu);
        const cpu = await measure(target / ROUNDS, 16, async (steps) => {
          for (let k = 0; k < nets.length; k++) {
            for (let s = 0; s < steps; s++) {
              nets[k].trainStep(data.train.x, data.train.y, batchIndices(done + s, n0, BATCH, k + 1));
            }
          }
          done += steps;
        });
        best.cpu = faster(cpu, best.cpu);
      }
      const stats = await population.stats();
      if (stats.some((s) => s.divergedAtStep !== null))
        throw new Error('population bench: a member diverged');
    } finally {
      population.dispose();
    }
    const gpu = best.gpu;
    const cpu = best.cpu;
    const row: PopulationBenchRow = {
      networks: n,
      gpu: { ...gpu, networkStepsPerSecond: (n * gpu.steps) / gpu.seconds },
      plainJs: {
        networks: cpuNetworks,
        ...cpu,
        networkStepsPerSecond: (cpuNetworks * cpu.steps) / cpu.seconds,
      },
    };
    options.log?.(
      `N = ${n}: GPU ${Math.round(row.gpu.networkStepsPerSecond)} network-steps/s, plain JS ${Math.round(row.plainJs.networkStepsPerSecond)}`,
    );
    rows.push(row);
  }
  return rows;
}

export function populationBenchTable(rows: readonly PopulationBenchRow[], adapter: string): string {
  const lines = [
    `### Population: 2-3-2-1 at batch 32, N networks at once (${adapter})`,
    '',
    '| N | GPU population (network-steps/s) | plain JS, one after another (network-steps/s) | ratio |',
    '|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const g = r.gpu.networkStepsPerSecond;
    const c = r.plainJs.networkStepsPerSecond;
    lines.push(
      `| ${r.networks} | ${Math.round(g).toLocaleString('en')} | ${Math.round(c).toLocaleString('en')} | ${(g / c).toFixed(2)}x |`,
    );
  }
  return lines.join('\n');
}
