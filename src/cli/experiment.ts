/**
 * npm run experiment -- --preset ID --seeds N [--json] [other train flags]: trains a preset from seeds
 * 1..N and prints, per seed, the final test loss and accuracy, then their median and best. See
 * experimentCommand.ts and docs/cli.md.
 */
import { PROCESS_IO } from './cliIo';
import { runExperimentCommand } from './experimentCommand';

runExperimentCommand(process.argv.slice(2), PROCESS_IO).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${(error as Error).message ?? error}`);
    process.exit(1);
  },
);
