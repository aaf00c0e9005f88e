/**
 * The layout of src/ stays readable: one file-name style (camelCase, the file named after what it
 * holds), and no module over 500 lines except the data tables, so a file is split along a seam before
 * it grows into two concerns.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');
const MAX_LINES = 500;
/** Tables of data, not code: the presets and the hand-made datasets. */
const DATA_TABLES = [/^data\/presets\.ts$/, /^data\/sets\//];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** A camelCase name: starts lower case, then letters and digits only (no '-', '_' or spaces). */
export function camelCaseName(name: string): boolean {
  return /^[a-z][A-Za-z0-9]*$/.test(name);
}

export function overLimit(path: string, lines: number): boolean {
  return lines > MAX_LINES && !DATA_TABLES.some((re) => re.test(path));
}

describe('the layout of src/', () => {
  const all = files(SRC).map((f) => relative(SRC, f).split('\\').join('/'));

  it('names every file and folder in camelCase', () => {
    expect(camelCaseName('modelImport')).toBe(true);
    expect(camelCaseName('model-json')).toBe(false);
    expect(camelCaseName('Model')).toBe(false);
    expect(camelCaseName('model_json')).toBe(false);
    const bad = all.filter((path) =>
      path
        .replace(/\.(d\.ts|ts|css|wgsl)$/, '')
        .split('/')
        .some((part) => !camelCaseName(part)),
    );
    expect(bad).toEqual([]);
  });

  it(`keeps every module at ${MAX_LINES} lines or fewer, except the data tables`, () => {
    expect(overLimit('engine/engine.ts', MAX_LINES + 1)).toBe(true);
    expect(overLimit('engine/engine.ts', MAX_LINES)).toBe(false);
    expect(overLimit('data/presets.ts', 2000)).toBe(false);
    expect(overLimit('data/sets/colah.ts', 2000)).toBe(false);
    const long = all
      .filter((p) => p.endsWith('.ts'))
      .map((p) => ({ p, lines: readFileSync(join(SRC, p), 'utf8').split('\n').length - 1 }))
      .filter(({ p, lines }) => overLimit(p, lines))
      .map(({ p, lines }) => `${p}: ${lines} lines`);
    expect(long).toEqual([]);
  });
});
