/**
 * `npm run train`, `npm run experiment` and `npm run wgsl` as a person runs them. Most cases call the
 * commands in this process with one shared GPU device (a process start costs seconds on a small
 * machine); a few spawn the real entry points to check the process's own output and exit codes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runExperimentCommand } from '../src/cli/experimentCommand';
import { runTrain } from '../src/cli/trainCommand';
import { wgslFromArgs } from '../src/cli/wgsl';
import { makeDataset } from '../src/data/registry';
import { splitDataset } from '../src/data/split';
import { buildSpec, paramLayout } from '../src/engine/spec';
import { evaluate } from '../src/engine/twin';
import { divergenceVerdict } from '../src/experiment/divergence';
import { exportModel } from '../src/share/modelExport';
import { importModel } from '../src/share/modelImport';
import { parseExperimentQuery } from '../src/share/url';
import { captureIo, type Ran } from './helpers/cli';
import { openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();
const dir = mkdtempSync(join(tmpdir(), 'detangle-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const capture = () => captureIo(gpu);

async function train(...args: string[]): Promise<Ran> {
  const c = capture();
  const code = await runTrain(args, c.io);
  return { code, stdout: c.out.join('\n'), stderr: c.err.join('\n') };
}

async function experiment(...args: string[]): Promise<Ran> {
  const c = capture();
  const code = await runExperimentCommand(args, c.io);
  return { code, stdout: c.out.join('\n'), stderr: c.err.join('\n') };
}

function spawnCli(entry: string, ...args: string[]): Ran {
  const r = spawnSync(process.execPath, ['tools/run.mjs', `src/cli/${entry}.ts`, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const MOONS = ['--dataset', 'moons', '--samples', '400', '--arch', '2-8-1', '--loss', 'bce'];

describe('the processes', () => {
  it('train prints one JSON object and exits 0; a bad option is one line and exit 2', () => {
    const r = spawnCli('train', '--dataset', 'rings', '--samples', '200', '--epochs', '1', '--json');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout).steps).toBe(Math.ceil(160 / 32));
    const bad = spawnCli('train', '--bogus', '1');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: unknown option --bogus/)]);
  });

  it('experiment --list --bogus exits 2', () => {
    const r = spawnCli('experiment', '--list', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: unknown option --bogus;/);
    expect(r.stdout).toBe('');
  });
});

describe.skipIf(!gpu)('npm run train', () => {
  it('--json prints every documented field, and the network learns', async () => {
    const r = await train(...MOONS, '--optimizer', 'adam', '--lr', '0.05', '--epochs', '30', '--json');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    for (const key of [
      'dataset',
      'arch',
      'activation',
      'loss',
      'optimizer',
      'epochs',
      'steps',
      'train',
      'test',
    ])
      expect(out).toHaveProperty(key);
    for (const key of ['diverged', 'seconds', 'samplesPerSecond', 'adapter', 'kernel'])
      expect(out).toHaveProperty(key);
    expect(out.kernel).toBe('fused');
    expect(out.arch).toBe('2-8-1');
    expect(out.steps).toBe(30 * Math.ceil(320 / 32));
    expect(out.diverged).toBe(false);
    // Two moons with a little noise: chance is 0.5; a trained 2-8-1 network gets 0.98 to 1 over seeds 1-4
    // (SwiftShader), and an untrained or barely trained one stays far below 0.95.
    expect(out.train.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(out.test.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(out.test.loss).toBeLessThan(0.2);
    expect(r.stderr).toMatch(/epoch 30\/30/);
  });

  it('reports regression accuracy as null and names the looped kernel for a wide network', async () => {
    const r = await train(
      ...['--dataset', 'polynomial', '--samples', '500', '--arch', '1-32-32-1', '--epochs', '1', '--json'],
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.train.accuracy).toBeNull();
    expect(out.kernel).toBe('layered');
  });

  it.each([
    [['--bogus', '1'], /unknown option --bogus; accepted: .*--dataset/],
    [['--optimizer', 'lbfgs'], /--optimizer must be one of sgd, momentum, rmsprop, adam; got "lbfgs"/],
    [['--lr', 'fast'], /--lr must be a number/],
    [['--lr', '0x1'], /--lr must be a number from 1e-12 to 1000000 in decimal notation; got "0x1"/],
    [['--seed', ' 7 '], /--seed must be a whole number from 0 to 4294967295 in decimal notation; got " 7 "/],
    [['--seed', '1_0'], /--seed must be a whole number/],
    [['--seed', '4294967296'], /--seed must be a whole number from 0 to 4294967295/],
    [['--batch', '0'], /--batch must be a whole number from 1 to/],
    [['--arch', '2-3-x'], /--arch: architecture "2-3-x"/],
    [['--arch', '2-x-1'], /--arch: architecture "2-x-1" must be sizes .*; size 2 is empty/],
    [['--arch', '2--1'], /--arch: architecture "2--1" .*size 2 is empty/],
    [['--preset', ''], /^error: --preset needs a value; got an empty one$/],
    [['--preset='], /^error: --preset needs a value; got an empty one$/],
    [['--preset', 'nope'], /--preset: unknown preset "nope"; choose one of/],
    [['--dataset', 'rings', '--factor', '0.3'], /--factor is not a parameter of rings/],
    [['--arch', '2-40-1'], /layer 1 must have 1 to 32 units/],
    [['--activation', 'swish'], /unknown activation "swish"/],
    [['--csv', '/nonexistent.csv'], /--csv \/nonexistent.csv/],
    [
      ['--arch', '2-32-32-32-32-1', '--optimizer', 'adam', '--kernel', 'fused'],
      /--kernel fused: .* at most 2250 parameters with adam and 2-32-32-32-32-1 has 3297/,
    ],
    [
      ['--kernel', 'chunked', '--contractive', '0.1'],
      /--kernel chunked: the chunked kernel has no contractive penalty/,
    ],
    [
      ['--kernel', 'layered', '--contractive', '0.1'],
      /--kernel layered: the layered kernel has no contractive penalty; use --kernel cooperative, general or auto/,
    ],
    [
      ['--kernel', 'tiled'],
      /--kernel must be one of auto, fused, cooperative, layered, chunked, general; got "tiled"/,
    ],
    [['--classes'], /--classes applies to the labels of a CSV file/],
    [['--url', '--with-weights', '--epochs', '0'], /--epochs must be a whole number from 1/],
    [['--with-weights'], /--with-weights goes with --url/],
    [
      ['--save', '/nonexistent/m.json'],
      /--save \/nonexistent\/m.json: the folder \/nonexistent does not exist/,
    ],
    [['--load', '/nonexistent.json'], /--load \/nonexistent.json: ENOENT/],
  ])('bad options %j: one line naming the option, exit 2', async (args, message) => {
    const r = await train(...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a diverging run stops, says at which step, and exits 3', async () => {
    const args = [
      '--dataset',
      'polynomial',
      '--samples',
      '500',
      '--arch',
      '1-16-16-1',
      '--activation',
      'relu',
    ];
    const bad = await train(...args, '--lr', '10', '--epochs', '3', '--json');
    expect(bad.code).toBe(3);
    const out = JSON.parse(bad.stdout);
    expect(out.diverged).toBe(true);
    expect(out.divergedAtStep).toBeGreaterThanOrEqual(0);
    // The step is that of the weights the run ends with: those of the last finite step.
    expect(out.step).toBe(out.divergedAtStep - 1);
    expect(bad.stderr).toMatch(/diverged: the loss became NaN or infinite at step \d+/);
  });
});

describe.skipIf(!gpu)('npm run train --csv', () => {
  const points = (label: (i: number) => string | number, n = 60): string =>
    [
      'x,y,label',
      ...Array.from({ length: n }, (_, i) => `${Math.cos(i)},${Math.sin(i * 1.7)},${label(i)}`),
    ].join('\n');

  it('refuses --dataset, dataset parameters and --url with a CSV file', async () => {
    const csv = file(
      'two.csv',
      points((i) => i % 2),
    );
    for (const [extra, message] of [
      [['--dataset', 'moons'], /^error: --dataset cannot be used with --csv/],
      [['--samples', '100'], /^error: --samples cannot be used with --csv/],
      [['--url'], /^error: --url cannot be used with --csv: a link holds no points/],
    ] as const) {
      const r = await train('--csv', csv, ...extra);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('stops reading /dev/zero and a FIFO at the size limit', async () => {
    const zero = await train('--csv', '/dev/zero');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe(
      'error: --csv /dev/zero: the file is too large: it goes on past 20,971,520 bytes (20 MiB), and a CSV file may be at most 20,971,520 bytes (20 MiB)',
    );
    const fifo = join(dir, 'endless.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `yes 1,2,0 > '${fifo}'`], { stdio: 'ignore' });
    try {
      const r = await train('--csv', fifo);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/the file is too large: it goes on past 20,971,520 bytes/);
    } finally {
      writer.kill();
    }
  });

  it('reads a UTF-16 file with a byte-order mark, as the app does', async () => {
    const text = points((i) => (i % 2 ? 'b' : 'a'));
    const bytes = new Uint8Array(2 + 2 * text.length);
    const view = new DataView(bytes.buffer);
    view.setUint16(0, 0xfeff, true);
    for (let i = 0; i < text.length; i++) view.setUint16(2 + 2 * i, text.charCodeAt(i), true);
    const r = await train('--csv', file('utf16.csv', bytes), '--epochs', '1', '--json', '--quiet');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).dataset).toBe('csv');
  });

  it('whole-number labels of 16 or more: says they became regression and names --classes', async () => {
    const csv = file(
      'codes.csv',
      points((i) => [100, 200, 300][i % 3]),
    );
    const r = await train('--csv', csv, '--arch', '2-4-3', '--loss', 'ce');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: --csv: the label 100 on line 2 is not a class index (0 to 15), so the labels were read as ` +
        'regression targets; regression needs the mse loss; pass --classes to read the labels as classes, or train with --loss mse',
    );
    const ok = await train(
      '--csv',
      csv,
      '--classes',
      '--arch',
      '2-4-3',
      '--loss',
      'ce',
      '--epochs',
      '1',
      '--json',
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).train.accuracy).not.toBeNull();
  });
});

describe.skipIf(!gpu)('npm run train --save / --load / --url --with-weights', () => {
  it('save then load with --epochs 0 gives the same test loss; the file is the documented model', async () => {
    const path = join(dir, 'moons.json');
    writeFileSync(path, 'an older file, replaced whole');
    const args = [...MOONS, '--optimizer', 'adam', '--lr', '0.05', '--epochs', '5', '--seed', '7'];
    const trained = await train(...args, '--save', path, '--json', '--url', '--with-weights');
    expect(trained.code).toBe(0);
    const first = JSON.parse(trained.stdout);
    expect(first.saved).toBe(path);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const model = importModel(readFileSync(path, 'utf8'));
    expect(model.experiment).toMatchObject({ dataset: 'moons', seed: 7, optimizer: 'adam', epochs: 5 });
    expect(model.optimizerState!.step).toBe(first.steps);
    expect(model.optimizerState!.moments.some((m) => m !== 0)).toBe(true);
    // The link carries exactly the saved weights.
    const link = await parseExperimentQuery(first.url);
    expect(link.weights).toEqual(model.params);
    expect(link.experiment).toEqual(model.experiment);

    const again = await train('--load', path, '--epochs', '0', '--json', '--quiet');
    expect(again.code).toBe(0);
    const evaluated = JSON.parse(again.stdout);
    expect(evaluated.steps).toBe(0);
    expect(evaluated.step).toBe(first.step);
    expect(evaluated.test.loss).toBe(first.test.loss);
    expect(evaluated.test.accuracy).toBe(first.test.accuracy);

    // Training on continues from the saved step; flags change the training, not the network.
    const more = await train('--load', path, '--epochs', '1', '--lr', '0.01', '--json', '--quiet');
    expect(more.code).toBe(0);
    const cont = JSON.parse(more.stdout);
    expect(cont.step).toBe(first.step + cont.steps);
    expect(cont.learningRate).toBe(0.01);
    expect(cont.arch).toBe('2-8-1');
  });

  it('evaluates a model with weights no seed produces as the twin does', async () => {
    const spec = buildSpec([2, 5, 4, 3], 'leaky_relu,softplus,softmax', 'ce', { slope: 0.2 });
    const params = Float32Array.from({ length: paramLayout(spec).count }, (_, i) => Math.sin(i * 2.3) * 1.7);
    const exp = {
      dataset: 'blobs',
      params: { classes: 3, samples: 300 },
      arch: [2, 5, 4, 3],
      activation: 'leaky_relu,softplus,softmax',
      loss: 'ce' as const,
      optimizer: 'rmsprop' as const,
      learningRate: 0.01,
      batchSize: 16,
      epochs: 3,
      testSplit: 0.25,
      seed: 11,
      l1: 0,
      l2: 0,
      slope: 0.2,
    };
    const path = file('odd.json', exportModel(spec, params, exp));
    const r = await train('--load', path, '--epochs', '0', '--json', '--quiet');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const { train: trainSet, test } = splitDataset(makeDataset('blobs', exp.params, 11), 0.25, 11);
    const twinTrain = evaluate(spec, params, trainSet, true);
    const twinTest = evaluate(spec, params, test, true);
    expect(out.train.loss).toBeCloseTo(twinTrain.loss, 5);
    expect(out.test.loss).toBeCloseTo(twinTest.loss, 5);
    expect(out.train.accuracy).toBeCloseTo(twinTrain.accuracy!, 6);
    expect(out.test.accuracy).toBeCloseTo(twinTest.accuracy!, 6);
    expect(out.kernel).toBe('fused');
  });

  it('--load refuses flags that change the network, and a CSV-trained model without its file', async () => {
    const spec = buildSpec([2, 3, 1], 'tanh', 'bce');
    const params = new Float32Array(paramLayout(spec).count).fill(0.25);
    const path = file('net.json', exportModel(spec, params));
    for (const flag of ['--arch', '--activation', '--loss', '--slope', '--preset']) {
      const r = await train('--load', path, flag, '1');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`^error: ${flag} cannot be used with --load: the model file fixes`),
      );
    }
    const csvModel = exportModel(spec, params, {
      ...importModel(readFileSync(join(dir, 'moons.json'), 'utf8')).experiment!,
      dataset: 'csv',
      params: {},
      arch: [2, 3, 1],
    });
    const r = await train('--load', file('csv-net.json', csvModel), '--epochs', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the model was trained on a CSV file: give its points with --csv FILE/);
  });
});

describe.skipIf(!gpu)('npm run experiment', () => {
  it('--list takes no other options', async () => {
    const r = await experiment('--list', '--seeds', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --list takes no other options; got --seeds');
    expect((await experiment('--list')).stdout).toMatch(/^blobs-3-classes|rings-1-unit-collapses/m);
  });

  it('exits 3 when every seed diverges, and says so', async () => {
    const r = await experiment(
      ...[
        '--preset',
        'poly-1-6-1-fits',
        '--seeds',
        '2',
        '--arch',
        '1-16-16-1',
        '--activation',
        'relu',
        '--lr',
        '10',
        '--epochs',
        '3',
        '--samples',
        '500',
      ],
      // plain SGD at this rate overflows; the preset's Adam only wanders
      ...['--optimizer', 'sgd', '--json'],
    );
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out.diverged).toBe(2);
    expect(r.stderr).toMatch(/every run diverged \(seed 1, seed 2\)/);
  });

  it('one rule for some and all: any diverged run gives 3', () => {
    const runs = (...d: boolean[]) => d.map((diverged, i) => ({ label: `seed ${i + 1}`, diverged }));
    expect(divergenceVerdict(runs(false, false))).toEqual({ exitCode: 0, message: null });
    expect(divergenceVerdict(runs(false, true, false))).toEqual({
      exitCode: 3,
      message: '1 of 3 runs diverged (seed 2): the loss became NaN or infinite',
    });
    expect(divergenceVerdict(runs(true, true)).exitCode).toBe(3);
    expect(divergenceVerdict([])).toEqual({ exitCode: 0, message: null });
  });
});

describe('npm run wgsl', () => {
  it('--regression with a loss other than mse is refused as train refuses it', () => {
    expect(() => wgslFromArgs(['--arch', '2-3-1', '--regression', '--loss', 'bce'])).toThrow(
      /^--regression needs --loss mse .*; got --loss bce$/,
    );
    expect(() => wgslFromArgs(['--arch', '2-x-1'])).toThrow(/size 2 is empty/);
    expect(wgslFromArgs(['--arch', '2-3-1', '--regression']).code).toContain('fn');
  });
});
