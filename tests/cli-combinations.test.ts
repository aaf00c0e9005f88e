/**
 * `npm run train` with its flags combined: pairwise over --load (none, a file of the same optimiser, of
 * another one, a file with its history), --save (none, plain, --with-history), --optimizer (each with a
 * learning rate no default has), --kernel, --contractive, the network's widths and a run ending on a
 * kept step of the history or off one. Tiny runs (80 training points in batches of 16: 5 steps an epoch),
 * in this process, on the one test GPU.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTrain } from '../src/cli/trainCommand';
import { paramLayout } from '../src/engine/spec';
import { History } from '../src/history/history';
import type { ImportedModel } from '../src/share/modelFormat';
import { importModel } from '../src/share/modelImport';
import { captureIo, type Ran } from './helpers/cli';
import { openTestGpu } from './helpers/gpu';
import { missingPair, pairwise } from './helpers/pairwise';

const gpu = await openTestGpu();
const dir = mkdtempSync(join(tmpdir(), 'detangle-combos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function train(...args: string[]): Promise<Ran> {
  const c = captureIo(gpu);
  const code = await runTrain(args, c.io);
  return { code, stdout: c.out.join('\n'), stderr: c.err.join('\n') };
}

function bits(a: Float32Array | null | undefined): string {
  return a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex') : 'null';
}

const FACTORS = {
  load: ['none', 'same', 'other', 'history'],
  save: ['none', 'save', 'history'],
  optimizer: ['sgd', 'momentum', 'rmsprop', 'adam'],
  kernel: ['auto', 'cooperative', 'general', 'layered'],
  contractive: [0, 0.01],
  arch: ['2-3-2-1', '2-8-8-1', '2-5-3-2'],
  end: ['on', 'off'],
} as const;
const CASES = pairwise(FACTORS);
const LR: Record<string, string> = { sgd: '0.2', momentum: '0.05', rmsprop: '0.004', adam: '0.02' };
const OPTIMIZERS = FACTORS.optimizer;
const STEPS_PER_EPOCH = 5;
/** Every step up to 512 is kept (300 is), beyond it only even steps (525 is not). */
const EPOCHS = { on: 60, off: 105 };
/** A loaded file was trained this far (a kept step); the run goes on to the same end. */
const LOADED_EPOCHS = 52;

const base = (arch: string): string[] => [
  ...['--dataset', 'rings', '--samples', '100', '--batch', '16', '--seed', '3', '--arch', arch],
];

function load(path: string): ImportedModel {
  return importModel(readFileSync(path, 'utf8'));
}

describe('the pairwise cases', () => {
  it('meet every pair of flag values', () => {
    expect(missingPair(FACTORS, CASES)).toBeNull();
    expect(CASES.length).toBeLessThanOrEqual(24);
  });
});

describe.skipIf(!gpu)('npm run train, flags combined', () => {
  it.each(CASES.map((c, i) => ({ ...c, i })))(
    'case $i: --load $load, --save $save, $optimizer, $kernel kernel, contractive $contractive, $arch, ends $end a kept step',
    async (c) => {
      const total = EPOCHS[c.end] * STEPS_PER_EPOCH;
      const training = (optimizer: string): string[] => [
        ...['--optimizer', optimizer, '--lr', LR[optimizer], '--kernel', c.kernel],
        ...(c.contractive > 0 ? ['--contractive', String(c.contractive)] : []),
      ];
      // The file loaded: trained by the same flags, or with the next optimiser for 'other'.
      let loaded: { path: string; model: ImportedModel } | null = null;
      if (c.load !== 'none') {
        const path = join(dir, `loaded${c.i}.json`);
        const optimizer =
          c.load === 'other' ? OPTIMIZERS[(OPTIMIZERS.indexOf(c.optimizer) + 1) % 4] : c.optimizer;
        const made = await train(
          ...base(c.arch),
          ...training(optimizer),
          ...['--epochs', String(LOADED_EPOCHS), '--save', path, '--quiet'],
          ...(c.load === 'history' ? ['--with-history'] : []),
        );
        if (c.kernel === 'layered' && c.contractive > 0) {
          expect(made.code).toBe(2);
        } else {
          expect(made.code, made.stderr).toBe(0);
          loaded = { path, model: load(path) };
        }
      }
      const savePath = join(dir, `saved${c.i}.json`);
      const args = [
        ...(loaded ? ['--load', loaded.path] : base(c.arch)),
        ...training(c.optimizer),
        ...['--epochs', String(loaded ? EPOCHS[c.end] - LOADED_EPOCHS : EPOCHS[c.end]), '--json'],
        ...(c.save !== 'none' ? ['--save', savePath] : []),
        ...(c.save === 'history' ? ['--with-history'] : []),
      ];
      const r = await train(...args);
      if (c.kernel === 'layered' && c.contractive > 0) {
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^error: --kernel layered: the layered kernel has no contractive penalty/);
        return;
      }
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.step).toBe(total);
      expect(summary.steps).toBe(loaded ? total - LOADED_EPOCHS * STEPS_PER_EPOCH : total);
      expect(summary.optimizer).toBe(c.optimizer);
      // Another optimiser's moments are not taken over, and the run says so.
      const fresh = /saved with (\w+); (\w+) goes on from its weights and step with fresh moments/.exec(
        r.stderr,
      );
      if (c.load === 'other') {
        expect(fresh?.slice(1)).toEqual([loaded!.model.experiment!.optimizer, c.optimizer]);
        // Fresh: the run is that from the same file with this optimiser and zero moments.
        const file = JSON.parse(readFileSync(loaded!.path, 'utf8'));
        file.experiment.optimizer = c.optimizer;
        file.optimizerState.moments = file.optimizerState.moments.map(() => 0);
        const zeroed = join(dir, `zeroed${c.i}.json`);
        writeFileSync(zeroed, JSON.stringify(file));
        const z = await train(
          ...args
            .map((a) => (a === loaded!.path ? zeroed : a))
            .filter((a) => a !== '--with-history' && a !== savePath && a !== '--save'),
        );
        expect(z.code, z.stderr).toBe(0);
        const zs = JSON.parse(z.stdout);
        expect([summary.train.loss, summary.test.loss], 'losses of the run with fresh moments').toEqual([
          zs.train.loss,
          zs.test.loss,
        ]);
      } else {
        expect(fresh).toBeNull();
      }
      if (c.save === 'none') return;

      const model = load(savePath);
      const P = paramLayout(model.spec).count;
      expect(model.spec.layers.map((l) => l.units).join('-')).toBe(c.arch.slice(2));
      expect(model.optimizerState!.step).toBe(total);
      expect(model.experiment!.optimizer).toBe(c.optimizer);
      if (c.load === 'same' || c.load === 'history') {
        // Going on from a file with the same optimiser is the run that never stopped, bit for bit.
        const whole = join(dir, `whole${c.i}.json`);
        const w = await train(
          ...base(c.arch),
          ...training(c.optimizer),
          ...['--epochs', String(EPOCHS[c.end]), '--save', whole, '--quiet'],
        );
        expect(w.code, w.stderr).toBe(0);
        expect(bits(model.params), 'weights of the run gone on from the file').toBe(bits(load(whole).params));
      }
      if (c.save !== 'history') {
        expect(model.history).toBeUndefined();
        return;
      }
      const history = model.history!;
      const steps = history.map((m) => m.step);
      for (let i = 1; i < steps.length; i++) expect(steps[i], 'steps increase').toBeGreaterThan(steps[i - 1]);
      // Every layer's weights and the optimiser moments at each moment.
      for (const m of history) {
        expect(m.params.length).toBe(P);
        expect(m.moments?.length).toBe(2 * P);
      }
      expect(summary.historyMoments).toBe(history.length);
      const lastMoment = history[history.length - 1];
      if (c.end === 'on') {
        expect(lastMoment.step, 'the end is a kept step').toBe(total);
        expect(bits(lastMoment.params)).toBe(bits(model.params));
        expect(bits(lastMoment.moments)).toBe(bits(model.optimizerState!.moments));
      } else {
        expect(lastMoment.step).toBeLessThan(total);
        expect(new History().nextKept(lastMoment.step)).toBeGreaterThan(total);
      }
      const from = LOADED_EPOCHS * STEPS_PER_EPOCH;
      if (c.load === 'history') {
        // The loaded moments, as they were, then the new ones after the loaded step.
        const before = loaded!.model.history!;
        expect(before.at(-1)!.step).toBe(from);
        expect(steps.slice(0, before.length)).toEqual(before.map((m) => m.step));
        expect(history.slice(0, before.length).map((m) => bits(m.params))).toEqual(
          before.map((m) => bits(m.params)),
        );
        expect(steps[before.length]).toBe(from + 1);
      } else if (c.load !== 'none') {
        // The loaded step is the first moment: the state the file holds.
        expect(steps[0]).toBe(from);
        expect(bits(history[0].params)).toBe(bits(loaded!.model.params));
        expect(steps[1]).toBe(from + 1);
      } else {
        expect(steps.slice(0, 3)).toEqual([0, 1, 2]);
      }
      expect(new Set(steps).size).toBe(steps.length);
    },
  );
});
