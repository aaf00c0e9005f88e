/**
 * `npm run train`: options in, one training run (or an evaluation of a loaded model) on the GPU,
 * progress on stderr and the result on stdout, an exit code out. The process entry is train.ts; tests
 * call runTrain in-process with their own GPU device.
 */
import type { CsvDataset } from '../data/csv';
import { CSV_MAX_CLASSES } from '../data/csv';
import type { NetworkSpec } from '../engine/spec';
import { fitsFusedTraining, fusedTrainingMaxParams } from '../engine/codegen';
import { paramLayout, widths } from '../engine/spec';
import { denseOnly } from '../engine/kernels/denseOnly';
import { kernelKinds } from '../engine/kernels/registry';
import type { KernelKind } from '../engine/types';
import type { Experiment } from '../experiment/experiment';
import { DEFAULT_EXPERIMENT, archText } from '../experiment/experiment';
import type { RunStart } from '../experiment/run';
import { runExperiment } from '../experiment/run';
import type { ImportedModel } from '../share/modelFormat';
import { exportModel } from '../share/modelExport';
import { historyCapacity } from '../share/modelFormat';
import { URL_FIELDS, experimentUrl, shareUrl } from '../share/url';
import { CSV_DATASET, checkExperiment } from '../share/validate';
import { UsageError, choiceFlag, numberFlag, parseFlags } from '../flags';
import type { CliIo } from './cliIo';
import { EXIT_DIVERGED, EXIT_OK, errorLine, exitCodeOf } from './exitCodes';
import {
  DATASET_FLAGS,
  EXPERIMENT_FLAGS,
  EXPERIMENT_SWITCHES,
  NETWORK_FLAGS,
  experimentFromFlags,
  prepareFromFlags,
} from './experimentFlags';
import { runWithHistory, type HistoryRunResult } from './historyRun';
import { featuresText } from '../data/features';
import { checkSavePath, loadModelFile, writeFileAtomic } from './modelFile';

export const TRAIN_HELP = `usage: npm run train -- [--preset ID] [--dataset NAME] [--samples N] [--noise X] [--arch 2-3-2-1]
  [--activation tanh|relu|leaky_relu|sigmoid|softplus|linear (or one per layer, comma-separated)]
  [--loss mse|bce|ce] [--optimizer sgd|momentum|rmsprop|adam] [--lr X] [--batch N] [--epochs N] [--seed N]
  [--test-split X] [--data-seed N] [--l1 X] [--l2 X] [--contractive W] [--slope X] [--features x1sq,x2sq,x1x2,sinx1,sinx2,r2]
  [--csv FILE [--classes]] [--kernel ${['auto', ...kernelKinds()].join('|')}]
  [--steps-per-dispatch N] [--load FILE] [--save FILE [--with-history]] [--json] [--url [--with-weights]] [--quiet]
  [dataset parameters as --NAME VALUE]
--load starts from a model file (its layers, activations, loss and weights; the other flags set the
training); --epochs 0 then only evaluates it. --save writes the trained model file; --with-history adds the
training history (the moments the app's timeline keeps), to scrub through in the app. See docs/cli.md.`;

/**
 * How a CSV file's labels were read and the loss that trains on them, as the app says on loading one:
 * whole numbers past 15 silently becoming regression targets would surprise.
 */
function labelsNote(data: CsvDataset, loss: string): string {
  const points = countText(data.y.length, 'point');
  if (data.regressionReason === null) {
    return `${points}; the labels were read as ${data.classes} classes, trained with loss ${loss}`;
  }
  const distinct = new Set(data.y).size;
  const classes =
    distinct <= CSV_MAX_CLASSES
      ? `--classes reads them as ${distinct} classes`
      : `its ${distinct} distinct labels are too many to read as classes (at most ${CSV_MAX_CLASSES})`;
  return `${points}; ${data.regressionReason}, trained with loss ${loss}; ${classes}`;
}

/** `1 moment`, `2 moments`. */
function countText(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function fmt(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined ? '-' : x.toFixed(digits);
}

/** The activation text that rebuilds a spec's layers exactly: one name per dense layer, output included. */
function activationText(spec: NetworkSpec): string {
  return spec.layers
    .filter((l) => !l.field)
    .map((l) => l.activation)
    .join(',');
}

function sameSpec(a: NetworkSpec, b: NetworkSpec): boolean {
  return (
    a.inputSize === b.inputSize &&
    a.loss === b.loss &&
    JSON.stringify(a.knn) === JSON.stringify(b.knn) &&
    a.layers.length === b.layers.length &&
    a.layers.every(
      (l, i) =>
        l.units === b.layers[i].units &&
        l.activation === b.layers[i].activation &&
        (l.field?.anchors ?? 0) === (b.layers[i].field?.anchors ?? 0) &&
        Boolean(l.field?.learnCentres) === Boolean(b.layers[i].field?.learnCentres) &&
        (l.activation !== 'leaky_relu' || l.slope === b.layers[i].slope),
    )
  );
}

/** The settings a loaded model starts from: its recorded experiment (if any) with its own network. */
function loadedBase(model: ImportedModel): Experiment {
  const base = structuredClone(model.experiment ?? DEFAULT_EXPERIMENT);
  base.arch = widths(model.spec);
  // The arch names the data's own dimension; the model's features make up the rest of its input (and
  // of the vector-field layers right after it, which keep its width).
  const features = base.features?.length ?? 0;
  const fields = model.spec.layers.map((l) => l.field?.anchors ?? 0);
  base.arch[0] -= features;
  for (let i = 1; i < base.arch.length && fields[i - 1] > 0; i++) base.arch[i] -= features;
  if (fields.some((k) => k > 0)) base.fields = fields;
  else delete base.fields;
  if (model.spec.layers.some((l) => l.field?.learnCentres)) base.learnCentres = true;
  else delete base.learnCentres;
  if (model.spec.knn) base.output = 'knn';
  else delete base.output;
  base.activation = activationText(model.spec);
  base.loss = model.spec.loss;
  base.slope = model.spec.layers.find((l) => l.activation === 'leaky_relu')?.slope ?? base.slope;
  return base;
}

export async function runTrain(argv: string[], io: CliIo): Promise<number> {
  try {
    return await train(argv, io);
  } catch (error) {
    io.err(errorLine(error));
    return exitCodeOf(error);
  }
}

async function train(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(TRAIN_HELP);
    return EXIT_OK;
  }
  const flags = parseFlags(
    argv,
    {
      switches: ['json', 'url', 'with-weights', 'with-history', 'quiet', ...EXPERIMENT_SWITCHES],
      values: [...EXPERIMENT_FLAGS, 'save', 'load'],
    },
    DATASET_FLAGS,
  );
  const loadPath = flags.values.get('load');
  const savePath = flags.values.get('save');
  let model: ImportedModel | undefined;
  if (loadPath !== undefined) {
    const fixed = NETWORK_FLAGS.find((f) => flags.values.has(f));
    if (fixed) {
      throw new UsageError(
        `--${fixed} cannot be used with --load: the model file fixes the layers, activations and loss`,
      );
    }
    model = loadModelFile(loadPath);
  }
  if (flags.switches.has('with-weights') && !flags.switches.has('url')) {
    throw new UsageError('--with-weights goes with --url: it puts the trained weights in the link');
  }
  const withHistory = flags.switches.has('with-history');
  if (withHistory && savePath === undefined) {
    throw new UsageError(
      '--with-history goes with --save: it writes the training history into the model file',
    );
  }
  // What --save may write (a regular file, or a link's file) is checked before any training.
  if (savePath !== undefined) checkSavePath(savePath);
  const { exp, data } = experimentFromFlags(flags, {
    base: model ? loadedBase(model) : undefined,
    allowZeroEpochs: model !== undefined,
  });
  if (exp.dataSeed !== undefined && (flags.switches.has('url') || savePath !== undefined || model)) {
    throw new UsageError(
      '--data-seed cannot go with --url, --save or --load: links and model files record one seed, for the data and the weights alike',
    );
  }
  const kernel = choiceFlag<'auto' | KernelKind>(flags, 'kernel', ['auto', ...kernelKinds()]);
  const stepsPerDispatch = numberFlag(flags, 'steps-per-dispatch', { min: 1, max: 4096, integer: true });
  const run = prepareFromFlags(exp, data, model?.spec);
  if (kernel === 'fused' && !fitsFusedTraining(run.spec, exp.optimizer)) {
    throw new UsageError(
      `--kernel fused: the fused kernel takes networks of at most ${fusedTrainingMaxParams(exp.optimizer)} ` +
        `parameters with ${exp.optimizer} and ${archText(widths(run.spec))} has ${paramLayout(run.spec).count}; ` +
        'use --kernel cooperative, layered, chunked, general or auto',
    );
  }
  const denseOnlyRefusal = kernel && kernel !== 'auto' ? denseOnly(kernel, run.spec) : null;
  if (kernel !== 'general' && denseOnlyRefusal)
    throw new UsageError(`--kernel ${kernel}: ${denseOnlyRefusal}`);
  if ((kernel === 'layered' || kernel === 'chunked') && (exp.contractive ?? 0) > 0) {
    throw new UsageError(
      `--kernel ${kernel}: the ${kernel} kernel has no contractive penalty; use --kernel cooperative, general or auto`,
    );
  }
  // What a model file or a link records: the run's settings; an evaluation keeps the model's epochs.
  const record: Experiment = {
    ...exp,
    epochs: exp.epochs > 0 ? exp.epochs : (model?.experiment?.epochs ?? DEFAULT_EXPERIMENT.epochs),
  };
  const wantUrl = flags.switches.has('url');
  if (wantUrl) {
    if (exp.dataset === CSV_DATASET) {
      throw new UsageError(
        '--url cannot be used with --csv: a link holds no points, so the app could not open the run',
      );
    }
    let linkSpec: NetworkSpec;
    try {
      linkSpec = checkExperiment(record, URL_FIELDS);
    } catch (e) {
      throw new UsageError(`--url: ${(e as Error).message}`);
    }
    if (!sameSpec(linkSpec, run.spec)) {
      throw new UsageError(
        '--url: this network cannot be written as a link (its output activation or leaky_relu slopes differ from what the link settings rebuild)',
      );
    }
  }
  let start: RunStart | undefined;
  if (model) {
    const state = model.optimizerState;
    // Moments of another optimiser mean nothing to this one: they start again from zero.
    const sameOptimizer = model.experiment?.optimizer === exp.optimizer;
    if (state && !sameOptimizer && exp.epochs > 0) {
      const saved = model.experiment?.optimizer ?? 'an optimiser it does not name';
      io.err(
        `--load ${loadPath}: saved with ${saved}; ${exp.optimizer} goes on from its weights and step with fresh moments`,
      );
    }
    start = {
      params: model.params,
      moments: state && sameOptimizer ? state.moments : undefined,
      step: state?.step ?? 0,
    };
  }

  // Every option checked: how the CSV's labels were read, before training on them.
  const csvPath = flags.values.get('csv');
  if (data && csvPath !== undefined) io.err(`note: --csv ${csvPath}: ${labelsNote(data, exp.loss)}`);
  const quiet = flags.switches.has('quiet');
  const gpu = await io.openGpu();
  let result;
  try {
    if (!quiet) io.err(`adapter: ${gpu.adapterName}`);
    result = await (withHistory ? runWithHistory : runExperiment)(gpu.device, exp, {
      kernel,
      stepsPerDispatch,
      data,
      spec: model?.spec,
      start,
      keepState: savePath !== undefined || flags.switches.has('with-weights'),
      keep: historyCapacity(paramLayout(run.spec).count, true),
      from: model?.history,
      // Quiet, nobody reads the epochs: statistics are read at the end only, which is cheaper.
      onEpoch: quiet
        ? undefined
        : (s, epochs) => {
            const test = s.test ? `  test loss ${fmt(s.test.loss)} acc ${fmt(s.test.accuracy, 3)}` : '';
            io.err(
              `epoch ${s.epoch}/${epochs}  step ${s.step}  loss ${fmt(s.train.loss)} acc ${fmt(s.train.accuracy, 3)}${test}`,
            );
          },
    });
  } finally {
    gpu.close();
  }
  const s = result.final;
  const diverged = s.divergedAtStep !== null;
  if (diverged) {
    io.err(`diverged: the loss became NaN or infinite at step ${s.divergedAtStep}; training stopped there`);
    if (savePath !== undefined) io.err(`--save ${savePath}: not written, the weights are not finite`);
  }
  let url: string | null = null;
  if (wantUrl && flags.switches.has('with-weights')) {
    if (diverged) io.err('--url --with-weights: no link, the weights are not finite');
    else url = await shareUrl(record, { weights: result.state!.params });
  } else if (wantUrl) {
    url = experimentUrl(record);
  }
  let historyMoments: number | undefined;
  if (savePath !== undefined && !diverged) {
    const st = result.state!;
    const history = withHistory ? (result as HistoryRunResult).history : null;
    const kept = history?.thinnedTo(historyCapacity(st.params.length, true)).entries;
    const written = writeFileAtomic(
      savePath,
      exportModel(run.spec, st.params, record, { step: st.step, moments: st.moments }, kept),
      { write: io.saveWrite },
    );
    historyMoments = kept?.length;
    if (!quiet) {
      const through = written !== savePath ? ` (a link: written to ${written})` : '';
      const moments = kept ? ` with ${countText(kept.length, 'moment')} of its history` : '';
      io.err(`saved ${savePath}${through}${moments}`);
    }
  }
  const summary = {
    dataset: exp.dataset,
    arch: archText(exp.arch, exp.fields),
    ...(exp.features?.length ? { features: featuresText(exp.features) } : {}),
    activation: exp.activation,
    loss: exp.loss,
    optimizer: exp.optimizer,
    learningRate: exp.learningRate,
    batch: exp.batchSize,
    seed: exp.seed,
    ...(exp.dataSeed !== undefined ? { dataSeed: exp.dataSeed } : {}),
    epochs: exp.epochs,
    steps: result.steps,
    // The step of the weights the network holds: after a divergence, those of the last finite step.
    step: s.step,
    train: { loss: s.train.loss, accuracy: s.train.accuracy },
    test: s.test ? { loss: s.test.loss, accuracy: s.test.accuracy } : null,
    diverged,
    divergedAtStep: s.divergedAtStep,
    seconds: result.seconds,
    stepsPerSecond: result.stepsPerSecond,
    samplesPerSecond: result.samplesPerSecond,
    adapter: gpu.adapterName,
    kernel: result.kernel,
    ...(loadPath !== undefined ? { loaded: loadPath } : {}),
    ...(savePath !== undefined && !diverged ? { saved: savePath } : {}),
    ...(historyMoments !== undefined ? { historyMoments } : {}),
    ...(url ? { url } : {}),
  };
  if (flags.switches.has('json')) {
    io.out(JSON.stringify(summary));
  } else {
    io.out(
      `${exp.dataset} ${archText(exp.arch, exp.fields)}${exp.features?.length ? ` +${featuresText(exp.features)}` : ''} ${exp.activation} ${exp.loss} ${exp.optimizer}: ` +
        `train loss ${fmt(s.train.loss)} acc ${fmt(s.train.accuracy, 3)}` +
        (s.test ? `, test loss ${fmt(s.test.loss)} acc ${fmt(s.test.accuracy, 3)}` : '') +
        `\n${countText(result.steps, 'step')} in ${result.seconds.toFixed(2)} s: ${Math.round(result.stepsPerSecond)} steps/s, ` +
        `${Math.round(result.samplesPerSecond)} samples/s (${result.kernel} kernel, ${gpu.adapterName})`,
    );
    if (url) io.out(url);
  }
  return diverged ? EXIT_DIVERGED : EXIT_OK;
}
