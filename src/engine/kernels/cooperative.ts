/**
 * The cooperative kernel: one looped kernel for every shape (codegenCooperative.ts, the shared template
 * shaders/train_looped.wgsl), one workgroup whose lanes share each phase of a step, many steps per
 * dispatch. Trains in the general path's scratch (sharedScratch.ts).
 */
import { cooperativeStages, cooperativeTrainWgsl } from '../codegenCooperative';
import { pipelines } from '../gpuUtil';
import { SHADERS } from '../shaders';
import type { NetworkSpec } from '../spec';
import { denseOnly } from './denseOnly';
import type { Kernel, KernelWgslOptions } from './kernel';
import { generalLayout } from './sharedScratch';

/** Lanes of the cooperative kernel's one workgroup. */
export const COOPERATIVE_LANES = 64;

function wgsl(spec: NetworkSpec, o: KernelWgslOptions): string {
  return cooperativeTrainWgsl(
    spec,
    {
      optimizer: o.optimizer,
      lanes: COOPERATIVE_LANES,
      staged: cooperativeStages(spec, COOPERATIVE_LANES, o.workgroupStorage, o.contractive),
      contractive: o.contractive,
    },
    SHADERS.common,
    SHADERS.trainLooped,
  );
}

export const cooperative: Kernel = {
  kind: 'cooperative',
  fits: (run) => denseOnly('cooperative', run.spec) === null,
  refusal: (run) => denseOnly('cooperative', run.spec),
  competes: (fits) => fits.cooperative !== false,
  oneWorkgroup: true,
  tieRank: 1,
  probe: 'always',
  sharedScratch: true,
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
            contractive: host.contractive,
            subgroupSize: null,
            workgroupStorage: host.device.limits.maxComputeWorkgroupStorageSize,
          });
          const layout = generalLayout(host).pipeline;
          pipeline = pipelines(host.device, `Engine.cooperative.${key}`, code, layout, ['main']).main;
          byKey.set(key, pipeline);
        }
        const ready = pipeline;
        return {
          encode(pass, steps, perDispatch) {
            pass.setPipeline(ready);
            pass.setBindGroup(0, host.shared.group);
            for (let done = 0; done < steps; done += perDispatch) pass.dispatchWorkgroups(1);
          },
        };
      },
    };
  },
};
