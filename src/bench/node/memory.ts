/** How much GPU memory a Node run may plan for. */
import os from 'node:os';
import { isSoftwareAdapter } from '../../engine/device';

export { isSoftwareAdapter };

/**
 * The budget of one grid case: --max-gpu-mb when given; for a software adapter half the machine's memory
 * (the CPU baselines need the rest); for a real GPU no planned limit, an allocation the device refuses is
 * then reported as skipped by the out-of-memory error scope.
 */
export function gpuBudgetBytes(info: GPUAdapterInfo | undefined, maxGpuMb: number | null): number {
  if (maxGpuMb !== null) return maxGpuMb * 1024 * 1024;
  return isSoftwareAdapter(info) ? os.totalmem() / 2 : Infinity;
}
