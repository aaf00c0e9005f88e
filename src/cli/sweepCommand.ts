/**
 * `npm run sweep -- --preset ID --seeds N [--widths 1-8] [--layer L] [--lr 0.03,0.1,0.3] [--target 0.99]
 * [--json]`: trains a preset from seeds 1..N as one GPU population, over widths of one hidden layer and
 * learning rates, and prints per configuration the distribution of test accuracy, the fraction of members
 * reaching the target and every member's seed. Exit codes: 0 done, 2 bad options, 3 some members diverged
 * (src/experiment/divergence.ts; every member is still reported), 1 anything else. See docs/population.md.
 */
import { findPreset, PRESETS } from '../data/presets';
import { LIMITS } from '../engine/limits';
import { divergenceVerdict } from '../experiment/divergence';
import { archText } from '../experiment/experiment';
import type { SweepResult } from '../experiment/sweep';
import { runSweep } from '../experiment/sweep';
import { decimalValue } from '../share/numberText';
import type { ParsedFlags } from '../flags';
import { UsageError, numberFlag, parseFlags } from '../flags';
import type { CliIo } from './cliIo';
import { EXIT_OK, errorLine, exitCodeOf } from './exitCodes';
import { DATASET_FLAGS, experimentFromFlags, prepareFromFlags } from './experimentFlags';

export const SWEEP_HELP = `usage: npm run sweep -- --preset ID [--seeds N] [--widths 1-8 | 1,2,4] [--layer L]
  [--lr X,Y,...] [--target X] [--epochs N] [--batch N] [--optimizer NAME] [--data-seed N]
  [--steps-per-dispatch N] [--json] [--quiet] [dataset parameters as --NAME VALUE]
Trains seeds 1..N of every configuration (width of hidden layer L x learning rate) at once on the GPU and
prints the distribution of test accuracy per configuration. See docs/population.md.`;

/** Preset settings a sweep may override, besides the dataset's own parameters. */
const OVERRIDES = ['epochs', 'batch', 'optimizer', 'test-split', 'activation', 'loss'] as const;
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

export async function runSweepCommand(argv: string[], io: CliIo): Promise<number> {
  try {
    return await sweep(argv, io);
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

async function sweep(argv: string[], io: CliIo): Promise<number> {
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
        ? `--layer: ${archText(exp.arch)} has no hidden layer to vary`
        : `--layer must be a hidden layer of ${archText(exp.arch)}, 1 to ${hidden}; got ${layer}`,
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
        onEpoch: (epoch, epochs, stats) => {
          if (quiet) return;
          const diverged = stats.filter((s) => s.divergedAtStep !== null).length;
          const reached = stats.filter((s) => ((s.test ?? s.train).accuracy ?? 0) >= target).length;
          io.err(
            `epoch ${epoch}/${epochs}: ${reached} of ${stats.length} at or above ${target}, ${diverged} diverged`,
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
    arch: archText(exp.arch),
    layer,
    target,
    epochs: exp.epochs,
    steps: result.steps,
    seeds,
    seconds: result.seconds,
    networkStepsPerSecond: result.networkStepsPerSecond,
    adapter: gpu.adapterName,
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
    const cell = (x: number | null): string => (x === null ? '—' : x.toFixed(3));
    io.out(
      `### ${title} (\`${presetId}\`, ${exp.dataset} data seed ${result.dataSeed}, hidden layer ${layer} varied, ${gpu.adapterName})\n`,
    );
    io.out(`| arch | lr | members | min | q1 | median | q3 | max | reached ${target} | diverged |`);
    io.out('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of result.rows) {
      io.out(
        `| ${r.arch} | ${r.lr} | ${r.members.length} | ${cell(r.min)} | ${cell(r.q1)} | ${cell(r.median)} | ${cell(r.q3)} | ${cell(r.max)} | ${(100 * r.fractionReached).toFixed(0)} % | ${r.diverged} |`,
      );
    }
    io.out('');
    for (const r of result.rows) {
      const list = r.members
        .map((m) => `${m.seed}:${m.testAccuracy.toFixed(3)}${m.diverged ? '(diverged)' : ''}`)
        .join(' ');
      io.out(`${r.arch} lr ${r.lr}, seed:test accuracy: ${list}`);
    }
    io.out(
      `\n${summary.rows.reduce((n, r) => n + r.members, 0)} networks x ${result.steps} steps in ${result.seconds.toFixed(1)} s: ` +
        `${Math.round(result.networkStepsPerSecond)} network-steps/s (${result.shapes} kernel${result.shapes > 1 ? 's' : ''})`,
    );
  }
  if (verdict.message) io.err(verdict.message);
  return verdict.exitCode;
}
