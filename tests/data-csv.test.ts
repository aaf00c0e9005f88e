import { describe, expect, it } from 'vitest';
import {
  CSV_MAX_BYTES,
  CSV_MAX_ROWS,
  CsvError,
  decodeCsvBytes,
  formatBytes,
  parseCsv,
  parseCsvBytes,
} from '../src/data/csv';
import { costRatio } from './helpers/scaling';

function errorOf(text: string, options = {}): CsvError {
  try {
    parseCsv(text, options);
  } catch (e) {
    expect(e).toBeInstanceOf(CsvError);
    return e as CsvError;
  }
  throw new Error('expected a CsvError');
}

describe('parseCsv: good files', () => {
  it('reads 2-D points with class labels', () => {
    const d = parseCsv('0.5,1,0\n-1,2.5e-1,1\n3,4,1\n');
    expect(d.inputSize).toBe(2);
    expect(d.classes).toBe(2);
    expect(Array.from(d.x)).toEqual([0.5, 1, -1, 0.25, 3, 4]);
    expect(Array.from(d.y)).toEqual([0, 1, 1]);
    expect(d.header).toBeNull();
    expect(d.labelNames).toBeNull();
  });

  it('reads 1-D and 3-D rows', () => {
    expect(parseCsv('1,0\n2,1').inputSize).toBe(1);
    const d = parseCsv('1,2,3,0\n4,5,6,2');
    expect(d.inputSize).toBe(3);
    expect(d.classes).toBe(3);
  });

  it('skips a header, blank lines, comments, CRLF line ends and a byte-order mark', () => {
    const d = parseCsv('\ufeff# my points\r\nx, y, label\r\n\r\n 1 , 2 , 0\r\n# more\r\n3,4,1\r\n   \r\n');
    expect(d.header).toEqual(['x', 'y', 'label']);
    expect(d.y.length).toBe(2);
    expect(Array.from(d.x)).toEqual([1, 2, 3, 4]);
  });

  it('accepts quoted header names', () => {
    expect(parseCsv('"x1","x2","class"\n1,2,0\n2,1,1').header).toEqual(['x1', 'x2', 'class']);
  });

  it('numbers string labels in order of first appearance', () => {
    const d = parseCsv('1,2,b\n2,3,a\n3,4,b\n4,5,c');
    expect(d.classes).toBe(3);
    expect(Array.from(d.y)).toEqual([0, 1, 0, 2]);
    expect(d.labelNames).toEqual(['b', 'a', 'c']);
  });

  it('takes classes as the largest index + 1 (at least 2)', () => {
    expect(parseCsv('1,2,0\n2,3,5').classes).toBe(6);
    expect(parseCsv('1,2,0\n2,3,0').classes).toBe(2);
    expect(parseCsv('1,2,1.0\n2,3,0').classes).toBe(2);
  });

  it('reads other numeric labels as regression targets', () => {
    const r = parseCsv('0,1.5\n1,-2\n2,3');
    expect(r.classes).toBe(0);
    expect(Array.from(r.y)).toEqual([1.5, -2, 3]);
    // integers, but too many distinct values (or too large) to be class indices
    const many = Array.from({ length: 20 }, (_, i) => `${i},${i}`).join('\n');
    expect(parseCsv(many).classes).toBe(0);
    expect(parseCsv('1,0\n2,100').classes).toBe(0);
    expect(parseCsv('1,-1\n2,1').classes).toBe(0);
  });

  it('exports its default limits', () => {
    expect(CSV_MAX_BYTES).toBe(20 * 1024 * 1024);
    expect(CSV_MAX_ROWS).toBe(1_000_000);
  });

  it('reads a large file at the cost of splitting it into numbers', () => {
    const rows = Array.from({ length: 100000 }, (_, i) => `${i / 1000},${-i / 7},${i % 3}`).join('\n');
    const d = parseCsv(rows);
    expect(d.y.length).toBe(100000);
    expect(d.classes).toBe(3);
    // The plainest reading of the same text: lines, cells, numbers. The reader's checks cost a small
    // factor more (2.2–2.9 measured, alone and beside three busy processes); a step quadratic in the rows
    // grows with them and leaves this bound far behind at 100,000.
    const split = () => {
      const lines = rows.split('\n');
      const out = new Float64Array(lines.length * 3);
      lines.forEach((line, i) => line.split(',').forEach((cell, u) => (out[i * 3 + u] = Number(cell))));
      return out;
    };
    expect(costRatio(() => parseCsv(rows), split)).toBeLessThan(10);
  });
});

describe('parseCsv: errors name the line', () => {
  it('wrong column count', () => {
    const e = errorOf('1,2,0\n3,4,1\n5,6,7,1\n');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^line 3: expected 3 columns as on the first row, found 4/);
  });

  it('too few or too many columns on the first row', () => {
    expect(errorOf('# c\n5\n').message).toMatch(/^line 2: found 1 column; .*2 to 4 columns/);
    expect(errorOf('1,2,3,4,0\n').message).toMatch(/^line 1: found 5 columns/);
  });

  it('a value that is not a number', () => {
    const e = errorOf('x,y,label\n1,2,0\n1,abc,1\n');
    expect(e.line).toBe(3);
    expect(e.message).toBe('line 3: column 2: "abc" is not a number');
    expect(errorOf('1,2,0\nfoo,2,1').message).toMatch(/^line 2: column 1: "foo" is not a number/);
  });

  it('a mixed first row is not a header', () => {
    expect(errorOf('x,1,0\n1,2,0').message).toMatch(/^line 1: column 1: "x" is not a number/);
  });

  it('an empty cell', () => {
    expect(errorOf('1,2,0\n1,,0').message).toBe('line 2: column 2 is empty');
    expect(errorOf('1,2,0\n1,2,').message).toMatch(/^line 2: the label \(column 3\) is empty/);
  });

  it('NaN and Infinity', () => {
    expect(errorOf('1,2,0\nNaN,2,1').message).toMatch(/^line 2: column 1 is "NaN"; only finite numbers/);
    expect(errorOf('1,2,0\n1,-Infinity,1').message).toMatch(/^line 2: column 2 is "-Infinity"/);
    expect(errorOf('1,2,0\n1,inf,1').line).toBe(2);
    expect(errorOf('1,2,0\n1,1e999,1').message).toMatch(/^line 2: column 2: 1e999 is out of range/);
    expect(errorOf('1,2,0\n1,2,NaN').message).toMatch(/^line 2: the label "NaN" is not allowed/);
  });

  it('an empty file', () => {
    for (const text of ['', '\n\n', '# only a comment\n', 'x,y,label\n']) {
      const e = errorOf(text);
      expect(e.line).toBeNull();
      expect(e.message).toMatch(/empty: no data rows/);
    }
  });

  it('a file over the size limit', () => {
    const e = errorOf('1,2,0\n'.repeat(100), { maxBytes: 500 });
    expect(e.line).toBeNull();
    expect(e.message).toBe('the file is too large: it is 600 bytes, and a CSV file may be at most 500 bytes');
    // multi-byte characters count as their UTF-8 length: '0,é\n' is 5 bytes, a pair of surrogates 4
    expect(() => parseCsv('0,é\n'.repeat(100), { maxBytes: 499 })).toThrow(/it is 500 bytes/);
    expect(parseCsv('0,é\n'.repeat(100), { maxBytes: 500 }).y.length).toBe(100);
    expect(() => parseCsv('1,\u{1F600}\n', { maxBytes: 6 })).toThrow(/it is 7 bytes,/);
  });

  it('too many rows', () => {
    const e = errorOf('x,y,label\n1,2,0\n3,4,1\n5,6,1\n', { maxRows: 2 });
    expect(e.line).toBe(4);
    expect(e.message).toBe('line 4: too many rows: the limit is 2 data rows');
  });

  it('too many distinct string labels', () => {
    const rows = Array.from({ length: 17 }, (_, i) => `${i},c${i}`);
    const e = errorOf(['# names', ...rows].join('\n'));
    expect(e.line).toBe(18);
    expect(e.message).toMatch(
      /^line 18: label "c16" is a 17th distinct class name; labels must be at most 16/,
    );
  });
});

describe('parseCsv: labels read as classes or as regression targets', () => {
  it('says why whole-number labels of 16 or more became regression targets', () => {
    const rows = Array.from({ length: 18 }, (_, i) => `${i / 10},${i}`);
    const d = parseCsv(['x,label', ...rows].join('\n'));
    expect(d.classes).toBe(0);
    // the label 16 is the 17th data row, on line 18 (after the header)
    expect(d.regressionReason).toBe(
      'the label 16 on line 18 is not a class index (0 to 15), so the labels were read as regression targets',
    );
    expect(parseCsv('1,0.5\n2,1').regressionReason).toMatch(/^the label 0.5 on line 1 is not a whole number/);
    expect(parseCsv('1,0\n2,1').regressionReason).toBeNull();
    expect(parseCsv('1,a\n2,b').regressionReason).toBeNull();
  });

  it('classes: true reads every distinct value as a class, in increasing order of value', () => {
    const d = parseCsv('1,40\n2,17\n3,40\n4,100\n5,17.0', { classes: true });
    expect(d.classes).toBe(3);
    expect(Array.from(d.y)).toEqual([1, 0, 1, 2, 0]);
    expect(d.labelNames).toEqual(['17', '40', '100']);
    expect(d.regressionReason).toBeNull();
    const f = parseCsv('1,0.5\n2,-1\n3,0.5', { classes: true });
    expect(Array.from(f.y)).toEqual([1, 0, 1]);
    expect(f.labelNames).toEqual(['-1', '0.5']);
    // class indices stay as they are
    const idx = parseCsv('1,2\n2,0', { classes: true });
    expect(Array.from(idx.y)).toEqual([2, 0]);
    expect(idx.classes).toBe(3);
    expect(idx.labelNames).toBeNull();
  });

  it('classes: true refuses a 17th distinct value, naming its line', () => {
    const rows = Array.from({ length: 17 }, (_, i) => `${i},${i + 100}`);
    const e = errorOf(rows.join('\n'), { classes: true });
    expect(e.line).toBe(17);
    expect(e.message).toMatch(
      /^line 17: label "116" is a 17th distinct label value; labels must be at most 16/,
    );
  });
});

describe('parseCsv: messages stay short', () => {
  it('an out-of-range cell or label is shortened', () => {
    const long = `1${'0'.repeat(5_000_000)}`;
    const cell = errorOf(`1,2,0\n${long},2,1`);
    expect(cell.message).toBe(`line 2: column 1: ${long.slice(0, 37)}... is out of range for 32-bit floats`);
    const label = errorOf(`1,2,0\n1,2,${long}`);
    expect(label.message.length).toBeLessThan(100);
    expect(label.message).toMatch(/^line 2: the label 1000.*\.\.\. is out of range/);
  });
});

describe('CSV bytes: one decoder for the app and the command line', () => {
  const text = 'x,y,label\n0.5,-1,a\n2,3,b\n';
  const utf16 = (littleEndian: boolean): Uint8Array => {
    const out = new Uint8Array(2 + 2 * text.length);
    const view = new DataView(out.buffer);
    view.setUint16(0, 0xfeff, littleEndian);
    for (let i = 0; i < text.length; i++) view.setUint16(2 + 2 * i, text.charCodeAt(i), littleEndian);
    return out;
  };

  it('reads UTF-8 (with or without a byte-order mark) and UTF-16 with one, either byte order', () => {
    const plain = new TextEncoder().encode(text);
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...plain]);
    for (const bytes of [plain, withBom, utf16(true), utf16(false)]) {
      expect(decodeCsvBytes(bytes)).toBe(text);
      const d = parseCsvBytes(bytes);
      expect(Array.from(d.x)).toEqual([0.5, -1, 2, 3]);
      expect(d.labelNames).toEqual(['a', 'b']);
    }
  });

  it('refuses bytes that are not text', () => {
    expect(() => decodeCsvBytes(new Uint8Array([0x31, 0x2c, 0xff, 0x0a]))).toThrow(
      /^the file is not text: it is not UTF-8, nor UTF-16 with a byte-order mark$/,
    );
    // UTF-16 without its mark reads as UTF-8 with NUL characters
    expect(() => decodeCsvBytes(utf16(true).subarray(2))).toThrow(/NUL characters.*byte-order mark/);
    expect(() => decodeCsvBytes(new Uint8Array([0xff, 0xfe, 0x00, 0xd8]))).toThrow(/UTF-16LE/);
  });

  it('limits the bytes of the file before decoding, with exact sizes', () => {
    expect(() => parseCsvBytes(new Uint8Array(501), { maxBytes: 500 })).toThrow(
      'the file is too large: it is 501 bytes, and a CSV file may be at most 500 bytes',
    );
    expect(formatBytes(CSV_MAX_BYTES)).toBe('20,971,520 bytes (20 MiB)');
    expect(formatBytes(CSV_MAX_BYTES + 1)).toBe('20,971,521 bytes');
    expect(formatBytes(2048)).toBe('2,048 bytes (2 KiB)');
    expect(formatBytes(1)).toBe('1 byte');
  });

  it('passes the classes option on', () => {
    const bytes = new TextEncoder().encode('1,20\n2,30\n');
    expect(parseCsvBytes(bytes).classes).toBe(0);
    expect(parseCsvBytes(bytes, { classes: true }).classes).toBe(2);
  });
});
