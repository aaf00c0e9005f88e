/**
 * The general path's working set, shared by every looped kernel: the per-sample scratch (values, deltas,
 * loss; the cooperative kernel's values, z and deltas), the partial sums (the general path's per-chunk
 * gradients, or the layered and chunked kernels' per-lane gradient of one layer), the one bind group over
 * them and the engine's buffers, and the general step's pipelines (`forward_backward`, `gradient`, `update`,
 * `advance`; the chunked kernel ends each step with `advance`). The cooperative, layered, chunked and
 * general kernels declare `sharedScratch: true`; the engine prepares this before them.
 */
import { generalStepWgsl, knnStepWgsl } from '../codegenGeneral';
import { LAYERED_LANES, layeredLayerFloats } from '../codegenLayered';
import { pipelines, storageBuffer } from '../gpuUtil';
import { SHADERS, withNetwork } from '../shaders';
import type { KnnSpec } from '../spec';
import { widths } from '../spec';
import type { BindLayout } from './bindLayouts';
import type { GeneralPipelines, KernelHost, SharedWorkspace } from './kernel';

export const GENERAL_ENTRY_POINTS = ['forward_backward', 'gradient', 'update', 'advance'] as const;
/** The k-NN output's passes, which replace `forward_backward` (shaders/knn_step.wgsl). */
export const KNN_ENTRY_POINTS = ['knn_forward', 'knn_sums', 'knn_delta', 'knn_backward'] as const;

/** The general step's WGSL, with or without the contractive penalty; with the k-NN passes for such a network. */
export function generalWgsl(contractive: boolean, knn?: KnnSpec): string {
  const step = generalStepWgsl(SHADERS.generalStep, contractive);
  return withNetwork(knn ? knnStepWgsl(step, SHADERS.knnStep, knn.epsilon) : step);
}

/** The one bind group layout of the looped kernels (the general path's bindings). */
export function generalLayout(host: Pick<KernelHost, 'layouts'>): BindLayout {
  return host.layouts.get('general', [
    'uniform',
    'uniform',
    'read-only-storage',
    'read-only-storage',
    'storage',
    'storage',
    'storage',
    'storage',
    'storage',
    'read-only-storage',
  ]);
}

export class SharedScratch implements SharedWorkspace {
  private readonly pipelinesByPenalty = new Map<boolean, GeneralPipelines>();
  private buffers: {
    scratch: GPUBuffer;
    partials: GPUBuffer;
    group: GPUBindGroup;
    chunks: number;
    bias: GPUBuffer;
  } | null = null;

  /** The general step's pipelines for the current penalty (made by prepare). */
  pipelines(host: { readonly contractive: boolean }): GeneralPipelines {
    return this.pipelinesByPenalty.get(host.contractive)!;
  }

  /** The bind group over the scratch, the partial sums and the engine's buffers (made by prepare). */
  get group(): GPUBindGroup {
    return this.buffers!.group;
  }

  /** Chunks of the batch the partial sums hold. */
  get chunks(): number {
    return this.buffers!.chunks;
  }

  /**
   * Compiles the general step for the current penalty (once), and, where the data is set, sizes the
   * scratch and partial sums for the batch and chunk size (growing only) and binds them.
   */
  prepare(host: KernelHost): void {
    if (!this.pipelinesByPenalty.has(host.contractive)) {
      const code = generalWgsl(host.contractive, host.spec.knn);
      const layout = generalLayout(host).pipeline;
      const entries = host.spec.knn ? [...GENERAL_ENTRY_POINTS, ...KNN_ENTRY_POINTS] : GENERAL_ENTRY_POINTS;
      this.pipelinesByPenalty.set(
        host.contractive,
        pipelines(host.device, 'Engine.general', code, layout, entries) as GeneralPipelines,
      );
    }
    const data = host.trainData;
    if (!data) return;
    const { device, spec } = host;
    const w = widths(spec);
    const values = w.reduce((a, b) => a + b, 0);
    const units = values - spec.inputSize;
    // The general path's slot (values, deltas, loss, and f'² per unit with the contractive penalty, or
    // S_all and S_same with the k-NN output) or the cooperative one's (values, z, deltas).
    const stride = Math.max(values + 2 * units + 1, values + units + 3);
    const batch = host.batchSize;
    const chunks = Math.ceil(batch / host.chunkSize);
    const scratchBytes = batch * stride * 4;
    const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    if (scratchBytes > limit) {
      const most = Math.floor(limit / (stride * 4));
      throw new Error(
        `batch ${batch} needs ${scratchBytes} bytes of scratch for this network; this device allows batch ≤ ${most}`,
      );
    }
    const b = host.buffers;
    const old = this.buffers;
    if (old && old.scratch.size >= scratchBytes && old.chunks >= chunks && old.bias === b.bias) return;
    old?.scratch.destroy();
    old?.partials.destroy();
    const scratch = storageBuffer(device, 'Engine.general.scratch', scratchBytes);
    // The general path's per-chunk gradients, or the layered kernel's per-lane gradient of one layer.
    const partialFloats = Math.max(chunks * (host.paramCount + 1), LAYERED_LANES * layeredLayerFloats(spec));
    const partials = storageBuffer(device, 'Engine.general.partials', partialFloats * 4);
    const group = device.createBindGroup({
      label: 'Engine.general.group',
      layout: generalLayout(host).group,
      entries: [
        b.net,
        b.trainUniform,
        data.x,
        data.y,
        b.param,
        b.moment,
        b.state,
        scratch,
        partials,
        b.bias,
      ].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    this.buffers = { scratch, partials, group, chunks, bias: b.bias };
  }

  /** Frees the scratch and partial sums (the data they were sized for is gone). */
  destroy(): void {
    this.buffers?.scratch.destroy();
    this.buffers?.partials.destroy();
    this.buffers = null;
  }
}
