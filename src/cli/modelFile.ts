/** Model files on the command line: `--load FILE` reads one, `--save FILE` writes one atomically. */
import { dirname } from 'node:path';
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
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

/** Refuses, before any training, a --save path whose folder does not exist or that is a folder. */
export function checkSavePath(path: string): void {
  const folder = dirname(path);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    // reported below
  }
  if (!isFolder) throw new UsageError(`--save ${path}: the folder ${folder} does not exist`);
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`--save ${path}: that is a folder, not a file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
  }
}

/**
 * Writes `text` to `path` atomically: into a temporary file beside it, then renamed over it, so the
 * file is either the old one or the complete new one, never a part (an existing file is replaced).
 */
export function writeFileAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // the temporary file was never made, or is gone already
    }
    throw new UsageError(`--save ${path}: ${(e as Error).message}`);
  }
}
