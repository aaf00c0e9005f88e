/**
 * Share & export (src/app/io/exports.ts) against a fake host: what cannot be shared or saved is refused
 * with words, nothing is downloaded, and nothing throws.
 */
import { describe, expect, it } from 'vitest';
import { copyLink, exportPng, recordVideo, sizeText, type ExportHost } from '../src/app/io/exports';
import { fakeDoor, fakeNotice } from './helpers/appHosts';

function host(over: Partial<ExportHost> = {}) {
  const door = fakeDoor();
  const notice = fakeNotice();
  const h: ExportHost = {
    settings: door.settings,
    spec: null,
    trainer: { step: 10 },
    csvName: null,
    isBusy: false,
    dom: { mainCanvas: {} as HTMLCanvasElement },
    views: {} as ExportHost['views'],
    exportOptions: { includeWeights: false, videoSize: '1280x720', videoSeconds: 5, videoWhat: 'training' },
    notice,
    panel: { setRecording: () => {} },
    progress: { show: () => {}, hide: () => {} },
    recording: null,
    experiment: () => null,
    view: () => ({}) as ReturnType<ExportHost['view']>,
    renderNow: () => {},
    freshState: () => Promise.resolve(null),
    dispatch: door.dispatch,
    ...over,
  };
  return { h, notice, door };
}

describe('share and export', () => {
  it('will not put a CSV in a link', async () => {
    const { h, notice, door } = host({ csvName: 'points' });
    expect(await copyLink(h)).toBeNull();
    expect(door.run.lastLink).toBeNull();
    expect(notice.shown).toEqual([
      expect.objectContaining({
        kind: 'error',
        text: expect.stringMatching(/cannot carry the points of points/),
      }),
    ]);
  });

  it('has no link before there is an experiment', async () => {
    const { h, notice } = host();
    expect(await copyLink(h)).toBeNull();
    expect(notice.shown[0].text).toBe('There is no experiment to link to yet.');
  });

  it('waits for a rebuild before taking a picture', async () => {
    const { h, notice, door } = host({ isBusy: true });
    expect(await exportPng(h)).toBeNull();
    expect(door.run.lastExport).toBeNull();
    expect(notice.shown).toEqual([
      expect.objectContaining({ kind: 'info', text: 'The view is being rebuilt: try again in a moment.' }),
    ]);
  });

  it('records one video at a time, changing nothing while one runs', async () => {
    const recording = { width: 1, height: 1, what: 'training' as const, startedAt: 0, seconds: 1 };
    const { h, door } = host({ recording });
    expect(await recordVideo(h)).toBeNull();
    expect(door.commands).toEqual([]);
  });

  it('says sizes in bytes, KiB and MiB (powers of 2 are never called KB or MB)', () => {
    expect(sizeText(1)).toBe('1 byte');
    expect(sizeText(10)).toBe('10 bytes');
    expect(sizeText(2048)).toBe('2 KiB');
    expect(sizeText(1024 * 1024 - 1)).toBe('1024 KiB');
    expect(sizeText(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});
