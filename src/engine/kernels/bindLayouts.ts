import { bufferLayout } from '../pipelineCache';

/**
 * Explicit bind group layouts, made once per device and name: a kernel that leaves a binding unused (SGD
 * has no moments; each general entry point uses a subset) still shares one bind group.
 */
export interface BindLayout {
  pipeline: GPUPipelineLayout;
  group: GPUBindGroupLayout;
}

export class BindLayouts {
  constructor(private readonly device: GPUDevice) {}

  /** The layout `name` of these binding types (one per binding, in order), shared by every engine on the device. */
  get(name: string, types: readonly GPUBufferBindingType[]): BindLayout {
    return bufferLayout(this.device, `Engine.${name}`, types);
  }
}
