/**
 * What a claim is and how a run is checked against it. Pure and DOM-free: the story screen, the
 * reproduction table and the claims tests all use these.
 */

/** The figures a finished run gives: test-set loss, and test-set accuracy (null for regression). */
export interface RunFigures {
  testLoss: number;
  testAccuracy: number | null;
}

export type ClaimMetric = 'testAccuracy' | 'testLoss';
export type ClaimOp = '>=' | '>' | '<=' | '<';

/**
 * One checkable condition on a run's figures. `every seed`: every seed tried meets it. `most seeds`: more
 * than half do (a write-up's single run, where some seeds behave otherwise). `best seed`: at least one does
 * (a claim that something can be done, where training often stops in a local minimum).
 */
export interface ClaimCondition {
  metric: ClaimMetric;
  op: ClaimOp;
  value: number;
  over: 'every seed' | 'most seeds' | 'best seed';
}

/**
 * - `can`: the network does it; the conditions hold at the end of the preset's epochs.
 * - `cannot`: the write-up says the network cannot; the conditions hold at the end of the preset's epochs
 *   and still after `LONGER`× as many.
 * - `does-not`: the write-up reports a failure at its training length, not an impossibility; the
 *   conditions hold at the end of the preset's epochs (longer training may do better).
 */
export type ClaimKind = 'can' | 'cannot' | 'does-not';

export interface Claim {
  /** The preset the claim is checked on. */
  preset: string;
  kind: ClaimKind;
  /** Who says it, short: "colah", "Scott Rome". */
  who: string;
  /** The claim in a few words, as the write-up makes it: "two units cannot untangle a disk in an annulus". */
  says: string;
  /** Every one must hold. */
  conditions: ClaimCondition[];
  /** Where the claim shows less than the write-up says: what was seen, in a sentence. */
  note?: string;
  /** false where the claim did not reproduce on the test seeds; the claims tests then check that it still does not. */
  reproduces?: false;
}

/** A cannot claim must still hold after this many times the preset's epochs. */
export const LONGER = 4;

/** Seeds the presets were tuned on, and the seeds the claims are tested on (never the same). */
export const TUNING_SEEDS: readonly number[] = [1, 2, 3];
export const CLAIM_SEEDS: readonly number[] = [4, 5, 6, 7, 8];

const METRIC_WORDS: Record<ClaimMetric, string> = { testAccuracy: 'test accuracy', testLoss: 'test loss' };
const OP_WORDS: Record<ClaimOp, string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<' };

/** The value of a metric in a run's figures; NaN where the run has none (accuracy of a regression). */
export function metricOf(figures: RunFigures, metric: ClaimMetric): number {
  const v = metric === 'testAccuracy' ? figures.testAccuracy : figures.testLoss;
  return v === null ? NaN : v;
}

/** Whether one value meets one condition. NaN (a diverged run, a missing metric) never does. */
export function meets(value: number, c: ClaimCondition): boolean {
  if (!Number.isFinite(value)) return false;
  switch (c.op) {
    case '>=':
      return value >= c.value;
    case '>':
      return value > c.value;
    case '<=':
      return value <= c.value;
    case '<':
      return value < c.value;
  }
}

/** Whether one run's figures meet every condition of a claim. */
export function runMeets(claim: Claim, figures: RunFigures): boolean {
  return claim.conditions.every((c) => meets(metricOf(figures, c.metric), c));
}

/** A figure as the story and the tables write it: accuracy in per cent, loss with 4 significant digits. */
export function formatMetric(metric: ClaimMetric, value: number): string {
  if (!Number.isFinite(value)) return 'not a number (the run diverged)';
  return metric === 'testAccuracy' ? `${(100 * value).toFixed(1)} %` : value.toPrecision(3);
}

/**
 * "test accuracy ≥ 0.99 on every seed", "test loss ≥ 0.2 on every seed, also after 4× the epochs",
 * "test accuracy ≥ 0.97 on the best seed".
 */
export function conditionText(claim: Claim): string {
  const parts = claim.conditions.map(
    (c) =>
      `${METRIC_WORDS[c.metric]} ${OP_WORDS[c.op]} ${c.value} on ${c.over === 'best seed' ? 'the best seed' : c.over}`,
  );
  const longer = claim.kind === 'cannot' ? `, also after ${LONGER}× the epochs` : '';
  return `${parts.join(' and ')}${longer}`;
}

/** The runs of one seed: at the preset's epochs, and (for a cannot claim) after LONGER× as many. */
export interface SeedFigures {
  seed: number;
  atEnd: RunFigures;
  longer: RunFigures | null;
}

export interface ClaimVerdict {
  holds: boolean;
  /** Why it does not hold, one line per failed condition; empty when it holds. */
  failures: string[];
}

/** Checks a claim over the runs of several seeds (every condition, at the end and, for cannot, longer). */
export function judgeClaim(claim: Claim, runs: readonly SeedFigures[]): ClaimVerdict {
  const failures: string[] = [];
  if (runs.length === 0) return { holds: false, failures: ['no runs'] };
  const stages: { label: string; pick: (r: SeedFigures) => RunFigures | null }[] = [
    { label: 'at the end', pick: (r) => r.atEnd },
  ];
  if (claim.kind === 'cannot') stages.push({ label: `after ${LONGER}× the epochs`, pick: (r) => r.longer });
  for (const c of claim.conditions) {
    for (const stage of stages) {
      const values = runs.map((r) => {
        const f = stage.pick(r);
        return f ? metricOf(f, c.metric) : NaN;
      });
      const ok = values.map((v) => meets(v, c));
      const count = ok.filter(Boolean).length;
      const held =
        c.over === 'every seed'
          ? count === runs.length
          : c.over === 'most seeds'
            ? 2 * count > runs.length
            : count > 0;
      if (!held) {
        const bad = runs.flatMap((r, i) => (ok[i] ? [] : [`seed ${r.seed}: ${values[i]}`]));
        failures.push(
          `${METRIC_WORDS[c.metric]} ${OP_WORDS[c.op]} ${c.value} on ${c.over} fails ${stage.label} (${bad.join(', ')})`,
        );
      }
    }
  }
  return { holds: failures.length === 0, failures };
}

/** The metric a claim is about (the first condition's): what the story reports from a run. */
export function claimMetric(claim: Claim): ClaimMetric {
  return claim.conditions[0].metric;
}
