/** Training in TF.js: variables, optimizer.minimize on gathered batches, the engine's batch order. */
import { initParams } from '../engine/twin';
import { BatchSchedule } from './schedule';
import type { TfBackend } from './tfjsCommon';
import { activate, flatParams, layerArrays, tf, useBackend } from './tfjsCommon';
import type { TrainCase, TrainRunner } from './trainCase';

export class TfTrainRunner implements TrainRunner {
  private x: tf.Tensor2D | null = null;
  /** Targets: (N, 1) for mse on one output, one-hot (N, K) otherwise. */
  private y: tf.Tensor2D | null = null;
  private vars: { w: tf.Variable; b: tf.Variable }[] = [];
  private optimizer: tf.Optimizer | null = null;
  private schedule: BatchSchedule | null = null;
  private step = 0;

  constructor(
    private readonly c: TrainCase,
    private readonly backend: TfBackend,
  ) {}

  async prepare(): Promise<void> {
    await useBackend(this.backend);
    const { spec, optimizer: o, seed, batch, data } = this.c;
    const n = data.y.length;
    const units = spec.layers[spec.layers.length - 1].units;
    this.x = tf.tensor2d(data.x, [n, spec.inputSize]);
    if (units === 1) {
      this.y = tf.tensor2d(data.y, [n, 1]);
    } else {
      const labels = tf.tensor1d(Int32Array.from(data.y, Math.round), 'int32');
      this.y = tf.cast(tf.oneHot(labels, units), 'float32') as tf.Tensor2D;
      labels.dispose();
    }
    this.vars = layerArrays(spec, initParams(spec, seed)).map(({ w, b, shape }) => ({
      w: tf.variable(tf.tensor2d(w, shape)),
      b: tf.variable(tf.tensor1d(b)),
    }));
    if (o.kind === 'sgd') this.optimizer = tf.train.sgd(o.learningRate);
    else if (o.kind === 'adam') this.optimizer = tf.train.adam(o.learningRate, o.beta1, o.beta2, o.epsilon);
    else throw new Error(`TF.js baseline: sgd and adam only, not ${o.kind}`);
    this.schedule = new BatchSchedule(n, batch, seed);
  }

  /** Mean loss of a batch: ½Σ(a − t)² for mse, logsumexp(z) − z_y for softmax cross-entropy. */
  private loss(xb: tf.Tensor2D, yb: tf.Tensor2D): tf.Scalar {
    const layers = this.c.spec.layers;
    let a = xb;
    let z = xb;
    layers.forEach((layer, l) => {
      z = tf.add(tf.matMul(a, this.vars[l].w as tf.Tensor2D), this.vars[l].b) as tf.Tensor2D;
      a = layer.activation === 'softmax' ? z : activate(layer.activation, z);
    });
    if (this.c.spec.loss === 'ce') {
      return tf.mean(tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(z, yb), 1)));
    }
    return tf.mean(tf.mul(0.5, tf.sum(tf.square(tf.sub(a, yb)), 1)));
  }

  async steps(steps: number): Promise<void> {
    const varList = this.vars.flatMap((v) => [v.w, v.b]);
    for (let k = 0; k < steps; k++) {
      const indices = this.schedule!.indices(this.step++);
      tf.tidy(() => {
        const picked = tf.tensor1d(indices, 'int32');
        const xb = tf.gather(this.x!, picked) as tf.Tensor2D;
        const yb = tf.gather(this.y!, picked) as tf.Tensor2D;
        this.optimizer!.minimize(() => this.loss(xb, yb), false, varList);
      });
    }
    await this.vars[0].w.data();
  }

  async params(): Promise<Float32Array> {
    const layers = await Promise.all(
      this.vars.map(async (v) => ({ w: await v.w.data(), b: await v.b.data() })),
    );
    return flatParams(this.c.spec, layers);
  }

  dispose(): void {
    tf.dispose([this.x!, this.y!, ...this.vars.flatMap((v) => [v.w, v.b])].filter(Boolean));
    this.optimizer?.dispose();
    this.vars = [];
    this.x = this.y = null;
  }
}
