/**
 * The CPU trainer of the fallback: the engine's TypeScript twin, off the page's thread. Each request trains
 * some steps and answers with the weights (and, when asked, loss and accuracy over the whole sets).
 */
import { TwinTrainer } from '../../engine/twin';
import type { OptimizerSpec } from '../../engine/spec';
import type { EngineConfig, Stats } from '../../engine/types';
import type { Dataset } from '../../data/types';

export type WorkerRequest =
  | { type: 'init'; config: EngineConfig }
  | { type: 'data'; train: Dataset; test: Dataset | null }
  | { type: 'optimizer'; optimizer: OptimizerSpec }
  | { type: 'batch'; batchSize: number }
  | { type: 'restore'; params: Float32Array; step: number }
  /** One parameter set by hand (the others keep their float64 values); `resetMoments`: zero moments. */
  | { type: 'setParam'; index: number; value: number }
  | { type: 'resetMoments' }
  | { type: 'train'; steps: number; stats: boolean; generation: number };

export type WorkerReply =
  | {
      type: 'trained';
      step: number;
      params: Float32Array;
      stats: Stats | null;
      trainMs: number;
      /** Echoes the request's, so the page can drop answers from before a restore. */
      generation: number;
    }
  | { type: 'error'; message: string };

let trainer: TwinTrainer | null = null;

function handle(message: WorkerRequest): WorkerReply | null {
  switch (message.type) {
    case 'init':
      trainer = new TwinTrainer(message.config);
      return null;
    case 'data':
      trainer?.setData(message.train, message.test);
      return null;
    case 'optimizer':
      trainer?.setOptimizer(message.optimizer);
      return null;
    case 'batch':
      trainer?.setBatchSize(message.batchSize);
      return null;
    case 'restore':
      if (!trainer) return null;
      trainer.setParams(message.params);
      trainer.step = message.step;
      trainer.divergedAtStep = null;
      return null;
    case 'setParam': {
      if (!trainer) return null;
      const params = Float32Array.from(trainer.params);
      params[message.index] = message.value;
      trainer.setParams(params);
      return null;
    }
    case 'resetMoments':
      trainer?.resetMoments();
      return null;
    case 'train': {
      if (!trainer) return { type: 'error', message: 'the training worker has no network yet' };
      const start = performance.now();
      if (message.steps > 0) trainer.train(message.steps);
      const trainMs = performance.now() - start;
      const stats = message.stats ? trainer.stats() : null;
      return {
        type: 'trained',
        step: trainer.step,
        params: trainer.params,
        stats,
        trainMs,
        generation: message.generation,
      };
    }
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  try {
    const reply = handle(event.data);
    if (reply) (self as unknown as Worker).postMessage(reply);
  } catch (e) {
    (self as unknown as Worker).postMessage({
      type: 'error',
      message: e instanceof Error ? e.message : String(e),
    });
  }
};
