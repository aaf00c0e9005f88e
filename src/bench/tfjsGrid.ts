/** The grid transform in TF.js: every layer's pre-activation and activation kept as tensors. */
import type { GridCase, GridRunner } from './gridCase';
import type { TfBackend } from './tfjsCommon';
import { activate, layerArrays, tf, useBackend } from './tfjsCommon';

export class TfGridRunner implements GridRunner {
  private points: tf.Tensor2D | null = null;
  private weights: { w: tf.Tensor2D; b: tf.Tensor1D }[] = [];
  /** The last frame's representations: z_1, a_1, z_2, a_2, ... */
  private outputs: tf.Tensor2D[] = [];

  constructor(
    private readonly c: GridCase,
    private readonly backend: TfBackend,
  ) {}

  async prepare(): Promise<void> {
    await useBackend(this.backend);
    const { spec, vertices } = this.c;
    this.points = tf.tensor2d(this.c.points(0, vertices), [vertices, spec.inputSize]);
    this.weights = layerArrays(spec, this.c.params).map(({ w, b, shape }) => ({
      w: tf.tensor2d(w, shape),
      b: tf.tensor1d(b),
    }));
  }

  /** Each frame computes every representation; waiting for the last one's final element waits for all. */
  async frames(frames: number): Promise<void> {
    const layers = this.c.spec.layers;
    for (let f = 0; f < frames; f++) {
      tf.dispose(this.outputs);
      this.outputs = tf.tidy(() => {
        const out: tf.Tensor2D[] = [];
        let a = this.points!;
        layers.forEach((layer, l) => {
          const z = tf.add(tf.matMul(a, this.weights[l].w), this.weights[l].b) as tf.Tensor2D;
          a = activate(layer.activation, z);
          out.push(z, a === z ? (tf.clone(z) as tf.Tensor2D) : a);
        });
        return out;
      });
    }
    const last = this.outputs[this.outputs.length - 1];
    const corner = tf.slice(last, [this.c.vertices - 1, 0], [1, 1]);
    await corner.data();
    corner.dispose();
  }

  async sample(vertices: number[]): Promise<Float32Array> {
    const out: number[] = [];
    const input = this.c.points(0, this.c.vertices);
    const n = this.c.spec.inputSize;
    for (const v of vertices) for (let u = 0; u < n; u++) out.push(input[v * n + u]);
    for (const t of this.outputs) {
      const data = await t.data();
      const units = t.shape[1];
      for (const v of vertices) for (let u = 0; u < units; u++) out.push(data[v * units + u]);
    }
    return Float32Array.from(out);
  }

  dispose(): void {
    tf.dispose([...this.outputs, this.points!, ...this.weights.flatMap((l) => [l.w, l.b])].filter(Boolean));
    this.outputs = [];
    this.weights = [];
    this.points = null;
  }
}
