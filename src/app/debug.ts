/**
 * A small read-only window onto the running app for the browser tests and for curious people at the
 * console: `window.__detangle`. It can also steer the few things a test needs (slider, play, preset).
 */
import type { App } from './controller';

export interface DebugHook {
  /** Which backend draws and trains; whether three.js really runs on WebGPU. */
  state(): {
    backend: 'webgpu' | 'webgl2';
    rendererWebGPU: boolean;
    adapter: string;
    step: number;
    layers: number;
    widths: number[];
    position: number;
    dims: number;
    playing: boolean;
    busy: boolean;
    fps: number;
    stepsPerSecond: number;
    vertices: number;
    lossFirst: number;
    lossLatest: number;
    accuracy: number | null;
    chartSamples: number;
    /** The point followed through the layers (−1: none). */
    selected: number;
    error: string | null;
    notice: string | null;
  };
  setPosition(t: number): void;
  setPlaying(playing: boolean): void;
  setFullSpeed(on: boolean): void;
  applyPreset(id: string): Promise<void>;
  /** Hidden layer sizes (and optionally one activation); rebuilds the network. */
  setArchitecture(hidden: number[], activation?: string): Promise<void>;
  /**
   * Positions the GPU's vertex stage computes for grid vertices 0, stride, 2·stride, ... at slider
   * position t (read back from a float render target; CPU path: the CPU positions that are drawn).
   */
  readPositions(t: number, count: number): Promise<number[]>;
  /** The same vertices by the CPU formula from the latest weights read back (for comparison). */
  cpuPositions(t: number, count: number): number[];
  /** Where a data point is drawn in the main view (client pixels), or null. */
  pointOnScreen(index: number): [number, number] | null;
  /** Main camera position (changes when the person orbits). */
  camera(): number[];
  /** Waits for pending rebuilds. */
  idle(): Promise<void>;
}

declare global {
  interface Window {
    __detangle?: DebugHook;
  }
}

export function installDebugHook(app: App): void {
  const hook: DebugHook = {
    state: () => ({
      backend: app.backend,
      rendererWebGPU:
        (app.views.main.backend as unknown as { isWebGPUBackend?: boolean }).isWebGPUBackend === true,
      adapter: app.adapter,
      step: app.trainer?.step ?? 0,
      layers: app.layers,
      widths: app.views.path?.repWidth.slice() ?? [],
      position: app.settings.position,
      dims: app.views.path?.dimsAt(app.settings.position) ?? 0,
      playing: app.settings.playing,
      busy: app.isBusy,
      fps: app.fps,
      stepsPerSecond: app.stepsPerSecond,
      vertices: app.views.verticesPerFrame,
      lossFirst: app.chart.first('trainSmooth'),
      lossLatest: app.chart.latest('trainSmooth'),
      accuracy: app.trainer?.stats?.train.accuracy ?? null,
      chartSamples: app.chart.length,
      selected: app.views.selected,
      error: app.lastError,
      notice:
        document.getElementById('notice')?.hidden === false
          ? (document.getElementById('notice')?.textContent ?? null)
          : null,
    }),
    setPosition: (t) => app.setPosition(t),
    setPlaying: (playing) => {
      if (app.settings.playing !== playing) app.togglePlay();
    },
    setFullSpeed: (on) => {
      app.settings.fullSpeed = on;
    },
    applyPreset: async (id) => {
      app.applyPreset(id);
      await app.queue(() => {});
    },
    setArchitecture: async (hidden, activation) => {
      const act = activation ?? app.settings.hidden[0]?.activation ?? 'tanh';
      app.settings.hidden = hidden.map((units) => ({ units, activation: act as never }));
      app.settings.preset = '';
      app.panel.refresh();
      await app.queue(() => app.rebuildNetworkNow());
    },
    readPositions: (t, count) => app.views.readPositions(t, count),
    cpuPositions: (t, count) => (app.trainer ? app.views.cpuPositions(t, count, app.trainer.params) : []),
    pointOnScreen: (index) =>
      app.trainer ? app.views.screenPosition(index, app.settings.position, app.trainer.params) : null,
    camera: () => app.views.mainRig.camera.position.toArray(),
    idle: () => app.queue(() => {}),
  };
  window.__detangle = hook;
}
