import type { Dataset } from './types';

/** Largest CSV text accepted by default: 20 MB (UTF-8 bytes). */
export const CSV_MAX_BYTES = 20 * 1024 * 1024;
/** Most data rows accepted by default. */
export const CSV_MAX_ROWS = 1_000_000;
/** Most distinct class labels (names, or indices 0 to 15). */
export const CSV_MAX_CLASSES = 16;

/** A CSV that cannot be read; `line` is the 1-based line at fault, or null for the file as a whole. */
export class CsvError extends Error {
  override name = 'CsvError';
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(line === null ? message : `line ${line}: ${message}`);
  }
}

export interface CsvOptions {
  /** Size limit in UTF-8 bytes (default CSV_MAX_BYTES). */
  maxBytes?: number;
  /** Limit on data rows (default CSV_MAX_ROWS). */
  maxRows?: number;
}

/** A dataset read from CSV, with the header names and class names when the file has them. */
export interface CsvDataset extends Dataset {
  /** The header row's names, or null. */
  header: string[] | null;
  /** Class names in index order when the labels were names, else null. */
  labelNames: string[] | null;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NOT_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const FLOAT32_MAX = 3.4028234663852886e38;

function utf8Bytes(text: string, stopAbove: number): number {
  if (text.length > stopAbove) return text.length; // at least one byte per UTF-16 unit
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4; // surrogate pair
      i++;
    } else bytes += 3;
    if (bytes > stopAbove) break;
  }
  return bytes;
}

function cells(line: string): string[] {
  return line.split(',').map((c) => {
    const t = c.trim();
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
  });
}

/** Parses one coordinate cell or throws a CsvError naming the line and column. */
function coordinate(cell: string, line: number, column: number): number {
  if (cell === '') throw new CsvError(`column ${column} is empty`, line);
  if (NOT_FINITE.test(cell)) {
    throw new CsvError(
      `column ${column} is "${cell}"; only finite numbers are allowed (no NaN or Infinity)`,
      line,
    );
  }
  if (!NUMBER.test(cell)) throw new CsvError(`column ${column}: "${clip(cell)}" is not a number`, line);
  const v = Number(cell);
  if (!Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) {
    throw new CsvError(`column ${column}: ${cell} is out of range for 32-bit floats`, line);
  }
  return v;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Reads points from CSV text. Each row is `x1[,x2[,x3]],label`: 2 to 4 columns, the same count on
 * every row. An optional first row of names is a header. Blank lines and lines starting with `#`
 * are skipped. Labels:
 * - all non-negative integers from 0 to 15: classification, classes = largest + 1 (at least 2);
 * - any label not a number: class names, numbered in order of first appearance (at most 16, at least
 *   2 classes);
 * - other numbers: regression targets (classes 0).
 * Throws a CsvError naming the line and the problem.
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvDataset {
  const maxBytes = options.maxBytes ?? CSV_MAX_BYTES;
  const maxRows = options.maxRows ?? CSV_MAX_ROWS;
  const bytes = utf8Bytes(text, maxBytes);
  if (bytes > maxBytes) {
    throw new CsvError(
      `the file is too large: more than ${maxBytes} bytes (limit ${formatBytes(maxBytes)})`,
      null,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);

  let columns = 0;
  let header: string[] | null = null;
  const xs: number[] = [];
  const labels: string[] = [];
  const labelLines: number[] = [];
  for (let l = 0; l < lines.length; l++) {
    const lineNo = l + 1;
    const trimmed = lines[l].trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const row = cells(trimmed);
    if (columns === 0) {
      if (row.length < 2 || row.length > 4) {
        throw new CsvError(
          `found ${row.length} column${row.length === 1 ? '' : 's'}; a row is 1 to 3 coordinates and a label (2 to 4 columns)`,
          lineNo,
        );
      }
      columns = row.length;
      const named = row.slice(0, -1).every((c) => c !== '' && !NUMBER.test(c) && !NOT_FINITE.test(c));
      if (named) {
        header = row;
        continue;
      }
    } else if (row.length !== columns) {
      throw new CsvError(`expected ${columns} columns as on the first row, found ${row.length}`, lineNo);
    }
    if (labels.length >= maxRows)
      throw new CsvError(`too many rows: the limit is ${maxRows} data rows`, lineNo);
    for (let c = 0; c < columns - 1; c++) xs.push(coordinate(row[c], lineNo, c + 1));
    const label = row[columns - 1];
    if (label === '') throw new CsvError(`the label (column ${columns}) is empty`, lineNo);
    if (NOT_FINITE.test(label)) {
      throw new CsvError(`the label "${label}" is not allowed; use a finite number or a class name`, lineNo);
    }
    labels.push(label);
    labelLines.push(lineNo);
  }
  if (labels.length === 0) {
    throw new CsvError('the file is empty: no data rows (only blank lines, comments or a header)', null);
  }
  const inputSize = (columns - 1) as 1 | 2 | 3;
  const x = Float32Array.from(xs);
  const { y, classes, labelNames } = readLabels(labels, labelLines);
  return { inputSize, x, y, classes, header, labelNames };
}

function readLabels(
  labels: string[],
  lines: number[],
): { y: Float32Array; classes: number; labelNames: string[] | null } {
  const n = labels.length;
  const y = new Float32Array(n);
  let numeric = true;
  let classIndices = true;
  for (let i = 0; i < n; i++) {
    const s = labels[i];
    if (!NUMBER.test(s)) {
      numeric = false;
      break;
    }
    const v = Number(s);
    if (!Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) {
      throw new CsvError(`the label ${s} is out of range for 32-bit floats`, lines[i]);
    }
    y[i] = v;
    if (!(Number.isInteger(v) && v >= 0 && v < CSV_MAX_CLASSES)) classIndices = false;
  }
  if (numeric) {
    if (!classIndices) return { y, classes: 0, labelNames: null };
    let most = 0;
    for (let i = 0; i < n; i++) most = Math.max(most, y[i]);
    return { y, classes: Math.max(2, most + 1), labelNames: null };
  }
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let k = index.get(labels[i]);
    if (k === undefined) {
      if (index.size === CSV_MAX_CLASSES) {
        throw new CsvError(
          `label "${clip(labels[i])}" is a ${CSV_MAX_CLASSES + 1}th distinct class name; labels must be at most ` +
            `${CSV_MAX_CLASSES} class names, class indices 0 to ${CSV_MAX_CLASSES - 1}, or numbers for regression`,
          lines[i],
        );
      }
      k = index.size;
      index.set(labels[i], k);
    }
    y[i] = k;
  }
  return { y, classes: Math.max(2, index.size), labelNames: [...index.keys()] };
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
