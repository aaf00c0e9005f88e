/**
 * The address that opens a member in the main app: its experiment (the sweep's, with the member's width
 * and learning rate; the seed is the data seed) and its trained weights, in the app's link format.
 */
import type { SweepThumbnail } from './sweepModel';
import { memberExperiment } from './sweepModel';
import type { Experiment } from '../experiment/experiment';
import type { SweepResult } from '../experiment/sweep';
import { shareQuery } from '../share/url';

/** `./index.html[?test]#…&w=…`; `test` keeps the app's test hook on for the browser tests. */
export async function memberLink(
  exp: Experiment,
  result: SweepResult,
  t: Pick<SweepThumbnail, 'group' | 'member'>,
  test = false,
): Promise<string> {
  const member = result.rows[t.group].members[t.member];
  if (!member.params) throw new Error('the sweep kept no weights for this member');
  const query = await shareQuery(memberExperiment(exp, result, t), { weights: member.params });
  return `./index.html${test ? '?test' : ''}#${query}`;
}
