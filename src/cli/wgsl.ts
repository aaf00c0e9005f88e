/**
 * npm run wgsl -- --arch 2-3-2-1 [options]: prints the straight-line WGSL that src/engine/codegen.ts
 * generates for one network shape, exactly as the engine compiles it. Exit codes: 0 printed, 2 bad options.
 */
import { pathToFileURL } from 'node:url';
import {
  FUSED_MAX_PARAMS,
  fitsFusedTraining,
  fusedTrainingMaxParams,
  fusedEvaluateWgsl,
  fusedGridWgsl,
  fusedTrainWgsl,
} from '../engine/codegen';
import { LAYERED_LANES, layeredTrainWgsl } from '../engine/codegenLayered';
import { SHADERS } from '../engine/shaders';
import { OPTIMIZERS, LOSSES, buildSpec, paramLayout } from '../engine/spec';
import { parseArchText } from '../experiment/experiment';
import { UsageError, choiceFlag, numberFlag, parseFlags } from './args';

export const KERNELS = ['train', 'layered', 'grid', 'evaluate'] as const;
/** Subgroup sizes a fused training kernel can be generated for (the workgroup is one subgroup). */
export const SUBGROUP_SIZES = ['1', '2', '4', '8', '16', '32', '64', 'none'] as const;

export const HELP = `usage: npm run wgsl -- --arch 2-3-2-1 [--activation tanh (or one per layer, comma-separated)]
  [--loss ${LOSSES.join('|')}] [--regression] [--slope X] [--optimizer ${OPTIMIZERS.join('|')}]
  [--kernel ${KERNELS.join('|')}] [--subgroup-size 4|32|none]
Prints the generated WGSL on stdout. --subgroup-size applies to the training kernel: a size reduces the
batch with subgroupAdd in a workgroup of that many lanes; none (the default) reduces through workgroup memory.
--kernel layered prints the layered training kernel (any size: one body per run of identical layers).`;

export interface WgslResult {
  code: string;
  /** A remark for stderr, e.g. that the engine would run the general kernel for this shape. */
  note: string | null;
}

/** The generated kernel that the options describe. Throws UsageError (or SpecError) on bad options. */
export function wgslFromArgs(argv: string[]): WgslResult {
  const flags = parseFlags(argv, {
    switches: ['regression'],
    values: ['arch', 'activation', 'loss', 'slope', 'optimizer', 'kernel', 'subgroup-size'],
  });
  const arch = flags.values.get('arch');
  if (arch === undefined)
    throw new UsageError('--arch is required, e.g. --arch 2-3-2-1 (sizes from input to output)');
  const loss = choiceFlag(flags, 'loss', LOSSES) ?? 'mse';
  const optimizer = choiceFlag(flags, 'optimizer', OPTIMIZERS) ?? 'sgd';
  const kernel = choiceFlag(flags, 'kernel', KERNELS) ?? 'train';
  const subgroup = choiceFlag(flags, 'subgroup-size', SUBGROUP_SIZES) ?? 'none';
  const slope = numberFlag(flags, 'slope', { min: 0, max: 0.999 });
  if (flags.switches.has('regression') && loss !== 'mse') {
    throw new UsageError(
      `--regression needs --loss mse (regression trains on the mean squared error); got --loss ${loss}`,
    );
  }
  const spec = buildSpec(parseArchText(arch), flags.values.get('activation') ?? 'tanh', loss, {
    regression: flags.switches.has('regression'),
    slope,
  });
  if (kernel === 'layered') {
    const code = layeredTrainWgsl(
      spec,
      { optimizer, lanes: LAYERED_LANES },
      SHADERS.common,
      SHADERS.trainCooperative,
    );
    return { code, note: null };
  }
  const code =
    kernel === 'train'
      ? fusedTrainWgsl(
          spec,
          { optimizer, subgroupSize: subgroup === 'none' ? null : Number(subgroup) },
          SHADERS.common,
          SHADERS.trainFused,
        )
      : kernel === 'grid'
        ? fusedGridWgsl(spec, SHADERS.common, SHADERS.gridFused)
        : fusedEvaluateWgsl(spec, SHADERS.common, SHADERS.evaluateFused);
  const count = paramLayout(spec).count;
  let note: string | null = null;
  if (kernel === 'train' && count > FUSED_MAX_PARAMS && fitsFusedTraining(spec, optimizer)) {
    note =
      `note: ${count} parameters is over the ${FUSED_MAX_PARAMS} the fused kernel keeps in scalars: this is its ` +
      'array layout, which training runs with --kernel fused or when measured timings make auto choose it';
  } else if (count > FUSED_MAX_PARAMS) {
    note =
      `note: ${count} parameters is over the fused kernels' ${kernel === 'train' ? fusedTrainingMaxParams(optimizer) : FUSED_MAX_PARAMS}; ` +
      'the engine runs the looped kernels (train_cooperative.wgsl, alone or as the layered kernel that ' +
      '--kernel layered prints, general_step.wgsl, grid_general.wgsl, evaluate.wgsl) for this shape';
  }
  return { code, note };
}

function main(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  try {
    const { code, note } = wgslFromArgs(argv);
    if (note) console.error(note);
    process.stdout.write(code.endsWith('\n') ? code : `${code}\n`);
    return 0;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'UsageError' || name === 'SpecError') {
      console.error(`error: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
