// node tools/slowest.mjs [--write] [REPORT]
//
// Reads vitest's JSON report (artifacts/vitest.json by default) and prints the ten slowest test files,
// so each run of `npm test` ends by showing where its time went. With --write it also stores every
// file's duration in tests/tooling/durations.json, the table the test sequencer reads to start the
// longest files first (refresh it after adding or reshaping a slow file).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const write = args.includes('--write');
const report = resolve(args.find((a) => !a.startsWith('--')) ?? 'artifacts/vitest.json');
if (!existsSync(report)) {
  console.error(`no test report at ${report}`);
  process.exit(1);
}
/** A report's absolute path as a path from the repository root (also for a report written in another clone). */
function repoPath(path) {
  const own = relative(root, path).split('\\').join('/');
  if (!own.startsWith('..')) return own;
  const at = path.split('\\').join('/').lastIndexOf('/tests/');
  return at >= 0 ? path.slice(at + 1) : own;
}

const json = JSON.parse(readFileSync(report, 'utf8'));
const files = (json.testResults ?? [])
  .map((r) => ({
    file: repoPath(r.name),
    seconds: Math.max(0, (r.endTime - r.startTime) / 1000),
    tests: (r.assertionResults ?? []).length,
  }))
  .sort((a, b) => b.seconds - a.seconds);
const total = files.reduce((s, f) => s + f.seconds, 0);
console.log(`slowest test files (${files.length} files, ${total.toFixed(0)} s of file time in all):`);
for (const f of files.slice(0, 10)) {
  console.log(`  ${f.seconds.toFixed(1).padStart(7)} s  ${String(f.tests).padStart(4)} tests  ${f.file}`);
}
// Expect calls, as counted by tests/tooling/countAssertions.ts during the run (one line per file).
const tally = resolve(root, 'artifacts/assertions.tsv');
if (existsSync(tally)) {
  const lines = readFileSync(tally, 'utf8').split('\n').filter(Boolean);
  const calls = lines.reduce((s, line) => s + Number(line.split('\t')[2] ?? 0), 0);
  console.log(`${calls} expect calls in ${lines.length} files`);
}
if (write) {
  const table = Object.fromEntries(
    [...files]
      .sort((a, b) => (a.file < b.file ? -1 : 1))
      .map((f) => [f.file, Math.round(f.seconds * 10) / 10]),
  );
  const out = resolve(root, 'tests/tooling/durations.json');
  writeFileSync(out, JSON.stringify(table, null, 2) + '\n');
  console.log(`wrote ${relative(root, out)}`);
}
