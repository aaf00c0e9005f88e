/**
 * `npm run train -- ... --save FILE --with-history`: the model file carries the history kept by the app's
 * rule on the CLI's own run; recording it changes nothing in the training (the final state is bit for bit
 * that of a run without it), and each kept moment holds exactly the state of a run stopped at its step.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { History } from '../src/history/history';
import type { CliIo } from '../src/cli/cliIo';
import { runTrain } from '../src/cli/trainCommand';
import { importModel } from '../src/share/modelImport';
import { openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();
const dir = mkdtempSync(join(tmpdir(), 'detangle-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function train(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    openGpu: async () => ({ device: gpu!.device, adapterName: gpu!.adapterName, close() {} }),
  };
  const code = await runTrain(args, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function bits(a: Float32Array | null | undefined): string {
  return a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex') : 'null';
}

// 640 training points in batches of 32: 20 steps an epoch. Adam with β₁ left at its default but a learning
// rate no default has; momentum-like moments differ at every step.
const RUN = ['--dataset', 'rings', '--samples', '800', '--arch', '2-3-2-1', '--optimizer', 'adam'];
const TRAIN = [...RUN, '--lr', '0.03', '--batch', '32', '--seed', '11', '--json', '--quiet'];

describe('--with-history', () => {
  it('needs --save', async () => {
    const r = await train(...RUN, '--with-history');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: --with-history goes with --save: it writes the training history into the model file',
    );
  });

  it.skipIf(!gpu)('writes the history of the run, each moment the state of a run stopped there', async () => {
    const withPath = join(dir, 'with.json');
    const r = await train(...TRAIN, '--epochs', '40', '--save', withPath, '--with-history');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.steps).toBe(800);
    const model = importModel(readFileSync(withPath, 'utf8'));
    const history = model.history!;
    expect(summary.historyMoments).toBe(history.length);
    // The app's rule: every step up to 256, then the level-0 grid (nothing thinned in 800 steps).
    const rule = new History();
    const want: number[] = [];
    for (let s = 0; s <= 800; s = rule.nextKept(s)) want.push(s);
    expect(history.map((m) => m.step)).toEqual(want);
    expect(history[0].trainLoss).toBeGreaterThan(history[history.length - 1].trainLoss!);
    const last = history[history.length - 1];
    expect(last.epoch).toBe(Math.floor(last.step / 20));
    expect(history.every((m) => m.moments !== null)).toBe(true);

    // The same run without the history ends in the same state, bit for bit.
    const plainPath = join(dir, 'plain.json');
    expect((await train(...TRAIN, '--epochs', '40', '--save', plainPath)).code).toBe(0);
    const plain = importModel(readFileSync(plainPath, 'utf8'));
    expect(bits(model.params)).toBe(bits(plain.params));
    expect(bits(model.optimizerState!.moments)).toBe(bits(plain.optimizerState!.moments));

    // Runs stopped at kept steps (epoch ends: 3 epochs in the dense start, 21 beyond it) hold the moments.
    for (const epochs of [3, 21]) {
      const path = join(dir, `stop${epochs}.json`);
      expect((await train(...TRAIN, '--epochs', String(epochs), '--save', path)).code).toBe(0);
      const stopped = importModel(readFileSync(path, 'utf8'));
      const moment = history.find((m) => m.step === epochs * 20)!;
      expect(moment, `step ${epochs * 20} kept`).toBeDefined();
      expect(bits(moment.params), `weights at step ${moment.step}`).toBe(bits(stopped.params));
      expect(bits(moment.moments), `moments at step ${moment.step}`).toBe(
        bits(stopped.optimizerState!.moments),
      );
      expect(moment.epoch).toBe(epochs);
    }
  });
});
