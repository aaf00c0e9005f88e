/** The CPU baselines of training: the plain JS loop and the twin. */
import { TwinTrainer, initParams } from '../engine/twin';
import { PlainMlp } from './plainJs';
import { BatchSchedule } from './schedule';
import type { TrainCase, TrainRunner } from './trainCase';

export class PlainTrainRunner implements TrainRunner {
  private mlp: PlainMlp | null = null;
  private schedule: BatchSchedule | null = null;
  private step = 0;

  constructor(private readonly c: TrainCase) {}

  async prepare(): Promise<void> {
    const { spec, optimizer, seed, batch, data } = this.c;
    this.mlp = new PlainMlp(spec, initParams(spec, seed), optimizer);
    this.schedule = new BatchSchedule(data.y.length, batch, seed);
  }

  async steps(steps: number): Promise<void> {
    const { x, y } = this.c.data;
    for (let k = 0; k < steps; k++) this.mlp!.trainStep(x, y, this.schedule!.indices(this.step++));
  }

  async params(): Promise<Float32Array> {
    return this.mlp!.params;
  }

  dispose(): void {
    this.mlp = null;
  }
}

export class TwinTrainRunner implements TrainRunner {
  private twin: TwinTrainer | null = null;

  constructor(private readonly c: TrainCase) {}

  async prepare(): Promise<void> {
    const { spec, optimizer, seed, batch, data } = this.c;
    this.twin = new TwinTrainer({ spec, optimizer, train: { seed, batchSize: batch } });
    this.twin.setData(data, null);
  }

  async steps(steps: number): Promise<void> {
    this.twin!.train(steps);
  }

  async params(): Promise<Float32Array> {
    return this.twin!.params;
  }

  dispose(): void {
    this.twin = null;
  }
}
