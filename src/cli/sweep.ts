/**
 * npm run sweep -- --preset ID --seeds N [--widths 1-8] [--layer L] [--lr X,Y] [--target X] [--json]:
 * trains many seeds of a preset at once on the GPU. See sweepCommand.ts and docs/population.md.
 */
import { PROCESS_IO } from './cliIo';
import { runSweepCommand } from './sweepCommand';

runSweepCommand(process.argv.slice(2), PROCESS_IO).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${(error as Error).message ?? error}`);
    process.exit(1);
  },
);
