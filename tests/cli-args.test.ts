/** The command line's shared pieces: flags, numbers, layer sizes, bounded file reads, atomic writes. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../src/bench/options';
import { UsageError, numberFlag, parseFlags } from '../src/flags';
import { writeFileAtomic } from '../src/cli/modelFile';
import { readFileLimited } from '../src/cli/readFile';
import { parseArchText } from '../src/experiment/experiment';
import { decimalValue } from '../src/share/numberText';

const dir = mkdtempSync(join(tmpdir(), 'detangle-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = { switches: ['json'], values: ['lr', 'seed', 'only'] };

describe('flags', () => {
  it('an empty value is refused, whatever the spelling', () => {
    for (const argv of [['--lr='], ['--lr', ''], ['--lr', '  ']]) {
      expect(() => parseFlags(argv, SPEC)).toThrow(/^--lr needs a value; got an empty one$/);
    }
    expect(() => parseFlags(['--lr'], SPEC)).toThrow(/^--lr needs a value$/);
  });

  it('bench --only= is refused (bench reads its flags with the same parser)', () => {
    expect(() => parseBenchArgs(['--only='])).toThrow(UsageError);
    expect(parseBenchArgs(['--only=grid']).only).toBe('grid');
  });

  it('numbers: plain decimal notation only, the rule links use', () => {
    const read = (text: string): number | undefined =>
      numberFlag(parseFlags(['--seed', text], SPEC), 'seed', { min: 0, max: 2 ** 32 - 1, integer: true });
    expect(read('7')).toBe(7);
    expect(read('4294967295')).toBe(4294967295);
    expect(read('1e3')).toBe(1000);
    for (const bad of ['0x1', ' 7 ', '7 ', '1_0', '0b1', 'Infinity', '4294967296', '-1', '1.5']) {
      expect(() => read(bad)).toThrow(
        /^--seed must be a whole number from 0 to 4294967295 in decimal notation; got /,
      );
    }
    expect(decimalValue('-0')).toBe(0);
    expect(Object.is(decimalValue('-0'), -0)).toBe(false);
    expect(decimalValue('1e999')).toBe(Infinity);
    expect(decimalValue('.5')).toBe(0.5);
    expect(decimalValue('5.')).toBe(5);
    expect(decimalValue('0x10')).toBeNull();
  });

  it('a long bad value is shortened in the message', () => {
    const long = '9'.repeat(100000);
    expect(() => numberFlag(parseFlags(['--lr', `x${long}`], SPEC), 'lr', {})).toThrow(
      /^--lr must be a number in decimal notation; got "x9{36}\.\.\."$/,
    );
  });
});

describe('layer sizes', () => {
  it('reads sizes joined by single separators', () => {
    expect(parseArchText('2-3-2-1')).toEqual([2, 3, 2, 1]);
    expect(parseArchText(' 2 - 3 ')).toEqual([2, 3]);
    expect(parseArchText('2x3,1')).toEqual([2, 3, 1]);
  });

  it('refuses an empty size instead of skipping it', () => {
    expect(() => parseArchText('2-x-1')).toThrow(/^architecture "2-x-1" must be .*; size 2 is empty$/);
    expect(() => parseArchText('2--1')).toThrow(/size 2 is empty$/);
    expect(() => parseArchText('-2-1')).toThrow(/size 1 is empty$/);
    expect(() => parseArchText('2-1-')).toThrow(/size 3 is empty$/);
    expect(() => parseArchText('2-0-1')).toThrow(/size 2 is "0"$/);
    expect(() => parseArchText('2-a-1')).toThrow(/size 2 is "a"$/);
    expect(() => parseArchText('2')).toThrow(/^architecture "2" must be sizes/);
  });
});

describe('files', () => {
  it('reads at most the limit, and says the exact size of a regular file', () => {
    const path = join(dir, 'big.csv');
    writeFileSync(path, 'x'.repeat(1001));
    expect(() => readFileLimited(path, 1000, '--csv', 'a CSV file')).toThrow(
      `--csv ${path}: the file is too large: it is 1,001 bytes, and a CSV file may be at most 1,000 bytes`,
    );
    expect(readFileLimited(path, 1001, '--csv', 'a CSV file').length).toBe(1001);
    expect(() => readFileLimited(dir, 10, '--csv', 'a CSV file')).toThrow(/EISDIR/);
  });

  it('writes atomically: replaces an existing file, leaves no temporary file', () => {
    const path = join(dir, 'model.json');
    writeFileSync(path, 'old');
    writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(() => writeFileAtomic(join(dir, 'missing', 'm.json'), 'x')).toThrow(
      /^--save .*: the folder .*missing does not exist$/,
    );
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});
