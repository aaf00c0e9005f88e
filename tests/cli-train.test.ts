/** `npm run train` as a person runs it: a real process, its JSON, its errors and its exit codes. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function train(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['tools/run.mjs', 'src/cli/train.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run train', () => {
  it('--json prints exactly one object with every documented field', () => {
    const r = train(
      '--dataset',
      'rings',
      '--samples',
      '2000',
      '--arch',
      '2-3-2-1',
      '--epochs',
      '2',
      '--json',
    );
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
    ]) {
      expect(out).toHaveProperty(key);
    }
    for (const key of ['diverged', 'seconds', 'samplesPerSecond', 'adapter', 'kernel'])
      expect(out).toHaveProperty(key);
    expect(out.kernel).toBe('fused');
    expect(out.arch).toBe('2-3-2-1');
    expect(out.steps).toBe(2 * Math.ceil(1600 / 32));
    expect(out.diverged).toBe(false);
    expect(out.train.accuracy).toBeGreaterThanOrEqual(0);
    expect(out.test.loss).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/epoch 2\/2/);
  });

  it('reports regression accuracy as null and names the general kernel for a wide network', () => {
    const r = train(
      '--dataset',
      'polynomial',
      '--samples',
      '500',
      '--arch',
      '1-32-32-1',
      '--epochs',
      '1',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.train.accuracy).toBeNull();
    expect(out.kernel).toBe('general');
  });

  it.each([
    [['--bogus', '1'], /unknown option --bogus; accepted: .*--dataset/],
    [['--optimizer', 'lbfgs'], /--optimizer must be one of sgd, momentum, rmsprop, adam; got "lbfgs"/],
    [['--lr', 'fast'], /--lr must be a number/],
    [['--batch', '0'], /--batch must be a whole number from 1 to/],
    [['--arch', '2-3-x'], /--arch: architecture "2-3-x"/],
    [['--dataset', 'rings', '--factor', '0.3'], /--factor is not a parameter of rings/],
    [['--arch', '2-40-1'], /layer 1 must have 1 to 32 units/],
    [['--activation', 'swish'], /unknown activation "swish"/],
    [['--csv', '/nonexistent.csv'], /--csv \/nonexistent.csv/],
  ])('bad options %j: one line naming the option, exit 2', (args, message) => {
    const r = train(...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('a diverging run stops, says at which step, and exits 3', () => {
    const r = train(
      '--dataset',
      'polynomial',
      '--samples',
      '500',
      '--arch',
      '1-16-16-1',
      '--activation',
      'relu',
    );
    expect(r.code).toBe(0);
    const bad = train(
      ...['--dataset', 'polynomial', '--samples', '500', '--arch', '1-16-16-1', '--activation', 'relu'],
      ...['--lr', '10', '--epochs', '3', '--json'],
    );
    expect(bad.code).toBe(3);
    const out = JSON.parse(bad.stdout);
    expect(out.diverged).toBe(true);
    expect(out.divergedAtStep).toBeGreaterThanOrEqual(0);
    expect(bad.stderr).toMatch(/diverged: the loss became NaN or infinite at step \d+/);
  });
});
