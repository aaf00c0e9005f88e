/**
 * The timeline in the app (src/app/timeline/timelineWiring.ts) against a fake host, without a bar: a
 * model file's history becomes the timeline up to the live step, a click on the chart seeks the nearest
 * kept moment (pausing training and drawing its weights), and going live hands the weights back.
 */
import { describe, expect, it } from 'vitest';
import type { ModelMoment } from '../src/share/modelFormat';
import { HistoryRecorder } from '../src/app/timeline/historyRecorder';
import { TimelineWiring, type TimelineHost } from '../src/app/timeline/timelineWiring';
import type { Trainer } from '../src/app/runtime/trainer';
import { fakeDoor } from './helpers/appHosts';

const moment = (step: number): ModelMoment => ({
  step,
  epoch: null,
  trainLoss: 1 / (1 + step),
  testLoss: null,
  trainAccuracy: null,
  testAccuracy: null,
  params: new Float32Array([step, -step]),
  moments: null,
});

function host(liveStep: number) {
  const door = fakeDoor();
  const drawn: number[][] = [];
  const chart: { onSeek: ((step: number) => void) | null; setCursor: (s: number | null) => void } = {
    onSeek: null,
    setCursor: () => {},
  };
  const live = { params: new Float32Array([liveStep, 0]), moments: null, step: liveStep };
  const trainer = {
    step: liveStep,
    params: live.params,
    state: live,
    readNow: () => Promise.resolve(live),
  } as unknown as Trainer;
  const h: TimelineHost = {
    settings: door.settings,
    trainer,
    data: null,
    layers: 3,
    divergedAt: null,
    recorder: new HistoryRecorder(),
    stories: { run: null },
    chart: chart as TimelineHost['chart'],
    views: { setParams: (p: Float32Array) => drawn.push(Array.from(p)), selected: -1 },
    loop: { dirty: false },
    dom: {},
    dispatch: door.dispatch,
    queue: async (task) => task(),
    loadState: () => {},
    select: () => {},
  };
  return { h, door, drawn, chart, wiring: new TimelineWiring(h) };
}

describe('the timeline wiring', () => {
  it("adopts a file's history up to the live step, that step included", () => {
    const { h, wiring } = host(200);
    expect(wiring.adopt([moment(0), moment(100), moment(200), moment(300)])).toBe(3);
    expect(h.recorder.history.entries.map((e) => e.step)).toEqual([0, 100, 200]);
  });

  it('adopts the whole history of a file without optimiser state (its network starts at step 0)', () => {
    const { h, wiring } = host(0);
    expect(wiring.adopt([moment(0), moment(100), moment(300)])).toBe(3);
    expect(h.recorder.history.entries.map((e) => e.step)).toEqual([0, 100, 300]);
  });

  it('seeks the kept moment nearest a click on the chart: training pauses, its weights are drawn', () => {
    const { door, drawn, chart, wiring } = host(300);
    wiring.adopt([moment(0), moment(100), moment(200), moment(300)]);
    door.settings.playing = true;
    chart.onSeek?.(110);
    expect(wiring.scrub.index).toBe(1);
    expect(door.settings.playing).toBe(false);
    expect(drawn.at(-1)).toEqual([100, -100]);
  });
});
