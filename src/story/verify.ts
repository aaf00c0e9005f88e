/**
 * Runs a claim over seeds through the same path as `npm run experiment` (preset → experiment →
 * runExperiment on the GPU) and judges it. A cannot claim trains LONGER× the epochs once and reads the
 * figures at the preset's epochs on the way, so both stages cost one run.
 */
import { findPreset } from '../data/presets';
import type { NetworkSpec } from '../engine/spec';
import type { Experiment } from '../experiment/experiment';
import { experimentFromPreset } from '../experiment/experiment';
import { runExperiment } from '../experiment/run';
import { figuresOf } from './outcome';
import {
  LONGER,
  judgeClaim,
  type Claim,
  type ClaimVerdict,
  type RunFigures,
  type SeedFigures,
} from './claim';

/** One seed's figures, and the network it ended with (to look inside it: tests/claims.test.ts). */
export interface SeedRun extends SeedFigures {
  spec: NetworkSpec;
  params: Float32Array;
}

export interface ClaimRun {
  claim: Claim;
  runs: SeedRun[];
  verdict: ClaimVerdict;
  seconds: number;
}

/** Trains one seed; `longer` > 1 also returns the figures after that many times the epochs. */
export async function runSeed(device: GPUDevice, exp: Experiment, longer = 1): Promise<SeedRun> {
  let atEnd: RunFigures | null = null;
  const run = { ...exp, epochs: exp.epochs * longer };
  const result = await runExperiment(device, run, {
    keepState: true,
    onEpoch: (stats) => {
      if (stats.epoch === exp.epochs) atEnd = figuresOf(stats);
    },
    statsAfter: (epoch) => epoch === exp.epochs,
  });
  const final = figuresOf(result.final);
  const missing: RunFigures = { testLoss: NaN, testAccuracy: NaN };
  const net = { spec: result.spec, params: result.state!.params };
  if (longer === 1) return { seed: exp.seed, atEnd: final, longer: null, ...net };
  return { seed: exp.seed, atEnd: atEnd ?? missing, longer: final, ...net };
}

/**
 * Runs a claim's preset on every seed (all at once: the GPU queue overlaps their work) and judges it.
 * `change` alters the experiment first (a planted bug in a test).
 */
export async function runClaim(
  device: GPUDevice,
  claim: Claim,
  seeds: readonly number[],
  change: (exp: Experiment) => Experiment = (exp) => exp,
): Promise<ClaimRun> {
  const start = performance.now();
  const base = change(experimentFromPreset(findPreset(claim.preset)));
  const longer = claim.kind === 'cannot' ? LONGER : 1;
  const runs = await Promise.all(seeds.map((seed) => runSeed(device, { ...base, seed }, longer)));
  return { claim, runs, verdict: judgeClaim(claim, runs), seconds: (performance.now() - start) / 1000 };
}
