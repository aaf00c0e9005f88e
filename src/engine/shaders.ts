/** Every WGSL source of the engine, as text. The same files run in the browser and in Node. */
import common from '../../shaders/common.wgsl?raw';
import network from '../../shaders/network.wgsl?raw';
import evaluate from '../../shaders/evaluate.wgsl?raw';
import evaluateFused from '../../shaders/evaluate_fused.wgsl?raw';
import reduceStats from '../../shaders/reduce_stats.wgsl?raw';
import gridGeneral from '../../shaders/grid_general.wgsl?raw';
import gridFused from '../../shaders/grid_fused.wgsl?raw';
import gridKnn from '../../shaders/grid_knn.wgsl?raw';
import generalStep from '../../shaders/general_step.wgsl?raw';
import knnStep from '../../shaders/knn_step.wgsl?raw';
import trainFused from '../../shaders/train_fused.wgsl?raw';
import trainLooped from '../../shaders/train_looped.wgsl?raw';
import trainChunked from '../../shaders/train_chunked.wgsl?raw';

export const SHADERS = {
  common,
  network,
  evaluate,
  evaluateFused,
  reduceStats,
  gridGeneral,
  gridFused,
  /** The k-NN output's regions over the grid (knnGrid.ts). */
  gridKnn,
  generalStep,
  /** colah's k-NN output, appended to the general step (codegenGeneral.ts). */
  knnStep,
  trainFused,
  /** The template of the cooperative and layered kernels (one workgroup, many steps per dispatch). */
  trainLooped,
  trainChunked,
};

/** A kernel that loops over the network table: common + network + the kernel. */
export function withNetwork(kernel: string): string {
  return `${common}\n${network}\n${kernel}`;
}
