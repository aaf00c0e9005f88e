/**
 * Counts the `expect` calls every test makes and appends one line per test file to
 * artifacts/assertions.tsv (file, tests, expect calls), which tools/slowest.mjs sums at the end of
 * `npm test`: the suite's assertion count, as a figure to compare between runs.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { afterAll, afterEach, expect } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const LOG = resolve(ROOT, 'artifacts/assertions.tsv');

let tests = 0;
let calls = 0;
let file = '';

afterEach(() => {
  const state = expect.getState();
  tests++;
  calls += state.assertionCalls;
  if (state.testPath) file = relative(ROOT, state.testPath).split('\\').join('/');
});

afterAll(() => {
  if (!file) return;
  mkdirSync(dirname(LOG), { recursive: true });
  appendFileSync(LOG, `${file}\t${tests}\t${calls}\n`);
});
