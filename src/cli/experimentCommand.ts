/**
 * `npm run experiment -- --preset ID --seeds N [--json] [other train flags]`: trains a preset from seeds
 * 1..N and prints, per seed, the final test loss and accuracy, then their median and best. Exit codes:
 * 0 done, 2 bad options, 3 some or all seeds diverged (src/experiment/divergence.ts), 1 anything else.
 */
import { PRESETS } from '../data/presets';
import { kernelKinds } from '../engine/kernels/registry';
import type { KernelKind } from '../engine/types';
import { divergenceVerdict } from '../experiment/divergence';
import { archText } from '../experiment/experiment';
import { runExperiment } from '../experiment/run';
import { UsageError, choiceFlag, numberFlag, parseFlags } from '../flags';
import type { CliIo } from './cliIo';
import { EXIT_OK, errorLine, exitCodeOf } from './exitCodes';
import {
  DATASET_FLAGS,
  EXPERIMENT_FLAGS,
  EXPERIMENT_SWITCHES,
  experimentFromFlags,
  prepareFromFlags,
} from './experimentFlags';

interface Row {
  seed: number;
  testLoss: number | null;
  testAccuracy: number | null;
  trainAccuracy: number | null;
  diverged: boolean;
  seconds: number;
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const cell = (x: number | null, digits: number): string =>
  x === null || !Number.isFinite(x) ? '—' : x.toFixed(digits);

export async function runExperimentCommand(argv: string[], io: CliIo): Promise<number> {
  try {
    return await experiment(argv, io);
  } catch (error) {
    io.err(errorLine(error));
    return exitCodeOf(error);
  }
}

async function experiment(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      switches: ['json', 'quiet', 'list', ...EXPERIMENT_SWITCHES],
      values: [...EXPERIMENT_FLAGS, 'seeds'],
    },
    DATASET_FLAGS,
  );
  if (flags.switches.has('list')) {
    const other = [...flags.switches, ...flags.values.keys()].filter((f) => f !== 'list');
    if (other.length) throw new UsageError(`--list takes no other options; got --${other[0]}`);
    for (const p of PRESETS) io.out(`${p.id.padEnd(34)} ${p.title}`);
    return EXIT_OK;
  }
  if (!flags.values.has('preset'))
    throw new UsageError('--preset ID is required (npm run experiment -- --list lists them)');
  if (flags.values.has('seed'))
    throw new UsageError('--seed does not apply here: the runs use seeds 1 to --seeds N');
  const seeds = numberFlag(flags, 'seeds', { min: 1, max: 100, integer: true }) ?? 3;
  const kernel = choiceFlag<'auto' | KernelKind>(flags, 'kernel', ['auto', ...kernelKinds()]);
  const stepsPerDispatch = numberFlag(flags, 'steps-per-dispatch', { min: 1, max: 4096, integer: true });
  const { exp: base, data } = experimentFromFlags(flags);
  prepareFromFlags(base, data);
  const presetId = flags.values.get('preset')!;
  const title = PRESETS.find((p) => p.id === presetId)?.title ?? presetId;
  const gpu = await io.openGpu();
  const rows: Row[] = [];
  try {
    for (let seed = 1; seed <= seeds; seed++) {
      const exp = { ...base, seed };
      const r = await runExperiment(gpu.device, exp, { kernel, stepsPerDispatch, data });
      const s = r.final;
      const row: Row = {
        seed,
        testLoss: (s.test ?? s.train).loss,
        testAccuracy: (s.test ?? s.train).accuracy,
        trainAccuracy: s.train.accuracy,
        diverged: s.divergedAtStep !== null,
        seconds: r.seconds,
      };
      rows.push(row);
      if (!flags.switches.has('quiet')) {
        const div = row.diverged ? ` (diverged at step ${s.divergedAtStep})` : '';
        io.err(`seed ${seed}: test loss ${cell(row.testLoss, 4)} acc ${cell(row.testAccuracy, 3)}${div}`);
      }
    }
  } finally {
    gpu.close();
  }
  const verdict = divergenceVerdict(rows.map((r) => ({ label: `seed ${r.seed}`, diverged: r.diverged })));
  const finite = (xs: (number | null)[]): number[] =>
    xs.filter((x): x is number => x !== null && Number.isFinite(x));
  const healthy = rows.filter((r) => !r.diverged);
  const losses = finite(healthy.map((r) => r.testLoss));
  const accs = finite(healthy.map((r) => r.testAccuracy));
  const summary = {
    preset: presetId,
    title,
    dataset: base.dataset,
    arch: archText(base.arch, base.fields),
    adapter: gpu.adapterName,
    rows,
    diverged: rows.filter((r) => r.diverged).length,
    median: { testLoss: median(losses), testAccuracy: median(accs) },
    best: {
      testLoss: losses.length ? Math.min(...losses) : null,
      testAccuracy: accs.length ? Math.max(...accs) : null,
    },
  };
  if (flags.switches.has('json')) {
    io.out(JSON.stringify(summary));
  } else {
    io.out(
      `### ${title} (\`${presetId}\`, ${base.dataset} ${archText(base.arch, base.fields)}, ${gpu.adapterName})\n`,
    );
    io.out('| seed | test loss | test accuracy | train accuracy | seconds |');
    io.out('|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      const div = r.diverged ? ' (diverged)' : '';
      io.out(
        `| ${r.seed} | ${cell(r.testLoss, 4)}${div} | ${cell(r.testAccuracy, 3)} | ${cell(r.trainAccuracy, 3)} | ${r.seconds.toFixed(1)} |`,
      );
    }
    io.out(
      `| **median** | ${cell(summary.median.testLoss, 4)} | ${cell(summary.median.testAccuracy, 3)} | | |`,
    );
    io.out(`| **best** | ${cell(summary.best.testLoss, 4)} | ${cell(summary.best.testAccuracy, 3)} | | |`);
  }
  if (verdict.message) io.err(verdict.message);
  return verdict.exitCode;
}
