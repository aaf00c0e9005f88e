/**
 * Feature inputs on the GPU: a featured network (its input widened to the coordinates and all six
 * features) trains as the twin does, and the grid transform of expanded vertices gives the twin's layers;
 * `npm run train --features` trains, refuses bad names with one clear line, and saves a model file that
 * carries the features and loads back. Tiny networks and data.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, type RuntimeHost } from '../src/app/runtime/runtime';
import { GpuTrainer } from '../src/app/runtime/trainer';
import { runSweepCommand } from '../src/cli/sweepCommand';
import { runTrain } from '../src/cli/trainCommand';
import { findPreset } from '../src/data/presets';
import { experimentFromPreset } from '../src/experiment/experiment';
import { runExperiment } from '../src/experiment/run';
import { engineConfig, networkSpec, settingsFromPreset } from '../src/state/settings';
import { FEATURES, expandDataset, expandPoints } from '../src/data/features';
import { Engine } from '../src/engine/engine';
import { GridTransform } from '../src/engine/grid';
import { buildSpec, defaultOptimizer } from '../src/engine/spec';
import { TwinTrainer, evaluate, initParams, transformPoints } from '../src/engine/twin';
import type { EngineConfig } from '../src/engine/types';
import { importModel } from '../src/share/modelImport';
import { captureIo, type Ran } from './helpers/cli';
import { rings } from './helpers/data';
import { gpuScope, openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();
const dir = mkdtempSync(join(tmpdir(), 'detangle-features-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function train(...args: string[]): Promise<Ran> {
  const c = captureIo(gpu);
  const code = await runTrain(args, c.io);
  return { code, stdout: c.out.join('\n'), stderr: c.err.join('\n') };
}

const ALL = [...FEATURES];

describe.skipIf(!gpu)('a featured network on the GPU', () => {
  it('trains as the twin does, and its grid layers are the twin’s on expanded vertices', async () => {
    const spec = buildSpec([2 + ALL.length, 4, 1], 'tanh', 'mse');
    const train = expandDataset(ALL, rings(120, 1));
    const test = expandDataset(ALL, rings(40, 2));
    const config: EngineConfig = {
      spec,
      optimizer: defaultOptimizer('adam', 0.02),
      train: { seed: 3, batchSize: 16 },
    };
    const twin = new TwinTrainer(config);
    twin.setData(train, test);
    twin.train(60);
    await gpuScope(gpu!.device, async () => {
      const engine = await Engine.create(gpu!.device, config);
      const grid = new GridTransform(engine, 30);
      try {
        engine.setData(train, test);
        engine.train(60);
        const params = await engine.readParams();
        for (let i = 0; i < params.length; i++) {
          expect(Math.abs(params[i] - twin.params[i]), `parameter ${i}`).toBeLessThan(
            1e-4 + 1e-3 * Math.abs(twin.params[i]),
          );
        }
        const stats = await engine.stats();
        expect(Math.abs(stats.test!.loss - twin.stats().test!.loss)).toBeLessThan(1e-4);
        // 25 vertices of the plane, expanded, through the network on the GPU and in the twin.
        const plane = new Float32Array(50).map((_, i) => ((i * 37) % 17) / 8 - 1);
        const pts = expandPoints(ALL, plane, 25);
        grid.setPoints(pts, 25);
        grid.run(25);
        const got = await grid.read();
        const want = transformPoints(spec, Float64Array.from(params), pts, 25);
        expect(grid.layout.width[0]).toBe(8);
        for (let r = 0; r < grid.layout.width.length; r++) {
          const n = 25 * grid.layout.width[r];
          for (let i = 0; i < n; i++) {
            const a = got[grid.layout.offset[r] + i];
            const b = want.data[want.layout.offset[r] + i];
            expect(Math.abs(a - b), `representation ${r}, value ${i}`).toBeLessThan(
              1e-5 + 1e-4 * Math.abs(b),
            );
          }
        }
      } finally {
        grid.dispose();
        engine.dispose();
      }
    });
    expect(initParams(spec, 3).length).toBe(twin.params.length);
  });
});

describe.skipIf(!gpu)('npm run train --features', () => {
  const RINGS = ['--dataset', 'rings', '--samples', '300', '--loss', 'bce', '--seed', '4'];

  it('trains r² with no hidden layer, saves the features in the model file, and loads it back', async () => {
    const path = join(dir, 'r2.json');
    const r = await train(
      ...RINGS,
      '--arch',
      '2-1',
      '--features',
      'r2',
      '--optimizer',
      'adam',
      '--lr',
      '0.1',
      '--epochs',
      '15',
      '--json',
      '--quiet',
      '--save',
      path,
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.arch).toBe('2-1');
    expect(summary.features).toBe('r2');
    expect(summary.test.accuracy).toBeGreaterThan(0.95);
    const model = importModel(readFileSync(path, 'utf8'));
    expect(model.spec.inputSize).toBe(3);
    expect(model.experiment?.features).toEqual(['r2']);
    expect(model.experiment?.arch).toEqual([2, 1]);
    const again = await train('--load', path, '--epochs', '0', '--json', '--quiet');
    expect(again.code, again.stderr).toBe(0);
    const back = JSON.parse(again.stdout);
    expect(back.features).toBe('r2');
    expect(back.test.loss).toBeCloseTo(summary.test.loss, 5);
    // The model file fixes the features as it fixes the layers.
    const fixed = await train('--load', path, '--features', 'x1sq', '--epochs', '0');
    expect(fixed.code).toBe(2);
    expect(fixed.stderr).toMatch(/--features cannot be used with --load/);
  });

  it.each([
    [
      ['--features', 'r2,x3sq'],
      /^error: --features: unknown feature "x3sq": features are x1sq, x2sq, x1x2, sinx1, sinx2, r2$/,
    ],
    [['--features', 'r2,r2'], /^error: --features: feature r2 is named twice$/],
    [
      ['--dataset', 'tori', '--arch', '3-1', '--features', 'r2'],
      /^error: features \(r2\) need 2-D data; this data has 3 inputs$/,
    ],
  ])('%j is refused with one line and exit 2', async (args, message) => {
    const r = await train(...args, '--epochs', '1', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
  });
});

describe.skipIf(!gpu)('the app and the command line on a featured preset', () => {
  it('train the same network on the same data to the same test loss (same seed)', async () => {
    const preset = findPreset('rings-squares-plane');
    const settings = { ...settingsFromPreset(preset), datasetParams: { samples: 400 } };
    const exp = { ...experimentFromPreset(preset), params: { samples: 400 }, epochs: 3 };
    // The app's own path: the runtime's data (expanded as the app expands it), its spec, its trainer.
    const host = { settings, bufferLimits: () => null, clamped: () => {} } as unknown as RuntimeHost;
    const data = new Runtime(host).loadData();
    const spec = networkSpec(settings, data.full);
    expect(spec.inputSize).toBe(4);
    expect(data.train.inputSize).toBe(4);
    const cli = await runExperiment(gpu!.device, exp, { keepState: true });
    expect(cli.spec).toEqual(spec);
    await gpuScope(gpu!.device, async () => {
      const trainer = await GpuTrainer.create(gpu!.device, engineConfig(settings, spec, data.train.y.length));
      try {
        trainer.setData(data.train, data.test);
        trainer.train(cli.steps);
        const app = await trainer.readNow();
        expect(app.step).toBe(cli.steps);
        const appLoss = evaluate(spec, app.params, data.test!, true).loss;
        expect(appLoss).toBeCloseTo(cli.final.test!.loss, 5);
        expect(Array.from(app.params)).toEqual(Array.from(cli.state!.params));
      } finally {
        trainer.dispose();
      }
    });
  });
});

describe.skipIf(!gpu)('npm run sweep --features', () => {
  it("sweeps a featured network; a member's seed reruns it with npm run train --features", async () => {
    const small = ['--preset', 'rings-2-units-fail', '--samples', '300', '--epochs', '3', '--features', 'r2'];
    const c = captureIo(gpu);
    expect(
      await runSweepCommand([...small, '--seeds', '2', '--widths', '1', '--data-seed', '2', '--json'], c.io),
    ).toBe(0);
    const summary = JSON.parse(c.out.join(''));
    expect(summary.features).toBe('r2');
    expect(summary.rows[0].arch).toBe('2-1-2-1');
    const r = await train(...small, '--arch', '2-1-2-1', '--seed', '2', '--json', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).test.accuracy).toBeCloseTo(summary.rows[0].testAccuracy[1], 10);
  });
});
