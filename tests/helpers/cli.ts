/** The command-line tests' view of a command's output: its lines, on the one shared test GPU. */
import type { CliIo } from '../../src/cli/cliIo';
import type { TestGpu } from './gpu';

/** The exit code and the text a command wrote. */
export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An io that keeps what a command writes and opens `gpu` (shared, never closed by the command). */
export function captureIo(gpu: TestGpu | null): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    openGpu: async () => ({ device: gpu!.device, adapterName: gpu!.adapterName, close() {} }),
  };
  return { io, out, err };
}
