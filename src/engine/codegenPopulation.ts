/**
 * WGSL for population training: the fused kernel's straight-line code for one shape
 * (src/engine/codegen.ts), in templates that run one member per workgroup
 * (shaders/train_population.wgsl, shaders/evaluate_population.wgsl). The generator writes parameter k
 * as `params[k]` and its moments as `moments[k]`; here those constant indices are moved to the member's
 * slice (`params[pbase + k]`, `moments[mbase + k]`), so each member runs exactly the fused step.
 */
import evaluateTemplate from '../../shaders/evaluate_population.wgsl?raw';
import trainTemplate from '../../shaders/train_population.wgsl?raw';
import { fusedEvaluateWgsl, fusedTrainWgsl } from './codegen';
import type { FusedTrainOptions } from './codegen';
import { SHADERS } from './shaders';
import type { NetworkSpec } from './spec';
import { paramLayout } from './spec';

/** The templates, as text (for the tests, which compile them with other shapes). */
export const POPULATION_TEMPLATES = { train: trainTemplate, evaluate: evaluateTemplate };

/** Constant-index reads and writes of a per-member buffer, as the generator writes them. */
const MEMBER_INDEX = /\b(params|moments)\[(\d+)u\]/g;

/**
 * Points every constant index into `params` and `moments` at the member's slice. Throws if an access of
 * another form remains (the generator changed): the kernel would then read another member's weights.
 */
export function toMemberSlices(code: string): string {
  const moved = code.replace(MEMBER_INDEX, (_m, name: string, k: string) =>
    name === 'params' ? `params[pbase + ${k}u]` : `moments[mbase + ${k}u]`,
  );
  const stray = moved.match(/\b(params|moments)\[(?!pbase \+ |mbase \+ )[^\]]*\]/);
  if (stray) throw new Error(`population codegen: unexpected buffer access "${stray[0]}"`);
  return moved;
}

function withCount(template: string, spec: NetworkSpec): string {
  return template.replaceAll('__PARAM_COUNT__', String(paramLayout(spec).count));
}

/** The population training kernel for one shape, optimiser and reduction (see FusedTrainOptions). */
export function populationTrainWgsl(spec: NetworkSpec, options: FusedTrainOptions): string {
  return toMemberSlices(fusedTrainWgsl(spec, options, SHADERS.common, withCount(trainTemplate, spec)));
}

/** The population evaluation kernel for one shape: every member over the training and test sets. */
export function populationEvaluateWgsl(spec: NetworkSpec): string {
  return toMemberSlices(fusedEvaluateWgsl(spec, SHADERS.common, withCount(evaluateTemplate, spec)));
}
