/**
 * `--save`: a model file is written whole or not at all. A failed or short write leaves the old file as it
 * was and says so on one line; a save killed half-way leaves one temporary file of a known name, which the
 * next save replaces; special files are refused and a link is written through to its file.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, exitCodeOf } from '../src/cli/exitCodes';
import { checkSavePath, tempPathOf, writeFileAtomic, type WriteFn } from '../src/cli/modelFile';
import { runTrain } from '../src/cli/trainCommand';
import { captureIo, type Ran } from './helpers/cli';
import { openTestGpu } from './helpers/gpu';

const dir = mkdtempSync(join(tmpdir(), 'detangle-save-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fresh = 0;
/** A new folder with `model.json` holding `old`. */
function folderWithModel(): { folder: string; path: string } {
  const folder = join(dir, `case${fresh++}`);
  mkdirSync(folder);
  const path = join(folder, 'model.json');
  writeFileSync(path, 'old');
  return { folder, path };
}

const TEXT = `{"format": "detangle-model", "pad": "${'x'.repeat(5000)}"}\n`;

function saveError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the save to fail');
}

describe('a failed save keeps the old file', () => {
  it('a short write (the disk full half-way) is an error, not "saved"', () => {
    const { folder, path } = folderWithModel();
    // Writes 1000 bytes, then nothing more: what write(2) returns on a full disk before ENOSPC.
    let written = 0;
    const short: WriteFn = (fd, buffer, offset, length) => {
      const n = Math.min(length, 1000 - written);
      if (n <= 0) return 0;
      written += writeSync(fd, buffer, offset, n);
      return n;
    };
    const e = saveError(() => writeFileAtomic(path, TEXT, { write: short }));
    const bytes = new TextEncoder().encode(TEXT).length;
    expect(e.message).toBe(
      `--save ${path}: not written: only 1,000 of ${bytes.toLocaleString('en-US')} bytes could be written ` +
        '(is the disk full?); the file there is unchanged',
    );
    expect(exitCodeOf(e)).toBe(EXIT_FAILURE);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(folder)).toEqual(['model.json']);
  });

  it('ENOSPC from a real full device is an error too, and a new file is not made', () => {
    const { folder, path } = folderWithModel();
    const full = openSync('/dev/full', 'w');
    try {
      const onFullDisk: WriteFn = (_fd, buffer, offset, length) => writeSync(full, buffer, offset, length);
      const e = saveError(() => writeFileAtomic(path, TEXT, { write: onFullDisk }));
      expect(e.message).toMatch(
        new RegExp(`^--save ${path}: not written: ENOSPC.*; the file there is unchanged$`),
      );
      const other = join(folder, 'new.json');
      expect(saveError(() => writeFileAtomic(other, TEXT, { write: onFullDisk })).message).toMatch(
        /: not written: ENOSPC.*; nothing was written there$/,
      );
    } finally {
      closeSync(full);
    }
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(folder)).toEqual(['model.json']);
  });

  it('writes through one temporary file of a known name, which a save killed half-way leaves for the next', () => {
    const { folder, path } = folderWithModel();
    expect(tempPathOf(path)).toBe(`${path}.tmp`);
    // What a save killed after part of its write leaves behind.
    writeFileSync(tempPathOf(path), TEXT.slice(0, 100));
    const seen: string[][] = [];
    const watching: WriteFn = (fd, buffer, offset, length) => {
      seen.push(readdirSync(folder).sort());
      return writeSync(fd, buffer, offset, length);
    };
    writeFileAtomic(path, TEXT, { write: watching });
    writeFileAtomic(path, `${TEXT} `, { write: watching });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const files of seen) expect(files).toEqual(['model.json', 'model.json.tmp']);
    expect(readFileSync(path, 'utf8')).toBe(`${TEXT} `);
    expect(readdirSync(folder)).toEqual(['model.json']);
  });

  it('keeps the mode of the file it replaces', () => {
    const { path } = folderWithModel();
    spawnSync('chmod', ['600', path]);
    writeFileAtomic(path, TEXT);
    expect(lstatSync(path).mode & 0o777).toBe(0o600);
  });
});

describe('what --save may write onto', () => {
  it('refuses a FIFO and a device, and leaves them as they were', () => {
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const target of [fifo, '/dev/full', '/dev/null']) {
      expect(() => checkSavePath(target)).toThrow(
        new RegExp(`^--save ${target}: that is a (FIFO|device), not a regular file; choose a file name$`),
      );
      expect(() => writeFileAtomic(target, TEXT)).toThrow(/not a regular file/);
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(lstatSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(() => checkSavePath(dir)).toThrow(`--save ${dir}: that is a folder, not a regular file`);
  });

  it('writes through a link to the file it leads to, which stays a link', () => {
    const { folder, path } = folderWithModel();
    const link = join(folder, 'latest.json');
    symlinkSync('model.json', link);
    expect(checkSavePath(link)).toBe(path);
    expect(writeFileAtomic(link, TEXT)).toBe(path);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(TEXT);
    expect(readdirSync(folder).sort()).toEqual(['latest.json', 'model.json']);
    // A link to a FIFO is refused as the FIFO is.
    const fifo = join(folder, 'pipe');
    spawnSync('mkfifo', [fifo]);
    const toFifo = join(folder, 'to-pipe.json');
    symlinkSync(fifo, toFifo);
    expect(() => checkSavePath(toFifo)).toThrow(`--save ${toFifo}: that is a link to ${fifo}, a FIFO`);
    // A link that leads nowhere is refused: the file it names would be made somewhere unlooked-for.
    const dangling = join(folder, 'dangling.json');
    symlinkSync('missing/m.json', dangling);
    expect(() => checkSavePath(dangling)).toThrow(
      `--save ${dangling}: that is a link to ${join(folder, 'missing/m.json')}, which does not exist`,
    );
  });

  it('says which part of the path is missing, or is a file', () => {
    const { path } = folderWithModel();
    expect(() => checkSavePath(join(path, 'x.json'))).toThrow(
      `--save ${join(path, 'x.json')}: ${path} is a file, not a folder`,
    );
    expect(() => checkSavePath(join(path, 'a', 'x.json'))).toThrow(`: ${path} is a file, not a folder`);
    const missing = join(dir, 'nowhere', 'deeper', 'm.json');
    expect(() => checkSavePath(missing)).toThrow(
      `--save ${missing}: the folder ${join(dir, 'nowhere', 'deeper')} does not exist`,
    );
    expect(checkSavePath(join(dir, 'new.json'))).toBe(join(dir, 'new.json'));
  });
});

describe('runTrain --save refuses before training', () => {
  const noGpu = captureIo(null);
  const plain = join(dir, 'hostname');
  writeFileSync(plain, 'a file');
  it.each([
    [['--save', '/dev/full'], '--save /dev/full: that is a device, not a regular file; choose a file name'],
    [['--save', `${plain}/x.json`], `--save ${plain}/x.json: ${plain} is a file, not a folder`],
  ])('%j', async (args, message) => {
    const code = await runTrain([...args, '--quiet'], noGpu.io);
    expect(code).toBe(2);
    expect(noGpu.err.pop()).toBe(`error: ${message}`);
  });
});

const gpu = await openTestGpu();

describe.skipIf(!gpu)('runTrain --save on the GPU', () => {
  const TINY = ['--dataset', 'moons', '--samples', '40', '--arch', '2-3-1', '--loss', 'bce', '--epochs', '1'];

  async function train(args: string[], saveWrite?: WriteFn): Promise<Ran> {
    const c = captureIo(gpu);
    const code = await runTrain(args, { ...c.io, saveWrite });
    return { code, stdout: c.out.join('\n'), stderr: c.err.join('\n') };
  }

  it('a save that stops short exits 1 with one line, and the old file stays', async () => {
    const { folder, path } = folderWithModel();
    const r = await train([...TINY, '--save', path, '--quiet'], () => 0);
    expect(r.code).toBe(EXIT_FAILURE);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: --save ${path}: not written: only 0 of [\\d,]+ bytes could be written \\(is the disk full\\?\\); the file there is unchanged$`,
      ),
    );
    expect(r.stdout).toBe('');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(folder)).toEqual(['model.json']);
  });

  it('a CSV run says how its labels were read and which loss trains on them', async () => {
    const csvOf = (name: string, label: (i: number) => number): string => {
      const rows = Array.from({ length: 34 }, (_, i) => `${Math.cos(i)},${Math.sin(i)},${label(i)}`);
      const path = join(dir, name);
      writeFileSync(path, ['x,y,label', ...rows].join('\n'));
      return path;
    };
    // 17 whole-number labels: 16 is not a class index, so they are regression targets under loss mse.
    const seventeen = csvOf('seventeen.csv', (i) => i % 17);
    const r = await train(['--csv', seventeen, '--epochs', '1', '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `note: --csv ${seventeen}: 34 points; the label 16 on line 18 is not a class index (0 to 15), so the ` +
        'labels were read as regression targets, trained with loss mse; its 17 distinct labels are too many ' +
        'to read as classes (at most 16)',
    );
    const tens = csvOf('tens.csv', (i) => (i % 3) * 10);
    const regression = await train(['--csv', tens, '--epochs', '1', '--quiet']);
    expect(regression.stderr).toBe(
      `note: --csv ${tens}: 34 points; the label 20 on line 4 is not a class index (0 to 15), so the ` +
        'labels were read as regression targets, trained with loss mse; --classes reads them as 3 classes',
    );
    const classes = await train([
      '--csv',
      tens,
      '--classes',
      '--arch',
      '2-4-3',
      '--loss',
      'ce',
      '--epochs',
      '1',
      '--quiet',
    ]);
    expect(classes.code, classes.stderr).toBe(0);
    expect(classes.stderr).toBe(
      `note: --csv ${tens}: 34 points; the labels were read as 3 classes, trained with loss ce`,
    );
  });

  it('saves through a link and says where, with the history counted in words', async () => {
    const { folder, path } = folderWithModel();
    const link = join(folder, 'latest.json');
    symlinkSync(path, link);
    const small = TINY.map((a) => (a === '40' ? '20' : a));
    const r = await train([...small, '--batch', '16', '--save', link, '--with-history']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(`\\nsaved ${link} \\(a link: written to ${path}\\) with 2 moments of its history$`),
    );
    expect(JSON.parse(readFileSync(path, 'utf8')).history).toHaveLength(2);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    // One step: said in the singular.
    expect(r.stdout).toMatch(/\n1 step in /);
  });
});
