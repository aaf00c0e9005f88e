/**
 * npm run experiment -- --preset ID --seeds N [--json] [other train flags]: trains a preset from seeds
 * 1..N and prints, per seed, the final test loss and accuracy, then their median and best.
 */
import { findPreset, PRESETS } from '../data/presets';
import { archText } from '../experiment/experiment';
import { runExperiment } from '../experiment/run';
import { UsageError, choiceFlag, numberFlag, parseFlags } from './args';
import { DATASET_FLAGS, EXPERIMENT_FLAGS, experimentFromFlags } from './experiment-flags';
import { openNodeGpu } from './node-gpu';

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

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--list')) {
    for (const p of PRESETS) console.log(`${p.id.padEnd(34)} ${p.title}`);
    return 0;
  }
  const flags = parseFlags(
    argv,
    { switches: ['json', 'quiet'], values: [...EXPERIMENT_FLAGS, 'seeds'] },
    DATASET_FLAGS,
  );
  if (!flags.values.has('preset'))
    throw new UsageError('--preset ID is required (npm run experiment -- --list lists them)');
  const preset = findPreset(flags.values.get('preset')!);
  const seeds = numberFlag(flags, 'seeds', { min: 1, max: 100, integer: true }) ?? 3;
  const kernel = choiceFlag(flags, 'kernel', ['auto', 'fused', 'general'] as const);
  const { exp: base, data } = experimentFromFlags(flags);
  const gpu = await openNodeGpu();
  const rows: Row[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const exp = { ...base, seed };
    const r = await runExperiment(gpu.device, exp, { kernel, data });
    const s = r.final;
    rows.push({
      seed,
      testLoss: (s.test ?? s.train).loss,
      testAccuracy: (s.test ?? s.train).accuracy,
      trainAccuracy: s.train.accuracy,
      diverged: s.divergedAtStep !== null,
      seconds: r.seconds,
    });
    if (!flags.switches.has('quiet')) {
      console.error(
        `seed ${seed}: test loss ${cell(rows.at(-1)!.testLoss, 4)} acc ${cell(rows.at(-1)!.testAccuracy, 3)}`,
      );
    }
  }
  const finite = (xs: (number | null)[]): number[] =>
    xs.filter((x): x is number => x !== null && Number.isFinite(x));
  const losses = finite(rows.map((r) => r.testLoss));
  const accs = finite(rows.map((r) => r.testAccuracy));
  const summary = {
    preset: preset.id,
    title: preset.title,
    dataset: base.dataset,
    arch: archText(base.arch),
    adapter: gpu.adapterName,
    rows,
    median: { testLoss: median(losses), testAccuracy: median(accs) },
    best: {
      testLoss: losses.length ? Math.min(...losses) : null,
      testAccuracy: accs.length ? Math.max(...accs) : null,
    },
  };
  if (flags.switches.has('json')) {
    console.log(JSON.stringify(summary));
  } else {
    console.log(
      `### ${preset.title} (\`${preset.id}\`, ${base.dataset} ${archText(base.arch)}, ${gpu.adapterName})\n`,
    );
    console.log('| seed | test loss | test accuracy | train accuracy | seconds |');
    console.log('|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      const div = r.diverged ? ' (diverged)' : '';
      console.log(
        `| ${r.seed} | ${cell(r.testLoss, 4)}${div} | ${cell(r.testAccuracy, 3)} | ${cell(r.trainAccuracy, 3)} | ${r.seconds.toFixed(1)} |`,
      );
    }
    console.log(
      `| **median** | ${cell(summary.median.testLoss, 4)} | ${cell(summary.median.testAccuracy, 3)} | | |`,
    );
    console.log(
      `| **best** | ${cell(summary.best.testLoss, 4)} | ${cell(summary.best.testAccuracy, 3)} | | |`,
    );
  }
  gpu.device.destroy();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const e = error as Error;
    const usage =
      error instanceof UsageError || ['DataError', 'SpecError'].includes(e.name) || /preset/.test(e.message);
    console.error(`error: ${e.message ?? error}`);
    process.exit(usage ? 2 : 1);
  },
);
