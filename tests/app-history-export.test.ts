/**
 * A model file's history (src/app/timeline/historyFiles.ts) at its boundary: training paused exactly on a
 * kept step has not read that moment yet (it is read on the way on), yet the export holds it, once; a
 * moment already kept is not written twice, and the moments stop at the exported step.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ExportHost } from '../src/app/io/exports';
import { exportModelWithHistory } from '../src/app/timeline/historyFiles';
import type { TrainerState } from '../src/app/runtime/trainer';
import { buildSpec, paramLayout } from '../src/engine/spec';
import { History } from '../src/history/history';
import { importModel } from '../src/share/modelImport';
import { fakeDoor, fakeNotice } from './helpers/appHosts';

vi.mock('../src/app/io/videoExport', async (original) => ({
  ...(await original<typeof import('../src/app/io/videoExport')>()),
  download: () => {},
}));

const spec = buildSpec([2, 3, 1], 'tanh', 'bce');
const P = paramLayout(spec).count;
const stateAt = (step: number): TrainerState => ({
  step,
  params: Float32Array.from({ length: P }, (_, i) => step + i / 100),
  moments: Float32Array.from({ length: 2 * P }, (_, i) => i / 1000),
});

/** A history with a moment at every kept step before `until` (and at `until` too when `withLast`). */
function historyTo(until: number, withLast: boolean): History {
  const history = new History();
  for (let step = 0; step < until || (withLast && step === until); step = history.nextKept(step)) {
    const s = stateAt(step);
    history.record({
      ...s,
      statsStep: null,
      epoch: null,
      trainLoss: null,
      testLoss: null,
      trainAccuracy: null,
      testAccuracy: null,
    });
  }
  return history;
}

async function exportAt(state: TrainerState, history: History) {
  const door = fakeDoor();
  const notice = fakeNotice();
  const host = {
    settings: door.settings,
    spec,
    trainer: { step: state.step },
    csvName: null,
    isBusy: false,
    dom: { mainCanvas: {} as HTMLCanvasElement },
    views: {} as ExportHost['views'],
    exportOptions: { includeWeights: true, videoSize: '1280x720', videoSeconds: 5, videoWhat: 'training' },
    notice,
    panel: { setRecording: () => {} },
    progress: { show: () => {}, hide: () => {} },
    recording: null,
    experiment: () => null,
    view: () => ({}) as ReturnType<ExportHost['view']>,
    renderNow: () => {},
    freshState: () => Promise.resolve(state),
    dispatch: door.dispatch,
    recorder: { history },
  } satisfies ExportHost & { recorder: { history: History } };
  const json = await exportModelWithHistory(host);
  expect(json, notice.shown.map((n) => n.text).join('\n')).not.toBeNull();
  const steps = (importModel(json!).history ?? []).map((m) => m.step);
  return { steps, file: importModel(json!), notice };
}

describe('a history exported at a kept step', () => {
  // A kept step beyond the dense start, where the spacing leaves the next step out.
  const kept = new History().nextKept(1000);

  it('paused exactly on a kept step not read yet: the export holds that moment, once', async () => {
    const history = historyTo(kept, false);
    expect(history.last!.step).toBeLessThan(kept);
    const { steps, file, notice } = await exportAt(stateAt(kept), history);
    expect(steps.filter((s) => s === kept)).toEqual([kept]);
    expect(steps.at(-1)).toBe(kept);
    const last = file.history!.at(-1)!;
    expect(Array.from(last.params)).toEqual(Array.from(stateAt(kept).params));
    expect(notice.shown.at(-1)?.text).toMatch(new RegExp(`with ${steps.length} moments`));
  });

  it('a kept step already read is written once, not again from the state', async () => {
    const { steps } = await exportAt(stateAt(kept), historyTo(kept, true));
    expect(steps.filter((s) => s === kept)).toEqual([kept]);
    expect(new Set(steps).size).toBe(steps.length);
  });

  it('paused one step past a kept step: the moments stop at that kept step', async () => {
    const { steps } = await exportAt(stateAt(kept + 1), historyTo(kept, true));
    expect(steps.at(-1)).toBe(kept);
    expect(new History().isKept(kept + 1)).toBe(false);
  });

  it('paused at step 0 (a link’s weights, never trained): the one moment is step 0', async () => {
    const { steps } = await exportAt(stateAt(0), new History());
    expect(steps).toEqual([0]);
  });
});
