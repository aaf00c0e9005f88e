/**
 * npm run train -- [options]: trains with the GPU engine in Node and prints progress to stderr;
 * --json prints one JSON object with the result on stdout. Exit codes: 0 done, 2 bad options,
 * 3 the loss became NaN or infinite, 1 anything else.
 */
import { archText } from '../experiment/experiment';
import { prepare } from '../experiment/experiment';
import { runExperiment } from '../experiment/run';
import { UsageError, choiceFlag, numberFlag, parseFlags } from './args';
import { DATASET_FLAGS, EXPERIMENT_FLAGS, experimentFromFlags } from './experiment-flags';
import { openNodeGpu } from './node-gpu';
import { experimentUrl } from '../share/url';

const HELP = `usage: npm run train -- [--preset ID] [--dataset NAME] [--samples N] [--noise X] [--arch 2-3-2-1]
  [--activation tanh|relu|leaky_relu|sigmoid|softplus|linear (or one per layer, comma-separated)]
  [--loss mse|bce|ce] [--optimizer sgd|momentum|rmsprop|adam] [--lr X] [--batch N] [--epochs N] [--seed N]
  [--test-split X] [--l1 X] [--l2 X] [--slope X] [--csv FILE] [--kernel auto|fused|general]
  [--steps-per-dispatch N] [--json] [--url] [--quiet] [dataset parameters as --NAME VALUE]`;

function fmt(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined ? '-' : x.toFixed(digits);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const flags = parseFlags(
    argv,
    { switches: ['json', 'url', 'quiet'], values: EXPERIMENT_FLAGS },
    DATASET_FLAGS,
  );
  const { exp, data } = experimentFromFlags(flags);
  const kernel = choiceFlag(flags, 'kernel', ['auto', 'fused', 'general'] as const);
  const stepsPerDispatch = numberFlag(flags, 'steps-per-dispatch', { min: 1, max: 4096, integer: true });
  try {
    prepare(exp, data);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const url = flags.switches.has('url') ? experimentUrl(exp) : null;
  const quiet = flags.switches.has('quiet');
  const gpu = await openNodeGpu();
  if (!quiet) console.error(`adapter: ${gpu.adapterName}`);
  const result = await runExperiment(gpu.device, exp, {
    kernel,
    stepsPerDispatch,
    data,
    onEpoch: (s, epochs) => {
      if (quiet) return;
      const test = s.test ? `  test loss ${fmt(s.test.loss)} acc ${fmt(s.test.accuracy, 3)}` : '';
      console.error(
        `epoch ${s.epoch}/${epochs}  step ${s.step}  loss ${fmt(s.train.loss)} acc ${fmt(s.train.accuracy, 3)}${test}`,
      );
    },
  });
  const s = result.final;
  const diverged = s.divergedAtStep !== null;
  if (diverged) {
    console.error(
      `diverged: the loss became NaN or infinite at step ${s.divergedAtStep}; training stopped there`,
    );
  }
  const summary = {
    dataset: exp.dataset,
    arch: archText(exp.arch),
    activation: exp.activation,
    loss: exp.loss,
    optimizer: exp.optimizer,
    learningRate: exp.learningRate,
    batch: exp.batchSize,
    seed: exp.seed,
    epochs: exp.epochs,
    steps: result.steps,
    train: { loss: s.train.loss, accuracy: s.train.accuracy },
    test: s.test ? { loss: s.test.loss, accuracy: s.test.accuracy } : null,
    diverged,
    divergedAtStep: s.divergedAtStep,
    seconds: result.seconds,
    stepsPerSecond: result.stepsPerSecond,
    samplesPerSecond: result.samplesPerSecond,
    adapter: gpu.adapterName,
    kernel: result.kernel,
    ...(url ? { url } : {}),
  };
  if (flags.switches.has('json')) {
    console.log(JSON.stringify(summary));
  } else {
    console.log(
      `${exp.dataset} ${archText(exp.arch)} ${exp.activation} ${exp.loss} ${exp.optimizer}: ` +
        `train loss ${fmt(s.train.loss)} acc ${fmt(s.train.accuracy, 3)}` +
        (s.test ? `, test loss ${fmt(s.test.loss)} acc ${fmt(s.test.accuracy, 3)}` : '') +
        `\n${result.steps} steps in ${result.seconds.toFixed(2)} s: ${Math.round(result.stepsPerSecond)} steps/s, ` +
        `${Math.round(result.samplesPerSecond)} samples/s (${result.kernel} kernel, ${gpu.adapterName})`,
    );
    if (url) console.log(url);
  }
  gpu.device.destroy();
  return diverged ? 3 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error as Error).name === 'DataError' ||
      (error as Error).name === 'SpecError'
    ) {
      console.error(`error: ${(error as Error).message}`);
      process.exit(2);
    }
    console.error(`error: ${(error as Error).message ?? error}`);
    process.exit(1);
  },
);
