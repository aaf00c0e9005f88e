/**
 * `npm run sweep` as a person runs it: the JSON object and its rows, the table, the exit codes (0, 2 for a
 * bad option with one line naming it, 3 when members diverge with every row still reported), and a member's
 * seed rerunning it with `npm run train` on the same data. Most cases run in this process on one shared
 * GPU device; one spawns the real entry point. Time budget: ~30 s on SwiftShader (2 cores).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runSweepCommand, type SweepPacing } from '../src/cli/sweepCommand';
import { runTrain } from '../src/cli/trainCommand';
import { captureIo, type Ran } from './helpers/cli';
import { openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

const capture = () => captureIo(gpu);

async function sweep(...args: string[]): Promise<Ran> {
  return paced({}, ...args);
}

/** A sweep with its progress paced as asked (chunk size, least time between progress lines). */
async function paced(pacing: SweepPacing, ...args: string[]): Promise<Ran> {
  const c = capture();
  const code = await runSweepCommand(args, c.io, pacing);
  return { code, stdout: c.out.join('\n'), stderr: c.err.join('\n') };
}

const SMALL = ['--preset', 'rings-2-units-fail', '--samples', '300', '--epochs', '3'];

interface Row {
  width: number;
  lr: number;
  arch: string;
  members: number;
  fractionReached: number;
  reached: number;
  diverged: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  seeds: number[];
  testAccuracy: number[];
  divergedSeeds: number[];
}

describe('the process', () => {
  it('prints one JSON object and exits 0; a bad option is one line and exit 2', () => {
    const run = (...args: string[]): Ran => {
      const r = spawnSync(process.execPath, ['tools/run.mjs', 'src/cli/sweep.ts', ...args], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const r = run(...SMALL, '--seeds', '3', '--widths', '2-3', '--json');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout).rows.map((row: Row) => row.arch)).toEqual(['2-2-2-1', '2-3-2-1']);
    expect(r.stderr).toMatch(/epoch 3\/3/);
    const bad = run('--preset', 'rings-2-units-fail', '--widths', '0-3');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^error: --widths must be/);
  });
});

describe.skipIf(!gpu)('npm run sweep', () => {
  it('--json: a row per width and learning rate with the distribution, the fraction and the seeds', async () => {
    const r = await sweep(
      ...SMALL,
      '--seeds',
      '5',
      '--widths',
      '1,3',
      '--lr',
      '0.1,0.5',
      '--target',
      '0.8',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      preset: 'rings-2-units-fail',
      dataset: 'rings',
      dataSeed: 1,
      arch: '2-2-2-1',
      layer: 1,
      target: 0.8,
      epochs: 3,
      seeds: 5,
      accuracyOn: 'test',
    });
    expect(out.steps).toBe(3 * Math.ceil(240 / 32));
    expect(out.seconds).toBeGreaterThan(0);
    expect(out.networkStepsPerSecond).toBeGreaterThan(0);
    const rows = out.rows as Row[];
    expect(rows.map((row) => [row.width, row.lr, row.arch])).toEqual([
      [1, 0.1, '2-1-2-1'],
      [1, 0.5, '2-1-2-1'],
      [3, 0.1, '2-3-2-1'],
      [3, 0.5, '2-3-2-1'],
    ]);
    for (const row of rows) {
      expect(row.members).toBe(5);
      expect(row.seeds).toEqual([1, 2, 3, 4, 5]);
      expect(row.testAccuracy).toHaveLength(5);
      const sorted = [...row.testAccuracy].sort((a, b) => a - b);
      expect(row.min).toBe(sorted[0]);
      expect(row.median).toBe(sorted[2]);
      expect(row.max).toBe(sorted[4]);
      expect(row.q1).toBe(sorted[1]);
      expect(row.q3).toBe(sorted[3]);
      expect(row.reached).toBe(row.testAccuracy.filter((a) => a >= 0.8).length);
      expect(row.fractionReached).toBe(row.reached / 5);
      expect(row.diverged).toBe(0);
      expect(row.divergedSeeds).toEqual([]);
    }
    // Each row holds its own members: the same configuration swept alone gives the same figures.
    const alone = await sweep(...SMALL, '--seeds', '5', '--widths', '3', '--lr', '0.1', '--json');
    expect(JSON.parse(alone.stdout).rows[0].testAccuracy).toEqual(rows[2].testAccuracy);
    expect(rows[2].testAccuracy).not.toEqual(rows[3].testAccuracy);
  });

  it('the table: one line per configuration, then every seed with its accuracy', async () => {
    const r = await sweep(...SMALL, '--seeds', '4', '--widths', '2-3', '--quiet');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\| 2-2-2-1 \| 0\.5 \| 4 \| /m);
    expect(r.stdout).toMatch(/^\| 2-3-2-1 \| 0\.5 \| 4 \| /m);
    expect(r.stdout).toMatch(
      /^2-3-2-1 lr 0\.5, seed:test accuracy: 1:\d\.\d{3} 2:\d\.\d{3} 3:\d\.\d{3} 4:\d\.\d{3}$/m,
    );
    expect(r.stdout).toMatch(/network-steps\/s \(2 kernels\)/);
  });

  it('--test-split 0: every figure is called training accuracy', async () => {
    const r = await sweep(...SMALL, '--test-split', '0', '--seeds', '2', '--widths', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Final training accuracy: there is no test split \(--test-split 0\)\.$/m);
    expect(r.stdout).toMatch(/^2-2-2-1 lr 0\.5, seed:training accuracy: 1:\d\.\d{3} 2:\d\.\d{3}$/m);
    expect(r.stdout).not.toMatch(/test accuracy/);
    expect(r.stderr).toMatch(/^epoch 3\/3: \d of 2 reach 0\.99 training accuracy, 0 diverged$/m);
    expect(r.stderr).not.toMatch(/test accuracy/);
  });

  it('progress on stderr after each chunk: steps done of all, the time and an estimate', async () => {
    // 3 epochs of 8 steps in chunks of 5 (a chunk ends where the statistics are read, every epoch).
    const r = await paced({ chunkSteps: 5, progressMs: 0 }, ...SMALL, '--seeds', '2', '--widths', '2');
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('trained '));
    const line = /^trained (\d+) of 24 steps \(\d+ %\) in [\d.]+ s(, about [\d.]+ s left)?$/;
    expect(lines.map((l) => line.exec(l)?.[1])).toEqual(['5', '8', '13', '16', '21']);
    expect(lines[0]).toMatch(/\(20 %\)/);
    // The estimate from the second chunk on: the first carries the GPU's warm-up.
    expect(lines.map((l) => line.exec(l)?.[2] !== undefined)).toEqual([false, true, true, true, true]);
    // The progress lines come between the adapter's line and the end.
    expect(r.stderr.split('\n')[0]).toMatch(/^adapter: /);
    // --quiet leaves them out: the table's test (its first line would come at once).
  });

  it("a member's seed reruns it with npm run train on the same data", async () => {
    const r = await sweep(...SMALL, '--seeds', '3', '--widths', '3', '--data-seed', '2', '--json');
    const member = JSON.parse(r.stdout).rows[0].testAccuracy[1];
    const c = capture();
    const code = await runTrain([...SMALL, '--arch', '2-3-2-1', '--seed', '2', '--json', '--quiet'], c.io);
    expect(code).toBe(0);
    expect(JSON.parse(c.out.join('')).test.accuracy).toBeCloseTo(member, 10);
    // Any other member: its seed for the weights and batch order, the sweep's data seed for the data.
    const third = JSON.parse(r.stdout).rows[0].testAccuracy[2];
    const d = capture();
    const flags = ['--arch', '2-3-2-1', '--seed', '3', '--data-seed', '2', '--json', '--quiet'];
    expect(await runTrain([...SMALL, ...flags], d.io)).toBe(0);
    const rerun = JSON.parse(d.out.join(''));
    expect(rerun.test.accuracy).toBeCloseTo(third, 10);
    expect(rerun.dataSeed).toBe(2);
    // Links and model files record one seed: a run with its own data seed is not written into one.
    for (const extra of [['--url'], ['--save', 'x.json']]) {
      const e = capture();
      expect(await runTrain([...SMALL, ...flags, ...extra], e.io)).toBe(2);
      expect(e.err.join('\n')).toMatch(/^error: --data-seed cannot go with --url, --save or --load/);
    }
  });

  it('exit 3 when members diverge, every row still reported and the diverged seeds named', async () => {
    const r = await sweep(
      '--preset',
      'interval-2-units',
      '--optimizer',
      'sgd',
      '--activation',
      'linear',
      '--lr',
      '0.05,1000000',
      '--seeds',
      '3',
      '--epochs',
      '2',
      '--json',
    );
    expect(r.code).toBe(3);
    const rows = JSON.parse(r.stdout).rows as Row[];
    expect(rows.map((row) => row.diverged)).toEqual([0, 3]);
    expect(rows[1].divergedSeeds).toEqual([1, 2, 3]);
    expect(rows[1].min).toBeNull();
    // Diverged members never reach the target, and the fraction is over all members.
    expect([rows[1].reached, rows[1].fractionReached, rows[1].median]).toEqual([0, 0, null]);
    expect(rows[0].fractionReached).toBe(rows[0].reached / 3);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      /^3 of 6 runs diverged \(1-2-1 lr 1000000 seed 1, .*\): the loss became NaN or infinite$/,
    );
  });

  it.each([
    [
      ['--widths', '0-3'],
      /^error: --widths must be a range like 1-8 or a list like 1,2,4 of whole numbers from 1 to 32; got "0-3"$/,
    ],
    [['--widths', '4-2'], /^error: --widths must be .*; got "4-2"$/],
    [['--widths', '2,2'], /^error: --widths must be .*; got "2,2"$/],
    [['--widths', 'two'], /^error: --widths must be .*; got "two"$/],
    [['--lr', '0.1,0'], /^error: --lr must be one learning rate or a comma-separated list/],
    [['--lr', '0.1,0.1'], /^error: --lr must be .* no repeats/],
    [['--layer', '3'], /^error: --layer must be a hidden layer of 2-2-2-1, 1 to 2; got 3$/],
    [['--layer', '0'], /^error: --layer must be a whole number from 1 to 11/],
    [['--seeds', '0'], /^error: --seeds must be a whole number from 1 to 10000/],
    [['--target', '1.5'], /^error: --target must be a number from 0 to 1/],
    [['--seed', '3'], /^error: --seed does not apply here: the members use seeds 1 to --seeds N/],
    [['--kernel', 'general'], /^error: unknown option --kernel; accepted: /],
    [
      ['--seeds', '10000', '--widths', '1-8'],
      /^error: at most 65536 members in one sweep; 8 configurations x 10000 seeds is 80000$/,
    ],
  ])('%s: exit 2 with one line naming the flag', async (args, message) => {
    const r = await sweep('--preset', 'rings-2-units-fail', ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('without --preset: exit 2', async () => {
    const r = await sweep('--seeds', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --preset ID is required (npm run sweep -- --list lists them)');
  });
});
