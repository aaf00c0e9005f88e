/**
 * Opening files and links (src/app/io/openExperiment.ts) against a fake host: a change applies whole or
 * not at all, and the page says what happened.
 */
import { describe, expect, it } from 'vitest';
import { CSV_MAX_BYTES, parseCsv } from '../src/data/csv';
import type { DataState } from '../src/app/runtime/runtime';
import {
  importModelFile,
  importModelText,
  startFresh,
  uploadCsv,
  type OpenHost,
} from '../src/app/io/openExperiment';
import { MODEL_MAX_BYTES } from '../src/share/modelFormat';
import { fakeOpenHost } from './helpers/appHosts';

function host(options: { failRebuild?: boolean } = {}) {
  const csvData = (_s: OpenHost['settings'], csv: DataState | null): DataState => {
    if (!csv) throw new Error('only CSV data in these tests');
    return csv;
  };
  let rebuilds = 0;
  const made = fakeOpenHost(csvData, {
    rebuildAll: async () => {
      rebuilds++;
    },
    rebuildNetwork: async () => {
      rebuilds++;
      if (options.failRebuild && rebuilds === 1) throw new Error('no device');
    },
  });
  return { ...made, h: Object.assign(made.h, { rebuilds: () => rebuilds }) };
}

const CSV = 'x,y,label\n0.5,1,0\n-1,0.25,1\n3,4,1\n0,0,0\n';

describe('opening files and links', () => {
  it('a file one byte over the limit says both sizes exactly, in bytes and MiB', async () => {
    const { h, notice } = host();
    expect(await importModelFile(h, new File([new Uint8Array(MODEL_MAX_BYTES + 1)], 'big.json'))).toBe(false);
    expect(notice.shown.at(-1)?.text).toBe(
      'big.json cannot be imported: it is 22,020,097 bytes, and a model file may be at most ' +
        '22,020,096 bytes (21 MiB). The current experiment is kept.',
    );
    expect(await uploadCsv(h, new File([new Uint8Array(CSV_MAX_BYTES + 1)], 'big.csv'))).toBe(false);
    expect(notice.shown.at(-1)?.text).toBe(
      'big.csv cannot be loaded: it is 20,971,521 bytes, and a CSV file may be at most ' +
        '20,971,520 bytes (20 MiB). The current data is kept.',
    );
  });

  it('trains on a CSV: the settings through the door, the data as a resource, the page says so', async () => {
    const { h, door, notice, calls } = host();
    const ok = await uploadCsv(h, new File([CSV], 'points.csv'));
    expect(ok).toBe(true);
    expect(h.csv?.name).toBe('points');
    expect(door.settings.preset).toBe('');
    expect(door.commands.map((c) => c.type)).toEqual(['replaceSettings']);
    expect(calls).toContain('left: Another network was opened');
    expect(notice.shown.at(-1)?.text).toMatch(/Loaded points\.csv: 4 points, 2 inputs, 2 classes/);
  });

  it('puts the previous settings and data back when the rebuild fails', async () => {
    const { h, door, notice } = host({ failRebuild: true });
    const before = structuredClone(door.settings);
    const ok = await uploadCsv(h, new File([CSV], 'points.csv'));
    expect(ok).toBe(false);
    expect(door.settings).toEqual(before);
    expect(h.csv).toBeNull();
    expect(notice.shown.at(-1)?.kind).toBe('error');
    expect(notice.shown.at(-1)?.text).toMatch(
      /points\.csv cannot be used: no device\. The current experiment is kept\./,
    );
  });

  it('refuses a model file that is not one, changing nothing', async () => {
    const { h, door, notice } = host();
    const before = structuredClone(door.settings);
    expect(await importModelText(h, '{"not": "a model"}', 'm.json')).toBe(false);
    expect(door.settings).toEqual(before);
    expect(door.commands).toEqual([]);
    expect(notice.shown[0].text).toMatch(/^m\.json cannot be imported: .*The current experiment is kept\.$/);
  });

  it('starts fresh: the saved state cleared, the default settings, the address rewritten', async () => {
    const { h, door, calls } = host();
    door.settings.learningRate = 0.123;
    await startFresh(h);
    expect(calls.slice(0, 1)).toEqual(['saver cleared']);
    expect(door.settings.learningRate).not.toBe(0.123);
    expect(calls).toContain('write q');
    expect(h.rebuilds()).toBe(1);
  });

  it('parses the CSV it is given', () => {
    expect(parseCsv(CSV).y.length).toBe(4);
  });
});
