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
  /**
   * Read numeric labels as classes even where they would be regression targets (whole numbers of 16 or
   * more, or fractions): each distinct value is a class, numbered in increasing order of value, and
   * `labelNames` holds the values as written. At most CSV_MAX_CLASSES distinct values. Default false.
   */
  classes?: boolean;
}

/** A dataset read from CSV, with the header names and class names when the file has them. */
export interface CsvDataset extends Dataset {
  /** The header row's names, or null. */
  header: string[] | null;
  /** Class names in index order when the labels were names (or numbers read as classes), else null. */
  labelNames: string[] | null;
  /**
   * Why numeric labels were read as regression targets (classes 0), naming the first label that is not
   * a class index, e.g. `the label 16 on line 18 is not a class index (0 to 15)`; null otherwise.
   */
  regressionReason: string | null;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NOT_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const FLOAT32_MAX = 3.4028234663852886e38;

/** The text's length in UTF-8 bytes (a lone surrogate counts as the 3 bytes of its replacement). */
function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
      continue;
    }
    bytes += 2; // 3 bytes, or 4 for a surrogate pair's 2 units
    const d = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c < 0xdc00 && d >= 0xdc00 && d < 0xe000) i++;
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
    throw new CsvError(`column ${column}: ${clip(cell)} is out of range for 32-bit floats`, line);
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
 * - other numbers: regression targets (classes 0), with `regressionReason` saying which label decided
 *   it; `options.classes` reads them as classes instead.
 * Throws a CsvError naming the line and the problem.
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvDataset {
  const maxBytes = options.maxBytes ?? CSV_MAX_BYTES;
  const maxRows = options.maxRows ?? CSV_MAX_ROWS;
  const bytes = utf8Bytes(text);
  if (bytes > maxBytes) {
    throw new CsvError(
      `the file is too large: it is ${formatBytes(bytes)}, and a CSV file may be at most ${formatBytes(maxBytes)}`,
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
  const read = readLabels(labels, labelLines, options.classes ?? false);
  return { inputSize, x, header, ...read };
}

interface Labels {
  y: Float32Array;
  classes: number;
  labelNames: string[] | null;
  regressionReason: string | null;
}

function tooManyClasses(label: string, line: number, what: string): CsvError {
  return new CsvError(
    `label ${JSON.stringify(clip(label))} is a ${CSV_MAX_CLASSES + 1}th distinct ${what}; labels must be at most ` +
      `${CSV_MAX_CLASSES} class names, class indices 0 to ${CSV_MAX_CLASSES - 1}, or numbers for regression`,
    line,
  );
}

function readLabels(labels: string[], lines: number[], forceClasses: boolean): Labels {
  const n = labels.length;
  const y = new Float32Array(n);
  let numeric = true;
  /** Index of the first label that is not a class index, or -1. */
  let notIndex = -1;
  for (let i = 0; i < n; i++) {
    const s = labels[i];
    if (!NUMBER.test(s)) {
      numeric = false;
      break;
    }
    const v = Number(s);
    if (!Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) {
      throw new CsvError(`the label ${clip(s)} is out of range for 32-bit floats`, lines[i]);
    }
    y[i] = v;
    if (notIndex < 0 && !(Number.isInteger(v) && v >= 0 && v < CSV_MAX_CLASSES)) notIndex = i;
  }
  if (numeric && notIndex < 0) {
    let most = 0;
    for (let i = 0; i < n; i++) most = Math.max(most, y[i]);
    return { y, classes: Math.max(2, most + 1), labelNames: null, regressionReason: null };
  }
  if (numeric && !forceClasses) {
    const v = y[notIndex];
    const kind = Number.isInteger(v) ? 'a class index' : 'a whole number';
    return {
      y,
      classes: 0,
      labelNames: null,
      regressionReason:
        `the label ${clip(labels[notIndex])} on line ${lines[notIndex]} is not ${kind} (0 to ${CSV_MAX_CLASSES - 1}), ` +
        'so the labels were read as regression targets',
    };
  }
  if (numeric) {
    // Forced classes: each distinct value is a class, in increasing order of value.
    const values = new Map<number, string>();
    for (let i = 0; i < n; i++) {
      if (values.has(y[i])) continue;
      if (values.size === CSV_MAX_CLASSES) throw tooManyClasses(labels[i], lines[i], 'label value');
      values.set(y[i], labels[i]);
    }
    const sorted = [...values.keys()].sort((a, b) => a - b);
    const index = new Map(sorted.map((v, k) => [v, k]));
    for (let i = 0; i < n; i++) y[i] = index.get(y[i])!;
    return {
      y,
      classes: Math.max(2, sorted.length),
      labelNames: sorted.map((v) => values.get(v)!),
      regressionReason: null,
    };
  }
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let k = index.get(labels[i]);
    if (k === undefined) {
      if (index.size === CSV_MAX_CLASSES) throw tooManyClasses(labels[i], lines[i], 'class name');
      k = index.size;
      index.set(labels[i], k);
    }
    y[i] = k;
  }
  return { y, classes: Math.max(2, index.size), labelNames: [...index.keys()], regressionReason: null };
}

/**
 * Decodes the bytes of a CSV file: UTF-16 (little or big endian) when the file starts with its
 * byte-order mark, else UTF-8 (a UTF-8 byte-order mark is dropped). Throws a CsvError for bytes that
 * are not text in that encoding. The app and the command line both read files through this.
 */
export function decodeCsvBytes(bytes: Uint8Array): string {
  let encoding = 'utf-8';
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new CsvError(
      encoding === 'utf-8'
        ? 'the file is not text: it is not UTF-8, nor UTF-16 with a byte-order mark'
        : `the file starts as ${encoding.toUpperCase()} but is not valid ${encoding.toUpperCase()} text`,
      null,
    );
  }
  if (text.includes('\0')) {
    throw new CsvError(
      'the file holds NUL characters: it is not text (UTF-16 files need a byte-order mark)',
      null,
    );
  }
  return text;
}

/**
 * Reads a CSV file's bytes: refuses more than `maxBytes` bytes (default CSV_MAX_BYTES) before decoding,
 * then decodes (decodeCsvBytes) and parses (parseCsv) with the same options.
 */
export function parseCsvBytes(bytes: Uint8Array, options: CsvOptions = {}): CsvDataset {
  const maxBytes = options.maxBytes ?? CSV_MAX_BYTES;
  if (bytes.length > maxBytes) {
    throw new CsvError(
      `the file is too large: it is ${formatBytes(bytes.length)}, and a CSV file may be at most ${formatBytes(maxBytes)}`,
      null,
    );
  }
  return parseCsv(decodeCsvBytes(bytes), options);
}

/**
 * An exact size for messages: `20,971,520 bytes (20 MiB)`; the binary unit is added only where the
 * size is a whole number of them, so no two different sizes ever read the same.
 */
export function formatBytes(n: number): string {
  const exact = `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
  const MiB = 1024 * 1024;
  if (n >= MiB && n % MiB === 0) return `${exact} (${n / MiB} MiB)`;
  if (n >= 1024 && n % 1024 === 0) return `${exact} (${n / 1024} KiB)`;
  return exact;
}
