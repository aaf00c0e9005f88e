/**
 * A sweep member by member, each on its own engine: the path of networks the population kernel does not
 * take (a vector-field layer trains on the general path only). Every member trains on the same data
 * (the sweep's data seed), from its own seed, width and learning rate, exactly as `npm run train` would.
 */
import type { MemberStats, PopulationMember } from '../engine/population';
import { SpecError } from '../engine/spec';
import type { Experiment } from './experiment';
import { archText } from './experiment';
import { runExperiment } from './run';

/** The member's experiment: its seed and learning rate, the width at `layer` (and the field layers after it). */
export function memberExperiment(exp: Experiment, member: PopulationMember, layer: number): Experiment {
  const arch = [...exp.arch];
  const fields = exp.fields ?? [];
  if (member.width !== undefined && member.width !== arch[layer]) {
    if ((fields[layer - 1] ?? 0) > 0) {
      throw new SpecError(
        `layer ${layer} of ${archText(exp.arch, exp.fields)} is a vector-field layer, which keeps its input's width: vary a dense layer`,
      );
    }
    arch[layer] = member.width;
    for (let i = layer + 1; i < arch.length && (fields[i - 1] ?? 0) > 0; i++) arch[i] = member.width;
  }
  return {
    ...exp,
    arch,
    seed: member.seed,
    dataSeed: exp.dataSeed ?? exp.seed,
    learningRate: member.learningRate ?? exp.learningRate,
  };
}

/** Trains every member in turn; their final statistics, and their weights when asked for. */
export async function sweepMemberByMember(
  device: GPUDevice,
  exp: Experiment,
  members: readonly PopulationMember[],
  layer: number,
  options: { keepParams?: boolean; onMember?: (done: number, total: number) => void } = {},
): Promise<{ final: MemberStats[]; params: Float32Array[] | null }> {
  const final: MemberStats[] = [];
  const params: Float32Array[] = [];
  for (const member of members) {
    const result = await runExperiment(device, memberExperiment(exp, member, layer), {
      keepState: options.keepParams,
    });
    final.push({ ...result.final, lastBatchLoss: result.final.lastBatchLoss ?? NaN });
    if (result.state) params.push(result.state.params);
    options.onMember?.(final.length, members.length);
  }
  return { final, params: options.keepParams ? params : null };
}
