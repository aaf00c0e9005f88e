/**
 * The GPU training engine. It owns every buffer and pipeline of one network shape, creates them once,
 * and frees them in dispose(). Training is queued without any CPU readback; statistics come back
 * asynchronously through a small ring of staging buffers (readback.ts). The training kernels are the
 * registry's (kernels/registry.ts); which one runs, and its preparation, is kernelSelection.ts; the
 * evaluation of the data sets is evaluation.ts. The same code runs in the browser and in Node: the caller
 * passes the GPUDevice.
 */
import type { Dataset } from './dataset';
import { deviceAdapterInfo, isSoftwareAdapter } from './device';
import type { DataBuffers } from './evaluation';
import { Evaluation, destroyDataBuffers } from './evaluation';
import { checked, storageBuffer, uniformBuffer, write } from './gpuUtil';
import type { KernelHost, KernelRun } from './kernels/kernel';
import { kernelNamed } from './kernels/registry';
import { KernelSelection, checkPinned, chunkSizeOf, selectedKernel } from './kernelSelection';
import { LIMITS, checkBatchSize, checkTrainSet } from './limits';
import { Readback } from './readback';
import { stepsPerEpoch } from './permutation';
import type { NetworkSpec, OptimizerSpec } from './spec';
import { checkOptimizer, checkSpec, contractiveOf, hasField, paramLayout } from './spec';
import { knnStats } from './knnStats';
import { NET_BYTES, TRAIN_UNIFORM_BYTES, biasTable, netTable, trainUniforms } from './tables';
import { initParams } from './twin';
import type { EngineConfig, KernelKind, KernelTimings, SetStats, Stats, TrainOptions } from './types';

const NONE = 0xffffffff;
const STATE_BYTES = 32;
const RESULT_BYTES = 16; // two vec2<f32>: (loss sum, correct) of train and test
const STAGING_RING = 4;

export class Engine {
  readonly device: GPUDevice;
  readonly spec: NetworkSpec;
  readonly paramCount: number;
  /** Whether the device emulates a GPU on the CPU (auto's thresholds differ there: kernelChoice.ts). */
  readonly softwareAdapter: boolean;
  readonly paramBuffer: GPUBuffer;
  /** Optimiser moments (2P floats), then the backup of the last finite-loss step (weights, moments: 3P). */
  readonly momentBuffer: GPUBuffer;
  /** Adam's bias corrections per step, computed in float64 (see biasTable). */
  private biasBuffer: GPUBuffer;
  /** The betas the bias table holds (null: not written yet). */
  private biasKey: string | null = null;
  readonly stateBuffer: GPUBuffer;
  readonly netBuffer: GPUBuffer;
  private readonly trainUniformBuffer: GPUBuffer;
  private readonly resultBuffer: GPUBuffer;
  /** The staging buffers the statistics, the position and the weights come back through. */
  private readonly readback: Readback<Stats>;
  /** The evaluation of the training and test sets (their buffers, pipelines and bind groups). */
  private readonly evaluation: Evaluation;
  private trainData: DataBuffers | null = null;
  /** The sets as given (a k-NN output's statistics vote on the CPU). */
  private sets: [Dataset, Dataset | null] | null = null;
  private testData: DataBuffers | null = null;
  /** The training kernel that runs, prepared, and the state the kernels share on this engine. */
  private readonly kernels: KernelSelection;
  /** What the kernels read from this engine. */
  private readonly host: KernelHost;
  private optimizer: OptimizerSpec;
  /** The options with their defaults; `fusedArrays` stays unset for the layout by size. */
  private options: Required<Omit<TrainOptions, 'fusedArrays'>> & Pick<TrainOptions, 'fusedArrays'>;
  private subgroupSize: number | null;
  private queued = 0;
  private disposed = false;
  /** Whether the data has class labels (accuracy is then reported). */
  private classification = true;
  /** Whether the weights are the seed's (a field layer's anchors are then placed from the data). */
  private seedWeights = true;
  kernel: KernelKind = 'fused';

  private constructor(device: GPUDevice, config: EngineConfig, subgroupSize: number | null) {
    checkSpec(config.spec);
    checkOptimizer(config.optimizer, config.spec);
    this.device = device;
    this.kernels = new KernelSelection(device);
    this.softwareAdapter = isSoftwareAdapter(deviceAdapterInfo(device));
    this.spec = config.spec;
    this.optimizer = config.optimizer;
    const given = Object.fromEntries(Object.entries(config.train).filter(([, v]) => v !== undefined));
    this.options = {
      kernel: 'auto',
      stepsPerDispatch: 256,
      subgroups: true,
      timings: {},
      ...given,
    } as Engine['options'];
    this.subgroupSize = this.options.subgroups ? subgroupSize : null;
    this.paramCount = paramLayout(this.spec).count;
    const P = this.paramCount;
    this.paramBuffer = storageBuffer(device, 'Engine.paramBuffer', P * 4);
    this.momentBuffer = storageBuffer(device, 'Engine.momentBuffer', 5 * P * 4);
    this.biasBuffer = storageBuffer(device, 'Engine.biasBuffer', biasTable(this.optimizer).byteLength);
    this.stateBuffer = storageBuffer(device, 'Engine.stateBuffer', STATE_BYTES);
    this.netBuffer = uniformBuffer(device, 'Engine.netBuffer', NET_BYTES);
    this.trainUniformBuffer = uniformBuffer(device, 'Engine.trainUniformBuffer', TRAIN_UNIFORM_BYTES);
    this.resultBuffer = storageBuffer(device, 'Engine.resultBuffer', RESULT_BYTES);
    this.readback = new Readback(
      device,
      'Engine',
      STAGING_RING,
      RESULT_BYTES + STATE_BYTES,
      Math.max(STATE_BYTES, 3 * P * 4),
    );
    device.queue.writeBuffer(this.netBuffer, 0, netTable(this.spec));
    this.host = this.kernelHost();
    this.evaluation = new Evaluation(device, this.spec, {
      net: this.netBuffer,
      params: this.paramBuffer,
      result: this.resultBuffer,
    });
    this.reset(this.options.seed);
  }

  /**
   * Creates the engine for one network shape. Throws a clear error if the spec is out of limits or a
   * kernel does not compile on this device.
   */
  static async create(device: GPUDevice, config: EngineConfig): Promise<Engine> {
    const info = deviceAdapterInfo(device);
    const fixed = info && info.subgroupMinSize === info.subgroupMaxSize ? info.subgroupMinSize : null;
    const size = config.train.subgroupSize ?? (device.features.has('subgroups') ? fixed : null);
    checkBatchSize(config.train.batchSize);
    let engine: Engine | null = null;
    try {
      return await checked(device, 'creating the training engine', () => {
        engine = new Engine(device, config, size && size <= 64 ? size : null);
        engine.selectKernel();
        return engine;
      });
    } catch (error) {
      // A half-built engine never reaches the caller: free what it allocated here.
      (engine as Engine | null)?.dispose();
      throw error;
    }
  }

  get kernelInfo(): { kernel: KernelKind; subgroupSize: number | null } {
    return { kernel: this.kernel, subgroupSize: this.kernel === 'fused' ? this.subgroupSize : null };
  }

  /** Steps queued so far (the GPU may still be working on them). */
  get step(): number {
    return this.queued;
  }

  get batchSize(): number {
    return Math.min(this.options.batchSize, this.trainData?.count ?? this.options.batchSize);
  }

  /** The engine as its kernels see it: live getters over its buffers and current run. */
  private kernelHost(): KernelHost {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const engine = this;
    return {
      device: this.device,
      spec: this.spec,
      paramCount: this.paramCount,
      layouts: this.kernels.layouts,
      shared: this.kernels.shared,
      get optimizer() {
        return engine.optimizer;
      },
      get contractive() {
        return engine.contractive;
      },
      get pipelineKey() {
        return engine.pipelineKey();
      },
      get batchSize() {
        return engine.batchSize;
      },
      get subgroupSize() {
        return engine.subgroupSize;
      },
      get fusedArrays() {
        return engine.options.fusedArrays;
      },
      get chunkSize() {
        return engine.chunkSize();
      },
      get trainData() {
        return engine.trainData;
      },
      buffers: {
        net: this.netBuffer,
        trainUniform: this.trainUniformBuffer,
        param: this.paramBuffer,
        moment: this.momentBuffer,
        state: this.stateBuffer,
        get bias() {
          return engine.biasBuffer;
        },
      },
    };
  }

  /** New initial weights from a seed, zero optimiser state, step 0. */
  reset(seed: number): void {
    this.options.seed = seed;
    write(this.device, this.paramBuffer, initParams(this.spec, seed));
    this.seedWeights = true;
    this.device.queue.writeBuffer(this.momentBuffer, 0, new Float32Array(2 * this.paramCount));
    this.queued = 0;
    this.writeState(0);
    this.writeUniforms();
  }

  /** Uploads the data once; every batch is then drawn on the GPU. */
  setData(train: Dataset, test: Dataset | null): void {
    checkTrainSet(train.inputSize, this.spec.inputSize, train.y.length);
    this.destroyData();
    this.classification = train.classes > 0;
    this.sets = [train, test];
    this.trainData = this.evaluation.upload('train', train, 0);
    this.testData = test && test.y.length > 0 ? this.evaluation.upload('test', test, 1) : null;
    if (this.seedWeights && hasField(this.spec))
      write(this.device, this.paramBuffer, initParams(this.spec, this.options.seed, train));
    this.selectKernel();
  }

  setOptimizer(optimizer: OptimizerSpec): void {
    checkOptimizer(optimizer, this.spec);
    this.checkPinned(this.options.kernel, optimizer);
    const kindChanged =
      optimizer.kind !== this.optimizer.kind || contractiveOf(optimizer) > 0 !== this.contractive;
    this.optimizer = optimizer;
    const bytes = biasTable(optimizer).byteLength;
    const grow = bytes > this.biasBuffer.size;
    if (grow) {
      this.biasBuffer.destroy();
      this.biasBuffer = storageBuffer(this.device, 'Engine.biasBuffer', bytes);
      this.biasKey = null;
    }
    if (kindChanged || grow) this.selectKernel();
    this.writeUniforms();
  }

  /** The position on the GPU: step, target, no divergence, and no backup of earlier weights. */
  private writeState(step: number): void {
    this.device.queue.writeBuffer(this.stateBuffer, 0, new Uint32Array([step, step, NONE, 0, NONE, 0, 0, 0]));
  }

  /** A speed probe's seconds per step of the kernels for this shape and batch: `auto` takes the fastest. */
  setKernelTimings(timings: KernelTimings): void {
    this.options.timings = { ...timings };
    this.selectKernel();
  }

  /** The run the kernels are asked to take: this network, the optimiser (or one about to be set), batch. */
  private kernelRun(optimizer: OptimizerSpec = this.optimizer): KernelRun {
    return {
      spec: this.spec,
      optimizer,
      batch: this.batchSize,
      workgroupStorage: this.device.limits.maxComputeWorkgroupStorageSize,
      software: this.softwareAdapter,
    };
  }

  /** Whether a registered kernel takes this network, optimiser and batch (and so may run under `auto`). */
  fits(kind: KernelKind): boolean {
    return kernelNamed(kind).fits(this.kernelRun());
  }

  /** Whether the fused kernel takes this network, optimiser and batch (in either of its layouts). */
  get fusedFits(): boolean {
    return this.fits('fused');
  }

  /** The kernel asked for: 'auto' or one kernel pinned (kernelInfo says which one runs). */
  get kernelChoice(): 'auto' | KernelKind {
    return this.options.kernel;
  }

  /** The optimiser's kind (a speed probe keys its measurements on it). */
  get optimizerKind(): OptimizerSpec['kind'] {
    return this.optimizer.kind;
  }

  /** Pins a kernel (or 'auto'); the weights, moments and position stay as they are. */
  setKernel(kernel: 'auto' | KernelKind): void {
    this.checkPinned(kernel, this.optimizer);
    this.options.kernel = kernel;
    this.selectKernel();
  }

  setBatchSize(batchSize: number): void {
    checkBatchSize(batchSize);
    this.options.batchSize = batchSize;
    this.selectKernel();
  }

  /** Whether the training kernels carry the contractive penalty (its weight is then a uniform; a speed probe keys on it). */
  get contractive(): boolean {
    return contractiveOf(this.optimizer) > 0;
  }

  /** The key of the training pipeline for the current optimiser and penalty. */
  private pipelineKey(): string {
    return `${this.optimizer.kind}${this.contractive ? '+contractive' : ''}`;
  }

  /** Throws, before anything changes, where a pinned kernel cannot run this network and optimiser. */
  private checkPinned(wanted: 'auto' | KernelKind, optimizer: OptimizerSpec): void {
    checkPinned(wanted, this.kernelRun(optimizer));
  }

  /** The kernel asked for, or for `auto` the one chooseKernel takes for this shape, batch and timings. */
  private selectKernel(): void {
    const wanted = this.options.kernel;
    this.checkPinned(wanted, this.optimizer);
    this.kernel = selectedKernel(wanted, this.kernelRun(), this.paramCount, this.options.timings);
    this.kernels.prepare(this.kernel, this.host);
    this.writeUniforms();
  }

  /** Samples a chunk of the batch holds: the general path's gradient pass, or one chunked workgroup. */
  private chunkSize(): number {
    return chunkSizeOf(this.kernel, this.batchSize, this.softwareAdapter);
  }

  private writeUniforms(): void {
    const n = this.trainData?.count ?? 1;
    const schedule = {
      trainCount: n,
      batch: this.options.batchSize,
      seed: this.options.seed,
      stepsPerDispatch: Math.min(LIMITS.maxStepsPerDispatch, Math.max(1, this.options.stepsPerDispatch)),
      chunk: this.chunkSize(),
    };
    this.device.queue.writeBuffer(this.trainUniformBuffer, 0, trainUniforms(schedule, this.optimizer));
    const o = this.optimizer;
    const key = o.kind === 'adam' ? `${o.beta1} ${o.beta2}` : '';
    if (key !== this.biasKey) {
      write(this.device, this.biasBuffer, biasTable(o));
      this.biasKey = key;
    }
  }

  /** Queues `steps` training steps and submits them. Never waits for the GPU. */
  train(steps: number): void {
    if (this.disposed) throw new Error('Engine.train: the engine was disposed');
    if (!this.trainData) throw new Error('Engine.train: no data; call setData first');
    if (!Number.isFinite(steps)) throw new Error(`Engine.train: steps must be a finite number; got ${steps}`);
    steps = Math.floor(steps);
    if (steps <= 0) return;
    this.seedWeights = false;
    this.queued += steps;
    this.device.queue.writeBuffer(this.stateBuffer, 4, new Uint32Array([this.queued]));
    const encoder = this.device.createCommandEncoder({ label: 'Engine.train' });
    const pass = encoder.beginComputePass({ label: 'Engine.train.pass' });
    const perDispatch = Math.min(LIMITS.maxStepsPerDispatch, Math.max(1, this.options.stepsPerDispatch));
    this.kernels.encode(pass, steps, perDispatch);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /**
   * Loss and accuracy over the whole training and test sets at the current position, read back
   * asynchronously. Several calls in flight share the ring; when it is full, the newest pending result
   * is shared instead of allocating.
   */
  stats(): Promise<Stats> {
    const train = this.trainData;
    if (!train) return Promise.reject(new Error('Engine.stats: no data; call setData first'));
    if (this.spec.knn) return knnStats(this, ...this.sets!);
    const test = this.testData;
    const classification = this.classification;
    const encode = (encoder: GPUCommandEncoder, target: GPUBuffer): void => {
      this.evaluation.encode(encoder, [train, test]);
      encoder.copyBufferToBuffer(this.resultBuffer, 0, target, 0, RESULT_BYTES);
      encoder.copyBufferToBuffer(this.stateBuffer, 0, target, RESULT_BYTES, STATE_BYTES);
    };
    return this.readback.throughRing('Engine.stats', encode, (bytes) => {
      const f = new Float32Array(bytes);
      const u = new Uint32Array(bytes);
      const set = (loss: number, correct: number, count: number): SetStats => ({
        loss: loss / count,
        accuracy: classification ? correct / count : null,
        count,
      });
      const step = u[4];
      const testCount = test?.count ?? 0;
      return {
        step,
        epoch: Math.floor(step / stepsPerEpoch(train.count, this.batchSize)),
        train: set(f[0], f[1], train.count),
        test: testCount ? set(f[2], f[3], testCount) : null,
        divergedAtStep: u[6] === NONE ? null : u[6],
        lastBatchLoss: f[7],
      } as Stats;
    });
  }

  /**
   * The training position only (no evaluation of the data sets): the step reached, the divergence and the
   * last batch loss. Cheap where stats() is not (a large network over a large set).
   */
  async progress(): Promise<{ step: number; divergedAtStep: number | null; lastBatchLoss: number }> {
    const { bytes } = await this.readback.throughSingle(
      'Engine.progress',
      () => this.checkLive('progress'),
      (encoder, target) => encoder.copyBufferToBuffer(this.stateBuffer, 0, target, 0, STATE_BYTES),
      STATE_BYTES,
      true,
    );
    const f = new Float32Array(bytes);
    const u = new Uint32Array(bytes);
    return { step: u[0], divergedAtStep: u[2] === NONE ? null : u[2], lastBatchLoss: f[3] };
  }

  /** A read queued behind others may come due after dispose(): it must not touch destroyed buffers. */
  private checkLive(what: string): void {
    if (this.disposed) throw new Error(`Engine.${what}: the network was replaced before this read ran`);
  }

  /** A snapshot of the parameters and optimiser moments (for export, and to survive a lost device). */
  async readState(): Promise<{ params: Float32Array; moments: Float32Array; step: number }> {
    const P = this.paramCount;
    const { bytes, context: step } = await this.readback.throughSingle(
      'Engine.readState',
      () => this.checkLive('readState'),
      (encoder, target) => {
        encoder.copyBufferToBuffer(this.paramBuffer, 0, target, 0, P * 4);
        encoder.copyBufferToBuffer(this.momentBuffer, 0, target, P * 4, 2 * P * 4);
        // The copy follows every training dispatch submitted so far, and no later one: its step is this one.
        return this.queued;
      },
      3 * P * 4,
      false,
    );
    const all = new Float32Array(bytes);
    return { params: all.slice(0, P), moments: all.slice(P), step };
  }

  async readParams(): Promise<Float32Array> {
    return (await this.readState()).params;
  }

  /** All the parameters; or, from index `at`, as many as given, in place (a hand edit writes 4 bytes). */
  writeParams(params: Float32Array, at?: number): void {
    const n = params.length;
    const fits =
      at === undefined ? n === this.paramCount : Number.isInteger(at) && at >= 0 && at + n <= this.paramCount;
    if (!fits) throw new Error(`expected ${this.paramCount} parameters for this network; got ${n}`);
    write(this.device, this.paramBuffer, params, (at ?? 0) * 4);
    this.seedWeights = false;
    // The backup no longer precedes these weights.
    this.device.queue.writeBuffer(this.stateBuffer, 16, new Uint32Array([NONE]));
  }

  /** Restores a snapshot taken by readState (parameters, optimiser moments and position). */
  restore(snapshot: { params: Float32Array; moments?: Float32Array; step: number }): void {
    const moments = snapshot.moments ?? new Float32Array(2 * this.paramCount);
    if (moments.length !== 2 * this.paramCount)
      throw new Error('optimiser state does not match this network');
    this.writeParams(snapshot.params);
    write(this.device, this.momentBuffer, moments);
    this.queued = snapshot.step;
    this.writeState(snapshot.step);
  }

  /** Zero optimiser moments (training goes on from hand-set weights); the weights and step stay. */
  resetMoments(): void {
    write(this.device, this.momentBuffer, new Float32Array(2 * this.paramCount));
  }

  /** Clears a divergence so training can go on (for example after lowering the learning rate). */
  clearDivergence(atStep: number): void {
    this.queued = atStep;
    this.writeState(atStep);
  }

  private destroyData(): void {
    for (const d of [this.trainData, this.testData]) if (d) destroyDataBuffers(d);
    this.trainData = this.testData = null;
    this.kernels.shared.destroy();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.destroyData();
    for (const b of [
      this.paramBuffer,
      this.momentBuffer,
      this.stateBuffer,
      this.netBuffer,
      this.trainUniformBuffer,
      this.resultBuffer,
      this.biasBuffer,
      ...this.readback.buffers,
    ]) {
      b.destroy();
    }
  }
}
