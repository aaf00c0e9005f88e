/**
 * `npm run train -- ... --save FILE --with-history`: the model file carries the history kept by the app's
 * rule on the CLI's own run; recording it changes nothing in the training (the final state is bit for bit
 * that of a run without it), and each kept moment holds exactly the state of a run stopped at its step.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { History, type HistoryEntry } from '../src/history/history';
import type { CliIo } from '../src/cli/cliIo';
import { measuredSteps, plannedSteps, runWithHistory } from '../src/cli/historyRun';
import { runTrain } from '../src/cli/trainCommand';
import { DEFAULT_EXPERIMENT, type Experiment } from '../src/experiment/experiment';
import { startRun } from '../src/experiment/run';
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
    // Figures where the run measures them: at each epoch's end (every 20 steps), and at a moment 20 or more
    // steps after the latest measured (none here: every epoch's end is kept); none between.
    const measured = history.filter((m) => m.trainLoss !== null);
    expect(measured.map((m) => m.step)).toEqual(want.filter((step) => step % 20 === 0));
    expect(history.filter((m) => m.step % 20 !== 0).every((m) => m.testAccuracy === null)).toBe(true);
    expect(measured[0].trainLoss).toBeGreaterThan(measured.at(-1)!.trainLoss!);
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

/** A tiny run: 80 training points in batches of 16, 5 steps an epoch; Adam, so the moments change at every step. */
function tinyRun(epochs: number): Experiment {
  return {
    ...structuredClone(DEFAULT_EXPERIMENT),
    params: { samples: 100 },
    optimizer: 'adam',
    learningRate: 0.03,
    batchSize: 16,
    seed: 5,
    epochs,
  };
}

/**
 * The reference, read the slow way: training stops at every kept step, the state and the figures there are
 * read back (one round trip each) before it goes on. (`expected` then keeps the figures where the run
 * measures them.)
 */
async function slowHistory(device: GPUDevice, exp: Experiment): Promise<History> {
  const { engine, first, perEpoch } = await startRun(device, exp, {});
  const history = new History();
  try {
    let step = first;
    const keep = async (): Promise<void> => {
      const s = await engine.stats();
      const state = await engine.readState();
      expect(state.step).toBe(step);
      history.record({
        step,
        params: state.params,
        moments: state.moments,
        statsStep: s.step,
        epoch: s.epoch,
        trainLoss: s.train.loss,
        testLoss: s.test?.loss ?? null,
        trainAccuracy: s.train.accuracy,
        testAccuracy: s.test?.accuracy ?? null,
      });
    };
    const last = first + exp.epochs * perEpoch;
    while (step < last) {
      if (history.wants(step)) await keep();
      const k = Math.min(last - step, history.nextKept(step) - step);
      engine.train(k);
      step += k;
    }
    if (history.wants(step)) await keep();
    return history;
  } finally {
    engine.dispose();
  }
}

/**
 * What a run with history holds at the reference's moments: figures only at the steps it measures (the
 * first moment, each epoch's end, and one an epoch or more after the latest measured: 5 steps an epoch here).
 */
function expected(entries: readonly HistoryEntry[]): HistoryEntry[] {
  const measured = measuredSteps(
    entries.map((e) => e.step),
    0,
    5,
  );
  return entries.map((e) =>
    measured.has(e.step)
      ? e
      : { ...e, statsStep: null, trainLoss: null, testLoss: null, trainAccuracy: null, testAccuracy: null },
  );
}

/** The moments in one comparable text each: step, figures, weights and moments bit for bit. */
function moments(entries: readonly { step: number; params: Float32Array; moments: Float32Array | null }[]) {
  return entries.map((e) => {
    const f = e as unknown as Record<string, unknown>;
    const figures = ['epoch', 'trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy'].map((k) => f[k]);
    return `${e.step} ${JSON.stringify(figures)} ${bits(e.params)} ${bits(e.moments)}`;
  });
}

describe('the history read through the staging ring', () => {
  it('plans the steps the history holds at the end, from the start step, thinned as the file is', () => {
    const all = plannedSteps(0, 600);
    const rule = new History();
    const want: number[] = [];
    for (let s = 0; s <= 600; s = rule.nextKept(s)) want.push(s);
    expect(all).toEqual(want);
    expect(plannedSteps(0, 601).at(-1)).toBe(600);
    // Going on from step 300 of a history held to step 300: only what comes after, on the grid the held
    // history is at (adopting it picks the coarsest level its steps lie on, as the app does).
    const held = new History();
    held.adopt([{ ...moment(300), statsStep: null }]);
    const after = plannedSteps(300, 600, [moment(300)]);
    expect(after[0]).toBeGreaterThan(300);
    expect(after).toEqual(want.filter((s) => s > 300 && held.isKept(s)));
    // Going on from step 200 of a file whose history ran further: the moments after 200 are replaced,
    // from step 200 itself on.
    expect(plannedSteps(200, 600, [moment(100), moment(250)])).toEqual(want.filter((s) => s >= 200));
    const thin = plannedSteps(0, 600, undefined, 30);
    expect(thin.length).toBeLessThanOrEqual(30);
    expect(thin.length).toBeGreaterThan(20);
    expect(thin.every((s) => all.includes(s))).toBe(true);
  });

  it('measures the first moment, each epoch end, and a moment an epoch or more after the latest measured', () => {
    // Epochs of 10 steps from step 3: ends at 13, 23, 33 ...
    const steps = [3, 4, 8, 12, 13, 16, 22, 24, 26, 32, 33, 40, 42, 43, 44];
    expect([...measuredSteps(steps, 3, 10)]).toEqual([3, 13, 24, 33, 43]);
    // A whole epoch after the latest measured is measured (23); a step less is not (22).
    expect([...measuredSteps([0, 3, 13, 22, 23], 0, 10)]).toEqual([0, 13, 23]);
    expect([...measuredSteps([0, 5, 10], 1, 10)]).toEqual([0, 10]);
    expect([...measuredSteps([0, 5, 9], 1, 10)]).toEqual([0]);
  });

  it.skipIf(!gpu)(
    'keeps exactly the moments and figures read the slow way, on and off a kept step',
    async () => {
      // 525 steps: beyond step 512 only even steps are kept, so the run ends off a kept step.
      const reference = await slowHistory(gpu!.device, tinyRun(105));
      expect(reference.last!.step).toBe(524);
      const off = await runWithHistory(gpu!.device, tinyRun(105));
      expect(moments(off.history.entries)).toEqual(moments(expected(reference.entries)));
      // Figures about once an epoch (5 steps) beyond the dense start; none between.
      const measured = off.history.entries.filter((e) => e.trainLoss !== null).length;
      expect(measured).toBeGreaterThan(100);
      expect(measured).toBeLessThan(off.history.length / 2);
      // 520 steps, a kept step, thinned to 30 moments as a model file is: the same steps as the reference
      // history of those 520 steps thinned so, the last once.
      const upTo520 = new History();
      for (const e of reference.entries) if (e.step <= 520) upTo520.record(e);
      const on = await runWithHistory(gpu!.device, tinyRun(104));
      expect(on.history.entries.filter((e) => e.step === 520)).toHaveLength(1);
      expect(moments(on.history.entries)).toEqual(moments(expected(upTo520.entries)));
      const thin = await runWithHistory(gpu!.device, tinyRun(104), { keep: 30 });
      expect(moments(thin.history.entries)).toEqual(moments(expected(upTo520.thinnedTo(30).entries)));
      // Thinned to 30 moments over 104 epochs: each is more than an epoch from the one before, so all carry
      // their own figures.
      expect(thin.history.entries.every((e) => e.trainLoss !== null)).toBe(true);
      expect(thin.history.thinnedTo(30).entries).toHaveLength(thin.history.length);
    },
  );
});

describe.skipIf(!gpu)('--with-history on a run that diverges', () => {
  it('stops at the same step as without, saves nothing and exits 3', async () => {
    const args = [
      ...['--dataset', 'polynomial', '--samples', '500', '--arch', '1-16-16-1', '--activation', 'relu'],
      ...['--lr', '10', '--epochs', '3', '--json', '--quiet'],
    ];
    const path = join(dir, 'diverged.json');
    const plain = await train(...args);
    const r = await train(...args, '--save', path, '--with-history');
    expect(r.code, r.stderr).toBe(3);
    expect(JSON.parse(r.stdout).divergedAtStep).toBe(JSON.parse(plain.stdout).divergedAtStep);
    expect(r.stderr).toMatch(/--save .*: not written, the weights are not finite/);
    expect(() => readFileSync(path)).toThrow();
  });
});

function moment(step: number) {
  return {
    step,
    epoch: null,
    trainLoss: null,
    testLoss: null,
    trainAccuracy: null,
    testAccuracy: null,
    params: new Float32Array(1),
    moments: null,
  };
}
