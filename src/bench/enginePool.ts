/**
 * Engines shared between the cases of a workload. Creating an engine compiles its kernels, which takes
 * seconds on a software GPU (a fused Adam kernel for 2-8-8-8-8-2 took 15 s here); the cases of one workload
 * differ only in batch size or grid size, which an existing engine takes without recompiling.
 */
import { Engine } from '../engine/engine';
import type { NetworkSpec, OptimizerSpec } from '../engine/spec';
import type { KernelKind } from '../engine/types';

export class EnginePool {
  private readonly engines = new Map<string, Engine>();

  constructor(private readonly device: GPUDevice) {}

  async get(
    spec: NetworkSpec,
    optimizer: OptimizerSpec,
    kernel: 'auto' | KernelKind,
    batch: number,
    seed: number,
  ): Promise<Engine> {
    // One engine per shape and kernel: it switches optimisers itself (compiling each fused kind once).
    const key = JSON.stringify([spec, kernel]);
    let engine = this.engines.get(key);
    if (!engine) {
      engine = await Engine.create(this.device, {
        spec,
        optimizer,
        train: { seed, batchSize: batch, kernel },
      });
      this.engines.set(key, engine);
    }
    return engine;
  }

  dispose(): void {
    for (const engine of this.engines.values()) engine.dispose();
    this.engines.clear();
  }
}
