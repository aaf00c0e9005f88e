/**
 * Misclassified points: the count the views show is the engine twin's own verdict on the points drawn,
 * train and test apart, on colah's disk-in-annulus with 2 units (which cannot separate, so it has mistakes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '../src/experiment/experiment';
import { evaluate } from '../src/engine/twin';
import { importModel } from '../src/share/modelImport';
import { MistakeTracker, predictedClass } from '../src/view/math/mistakeTracker';

function disk() {
  const model = importModel(readFileSync(join(__dirname, 'fixtures', 'disk-2-2-1.json'), 'utf8'));
  const run = prepare(model.experiment!);
  return { model, run };
}

/** Train points first, then test points, as the views get them (info: class, test flag, jitter, 0). */
function drawn(run: ReturnType<typeof prepare>) {
  const sets = [run.train, run.test!];
  const n = sets[0].y.length + sets[1].y.length;
  const coords = new Float32Array(2 * n);
  const labels = new Float32Array(n);
  const info = new Float32Array(4 * n);
  let i = 0;
  sets.forEach((set, test) => {
    for (let s = 0; s < set.y.length; s++, i++) {
      coords.set(set.x.subarray(2 * s, 2 * s + 2), 2 * i);
      labels[i] = set.y[s];
      info.set([set.y[s], test, 0, 0], 4 * i);
    }
  });
  return { coords, labels, info, n, trainCount: sets[0].y.length };
}

describe('mistakes', () => {
  it('one output says class 1 strictly above ½; several say the first largest', () => {
    expect(predictedClass([0.5], 0, 1)).toBe(0);
    expect(predictedClass([0.5000001], 0, 1)).toBe(1);
    expect(predictedClass([9, 0.1, 0.7, 0.7], 1, 3)).toBe(1);
    expect(predictedClass([0.2, 0.3, 0.1], 0, 3)).toBe(1);
  });

  it('disk-in-annulus 2-2-1: the count is the twin’s verdict on the drawn points, train and test apart', () => {
    const { model, run } = disk();
    const { coords, labels, info, n, trainCount } = drawn(run);
    const tracker = new MistakeTracker(model.spec, coords, labels, info);
    const count = tracker.update(model.params);
    const train = evaluate(model.spec, model.params, run.train, true);
    const test = evaluate(model.spec, model.params, run.test!, true);
    const trainWrong = Math.round((1 - train.accuracy!) * train.count);
    const testWrong = Math.round((1 - test.accuracy!) * test.count);
    console.log(
      `disk 2-2-1 mistakes: train ${count.train}/${trainCount}, test ${count.test}/${n - trainCount}`,
    );
    expect(trainWrong).toBeGreaterThan(10);
    expect(count).toEqual({ train: trainWrong, test: testWrong });
    expect(tracker.flags.reduce((a, b) => a + b, 0)).toBe(trainWrong + testWrong);
    // Flags follow the weights: all-zero weights and a bias saying class 1 mark exactly the class-0 points.
    const params = new Float32Array(model.params.length);
    params[params.length - 1] = 5;
    const flipped = tracker.update(params);
    let zeros = 0;
    let zerosTest = 0;
    for (let i = 0; i < n; i++) {
      if (labels[i] !== 0) continue;
      if (i < trainCount) zeros++;
      else zerosTest++;
    }
    expect(flipped).toEqual({ train: zeros, test: zerosTest });
  });
});
