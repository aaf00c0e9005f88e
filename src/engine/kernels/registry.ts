/**
 * Every training kernel the engine can run, in one list: the engine's choice and preparation, the kernel
 * choice (kernelChoice.ts), the speed probe (kernelProbe.ts), `npm run wgsl` and the kernel tests all read
 * it. To add a kernel: a module here exporting a `Kernel`, its name in KernelKind (types.ts), and one entry.
 */
import { chunked } from './chunked';
import { cooperative } from './cooperative';
import { fused } from './fused';
import { general } from './general';
import type { Kernel } from './kernel';
import { layered } from './layered';
import type { KernelKind } from '../types';

/** The kernels, in the order they are listed to a person (`--kernel`, the docs). */
export const KERNEL_REGISTRY: Kernel[] = [fused, cooperative, layered, chunked, general];

/** The names of the registered kernels, in registry order. */
export function kernelKinds(): KernelKind[] {
  return KERNEL_REGISTRY.map((k) => k.kind);
}

/** The registered kernel of this name; throws for a name none has. */
export function kernelNamed(kind: KernelKind): Kernel {
  const kernel = KERNEL_REGISTRY.find((k) => k.kind === kind);
  if (!kernel) throw new Error(`no kernel named ${kind}; the kernels are ${kernelKinds().join(', ')}`);
  return kernel;
}
