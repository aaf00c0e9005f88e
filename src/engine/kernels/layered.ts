/**
 * The layered kernel: one workgroup as well, each lane its own samples, one straight-line body per run of
 * identical layers (codegenLayered.ts, built from the cooperative kernel's template
 * shaders/train_looped.wgsl). No contractive penalty. Trains in the general path's scratch; its per-lane
 * gradients of one layer go to the shared partial sums (sharedScratch.ts).
 */
import { LAYERED_LANES, layeredTrainWgsl } from '../codegenLayered';
import { pipelines } from '../gpuUtil';
import { SHADERS } from '../shaders';
import { contractiveOf } from '../spec';
import type { NetworkSpec } from '../spec';
import { denseOnly } from './denseOnly';
import type { Kernel, KernelRun, KernelWgslOptions } from './kernel';
import { generalLayout } from './sharedScratch';

/** The refusal of a kernel without the contractive penalty, where the run has it. */
export function noContractive(kind: string, run: Pick<KernelRun, 'optimizer'>): string | null {
  return contractiveOf(run.optimizer) > 0
    ? `the ${kind} kernel has no contractive penalty; choose the cooperative or general kernel, or auto`
    : null;
}

function wgsl(spec: NetworkSpec, o: KernelWgslOptions): string {
  return layeredTrainWgsl(
    spec,
    { optimizer: o.optimizer, lanes: LAYERED_LANES },
    SHADERS.common,
    SHADERS.trainLooped,
  );
}

export const layered: Kernel = {
  kind: 'layered',
  fits: (run) => noContractive('layered', run) === null && denseOnly('layered', run.spec) === null,
  refusal: (run) => denseOnly('layered', run.spec) ?? noContractive('layered', run),
  competes: (fits) => Boolean(fits.layered),
  oneWorkgroup: true,
  tieRank: 0,
  probe: 'always',
  sharedScratch: true,
  wgsl,
  create() {
    const byOptimizer = new Map<string, GPUComputePipeline>();
    return {
      prepare(host) {
        const kind = host.optimizer.kind;
        let pipeline = byOptimizer.get(kind);
        if (!pipeline) {
          const code = wgsl(host.spec, {
            optimizer: kind,
            contractive: false,
            subgroupSize: null,
            workgroupStorage: host.device.limits.maxComputeWorkgroupStorageSize,
          });
          const layout = generalLayout(host).pipeline;
          pipeline = pipelines(host.device, `Engine.layered.${kind}`, code, layout, ['main']).main;
          byOptimizer.set(kind, pipeline);
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
