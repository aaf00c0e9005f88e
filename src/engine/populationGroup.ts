/**
 * One shape of a population: its members, their parameters, moments, positions and results on the GPU,
 * and its generated training and evaluation pipelines (one workgroup per member).
 */
import { populationEvaluateWgsl, populationTrainWgsl } from './codegenPopulation';
import { storageBuffer } from './gpuUtil';
import { bufferLayout, cachedPipelines } from './pipelineCache';
import type { PopulationConfig } from './populationConfig';
import type { NetworkSpec, OptimizerSpec } from './spec';
import { contractiveOf, paramLayout } from './spec';

export const NONE = 0xffffffff;
export const STATE_BYTES = 32;
export const RESULT_BYTES = 16;
const MEMBER_BYTES = 16;

export interface Group {
  spec: NetworkSpec;
  paramCount: number;
  /** Indices of the group's members in the population. */
  members: number[];
  params: GPUBuffer;
  moments: GPUBuffer;
  states: GPUBuffer;
  memberTable: GPUBuffer;
  results: GPUBuffer;
  train: GPUComputePipeline;
  evaluate: GPUComputePipeline;
  trainGroup: GPUBindGroup | null;
  evalGroup: GPUBindGroup | null;
}

/** A group of one shape, its pipelines made and no buffers yet (allocateGroup makes them). */
export function makeGroup(
  device: GPUDevice,
  config: PopulationConfig,
  spec: NetworkSpec,
  kind: OptimizerSpec['kind'],
  subgroupSize: number | null,
  trainLayout: { pipeline: GPUPipelineLayout },
): Group {
  const P = paramLayout(spec).count;
  const train = cachedPipelines(
    device,
    `Population.train.${P}`,
    populationTrainWgsl(spec, {
      optimizer: kind,
      subgroupSize: subgroupSize,
      contractive: contractiveOf(config.optimizer) > 0,
    }),
    trainLayout.pipeline,
    ['main'],
  ).main;
  const evaluate = cachedPipelines(device, `Population.evaluate.${P}`, populationEvaluateWgsl(spec), 'auto', [
    'main',
  ]).main;
  const none = null as unknown as GPUBuffer;
  return {
    spec,
    paramCount: P,
    members: [],
    params: none,
    moments: none,
    states: none,
    memberTable: none,
    results: none,
    train,
    evaluate,
    trainGroup: null,
    evalGroup: null,
  };
}

/** The group's buffers, sized for its members, and its member table (seed, learning rate). */
export function allocateGroup(device: GPUDevice, config: PopulationConfig, g: Group): void {
  const n = g.members.length;
  const P = g.paramCount;
  g.params = storageBuffer(device, 'Population.params', n * P * 4);
  g.moments = storageBuffer(device, 'Population.moments', n * 5 * P * 4);
  g.states = storageBuffer(device, 'Population.states', n * STATE_BYTES);
  g.memberTable = storageBuffer(device, 'Population.members', n * MEMBER_BYTES);
  g.results = storageBuffer(device, 'Population.results', n * RESULT_BYTES);
  const table = new ArrayBuffer(n * MEMBER_BYTES);
  const u = new Uint32Array(table);
  const f = new Float32Array(table);
  g.members.forEach((m, i) => {
    const member = config.members[m];
    u[4 * i] = member.seed >>> 0;
    f[4 * i + 1] = member.learningRate ?? config.optimizer.learningRate;
  });
  device.queue.writeBuffer(g.memberTable, 0, table);
}

/** The training pipelines' bind group layout (shared by every group). */
export function trainLayout(device: GPUDevice): { pipeline: GPUPipelineLayout; group: GPUBindGroupLayout } {
  const types: GPUBufferBindingType[] = [
    'uniform',
    'read-only-storage',
    'read-only-storage',
    'storage',
    'storage',
    'storage',
    'read-only-storage',
    'read-only-storage',
    'uniform',
  ];
  return bufferLayout(device, 'Population.train', types);
}
