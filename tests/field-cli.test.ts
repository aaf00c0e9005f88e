/**
 * Vector-field layers through the CLI, in this process on the shared test GPU: train saves a model file
 * that loads and trains on (and makes a link), the sweep runs such a network member by member on the
 * general path with the same figures `train` gives each member, and what cannot be is refused in a line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweepCommand } from '../src/cli/sweepCommand';
import { runTrain } from '../src/cli/trainCommand';
import { paramLayout } from '../src/engine/spec';
import { importModel } from '../src/share/modelImport';
import { parseExperimentQuery } from '../src/share/url';
import { captureIo, type Ran } from './helpers/cli';
import { openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();
const dir = mkdtempSync(join(tmpdir(), 'detangle-field-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function train(...args: string[]): Promise<Ran> {
  const c = captureIo(gpu);
  const code = await runTrain(args, c.io);
  return { code, stdout: c.out.join('\n'), stderr: c.err.join('\n') };
}

const NET = [
  '--dataset',
  'spiral',
  '--samples',
  '200',
  '--loss',
  'bce',
  '--optimizer',
  'adam',
  '--lr',
  '0.03',
];

describe.skipIf(!gpu)('vector-field layers from the CLI', () => {
  it('train --arch 2-vf8-3-1 saves a version 3 model that loads, trains on and makes a link', async () => {
    const path = join(dir, 'vf.json');
    const first = await train(...NET, '--arch', '2-vf8-3-1', '--epochs', '2', '--save', path, '--json');
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result.kernel).toBe('general');
    expect(result.arch).toBe('2-vf8-3-1');
    const model = importModel(readFileSync(path, 'utf8'));
    expect(model.spec.layers[0].field).toEqual({ anchors: 8 });
    const on = await train('--load', path, '--epochs', '1', '--url', '--with-weights', '--quiet');
    expect(on.code, on.stderr).toBe(0);
    const link = on.stdout.split('\n').find((l) => l.includes('#dataset='))!;
    const shared = await parseExperimentQuery(link);
    expect(shared.experiment.fields).toEqual([8, 0, 0]);
    expect(shared.weights!.length).toBe(model.params.length);
  });

  it('--learn-centres moves the anchors, writes lc=1 in the link and the flag in the model file', async () => {
    const path = join(dir, 'lc.json');
    const args = [...NET, '--arch', '2-vf8-1', '--epochs', '2', '--learn-centres', '--save', path];
    const ran = await train(...args, '--url', '--with-weights', '--quiet');
    expect(ran.code, ran.stderr).toBe(0);
    const model = importModel(readFileSync(path, 'utf8'));
    expect(model.spec.layers[0].field).toEqual({ anchors: 8, learnCentres: true });
    const shared = await parseExperimentQuery(ran.stdout.split('\n').find((l) => l.includes('#dataset='))!);
    expect(shared.experiment.learnCentres).toBe(true);
    expect(shared.spec.layers[0].field?.learnCentres).toBe(true);
    // The anchors moved from where they were placed (σ, not trained, did not).
    const fixed = await train(
      ...NET,
      '--arch',
      '2-vf8-1',
      '--epochs',
      '2',
      '--save',
      join(dir, 'fixed.json'),
    );
    expect(fixed.code, fixed.stderr).toBe(0);
    const still = importModel(readFileSync(join(dir, 'fixed.json'), 'utf8'));
    const f = paramLayout(model.spec).field[0]!;
    const moved = model.params.subarray(f.centres, f.sigma);
    expect(moved).not.toEqual(still.params.subarray(f.centres, f.sigma));
    expect(model.params[f.sigma]).toBe(still.params[f.sigma]);
    const none = await train(...NET, '--arch', '2-3-1', '--learn-centres', '--epochs', '1');
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/learned centres need a vector-field layer/);
  });

  it('refuses a kernel that takes dense layers only, and the contractive penalty, in one line', async () => {
    const pinned = await train(...NET, '--arch', '2-vf8-1', '--kernel', 'layered', '--epochs', '1');
    expect(pinned.code).toBe(2);
    expect(pinned.stderr).toMatch(
      /^error: .*layered kernel trains dense layers only; layer 1 is a vector-field layer/,
    );
    const penalty = await train(...NET, '--arch', '2-vf8-1', '--contractive', '0.1', '--epochs', '1');
    expect(penalty.code).not.toBe(0);
    expect(penalty.stderr).toMatch(/contractive penalty is for dense layers only/);
    expect(penalty.stderr.split('\n')).toHaveLength(1);
  });

  it('the sweep runs member by member; each member is what train gives for its seed', async () => {
    const c = captureIo(gpu);
    const args = [
      '--preset',
      'spiral-slight-4-layers',
      '--arch',
      '2-3-vf4-1',
      '--widths',
      '2,3',
      '--seeds',
      '2',
    ];
    const code = await runSweepCommand(
      [...args, '--epochs', '6', '--lr', '0.3', '--samples', '200', '--json'],
      c.io,
    );
    expect(code, c.err.join('\n')).toBe(0);
    const sweep = JSON.parse(c.out.join('\n'));
    expect(sweep.rows.map((r: { arch: string }) => r.arch)).toEqual(['2-2-vf4-1', '2-3-vf4-1']);
    const accuracy = sweep.rows[0].testAccuracy[1];
    const alone = await train(
      '--preset',
      'spiral-slight-4-layers',
      '--arch',
      '2-2-vf4-1',
      '--epochs',
      '6',
      '--lr',
      '0.3',
      '--samples',
      '200',
      '--seed',
      '2',
      '--data-seed',
      String(sweep.dataSeed),
      '--json',
    );
    expect(alone.code, alone.stderr).toBe(0);
    expect(JSON.parse(alone.stdout).test.accuracy).toBe(accuracy);
  });
});
