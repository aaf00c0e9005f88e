/**
 * Keeps the training history while the app trains: the frame loop asks `allow` how many steps it may
 * take. On the GPU the recorder splits a frame's training at each kept step and copies the weights and
 * optimiser moments there into a fixed ring of readback buffers (queued in order, so the copy holds
 * exactly that step's state; mapped asynchronously, never stalling a frame or training). On the CPU
 * trainer it stops at each kept step until `trainer.readNow()` has brought the state back. DOM-free.
 */
import { History, allFinite, figuresAt, type HistoryEntry, type HistoryOptions } from '../../history/history';
import type { Engine } from '../../engine/engine';
import { GpuTrainer, type Trainer } from '../runtime/trainer';

/**
 * Readback buffers for kept moments on the GPU: a fixed ring of RING_SLOTS buffers, made once per engine,
 * each holding the states of up to `capacity` kept steps copied in one frame (mapped once, at the frame's
 * end), about RING_SLOT_BYTES each.
 */
const RING_SLOTS = 8;
const RING_SLOT_BYTES = 1 << 20;
const RING_SLOT_STATES = 64;
/** Frames training waits for a free readback buffer before it passes a kept step. */
const MAX_BLOCKED_FRAMES = 8;

interface Slot {
  buffer: GPUBuffer;
  busy: boolean;
  /** The reads copied into it this frame. */
  reads: Pending[];
}

/** A read of a kept step in flight on the GPU path; results are recorded in the order they were asked. */
interface Pending {
  step: number;
  state: { params: Float32Array; moments: Float32Array } | null;
  done: boolean;
}

export class HistoryRecorder {
  readonly history: History;
  /** Readbacks finished (one per frame with kept steps on the GPU), and the time they took (ms). */
  reads = 0;
  readMs = 0;
  /** A read of a kept step is under way on the CPU path: no training until it lands. */
  private reading = false;
  /** Grows on clear and branch, so a read from before them is dropped. */
  private generation = 0;
  /** A kept step whose state could not be kept (not finite, or a failed read): training may pass it. */
  private passed = -1;
  /** Kept steps passed because every readback buffer was in flight, and frames waited in a row. */
  gaps = 0;
  private blocked = 0;
  /** The last kept step whose read was started. */
  private requested = -1;
  private ring: { engine: Engine; slots: Slot[]; capacity: number } | null = null;
  private readonly pending: Pending[] = [];
  /** Called with an error from a read. */
  onError: (error: unknown) => void = () => {};
  /**
   * The epoch a step belongs to, where the app knows it exactly (else the latest statistics' epoch is
   * kept, which may lag the step by a few frames).
   */
  epochOf: (step: number) => number | null = () => null;

  constructor(options: HistoryOptions = {}) {
    this.history = new History(options);
  }

  /** Whether a read of a kept step is under way. */
  get busy(): boolean {
    return this.reading || this.pending.length > 0;
  }

  /** Whether `step` is a kept step that still has to be read. */
  private due(step: number): boolean {
    return step > this.requested && step !== this.passed && this.history.wants(step);
  }

  /**
   * How many of `wanted` steps the trainer may take now. On the GPU it trains up to each kept step within
   * `wanted` itself and copies the state there into a readback ring (same queue, so exactly that step's
   * state), and answers the steps left after the last kept step. On the CPU it stops at a kept step until
   * the state there has been read back.
   */
  allow(trainer: Trainer, wanted: number): number {
    if (this.reading) return 0;
    if (trainer instanceof GpuTrainer) return this.allowGpu(trainer, wanted);
    const step = trainer.step;
    if (this.due(step)) {
      this.read(trainer, step);
      return 0;
    }
    if (wanted <= 0) return 0;
    return Math.min(wanted, this.history.nextKept(step) - step);
  }

  private allowGpu(trainer: GpuTrainer, wanted: number): number {
    let left = wanted;
    let slot: Slot | null = null;
    try {
      for (;;) {
        const step = trainer.step;
        if (this.due(step)) {
          if (slot && slot.reads.length === this.ring!.capacity) {
            this.map(trainer, slot);
            slot = null;
          }
          slot ??= this.freeSlot(trainer);
          if (!slot) {
            // Every readback buffer is still in flight (the GPU is far behind): wait a few frames, then
            // let training pass this step rather than stall (a gap in the history, counted in `gaps`).
            if (++this.blocked <= MAX_BLOCKED_FRAMES) return 0;
            this.passed = step;
            this.gaps++;
          } else this.copy(trainer, slot, step);
          this.blocked = 0;
        }
        if (left <= 0) return 0;
        const n = Math.min(left, this.history.nextKept(step) - step);
        // The last piece is the frame's own training; the next frame copies the state at its end.
        if (n === left) return n;
        trainer.train(n);
        left -= n;
      }
    } finally {
      if (slot && slot.reads.length > 0) this.map(trainer, slot);
    }
  }

  /** A ring buffer free for this frame's copies (the ring is made on first use); null when all are busy. */
  private freeSlot(trainer: GpuTrainer): Slot | null {
    const engine = trainer.engine;
    if (!this.ring || this.ring.engine !== engine) {
      this.freeRing();
      const stateBytes = 3 * engine.paramCount * 4;
      const capacity = Math.max(1, Math.min(RING_SLOT_STATES, Math.floor(RING_SLOT_BYTES / stateBytes)));
      const slots: Slot[] = [];
      for (let i = 0; i < RING_SLOTS; i++) {
        const buffer = engine.device.createBuffer({
          label: 'History.ring',
          size: capacity * stateBytes,
          usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
        });
        slots.push({ buffer, busy: false, reads: [] });
      }
      this.ring = { engine, slots, capacity };
    }
    return this.ring.slots.find((s) => !s.busy) ?? null;
  }

  /** Copies the engine's weights and moments now (queued after every step so far) into the slot. */
  private copy(trainer: GpuTrainer, slot: Slot, step: number): void {
    const engine = trainer.engine;
    const P = engine.paramCount;
    const at = slot.reads.length * 3 * P * 4;
    slot.busy = true;
    this.requested = step;
    const encoder = engine.device.createCommandEncoder({ label: 'History.copy' });
    encoder.copyBufferToBuffer(engine.paramBuffer, 0, slot.buffer, at, P * 4);
    encoder.copyBufferToBuffer(engine.momentBuffer, 0, slot.buffer, at + P * 4, 2 * P * 4);
    engine.device.queue.submit([encoder.finish()]);
    const pending: Pending = { step, state: null, done: false };
    slot.reads.push(pending);
    this.pending.push(pending);
  }

  /** Reads the slot's states back (asynchronously) and records them. */
  private map(trainer: GpuTrainer, slot: Slot): void {
    const P = trainer.engine.paramCount;
    const reads = slot.reads;
    slot.reads = [];
    const generation = this.generation;
    const started = performance.now();
    const ring = this.ring;
    slot.buffer.mapAsync(GPUMapMode.READ, 0, reads.length * 3 * P * 4).then(
      () => {
        let all: Float32Array;
        try {
          all = new Float32Array(slot.buffer.getMappedRange(0, reads.length * 3 * P * 4).slice(0));
          slot.buffer.unmap();
        } catch (e) {
          // The buffer went away meanwhile (a destroyed device): nothing to keep.
          slot.busy = false;
          for (const pending of reads) pending.done = true;
          if (generation === this.generation && ring === this.ring) this.flush(trainer);
          throw e;
        }
        slot.busy = false;
        if (generation !== this.generation || ring !== this.ring) return;
        this.reads++;
        this.readMs += performance.now() - started;
        reads.forEach((pending, i) => {
          const base = i * 3 * P;
          pending.state = {
            params: all.subarray(base, base + P),
            moments: all.subarray(base + P, base + 3 * P),
          };
          pending.done = true;
        });
        this.flush(trainer);
      },
      (e: unknown) => {
        slot.busy = false;
        if (generation !== this.generation || ring !== this.ring) return;
        for (const pending of reads) pending.done = true;
        this.flush(trainer);
        if (!(e instanceof DOMException && e.name === 'AbortError')) this.onError(e);
      },
    );
  }

  /** Records the reads that have landed, in the order they were asked. */
  private flush(trainer: Trainer): void {
    while (this.pending.length > 0 && this.pending[0].done) {
      const p = this.pending.shift()!;
      if (p.state && allFinite(p.state.params) && allFinite(p.state.moments)) {
        this.history.record({ step: p.step, ...p.state, ...this.figures(trainer, p.step) });
      }
    }
  }

  private figures(trainer: Trainer, step: number): ReturnType<typeof figuresAt> {
    const f = figuresAt(trainer.stats, step);
    const epoch = this.epochOf(step);
    return epoch === null ? f : { ...f, epoch };
  }

  private read(trainer: Trainer, step: number): void {
    this.reading = true;
    this.requested = step;
    const generation = this.generation;
    const started = performance.now();
    trainer.readNow().then(
      (state) => {
        if (generation !== this.generation) return;
        this.reading = false;
        this.reads++;
        this.readMs += performance.now() - started;
        if (state.step !== step || !allFinite(state.params) || !allFinite(state.moments)) {
          this.passed = step;
          return;
        }
        this.history.record({
          step,
          params: state.params,
          moments: state.moments,
          ...this.figures(trainer, step),
        });
      },
      (e: unknown) => {
        if (generation !== this.generation) return;
        this.reading = false;
        this.passed = step;
        this.onError(e);
      },
    );
  }

  private restart(): void {
    this.generation++;
    this.reading = false;
    this.passed = -1;
    this.pending.length = 0;
  }

  /** Training goes on from `step` (a restore): the moments after it are dropped. */
  branch(step: number): void {
    this.restart();
    this.history.dropAfter(step);
    this.requested = this.history.last?.step ?? -1;
  }

  /** Moments from elsewhere (a model file) replace the history; reads in flight are dropped. */
  adopt(entries: readonly HistoryEntry[]): void {
    this.restart();
    this.history.adopt(entries);
    this.requested = this.history.last?.step ?? -1;
  }

  /** The moments kept so far and their spacing (the same objects), to carry over a replaced device. */
  carryOut(): { entries: readonly HistoryEntry[]; level: number } {
    return { entries: [...this.history.entries], level: this.history.level };
  }

  /**
   * Takes back what `carryOut` gave (the same network, rebuilt on a new device): the moments as they were,
   * at their thinning level, and later ones kept after them. Reads in flight are dropped.
   */
  carryIn(carried: { entries: readonly HistoryEntry[]; level: number }): void {
    this.restart();
    this.history.adopt(carried.entries);
    this.history.level = carried.level;
    this.requested = this.history.last?.step ?? -1;
  }

  /** A new network: the history starts afresh, and the readback ring is freed. */
  clear(): void {
    this.restart();
    this.requested = -1;
    this.history.clear();
    this.freeRing();
  }

  private freeRing(): void {
    // A buffer being mapped is destroyed too: its read rejects and is dropped.
    for (const s of this.ring?.slots ?? []) s.buffer.destroy();
    this.ring = null;
  }

  dispose(): void {
    this.clear();
  }
}
