/**
 * Loss (log scale, left) and accuracy (right) over training steps, for the training and test sets.
 * Raw: the loss of the latest mini-batch (faint, noisy), as the 000 seed plots it unsmoothed. Smoothed:
 * the loss over the whole set, which is what a moving average of batch losses estimates, without its lag
 * when samples are far apart. Fixed-size storage: when it fills, every other sample is dropped, so memory
 * stays flat however long training runs. A cursor marks the moment of training on screen while the
 * timeline shows a past one; a click on the plot asks to go to the step under it (`onSeek`).
 */
import { CLASS_COLORS, cssColor } from '../view/theme';

const CAPACITY = 2048;
/** Losses are drawn on a log scale; smaller ones (and exact zeros) sit on this floor. */
const LOSS_FLOOR = 1e-7;
const CLICK_TITLE = 'Click to see the network at that step (the nearest kept moment)';
const SERIES = ['trainRaw', 'trainSmooth', 'testRaw', 'testSmooth', 'trainAcc', 'testAcc'] as const;
type Series = (typeof SERIES)[number];

export interface ChartSample {
  step: number;
  /** Loss of the latest mini-batch. */
  batchLoss: number;
  /** Loss over the whole training set. */
  trainLoss: number;
  testLoss: number | null;
  trainAccuracy: number | null;
  testAccuracy: number | null;
}

export class LossChart {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly steps = new Float64Array(CAPACITY);
  private readonly values: Record<Series, Float64Array>;
  private count = 0;
  private dirty = true;
  /** The step training is at now (the x axis reaches it, so the chart never lags the counters). */
  private liveStep = 0;
  /** The step of the moment shown by the timeline, or null when live. */
  private cursor: number | null = null;
  /** The plot's step axis at the last draw (CSS pixels), for clicks: x = left + (step − x0)/(x1 − x0)·width. */
  private axis = { left: 0, width: 0, x0: 0, x1: 0 };
  /** Called with the step under a click on the plot (null: clicks do nothing). */
  onSeek: ((step: number) => void) | null = null;

  /** With a k-NN output: k (the train and test lines are the vote's loss, not the batch objective's). */
  private knnK: number | null = null;

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2-D canvas for the loss chart');
    this.ctx = ctx;
    this.values = Object.fromEntries(SERIES.map((s) => [s, new Float64Array(CAPACITY)])) as Record<
      Series,
      Float64Array
    >;
    canvas.style.cursor = 'pointer';
    canvas.title = CLICK_TITLE;
    canvas.addEventListener('click', (e) => {
      const step = this.stepAt(e.clientX - canvas.getBoundingClientRect().left);
      if (step !== null) this.onSeek?.(step);
    });
  }

  /**
   * Says which losses the lines are. With a k-NN output (k given) the batch line is the objective training
   * lowers (each point of a batch voted by the rest, weighted by 1/distance) and the train and test lines
   * the cross-entropy of the vote of the k nearest training points: they measure different things, and one
   * can rise while the other falls, so the summary and the canvas's title say so.
   */
  describe(knnK: number | null): void {
    if (knnK === this.knnK) return;
    this.knnK = knnK;
    this.canvas.title =
      knnK === null
        ? CLICK_TITLE
        : `batch: the loss training lowers, each point of a batch voted by the rest (weighted by 1/distance). ` +
          `train and test: the loss of the vote of each point's ${knnK} nearest training points, as the ` +
          `accuracy is measured. They measure different things: one can rise while the other falls.\n${CLICK_TITLE}`;
    this.dirty = true;
  }

  /** The step under x (CSS pixels from the canvas's left), or null off the plot or before a draw. */
  stepAt(x: number): number | null {
    const a = this.axis;
    if (a.width <= 0 || x < a.left - 4 || x > a.left + a.width + 4) return null;
    const f = Math.max(0, Math.min(1, (x - a.left) / a.width));
    return a.x0 + f * (a.x1 - a.x0);
  }

  get cursorStep(): number | null {
    return this.cursor;
  }

  /** Marks the step of the moment shown (null: none, live). */
  setCursor(step: number | null): void {
    if (step !== this.cursor) {
      this.cursor = step;
      this.dirty = true;
    }
  }

  clear(): void {
    this.count = 0;
    this.axis.width = 0;
    this.liveStep = 0;
    this.dirty = true;
  }

  /** The step training has reached (samples arrive a little later). */
  setLiveStep(step: number): void {
    if (step !== this.liveStep) {
      this.liveStep = step;
      this.dirty = true;
    }
  }

  /** Drops the samples after `step` (training went back to a snapshot). */
  truncate(step: number): void {
    while (this.count > 0 && this.steps[this.count - 1] > step) this.count--;
    this.dirty = true;
  }

  get length(): number {
    return this.count;
  }

  /** The smoothed training loss at the latest sample, and the first one (for tests and the status). */
  latest(series: Series = 'trainSmooth'): number {
    return this.count ? this.values[series][this.count - 1] : NaN;
  }

  first(series: Series = 'trainSmooth'): number {
    return this.count ? this.values[series][0] : NaN;
  }

  push(s: ChartSample): void {
    if (this.count > 0 && s.step <= this.steps[this.count - 1]) return;
    if (this.count === CAPACITY) this.halve();
    const i = this.count++;
    const v = this.values;
    this.steps[i] = s.step;
    // Before the first step there is no batch yet (the engine reports 0).
    v.trainRaw[i] = s.batchLoss > 0 ? s.batchLoss : NaN;
    v.trainSmooth[i] = s.trainLoss;
    v.testRaw[i] = NaN;
    v.testSmooth[i] = s.testLoss ?? NaN;
    v.trainAcc[i] = s.trainAccuracy ?? NaN;
    v.testAcc[i] = s.testAccuracy ?? NaN;
    this.dirty = true;
  }

  private halve(): void {
    const half = CAPACITY / 2;
    for (let i = 0; i < half; i++) {
      this.steps[i] = this.steps[2 * i + 1];
      for (const s of SERIES) this.values[s][i] = this.values[s][2 * i + 1];
    }
    this.count = half;
  }

  /** Redraws if something changed (cheap to call every frame). */
  draw(): void {
    const canvas = this.canvas;
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
      this.dirty = true;
    }
    if (!this.dirty) return;
    this.dirty = false;
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const cw = w / dpr;
    const ch = h / dpr;
    ctx.clearRect(0, 0, cw, ch);
    const font = Math.max(10, Math.min(14, cw / 26));
    ctx.font = `${font}px system-ui, sans-serif`;
    const left = font * 3.2;
    const right = font * 3;
    const top = font * 2.9;
    const bottom = font * 1.7;
    const pw = cw - left - right;
    const ph = ch - top - bottom;
    ctx.fillStyle = '#9aa7b4';
    if (this.count < 2 || pw < 20 || ph < 20) {
      // Centred and shrunk to fit, so a narrow panel never clips it.
      const text = 'loss and accuracy appear as training runs';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      const fit = Math.min(font, (font * (cw - 8)) / Math.max(1, ctx.measureText(text).width));
      ctx.font = `${fit}px system-ui, sans-serif`;
      ctx.fillText(text, cw / 2, ch / 2);
      // One measurement (an opened model, a weight set by hand): its figures, before any curve.
      if (this.count === 1) {
        ctx.fillStyle = '#e6edf3';
        ctx.fillText(`step ${this.steps[0]}: ${this.summary()}`, cw / 2, ch / 2 - fit * 1.6);
      }
      return;
    }
    const n = this.count;
    const x0 = this.steps[0];
    const x1 = Math.max(this.steps[n - 1], this.liveStep, x0 + 1);
    let hasAccuracy = false;
    for (let i = 0; i < n && !hasAccuracy; i++) hasAccuracy = Number.isFinite(this.values.trainAcc[i]);
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of ['trainRaw', 'trainSmooth', 'testSmooth'] as const) {
      for (let i = 0; i < n; i++) {
        const v = Math.max(LOSS_FLOOR, this.values[s][i]);
        if (Number.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!Number.isFinite(lo)) {
      lo = 1e-3;
      hi = 1;
    }
    const ylo = Math.floor(Math.log10(lo) * 2) / 2;
    const yhi = Math.max(ylo + 0.5, Math.ceil(Math.log10(hi) * 2) / 2);
    const sx = (step: number): number => left + ((step - x0) / (x1 - x0)) * pw;
    this.axis.left = left;
    this.axis.width = pw;
    this.axis.x0 = x0;
    this.axis.x1 = x1;
    const sy = (loss: number): number =>
      top + (1 - (Math.log10(Math.max(LOSS_FLOOR, loss)) - ylo) / (yhi - ylo)) * ph;
    const sa = (acc: number): number => top + (1 - acc) * ph;

    // Axes and labels.
    ctx.strokeStyle = '#2a3340';
    ctx.lineWidth = 1;
    ctx.textBaseline = 'middle';
    for (let e = Math.ceil(ylo); e <= yhi; e++) {
      const y = sy(10 ** e);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + pw, y);
      ctx.stroke();
      ctx.textAlign = 'right';
      ctx.fillText(e >= 0 ? String(10 ** e) : `1e${e}`, left - 4, y);
    }
    ctx.textAlign = 'left';
    if (hasAccuracy) for (const a of [0.5, 1]) ctx.fillText(`${a * 100}%`, left + pw + 4, sa(a));
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText('training step', left + pw / 2, top + ph + 3);
    ctx.textAlign = 'left';
    ctx.fillText(formatCount(x0), left, top + ph + 3);
    ctx.textAlign = 'right';
    ctx.fillText(formatCount(x1), left + pw, top + ph + 3);

    const trainColor = '#e6edf3';
    const testColor = cssColor(CLASS_COLORS[1]);
    const accColor = cssColor(CLASS_COLORS[2]);
    this.line('trainRaw', sx, sy, trainColor, 0.3, []);
    this.line('trainSmooth', sx, sy, trainColor, 1, []);
    this.line('testSmooth', sx, sy, testColor, 1, [5, 3]);
    this.line('trainAcc', sx, sa, accColor, 0.9, []);
    this.line('testAcc', sx, sa, accColor, 0.9, [5, 3]);
    if (this.cursor !== null) {
      const cx = Math.round(sx(Math.max(x0, Math.min(x1, this.cursor)))) + 0.5;
      ctx.strokeStyle = '#ffcf7a';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(cx, top);
      ctx.lineTo(cx, top + ph);
      ctx.stroke();
    }

    // Legend.
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    let lx = left;
    const ly = font * 0.8;
    const legend: [string, string, number[]][] = [
      ['batch', '#7d8893', []],
      ['train', trainColor, []],
      ['test', testColor, [5, 3]],
      ...(hasAccuracy ? [['accuracy', accColor, []] as [string, string, number[]]] : []),
    ];
    for (const [label, color, dash] of legend) {
      ctx.strokeStyle = color;
      ctx.setLineDash(dash);
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(lx, ly);
      ctx.lineTo(lx + font * 1.3, ly);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#c9d4de';
      ctx.fillText(label, lx + font * 1.6, ly);
      lx += font * 1.9 + ctx.measureText(label).width + font;
    }
    ctx.textAlign = 'right';
    ctx.fillStyle = '#e6edf3';
    ctx.fillText(this.summary(), left + pw, ly + font * 1.3);
  }

  /** The latest measurement in words: "loss 0.126 · acc 52.7%" (the k-NN vote's loss named so). */
  private summary(): string {
    const acc = this.latest('trainAcc');
    const loss = this.latest('trainSmooth');
    const lossName = this.knnK === null ? 'loss' : `${this.knnK}-NN vote loss`;
    return Number.isFinite(acc)
      ? `${lossName} ${formatLoss(loss)} · acc ${(acc * 100).toFixed(1)}%`
      : `${lossName} ${formatLoss(loss)}`;
  }

  private line(
    series: Series,
    sx: (x: number) => number,
    sy: (y: number) => number,
    color: string,
    alpha: number,
    dash: number[],
  ): void {
    const ctx = this.ctx;
    const v = this.values[series];
    ctx.strokeStyle = color;
    ctx.globalAlpha = alpha;
    ctx.lineWidth = alpha < 0.5 ? 1 : 1.6;
    ctx.setLineDash(dash);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < this.count; i++) {
      const y = v[i];
      if (!Number.isFinite(y) || y < 0) {
        pen = false;
        continue;
      }
      const px = sx(this.steps[i]);
      const py = sy(y);
      if (pen) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      pen = true;
    }
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
  }
}

export function formatLoss(loss: number): string {
  if (!Number.isFinite(loss)) return '–';
  if (loss <= LOSS_FLOOR) return `< ${LOSS_FLOOR}`;
  return loss !== 0 && Math.abs(loss) < 1e-3 ? loss.toExponential(2) : loss.toPrecision(3);
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return String(Math.round(n));
}
