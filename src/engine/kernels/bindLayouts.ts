/**
 * Explicit bind group layouts, made once per engine and name: a kernel that leaves a binding unused (SGD
 * has no moments; each general entry point uses a subset) still shares one bind group.
 */
export interface BindLayout {
  pipeline: GPUPipelineLayout;
  group: GPUBindGroupLayout;
}

export class BindLayouts {
  private readonly made = new Map<string, BindLayout>();

  constructor(private readonly device: GPUDevice) {}

  /** The layout `name` of these binding types (one per binding, in order), made on first use. */
  get(name: string, types: readonly GPUBufferBindingType[]): BindLayout {
    let layout = this.made.get(name);
    if (!layout) {
      const group = this.device.createBindGroupLayout({
        label: `Engine.${name}.bindGroupLayout`,
        entries: types.map((type, binding) => ({
          binding,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type },
        })),
      });
      const pipeline = this.device.createPipelineLayout({
        label: `Engine.${name}.layout`,
        bindGroupLayouts: [group],
      });
      layout = { pipeline, group };
      this.made.set(name, layout);
    }
    return layout;
  }
}
