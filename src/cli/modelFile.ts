/** Model files on the command line: `--load FILE` reads one, `--save FILE` writes one atomically. */
import { dirname, resolve } from 'node:path';
import type { Stats } from 'node:fs';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import type { ImportedModel } from '../share/modelFormat';
import { MODEL_MAX_BYTES } from '../share/modelFormat';
import { importModel } from '../share/modelImport';
import { UsageError } from '../flags';
import { readFileLimited } from './readFile';

/** Reads and checks a model file; every problem is a UsageError naming the flag, the file and the field. */
export function loadModelFile(path: string): ImportedModel {
  const bytes = readFileLimited(path, MODEL_MAX_BYTES, '--load', 'a model file');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`--load ${path}: the file is not UTF-8 text`);
  }
  try {
    return importModel(text);
  } catch (e) {
    throw new UsageError(`--load ${path}: ${(e as Error).message}`);
  }
}

/** A save that failed after training: the file there is unchanged (exit 1, not a bad option). */
export class SaveError extends Error {
  override name = 'SaveError';
}

/** `write(2)` as writeSync has it: the bytes written, possibly fewer than asked (a full disk). */
export type WriteFn = (fd: number, buffer: Uint8Array, offset: number, length: number) => number;

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

/** Refuses a path whose folder is missing or is a file, naming the part of the path at fault. */
function checkFolder(path: string, folder: string): void {
  let stat: Stats | null = null;
  try {
    stat = statSync(folder);
  } catch {
    // found below
  }
  if (stat?.isDirectory()) return;
  // The nearest existing part of the path says what is wrong: a file where a folder should be, or nothing.
  for (let part = folder; ; part = dirname(part)) {
    let at: Stats | null = null;
    try {
      at = statSync(part);
    } catch {
      // not there: look further up
    }
    if (at && !at.isDirectory()) throw new UsageError(`--save ${path}: ${part} is a file, not a folder`);
    if (at || dirname(part) === part) break;
  }
  throw new UsageError(`--save ${path}: the folder ${folder} does not exist`);
}

/**
 * The file a `--save` path writes: the path itself, or, where it is a symbolic link, the file the link
 * leads to (so the link stays a link). Refuses, with a UsageError, a folder that is missing or is a file,
 * and anything but a regular file (a folder, a FIFO, a device, a link that leads nowhere).
 */
export function saveTarget(path: string): string {
  checkFolder(path, dirname(path));
  const stat = lstatOrNull(path);
  if (!stat) return path;
  if (stat.isSymbolicLink()) {
    let target: string;
    try {
      target = realpathSync(path);
    } catch {
      const to = resolve(dirname(path), readlinkSync(path));
      throw new UsageError(`--save ${path}: that is a link to ${to}, which does not exist`);
    }
    const at = statSync(target);
    if (!at.isFile()) {
      throw new UsageError(
        `--save ${path}: that is a link to ${target}, ${kindOf(at)}, not a regular file; choose a file name`,
      );
    }
    return target;
  }
  if (!stat.isFile()) {
    throw new UsageError(`--save ${path}: that is ${kindOf(stat)}, not a regular file; choose a file name`);
  }
  return path;
}

/** Checks a --save path before any training; returns the file it will write (see saveTarget). */
export function checkSavePath(path: string): string {
  return saveTarget(path);
}

/**
 * The one temporary file a save of `target` writes before renaming it over the target. Always the same
 * name: a save killed half-way leaves at most this one file, which the next save replaces.
 */
export function tempPathOf(target: string): string {
  return `${target}.tmp`;
}

/** Writes all of `bytes`, or throws saying how many bytes went: a write that takes none is a full disk. */
function writeAll(fd: number, bytes: Uint8Array, write: WriteFn): void {
  let done = 0;
  while (done < bytes.length) {
    const n = write(fd, bytes, done, bytes.length - done);
    if (!(n > 0)) {
      throw new Error(
        `only ${done.toLocaleString('en-US')} of ${bytes.length.toLocaleString('en-US')} bytes could be ` +
          'written (is the disk full?)',
      );
    }
    done += n;
  }
}

/**
 * Writes `text` to `path` atomically: into tempPathOf(target) beside it, every byte checked, synced to
 * disk, then renamed over it, so the file is either the old one or the complete new one, never a part.
 * A link is written through to its file (saveTarget). Returns the file written. Throws a UsageError for a
 * path it may not write, and a SaveError, after removing the temporary file, when the write fails.
 * `options.write` replaces writeSync (tests give one that stops short).
 */
export function writeFileAtomic(path: string, text: string, options: { write?: WriteFn } = {}): string {
  const target = saveTarget(path);
  const temp = tempPathOf(target);
  const before = lstatOrNull(target);
  const write: WriteFn =
    options.write ?? ((fd, buffer, offset, length) => writeSync(fd, buffer, offset, length));
  let made = false;
  try {
    // A leftover of a killed save (or anything else by that name) goes first: 'wx' then never follows a link.
    try {
      unlinkSync(temp);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const fd = openSync(temp, 'wx', 0o666);
    made = true;
    try {
      if (before) fchmodSync(fd, before.mode & 0o7777);
      writeAll(fd, new TextEncoder().encode(text), write);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    made = false;
  } catch (e) {
    if (made) {
      try {
        unlinkSync(temp);
      } catch {
        // gone already
      }
    }
    const kept = before ? 'the file there is unchanged' : 'nothing was written there';
    throw new SaveError(`--save ${path}: not written: ${(e as Error).message}; ${kept}`);
  }
  syncFolder(dirname(target));
  return target;
}

/** Makes the rename itself durable; where a folder cannot be opened for that, the rename stands as it is. */
function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not every system syncs a folder
  }
}
