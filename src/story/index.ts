/** Story mode's data: the stories, the claims table and the outcome sentence. DOM-free and GPU-free. */
export { STORIES, storyFor, storyLength, denseLayers } from './stories';
export type { Story, StorySource, StoryOpening, StoryLength } from './stories';
export { CLAIMS, claimFor } from './claims';
export {
  CLAIM_SEEDS,
  LONGER,
  TUNING_SEEDS,
  conditionText,
  formatMetric,
  judgeClaim,
  runMeets,
} from './claim';
export type {
  Claim,
  ClaimCondition,
  ClaimKind,
  ClaimMetric,
  ClaimVerdict,
  RunFigures,
  SeedFigures,
} from './claim';
export { figuresOf, storyOutcome } from './outcome';
export type { StoryOutcome } from './outcome';
