/**
 * `npm run sweep -- --preset ID --seeds N [--widths 1-8] [--layer L] [--lr 0.03,0.1,0.3] [--target 0.99]
 * [--json]`: trains a preset from seeds 1..N as one GPU population, over widths of one hidden layer and
 * learning rates, and prints per configuration the distribution of test accuracy, the fraction of members
 * reaching the target and every member's seed, with progress on stderr (steps done, time, an estimate of
 * the time left) while it trains. Exit codes: 0 done, 2 bad options, 3 some members diverged
 * (src/experiment/divergence.ts; every member is still reported), 1 anything else. See docs/population.md.
 */
import { findPreset, PRESETS } from '../data/presets';
import { LIMITS } from '../engine/limits';
import { divergenceVerdict } from '../experiment/divergence';
import { archText } from '../experiment/experiment';
import type { SweepProgressReport, SweepResult } from '../experiment/sweep';
import { percentText, runSweep } from '../experiment/sweep';
import { decimalValue } from '../share/numberText';
import { featuresText } from '../data/features';
import type { ParsedFlags } from '../flags';
import { UsageError, numberFlag, parseFlags } from '../flags';
import type { CliIo } from './cliIo';
import { EXIT_OK, errorLine, exitCodeOf } from './exitCodes';
import { DATASET_FLAGS, experimentFromFlags, prepareFromFlags } from './experimentFlags';

export const SWEEP_HELP = `usage: npm run sweep -- --preset ID [--seeds N] [--widths 1-8 | 1,2,4] [--layer L]
  [--lr X,Y,...] [--target X] [--arch 2-3-vf16-1] [--output knn] [--epochs N] [--batch N] [--optimizer NAME] [--data-seed N]
  [--features x1sq,x2sq,x1x2,sinx1,sinx2,r2] [--steps-per-dispatch N] [--json] [--quiet] [dataset parameters as --NAME VALUE]
Trains seeds 1..N of every configuration (width of hidden layer L x learning rate) at once on the GPU and
prints the distribution of test accuracy per configuration (training accuracy with --test-split 0), with
progress on stderr. See docs/population.md.`;

/** Preset settings a sweep may override, besides the dataset's own parameters. */
const OVERRIDES = [
  'arch',
  'output',
  'epochs',
  'batch',
  'optimizer',
  'test-split',
  'activation',
  'loss',
  'features',
] as const;
/** Most members in one sweep (configurations x seeds). */
export const MAX_MEMBERS = 65536;

/** "1-8" (a range) or "1,2,4" (a list): widths of 1 to the engine's maximum. */
export function parseWidths(text: string): number[] {
  const bad = (): never => {
    throw new UsageError(
      `--widths must be a range like 1-8 or a list like 1,2,4 of whole numbers from 1 to ${LIMITS.maxWidth}; got ${JSON.stringify(text.slice(0, 40))}`,
    );
  };
  const whole = (s: string): number => {
    if (!/^\d+$/.test(s.trim())) bad();
    const n = Number(s.trim());
    if (n < 1 || n > LIMITS.maxWidth) bad();
    return n;
  };
  const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  if (range) {
    const [lo, hi] = [whole(range[1]), whole(range[2])];
    if (hi < lo) bad();
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  const list = text.split(',').map(whole);
  if (new Set(list).size !== list.length) bad();
  return list;
}

/** "0.03,0.1,0.3": learning rates, each a positive decimal number, no repeats. */
export function parseRates(text: string): number[] {
  const rates = text.split(',').map((s) => decimalValue(s) ?? NaN);
  if (rates.some((r) => !(r >= 1e-12 && r <= 1e6)) || new Set(rates).size !== rates.length) {
    throw new UsageError(
      `--lr must be one learning rate or a comma-separated list, each from 1e-12 to 1e6 in decimal notation, no repeats; got ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  return rates;
}

/** How often progress is told; the tests make it small so that a tiny sweep shows it. */
export interface SweepPacing {
  /** Training steps per chunk (by default chunks grow toward a second of training: see runSweep). */
  chunkSteps?: number;
  /** Least time between two progress lines on stderr (default PROGRESS_MS). */
  progressMs?: number;
}

/** Least time between two progress lines on stderr by default. */
export const PROGRESS_MS = 5000;

/** "trained 1,200 of 2,000 steps (60 %) in 41 s, about 27 s left". */
export function progressLine(p: SweepProgressReport): string {
  const s = (x: number): string => (x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en'));
  const left = p.secondsLeft === null ? '' : `, about ${s(p.secondsLeft)} s left`;
  return (
    `trained ${p.steps.toLocaleString('en')} of ${p.totalSteps.toLocaleString('en')} steps ` +
    `(${Math.floor((100 * p.steps) / p.totalSteps)} %) in ${s(p.seconds)} s${left}`
  );
}

/**
 * The result as the command prints it between its heading and its timing: which accuracy, the table (a row
 * per configuration), how diverged members count where there are any, and every member's accuracy.
 */
export function resultTable(result: SweepResult): string[] {
  const cell = (x: number | null): string => (x === null ? '—' : x.toFixed(3));
  const { target } = result;
  const out = [
    result.accuracyOn === 'test'
      ? 'Final test accuracy (on the test split).\n'
      : 'Final training accuracy: there is no test split (--test-split 0).\n',
    `| arch | lr | members | min | q1 | median | q3 | max | reached ${target} | diverged |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of result.rows) {
    out.push(
      `| ${r.arch} | ${r.lr} | ${r.members.length} | ${cell(r.min)} | ${cell(r.q1)} | ${cell(r.median)} | ${cell(r.q3)} | ${cell(r.max)} | ${percentText(r.reached, r.members.length)} | ${r.diverged} |`,
    );
  }
  if (result.rows.some((r) => r.diverged)) {
    out.push(
      `\nReached: over all members, a diverged member counting as not reaching ${target}; the quartiles are over the members that did not diverge.`,
    );
  }
  out.push('');
  for (const r of result.rows) {
    const list = r.members
      .map((m) => `${m.seed}:${m.testAccuracy.toFixed(3)}${m.diverged ? '(diverged)' : ''}`)
      .join(' ');
    out.push(`${r.arch} lr ${r.lr}, seed:${result.accuracyOn} accuracy: ${list}`);
  }
  return out;
}

export async function runSweepCommand(argv: string[], io: CliIo, pacing: SweepPacing = {}): Promise<number> {
  try {
    return await sweep(argv, io, pacing);
  } catch (error) {
    io.err(errorLine(error));
    return exitCodeOf(error);
  }
}

/** The flags experimentFromFlags reads, without the ones a sweep reads itself. */
function experimentFlags(flags: ParsedFlags): ParsedFlags {
  const values = new Map(flags.values);
  for (const own of ['seeds', 'widths', 'layer', 'lr', 'target', 'data-seed', 'steps-per-dispatch'])
    values.delete(own);
  return { values, switches: new Set() };
}

async function sweep(argv: string[], io: CliIo, pacing: SweepPacing): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(SWEEP_HELP);
    return EXIT_OK;
  }
  if (argv.some((a) => a === '--seed' || a.startsWith('--seed='))) {
    throw new UsageError(
      '--seed does not apply here: the members use seeds 1 to --seeds N, and --data-seed sets the data',
    );
  }
  const flags = parseFlags(
    argv,
    {
      switches: ['json', 'quiet', 'list'],
      values: [
        'preset',
        'seeds',
        'widths',
        'layer',
        'lr',
        'target',
        'data-seed',
        'steps-per-dispatch',
        ...OVERRIDES,
      ],
    },
    DATASET_FLAGS,
  );
  if (flags.switches.has('list')) {
    for (const p of PRESETS) io.out(`${p.id.padEnd(34)} ${p.title}`);
    return EXIT_OK;
  }
  const presetId = flags.values.get('preset');
  if (presetId === undefined) {
    throw new UsageError('--preset ID is required (npm run sweep -- --list lists them)');
  }
  const seeds = numberFlag(flags, 'seeds', { min: 1, max: 10000, integer: true }) ?? 20;
  const layer = numberFlag(flags, 'layer', { min: 1, max: LIMITS.maxLayers - 1, integer: true }) ?? 1;
  const target = numberFlag(flags, 'target', { min: 0, max: 1 }) ?? 0.99;
  const stepsPerDispatch = numberFlag(flags, 'steps-per-dispatch', { min: 1, max: 4096, integer: true });
  const widthText = flags.values.get('widths');
  const widths = widthText === undefined ? undefined : parseWidths(widthText);
  const lrText = flags.values.get('lr');
  const rates = lrText === undefined ? undefined : parseRates(lrText);
  const { exp } = experimentFromFlags(experimentFlags(flags));
  exp.seed = numberFlag(flags, 'data-seed', { min: 0, max: 2 ** 32 - 1, integer: true }) ?? exp.seed;
  const hidden = exp.arch.length - 2;
  if (layer > hidden) {
    throw new UsageError(
      hidden < 1
        ? `--layer: ${archText(exp.arch, exp.fields)} has no hidden layer to vary`
        : `--layer must be a hidden layer of ${archText(exp.arch, exp.fields)}, 1 to ${hidden}; got ${layer}`,
    );
  }
  const configs = (widths?.length ?? 1) * (rates?.length ?? 1);
  if (configs * seeds > MAX_MEMBERS) {
    throw new UsageError(
      `at most ${MAX_MEMBERS} members in one sweep; ${configs} configurations x ${seeds} seeds is ${configs * seeds}`,
    );
  }
  const run = prepareFromFlags(exp);
  if (run.regression)
    throw new UsageError(`--preset ${presetId}: a sweep needs class labels (its figure is test accuracy)`);
  const title = findPreset(presetId).title;
  const quiet = flags.switches.has('quiet');
  const accuracyOn = run.test ? 'test' : 'training';
  const progressMs = pacing.progressMs ?? PROGRESS_MS;
  // The first progress line comes after the first chunk; then one every progressMs at most.
  let lastLine = -Infinity;
  const gpu = await io.openGpu();
  let result: SweepResult;
  try {
    if (!quiet) {
      io.err(
        `adapter: ${gpu.adapterName}; ${configs * seeds} networks (${configs} configurations x ${seeds} seeds)`,
      );
    }
    try {
      result = await runSweep(gpu.device, {
        exp,
        seeds: Array.from({ length: seeds }, (_, i) => i + 1),
        widths,
        layer,
        learningRates: rates,
        target,
        stepsPerDispatch,
        chunkSteps: pacing.chunkSteps,
        onProgress: (p) => {
          const now = performance.now();
          if (quiet || p.steps >= p.totalSteps || now - lastLine < progressMs) return;
          lastLine = now;
          io.err(progressLine(p));
        },
        onEpoch: (epoch, epochs, stats) => {
          if (quiet) return;
          const diverged = stats.filter((s) => s.divergedAtStep !== null).length;
          // As in the result: a diverged member does not count as reaching the target.
          const reached = stats.filter(
            (s) => s.divergedAtStep === null && ((s.test ?? s.train).accuracy ?? 0) >= target,
          ).length;
          io.err(
            `epoch ${epoch}/${epochs}: ${reached} of ${stats.length} reach ${target} ${accuracyOn} accuracy, ${diverged} diverged`,
          );
        },
      });
    } catch (e) {
      // A width that makes a network too large for the population kernel is a bad --widths.
      if (e instanceof Error && e.name === 'SpecError' && widthText !== undefined) {
        throw new UsageError(`--widths ${widthText}: ${e.message}`);
      }
      throw e;
    }
  } finally {
    gpu.close();
  }
  const labels = result.rows.flatMap((r) =>
    r.members.map((m) => ({ label: `${r.arch} lr ${r.lr} seed ${m.seed}`, diverged: m.diverged })),
  );
  const verdict = divergenceVerdict(labels);
  const summary = {
    preset: presetId,
    title,
    dataset: exp.dataset,
    dataSeed: result.dataSeed,
    arch: archText(exp.arch, exp.fields),
    ...(exp.features?.length ? { features: featuresText(exp.features) } : {}),
    layer,
    target,
    epochs: exp.epochs,
    steps: result.steps,
    seeds,
    seconds: result.seconds,
    networkStepsPerSecond: result.networkStepsPerSecond,
    adapter: gpu.adapterName,
    accuracyOn: result.accuracyOn,
    rows: result.rows.map((r) => ({
      width: r.width,
      lr: r.lr,
      arch: r.arch,
      members: r.members.length,
      fractionReached: r.fractionReached,
      reached: r.reached,
      diverged: r.diverged,
      min: r.min,
      q1: r.q1,
      median: r.median,
      q3: r.q3,
      max: r.max,
      seeds: r.members.map((m) => m.seed),
      testAccuracy: r.members.map((m) => m.testAccuracy),
      divergedSeeds: r.members.filter((m) => m.diverged).map((m) => m.seed),
    })),
  };
  if (flags.switches.has('json')) {
    io.out(JSON.stringify(summary));
  } else {
    io.out(
      `### ${title} (\`${presetId}\`, ${exp.dataset} data seed ${result.dataSeed}${exp.features?.length ? `, features ${featuresText(exp.features)}` : ''}, hidden layer ${layer} varied, ${gpu.adapterName})\n`,
    );
    for (const line of resultTable(result)) io.out(line);
    io.out(
      `\n${summary.rows.reduce((n, r) => n + r.members, 0)} networks x ${result.steps} steps in ${result.seconds.toFixed(1)} s: ` +
        `${Math.round(result.networkStepsPerSecond)} network-steps/s (${result.shapes} kernel${result.shapes > 1 ? 's' : ''})`,
    );
  }
  if (verdict.message) io.err(verdict.message);
  return verdict.exitCode;
}
