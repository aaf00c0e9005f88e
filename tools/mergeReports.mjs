// node tools/mergeReports.mjs OUT REPORT...
//
// Merges vitest JSON reports (the Node files' and the browser files', run side by side by tools/test.sh)
// into one report at OUT, so tools/slowest.mjs and the closing count read one file. A missing report (a
// run that could not start) counts as a failure.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length === 0) {
  console.error('usage: node tools/mergeReports.mjs OUT REPORT...');
  process.exit(2);
}
const sums = [
  'numTotalTestSuites',
  'numPassedTestSuites',
  'numFailedTestSuites',
  'numPendingTestSuites',
  'numTotalTests',
  'numPassedTests',
  'numFailedTests',
  'numPendingTests',
  'numTodoTests',
];
const merged = { success: true, startTime: Infinity, testResults: [] };
for (const key of sums) merged[key] = 0;
for (const path of inputs) {
  if (!existsSync(path)) {
    console.error(`no test report at ${path}: its run did not finish`);
    merged.success = false;
    continue;
  }
  const r = JSON.parse(readFileSync(path, 'utf8'));
  for (const key of sums) merged[key] += r[key] ?? 0;
  merged.success &&= r.success !== false;
  merged.startTime = Math.min(merged.startTime, r.startTime ?? Infinity);
  merged.testResults.push(...(r.testResults ?? []));
}
if (!Number.isFinite(merged.startTime)) merged.startTime = Date.now();
writeFileSync(out, JSON.stringify(merged));
