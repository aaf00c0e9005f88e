/**
 * The grid transform: pushes a batch of points (grid vertices, data points) through the network and
 * writes every representation into one GPU buffer that renderers draw from directly.
 * It reads the engine's parameter buffer on the GPU, so drawing never waits for a weight readback.
 */
import { GRID_VERTICES_PER_INVOCATION, fitsFused, fusedGridWgsl } from './codegen';
import type { Engine } from './engine';
import { dispatchSize, storageBuffer, uniformBuffer, write } from './gpuUtil';
import { cachedPipelines } from './pipelineCache';
import { SHADERS, withNetwork } from './shaders';
import { hasField } from './spec';
import { layerBufferLayout } from './twin';
import type { LayerBufferLayout } from './types';

const WORKGROUP = 64;

export class GridTransform {
  readonly layout: LayerBufferLayout;
  /** Input points, (capacity, inputSize) f32. */
  readonly inputBuffer: GPUBuffer;
  /** Every representation, laid out as `layout` says. STORAGE | VERTEX | COPY_SRC. */
  readonly layerBuffer: GPUBuffer;
  readonly kernel: 'fused' | 'general';
  private readonly uniform: GPUBuffer;
  private readonly pipeline: GPUComputePipeline;
  private readonly group: GPUBindGroup;
  private readonly device: GPUDevice;
  private readonly inputSize: number;
  private lastCount = -1;

  constructor(engine: Engine, capacity: number, options: { kernel?: 'auto' | 'fused' | 'general' } = {}) {
    const device = engine.device;
    this.device = device;
    const spec = engine.spec;
    if (options.kernel === 'fused' && hasField(spec)) {
      throw new Error(
        'the fused grid kernel takes dense layers only; this network has a vector-field layer: use general',
      );
    }
    this.inputSize = spec.inputSize;
    this.layout = layerBufferLayout(spec, capacity);
    const bytes = this.layout.totalFloats * 4;
    const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    if (bytes > limit) {
      const perVertex = (this.layout.totalFloats / capacity) * 4;
      throw new Error(
        `a grid of ${capacity} points needs ${bytes} bytes for its layers; this device binds at most ${limit} ` +
          `(${Math.floor(limit / perVertex)} points): split it into parts`,
      );
    }
    this.inputBuffer = storageBuffer(device, 'GridTransform.inputBuffer', capacity * spec.inputSize * 4);
    this.layerBuffer = storageBuffer(device, 'GridTransform.layerBuffer', bytes, GPUBufferUsage.VERTEX);
    this.uniform = uniformBuffer(device, 'GridTransform.uniform', 16);
    const wanted = options.kernel ?? 'auto';
    this.kernel = wanted === 'auto' ? (fitsFused(spec) ? 'fused' : 'general') : wanted;
    const code =
      this.kernel === 'fused'
        ? fusedGridWgsl(spec, SHADERS.common, SHADERS.gridFused)
        : withNetwork(SHADERS.gridGeneral);
    this.pipeline = cachedPipelines(device, `GridTransform.${this.kernel}`, code, 'auto', ['main']).main;
    const buffers =
      this.kernel === 'fused'
        ? [this.inputBuffer, engine.paramBuffer, this.layerBuffer, this.uniform]
        : [engine.netBuffer, this.inputBuffer, engine.paramBuffer, this.layerBuffer, this.uniform];
    this.group = device.createBindGroup({
      label: 'GridTransform.group',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  get capacity(): number {
    return this.layout.capacity;
  }

  /** Uploads `count` points, (count, inputSize) floats. */
  setPoints(points: Float32Array, count = points.length / this.inputSize): void {
    if (count > this.capacity)
      throw new Error(`GridTransform: ${count} points exceed the capacity ${this.capacity}`);
    write(this.device, this.inputBuffer, points.subarray(0, count * this.inputSize));
  }

  /** Records the transform of the first `count` points with the engine's current parameters. */
  encode(encoder: GPUCommandEncoder, count = this.capacity): void {
    const perInvocation = this.kernel === 'fused' ? GRID_VERTICES_PER_INVOCATION : 1;
    const invocations = Math.ceil(count / perInvocation);
    const [x, y] = dispatchSize(this.device, Math.ceil(invocations / WORKGROUP));
    if (count !== this.lastCount) {
      const uniforms = new Uint32Array([count, this.capacity, x * WORKGROUP, invocations]);
      this.device.queue.writeBuffer(this.uniform, 0, uniforms);
      this.lastCount = count;
    }
    const pass = encoder.beginComputePass({ label: 'GridTransform.pass' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.group);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }

  /** Transforms and submits at once. */
  run(count = this.capacity): void {
    const encoder = this.device.createCommandEncoder({ label: 'GridTransform.run' });
    this.encode(encoder, count);
    this.device.queue.submit([encoder.finish()]);
  }

  /** Reads the whole layer buffer back (tests and benchmarks; views draw from the GPU buffer). */
  async read(): Promise<Float32Array> {
    const staging = this.device.createBuffer({
      label: 'GridTransform.readStaging',
      size: this.layerBuffer.size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = this.device.createCommandEncoder({ label: 'GridTransform.read' });
    encoder.copyBufferToBuffer(this.layerBuffer, 0, staging, 0, this.layerBuffer.size);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const data = new Float32Array(staging.getMappedRange().slice(0, this.layout.totalFloats * 4));
    staging.destroy();
    return data;
  }

  dispose(): void {
    this.inputBuffer.destroy();
    this.layerBuffer.destroy();
    this.uniform.destroy();
  }
}
