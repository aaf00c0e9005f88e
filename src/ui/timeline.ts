/**
 * The timeline under the views: a range over the kept moments of training, in log or linear time, with
 * marks (epochs, a divergence, a target accuracy reached) under it; ▶ plays the history, "Live" returns,
 * "Resume" trains on from the moment shown, and "WebM" records the history playing. It draws
 * what it is given and calls back; it changes nothing itself.
 */
/** Marks under the range (timelineMarks.ts computes them from the history). */
export interface TimelineMarks {
  /** Steps of the first kept moment of each epoch after the first, increasing, with the epoch numbers. */
  epochSteps: number[];
  epochs: number[];
  /** The step training diverged at, or null. */
  divergedAt: number | null;
  /** The first kept step at which the (test, else training) accuracy reached `target`, or null. */
  targetStep: number | null;
  target: number;
}

/**
 * Which of `positions` (pixels, increasing) to draw so that no two are closer than `gap`: a greedy pass
 * from the left, into `out` (reused; returns how many).
 */
export function thinMarks(positions: ArrayLike<number>, gap: number, out: Int32Array): number {
  let n = 0;
  let lastX = -Infinity;
  for (let i = 0; i < positions.length && n < out.length; i++) {
    if (positions[i] - lastX >= gap) {
      out[n++] = i;
      lastX = positions[i];
    }
  }
  return n;
}

/** Positions of the range input (its resolution). */
export const TIMELINE_STEPS = 1000;

export type TimeScale = 'log' | 'linear';

export interface TimelineView {
  /** Kept steps, increasing. */
  steps: readonly number[];
  /** The kept moment shown, or null for live. */
  index: number | null;
  /** The live step. */
  liveStep: number;
  /** A line about the moment shown (its step, epoch, loss). */
  text: string;
  /** Marks under the range (new object when they change), or null. */
  marks: TimelineMarks | null;
  /** The history plays as a movie. */
  playing: boolean;
  /** A video of the history is being recorded. */
  recording: boolean;
}

/** What a video of the history shows: the layer on the slider, or the slider sweeping at each moment. */
export type HistoryVideoMode = 'layer' | 'sweep';

export interface TimelineActions {
  seek(index: number): void;
  live(): void;
  resume(): void;
  /** Plays or stops the history as a movie. */
  play(): void;
  record(mode: HistoryVideoMode): void;
}

/** Where step `step` sits on a range of 0..1 up to `last`. */
export function stepToFraction(step: number, last: number, scale: TimeScale): number {
  if (last <= 0) return 1;
  return scale === 'log' ? Math.log1p(step) / Math.log1p(last) : step / last;
}

/** The step at fraction `f` of a range up to `last`. */
export function fractionToStep(f: number, last: number, scale: TimeScale): number {
  return scale === 'log' ? Math.expm1(f * Math.log1p(last)) : f * last;
}

/** The index of the kept step nearest to `step` (ties: the earlier). */
export function nearestIndex(steps: readonly number[], step: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && step - steps[lo - 1] <= steps[lo] - step) return lo - 1;
  return lo;
}

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
): HTMLElementTagNameMap[K] => Object.assign(document.createElement(tag), props);

/** Pixels between the range's ends and its track (half the thumb), where marks line up with moments. */
const TRACK_INSET = 8;
const MARK_HEIGHT = 10;
const COLORS = { epoch: '#7d8893', diverged: '#ff6b6b', target: '#5fd38d' };

export class TimelineBar {
  scale: TimeScale = 'log';
  private readonly range: HTMLInputElement;
  private readonly play: HTMLButtonElement;
  private readonly live: HTMLButtonElement;
  private readonly resume: HTMLButtonElement;
  private readonly record: HTMLButtonElement;
  private readonly videoMode: HTMLSelectElement;
  private readonly label: HTMLElement;
  private readonly marks: HTMLCanvasElement;
  private view: TimelineView = {
    steps: [],
    index: null,
    liveStep: 0,
    text: '',
    marks: null,
    playing: false,
    recording: false,
  };
  // What was drawn last, so a frame with nothing new changes nothing.
  private shownSteps: readonly number[] | null = null;
  private shownLength = -1;
  private shownIndex: number | null = -1;
  private shownText = '';
  private shownPlaying: boolean | null = null;
  private shownRecording: boolean | null = null;
  private shownMarks: TimelineMarks | null = null;
  private marksDirty = true;
  private readonly positions = new Float64Array(4096);
  private readonly picked = new Int32Array(4096);

  constructor(root: HTMLElement, actions: TimelineActions) {
    root.classList.add('timeline');
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', 'Training time');
    const scale = el('select', { id: 'timeline-scale', title: 'Time axis (and the pace of ▶)' });
    for (const s of ['log', 'linear'] as const)
      scale.append(el('option', { value: s, textContent: `${s} time` }));
    scale.addEventListener('change', () => {
      this.scale = scale.value as TimeScale;
      this.shownLength = -1;
      this.marksDirty = true;
      this.show(this.view);
    });
    this.play = el('button', {
      type: 'button',
      id: 'timeline-play',
      textContent: '▶',
      title: 'Play the history as a movie (training pauses)',
    });
    this.play.setAttribute('aria-label', 'Play the history');
    this.play.addEventListener('click', () => actions.play());
    this.range = el('input', {
      type: 'range',
      id: 'timeline',
      min: '0',
      max: String(TIMELINE_STEPS),
      step: '1',
      value: String(TIMELINE_STEPS),
      title: 'Training time: drag to go back (training pauses); , and . step between kept moments',
    });
    this.range.setAttribute('aria-label', 'Training time');
    this.range.addEventListener('input', () => {
      const steps = this.view.steps;
      if (steps.length === 0) return;
      const last = steps[steps.length - 1];
      const step = fractionToStep(Number(this.range.value) / TIMELINE_STEPS, last, this.scale);
      actions.seek(nearestIndex(steps, step));
    });
    this.marks = el('canvas', { id: 'timeline-marks' });
    this.marks.setAttribute('aria-hidden', 'true');
    Object.assign(this.marks.style, { display: 'block', width: '100%', height: `${MARK_HEIGHT}px` });
    const track = el('div', { id: 'timeline-track' });
    // The range takes what the row leaves (the bar stays one row on a laptop; it wraps on a phone).
    Object.assign(track.style, {
      flex: '1 1 12em',
      minWidth: '6em',
      display: 'flex',
      flexDirection: 'column',
    });
    Object.assign(this.range.style, { width: '100%', margin: '0' });
    track.append(this.range, this.marks);
    // The marks are drawn again when the bar's width changes (never read from the layout every frame).
    if (typeof ResizeObserver !== 'undefined') {
      new ResizeObserver(() => {
        this.marksDirty = true;
        this.drawMarks();
      }).observe(this.marks);
    }
    this.live = el('button', {
      type: 'button',
      id: 'timeline-live',
      textContent: 'Live',
      title: 'Back to now (L)',
    });
    this.live.addEventListener('click', () => actions.live());
    this.resume = el('button', {
      type: 'button',
      id: 'timeline-resume',
      textContent: 'Resume',
      title: 'Resume training from this moment (the later history is dropped)',
    });
    this.resume.addEventListener('click', () => actions.resume());
    this.videoMode = el('select', {
      id: 'timeline-video-mode',
      title: 'What the video of the history shows',
    });
    this.videoMode.append(
      el('option', { value: 'layer', textContent: 'at this layer' }),
      el('option', { value: 'sweep', textContent: 'sweeping the layers' }),
    );
    this.record = el('button', {
      type: 'button',
      id: 'timeline-record',
      textContent: 'WebM',
      title: 'Record the history playing as a video (length and size from Share & export)',
    });
    this.record.addEventListener('click', () => actions.record(this.videoMode.value as HistoryVideoMode));
    this.label = el('span', { id: 'timeline-label' });
    root.append(scale, this.play, track, this.live, this.resume, this.label, this.videoMode, this.record);
  }

  show(view: TimelineView): void {
    this.view = view;
    const steps = view.steps;
    const last = steps[steps.length - 1];
    if (view.playing !== this.shownPlaying) {
      this.shownPlaying = view.playing;
      this.play.textContent = view.playing ? '❚❚' : '▶';
      this.play.setAttribute('aria-label', view.playing ? 'Stop the history' : 'Play the history');
    }
    if (view.recording !== this.shownRecording) {
      this.shownRecording = view.recording;
      this.record.disabled = view.recording;
    }
    if (view.marks !== this.shownMarks) {
      this.shownMarks = view.marks;
      this.marksDirty = true;
    }
    const changed =
      steps !== this.shownSteps ||
      steps.length !== this.shownLength ||
      view.index !== this.shownIndex ||
      view.text !== this.shownText;
    if (changed) {
      if (steps.length !== this.shownLength || steps !== this.shownSteps) this.marksDirty = true;
      this.shownSteps = steps;
      this.shownLength = steps.length;
      this.shownIndex = view.index;
      this.shownText = view.text;
      this.range.disabled = steps.length === 0;
      this.play.disabled = steps.length < 2;
      this.live.disabled = view.index === null;
      // Live, the button keeps its place (invisible): leaving live must not shorten the track under the
      // pointer that drags it.
      this.resume.style.visibility = view.index === null ? 'hidden' : 'visible';
      this.resume.disabled = view.index === null;
      this.label.textContent = view.text;
      this.label.title = view.text;
      // While live, the thumb sits at the end; while scrubbing it stays where it was dragged, unless the
      // moment was chosen another way.
      if (steps.length > 0 && document.activeElement !== this.range) {
        const step = view.index === null ? last : steps[view.index];
        this.range.value = String(Math.round(stepToFraction(step, last, this.scale) * TIMELINE_STEPS));
      }
    }
    this.drawMarks();
  }

  /** The marks under the range: epochs (thinned to the width), a divergence, the target reached. */
  private drawMarks(): void {
    if (!this.marksDirty) return;
    this.marksDirty = false;
    const canvas = this.marks;
    const width = canvas.clientWidth;
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    canvas.width = Math.max(1, Math.round(width * dpr));
    canvas.height = Math.round(MARK_HEIGHT * dpr);
    const ctx = canvas.getContext('2d');
    const marks = this.view.marks;
    const steps = this.view.steps;
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, MARK_HEIGHT);
    if (!marks || steps.length < 2) return;
    const last = steps[steps.length - 1];
    const x = (step: number): number =>
      TRACK_INSET + stepToFraction(Math.min(step, last), last, this.scale) * (width - 2 * TRACK_INSET);
    const count = Math.min(marks.epochSteps.length, this.positions.length);
    for (let i = 0; i < count; i++) this.positions[i] = x(marks.epochSteps[i]);
    const shown = thinMarks(this.positions.subarray(0, count), 6, this.picked);
    ctx.fillStyle = COLORS.epoch;
    for (let k = 0; k < shown; k++) ctx.fillRect(Math.round(this.positions[this.picked[k]]), 1, 1, 5);
    if (marks.targetStep !== null) {
      ctx.fillStyle = COLORS.target;
      ctx.fillRect(Math.round(x(marks.targetStep)) - 1, 0, 3, MARK_HEIGHT);
    }
    if (marks.divergedAt !== null) {
      ctx.fillStyle = COLORS.diverged;
      ctx.fillRect(Math.round(x(marks.divergedAt)) - 1, 0, 3, MARK_HEIGHT);
    }
    canvas.title =
      `${marks.epochSteps.length} epoch${marks.epochSteps.length === 1 ? '' : 's'} (grey)` +
      (marks.targetStep !== null
        ? `; accuracy ${(marks.target * 100).toFixed(0)} % first reached at step ${marks.targetStep} (green)`
        : '') +
      (marks.divergedAt !== null ? `; diverged at step ${marks.divergedAt} (red)` : '');
  }
}
