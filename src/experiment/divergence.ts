/**
 * The one rule for runs that diverge (the loss became NaN or infinite), shared by every command that
 * trains several runs (seeds now, a population later): a set of runs succeeds only when none diverged.
 * Some or all diverging both give exit code 3, with every run still reported, so a script cannot take a
 * table with a diverged row for a clean result; the message says how many.
 */
export const DIVERGED_EXIT_CODE = 3;

export interface DivergenceVerdict {
  /** 0 when no run diverged, else DIVERGED_EXIT_CODE. */
  exitCode: 0 | typeof DIVERGED_EXIT_CODE;
  /** e.g. "2 of 5 runs diverged (seeds 3, 4)"; null when none did. */
  message: string | null;
}

/** The verdict on a set of runs, each with a label for the message (e.g. "seed 3"). */
export function divergenceVerdict(runs: readonly { label: string; diverged: boolean }[]): DivergenceVerdict {
  const bad = runs.filter((r) => r.diverged);
  if (bad.length === 0) return { exitCode: 0, message: null };
  const which = bad.map((r) => r.label).join(', ');
  const all =
    bad.length === runs.length ? 'every run diverged' : `${bad.length} of ${runs.length} runs diverged`;
  return { exitCode: DIVERGED_EXIT_CODE, message: `${all} (${which}): the loss became NaN or infinite` };
}
