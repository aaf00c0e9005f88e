/**
 * After each frame is drawn: the captions, the address and the saved state, the pace from the speed probe
 * (once it has measured), and a few times a second the status line, the chart's live step and the bar's
 * counters.
 */
import type { StatusLine } from '../../ui/status';
import type { CaptionBar } from './captionBar';
import { topologyHint } from '../../data/topology';
import type { NetworkSpec } from '../../engine/spec';
import type { StoryMode } from '../../story/storyMode';
import type { LossChart } from '../../ui/lossChart';
import type { Notice } from '../../ui/notice';
import type { Views } from '../../view/views';
import type { DataState } from '../runtime/runtime';
import type { Command } from '../../state/commands';
import type { Settings } from '../../state/settings';
import type { FrameLoop } from './frameLoop';
import { defaultPace, gridForSpeed, type SpeedMeter } from './pace';

/** What the report after each frame needs of the app. */
export interface ReportHost {
  readonly settings: Readonly<Settings>;
  readonly spec: NetworkSpec | null;
  readonly data: DataState | null;
  /** The name of the CSV trained on, or null for a built-in dataset. */
  readonly csvName: string | null;
  readonly trainer: { readonly step: number } | null;
  readonly device: GPUDevice | null;
  readonly adapter: string;
  readonly divergedAt: number | null;
  readonly views: Pick<Views, 'verticesPerFrame' | 'path' | 'mistakes' | 'shown'>;
  readonly loop: Pick<FrameLoop, 'stepsPerSecond' | 'seenParams' | 'fps'>;
  readonly speed: Pick<SpeedMeter, 'probe'>;
  readonly stories: Pick<StoryMode, 'lookFor'>;
  readonly chart: Pick<LossChart, 'setLiveStep'>;
  readonly notice: Pick<Notice, 'info'>;
  readonly dom: { readonly legend: HTMLElement };
  /** The address and the saved state follow the run (absent until main sets them up). */
  readonly hashSync: { tick(now: number): void } | null;
  readonly saver: { tick(now: number): void } | null;
  /** The pace follows the speed probe until a person sets the speed; the grid is checked once a rebuild. */
  pacedByProbe: boolean;
  gridProbe: boolean;
  dispatch(c: Command): void;
}

export class FrameReport {
  private statusAt = 0;

  constructor(
    private readonly app: ReportHost,
    private readonly captions: CaptionBar,
    private readonly status: StatusLine,
  ) {}

  private mistakesText = '';

  /** The count of misclassified points on display, beside the legend (classification only). */
  private showMistakes(): void {
    const app = this.app;
    const el = app.dom.legend.querySelector('.mistakes');
    if (!el) return;
    const m = app.views.mistakes;
    const total = m.train + m.test;
    const text =
      app.data?.full.classes && app.settings.showMistakes
        ? `${total} misclassified${m.test ? ` (${m.test} test)` : ''} of the points shown`
        : '';
    if (text !== this.mistakesText) {
      this.mistakesText = text;
      el.textContent = text;
    }
  }

  /** A new network: the captions are written afresh. */
  networkBuilt(): void {
    this.captions.reset();
    this.mistakesText = '';
  }

  /**
   * The pace from the speed probe (once, until a person sets the speed), and after each rebuild a coarser
   * grid where drawing is too slow to watch, said in the banner.
   */
  private applyProbe(): void {
    const app = this.app;
    if (!app.pacedByProbe && !app.gridProbe) return;
    const probe = app.speed.probe();
    if (!probe) return;
    const s = app.settings;
    if (app.pacedByProbe) {
      app.pacedByProbe = false;
      app.dispatch({ type: 'probedPace', stepsPerFrame: defaultPace(probe) });
    }
    if (app.gridProbe) {
      app.gridProbe = false;
      const grid = gridForSpeed(probe, s.gridSize);
      if (grid < s.gridSize) {
        const was = s.gridSize;
        app.dispatch({ type: 'lowerGrid', gridSize: grid });
        app.notice.info(
          `Drawing this network takes ${Math.round(probe.frameMs)} ms a frame on this adapter, too slow to watch: ` +
            `the grid density is lowered from ${was} to ${grid}. Raise it under View if you like.`,
          { topic: 'limits' },
        );
      }
    }
  }

  afterDraw(now: number, t: number): void {
    const app = this.app;
    const spec = app.spec;
    const path = app.views.path;
    if (spec && path) {
      this.captions.update(spec, path, t, {
        weightsVersion: app.loop.seenParams,
        functionView: app.views.shown.functionView,
        watch: app.stories.lookFor,
        hint: app.csvName === null ? topologyHint(app.settings.dataset, spec) : null,
        points: app.data?.full.inputSize === 2 ? app.data.full.x : null,
      });
    }
    app.hashSync?.tick(now);
    app.saver?.tick(now);
    this.applyProbe();
    if (now - this.statusAt > 500) {
      this.statusAt = now;
      const trainer = app.trainer;
      this.status.show({
        backend: app.device ? 'WebGPU' : 'WebGL2 + CPU',
        adapter: app.adapter,
        stepsPerSecond: app.loop.stepsPerSecond,
        fps: app.loop.fps,
        vertices: app.views.verticesPerFrame,
        playing: app.settings.playing && app.divergedAt === null,
      });
      app.chart.setLiveStep(app.divergedAt ?? trainer?.step ?? 0);
      this.showMistakes();
      app.dispatch({ type: 'runChanged', topics: ['progress'] });
    }
  }
}
