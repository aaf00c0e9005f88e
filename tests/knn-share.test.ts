/**
 * The k-NN output through links (`out=knn`), model files (`"output": {"kind": "knn", ...}`, version 3),
 * and the CLI's `--output knn` (on the shared test GPU); the app opens them (tests/knn-view.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { runSweepCommand } from '../src/cli/sweepCommand';
import { runTrain } from '../src/cli/trainCommand';
import { initParams } from '../src/engine/twin';
import type { Experiment } from '../src/experiment/experiment';
import { DEFAULT_EXPERIMENT, prepare } from '../src/experiment/experiment';
import { ShareError } from '../src/share/errors';
import { exportModel } from '../src/share/modelExport';
import { importModel } from '../src/share/modelImport';
import { experimentQuery, parseExperimentQuery } from '../src/share/url';
import { captureIo } from './helpers/cli';
import { openTestGpu } from './helpers/gpu';

const gpu = await openTestGpu();

const EXP: Experiment = {
  ...DEFAULT_EXPERIMENT,
  dataset: 'spiral',
  params: { samples: 200 },
  arch: [2, 6, 2],
  output: 'knn',
  loss: 'ce',
};

describe('the k-NN output in links and model files', () => {
  it('a link says out=knn and opens the same network', async () => {
    const q = experimentQuery(EXP);
    expect(q.get('out')).toBe('knn');
    const shared = await parseExperimentQuery(q.toString());
    expect(shared.spec.knn).toEqual({ k: 8, epsilon: 1e-3 });
    expect(shared.experiment.output).toBe('knn');
    expect(shared.spec.layers.map((l) => l.activation)).toEqual(['tanh', 'linear']);
    q.set('out', 'svm');
    await expect(parseExperimentQuery(q.toString())).rejects.toThrow(/must be knn or absent; got "svm"/);
    q.set('out', 'knn');
    q.set('loss', 'mse');
    await expect(parseExperimentQuery(q.toString())).rejects.toThrow(/use loss ce; got mse/);
  });

  it('a model file carries k and ε (version 3) and refuses them in version 2 or out of range', () => {
    const run = prepare(EXP);
    const spec = { ...run.spec, knn: { k: 5, epsilon: 0.01 } };
    const text = exportModel(spec, initParams(spec, 1), EXP);
    expect(text).toContain('"version": 3');
    expect(text).toContain('"output": { "kind": "knn", "k": 5, "epsilon": 0.01 }');
    const model = importModel(text);
    expect(model.spec.knn).toEqual({ k: 5, epsilon: 0.01 });
    expect(model.experiment?.output).toBe('knn');
    const refused = (t: string): ShareError => {
      try {
        importModel(t);
      } catch (e) {
        return e as ShareError;
      }
      throw new Error('expected a refusal');
    };
    expect(refused(text.replace('"version": 3', '"version": 2')).field).toBe('output');
    expect(refused(text.replace('"k": 5', '"k": 65')).field).toBe('output.k');
    expect(refused(text.replace('"output":"knn",', '')).field).toBe('experiment.output');
  });
});

describe.skipIf(!gpu)('--output knn from the CLI', () => {
  it('trains on the general kernel with loss ce, and reports the k-NN votes', async () => {
    const c = captureIo(gpu);
    const args = ['--dataset', 'spiral', '--samples', '200', '--arch', '2-6-2', '--output', 'knn'];
    const code = await runTrain(
      [...args, '--optimizer', 'adam', '--lr', '0.01', '--epochs', '4', '--json'],
      c.io,
    );
    expect(code, c.err.join('\n')).toBe(0);
    const result = JSON.parse(c.out.join('\n'));
    expect(result.kernel).toBe('general');
    expect(result.loss).toBe('ce');
    expect(result.test.accuracy).toBeGreaterThan(0.5);
    const sweep = captureIo(gpu);
    const swept = [
      '--preset',
      'spiral-slight-4-layers',
      '--arch',
      '2-4-2',
      '--output',
      'knn',
      '--loss',
      'ce',
    ];
    expect(
      await runSweepCommand(
        [...swept, '--widths', '3,4', '--seeds', '2', '--epochs', '2', '--json'],
        sweep.io,
      ),
    ).toBe(0);
    expect(JSON.parse(sweep.out.join('\n')).rows.map((r: { arch: string }) => r.arch)).toEqual([
      '2-3-2',
      '2-4-2',
    ]);
    const bad = captureIo(gpu);
    expect(await runTrain([...args, '--kernel', 'cooperative', '--epochs', '1'], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/cooperative kernel has no k-NN output/);
  });
});
