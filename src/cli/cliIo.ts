/** What a command needs from its surroundings: output lines and a GPU (a process's own, or a test's). */
import type { WriteFn } from './modelFile';
import { openNodeGpu } from './nodeGpu';

export interface CliGpu {
  device: GPUDevice;
  adapterName: string;
  /** Done with the device: the process's own is destroyed; a shared one is left open. */
  close(): void;
}

export interface CliIo {
  /** A line (or lines) for stdout. */
  out(text: string): void;
  /** A line (or lines) for stderr. */
  err(text: string): void;
  openGpu(): Promise<CliGpu>;
  /** The write under `--save` (writeSync where absent; tests give one that stops short, as a full disk). */
  saveWrite?: WriteFn;
}

/** The real process: console output and a Node WebGPU device of its own. */
export const PROCESS_IO: CliIo = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
  async openGpu() {
    const gpu = await openNodeGpu();
    return { device: gpu.device, adapterName: gpu.adapterName, close: () => gpu.device.destroy() };
  },
};
