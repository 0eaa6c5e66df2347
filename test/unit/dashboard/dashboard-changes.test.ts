import { describe, expect, it } from 'vitest';
import { ChangeType, NEWS_WINDOW_DAYS, newsWindows } from '../../../shared/domain/list-delta.ts';

// The "What changed" panel links each change's article counts to the articles of their windows. The browser bundle
// cannot import the domain module (it needs node:crypto), so the page computes the windows itself: they must be the
// ones the API counted over, or a count would link to other articles than it counts.

/** The page's module, plain browser JavaScript without types: imported by a path tsc does not follow. */
const PAGE_MODULE = '../../../functions/query/dashboard-changes.js';
const {
  CHANGE_WORDS,
  NEWS_WINDOW_DAYS: PAGE_DAYS,
  newsWindows: pageWindows,
} = (await import(PAGE_MODULE)) as {
  CHANGE_WORDS: Record<string, string>;
  NEWS_WINDOW_DAYS: number;
  newsWindows: typeof newsWindows;
};
describe('the What changed panel', () => {
  it('links the same 30-day windows that /changes counts articles over, across month, year and leap days', () => {
    // Prepare
    const moments = [
      '2026-12-01T13:20:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '2027-01-15T08:00:00Z',
      '2025-12-31T12:00:00.000Z',
    ];
    // Act
    const page = moments.map(pageWindows);
    // Assess
    expect(PAGE_DAYS).toBe(NEWS_WINDOW_DAYS);
    expect(page).toEqual(moments.map(newsWindows));
    expect(page[1]).toEqual({
      before: { from: '2026-01-30', to: '2026-02-28' },
      after: { from: '2026-03-01', to: '2026-03-30' },
    });
  });

  it('has words for exactly the kinds of change the API names', () => {
    expect(Object.keys(CHANGE_WORDS).sort()).toEqual([...ChangeType.options].sort());
  });
});
