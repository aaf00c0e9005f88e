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
      preset.activation === exp.activation &&
      // A claim is about its own inputs: the same network given feature inputs is another experiment.
      (preset.features ?? []).join() === (exp.features ?? []).join()
    ) {
      const claim = claimFor(preset.id);
      if (claim) return { preset, claim };
    }
  }
  return null;
}

/** "test accuracy", or "training accuracy" where the experiment has no test split. */
export function accuracyWords(result: Pick<SweepResult, 'accuracyOn'>): string {
  return `${result.accuracyOn} accuracy`;
}

/**
 * Whether the sweep bears out a claim, in words. The counts are over all members, a diverged member
 * counting as not reaching the target (the line before says how many diverged). A "can" is borne out where
 * most (more than half) reached the target: exactly half is "only half"; a "cannot" or "does not" where no
 * member did. Where every member diverged there is nothing to judge.
 */
export function verdict(
  claim: Pick<Claim, 'kind'>,
  row: Pick<SweepRow, 'reached' | 'diverged' | 'members'>,
): string {
  const n = row.members.length;
  if (n > 0 && row.diverged === n) return 'every member diverged: no verdict';
  if (claim.kind === 'can') {
    if (2 * row.reached > n) return 'most do here, as it says';
    return 2 * row.reached === n ? 'only half do here' : 'fewer than half do here';
  }
  if (row.reached === 0) return 'none does here, as it says';
  return row.reached === 1 ? 'yet 1 does here' : `yet ${row.reached} do here`;
}

/**
 * "2-3-2-1 (lr 0.5): 5 of 8 reach 0.99", with the set the accuracy is on where it is not a test split, the
 * diverged members (counted as not reaching) where there are any, and the story's claim with its verdict.
 */
export function rowSummary(exp: Experiment, result: SweepResult, row: SweepRow): string {
  const lr = result.rows.some((r) => r.lr !== row.lr) ? ` (lr ${row.lr})` : '';
  const on = result.accuracyOn === 'test' ? '' : ` ${accuracyWords(result)} (no test split)`;
  const diverged = row.diverged ? ` (${row.diverged} diverged, counted as not reaching)` : '';
  const base = `${row.arch}${lr}: ${row.reached} of ${row.members.length} reach ${result.target}${on}${diverged}`;
  const found = claimOfRow(exp, row);
  if (!found) return base;
  return `${base} — ${found.claim.who}: ${found.claim.says} (${verdict(found.claim, row)})`;
}

/** Every configuration's summary, joined by semicolons. */
export function sweepSummary(exp: Experiment, result: SweepResult): string {
  return result.rows.map((row) => rowSummary(exp, result, row)).join('; ');
}
