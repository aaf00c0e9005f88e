/**
 * WebGPU for the GPU test files: one Node device (Dawn) per worker, and a scope that fails a test on any
 * validation or out-of-memory error and on any buffer it created but did not destroy.
 *
 * Where no adapter is found, the GPU suites are skipped with a message, unless WebGPU is expected
 * (DETANGLE_REQUIRE_GPU or CI set): then opening the GPU throws and the file fails. It never skips silently.
 */
import { openNodeGpu } from '../../src/cli/nodeGpu';
import { kernelKinds, kernelNamed } from '../../src/engine/kernels/registry';
import { buildSpec, defaultOptimizer } from '../../src/engine/spec';
import type { KernelKind } from '../../src/engine/types';

export interface TestGpu {
  device: GPUDevice;
  adapterName: string;
  /** The device's fixed subgroup size where it has subgroups, else null. */
  subgroupSize: number | null;
}

/** True where a missing adapter must fail the run instead of skipping the GPU tests. */
export function gpuRequired(): boolean {
  return Boolean(process.env.DETANGLE_REQUIRE_GPU || process.env.CI);
}

/**
 * The GPU for the calling test file (call it at the top level: `const gpu = await openTestGpu()`): one Node
 * device per worker process, opened by the first file and kept for the next ones, which run in the same
 * module graph (the `node` project does not isolate its files), so the engine's pipeline cache serves them
 * all. Returns null, after saying why, where there is no adapter and none is required; use it as
 * `describe.skipIf(!gpu)`. A file must not destroy or lose this device.
 */
export function openTestGpu(): Promise<TestGpu | null> {
  shared ??= openOnce();
  return shared;
}

let shared: Promise<TestGpu | null> | null = null;

async function openOnce(): Promise<TestGpu | null> {
  let opened: Awaited<ReturnType<typeof openNodeGpu>>;
  try {
    opened = await openNodeGpu();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (gpuRequired()) {
      throw new Error(
        `WebGPU is required here (DETANGLE_REQUIRE_GPU or CI is set) but the GPU could not be opened: ${reason}. ` +
          "Run the tests through `npm test`, which points Node at a Vulkan driver, or install Debian's chromium " +
          'and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium.',
      );
    }
    console.warn(`GPU tests skipped: ${reason} (set DETANGLE_REQUIRE_GPU=1 to make this an error)`);
    return null;
  }
  const { device, adapterName } = opened;
  device.addEventListener('uncapturederror', (event) => {
    uncaptured.push((event as GPUUncapturedErrorEvent).error.message);
  });
  const info = device.adapterInfo;
  const subgroupSize =
    device.features.has('subgroups') && info && info.subgroupMinSize === info.subgroupMaxSize
      ? (info.subgroupMinSize ?? null)
      : null;
  return { device, adapterName, subgroupSize };
}

/** Errors raised outside any error scope (for example by work a scope did not wait for). */
const uncaptured: string[] = [];

export interface GpuScope {
  /** A buffer that the scope destroys at its end (the code under test is expected to destroy its own). */
  buffer(descriptor: GPUBufferDescriptor): GPUBuffer;
  /** Number of buffers created on the device so far inside this scope, by anyone. */
  readonly created: number;
}

/**
 * Runs `body` inside validation and out-of-memory error scopes and throws on the first error. Every
 * buffer created on the device meanwhile is counted; those still alive at the end (apart from the scope's
 * own, made through `scope.buffer`) are destroyed and reported as leaks, and the scope throws.
 */
export async function gpuScope<T>(device: GPUDevice, body: (scope: GpuScope) => Promise<T> | T): Promise<T> {
  if (Object.prototype.hasOwnProperty.call(device, 'createBuffer')) throw new Error('gpuScope does not nest');
  const live = new Map<GPUBuffer, string>();
  const own = new Set<GPUBuffer>();
  let created = 0;
  const createBuffer = device.createBuffer;
  const tracked = (descriptor: GPUBufferDescriptor): GPUBuffer => {
    const buffer = createBuffer.call(device, descriptor);
    created++;
    live.set(buffer, descriptor.label || `unlabelled buffer #${created}`);
    const destroy = buffer.destroy;
    Object.defineProperty(buffer, 'destroy', {
      configurable: true,
      value: () => {
        live.delete(buffer);
        destroy.call(buffer);
      },
    });
    return buffer;
  };
  Object.defineProperty(device, 'createBuffer', { configurable: true, writable: true, value: tracked });
  const scope: GpuScope = {
    buffer(descriptor) {
      const buffer = tracked(descriptor);
      own.add(buffer);
      return buffer;
    },
    get created() {
      return created;
    },
  };
  const uncapturedBefore = uncaptured.length;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T | undefined;
  let thrown: unknown = null;
  try {
    result = await body(scope);
  } catch (error) {
    thrown = error;
  }
  // Errors of queued work reach the scope that was current when the work was issued; wait for it to finish.
  await device.queue.onSubmittedWorkDone();
  const validation = await device.popErrorScope();
  const memory = await device.popErrorScope();
  delete (device as unknown as Record<string, unknown>).createBuffer;
  const leaked: string[] = [];
  for (const [buffer, label] of live) {
    if (!own.has(buffer)) leaked.push(label);
    buffer.destroy();
  }
  const errors = [validation, memory].filter((e): e is GPUError => e !== null).map((e) => e.message);
  errors.push(...uncaptured.slice(uncapturedBefore));
  if (thrown) {
    if (errors.length > 0 && thrown instanceof Error)
      thrown.message += `\nGPU errors meanwhile:\n${errors.join('\n')}`;
    throw thrown;
  }
  if (errors.length > 0) throw new Error(`GPU errors:\n${errors.join('\n')}`);
  if (leaked.length > 0) throw new Error(`buffers left alive (not destroyed): ${leaked.join(', ')}`);
  return result as T;
}

/** Compiles WGSL and returns the compiler's error messages (empty when it compiles cleanly). */
export async function compileErrors(device: GPUDevice, label: string, code: string): Promise<string[]> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const scoped = await device.popErrorScope();
  const errors = info.messages
    .filter((m) => m.type === 'error')
    .map((m) => `${label}:${m.lineNum}:${m.linePos}: ${m.message}`);
  if (scoped) errors.push(`${label}: ${scoped.message}`);
  return errors;
}

/**
 * The training kernels a test can pin (every kernel of the engine's registry), with how the reduction runs
 * where that is a choice; `fused-arrays` is the fused kernel's array layout (forced on a small network),
 * reducing through workgroup memory.
 */
const FUSED_CHOICES = ['fused-subgroups', 'fused-workgroup', 'fused-arrays'] as const;
export type KernelChoice = (typeof FUSED_CHOICES)[number] | Exclude<KernelKind, 'fused'>;
export const KERNEL_CHOICES: readonly KernelChoice[] = kernelKinds().flatMap((k): KernelChoice[] =>
  k === 'fused' ? [...FUSED_CHOICES] : [k],
);

/** The choices whose kernels carry the contractive penalty (the registry's refusals say which do not). */
export const CONTRACTIVE_CHOICES = KERNEL_CHOICES.filter(
  (c) =>
    kernelNamed(kernelOf(c)).refusal({
      spec: buildSpec([2, 3, 1], 'tanh', 'mse'),
      optimizer: { ...defaultOptimizer('sgd', 0.1), contractive: 0.01 },
      batch: 1,
      workgroupStorage: 16384,
      software: true,
    }) === null,
);

/** The engine's name of the kernel a choice pins (what `engine.kernelInfo.kernel` must report). */
export function kernelOf(choice: KernelChoice): KernelKind {
  return choice.startsWith('fused') ? 'fused' : (choice as KernelKind);
}

/** Training options that pin the kernel of `choice`. */
export function pinKernel(choice: KernelChoice): {
  kernel: KernelKind;
  subgroups: boolean;
  fusedArrays?: boolean;
} {
  const pinned = { kernel: kernelOf(choice), subgroups: choice === 'fused-subgroups' };
  return choice === 'fused-arrays' ? { ...pinned, fusedArrays: true } : pinned;
}
