/**
 * `npm run train -- ... --with-history`: the same training as runExperiment (same engine, kernels, seed and
 * steps), split at the steps the app's history keeps (src/history/history.ts: every step up to 256, then the
 * next kept step after s at most s·(1+ε), thinned to at most 1,000 moments).
 *
 * Which moments end up in the result is known before training: the run's steps are fixed, and so is the
 * thinning (see `plannedSteps`). Only those steps are read. At each, the weights and optimiser moments are
 * copied into a ring of staging buffers (queued behind the training so far, so the copy holds exactly that
 * step's state); training goes on at once, and the ring's buffers are mapped asynchronously. Splitting the
 * dispatches changes no result: the steps are the same.
 *
 * Loss and accuracy are measured at the kept moments that fall on an epoch's end (where the run without history
 * measures them), at the first, and at any that comes a whole epoch or more after the latest measured: about
 * one measurement an epoch, so a run's figures are never far apart. The others carry none (null), as a moment whose
 * statistics came from another step does in the app, which measures such a moment from its own weights when
 * it is shown (src/app/timeline/momentFigures.ts). Measuring every moment would cost one pass over all the
 * data per moment: far more than the training itself (888 moments of a 20-epoch rings run read 35 million
 * points where the training reads 2 million).
 */
import { History, NO_FIGURES, allFinite, figuresAt, type HistoryEntry } from '../history/history';
import type { ModelMoment } from '../share/modelFormat';
import type { Stats } from '../engine/types';
import type { Experiment } from '../experiment/experiment';
import type { RunOptions, RunResult } from '../experiment/run';
import { runResult, startRun } from '../experiment/run';

export interface HistoryRunOptions extends RunOptions {
  /** At most this many moments are kept at the end (a model file's limit: thinned as History.thinnedTo). */
  keep?: number;
  /** Moments of earlier training (a loaded model file's): the history goes on from those before its start. */
  from?: readonly ModelMoment[];
}

export interface HistoryRunResult extends RunResult {
  /** The kept moments (at most the recorder's capacity, and `keep`), by increasing step. */
  history: History;
  /** Seconds training waited for kept moments to come back (part of `seconds`). */
  historySeconds: number;
}

/** A history holding the earlier moments that precede `first` (where training goes on from). */
function continued(from: readonly ModelMoment[] | undefined, first: number): History {
  const history = new History();
  if (from && from.length > 0) {
    history.adopt(from.map((m): HistoryEntry => ({ ...m, statsStep: null })));
    history.dropAfter(first);
  }
  return history;
}

const PLACEHOLDER = new Float32Array(0);

/**
 * The steps from `first` to `last` (both included) whose moments the history holds at the end of a run
 * that goes on from the moments `from`, thinned to `keep` moments where given: the steps to read.
 */
export function plannedSteps(
  first: number,
  last: number,
  from?: readonly ModelMoment[],
  keep?: number,
): number[] {
  const history = continued(from, first);
  const before = history.last?.step ?? -1;
  for (let step = first; step <= last; step = history.nextKept(step)) {
    if (!history.wants(step)) continue;
    history.record({
      step,
      params: PLACEHOLDER,
      moments: null,
      epoch: null,
      ...NO_FIGURES,
    });
  }
  const entries = keep === undefined ? history.entries : history.thinnedTo(keep).entries;
  return entries.filter((e) => e.step > before).map((e) => e.step);
}

/**
 * Of the steps to read, those whose moments carry their own figures: those on an epoch's end (a whole number
 * of epochs from `first`), the first, and each that comes `perEpoch` steps or more after the latest before it
 * with figures. Taken over the steps a (thinned) file keeps, so that it holds figures about once an epoch.
 */
export function measuredSteps(steps: readonly number[], first: number, perEpoch: number): Set<number> {
  const out = new Set<number>();
  let latest: number | null = null;
  for (const step of steps) {
    if ((step - first) % perEpoch === 0 || latest === null || step - latest >= perEpoch) {
      out.add(step);
      latest = step;
    }
  }
  return out;
}

/** Staging buffers: RING_SLOTS of up to RING_SLOT_STATES states (weights, moments) each, about 1 MiB. */
const RING_SLOTS = 4;
const RING_SLOT_BYTES = 1 << 20;
const RING_SLOT_STATES = 64;
/**
 * Statistics asked of the engine at once: below its staging ring of four, so each request gets its own
 * buffer (a full ring would hand back the newest pending result, measured at another step). Each kept
 * moment holds one, so at most this many moments are in flight: taking the oldest maps the slot it lies
 * in and waits for that read, and a slot is filled again only once its read has landed.
 */
const STATS_IN_FLIGHT = 3;

interface Slot {
  buffer: GPUBuffer;
  /** States copied into it since it was last read. */
  count: number;
  /** Its read in flight (the states, in copy order), or null while it is free or being filled. */
  read: Promise<Float32Array> | null;
}

/** A kept moment queued on the GPU, or the statistics at an epoch's end, waiting to be taken in order. */
interface Pending {
  step: number;
  /** The statistics measured at this step, or null for a moment between measurements. */
  stats: Promise<Stats> | null;
  /** Where the state lies (absent for an epoch's statistics that are no kept moment). */
  slot?: Slot;
  index?: number;
  /** The slot's read, set when the slot is mapped. */
  states?: Promise<Float32Array>;
  epochEnd: boolean;
}

export async function runWithHistory(
  device: GPUDevice,
  exp: Experiment,
  options: HistoryRunOptions = {},
): Promise<HistoryRunResult> {
  const started = await startRun(device, exp, options);
  const { engine, first, perEpoch } = started;
  const P = engine.paramCount;
  const stateBytes = 3 * P * 4;
  const capacity = Math.max(1, Math.min(RING_SLOT_STATES, Math.floor(RING_SLOT_BYTES / stateBytes)));
  const slots: Slot[] = [];
  const history = continued(options.from, first);
  const planned = plannedSteps(first, first + exp.epochs * perEpoch, options.from, options.keep);
  const withFigures = measuredSteps(planned, first, perEpoch);
  const queue: Pending[] = [];
  let statsInFlight = 0;
  let filling: Slot | null = null;
  let waitedMs = 0;
  let diverged = false;
  let last: Stats | null = null;
  try {
    for (let i = 0; i < RING_SLOTS; i++) {
      slots.push({
        buffer: device.createBuffer({
          label: `History.cliRing[${i}]`,
          size: capacity * stateBytes,
          usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
        }),
        count: 0,
        read: null,
      });
    }

    /** Maps the slot being filled; its states come back with the promise. */
    const mapFilling = (): void => {
      const slot = filling;
      filling = null;
      if (!slot || slot.count === 0) return;
      const bytes = slot.count * stateBytes;
      const read = slot.buffer.mapAsync(GPUMapMode.READ, 0, bytes).then(() => {
        const states = new Float32Array(slot.buffer.getMappedRange(0, bytes).slice(0));
        slot.buffer.unmap();
        slot.count = 0;
        slot.read = null;
        return states;
      });
      slot.read = read;
      for (const p of queue) if (p.slot === slot && !p.states) p.states = read;
    };

    /** Takes the oldest pending item: records its moment, reports its epoch, notes a divergence. */
    const takeOldest = async (): Promise<void> => {
      if (queue[0].slot && !queue[0].states) mapFilling();
      const p = queue.shift()!;
      const began = performance.now();
      const s = p.stats ? await p.stats : null;
      if (p.stats) statsInFlight--;
      if (p.slot && !p.states) throw new Error(`history: the state of step ${p.step} was never read`);
      const states = p.states ? await p.states : null;
      waitedMs += performance.now() - began;
      // (Past a divergence the engine's position stays at the diverged step.)
      if (s && s.divergedAtStep === null && s.step !== p.step) {
        throw new Error(`history: the statistics of step ${p.step} came back for step ${s.step}`);
      }
      if (diverged) return;
      if (states && p.index !== undefined && s?.divergedAtStep == null) {
        const base = p.index * 3 * P;
        const params = states.subarray(base, base + P);
        const moments = states.subarray(base + P, base + 3 * P);
        if (allFinite(params) && allFinite(moments)) {
          history.record({
            step: p.step,
            params,
            moments,
            // Unmeasured: the engine's count of whole epochs of its training set done at this step.
            ...(s ? figuresAt(s, p.step) : { ...NO_FIGURES, epoch: Math.floor(p.step / perEpoch) }),
          });
        }
      }
      if (p.epochEnd && s) {
        last = s;
        options.onEpoch?.(s, exp.epochs);
      }
      if (s && s.divergedAtStep !== null) diverged = true;
    };

    /** Room for one more statistics request. */
    const statsRoom = async (): Promise<void> => {
      while (statsInFlight >= STATS_IN_FLIGHT && !diverged) await takeOldest();
    };

    /** A free staging slot (or the one being filled, while it has room). */
    const freeSlot = async (): Promise<Slot> => {
      if (filling && filling.count < capacity) return filling;
      mapFilling();
      for (;;) {
        const free = slots.find((s) => s.read === null && s.count === 0);
        if (free) return (filling = free);
        await takeOldest();
      }
    };

    /**
     * Queues the copy of the state now (exactly `step`'s), and its statistics where the moment carries
     * figures (see above); training is not held.
     */
    const keep = async (step: number, epochEnd: boolean): Promise<void> => {
      const measured = epochEnd || withFigures.has(step);
      if (measured) await statsRoom();
      // Nothing below waits on an item that lies in the slot being filled (only on a full ring's oldest).
      const slot = await freeSlot();
      if (diverged) return;
      const index = slot.count++;
      const encoder = device.createCommandEncoder({ label: 'History.cliCopy' });
      encoder.copyBufferToBuffer(engine.paramBuffer, 0, slot.buffer, index * stateBytes, P * 4);
      encoder.copyBufferToBuffer(engine.momentBuffer, 0, slot.buffer, index * stateBytes + P * 4, 2 * P * 4);
      device.queue.submit([encoder.finish()]);
      if (measured) statsInFlight++;
      queue.push({ step, stats: measured ? engine.stats() : null, slot, index, epochEnd });
    };

    const start = performance.now();
    let step = first;
    let next = 0;
    for (let epoch = 0; epoch < exp.epochs && !diverged; epoch++) {
      const end = step + perEpoch;
      while (!diverged) {
        while (next < planned.length && planned[next] < step) next++;
        if (planned[next] === step && step < end) {
          await keep(step, false);
          next++;
        }
        if (step >= end || diverged) break;
        const to = Math.min(end, planned[next] ?? end);
        engine.train(to - step);
        step = to;
      }
      if (diverged) break;
      if (planned[next] === step) {
        await keep(step, true);
        next++;
      } else {
        await statsRoom();
        if (diverged) break;
        statsInFlight++;
        queue.push({ step, stats: engine.stats(), epochEnd: true });
      }
    }
    if (exp.epochs === 0 && planned[next] === step) await keep(step, false);
    while (queue.length > 0 && !diverged) await takeOldest();
    const seconds = (performance.now() - start) / 1000;
    const final = diverged || !last ? await engine.stats() : (last as Stats);
    return {
      ...(await runResult(started, final, seconds, options.keepState)),
      history,
      historySeconds: waitedMs / 1000,
    };
  } finally {
    // Reads still in flight (after a divergence or an error) settle before their buffers go.
    await Promise.allSettled([...queue.map((p) => p.stats), ...slots.map((s) => s.read)]);
    for (const s of slots) s.buffer.destroy();
    engine.dispose();
  }
}
