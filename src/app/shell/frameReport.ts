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
import { maxGridSize, type BufferLimits } from '../runtime/limits';
import { DensityGovernor, gridForCost, gridWork } from './gridDensity';
import { defaultPace, type SpeedMeter } from './pace';

/** The probe's pace is changed when the measured speed asks for one differing by more than this share. */
export const PACE_SLACK = 0.2;

/** The banner's topic for the grid density the frames allow. */
export const GRID_SPEED_TOPIC = 'grid-speed';

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
  readonly notice: Pick<Notice, 'info' | 'clear'>;
  /** A rebuild is under way (its frames say nothing of the drawing's speed). */
  readonly isBusy: boolean;
  /** The device's buffer limits, or null (the chosen grid density is never raised beyond what fits). */
  bufferLimits(): BufferLimits | null;
  readonly dom: { readonly legend: HTMLElement };
  /** The address and the saved state follow the run (absent until main sets them up). */
  readonly hashSync: { tick(now: number): void } | null;
  readonly saver: { tick(now: number): void } | null;
  /**
   * The pace follows the speed probe until a person sets the speed; the grid density is checked by the
   * probe after each rebuild, then after every few frames.
   */
  pacedByProbe: boolean;
  gridProbe: boolean;
  dispatch(c: Command): void;
}

export class FrameReport {
  private statusAt = 0;
  /** The grid density the frames allow (gridDensity.ts). */
  private readonly density = new DensityGovernor();
  /** A word about the grid density is in the banner. */
  private bannerUp = false;
  /** The pace the probe set, while it is still the set pace (null: a person set the speed, or none yet). */
  private probedPace: number | null = null;

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

  /** The network and chosen density the cost rule last looked at (it looks once at each). */
  private costKey = '';

  /**
   * Before a grid is built: the densest grid the network's cost allows at once (gridDensity.ts), said in
   * the banner as a slow frame's lowering is. Once for each network and density the person chose, so the
   * rule's raises (when frames prove quick) are not undone.
   */
  affordableGrid(spec: NetworkSpec, grid: number): number {
    const app = this.app;
    const chosen = Math.round(app.settings.chosenGrid);
    const units = spec.layers.reduce((n, l) => n + l.units, 0);
    // The lattice spans the data's own coordinates (feature inputs widen the network, not the grid).
    const dims = app.data?.full.inputSize ?? spec.inputSize;
    const key = `${spec.inputSize}:${spec.layers.map((l) => l.units).join('-')}@${chosen}`;
    if (key === this.costKey) return grid;
    this.costKey = key;
    const next = gridForCost(dims, grid, units);
    if (next >= grid) return grid;
    this.bannerUp = true;
    const layers = spec.layers.length;
    const work = gridWork(dims, grid, units);
    app.notice.info(
      `Drawing this network (${layers} layers, ${units} units) on a grid of density ${Math.round(grid)} moves ` +
        `${(work / 1e6).toFixed(1)} million vertex-units a frame, too slow to watch: the grid density is ` +
        `lowered from ${Math.round(grid)} to ${next} at once, and goes back up towards ${chosen} when frames allow.`,
      { topic: GRID_SPEED_TOPIC },
    );
    return next;
  }

  /** A new network: the captions are written afresh. */
  networkBuilt(): void {
    this.captions.reset();
    this.mistakesText = '';
  }

  /**
   * The pace from the speed probe (once, until a person sets the speed); the grid density from the probe
   * after each rebuild, then from every window of frames (gridDensity.ts): lowered while frames are too
   * slow to watch, raised back towards the person's density when they allow, said in the banner.
   */
  private applyProbe(now: number, drew: boolean): void {
    const app = this.app;
    this.density.frame(now, app.isBusy, drew);
    if (app.pacedByProbe || app.gridProbe) {
      const probe = app.speed.probe();
      if (probe && app.pacedByProbe) {
        app.pacedByProbe = false;
        this.probedPace = defaultPace(probe);
        app.dispatch({ type: 'probedPace', stepsPerFrame: this.probedPace });
      }
      if (probe && app.gridProbe) {
        app.gridProbe = false;
        this.density.networkChanged();
        this.applyDensity(now, probe.frameMs);
      }
    }
    if (!app.gridProbe) this.applyDensity(now);
    this.followPace();
    if (this.bannerUp && app.settings.gridSize >= this.chosenGrid()) {
      this.bannerUp = false;
      app.notice.clear(GRID_SPEED_TOPIC);
    }
  }

  /**
   * The probe's pace follows the measured speed (the first frames after a load are slower than the rest)
   * while the set pace is still the one it chose: once it differs by more than PACE_SLACK.
   */
  private followPace(): void {
    const app = this.app;
    const s = app.settings;
    if (this.probedPace === null || app.pacedByProbe) return;
    if (s.fullSpeed || s.stepsPerFrame !== this.probedPace) {
      // A person set the speed: it stays theirs.
      this.probedPace = null;
      return;
    }
    const probe = app.speed.probe();
    if (!probe) return;
    const next = defaultPace(probe);
    if (Math.abs(next - this.probedPace) <= PACE_SLACK * this.probedPace) return;
    this.probedPace = next;
    app.dispatch({ type: 'probedPace', stepsPerFrame: next });
  }

  /** The density the person chose, or the largest the device holds for this network if that is less. */
  private chosenGrid(): number {
    const app = this.app;
    const chosen = Math.round(app.settings.chosenGrid);
    const limits = app.bufferLimits();
    return app.spec && limits ? maxGridSize(app.spec, limits, chosen) : chosen;
  }

  /** One decision of the density rule (with the probe's frame time after a rebuild), through the door. */
  private applyDensity(now: number, probeMs?: number): void {
    const app = this.app;
    const measured = probeMs ?? this.density.windowMs();
    const was = Math.round(app.settings.gridSize);
    const chosen = this.chosenGrid();
    const next = this.density.decide(now, was, chosen, probeMs);
    if (next === null || measured === null || next === was) return;
    if (next < was) {
      app.dispatch({ type: 'lowerGrid', gridSize: next });
      this.bannerUp = true;
      app.notice.info(
        `Drawing this network takes ${Math.round(measured)} ms a frame on this adapter, too slow to watch: ` +
          `the grid density is lowered from ${was} to ${next} while frames are this slow, and goes back ` +
          `up towards ${chosen} when they allow.`,
        { topic: GRID_SPEED_TOPIC },
      );
    } else {
      app.dispatch({ type: 'raiseGrid', gridSize: next });
      if (next < chosen) {
        this.bannerUp = true;
        app.notice.info(
          `Frames are quicker now (${Math.round(measured)} ms): the grid density is raised from ${was} to ` +
            `${next}, on its way back to ${chosen}.`,
          { topic: GRID_SPEED_TOPIC },
        );
      }
    }
  }

  /** After a frame at `now`, slider position t; `drew`: the frame drew the views (a still one may not). */
  afterDraw(now: number, t: number, drew = true): void {
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
    this.applyProbe(now, drew);
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
