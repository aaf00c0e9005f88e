/**
 * The chunked kernel: the layered kernel's bodies over the batch in chunks, one workgroup each, summing
 * each chunk's gradients into the shared partial sums; then its own update pass and the general path's
 * `advance` (three dispatches per step; sharedScratch.ts). No contractive penalty; each lane's gradient of
 * the largest layer must fit in workgroup memory.
 */
import { LAYERED_LANES, chunkedTrainWgsl, chunkedWorkgroupBytes } from '../codegenLayered';
import { pipelines } from '../gpuUtil';
import { SHADERS } from '../shaders';
import type { NetworkSpec } from '../spec';
import { denseOnly } from './denseOnly';
import type { Kernel, KernelRun, KernelWgslOptions } from './kernel';
import { noContractive } from './layered';
import { generalLayout } from './sharedScratch';

/**
 * Workgroups the chunked kernel spreads a batch over (chunks of at least LAYERED_LANES samples): SwiftShader
 * runs a workgroup on one CPU core, so a software adapter gets two (measured on 2 cores: more chunks repeat
 * each chunk's staging of every layer); a real GPU, one per 32 samples up to this many.
 */
export const CHUNKED_GROUPS = { software: 2, hardware: 256 } as const;

/** Why the chunked kernel's per-lane gradients of the largest layer do not fit the device, or null. */
function memoryRefusal(run: KernelRun): string | null {
  const bytes = chunkedWorkgroupBytes(run.spec, LAYERED_LANES);
  return bytes <= run.workgroupStorage
    ? null
    : `the chunked kernel needs ${bytes} bytes of workgroup memory for this network; this device has ${run.workgroupStorage}`;
}

function wgsl(spec: NetworkSpec, o: KernelWgslOptions): string {
  return chunkedTrainWgsl(
    spec,
    { optimizer: o.optimizer, lanes: LAYERED_LANES },
    SHADERS.common,
    SHADERS.trainChunked,
  );
}

export const chunked: Kernel = {
  kind: 'chunked',
  fits: (run) =>
    denseOnly('chunked', run.spec) === null &&
    noContractive('chunked', run) === null &&
    memoryRefusal(run) === null,
  refusal: (run) => denseOnly('chunked', run.spec) ?? noContractive('chunked', run) ?? memoryRefusal(run),
  competes: (fits) => Boolean(fits.chunked),
  oneWorkgroup: false,
  tieRank: 2,
  probe: 'hardware',
  sharedScratch: true,
  chunkSize(batch, software) {
    const groups = software
      ? CHUNKED_GROUPS.software
      : Math.min(CHUNKED_GROUPS.hardware, Math.ceil(batch / 32));
    return Math.max(LAYERED_LANES, Math.ceil(batch / groups));
  },
  wgsl,
  create() {
    const byOptimizer = new Map<string, Record<'main' | 'update', GPUComputePipeline>>();
    return {
      prepare(host) {
        const kind = host.optimizer.kind;
        let made = byOptimizer.get(kind);
        if (!made) {
          const code = wgsl(host.spec, {
            optimizer: kind,
            contractive: false,
            subgroupSize: null,
            workgroupStorage: host.device.limits.maxComputeWorkgroupStorageSize,
          });
          const layout = generalLayout(host).pipeline;
          made = pipelines(host.device, `Engine.chunked.${kind}`, code, layout, ['main', 'update']);
          byOptimizer.set(kind, made);
        }
        const own = made;
        return {
          encode(pass, steps) {
            const advance = host.shared.pipelines(host).advance;
            pass.setBindGroup(0, host.shared.group);
            const updateGroups = Math.ceil(host.paramCount / 64);
            const chunks = Math.ceil(host.batchSize / host.chunkSize);
            for (let s = 0; s < steps; s++) {
              pass.setPipeline(own.main);
              pass.dispatchWorkgroups(chunks);
              pass.setPipeline(own.update);
              pass.dispatchWorkgroups(updateGroups);
              pass.setPipeline(advance);
              pass.dispatchWorkgroups(1);
            }
          },
        };
      },
    };
  },
};
