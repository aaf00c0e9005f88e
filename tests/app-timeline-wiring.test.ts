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
import { buildSpec, paramLayout, type NetworkSpec } from '../src/engine/spec';
import { evaluate } from '../src/engine/twin';
import { makeDataset } from '../src/data/registry';
import { splitDataset } from '../src/data/split';
import type { HistoryEntry } from '../src/history/history';

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

describe("the timeline's label", () => {
  it('shows the step, loss and accuracy of the moment shown, not the statistics known when it was kept', () => {
    const { h, wiring } = host(300);
    const spec = buildSpec([2, 3, 2], 'tanh', 'ce');
    const data = makeDataset('rings', { samples: 200 }, 3);
    const split = splitDataset(data, 0.25, 3);
    (h as { data: TimelineHost['data'] }).data = {
      name: 'rings',
      full: data,
      train: split.train,
      test: split.test,
      labelNames: null,
    };
    (h.trainer as { spec: NetworkSpec }).spec = spec;
    const count = paramLayout(spec).count;
    const weights = (step: number) =>
      Float32Array.from({ length: count }, (_, i) => Math.sin(i * 1.3 + step));
    // As the GPU keeps moments: step 222 carries the statistics last read back, those of step 91.
    const kept = (step: number, statsStep: number): HistoryEntry => ({
      step,
      params: weights(step),
      moments: null,
      statsStep,
      epoch: 3,
      trainLoss: 0.6931,
      testLoss: 0.7,
      trainAccuracy: 0.554,
      testAccuracy: 0.5,
    });
    h.recorder.adopt([kept(91, 91), kept(222, 91)]);
    wiring.seek(1);
    wiring.frame(0);
    const own = evaluate(spec, weights(222), split.train, true);
    expect(own.accuracy).not.toBeCloseTo(0.554, 2);
    expect(wiring.text).toBe(
      `step 222 · accuracy ${(100 * own.accuracy!).toFixed(1)} % · loss ${own.loss.toFixed(4)} · epoch 3`,
    );
    const e = h.recorder.history.entries[1];
    expect([e.statsStep, e.trainLoss, e.trainAccuracy]).toEqual([222, own.loss, own.accuracy]);
    expect(e.testAccuracy).toBe(evaluate(spec, weights(222), split.test!, true).accuracy);
    // A moment that carries its own statistics keeps them.
    wiring.seek(0);
    wiring.frame(1);
    expect(wiring.text).toBe('step 91 · accuracy 55.4 % · loss 0.6931 · epoch 3');
    // Without data to measure on, the label says which step its figures are from.
    (h as { data: TimelineHost['data'] }).data = null;
    h.recorder.adopt([kept(91, 91), kept(222, 91)]);
    wiring.seek(1);
    wiring.frame(2);
    expect(wiring.text).toBe('step 222 · accuracy 55.4 % · loss 0.6931 (at step 91) · epoch 3');
  });
});
