/**
 * One animation frame: train some steps (the pace from pace.ts), transform the grid and the points on the
 * GPU, read weights and statistics back asynchronously, move the slider when it plays, draw. The loop
 * only runs; what it learns (stats, speed, a divergence) it hands to the host, which updates the state.
 */
import type { Views } from '../../view/views';
import { idleRedrawMs } from '../../view/math/idleRedraw';
import { FULL_SPEED_TRAIN_SHARE, fullSpeedSteps, type SpeedMeter } from './pace';
import type { Runtime } from '../runtime/runtime';
import type { Settings } from '../../state/settings';
import type { Snapshots } from '../runtime/snapshots';
import type { Trainer } from '../runtime/trainer';

/** A frame at full speed trains for at least this long (ms); on the CPU the worker gets a fixed slice. */
const FULL_SPEED_MIN_MS = 8;
const FULL_SPEED_CPU_MS = 60;
/** A snapshot of the weights and optimiser state is read back at least this often (ms). */
export const SNAPSHOT_MS = 1000;

/** What a frame needs of the app. */
export interface FrameHost {
  readonly settings: Readonly<Settings>;
  readonly runtime: Runtime;
  readonly views: Views;
  readonly device: GPUDevice | null;
  readonly snapshots: Snapshots;
  readonly speed: SpeedMeter;
  /** A rebuild is under way, or the device is being replaced: nothing to draw. */
  readonly paused: boolean;
  readonly divergedAt: number | null;
  readonly recording: { what: 'training' | 'interpolation'; startedAt: number; seconds: number } | null;
  /** New weights were read back (after a snapshot was offered). */
  weightsArrived(trainer: Trainer, now: number): void;
  /** New statistics were read back. */
  statsArrived(trainer: Trainer): void;
  /** The slider moved by itself to `t` (playing, or a video of the interpolation). */
  sliderMoved(t: number): void;
  /** After drawing: captions, address, saved state, status. */
  /** After each frame; `drew`: it drew the views (a still frame may draw nothing). */
  afterDraw(now: number, t: number, drew: boolean): void;
  /** The chart draws every frame, also while rebuilding. */
  drawChart(): void;
  /** How many of `wanted` steps may be taken from `step` (a story stops at its length). */
  allowSteps(step: number, wanted: number): number;
}

export class FrameLoop {
  /** Steps asked for by Step, taken in the next frame. */
  pendingSteps = 0;
  /** When true the frames are driven by the test hook instead of requestAnimationFrame. */
  held = false;
  /** Draw and read afresh in the next frame (new weights or views). */
  dirty = true;
  seenParams = -1;
  seenStats = -1;
  frames = 0;
  fps = 0;
  stepsPerSecond = 0;
  private adaptiveSteps = 16;
  private frameMsAverage = 16;
  /** The time from a frame that drew to the next (ms, averaged): what drawing a picture costs here. */
  private drawMsAverage = 16;
  private lastDrew = false;
  private lastFrame = 0;
  private window = { start: 0, frames: 0, step: 0 };
  /** The fraction of a step the set pace has not yet trained. */
  private stepCredit = 0;

  constructor(private readonly host: FrameHost) {}

  /** After a rebuild or a restore: read and draw everything afresh, measure speeds from here. */
  restart(): void {
    this.dirty = true;
    this.seenParams = -1;
    this.seenStats = -1;
    this.adaptiveSteps = this.host.settings.stepsPerFrame;
    this.window = { start: 0, frames: 0, step: 0 };
    this.stepsPerSecond = 0;
  }

  frame(now: number): void {
    const host = this.host;
    const dt = this.lastFrame ? Math.min(0.1, (now - this.lastFrame) / 1000) : 0;
    const frameMs = this.lastFrame ? now - this.lastFrame : 16;
    this.lastFrame = now;
    this.frameMsAverage += (Math.min(frameMs, 2000) - this.frameMsAverage) * 0.1;
    if (this.lastDrew) this.drawMsAverage += (Math.min(frameMs, 2000) - this.drawMsAverage) * 0.2;
    this.lastDrew = false;
    host.drawChart();
    if (host.paused) return;
    if (!host.recording) host.views.resize();
    const rt = host.runtime;
    const trainer = rt.trainer;
    if (!trainer || !rt.spec) return;
    const s = host.settings;
    host.speed.frame(frameMs);
    host.speed.training(trainer.stepsPerMs);

    // Train.
    let steps = this.pendingSteps;
    this.pendingSteps = 0;
    const canTrain = trainer.ready && host.divergedAt === null;
    if (s.playing && canTrain) {
      if (s.fullSpeed) {
        const budgetMs = host.device
          ? Math.max(FULL_SPEED_MIN_MS, FULL_SPEED_TRAIN_SHARE * this.frameMsAverage)
          : FULL_SPEED_CPU_MS;
        this.adaptiveSteps = fullSpeedSteps({
          previous: this.adaptiveSteps,
          floor: s.stepsPerFrame,
          stepsPerMs: trainer.stepsPerMs,
          budgetMs,
          backlog: trainer.backlog,
        });
        // Fractions carry over to the next frame, as at a set pace: a pace below a step a frame (a slow
        // measurement, a fractional floor) still trains now and then, and so measures its speed again.
        this.stepCredit += this.adaptiveSteps;
        const whole = Math.floor(this.stepCredit + 1e-9);
        this.stepCredit = Math.max(0, this.stepCredit - whole);
        steps += whole;
      } else {
        // A pace below a step a frame trains one step every few frames.
        this.stepCredit += Math.max(0, s.stepsPerFrame);
        const whole = Math.floor(this.stepCredit + 1e-9);
        this.stepCredit = Math.max(0, this.stepCredit - whole);
        steps += whole;
        this.adaptiveSteps = s.stepsPerFrame;
      }
    }
    if (steps > 0 && canTrain) steps = host.allowSteps(trainer.step, steps);
    const trained = steps > 0 && canTrain;
    if (trained) trainer.train(steps);

    // A frame that trains, or follows new weights, statistics or a rebuild, draws; a still one may not.
    let fresh = trained || this.dirty;
    if ((trained || this.dirty) && rt.encodeTransforms()) this.dirty = false;
    // Weights and optimiser state come back together; at least once a second, they are a snapshot.
    // (Still weights that are already the latest snapshot are not read again.)
    const snapshotDue =
      now - host.snapshots.latestAt > SNAPSHOT_MS && host.snapshots.latest?.step !== trainer.step;
    if (trained || this.seenParams < 0 || snapshotDue) trainer.refreshParams();
    if (trainer.paramsVersion !== this.seenParams) {
      this.seenParams = trainer.paramsVersion;
      fresh = true;
      host.weightsArrived(trainer, now);
    }
    // While paused, the statistics catch up once with the step training stopped at.
    const stale = !trained && trainer.stats !== null && trainer.stats.step !== trainer.step;
    if ((trained && this.frames % 3 === 0) || this.seenStats < 0 || (stale && this.frames % 8 === 0)) {
      trainer.refreshStats();
    }
    if (trainer.statsVersion !== this.seenStats && trainer.stats) {
      this.seenStats = trainer.statsVersion;
      fresh = true;
      if (trainer.stats.divergedAtStep !== null && host.divergedAt === null)
        this.adaptiveSteps = s.stepsPerFrame;
      host.statsArrived(trainer);
    }

    // The slider.
    const rec = host.recording;
    if (rec && rec.what === 'interpolation') {
      host.sliderMoved(Math.min(1, (now - rec.startedAt) / (rec.seconds * 1000)) * rt.layers);
    } else if (s.animate) {
      const t = s.position + dt * s.animationSpeed;
      host.sliderMoved(t > rt.layers ? 0 : t);
    }
    const t = s.position;
    const drew = host.views.render(t, fresh || rec !== null, idleRedrawMs(this.drawMsAverage));
    this.lastDrew = drew;

    // Frame rate and training speed, over windows of a second.
    this.frames++;
    const w = this.window;
    if (!w.start || trainer.step < w.step)
      Object.assign(w, { start: now, frames: this.frames, step: trainer.step });
    if (now - w.start >= 1000) {
      this.fps = ((this.frames - w.frames) * 1000) / (now - w.start);
      this.stepsPerSecond = Math.max(0, ((trainer.step - w.step) * 1000) / (now - w.start));
      Object.assign(w, { start: now, frames: this.frames, step: trainer.step });
    }
    host.afterDraw(now, t, drew);
  }
}
