/**
 * The report after each frame (src/app/shell/frameReport.ts) against a fake host: the speed probe sets
 * the pace once, a grid too dense to watch is lowered once a rebuild (through the door, said in the
 * banner), and the status line and counters follow a few times a second.
 */
import { DEFAULT_VIEW_SETTINGS } from '../src/view/viewSettings';
import { describe, expect, it } from 'vitest';
import { FrameReport, type ReportHost } from '../src/app/shell/frameReport';
import { defaultPace, type SpeedProbe } from '../src/app/shell/pace';
import type { CaptionBar } from '../src/app/shell/captionBar';
import type { StatusLine } from '../src/ui/status';
import { fakeDoor, fakeNotice } from './helpers/appHosts';
import { CEILING_MS, WINDOW_FRAMES } from '../src/app/shell/gridDensity';
import { GRID_SPEED_TOPIC, PACE_SLACK } from '../src/app/shell/frameReport';
import { buildSpec } from '../src/engine/spec';

function host(first: SpeedProbe | null) {
  let probe = first;
  const door = fakeDoor();
  const cleared: (string | undefined)[] = [];
  const notice = { ...fakeNotice(), clear: (topic?: string) => void cleared.push(topic) };
  const status: unknown[] = [];
  const h: ReportHost = {
    settings: door.settings,
    spec: null,
    data: null,
    csvName: null,
    trainer: { step: 42 },
    device: null,
    adapter: 'fake',
    divergedAt: null,
    views: { verticesPerFrame: 7, path: null, mistakes: { train: 0, test: 0 }, shown: DEFAULT_VIEW_SETTINGS },
    loop: { stepsPerSecond: 100, seenParams: 0, fps: 30 },
    speed: { probe: () => probe },
    stories: { lookFor: '' },
    chart: { setLiveStep: () => {} },
    notice,
    isBusy: false,
    bufferLimits: () => null,
    dom: { legend: { querySelector: () => null } as unknown as HTMLElement },
    hashSync: null,
    saver: null,
    pacedByProbe: true,
    gridProbe: true,
    dispatch: door.dispatch,
  };
  const report = new FrameReport(
    h,
    { update: () => {}, reset: () => {} } as unknown as CaptionBar,
    { show: (s: unknown) => status.push(s) } as unknown as StatusLine,
  );
  const setProbe = (p: SpeedProbe): void => {
    probe = p;
  };
  return { h, door, notice, cleared, report, status, setProbe };
}

describe('the report after a frame', () => {
  it('waits for the probe, then sets the pace once and leaves a quick grid alone', () => {
    const quick: SpeedProbe = { frameMs: 16, stepsPerSecond: 20000 };
    const { h, door, notice, report, setProbe } = host(null);
    report.afterDraw(100, 0);
    expect(door.commands.filter((c) => c.type !== 'runChanged')).toEqual([]);
    setProbe(quick);
    const grid = door.settings.gridSize;
    report.afterDraw(200, 0);
    report.afterDraw(300, 0);
    expect(door.commands.filter((c) => c.type !== 'runChanged')).toEqual([
      { type: 'probedPace', stepsPerFrame: defaultPace(quick) },
    ]);
    expect(door.settings.stepsPerFrame).toBe(defaultPace(quick));
    expect(door.settings.gridSize).toBe(grid);
    expect(h.pacedByProbe).toBe(false);
    expect(h.gridProbe).toBe(false);
    expect(notice.shown).toEqual([]);
  });

  it('the probe’s pace follows the measured speed until a person sets one', () => {
    const { door, report, setProbe } = host({ frameMs: 500, stepsPerSecond: 20000 });
    const paces = () => door.commands.filter((c) => c.type === 'probedPace').map((c) => c.stepsPerFrame);
    report.afterDraw(100, 0);
    expect(paces()).toEqual([defaultPace({ frameMs: 500, stepsPerSecond: 20000 })]);
    // Within PACE_SLACK: kept.
    setProbe({ frameMs: 500 / (1 + PACE_SLACK * 0.9), stepsPerSecond: 20000 });
    report.afterDraw(200, 0);
    expect(paces()).toHaveLength(1);
    // Frames twice as quick: half the steps a frame.
    setProbe({ frameMs: 250, stepsPerSecond: 20000 });
    report.afterDraw(300, 0);
    expect(paces()).toEqual([
      defaultPace({ frameMs: 500, stepsPerSecond: 20000 }),
      defaultPace({ frameMs: 250, stepsPerSecond: 20000 }),
    ]);
    // A person's speed stays.
    door.dispatch({ type: 'setSpeed', speed: 40 });
    setProbe({ frameMs: 1000, stepsPerSecond: 20000 });
    report.afterDraw(400, 0);
    report.afterDraw(500, 0);
    expect(paces()).toHaveLength(2);
    expect(door.settings.stepsPerFrame).toBe(40);
  });

  it('lowers a grid too slow to watch, once, and says so', () => {
    const slow: SpeedProbe = { frameMs: 1000, stepsPerSecond: 50 };
    const { door, notice, report } = host(slow);
    door.settings.gridSize = 96;
    report.afterDraw(100, 0);
    report.afterDraw(200, 0);
    const lowered = door.commands.filter((c) => c.type === 'lowerGrid');
    expect(lowered).toEqual([{ type: 'lowerGrid', gridSize: 48 }]);
    expect(door.settings.gridSize).toBe(48);
    expect(notice.shown.map((n) => n.text)).toEqual([
      expect.stringMatching(/takes 1000 ms a frame .* lowered from 96 to 48/),
    ]);
  });

  it('follows the frames both ways: lowers while slow, raises back to the chosen density, banner gone', () => {
    const { h, door, notice, cleared, report } = host({ frameMs: 400, stepsPerSecond: 50 });
    let now = 0;
    const frames = (n: number, ms: number): void => {
      for (let i = 0; i < n; i++) report.afterDraw((now += ms), 0);
    };
    const grids = () =>
      door.commands
        .filter((c) => c.type === 'lowerGrid' || c.type === 'raiseGrid')
        .map((c) => [c.type, c.gridSize]);
    // The probe after the rebuild: 400 ms frames at 64.
    frames(1, 400);
    expect(grids()).toEqual([['lowerGrid', 48]]);
    expect(notice.shown.at(-1)?.text).toMatch(/takes 400 ms a frame .* lowered from 64 to 48 .* towards 64/);
    // Still too slow: a window of frames lowers again.
    frames(WINDOW_FRAMES + 1, 400);
    expect(grids()).toEqual([
      ['lowerGrid', 48],
      ['lowerGrid', 32],
    ]);
    expect(door.settings.chosenGrid).toBe(64);
    // A rebuild's frames say nothing.
    (h as { isBusy: boolean }).isBusy = true;
    frames(WINDOW_FRAMES + 1, 16);
    (h as { isBusy: boolean }).isBusy = false;
    expect(grids()).toHaveLength(2);
    // Quick frames: back up, below the density found too slow for now, the banner says so.
    frames(WINDOW_FRAMES + 1, 16);
    expect(grids().at(-1)).toEqual(['raiseGrid', 40]);
    expect(notice.shown.at(-1)?.text).toMatch(/raised from 32 to 40, on its way back to 64/);
    frames(WINDOW_FRAMES + 1, 16);
    expect(grids()).toHaveLength(3);
    expect(cleared).toEqual([]);
    // Then, CEILING_MS on, the chosen density, and the banner goes.
    now += CEILING_MS;
    frames(WINDOW_FRAMES + 1, 16);
    expect(grids().at(-1)).toEqual(['raiseGrid', 64]);
    expect(door.settings.gridSize).toBe(64);
    expect(cleared).toEqual([GRID_SPEED_TOPIC]);
    // Never above it.
    frames(3 * (WINDOW_FRAMES + 1), 1);
    expect(door.settings.gridSize).toBe(64);
  });

  it('lowers a grid too costly for the network at once, before any frame, and says so once', () => {
    const { door, notice, report } = host(null);
    door.dispatch({ type: 'setGrid', gridSize: 256 });
    const deep = buildSpec([2, ...Array(11).fill(32), 1], 'tanh', 'bce');
    expect(report.affordableGrid(deep, 256)).toBe(72);
    expect(notice.shown.map((n) => n.text)).toEqual([
      expect.stringMatching(
        /12 layers, 353 units.* too slow to watch: the grid density is lowered from 256 to 72 at once.* towards 256/,
      ),
    ]);
    // The same network and chosen density again (a raise the frames allowed): kept, nothing said.
    expect(report.affordableGrid(deep, 128)).toBe(128);
    expect(notice.shown).toHaveLength(1);
    // A light network is left alone.
    expect(report.affordableGrid(buildSpec([2, 8, 8, 1], 'tanh', 'bce'), 256)).toBe(256);
    expect(notice.shown).toHaveLength(1);
  });

  it('a density the person sets clears the word about a lowered one', () => {
    const { door, cleared, report } = host({ frameMs: 400, stepsPerSecond: 50 });
    report.afterDraw(400, 0);
    expect(door.settings.gridSize).toBe(48);
    door.dispatch({ type: 'setGrid', gridSize: 32 });
    expect(door.settings.chosenGrid).toBe(32);
    report.afterDraw(416, 0);
    expect(cleared).toEqual([GRID_SPEED_TOPIC]);
  });

  it('shows the status a few times a second and says the run moved on', () => {
    const { door, report, status } = host(null);
    report.afterDraw(600, 0);
    report.afterDraw(700, 0);
    report.afterDraw(1200, 0);
    expect(status).toHaveLength(2);
    expect(status[0]).toMatchObject({ backend: 'WebGL2 + CPU', adapter: 'fake', fps: 30, vertices: 7 });
    expect(door.commands.filter((c) => c.type === 'runChanged')).toHaveLength(2);
  });
});
