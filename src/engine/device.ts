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

/** Adapters that emulate a GPU on the CPU (their "GPU" memory is the machine's RAM; they compile slowly). */
export function isSoftwareAdapter(info: GPUAdapterInfo | undefined): boolean {
  if (!info) return false;
  const text = `${info.vendor} ${info.architecture} ${info.description} ${info.device}`.toLowerCase();
  return (
    Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter) ||
    /swiftshader|llvmpipe|lavapipe/.test(text)
  );
}

/** The adapter information a device carries, where the implementation exposes it. */
export function deviceAdapterInfo(device: GPUDevice): GPUAdapterInfo | undefined {
  return (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
}
