/** The engine's training as a benchmark runner: queued steps, one small readback per timed call (never per step). */
import type { Engine } from '../engine/engine';
import type { KernelKind } from '../engine/types';
import type { EnginePool } from './enginePool';
import type { TrainCase, TrainRunner } from './trainCase';

/** Steps queued per engine.train call; the results are read back once at the end of a timed call. */
const STEPS_PER_SUBMIT = 1000;

export class DetangleTrainRunner implements TrainRunner {
  private engine: Engine | null = null;

  constructor(
    private readonly pool: EnginePool,
    private readonly c: TrainCase,
    private readonly kernel: KernelKind,
  ) {}

  /** Takes the workload's engine for this kernel and starts it afresh: same seed, step 0, new batch size. */
  async prepare(): Promise<void> {
    const { spec, optimizer, seed, batch, data } = this.c;
    const engine = await this.pool.get(spec, optimizer, this.kernel, batch, seed);
    engine.setOptimizer(optimizer);
    engine.setBatchSize(batch);
    engine.setData(data, null);
    engine.reset(seed);
    if (engine.kernelInfo.kernel !== this.kernel)
      throw new Error(`the engine chose the ${engine.kernelInfo.kernel} kernel`);
    this.engine = engine;
  }

  async steps(steps: number): Promise<void> {
    const engine = this.engine!;
    for (let done = 0; done < steps; done += STEPS_PER_SUBMIT)
      engine.train(Math.min(STEPS_PER_SUBMIT, steps - done));
    // The position only: stats() would also evaluate the whole set, which costs more than the steps
    // for the larger networks on a software GPU.
    const progress = await engine.progress();
    if (progress.divergedAtStep !== null)
      throw new Error(`training diverged at step ${progress.divergedAtStep}`);
  }

  params(): Promise<Float32Array> {
    return this.engine!.readParams();
  }

  /** The pool owns the engine. */
  dispose(): void {
    this.engine = null;
  }
}
