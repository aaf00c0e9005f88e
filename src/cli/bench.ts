/**
 * `npm run bench`: the grid transform and training on this machine's WebGPU adapter, beside the plain JS
 * loop, the TypeScript twin and TensorFlow.js, with every implementation checked against the twin.
 * Markdown tables on stdout (or one JSON document with --json); progress on stderr.
 */
import { parseBenchArgs, USAGE, UsageError, commandLine } from '../bench/options';
import type { BenchArgs } from '../bench/options';
import { markdownReport } from '../bench/report';
import type { BenchReport } from '../bench/types';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function runInNode(args: BenchArgs): Promise<BenchReport> {
  const { openNodeGpu } = await import('./nodeGpu');
  const { runBench } = await import('../bench/run');
  const { nodeTfBackends } = await import('../bench/node/tfjsNode');
  const { gpuBudgetBytes } = await import('../bench/node/memory');
  const { adapter, device, adapterName } = await openNodeGpu();
  log(`adapter: ${adapterName}`);
  device.addEventListener('uncapturederror', (event) =>
    log(`WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message}`),
  );
  try {
    return await runBench(
      {
        device,
        adapter: adapterName,
        runtime: `Node ${process.version} + Dawn (webgpu npm package)`,
        command: commandLine(args),
        tfBackends: nodeTfBackends(),
        maxGpuBytes: gpuBudgetBytes(adapter.info, args.maxGpuMb),
        log,
      },
      { quick: args.quick, only: args.only, minSeconds: args.minSeconds },
    );
  } finally {
    device.destroy();
  }
}

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let report: BenchReport;
  if (args.browser) {
    const { runInBrowser } = await import('../bench/node/browserHost');
    report = await runInBrowser(args, log);
  } else {
    report = await runInNode(args);
  }
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${markdownReport(report)}\n`);
  return report.measurements.some((m) => m.failed) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
