/** Asks an adapter for a device with what the engine can use: subgroups where offered, and the adapter's
 *  largest buffer limits (so big grids and data sets fit). */
export async function requestEngineDevice(
  adapter: GPUAdapter,
  label = 'Detangle device',
): Promise<GPUDevice> {
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('subgroups')) requiredFeatures.push('subgroups' as GPUFeatureName);
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  const l = adapter.limits;
  return adapter.requestDevice({
    label,
    requiredFeatures,
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    },
  });
}

/** A short human name of the adapter, e.g. "google swiftshader (SwiftShader driver 5.0.0)". */
export function adapterName(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const main = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const extra = info.description || info.device;
  return extra ? `${main} (${extra})` : main;
}
