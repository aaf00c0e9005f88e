/**
 * Getting things out of the page: a PNG of the main view, a WebM video of it (MediaRecorder on the
 * canvas's stream: no encoder of our own) and downloads.
 */

/** Offers a blob as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has its own copy once started; free ours a little later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** A file name from the experiment: `detangle-rings-2-3-2-1-step1200`. */
export function fileStem(dataset: string, arch: number[], step: number): string {
  const name = dataset.replace(/[^a-z0-9_-]+/gi, '-').slice(0, 40) || 'data';
  return `detangle-${name}-${arch.join('-')}-step${step}`;
}

/**
 * The canvas as PNG. `render` draws a fresh frame first, in the same task: a WebGPU canvas (like a WebGL
 * one without preserveDrawingBuffer) only holds its picture until the frame is presented.
 */
export function canvasPng(canvas: HTMLCanvasElement, render: () => void): Promise<Blob> {
  return new Promise((resolve, reject) => {
    try {
      render();
      canvas.toBlob((blob) => {
        if (blob && blob.size > 0) resolve(blob);
        else reject(new Error('the browser gave no picture of the view'));
      }, 'image/png');
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

/** "1280x720" → [1280, 720]; "view" → the canvas's size on screen (even numbers, as encoders like). */
export function videoSize(text: string, canvas: HTMLCanvasElement): [number, number] {
  const m = /^(\d{2,4})x(\d{2,4})$/.exec(text);
  const even = (v: number) => Math.max(2, 2 * Math.round(v / 2));
  if (m) return [even(Math.min(3840, Number(m[1]))), even(Math.min(2160, Number(m[2])))];
  return [even(canvas.clientWidth || 640), even(canvas.clientHeight || 360)];
}

/** The first WebM type this browser records, or null. */
export function webmType(): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  // VP8 first: it encodes in software fast enough where VP9 may drop the first frames.
  for (const type of ['video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/webm']) {
    if (MediaRecorder.isTypeSupported(type)) return type;
  }
  return null;
}

/** How long to wait beyond the length for the encoder's first frames. */
const ENCODER_GRACE_MS = 5000;

export interface VideoHooks {
  /** Before recording: fix the canvas size and set up what is filmed. */
  begin(): void;
  /** Every tick while recording, with the fraction of the length done (0..1). */
  progress(fraction: number): void;
  /** After recording, also when cancelled or failed: put the view back. */
  end(): void;
}

/**
 * Records `seconds` of the canvas. Resolves with the WebM, or rejects (cancelled, no recorder, nothing
 * recorded). Frames are captured whenever the canvas is drawn; the frame loop keeps drawing meanwhile.
 */
export class VideoExport {
  private recorder: MediaRecorder | null = null;
  private cancelled = false;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly seconds: number,
    private readonly hooks: VideoHooks,
  ) {}

  run(): Promise<Blob> {
    const type = webmType();
    const capture = (this.canvas as HTMLCanvasElement & { captureStream?: (fps?: number) => MediaStream })
      .captureStream;
    if (!type || typeof capture !== 'function') {
      return Promise.reject(
        new Error('this browser cannot record video from a canvas (no MediaRecorder with WebM)'),
      );
    }
    return new Promise<Blob>((resolve, reject) => {
      const chunks: Blob[] = [];
      let stream: MediaStream | null = null;
      let done = false;
      const finish = (error: Error | null): void => {
        if (done) return;
        done = true;
        if (this.timer !== null) clearInterval(this.timer);
        this.timer = null;
        stream?.getTracks().forEach((t) => t.stop());
        this.hooks.end();
        if (error) return reject(error);
        const blob = new Blob(chunks, { type: type.split(';')[0] });
        if (blob.size === 0) reject(new Error('the recording is empty: no frame was drawn'));
        else resolve(blob);
      };
      const record = (): void => {
        stream = capture.call(this.canvas, 30);
        const recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 6_000_000 });
        this.recorder = recorder;
        recorder.ondataavailable = (e) => {
          if (e.data.size > 0) chunks.push(e.data);
        };
        recorder.onerror = () => finish(new Error('the recorder failed'));
        recorder.onstop = () => finish(this.cancelled ? new Error('cancelled') : null);
        const started = performance.now();
        const length = this.seconds * 1000;
        recorder.start(250);
        this.timer = setInterval(() => {
          const elapsed = performance.now() - started;
          this.hooks.progress(Math.min(1, elapsed / length));
          if (elapsed < length || recorder.state !== 'recording') return;
          // A slow encoder (software, a busy machine) may not have handed over its first frames yet:
          // ask for them, and give it a few more seconds before stopping.
          if (chunks.length === 0 && elapsed < length + ENCODER_GRACE_MS) {
            recorder.requestData();
            return;
          }
          if (this.timer !== null) clearInterval(this.timer);
          this.timer = null;
          recorder.stop();
        }, 100);
      };
      try {
        this.hooks.begin();
        // Start once a frame has been drawn at the recording size.
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            try {
              if (this.cancelled) finish(new Error('cancelled'));
              else record();
            } catch (e) {
              finish(e instanceof Error ? e : new Error(String(e)));
            }
          }),
        );
      } catch (e) {
        finish(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  cancel(): void {
    this.cancelled = true;
    if (this.recorder && this.recorder.state !== 'inactive') this.recorder.stop();
  }
}
