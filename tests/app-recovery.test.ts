/**
 * A diverged run (src/app/runtime/recovery.ts) against a fake host: it pauses and offers a way on; going
 * on lowers the learning rate tenfold through the door and returns to the last good snapshot before the
 * divergence, with the chart cut back to it.
 */
import { describe, expect, it } from 'vitest';
import {
  continueAfterDivergence,
  diverged,
  lostRun,
  resumeOnNewDevice,
  type RecoveryHost,
} from '../src/app/runtime/recovery';
import { Snapshots } from '../src/app/runtime/snapshots';
import { HistoryRecorder } from '../src/app/timeline/historyRecorder';
import type { Trainer, TrainerState } from '../src/app/runtime/trainer';
import { fakeDoor, fakeNotice } from './helpers/appHosts';

const state = (step: number): TrainerState => ({ params: new Float32Array([step]), moments: null, step });

function host() {
  const door = fakeDoor();
  const notice = fakeNotice();
  const log: string[] = [];
  const trainer = {
    setOptimizer: (o: { learningRate: number }) => log.push(`optimizer ${o.learningRate}`),
    restore: (s: TrainerState) => log.push(`restore ${s.step}`),
    clearDivergence: (step: number) => log.push(`clear ${step}`),
  } as unknown as Trainer;
  const snapshots = new Snapshots();
  const recorder = new HistoryRecorder();
  // The network the app rebuilds: a new one forgets the snapshots and the history, as the app does.
  const network = { key: 'net-a' };
  snapshots.clear(network.key);
  const h: RecoveryHost = {
    settings: door.settings,
    trainer,
    snapshots,
    recorder,
    notice,
    chart: { clear: () => log.push('chart clear'), truncate: (s: number) => log.push(`truncate ${s}`) },
    panel: { unitPicks: new Map() },
    dom: {} as RecoveryHost['dom'],
    device: null,
    adapter: 'fake',
    views: { setParams: () => log.push('draw') } as unknown as RecoveryHost['views'],
    get divergedAt() {
      return door.run.divergedAt;
    },
    get deviceLost() {
      return door.run.deviceLost;
    },
    disposed: false,
    dispatch: (c) => {
      door.dispatch(c);
      if (c.type === 'setLearningRate')
        trainer.setOptimizer({ learningRate: door.settings.learningRate } as never);
    },
    queue: async (task) => task(),
    rebuildNetwork: async () => {
      log.push('rebuild');
      snapshots.clear(network.key);
      recorder.clear();
    },
    disposeTraining: () => {},
    restored: () => log.push('restored'),
  };
  return { h, door, notice, log, snapshots, recorder, network };
}

describe('a diverged run', () => {
  it('pauses, forgets the snapshots from the divergence on, and offers two ways on', () => {
    const { h, door, notice, snapshots } = host();
    door.settings.playing = true;
    door.settings.learningRate = 3;
    snapshots.offer(state(100), 0);
    snapshots.offer(state(200), 2000);
    diverged(h, 150);
    expect(h.divergedAt).toBe(150);
    expect(door.settings.playing).toBe(false);
    expect(snapshots.latest?.step).toBe(100);
    expect(notice.shown[0].kind).toBe('error');
    expect(notice.shown[0].text).toMatch(/Training diverged at step 150.*learning rate \(3\)/);
    expect(notice.shown[0].actions.map((a) => a.label)).toEqual([
      'Lower the learning rate ×0.1 (to 0.3) and continue',
      'Reset weights',
    ]);
  });

  it('goes on at a tenth of the rate from the last snapshot before the divergence', () => {
    const { h, door, notice, log, snapshots } = host();
    door.settings.learningRate = 3;
    snapshots.offer(state(100), 0);
    diverged(h, 150);
    log.length = 0;
    notice.shown[0].actions[0].run();
    expect(door.settings.learningRate).toBeCloseTo(0.3, 12);
    expect(log).toEqual(['optimizer 0.3', 'restore 100', 'truncate 100', 'restored']);
    expect(h.divergedAt).toBeNull();
    expect(door.settings.playing).toBe(true);
    expect(notice.shown.at(-1)?.text).toMatch(
      /lowered to 0\.3; training goes on from step 100, the last snapshot/,
    );
  });

  it('without a snapshot goes on from the step before the divergence, kept by the engine', () => {
    const { h, log } = host();
    diverged(h, 40);
    log.length = 0;
    continueAfterDivergence(h);
    expect(log).toEqual([expect.stringMatching(/^optimizer /), 'clear 39', 'truncate 39', 'restored']);
  });

  it('does nothing when the run has not diverged', () => {
    const { h, door, log } = host();
    continueAfterDivergence(h);
    expect(log).toEqual([]);
    expect(door.commands).toEqual([]);
  });
});

/** Keeps a moment at every kept step up to `count` moments, as training on the GPU does. */
function keep(recorder: HistoryRecorder, count: number): number[] {
  const steps: number[] = [];
  for (let step = 0; recorder.history.length < count; step = recorder.history.nextKept(step)) {
    recorder.history.record({
      step,
      params: new Float32Array([step]),
      moments: new Float32Array([step, step]),
      statsStep: null,
      epoch: null,
      trainLoss: null,
      testLoss: null,
      trainAccuracy: null,
      testAccuracy: null,
    });
    steps.push(step);
  }
  return steps;
}

describe('a lost device', () => {
  it('keeps every kept moment on the new device, and training goes on from the latest state kept', async () => {
    const { h, door, log, notice, snapshots, recorder } = host();
    door.settings.playing = true;
    const steps = keep(recorder, 640);
    const last = steps[steps.length - 1];
    // The last snapshot came before the last kept moment: training goes on from the moment.
    snapshots.offer(state(last - 40), 0);
    const lost = lostRun(h);
    await resumeOnNewDevice(h, lost);
    expect(recorder.history.entries.map((e) => e.step)).toEqual(steps);
    expect(log).toEqual(['rebuild', `restore ${last}`, 'draw', `truncate ${last}`, 'restored']);
    expect(notice.shown.at(-1)?.text).toBe(
      `The GPU device was lost and a new one took over. Training goes on from step ${last}, ` +
        'the last kept moment of the weights and optimiser state.',
    );
    // Moments kept afterwards follow the old ones: an export holds them all.
    const next = recorder.history.nextKept(last);
    expect(recorder.history.record({ ...recorder.history.entries[0], step: next })).toBe(true);
    expect(recorder.history.length).toBe(641);
  });

  it('goes on from a snapshot later than the last kept moment, keeping the moments up to it', async () => {
    const { h, log, snapshots, recorder } = host();
    const steps = keep(recorder, 300);
    snapshots.offer(state(steps[steps.length - 1] + 3), 0);
    await resumeOnNewDevice(h, lostRun(h));
    expect(log[1]).toBe(`restore ${steps[steps.length - 1] + 3}`);
    expect(recorder.history.entries.map((e) => e.step)).toEqual(steps);
  });

  it('keeps no moments of another network (a device lost during an architecture change)', async () => {
    const { h, notice, recorder, snapshots, network } = host();
    keep(recorder, 20);
    snapshots.offer(state(19), 0);
    const lost = lostRun(h);
    network.key = 'net-b';
    await resumeOnNewDevice(h, lost);
    expect(recorder.history.length).toBe(0);
    expect(notice.shown.at(-1)?.text).toMatch(/from fresh weights: the last snapshot was of another network/);
  });
});
