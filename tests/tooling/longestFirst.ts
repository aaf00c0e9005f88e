/**
 * Orders the test files for vitest: longest first, from the committed table of each file's last measured
 * duration (tests/tooling/durations.json, written by `node tools/slowest.mjs --write`). With two workers,
 * starting the long files (the browser and GPU-kernel files) first keeps both cores busy to the end
 * instead of leaving one long file running alone. A file missing from the table counts as a median file.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const TABLE = new URL('./durations.json', import.meta.url);

/** Seconds per test file, keyed by its path from the repository root with forward slashes. */
export function readDurations(text: string): Map<string, number> {
  const parsed: unknown = JSON.parse(text);
  const out = new Map<string, number>();
  if (typeof parsed !== 'object' || parsed === null) return out;
  for (const [file, seconds] of Object.entries(parsed)) {
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) out.set(file, seconds);
  }
  return out;
}

/** The files in the order to start them: longest known first; unknown files at the median; ties by name. */
export function longestFirst<T>(
  files: readonly T[],
  name: (f: T) => string,
  durations: Map<string, number>,
): T[] {
  const known = [...durations.values()].sort((a, b) => a - b);
  const median = known.length ? known[Math.floor(known.length / 2)] : 0;
  const cost = (f: T): number => durations.get(name(f)) ?? median;
  return [...files].sort((a, b) => cost(b) - cost(a) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    let durations = new Map<string, number>();
    try {
      durations = readDurations(readFileSync(TABLE, 'utf8'));
    } catch {
      // no table yet: every file counts the same and the order is by name
    }
    const root = this.ctx.config.root;
    return longestFirst(files, (f) => relative(root, f.moduleId).split('\\').join('/'), durations);
  }
}
