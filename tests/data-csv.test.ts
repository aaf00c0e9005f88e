import { describe, expect, it } from 'vitest';
import { CSV_MAX_BYTES, CSV_MAX_ROWS, CsvError, parseCsv } from '../src/data/csv';

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

  it('reads a large file quickly', () => {
    const rows = Array.from({ length: 100000 }, (_, i) => `${i / 1000},${-i / 7},${i % 3}`).join('\n');
    const t = performance.now();
    const d = parseCsv(rows);
    expect(d.y.length).toBe(100000);
    expect(d.classes).toBe(3);
    expect(performance.now() - t).toBeLessThan(3000);
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
    expect(e.message).toMatch(/too large: more than 500 bytes/);
    // multi-byte characters count as their UTF-8 length
    expect(() => parseCsv('é,0\n'.repeat(100), { maxBytes: 450 })).toThrow(/too large/);
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
