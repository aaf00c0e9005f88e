/**
 * npm run wgsl -- --arch 2-3-2-1 [options]: prints the WGSL the engine generates for one network shape,
 * exactly as it compiles it: any registered training kernel (src/engine/kernels/registry.ts, through the
 * kernel's own `wgsl`), or the grid and evaluation kernels. Exit codes: 0 printed, 2 bad options.
 */
import { pathToFileURL } from 'node:url';
import {
  FUSED_MAX_PARAMS,
  fitsFusedTraining,
  fusedTrainingMaxParams,
  fusedEvaluateWgsl,
  fusedGridWgsl,
} from '../engine/codegen';
import { KERNEL_REGISTRY, kernelKinds, kernelNamed } from '../engine/kernels/registry';
import { SHADERS } from '../engine/shaders';
import { OPTIMIZERS, LOSSES, buildSpec, defaultOptimizer, paramLayout } from '../engine/spec';
import type { KernelKind } from '../engine/types';
import { parseArchLayers } from '../experiment/experiment';
import { UsageError, choiceFlag, numberFlag, parseFlags } from '../flags';

/** The kernels that are not training kernels: the fused grid transform and the fused evaluation. */
export const OTHER_KERNELS = ['grid', 'evaluate'] as const;
/** What `--kernel` takes: every registered training kernel, `train` (the fused one), the others. */
export function wgslKernels(): string[] {
  return [...kernelKinds(), 'train', ...OTHER_KERNELS];
}
/** Subgroup sizes a fused training kernel can be generated for (the workgroup is one subgroup). */
export const SUBGROUP_SIZES = ['1', '2', '4', '8', '16', '32', '64', 'none'] as const;
/**
 * Workgroup memory assumed for the kernels that stage what fits in it (the cooperative kernel): WebGPU's
 * guaranteed 16 KiB; the engine uses the device's own limit, which may be larger.
 */
export const WGSL_WORKGROUP_STORAGE = 16384;

export function help(): string {
  return `usage: npm run wgsl -- --arch 2-3-2-1 [--activation tanh (or one per layer, comma-separated)]
  [--loss ${LOSSES.join('|')}] [--regression] [--slope X] [--optimizer ${OPTIMIZERS.join('|')}]
  [--kernel ${wgslKernels().join('|')}] [--contractive] [--subgroup-size 4|32|none]
Prints the generated WGSL on stdout: the training kernel named (train is the fused one, the default), or the
grid or evaluation kernel. --subgroup-size applies to the fused training kernel: a size reduces the batch
with subgroupAdd in a workgroup of that many lanes; none (the default) reduces through workgroup memory.
--contractive prints a training kernel with the contractive penalty (the layered and chunked have none).
The cooperative kernel is printed for ${WGSL_WORKGROUP_STORAGE} bytes of workgroup memory.`;
}

export interface WgslResult {
  code: string;
  /** A remark for stderr, e.g. that the engine would run the general kernel for this shape. */
  note: string | null;
}

/** The generated kernel that the options describe. Throws UsageError (or SpecError) on bad options. */
export function wgslFromArgs(argv: string[]): WgslResult {
  const flags = parseFlags(argv, {
    switches: ['regression', 'contractive'],
    values: ['arch', 'activation', 'loss', 'slope', 'optimizer', 'kernel', 'subgroup-size'],
  });
  const arch = flags.values.get('arch');
  if (arch === undefined)
    throw new UsageError('--arch is required, e.g. --arch 2-3-2-1 (sizes from input to output)');
  const loss = choiceFlag(flags, 'loss', LOSSES) ?? 'mse';
  const optimizer = choiceFlag(flags, 'optimizer', OPTIMIZERS) ?? 'sgd';
  const asked = choiceFlag(flags, 'kernel', wgslKernels()) ?? 'train';
  const kernel = asked === 'train' ? 'fused' : asked;
  const subgroup = choiceFlag(flags, 'subgroup-size', SUBGROUP_SIZES) ?? 'none';
  const slope = numberFlag(flags, 'slope', { min: 0, max: 0.999 });
  const contractive = flags.switches.has('contractive');
  if (flags.switches.has('regression') && loss !== 'mse') {
    throw new UsageError(
      `--regression needs --loss mse (regression trains on the mean squared error); got --loss ${loss}`,
    );
  }
  const layers = parseArchLayers(arch);
  const spec = buildSpec(layers.arch, flags.values.get('activation') ?? 'tanh', loss, {
    regression: flags.switches.has('regression'),
    slope,
    ...(layers.fields ? { fields: layers.fields } : {}),
  });
  const count = paramLayout(spec).count;
  if (kernel === 'grid' || kernel === 'evaluate') {
    const code =
      kernel === 'grid'
        ? fusedGridWgsl(spec, SHADERS.common, SHADERS.gridFused)
        : fusedEvaluateWgsl(spec, SHADERS.common, SHADERS.evaluateFused);
    const note =
      count > FUSED_MAX_PARAMS
        ? `note: ${count} parameters is over the fused kernels' ${FUSED_MAX_PARAMS}; the engine runs the looped kernels (grid_general.wgsl, evaluate.wgsl) for this shape`
        : null;
    return { code, note };
  }
  const trainer = kernelNamed(kernel as KernelKind);
  const run = (workgroupStorage: number) => ({
    spec,
    optimizer: { ...defaultOptimizer(optimizer, 0.1), contractive: contractive ? 0.01 : 0 },
    batch: 1,
    workgroupStorage,
    software: false,
  });
  // Refused for the shape and options (the fused kernel beyond its size is printed with a note); what
  // depends on the device's workgroup memory is a note.
  const refusal = trainer.refusal(run(Number.MAX_SAFE_INTEGER));
  if (refusal && (kernel !== 'fused' || contractive)) throw new UsageError(refusal);
  const memory = refusal ? null : trainer.refusal(run(WGSL_WORKGROUP_STORAGE));
  const code = trainer.wgsl(spec, {
    optimizer,
    contractive,
    subgroupSize: subgroup === 'none' ? null : Number(subgroup),
    workgroupStorage: WGSL_WORKGROUP_STORAGE,
  });
  let note: string | null = memory
    ? `note: ${memory} (WebGPU's guaranteed minimum); a device with more runs it`
    : null;
  if (kernel === 'fused' && count > FUSED_MAX_PARAMS && fitsFusedTraining(spec, optimizer)) {
    note =
      `note: ${count} parameters is over the ${FUSED_MAX_PARAMS} the fused kernel keeps in scalars: this is its ` +
      'array layout, which training runs with --kernel fused or when measured timings make auto choose it';
  } else if (kernel === 'fused' && count > FUSED_MAX_PARAMS) {
    const looped = KERNEL_REGISTRY.filter((k) => k.kind !== 'fused').map((k) => k.kind);
    note =
      `note: ${count} parameters is over the fused kernel's ${fusedTrainingMaxParams(optimizer)}; ` +
      `the engine runs one of the looped kernels (--kernel ${looped.join('|')}) for this shape`;
  }
  return { code, note };
}

function main(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(help());
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
