/**
 * Compiled pipelines and explicit layouts kept per device, so that an engine, a grid transform or a population
 * built again for a network the device has already compiled (a restart, a story switched back to, the same
 * architecture in another run) reuses its pipelines instead of compiling them again. Compiling is the
 * dominant cost of building an engine: seconds for a fused kernel on a software adapter, where a second build
 * of the same network takes milliseconds.
 *
 * A pipeline is immutable and holds no buffers, so one pipeline serves any number of engines; each makes its own
 * bind groups. Layouts are shared too, so that pipelines with explicit layouts find each other. The cache is
 * bounded (least recently used goes first) and dies with its device. A module whose WGSL fails to compile is
 * dropped from the cache once its compilation messages say so; the error itself reaches the caller's error
 * scope from the first creation as before.
 */

/** How many pipelines a device keeps: every kernel and grid transform of a few networks. */
export const PIPELINE_CACHE_SIZE = 64;

export interface CachedLayout {
  pipeline: GPUPipelineLayout;
  group: GPUBindGroupLayout;
}

interface DeviceCache {
  pipelines: Map<string, GPUComputePipeline>;
  layouts: Map<string, CachedLayout>;
  layoutIds: WeakMap<GPUPipelineLayout, number>;
  nextLayoutId: number;
  /** Pipelines created and reused, for the tests and the benchmark. */
  created: number;
  reused: number;
}

const caches = new WeakMap<GPUDevice, DeviceCache>();

function cacheOf(device: GPUDevice): DeviceCache {
  let cache = caches.get(device);
  if (!cache) {
    cache = {
      pipelines: new Map(),
      layouts: new Map(),
      layoutIds: new WeakMap(),
      nextLayoutId: 1,
      created: 0,
      reused: 0,
    };
    caches.set(device, cache);
  }
  return cache;
}

/**
 * The bind group layout of these buffer binding types (one per binding, in order, visible to compute) and a
 * pipeline layout holding it, made once per device and name.
 */
export function bufferLayout(
  device: GPUDevice,
  label: string,
  types: readonly GPUBufferBindingType[],
): CachedLayout {
  const cache = cacheOf(device);
  const key = `${label}\u0000${types.join(',')}`;
  let layout = cache.layouts.get(key);
  if (!layout) {
    const group = device.createBindGroupLayout({
      label: `${label}.bindGroupLayout`,
      entries: types.map((type, binding) => ({
        binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type },
      })),
    });
    const pipeline = device.createPipelineLayout({ label: `${label}.layout`, bindGroupLayouts: [group] });
    layout = { pipeline, group };
    cache.layouts.set(key, layout);
  }
  return layout;
}

function layoutKey(cache: DeviceCache, layout: GPUPipelineLayout | 'auto'): string {
  if (layout === 'auto') return 'auto';
  let id = cache.layoutIds.get(layout);
  if (id === undefined) {
    id = cache.nextLayoutId++;
    cache.layoutIds.set(layout, id);
  }
  return `layout${id}`;
}

/**
 * One shader module and a compute pipeline per entry point, labelled `label` (one entry point) or
 * `label.entryPoint` (several): from the device's cache where it already compiled the same code with the same
 * layout and label, else compiled now.
 */
export function cachedPipelines<E extends string>(
  device: GPUDevice,
  label: string,
  code: string,
  layout: GPUPipelineLayout | 'auto',
  entryPoints: readonly E[],
): Record<E, GPUComputePipeline> {
  const cache = cacheOf(device);
  const named = (entryPoint: E): string => (entryPoints.length > 1 ? `${label}.${entryPoint}` : label);
  const keyOf = (entryPoint: E): string =>
    `${layoutKey(cache, layout)}\u0000${named(entryPoint)}\u0000${entryPoint}\u0000${code}`;
  const found = entryPoints.map((e) => cache.pipelines.get(keyOf(e)));
  if (found.every((p) => p !== undefined)) {
    entryPoints.forEach((e, i) => {
      // Most recently used last.
      const key = keyOf(e);
      cache.pipelines.delete(key);
      cache.pipelines.set(key, found[i]!);
    });
    cache.reused += entryPoints.length;
    return Object.fromEntries(entryPoints.map((e, i) => [e, found[i]!])) as Record<E, GPUComputePipeline>;
  }
  const module = device.createShaderModule({ label: `${label}.module`, code });
  const made = Object.fromEntries(
    entryPoints.map((entryPoint) => [
      entryPoint,
      device.createComputePipeline({ label: named(entryPoint), layout, compute: { module, entryPoint } }),
    ]),
  ) as Record<E, GPUComputePipeline>;
  cache.created += entryPoints.length;
  const keys = entryPoints.map(keyOf);
  for (const e of entryPoints) cache.pipelines.set(keyOf(e), made[e]);
  while (cache.pipelines.size > PIPELINE_CACHE_SIZE) {
    const oldest = cache.pipelines.keys().next().value as string;
    cache.pipelines.delete(oldest);
  }
  // WGSL that does not compile leaves no pipeline behind to be handed out again.
  if (typeof module.getCompilationInfo === 'function') {
    module.getCompilationInfo().then(
      (info) => {
        if (info.messages.some((m) => m.type === 'error'))
          for (const key of keys) cache.pipelines.delete(key);
      },
      () => {
        for (const key of keys) cache.pipelines.delete(key);
      },
    );
  }
  return made;
}

/** How many pipelines this device compiled and how many it reused from its cache. */
export function pipelineCacheCounts(device: GPUDevice): { created: number; reused: number; held: number } {
  const cache = cacheOf(device);
  return { created: cache.created, reused: cache.reused, held: cache.pipelines.size };
}

/** Empties the device's cache: what is built next compiles anew (a test that watches what gets compiled). */
export function forgetPipelines(device: GPUDevice): void {
  cacheOf(device).pipelines.clear();
}
