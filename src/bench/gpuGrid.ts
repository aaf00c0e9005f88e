/**
 * The engine's grid transform as a benchmark runner. A grid larger than one storage binding is split
 * into parts (one GridTransform each, all encoded into the same frame); the bytes are planned first so a
 * case beyond the device's memory is skipped before anything is allocated.
 */
import type { Engine } from '../engine/engine';
import { GridTransform } from '../engine/grid';
import { layerBufferLayout } from '../engine/twin';
import type { GridCase, GridRunner } from './gridCase';
import { SkipCase } from './gridCase';

const WORKGROUP = 64;

export interface GridPlan {
  /** Vertices of each part. */
  parts: number[];
  /** Most vertices one storage binding holds for this network. */
  perBinding?: number;
  /** GPU bytes of all parts: input points and every representation. */
  bytes: number;
}

export function planGrid(c: Pick<GridCase, 'spec' | 'vertices'>, bindingLimit: number): GridPlan {
  const layerBytes = layerBufferLayout(c.spec, 1).totalFloats * 4;
  const inputBytes = c.spec.inputSize * 4;
  const most = Math.floor(bindingLimit / layerBytes / WORKGROUP) * WORKGROUP;
  if (most < WORKGROUP) throw new Error('a storage binding cannot hold even one workgroup of vertices');
  const count = Math.ceil(c.vertices / most);
  const size = Math.ceil(c.vertices / count / WORKGROUP) * WORKGROUP;
  const parts: number[] = [];
  for (let start = 0; start < c.vertices; start += size) parts.push(Math.min(size, c.vertices - start));
  return { parts, perBinding: most, bytes: c.vertices * (layerBytes + inputBytes) };
}

export function bindingLimit(device: GPUDevice): number {
  return Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
}

export class DetangleGridRunner implements GridRunner {
  private grids: { grid: GridTransform; start: number; count: number }[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly c: GridCase,
    private readonly plan: GridPlan,
    private readonly kernel: 'fused' | 'general',
  ) {}

  async prepare(): Promise<void> {
    const device = this.engine.device;
    this.engine.writeParams(this.c.params);
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let thrown: unknown = null;
    try {
      let start = 0;
      for (const count of this.plan.parts) {
        const grid = new GridTransform(this.engine, count, { kernel: this.kernel });
        this.grids.push({ grid, start, count });
        grid.setPoints(this.c.points(start, count));
        start += count;
      }
    } catch (error) {
      thrown = error;
    }
    const validation = await device.popErrorScope();
    const memory = await device.popErrorScope();
    if (memory) throw new SkipCase(`the device is out of memory for this grid: ${memory.message}`);
    if (validation) throw new Error(validation.message);
    if (thrown) throw thrown;
  }

  /** The grid transforms, one per part. */
  get transforms(): GridTransform[] {
    return this.grids.map((p) => p.grid);
  }

  /** Submits one frame: every part transformed with the engine's current parameters. Does not wait. */
  submit(): void {
    const device = this.engine.device;
    const encoder = device.createCommandEncoder({ label: 'bench.gridFrame' });
    for (const { grid } of this.grids) grid.encode(encoder);
    device.queue.submit([encoder.finish()]);
  }

  async frames(frames: number): Promise<void> {
    for (let f = 0; f < frames; f++) this.submit();
    await this.engine.device.queue.onSubmittedWorkDone();
  }

  /** Copies only the sampled vertices' values out of the layer buffers (a full read of 16M vertices would not fit). */
  async sample(vertices: number[]): Promise<Float32Array> {
    const device = this.engine.device;
    const width = this.grids[0].grid.layout.width;
    const perVertex = width.reduce((a, b) => a + b, 0);
    const staging = device.createBuffer({
      label: 'bench.gridSample',
      size: Math.max(16, vertices.length * perVertex * 4),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = device.createCommandEncoder({ label: 'bench.gridSample' });
    let at = 0;
    width.forEach((units, r) => {
      for (const v of vertices) {
        const part = this.grids.find((p) => v >= p.start && v < p.start + p.count)!;
        const source = (part.grid.layout.offset[r] + (v - part.start) * units) * 4;
        encoder.copyBufferToBuffer(part.grid.layerBuffer, source, staging, at, units * 4);
        at += units * 4;
      }
    });
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const values = new Float32Array(staging.getMappedRange().slice(0, at));
    staging.destroy();
    return values;
  }

  dispose(): void {
    for (const { grid } of this.grids) grid.dispose();
    this.grids = [];
  }
}
