/**
 * The sentence a story ends on, written from the run that just finished: its figure, and whether the
 * write-up's claim showed on this seed. Pure; the app shows it when a story pauses.
 */
import { claimMetric, formatMetric, metricOf, runMeets, type Claim, type RunFigures } from './claim';

export interface StoryOutcome {
  /** Whether this run meets the claim's conditions (for a cannot claim: at the story's length). */
  shown: boolean;
  /** "test accuracy 86.2 % on this seed — colah: two hidden units cannot untangle a disk in an annulus". */
  text: string;
}

const METRIC_LABEL = { testAccuracy: 'test accuracy', testLoss: 'test loss' } as const;

/** The outcome sentence for a finished run of a preset with this claim. */
export function storyOutcome(claim: Claim, figures: RunFigures): StoryOutcome {
  const metric = claimMetric(claim);
  const figure = `${METRIC_LABEL[metric]} ${formatMetric(metric, metricOf(figures, metric))} on this seed`;
  const said = `${claim.who}: ${claim.says}`;
  const shown = runMeets(claim, figures);
  if (shown) return { shown, text: `${figure} — ${said}` };
  return { shown, text: `${figure} — the claim did not show on this seed (${said})` };
}
