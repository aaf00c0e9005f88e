/** The CPU baselines of the grid transform: the plain JS loop and the twin (float64, one object per vertex). */
import { defaultOptimizer } from '../engine/spec';
import { layerBufferLayout, transformPoints } from '../engine/twin';
import type { LayerBufferLayout } from '../engine/types';
import type { GridCase, GridRunner } from './gridCase';
import { PlainMlp } from './plainJs';

/** Picks the sampled vertices out of a whole layer buffer, in GridRunner.sample's order. */
export function sampleLayout(
  layout: LayerBufferLayout,
  data: ArrayLike<number>,
  vertices: number[],
): Float32Array {
  const out: number[] = [];
  layout.width.forEach((units, r) => {
    for (const v of vertices) {
      for (let u = 0; u < units; u++) out.push(data[layout.offset[r] + v * units + u]);
    }
  });
  return Float32Array.from(out);
}

export class PlainGridRunner implements GridRunner {
  private mlp: PlainMlp | null = null;
  private points: Float32Array = new Float32Array(0);
  private layout: LayerBufferLayout | null = null;
  private out: Float32Array = new Float32Array(0);

  constructor(private readonly c: GridCase) {}

  async prepare(): Promise<void> {
    this.mlp = new PlainMlp(this.c.spec, this.c.params, defaultOptimizer('sgd', 0));
    this.points = this.c.points(0, this.c.vertices);
    this.layout = layerBufferLayout(this.c.spec, this.c.vertices);
    this.out = new Float32Array(this.layout.totalFloats);
  }

  async frames(frames: number): Promise<void> {
    for (let f = 0; f < frames; f++)
      this.mlp!.transform(this.points, this.c.vertices, this.layout!, this.out);
  }

  async sample(vertices: number[]): Promise<Float32Array> {
    return sampleLayout(this.layout!, this.out, vertices);
  }

  dispose(): void {
    this.out = this.points = new Float32Array(0);
  }
}

export class TwinGridRunner implements GridRunner {
  private points: Float32Array = new Float32Array(0);
  private result: { layout: LayerBufferLayout; data: Float32Array } | null = null;

  constructor(private readonly c: GridCase) {}

  async prepare(): Promise<void> {
    this.points = this.c.points(0, this.c.vertices);
  }

  async frames(frames: number): Promise<void> {
    for (let f = 0; f < frames; f++)
      this.result = transformPoints(this.c.spec, this.c.params, this.points, this.c.vertices);
  }

  async sample(vertices: number[]): Promise<Float32Array> {
    return sampleLayout(this.result!.layout, this.result!.data, vertices);
  }

  dispose(): void {
    this.result = null;
    this.points = new Float32Array(0);
  }
}
