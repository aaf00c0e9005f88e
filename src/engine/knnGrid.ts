/**
 * The k-NN output's decision regions on the GPU: every grid vertex classified by its k nearest training
 * points in the last representation (shaders/grid_knn.wgsl; twin: knnVotes and knnClass). It pushes the
 * training points through the network with a grid transform of their own, then votes each vertex of the
 * grid transform it is given: O(vertices × training points × width). Its cost is in docs/engine.md.
 */
import type { Dataset } from './dataset';
import type { Engine } from './engine';
import { dispatchSize, storageBuffer, uniformBuffer, write } from './gpuUtil';
import { GridTransform } from './grid';
import { cachedPipelines } from './pipelineCache';
import { SHADERS } from './shaders';

const WORKGROUP = 64;
/** Classes the vote counts at most (MAX_CLASSES in the shader). */
export const KNN_GRID_MAX_CLASSES = 32;

export class KnnGrid {
  /** (class, its share of the votes) per vertex of the grid. STORAGE | COPY_SRC. */
  readonly regionBuffer: GPUBuffer;
  private readonly device: GPUDevice;
  private readonly train: GridTransform;
  private readonly labels: GPUBuffer;
  private readonly uniform: GPUBuffer;
  private readonly pipeline: GPUComputePipeline;
  private readonly group: GPUBindGroup;
  private readonly n: number;
  private readonly grid: GridTransform;
  /** KnnUniforms in the shader; `count` and `row_width` are set per encode. */
  private readonly params: Uint32Array<ArrayBuffer>;

  constructor(engine: Engine, grid: GridTransform, trainSet: Dataset) {
    const knn = engine.spec.knn;
    if (!knn) throw new Error('KnnGrid: the network has no k-NN output');
    if (trainSet.classes > KNN_GRID_MAX_CLASSES) {
      throw new Error(
        `the k-NN regions count at most ${KNN_GRID_MAX_CLASSES} classes; got ${trainSet.classes}`,
      );
    }
    this.device = engine.device;
    this.grid = grid;
    this.n = trainSet.y.length;
    this.train = new GridTransform(engine, this.n, { kernel: 'general' });
    this.train.setPoints(trainSet.x, this.n);
    this.labels = storageBuffer(this.device, 'KnnGrid.labels', this.n * 4);
    write(this.device, this.labels, trainSet.y);
    this.uniform = uniformBuffer(this.device, 'KnnGrid.uniform', 48);
    this.regionBuffer = storageBuffer(this.device, 'KnnGrid.regions', grid.capacity * 8);
    this.pipeline = cachedPipelines(this.device, 'KnnGrid', SHADERS.gridKnn, 'auto', ['main']).main;
    this.group = this.device.createBindGroup({
      label: 'KnnGrid.group',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [this.uniform, grid.layerBuffer, this.train.layerBuffer, this.labels, this.regionBuffer].map(
        (buffer, binding) => ({ binding, resource: { buffer } }),
      ),
    });
    const last = grid.layout.width.length - 1;
    const u = new Uint32Array(12);
    const f = new Float32Array(u.buffer);
    u.set([0, this.n, knn.k, Math.max(2, trainSet.classes), grid.layout.width[last]]);
    u[5] = grid.layout.offset[last];
    u[6] = this.train.layout.offset[last];
    f[8] = knn.epsilon;
    this.params = u;
  }

  /**
   * Records the training points' transform and the vote of the first `count` vertices (whose grid
   * transform must be encoded before), with the engine's current weights.
   */
  encode(encoder: GPUCommandEncoder, count = this.grid.capacity): void {
    this.train.encode(encoder, this.n);
    const [x, y] = dispatchSize(this.device, Math.ceil(count / WORKGROUP));
    this.params[0] = count;
    this.params[7] = x * WORKGROUP;
    this.device.queue.writeBuffer(this.uniform, 0, this.params);
    const pass = encoder.beginComputePass({ label: 'KnnGrid.pass' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.group);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }

  /** The grid's transform and the vote of its first `count` vertices, submitted at once. */
  run(count = this.grid.capacity): void {
    const encoder = this.device.createCommandEncoder({ label: 'KnnGrid.run' });
    this.grid.encode(encoder, count);
    this.encode(encoder, count);
    this.device.queue.submit([encoder.finish()]);
  }

  /** (class, share) per vertex, read back (tests and benchmarks). */
  async read(count = this.grid.capacity): Promise<Float32Array> {
    const bytes = count * 8;
    const staging = this.device.createBuffer({
      label: 'KnnGrid.readStaging',
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = this.device.createCommandEncoder({ label: 'KnnGrid.read' });
    encoder.copyBufferToBuffer(this.regionBuffer, 0, staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(staging.getMappedRange().slice(0));
    staging.destroy();
    return out;
  }

  dispose(): void {
    this.train.dispose();
    this.labels.destroy();
    this.uniform.destroy();
    this.regionBuffer.destroy();
  }
}
