/**
 * Population training: many independent networks trained side by side on the GPU. Members share the data
 * (uploaded once: one data seed, one split) and the optimiser's coefficients; each has its own seed (its
 * initial weights and its batch order, as one Engine run with that seed), optionally its own learning
 * rate and its own width of one hidden layer. Members of one shape form a group: one generated kernel and
 * one dispatch of one workgroup per member for every `stepsPerDispatch` steps. A member whose loss
 * becomes NaN or infinite stops there with the weights of its last finite step; the others train on.
 * Statistics of every member come back together, asynchronously. DOM-free: the caller passes the device.
 */
import type { Dataset } from './dataset';
import { deviceAdapterInfo } from './device';
import { checked, storageBuffer, uniformBuffer, write } from './gpuUtil';
import { LIMITS } from './limits';
import { stepsPerEpoch } from './permutation';
import type { MemberStats, PopulationConfig } from './populationConfig';
import { checkConfig, memberSpec } from './populationConfig';
import type { Group } from './populationGroup';
import { NONE, RESULT_BYTES, STATE_BYTES, allocateGroup, makeGroup, trainLayout } from './populationGroup';
import type { NetworkSpec } from './spec';
import { SpecError } from './spec';
import { TRAIN_UNIFORM_BYTES, biasTable, trainUniforms } from './tables';
import { initParams } from './twin';
import type { SetStats } from './types';

export type { MemberStats, PopulationConfig, PopulationMember } from './populationConfig';
export { memberSpec } from './populationConfig';

const STAGING_RING = 2;

interface Slot {
  buffers: GPUBuffer[];
  busy: Promise<MemberStats[]> | null;
}

export class Population {
  readonly device: GPUDevice;
  readonly size: number;
  readonly layer: number;
  readonly subgroupSize: number | null;
  private readonly config: PopulationConfig;
  private readonly groups: Group[] = [];
  /** For each member: its group and its place in the group. */
  private readonly placeOf: { group: number; index: number }[] = [];
  private readonly uniforms: GPUBuffer;
  private readonly control: GPUBuffer;
  private readonly bias: GPUBuffer;
  private readonly evalUniform: GPUBuffer;
  private readonly trainLayout: { pipeline: GPUPipelineLayout; group: GPUBindGroupLayout };
  private readonly ring: Slot[] = [];
  private data: { x: GPUBuffer; y: GPUBuffer; nTrain: number; nTest: number; classes: boolean } | null = null;
  private queued = 0;
  private disposed = false;

  private constructor(device: GPUDevice, config: PopulationConfig, subgroupSize: number | null) {
    this.device = device;
    this.config = config;
    this.size = config.members.length;
    this.layer = config.layer ?? 1;
    this.subgroupSize = subgroupSize;
    checkConfig(config, this.layer);
    const kind = config.optimizer.kind;
    this.uniforms = uniformBuffer(device, 'Population.uniforms', TRAIN_UNIFORM_BYTES);
    this.control = uniformBuffer(device, 'Population.control', 16);
    const table = biasTable(config.optimizer);
    this.bias = storageBuffer(device, 'Population.biasTable', table.byteLength);
    write(device, this.bias, table);
    this.evalUniform = uniformBuffer(device, 'Population.evalUniform', 16);
    this.trainLayout = trainLayout(device);
    const byShape = new Map<string, number>();
    config.members.forEach((m, i) => {
      const spec = memberSpec(config.spec, this.layer, m.width);
      const key = JSON.stringify(spec);
      let g = byShape.get(key);
      if (g === undefined) {
        g = this.groups.length;
        byShape.set(key, g);
        this.groups.push(makeGroup(device, config, spec, kind, this.subgroupSize, this.trainLayout));
      }
      this.placeOf.push({ group: g, index: this.groups[g].members.length });
      this.groups[g].members.push(i);
    });
    const most = device.limits.maxComputeWorkgroupsPerDimension;
    for (const g of this.groups) {
      if (g.members.length > most) {
        throw new SpecError(`at most ${most} members of one shape on this device; got ${g.members.length}`);
      }
      allocateGroup(device, config, g);
    }
    for (let i = 0; i < STAGING_RING; i++) {
      this.ring.push({
        buffers: this.groups.map((g, k) =>
          device.createBuffer({
            label: `Population.staging[${i}][${k}]`,
            size: g.members.length * (RESULT_BYTES + STATE_BYTES),
            usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
          }),
        ),
        busy: null,
      });
    }
    this.reset();
  }

  /** Creates the population; throws a clear error if a member's shape or the batch does not fit. */
  static async create(device: GPUDevice, config: PopulationConfig): Promise<Population> {
    const info = deviceAdapterInfo(device);
    const fixed = info && info.subgroupMinSize === info.subgroupMaxSize ? info.subgroupMinSize : null;
    const wanted = config.subgroups ?? true;
    const size = wanted ? (config.subgroupSize ?? (device.features.has('subgroups') ? fixed : null)) : null;
    let made: Population | null = null;
    try {
      return await checked(device, 'creating the population', () => {
        made = new Population(device, config, size && size <= 64 ? size : null);
        return made;
      });
    } catch (error) {
      (made as Population | null)?.dispose();
      throw error;
    }
  }

  /** The distinct shapes, with the members (indices into `config.members`) of each. */
  get shapes(): { spec: NetworkSpec; members: readonly number[] }[] {
    return this.groups.map((g) => ({ spec: g.spec, members: g.members }));
  }

  /** Steps queued so far. */
  get step(): number {
    return this.queued;
  }

  get stepsPerDispatch(): number {
    return Math.min(LIMITS.maxStepsPerDispatch, Math.max(1, this.config.stepsPerDispatch ?? 256));
  }

  /** Every member back to its seed's initial weights, zero optimiser state, step 0. */
  reset(): void {
    for (const g of this.groups) {
      const P = g.paramCount;
      const params = new Float32Array(g.members.length * P);
      g.members.forEach((m, i) => params.set(initParams(g.spec, this.config.members[m].seed), i * P));
      write(this.device, g.params, params);
      write(this.device, g.moments, new Float32Array(g.members.length * 5 * P));
      const states = new Uint32Array((g.members.length * STATE_BYTES) / 4);
      for (let i = 0; i < g.members.length; i++) states.set([0, 0, NONE, 0, NONE, 0, 0, 0], i * 8);
      write(this.device, g.states, states);
    }
    this.queued = 0;
    write(this.device, this.control, new Uint32Array([0, 0, 0, 0]));
  }

  /** Uploads the data once (training set, then test set); every batch is then drawn on the GPU. */
  setData(train: Dataset, test: Dataset | null): void {
    const inputs = this.config.spec.inputSize;
    if (train.inputSize !== inputs) {
      throw new Error(`data has ${train.inputSize} inputs but the network takes ${inputs}`);
    }
    if (test && test.inputSize !== inputs) throw new Error('the test set has a different input size');
    const nTrain = train.y.length;
    const nTest = test?.y.length ?? 0;
    if (nTrain < 1) throw new Error('the training set is empty');
    if (nTrain + nTest > LIMITS.maxSamples) {
      throw new Error(`at most ${LIMITS.maxSamples} samples; got ${nTrain + nTest}`);
    }
    this.destroyData();
    const x = new Float32Array((nTrain + nTest) * inputs);
    x.set(train.x);
    if (test) x.set(test.x, nTrain * inputs);
    const y = new Float32Array(nTrain + nTest);
    y.set(train.y);
    if (test) y.set(test.y, nTrain);
    const xb = storageBuffer(this.device, 'Population.x', x.byteLength);
    const yb = storageBuffer(this.device, 'Population.y', y.byteLength);
    write(this.device, xb, x);
    write(this.device, yb, y);
    this.data = { x: xb, y: yb, nTrain, nTest, classes: train.classes > 0 };
    const schedule = {
      trainCount: nTrain,
      batch: this.config.batchSize,
      seed: 0,
      stepsPerDispatch: this.stepsPerDispatch,
      chunk: 256,
    };
    this.device.queue.writeBuffer(this.uniforms, 0, trainUniforms(schedule, this.config.optimizer));
    write(this.device, this.evalUniform, new Uint32Array([nTrain, nTrain + nTest, 0, 0]));
    for (const g of this.groups) {
      g.trainGroup = this.device.createBindGroup({
        label: 'Population.trainGroup',
        layout: this.trainLayout.group,
        entries: [
          this.uniforms,
          xb,
          yb,
          g.params,
          g.moments,
          g.states,
          this.bias,
          g.memberTable,
          this.control,
        ].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      g.evalGroup = this.device.createBindGroup({
        label: 'Population.evalGroup',
        layout: g.evaluate.getBindGroupLayout(0),
        entries: [xb, yb, g.params, g.results, this.evalUniform].map((buffer, binding) => ({
          binding,
          resource: { buffer },
        })),
      });
    }
  }

  /** Queues `steps` training steps for every member and submits them: one dispatch per shape per
   *  `stepsPerDispatch` steps. Never waits for the GPU. */
  train(steps: number): void {
    if (this.disposed) throw new Error('Population.train: the population was disposed');
    if (!this.data) throw new Error('Population.train: no data; call setData first');
    if (!Number.isFinite(steps)) throw new Error(`Population.train: steps must be finite; got ${steps}`);
    steps = Math.floor(steps);
    if (steps <= 0) return;
    this.queued += steps;
    write(this.device, this.control, new Uint32Array([this.queued, 0, 0, 0]));
    const encoder = this.device.createCommandEncoder({ label: 'Population.train' });
    const pass = encoder.beginComputePass({ label: 'Population.train.pass' });
    const per = this.stepsPerDispatch;
    for (const g of this.groups) {
      pass.setPipeline(g.train);
      pass.setBindGroup(0, g.trainGroup!);
      for (let done = 0; done < steps; done += per) pass.dispatchWorkgroups(g.members.length);
    }
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /**
   * Loss and accuracy of every member over the training and test sets, with its step and divergence, in
   * member order: one evaluation dispatch per shape and one readback for all. When both staging slots
   * are busy, the newest pending result is shared.
   */
  stats(): Promise<MemberStats[]> {
    const data = this.data;
    if (!data) return Promise.reject(new Error('Population.stats: no data; call setData first'));
    const free = this.ring.find((s) => !s.busy);
    if (!free) return this.ring.reduce((a, b) => (a.busy && b.busy ? b : a)).busy!;
    const encoder = this.device.createCommandEncoder({ label: 'Population.stats' });
    const pass = encoder.beginComputePass({ label: 'Population.evaluate.pass' });
    for (const g of this.groups) {
      pass.setPipeline(g.evaluate);
      pass.setBindGroup(0, g.evalGroup!);
      pass.dispatchWorkgroups(g.members.length);
    }
    pass.end();
    this.groups.forEach((g, k) => {
      const n = g.members.length;
      encoder.copyBufferToBuffer(g.results, 0, free.buffers[k], 0, n * RESULT_BYTES);
      encoder.copyBufferToBuffer(g.states, 0, free.buffers[k], n * RESULT_BYTES, n * STATE_BYTES);
    });
    this.device.queue.submit([encoder.finish()]);
    const perEpoch = stepsPerEpoch(data.nTrain, this.config.batchSize);
    const set = (loss: number, correct: number, count: number): SetStats => ({
      loss: loss / count,
      accuracy: data.classes ? correct / count : null,
      count,
    });
    const read = async (): Promise<MemberStats[]> => {
      const out = new Array<MemberStats>(this.size);
      await Promise.all(free.buffers.map((b) => b.mapAsync(GPUMapMode.READ)));
      this.groups.forEach((g, k) => {
        const bytes = free.buffers[k].getMappedRange().slice(0);
        free.buffers[k].unmap();
        const f = new Float32Array(bytes);
        const u = new Uint32Array(bytes);
        const n = g.members.length;
        g.members.forEach((m, i) => {
          const r = 4 * i;
          const s = 4 * n + 8 * i;
          const step = u[s];
          out[m] = {
            step,
            epoch: Math.floor(step / perEpoch),
            train: set(f[r], f[r + 1], data.nTrain),
            test: data.nTest ? set(f[r + 2], f[r + 3], data.nTest) : null,
            divergedAtStep: u[s + 2] === NONE ? null : u[s + 2],
            lastBatchLoss: f[s + 3],
          };
        });
      });
      return out;
    };
    free.busy = read().finally(() => {
      free.busy = null;
    });
    return free.busy;
  }

  /** The parameters of every member, in member order (each in the layout of its own shape). */
  async readParams(): Promise<Float32Array[]> {
    const staging = this.groups.map((g, k) =>
      this.device.createBuffer({
        label: `Population.paramStaging[${k}]`,
        size: g.members.length * g.paramCount * 4,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      }),
    );
    try {
      const encoder = this.device.createCommandEncoder({ label: 'Population.readParams' });
      this.groups.forEach((g, k) => encoder.copyBufferToBuffer(g.params, 0, staging[k], 0, staging[k].size));
      this.device.queue.submit([encoder.finish()]);
      await Promise.all(staging.map((b) => b.mapAsync(GPUMapMode.READ)));
      const out = new Array<Float32Array>(this.size);
      this.groups.forEach((g, k) => {
        const all = new Float32Array(staging[k].getMappedRange().slice(0));
        g.members.forEach((m, i) => (out[m] = all.slice(i * g.paramCount, (i + 1) * g.paramCount)));
      });
      return out;
    } finally {
      for (const b of staging) b.destroy();
    }
  }

  /** The spec of member `m`. */
  specOf(m: number): NetworkSpec {
    return this.groups[this.placeOf[m].group].spec;
  }

  private destroyData(): void {
    this.data?.x.destroy();
    this.data?.y.destroy();
    this.data = null;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.destroyData();
    for (const g of this.groups) {
      for (const b of [g.params, g.moments, g.states, g.memberTable, g.results]) b?.destroy();
    }
    for (const slot of this.ring) for (const b of slot.buffers) b.destroy();
    for (const b of [this.uniforms, this.control, this.bias, this.evalUniform]) b?.destroy();
  }
}
