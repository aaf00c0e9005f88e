/**
 * The Share & export actions: copy a link, save a picture, record a video, export the model. Each tells
 * the person in the page how it went; none throws.
 */
import type { NetworkSpec } from '../../engine/spec';
import { widths } from '../../engine/spec';
import type { Experiment } from '../../experiment/experiment';
import { messageOf } from '../../share/errors';
import { shareUrl } from '../../share/url';
import type { ViewSettings } from '../../share/view';
import type { ControlPanel, ExportOptions } from '../../ui/gui';
import type { Notice } from '../../ui/notice';
import type { ProgressBar } from '../../ui/progress';
import type { Views } from '../../view/views';
import type { TrainerState } from '../runtime/trainer';
import type { Command } from '../../state/commands';
import type { Recording } from '../../state/runStatus';
import type { Settings } from '../../state/settings';

export type { ExportRecord, Recording } from '../../state/runStatus';
import { VideoExport, canvasPng, download, fileStem, videoSize } from './videoExport';

/** What sharing and exporting need of the app. */
export interface ExportHost {
  readonly settings: Readonly<Settings>;
  readonly spec: NetworkSpec | null;
  readonly trainer: { readonly step: number } | null;
  /** The name of the CSV trained on, or null for a built-in dataset. */
  readonly csvName: string | null;
  /** A rebuild is under way. */
  readonly isBusy: boolean;
  readonly dom: { readonly mainCanvas: HTMLCanvasElement };
  readonly views: Pick<Views, 'main'>;
  readonly exportOptions: ExportOptions;
  readonly notice: Pick<Notice, 'info' | 'error' | 'success'>;
  readonly panel: Pick<ControlPanel, 'setRecording'>;
  readonly progress: Pick<ProgressBar, 'show' | 'hide'>;
  /** Set while a video records. */
  readonly recording: Recording | null;
  experiment(): Experiment | null;
  view(): ViewSettings;
  /** Draws the main view now (a picture is taken right after). */
  renderNow(): void;
  /** The training state read back after this call (null if the network is replaced meanwhile). */
  freshState(): Promise<TrainerState | null>;
  dispatch(c: Command): void;
}

/** A file's size in words. */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}

function stem(app: ExportHost): string {
  const spec = app.spec;
  return fileStem(app.csvName ?? app.settings.dataset, spec ? widths(spec) : [], app.trainer?.step ?? 0);
}

/** The page's address without its hash: where links open. */
function base(): string {
  return location.href.split('#')[0];
}

/** Copies a link to the current experiment (and its weights when asked) to the clipboard. */
export async function copyLink(app: ExportHost): Promise<string | null> {
  const topic = 'share';
  if (app.csvName !== null) {
    app.notice.error(
      `A link cannot carry the points of ${app.csvName}: export the model (JSON) to share the network, or pick a built-in dataset.`,
      { topic },
    );
    return null;
  }
  const exp = app.experiment();
  if (!exp) {
    app.notice.error('There is no experiment to link to yet.', { topic });
    return null;
  }
  let weights: Float32Array | undefined;
  if (app.exportOptions.includeWeights) {
    // The weights as they are on the GPU now, read back after the click.
    weights = (await app.freshState())?.params ?? undefined;
    if (!weights) {
      app.notice.error(
        'The weights are not finite (the run diverged): lower the learning rate or reset first.',
        {
          topic,
        },
      );
      return null;
    }
  }
  let url: string;
  try {
    url = await shareUrl(exp, { base: base(), view: app.view(), ...(weights ? { weights } : {}) });
  } catch (e) {
    app.notice.error(`The link cannot be made: ${messageOf(e)}.`, { topic });
    return null;
  }
  app.dispatch({ type: 'linked', url });
  const what = `${url.length} characters${weights ? ', with the trained weights' : ''}`;
  try {
    await navigator.clipboard.writeText(url);
    app.notice.success(`Link copied to the clipboard (${what}).`, { topic });
  } catch {
    app.notice.info(`The browser did not let the page copy the link (${what}); copy it from here:`, {
      topic,
      copyText: url,
    });
  }
  return url;
}

/** Saves the main view as a PNG. */
export async function exportPng(app: ExportHost): Promise<Blob | null> {
  const topic = 'export';
  if (app.isBusy || !app.trainer) {
    app.notice.info('The view is being rebuilt: try again in a moment.', { topic });
    return null;
  }
  try {
    const blob = await canvasPng(app.dom.mainCanvas, () => app.renderNow());
    const name = `${stem(app)}.png`;
    app.dispatch({ type: 'exported', file: { kind: 'png', name, type: blob.type, bytes: blob.size } });
    download(blob, name);
    app.notice.success(`Saved ${name} (${sizeText(blob.size)}).`, { topic });
    return blob;
  } catch (e) {
    app.notice.error(`The picture could not be saved: ${messageOf(e)}.`, { topic });
    return null;
  }
}

/** Records the main view for the chosen length, at the chosen size, with a progress bar. */
export async function recordVideo(app: ExportHost): Promise<Blob | null> {
  const topic = 'export';
  if (app.recording) return null;
  const options = app.exportOptions;
  const canvas = app.dom.mainCanvas;
  const [width, height] = videoSize(options.videoSize, canvas);
  const seconds = Math.max(1, Math.min(60, Math.round(options.videoSeconds)));
  const what = options.videoWhat;
  const renderer = app.views.main;
  const s = app.settings;
  const before = {
    ratio: renderer.getPixelRatio(),
    playing: s.playing,
    animate: s.animate,
    position: s.position,
  };
  // Named after what is filmed when it starts (a dataset switch meanwhile does not rename it).
  const name = `${stem(app)}-${what}.webm`;
  const label = what === 'interpolation' ? 'Recording the interpolation…' : 'Recording training…';
  let video: VideoExport | null = null;
  const cancel = () => video?.cancel();
  video = new VideoExport(canvas, seconds, {
    begin: () => {
      app.dispatch({
        type: 'setRecording',
        recording: { width, height, what, startedAt: performance.now(), seconds },
      });
      renderer.setPixelRatio(1);
      renderer.setSize(width, height, false);
      canvas.classList.add('recording');
      app.dispatch(
        what === 'interpolation'
          ? { type: 'setPlayback', animate: false, playing: false, position: 0 }
          : { type: 'setPlayback', playing: true },
      );
      app.panel.setRecording(true);
    },
    progress: (fraction) => app.progress.show(label, fraction, cancel),
    end: () => {
      app.dispatch({ type: 'setRecording', recording: null });
      canvas.classList.remove('recording');
      app.views.main.setPixelRatio(before.ratio);
      app.dispatch({
        type: 'setPlayback',
        playing: before.playing,
        animate: before.animate,
        ...(what === 'interpolation' ? { position: before.position } : {}),
      });
      app.panel.setRecording(false);
    },
  });
  app.progress.show(label, 0, cancel);
  try {
    const blob = await video.run();
    app.progress.show('Video ready:', 1);
    app.dispatch({ type: 'exported', file: { kind: 'webm', name, type: blob.type, bytes: blob.size } });
    download(blob, name);
    app.notice.success(`Saved ${name}: ${seconds} s at ${width} × ${height} (${sizeText(blob.size)}).`, {
      topic,
    });
    setTimeout(() => app.progress.hide(), 1500);
    return blob;
  } catch (e) {
    app.progress.hide();
    const message = messageOf(e);
    if (message === 'cancelled') app.notice.info('Recording cancelled.', { topic });
    else app.notice.error(`The video could not be recorded: ${message}.`, { topic });
    return null;
  }
}
