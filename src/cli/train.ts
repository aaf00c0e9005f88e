/**
 * npm run train -- [options]: trains with the GPU engine in Node and prints progress to stderr;
 * --json prints one JSON object with the result on stdout. Exit codes: 0 done, 2 bad options,
 * 3 the loss became NaN or infinite, 1 anything else. See trainCommand.ts and docs/cli.md.
 */
import { PROCESS_IO } from './cliIo';
import { runTrain } from './trainCommand';

runTrain(process.argv.slice(2), PROCESS_IO).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${(error as Error).message ?? error}`);
    process.exit(1);
  },
);
