/**
 * A WebM of the training history: the timeline plays from the first kept moment to the last over the
 * video's length (Share & export's length and size), in the timeline's log or linear time, at the layer on
 * the slider, or with the slider sweeping every layer at each of a few moments. The recording itself is
 * exporter.ts's VideoExport (MediaRecorder on the canvas); the timeline follows its clock frame by frame.
 */
import { widths } from '../../engine/spec';
import { messageOf } from '../../share/errors';
import type { HistoryVideoMode } from '../../ui/timeline';
import type { ExportHost } from '../io/exports';
import { VideoExport, download, fileStem, videoSize } from '../io/videoExport';
import type { HistoryRecorder } from './historyRecorder';
import type { TimelineScrub } from './timelineScrub';
import type { TimelineWiring } from './timelineWiring';

/** Seconds of a slider sweep in a sweeping video: the moments visited are the length over this. */
const SWEEP_SECONDS = 2;

/** What filming the history needs: what exporting needs, and the history, its timeline and scrubbing. */
export interface VideoHost extends ExportHost {
  readonly recorder: Pick<HistoryRecorder, 'history'>;
  readonly timeline: Pick<TimelineWiring, 'video' | 'seek' | 'goLive' | 'playback'>;
  readonly scrub: Pick<TimelineScrub, 'seek' | 'index'>;
}

export async function recordHistoryVideo(app: VideoHost, mode: HistoryVideoMode): Promise<Blob | null> {
  const topic = 'export';
  if (app.recording || app.timeline.video) return null;
  const history = app.recorder.history;
  if (history.length < 2 || !app.trainer || !app.spec) {
    app.notice.info('The history has no moments to film yet: let the network train a little first.', {
      topic,
    });
    return null;
  }
  const canvas = app.dom.mainCanvas;
  const [width, height] = videoSize(app.exportOptions.videoSize, canvas);
  const seconds = Math.max(1, Math.min(60, Math.round(app.exportOptions.videoSeconds)));
  const renderer = app.views.main;
  const s = app.settings;
  const before = {
    ratio: renderer.getPixelRatio(),
    animate: s.animate,
    position: s.position,
    index: app.scrub.index,
  };
  const last = history.last!.step;
  const name = `${fileStem(app.csvName ?? s.dataset, widths(app.spec), last)}-history-${mode}.webm`;
  const label = mode === 'sweep' ? 'Recording the history, sweeping the layers…' : 'Recording the history…';
  let video: VideoExport | null = null;
  const cancel = () => video?.cancel();
  video = new VideoExport(canvas, seconds, {
    begin: () => {
      app.dispatch({
        type: 'setRecording',
        recording: { width, height, what: 'training', startedAt: performance.now(), seconds },
      });
      renderer.setPixelRatio(1);
      renderer.setSize(width, height, false);
      canvas.classList.add('recording');
      app.dispatch({ type: 'setPlayback', animate: false });
      app.panel.setRecording(true);
      app.timeline.playback.stop();
      // Training pauses while a past moment is shown; the clock starts with the first frame.
      app.timeline.video = {
        startedAt: performance.now(),
        seconds,
        mode,
        sweeps: Math.max(2, Math.round(seconds / SWEEP_SECONDS)),
      };
      app.scrub.seek(0);
    },
    progress: (fraction) => app.progress.show(label, fraction, cancel),
    end: () => {
      app.timeline.video = null;
      app.dispatch({ type: 'setRecording', recording: null });
      canvas.classList.remove('recording');
      renderer.setPixelRatio(before.ratio);
      app.dispatch({ type: 'setPlayback', animate: before.animate, position: before.position });
      app.panel.setRecording(false);
      // Back to what was on screen before: live (training plays again if it did), or the moment shown.
      if (before.index === null) void app.timeline.goLive();
      else app.timeline.seek(before.index);
    },
  });
  app.progress.show(label, 0, cancel);
  try {
    const blob = await video.run();
    app.progress.show('Video ready:', 1);
    app.dispatch({ type: 'exported', file: { kind: 'webm', name, type: blob.type, bytes: blob.size } });
    download(blob, name);
    app.notice.success(
      `Saved ${name}: the history from step 0 to ${last} in ${seconds} s at ${width} × ${height}.`,
      { topic },
    );
    setTimeout(() => app.progress.hide(), 1500);
    return blob;
  } catch (e) {
    app.progress.hide();
    const message = messageOf(e);
    if (message === 'cancelled') app.notice.info('Recording cancelled.', { topic });
    else app.notice.error(`The video could not be recorded: ${messageOf(e)}.`, { topic });
    return null;
  }
}
