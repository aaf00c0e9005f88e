/** Command-line options of `npm run bench`. A bad option is a UsageError: one line, exit status 2. */
import { UsageError, numberFlag, parseFlags } from '../flags';

export { UsageError };

export interface BenchArgs {
  quick: boolean;
  json: boolean;
  browser: boolean;
  /** GPU memory a case may take, in MiB; null for the device's own limit. */
  maxGpuMb: number | null;
  only: string | null;
  /** Seconds each figure is timed over at least; null for the default (0.3 with --quick, else 1). */
  minSeconds: number | null;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [options]

  --quick           a subset of sizes that runs in under a minute on a 2-core machine
  --json            print one JSON document instead of markdown tables
  --browser         run in headless Chromium (adds the whole-frame workload and TF.js WebGPU)
  --max-gpu-mb N    skip grid cases that need more than N MiB of GPU memory
  --only TEXT       only the workloads whose id contains TEXT (grid-, train-, frame)
  --min-seconds S   time each figure over at least S seconds (default 0.3 with --quick, else 1);
                    a short time gives rough figures, for a run that only checks the workloads
  --help            this text`;

export function parseBenchArgs(argv: string[]): BenchArgs {
  const flags = parseFlags(argv, {
    switches: ['quick', 'json', 'browser', 'help'],
    values: ['max-gpu-mb', 'only', 'min-seconds'],
  });
  return {
    quick: flags.switches.has('quick'),
    json: flags.switches.has('json'),
    browser: flags.switches.has('browser'),
    help: flags.switches.has('help'),
    maxGpuMb: numberFlag(flags, 'max-gpu-mb', { min: 1 }) ?? null,
    only: flags.values.get('only') ?? null,
    minSeconds: numberFlag(flags, 'min-seconds', { min: 0.001, max: 60 }) ?? null,
  };
}

/** The command line as the report prints it. */
export function commandLine(args: BenchArgs): string {
  const parts = ['npm run bench'];
  const flags: string[] = [];
  if (args.browser) flags.push('--browser');
  if (args.quick) flags.push('--quick');
  if (args.maxGpuMb !== null) flags.push(`--max-gpu-mb ${args.maxGpuMb}`);
  if (args.only) flags.push(`--only ${args.only}`);
  if (args.minSeconds !== null) flags.push(`--min-seconds ${args.minSeconds}`);
  if (flags.length) parts.push('--', ...flags);
  return parts.join(' ');
}
