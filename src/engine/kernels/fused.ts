/**
 * The fused kernel: straight-line code generated per shape (codegen.ts, shaders/train_fused.wgsl), every
 * lane a copy of the network, the whole batch in one workgroup, many steps per dispatch. Small networks in
 * scalars; beyond FUSED_MAX_PARAMS in private arrays, up to fusedTrainingMaxParams. Its own bind group.
 */
import { fitsFused, fitsFusedTraining, fusedTrainWgsl, fusedTrainingMaxParams } from '../codegen';
import { pipelines } from '../gpuUtil';
import { SHADERS } from '../shaders';
import { paramLayout } from '../spec';
import type { NetworkSpec } from '../spec';
import type { BindLayout } from './bindLayouts';
import { denseOnly } from './denseOnly';
import type { Kernel, KernelHost, KernelRun, KernelWgslOptions } from './kernel';

/** Largest batch the fused kernel takes: one workgroup does the whole batch. */
export const FUSED_MAX_BATCH = 4096;

/** Whether the fused kernel's scalar layout takes the run (`auto` then runs it without a measurement). */
export function fusedScalarFits(run: Pick<KernelRun, 'spec' | 'batch'>): boolean {
  return fitsFused(run.spec) && run.batch <= FUSED_MAX_BATCH;
}

function fusedLayout(host: Pick<KernelHost, 'layouts'>): BindLayout {
  return host.layouts.get('fused', [
    'uniform',
    'read-only-storage',
    'read-only-storage',
    'storage',
    'storage',
    'storage',
    'read-only-storage',
  ]);
}

function wgsl(spec: NetworkSpec, o: KernelWgslOptions): string {
  return fusedTrainWgsl(
    spec,
    { optimizer: o.optimizer, subgroupSize: o.subgroupSize, contractive: o.contractive, arrays: o.arrays },
    SHADERS.common,
    SHADERS.trainFused,
  );
}

export const fused: Kernel = {
  kind: 'fused',
  fits: (run) =>
    denseOnly('fused', run.spec) === null &&
    fitsFusedTraining(run.spec, run.optimizer.kind) &&
    run.batch <= FUSED_MAX_BATCH,
  refusal(run) {
    const dense = denseOnly('fused', run.spec);
    if (dense) return dense;
    const kind = run.optimizer.kind;
    if (fitsFusedTraining(run.spec, kind)) return null;
    return `the fused kernel takes networks of at most ${fusedTrainingMaxParams(kind)} parameters with ${kind}; this one has ${paramLayout(run.spec).count}`;
  },
  competes: (fits) => Boolean(fits.fusedArrays),
  oneWorkgroup: false,
  tieRank: 4,
  probe: 'hardware',
  sharedScratch: false,
  wgsl,
  create() {
    const byKey = new Map<string, GPUComputePipeline>();
    return {
      prepare(host) {
        const key = host.pipelineKey;
        let pipeline = byKey.get(key);
        if (!pipeline) {
          const code = wgsl(host.spec, {
            optimizer: host.optimizer.kind,
            subgroupSize: host.subgroupSize,
            contractive: host.contractive,
            arrays: host.fusedArrays,
            workgroupStorage: host.device.limits.maxComputeWorkgroupStorageSize,
          });
          const layout = fusedLayout(host).pipeline;
          pipeline = pipelines(host.device, `Engine.fused.${key}`, code, layout, ['main']).main;
          byKey.set(key, pipeline);
        }
        const data = host.trainData;
        const b = host.buffers;
        const group = data
          ? host.device.createBindGroup({
              label: 'Engine.fusedGroup',
              layout: fusedLayout(host).group,
              entries: [b.trainUniform, data.x, data.y, b.param, b.moment, b.state, b.bias].map(
                (buffer, binding) => ({ binding, resource: { buffer } }),
              ),
            })
          : null;
        const ready = pipeline;
        return {
          encode(pass, steps, perDispatch) {
            pass.setPipeline(ready);
            pass.setBindGroup(0, group!);
            for (let done = 0; done < steps; done += perDispatch) pass.dispatchWorkgroups(1);
          },
        };
      },
    };
  },
};
