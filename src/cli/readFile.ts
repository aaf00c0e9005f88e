/** Reading a file named on the command line, with a limit on the bytes actually read. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { formatBytes } from '../data/csv';
import { UsageError } from '../flags';

const CHUNK = 1 << 20;

/**
 * The bytes of `path`, read until the end or until more than `maxBytes` have come: the limit holds for
 * files whose size is not known beforehand (`/dev/zero`, a FIFO, process substitution). Throws a
 * UsageError naming `flag`, the file and the limit.
 */
export function readFileLimited(path: string, maxBytes: number, flag: string, what: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UsageError(`${flag} ${path}: ${(e as Error).message}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const chunk = new Uint8Array(Math.min(CHUNK, maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw new UsageError(`${flag} ${path}: ${(e as Error).message}`);
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) {
        const stat = fstatSync(fd);
        const size = stat.isFile() ? `is ${formatBytes(stat.size)}` : `goes on past ${formatBytes(maxBytes)}`;
        throw new UsageError(
          `${flag} ${path}: the file is too large: it ${size}, and ${what} may be at most ${formatBytes(maxBytes)}`,
        );
      }
    }
  } finally {
    closeSync(fd);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
