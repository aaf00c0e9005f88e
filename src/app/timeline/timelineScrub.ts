/**
 * Going back in training time: showing a kept moment in every view, back to the live state, or training
 * on from a moment. DOM-free; the app gives it the few things it touches.
 *
 * On the GPU the grid transform reads the engine's weight buffer, so a past moment's weights are written
 * there (no new buffers) after the live state has been read back; going live puts the live state back.
 */
import type { HistoryEntry } from '../../history/history';
import type { HistoryRecorder } from './historyRecorder';
import { GpuTrainer, type Trainer, type TrainerState } from '../runtime/trainer';

export interface ScrubHost {
  trainer(): Trainer | null;
  playing(): boolean;
  setPlaying(playing: boolean): void;
  /** Draws these weights in every view (the CPU side of the views). */
  showParams(params: Float32Array): void;
  /** Transform and draw afresh in the next frame. */
  redraw(): void;
  /** Puts a state into the trainer and trains on from it (the app's restore, with its bookkeeping). */
  restoreState(state: TrainerState): Promise<void>;
}

export class TimelineScrub {
  /** The kept moment shown (an index into the history), or null when the views show the live state. */
  index: number | null = null;
  private live: Promise<TrainerState | null> | null = null;
  /** The live state has been read back: past weights may go to the engine at once. */
  private landed = false;
  private wasPlaying = false;
  /** Grows on every seek, so only the newest write reaches the engine. */
  private seekCount = 0;

  constructor(
    private readonly host: ScrubHost,
    private readonly recorder: HistoryRecorder,
  ) {}

  get scrubbing(): boolean {
    return this.index !== null;
  }

  /** While scrubbing: the live state read back when scrubbing began (the engine holds a past moment). */
  liveState(): Promise<TrainerState | null> | null {
    return this.index === null ? null : this.live;
  }

  /** The moment shown, or null when live. */
  get entry(): HistoryEntry | null {
    return this.index === null ? null : (this.recorder.history.entries[this.index] ?? null);
  }

  /** Shows kept moment `index`; the first seek pauses training and reads the live state back. */
  seek(index: number): void {
    const trainer = this.host.trainer();
    const entries = this.recorder.history.entries;
    if (!trainer || entries.length === 0) return;
    index = Math.max(0, Math.min(entries.length - 1, Math.round(index)));
    if (this.index === null) {
      this.wasPlaying = this.host.playing();
      this.host.setPlaying(false);
      // Read after every submitted step and every read before it: nothing reads the engine after this
      // has landed but before the past weights are written.
      this.landed = false;
      const live = trainer.readNow().then(
        (s) => s,
        () => null,
      );
      this.live = live;
      void live.then(() => {
        if (this.live === live) this.landed = true;
      });
    }
    this.index = index;
    const entry = entries[index];
    this.host.showParams(entry.params);
    const seek = ++this.seekCount;
    if (trainer instanceof GpuTrainer) {
      // Once the live state is back, a seek writes at once (nothing allocated per seek, as a movie plays).
      if (this.landed) {
        trainer.engine.writeParams(entry.params);
        this.host.redraw();
        return;
      }
      void this.live!.then(() => {
        if (seek !== this.seekCount || this.index === null || trainer !== this.host.trainer()) return;
        trainer.engine.writeParams(entry.params);
        this.host.redraw();
      });
    }
  }

  /** Back to the live state; training plays again if it played before the scrub. */
  async goLive(): Promise<void> {
    if (this.index === null) return;
    this.index = null;
    this.seekCount++;
    const trainer = this.host.trainer();
    const live = await this.live;
    this.live = null;
    this.landed = false;
    if (trainer && trainer === this.host.trainer()) {
      if (trainer instanceof GpuTrainer && live) trainer.restore(live);
      this.host.showParams(trainer.params);
      this.host.redraw();
    }
    if (this.wasPlaying) this.host.setPlaying(true);
  }

  /** Trains on from the moment shown: the later history is dropped (ask the person first). */
  async resume(): Promise<void> {
    const entry = this.entry;
    if (!entry) return;
    await this.live;
    this.index = null;
    this.seekCount++;
    this.live = null;
    this.landed = false;
    this.recorder.branch(entry.step);
    await this.host.restoreState({
      params: Float32Array.from(entry.params),
      moments: entry.moments ? Float32Array.from(entry.moments) : null,
      step: entry.step,
    });
    this.host.setPlaying(true);
  }

  /** A new network: nothing to go back to. */
  reset(): void {
    this.index = null;
    this.live = null;
    this.landed = false;
    this.seekCount++;
  }
}
