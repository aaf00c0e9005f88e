/**
 * One face for the two trainers: the WebGPU engine, or the TypeScript twin on the CPU in a worker (the
 * fallback without WebGPU). Both train without blocking the frame; weights and statistics come back
 * asynchronously into `params` and `stats`, each with a version number that grows on every arrival.
 */
import { Engine } from '../../engine/engine';
import { GridTransform } from '../../engine/grid';
import { KnnGrid } from '../../engine/knnGrid';
import { probeKernels } from '../../engine/kernelProbe';
import type { NetworkSpec, OptimizerSpec } from '../../engine/spec';
import type { EngineConfig, KernelTimings, Stats } from '../../engine/types';
import type { Dataset } from '../../data/types';
import type { WorkerReply, WorkerRequest } from './trainWorker';

/** Measured seconds per step of the kernels `auto` chooses between, per shape, optimiser and batch. */
const KERNEL_TIMINGS = new Map<string, KernelTimings>();

/** Weights, optimiser moments (null where the trainer cannot read them) and the step they belong to. */
export interface TrainerState {
  params: Float32Array;
  moments: Float32Array | null;
  step: number;
}

export interface Trainer {
  readonly backend: 'webgpu' | 'cpu';
  readonly spec: NetworkSpec;
  /** Steps asked for so far. */
  readonly step: number;
  /** Latest weights known on the CPU, and how many times they arrived. */
  readonly params: Float32Array;
  readonly paramsVersion: number;
  readonly stats: Stats | null;
  readonly statsVersion: number;
  /** The latest full state read back (arrives with the weights), or null before the first. */
  readonly state: TrainerState | null;
  /** Whether the trainer can take more steps now (the CPU worker works on one request at a time). */
  readonly ready: boolean;
  /** Measured training speed (steps per millisecond of training work), or null before a measurement. */
  readonly stepsPerMs: number | null;
  /** Training submissions the device has not finished yet (the GPU falling behind shows here). */
  readonly backlog: number;
  setData(train: Dataset, test: Dataset | null): void;
  setOptimizer(optimizer: OptimizerSpec): void;
  setBatchSize(batchSize: number): void;
  train(steps: number): void;
  /** Asks for fresh weights / statistics (ignored while a request is in flight). */
  refreshParams(): void;
  refreshStats(): void;
  /**
   * Puts weights (and moments, where given) back and moves to `step`; clears a divergence. Results of
   * reads asked for before this are dropped.
   */
  restore(state: TrainerState): void;
  /** Lets training go on from `step` with the current weights after a divergence. */
  clearDivergence(step: number): void;
  /**
   * Sets one parameter in place (a hand edit; nothing is rebuilt): `params` follows at once, reads asked
   * for before it are dropped, and the statistics are measured afresh.
   */
  writeParam(index: number, value: number): void;
  /** Zero optimiser moments: training goes on from hand-set weights as from a fresh start. */
  resetMoments(): void;
  /** The state after every step asked for so far (a read of its own, never one already in flight). */
  readNow(): Promise<TrainerState>;
  dispose(): void;
}

export class GpuTrainer implements Trainer {
  readonly backend = 'webgpu';
  readonly engine: Engine;
  params: Float32Array;
  paramsVersion = 0;
  stats: Stats | null = null;
  statsVersion = 0;
  state: TrainerState | null = null;
  stepsPerMs: number | null = null;
  backlog = 0;
  /** Grows on every restore, so reads in flight from before it are dropped. */
  private generation = 0;
  private paramsPending = false;
  private paramsAgain = false;
  private statsPending = false;
  private disposed = false;
  private timing = false;
  /** Called with an error from an asynchronous readback. */
  onError: (error: unknown) => void = () => {};

  private constructor(engine: Engine) {
    this.engine = engine;
    this.params = new Float32Array(engine.paramCount);
  }

  static async create(device: GPUDevice, config: EngineConfig): Promise<GpuTrainer> {
    return new GpuTrainer(await Engine.create(device, config));
  }

  get spec(): NetworkSpec {
    return this.engine.spec;
  }

  get step(): number {
    return this.engine.step;
  }

  get ready(): boolean {
    return true;
  }

  /** A grid transform on the engine's device, reading its parameters on the GPU. */
  gridTransform(capacity: number): GridTransform {
    return new GridTransform(this.engine, Math.max(1, capacity));
  }

  /** A k-NN output's regions over the grid of `grid`, voted by the training points `train`. */
  knnGrid(grid: GridTransform, train: Dataset): KnnGrid {
    return new KnnGrid(this.engine, grid, train);
  }

  setData(train: Dataset, test: Dataset | null): void {
    this.engine.setData(train, test);
  }

  /**
   * Where the fused kernel does not take the network, times the kernels `auto` chooses between on this
   * device (once per shape, optimiser and batch in this page) and runs the faster; the weights, moments
   * and step are left as they were.
   */
  async tuneKernel(): Promise<void> {
    await probeKernels(this.engine, { steps: 16, cache: KERNEL_TIMINGS });
  }

  /** The training kernel that runs. */
  get kernel(): string {
    return this.engine.kernelInfo.kernel;
  }

  setOptimizer(optimizer: OptimizerSpec): void {
    this.engine.setOptimizer(optimizer);
  }

  setBatchSize(batchSize: number): void {
    this.engine.setBatchSize(batchSize);
  }

  /**
   * Trains, and now and then times the work on the GPU without waiting for it: the queue runs in order,
   * so the gap between "everything before" and "everything up to the training" being done is the
   * training's own time.
   */
  train(steps: number): void {
    if (steps < 1) return;
    this.backlog++;
    const finished = () => this.backlog--;
    if (this.timing) {
      this.engine.train(steps);
      this.engine.device.queue.onSubmittedWorkDone().then(finished, finished);
      return;
    }
    this.timing = true;
    const queue = this.engine.device.queue;
    let before = 0;
    const started = queue.onSubmittedWorkDone().then(() => (before = performance.now()));
    this.engine.train(steps);
    const done = queue.onSubmittedWorkDone();
    done.then(finished, finished);
    Promise.all([started, done]).then(
      () => {
        this.timing = false;
        const ms = Math.max(0.05, performance.now() - before);
        this.stepsPerMs = this.stepsPerMs === null ? steps / ms : 0.7 * this.stepsPerMs + 0.3 * (steps / ms);
      },
      () => (this.timing = false),
    );
  }

  refreshParams(): void {
    if (this.disposed) return;
    if (this.paramsPending) {
      // Read again when this one lands, so the last weights always arrive.
      this.paramsAgain = true;
      return;
    }
    this.paramsPending = true;
    const generation = this.generation;
    this.engine.readState().then(
      (state) => {
        this.paramsPending = false;
        if (this.disposed) return;
        if (generation === this.generation) {
          this.params.set(state.params);
          this.state = state;
          this.paramsVersion++;
        } else {
          this.paramsAgain = true;
        }
        if (this.paramsAgain) {
          this.paramsAgain = false;
          this.refreshParams();
        }
      },
      (e: unknown) => {
        this.paramsPending = false;
        if (!this.disposed) this.onError(e);
      },
    );
  }

  refreshStats(): void {
    if (this.statsPending || this.disposed) return;
    this.statsPending = true;
    const generation = this.generation;
    this.engine.stats().then(
      (s) => {
        this.statsPending = false;
        if (this.disposed) return;
        // Measured before a restore or an edit: measure again.
        if (generation !== this.generation) return this.refreshStats();
        this.stats = s;
        this.statsVersion++;
      },
      (e: unknown) => {
        this.statsPending = false;
        if (!this.disposed) this.onError(e);
      },
    );
  }

  async readNow(): Promise<TrainerState> {
    const state = await this.engine.readState();
    return { params: state.params, moments: state.moments, step: state.step };
  }

  restore(state: TrainerState): void {
    this.engine.restore({ params: state.params, moments: state.moments ?? undefined, step: state.step });
    this.afterRestore(state);
  }

  clearDivergence(step: number): void {
    this.engine.clearDivergence(step);
    this.generation++;
    this.stepsPerMs = null;
    this.stats = null;
    this.refreshParams();
    this.refreshStats();
  }

  writeParam(index: number, value: number): void {
    this.engine.writeParams(Float32Array.of(value), index);
    this.generation++;
    this.params[index] = value;
    if (this.state) this.state.params[index] = value;
    this.paramsVersion++;
    this.refreshParams();
    this.refreshStats();
  }

  resetMoments(): void {
    this.engine.resetMoments();
    if (this.state?.moments) this.state.moments.fill(0);
  }

  private afterRestore(state: TrainerState): void {
    this.generation++;
    // Steps after a divergence do nothing and time as instant: measure afresh.
    this.stepsPerMs = null;
    this.params.set(state.params);
    this.state = {
      params: Float32Array.from(state.params),
      moments: state.moments ? Float32Array.from(state.moments) : null,
      step: state.step,
    };
    this.paramsVersion++;
    this.stats = null;
    this.refreshStats();
  }

  dispose(): void {
    this.disposed = true;
    this.engine.dispose();
  }
}

/** The twin trainer in a worker; one request in flight at a time, so the page never queues work. */
export class WorkerTrainer implements Trainer {
  readonly backend = 'cpu';
  readonly spec: NetworkSpec;
  params: Float32Array;
  paramsVersion = 0;
  stats: Stats | null = null;
  statsVersion = 0;
  state: TrainerState | null = null;
  step = 0;
  stepsPerMs: number | null = null;
  private generation = 0;
  private busy = false;
  private wantStats = false;
  private sentAt = 0;
  private sentSteps = 0;
  private readonly worker: Worker;
  private disposed = false;
  onError: (error: unknown) => void = () => {};

  constructor(config: EngineConfig, initialParams: Float32Array) {
    this.spec = config.spec;
    this.params = Float32Array.from(initialParams);
    this.worker = new Worker(new URL('./trainWorker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<WorkerReply>) => this.receive(e.data);
    this.worker.onerror = (e) => this.onError(new Error(e.message || 'the training worker failed'));
    this.post({ type: 'init', config });
  }

  get ready(): boolean {
    return !this.busy;
  }

  /** One request at a time: never more than one behind. */
  get backlog(): number {
    return this.busy ? 1 : 0;
  }

  private post(message: WorkerRequest): void {
    this.worker.postMessage(message);
  }

  private receive(reply: WorkerReply): void {
    if (reply.type === 'error') {
      this.busy = false;
      this.onError(new Error(reply.message));
      return;
    }
    this.busy = false;
    // Work asked for before a restore answers with the old weights: drop it.
    if (reply.generation !== this.generation) return;
    if (this.sentSteps > 0) {
      const rate = this.sentSteps / Math.max(1, reply.trainMs);
      this.stepsPerMs = this.stepsPerMs === null ? rate : 0.7 * this.stepsPerMs + 0.3 * rate;
    }
    this.params.set(reply.params);
    this.state = { params: Float32Array.from(reply.params), moments: null, step: reply.step };
    this.paramsVersion++;
    this.step = reply.step;
    if (reply.stats) {
      this.stats = reply.stats;
      this.statsVersion++;
    }
  }

  setData(train: Dataset, test: Dataset | null): void {
    this.post({ type: 'data', train, test });
  }

  setOptimizer(optimizer: OptimizerSpec): void {
    this.post({ type: 'optimizer', optimizer });
  }

  setBatchSize(batchSize: number): void {
    this.post({ type: 'batch', batchSize });
  }

  train(steps: number): void {
    if (this.busy) return;
    this.busy = true;
    const stats = this.wantStats;
    this.wantStats = false;
    this.sentAt = performance.now();
    this.sentSteps = steps;
    this.post({ type: 'train', steps, stats, generation: this.generation });
  }

  refreshParams(): void {
    // Weights come back with every reply.
  }

  refreshStats(): void {
    if (this.busy) {
      this.wantStats = true;
      return;
    }
    this.busy = true;
    this.sentSteps = 0;
    this.post({ type: 'train', steps: 0, stats: true, generation: this.generation });
  }

  async readNow(): Promise<TrainerState> {
    const seen = this.paramsVersion;
    this.refreshStats();
    const start = performance.now();
    while (this.paramsVersion === seen && !this.disposed && performance.now() - start < 10_000) {
      await new Promise((r) => setTimeout(r, 16));
    }
    return this.state ?? { params: Float32Array.from(this.params), moments: null, step: this.step };
  }

  /** The CPU twin keeps its own optimiser moments: only the weights and the step go back. */
  restore(state: TrainerState): void {
    this.generation++;
    this.params.set(state.params);
    this.state = { params: Float32Array.from(state.params), moments: null, step: state.step };
    this.step = state.step;
    this.paramsVersion++;
    this.stats = null;
    this.busy = true;
    this.sentSteps = 0;
    this.post({ type: 'restore', params: Float32Array.from(state.params), step: state.step });
    this.post({ type: 'train', steps: 0, stats: true, generation: this.generation });
  }

  clearDivergence(step: number): void {
    this.restore({ params: this.params, moments: null, step });
  }

  /** The worker is told first; a reply already on its way (the old weights) is dropped. */
  writeParam(index: number, value: number): void {
    this.generation++;
    this.params[index] = value;
    if (this.state) this.state.params[index] = value;
    this.paramsVersion++;
    this.post({ type: 'setParam', index, value });
    this.busy = true;
    this.sentSteps = 0;
    this.post({ type: 'train', steps: 0, stats: true, generation: this.generation });
  }

  resetMoments(): void {
    this.post({ type: 'resetMoments' });
  }

  dispose(): void {
    this.disposed = true;
    this.worker.terminate();
  }
}
