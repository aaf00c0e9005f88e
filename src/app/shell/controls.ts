/**
 * The controls around the views: the training bar, the layer slider, the story panel, the side panel,
 * the loss chart and the progress bar. Each dispatches commands and draws from the state: they subscribe
 * to the store's topics here, so no caller has to remember to tell them.
 */
import { getDataset } from '../../data/registry';
import type { StoryMode } from '../../story/storyMode';
import { ControlPanel, type ExportOptions, type GuiHandlers } from '../../ui/gui';
import { LossChart } from '../../ui/lossChart';
import { ProgressBar } from '../../ui/progress';
import { SliderBar } from '../../ui/slider';
import { StoryPanel } from '../../ui/storyPanel';
import { TrainingBar } from '../../ui/trainingBar';
import type { Stats } from '../../engine/types';
import type { Command } from '../../state/commands';
import type { AppState } from '../../state/runStatus';
import type { Settings } from '../../state/settings';
import type { Store } from '../../state/store';

/** Where the controls go. */
export interface ControlsDom {
  readonly chart: HTMLCanvasElement;
  readonly gui: HTMLElement;
  readonly progress: HTMLElement;
  readonly trainingBar: HTMLElement;
  readonly story: HTMLElement;
  /** The story's title and outcome over the picture while presenting. */
  readonly presentStory?: HTMLElement;
}

/** What the controls read of the run, and the door they change it through. */
export interface ControlsHost {
  /** The panel's controls write into these (lil-gui binds to the object) and then dispatch the change. */
  readonly settings: Settings;
  readonly store: Pick<Store<AppState>, 'subscribe'>;
  readonly stories: Pick<StoryMode, 'trainOn' | 'view'>;
  readonly divergedAt: number | null;
  /** The CSV file trained on, or null. */
  readonly csv: { readonly full: { readonly inputSize: number } } | null;
  readonly trainer: { readonly step: number; readonly stats: Pick<Stats, 'epoch'> | null } | null;
  dispatch(c: Command): void;
}

export class Controls {
  readonly chart: LossChart;
  readonly progress: ProgressBar;
  readonly slider: SliderBar;
  readonly panel: ControlPanel;
  private readonly bar: TrainingBar;
  private readonly storyPanel: StoryPanel;

  constructor(
    dom: ControlsDom,
    private readonly host: ControlsHost,
    files: Omit<GuiHandlers, 'dispatch' | 'dataInputSize'>,
    exportOptions: ExportOptions,
  ) {
    const dispatch = (c: Command): void => host.dispatch(c);
    this.chart = new LossChart(dom.chart);
    this.progress = new ProgressBar(dom.progress);
    this.bar = new TrainingBar(dom.trainingBar, dispatch);
    this.slider = new SliderBar(document, dispatch);
    this.storyPanel = new StoryPanel(
      dom.story,
      {
        open: (id) => dispatch({ type: 'applyPreset', id }),
        trainOn: () => {
          host.stories.trainOn();
          dispatch({ type: 'setPlaying', playing: true });
          dispatch({ type: 'runChanged', topics: ['story'] });
        },
      },
      dom.presentStory ?? null,
    );
    // The Features toggles follow the points trained on: a CSV file's, else the dataset's.
    const dataInputSize = (): number =>
      host.csv?.full.inputSize ?? getDataset(host.settings.dataset).inputSize;
    this.panel = new ControlPanel(
      dom.gui,
      host.settings,
      { dispatch, dataInputSize, ...files },
      exportOptions,
    );
    this.subscribe();
  }

  /** A new network: its layer names (input first) and widths. */
  networkBuilt(names: string[], widths: number[]): void {
    this.slider.setLayers(names);
    this.panel.layerWidths = widths;
    this.panel.setLayers(names);
    this.panel.updateDisplay();
  }

  /** The training bar, slider, panel and story panel draw from the state. */
  private subscribe(): void {
    const { settings: s, store } = this.host;
    store.subscribe(['playing', 'pace', 'progress'], () => this.showBar());
    store.subscribe(['position', 'network'], () => this.panel.showPosition());
    store.subscribe(['animation'], () => {
      this.slider.setPlaying(s.animate);
      this.panel.setAnimating(s.animate);
    });
    store.subscribe(['pace', 'settings'], () => this.panel.updateDisplay());
    store.subscribe(['network'], () => this.chart.describe(s.knn ? s.knn.k : null));
    store.subscribe(['story', 'progress', 'network'], () =>
      this.storyPanel.show(this.host.stories.view(this.host.trainer?.step ?? 0)),
    );
  }

  private showBar(): void {
    const s = this.host.settings;
    const trainer = this.host.trainer;
    const divergedAt = this.host.divergedAt;
    this.bar.show({
      playing: s.playing,
      diverged: divergedAt !== null,
      fullSpeed: s.fullSpeed,
      stepsPerFrame: s.stepsPerFrame,
      learningRate: s.learningRate,
      step: divergedAt ?? trainer?.step ?? 0,
      epoch: trainer?.stats?.epoch ?? null,
    });
  }
}
