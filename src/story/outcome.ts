/**
 * The sentence a story ends on, written from the run that just finished: its figure, and whether the
 * write-up's claim showed on this seed. Pure; the app shows it when a story pauses.
 */
import type { Stats } from '../engine/types';
import { claimMetric, formatMetric, metricOf, runMeets, type Claim, type RunFigures } from './claim';

export interface StoryOutcome {
  /** Whether this run meets the claim's conditions (for a cannot claim: at the story's length). */
  shown: boolean;
  /** "test accuracy 86.2 % on this seed — colah: two hidden units cannot untangle a disk in an annulus". */
  text: string;
}

const METRIC_LABEL = { testAccuracy: 'test accuracy', testLoss: 'test loss' } as const;
const BOUND_WORDS = { '<': 'below', '<=': 'at most', '>': 'above', '>=': 'at least' } as const;

/** The outcome sentence for a finished run of a preset with this claim. */
export function storyOutcome(claim: Claim, figures: RunFigures): StoryOutcome {
  const metric = claimMetric(claim);
  let figure = `${METRIC_LABEL[metric]} ${formatMetric(metric, metricOf(figures, metric))} on this seed`;
  // A cannot claim's figure says where the bound is: 95.8 % is a failure where separating takes 98 %.
  const bound = claim.kind === 'cannot' ? claim.conditions.find((c) => c.metric === metric) : undefined;
  if (bound && runMeets(claim, figures))
    figure += `, ${BOUND_WORDS[bound.op]} ${formatMetric(metric, bound.value)} as the claim says`;
  const said = `${claim.who}: ${claim.says}`;
  const shown = runMeets(claim, figures);
  if (shown) return { shown, text: `${figure} — ${said}` };
  return { shown, text: `${figure} — the claim did not show on this seed (${said})` };
}

/**
 * A run's figures from the engine's statistics, as the experiment command reads them: the test set's, or the
 * training set's where there is none; NaN where the run diverged.
 */
export function figuresOf(stats: Stats): RunFigures {
  const s = stats.test ?? stats.train;
  const failed = stats.divergedAtStep !== null;
  return { testLoss: failed ? NaN : s.loss, testAccuracy: failed ? NaN : s.accuracy };
}
