/**
 * `npm run train -- --contractive W` trains with the penalty on the hidden layers' Jacobians: the weight
 * reaches the kernels (the trained network is less stretched at the data than the same run without it),
 * and a bad weight is one line and exit 2.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/cliIo';
import { runTrain } from '../src/cli/trainCommand';
import { makeDataset } from '../src/data/registry';
import { meanJacobianNormSq } from '../src/engine/twin';
import { importModel } from '../src/share/modelImport';
import { openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();
const dir = mkdtempSync(join(tmpdir(), 'detangle-contractive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function train(...args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const io: CliIo = {
    out: () => {},
    err: (t) => void err.push(t),
    openGpu: async () => ({ device: gpu!.device, adapterName: gpu!.adapterName, close() {} }),
  };
  return { code: await runTrain(args, io), err: err.join('\n') };
}

const RUN = ['--dataset', 'rings', '--samples', '600', '--arch', '2-3-2-1', '--optimizer', 'adam'];
const RUN_LR = ['--lr', '0.01', '--epochs', '40', '--seed', '3', '--json'];

describe.skipIf(!gpu)('train --contractive', () => {
  it('trains a network less stretched at the data than the same run without the penalty', async () => {
    const plain = join(dir, 'plain.json');
    const penalised = join(dir, 'penalised.json');
    expect((await train(...RUN, ...RUN_LR, '--save', plain)).code).toBe(0);
    expect((await train(...RUN, ...RUN_LR, '--contractive', '0.003', '--save', penalised)).code).toBe(0);
    const data = makeDataset('rings', { samples: 600 }, 3);
    const stretch = (path: string) => {
      const m = importModel(readFileSync(path, 'utf8'));
      return meanJacobianNormSq(m.spec, m.params, data);
    };
    const [a, b] = [stretch(plain), stretch(penalised)];
    expect(b).toBeLessThan(0.95 * a);
  });

  it('refuses a negative, too large or non-numeric weight with one line and exit 2', async () => {
    for (const bad of ['-0.1', '11', 'lots', '']) {
      const r = await train(...RUN, '--epochs', '1', '--contractive', bad);
      expect(r.code, bad).toBe(2);
      expect(r.err.split('\n'), bad).toHaveLength(1);
      expect(r.err, bad).toMatch(/contractive/);
    }
  });
});
