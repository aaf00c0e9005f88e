/**
 * `node tools/run.mjs tools/population-bench.ts [--sizes 1,16,256,1024] [--seconds 3] [--json]`:
 * network-steps per second of N 2-3-2-1 networks trained at once on this machine's WebGPU adapter, beside
 * the plain JS loop measured in the same run (src/bench/population.ts). Progress on stderr.
 */
import { openNodeGpu } from '../src/cli/nodeGpu';
import { populationBench, populationBenchTable } from '../src/bench/population';

const args = process.argv.slice(2);
const value = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizes = (value('sizes') ?? '1,16,256,1024').split(',').map(Number);
const seconds = Number(value('seconds') ?? 3);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(seconds > 0)) {
  console.error('error: --sizes takes whole numbers ≥ 1 joined by commas, --seconds a positive number');
  process.exit(2);
}
const { device, adapterName } = await openNodeGpu();
console.error(`adapter: ${adapterName}`);
try {
  const rows = await populationBench(device, { sizes, seconds, log: (l) => console.error(l) });
  if (args.includes('--json')) console.log(JSON.stringify({ adapter: adapterName, rows }));
  else console.log(populationBenchTable(rows, adapterName));
} finally {
  device.destroy();
}
