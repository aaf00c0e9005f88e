/** Presenting mode through the one door, and in links: `present=1` opens it, a link made while presenting carries it. */
import { describe, expect, it } from 'vitest';
import { PRESENT_KEY, linkPresents } from '../src/app/io/linkSource';
import { reduce } from '../src/state/commands';
import { defaultRunStatus } from '../src/state/runStatus';
import { freshSettings } from '../src/state/settings';

describe('presenting', () => {
  it('a link presents with present=1 only', () => {
    expect(PRESENT_KEY).toBe('present');
    expect(linkPresents('#dataset=rings&present=1')).toBe(true);
    expect(linkPresents('dataset=rings&present=1&seed=2')).toBe(true);
    expect(linkPresents('#dataset=rings')).toBe(false);
    expect(linkPresents('#dataset=rings&present=0')).toBe(false);
    expect(linkPresents('#dataset=rings&present=yes')).toBe(false);
    expect(linkPresents('#dataset=rings&xpresent=1')).toBe(false);
  });

  it('setPresenting changes the run status and names its topic once', () => {
    const s = freshSettings(true);
    const run = defaultRunStatus();
    expect(run.presenting).toBe(false);
    expect(reduce(s, { type: 'setPresenting', on: true }, 3, run)).toEqual({
      topics: ['presenting'],
      effect: 'none',
    });
    expect(run.presenting).toBe(true);
    expect(reduce(s, { type: 'setPresenting', on: true }, 3, run).topics).toEqual([]);
    reduce(s, { type: 'setPresenting', on: false }, 3, run);
    expect(run.presenting).toBe(false);
  });
});
