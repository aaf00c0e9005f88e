/**
 * The one-line summary under the sweep's table (DOM-free), from the result: per configuration how many
 * members reached the target, and, where a story preset has exactly that network on that data, what its
 * source says and whether the sweep bears it out.
 */
import type { Preset } from '../data/presets';
import { PRESETS } from '../data/presets';
import type { Experiment } from '../experiment/experiment';
import type { SweepResult, SweepRow } from '../experiment/sweep';
import type { Claim } from '../story/claim';
import { claimFor } from '../story/claims';

const sameParams = (a: Record<string, number>, b: Record<string, number>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/** The claim of the story preset with this configuration's network on the sweep's data, if any. */
export function claimOfRow(
  exp: Experiment,
  row: Pick<SweepRow, 'arch'>,
): { preset: Preset; claim: Claim } | null {
  for (const preset of PRESETS) {
    if (
      preset.dataset === exp.dataset &&
      sameParams(preset.params, exp.params) &&
      preset.arch.join('-') === row.arch &&
      preset.activation === exp.activation
    ) {
      const claim = claimFor(preset.id);
      if (claim) return { preset, claim };
    }
  }
  return null;
}

/** Whether the sweep bears out a claim: a "cannot" where no member reached the target, a "can" where most did. */
function verdict(claim: Claim, row: SweepRow): string {
  if (claim.kind === 'can')
    return row.fractionReached > 0.5 ? 'most do here, as it says' : 'fewer than half do here';
  return row.reached === 0 ? 'none does here, as it says' : `yet ${row.reached} do here`;
}

export function rowSummary(exp: Experiment, result: SweepResult, row: SweepRow): string {
  const base = `${row.arch}${result.rows.some((r) => r.lr !== row.lr) ? ` (lr ${row.lr})` : ''}: ${row.reached} of ${row.members.length} reach ${result.target}`;
  const found = claimOfRow(exp, row);
  if (!found) return base;
  return `${base} — ${found.claim.who}: ${found.claim.says} (${verdict(found.claim, row)})`;
}

/** Every configuration's summary, joined by semicolons. */
export function sweepSummary(exp: Experiment, result: SweepResult): string {
  return result.rows.map((row) => rowSummary(exp, result, row)).join('; ');
}
