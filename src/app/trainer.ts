/**
 * One face for the two trainers: the WebGPU engine, or the TypeScript twin on the CPU in a worker (the
 * fallback without WebGPU). Both train without blocking the frame; weights and statistics come back
 * asynchronously into `params` and `stats`, each with a version number that grows on every arrival.
 */
import { Engine } from '../engine/engine';
import { GridTransform } from '../engine/grid';
import type { NetworkSpec, OptimizerSpec } from '../engine/spec';
import type { EngineConfig, Stats } from '../engine/types';
import type { Dataset } from '../data/types';
import type { WorkerReply, WorkerRequest } from './trainWorker';

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
  /** Whether the trainer can take more steps now (the CPU worker works on one request at a time). */
  readonly ready: boolean;
  /** Measured training speed (steps per millisecond of training work), or null before a measurement. */
  readonly stepsPerMs: number | null;
  setData(train: Dataset, test: Dataset | null): void;
  setOptimizer(optimizer: OptimizerSpec): void;
  setBatchSize(batchSize: number): void;
  train(steps: number): void;
  /** Asks for fresh weights / statistics (ignored while a request is in flight). */
  refreshParams(): void;
  refreshStats(): void;
  dispose(): void;
}

export class GpuTrainer implements Trainer {
  readonly backend = 'webgpu';
  readonly engine: Engine;
  params: Float32Array;
  paramsVersion = 0;
  stats: Stats | null = null;
  statsVersion = 0;
  stepsPerMs: number | null = null;
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

  setData(train: Dataset, test: Dataset | null): void {
    this.engine.setData(train, test);
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
    if (this.timing || steps < 1) {
      this.engine.train(steps);
      return;
    }
    this.timing = true;
    const queue = this.engine.device.queue;
    let before = 0;
    const started = queue.onSubmittedWorkDone().then(() => (before = performance.now()));
    this.engine.train(steps);
    const done = queue.onSubmittedWorkDone();
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
    this.engine.readParams().then(
      (p) => {
        this.paramsPending = false;
        if (this.disposed) return;
        this.params.set(p);
        this.paramsVersion++;
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
    this.engine.stats().then(
      (s) => {
        this.statsPending = false;
        if (this.disposed) return;
        this.stats = s;
        this.statsVersion++;
      },
      (e: unknown) => {
        this.statsPending = false;
        if (!this.disposed) this.onError(e);
      },
    );
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
  step = 0;
  stepsPerMs: number | null = null;
  private busy = false;
  private wantStats = false;
  private sentAt = 0;
  private sentSteps = 0;
  private readonly worker: Worker;
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
    if (this.sentSteps > 0) {
      const rate = this.sentSteps / Math.max(1, reply.trainMs);
      this.stepsPerMs = this.stepsPerMs === null ? rate : 0.7 * this.stepsPerMs + 0.3 * rate;
    }
    this.params.set(reply.params);
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
    this.post({ type: 'train', steps, stats });
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
    this.post({ type: 'train', steps: 0, stats: true });
  }

  dispose(): void {
    this.worker.terminate();
  }
}
