import { describe, expect, it } from 'vitest';
import { counterKey } from '../../../shared/domain/keys.ts';
import type { Article, Mention } from '../../../shared/domain/model.ts';
import {
  addDays,
  articleDay,
  articleSeries,
  defaultRange,
  fillTimeline,
  isoWeekLabel,
  periodsBetween,
  timelineCells,
  weekStart,
} from '../../../shared/domain/timeline.ts';

const mention = (m: Partial<Mention> & Pick<Mention, 'key' | 'kind'>): Mention => ({
  surface: m.key.split(':')[1] ?? m.key,
  count: 1,
  listed: [],
  ...m,
});
const article = (publishedAt: string | undefined, mentions: Mention[]): Article => ({
  id: 'a'.repeat(32),
  key: 'articles/a.txt',
  ...(publishedAt ? { publishedAt } : {}),
  language: 'en',
  body: 'text',
  mentions,
});

describe('timeline cells (issue 12.2)', () => {
  it('puts an article in a series per entity, country and list, with its mentions there', () => {
    // Prepare
    const a = article('2026-03-02', [
      mention({ key: 'country:CN', kind: 'country', country: 'CN', count: 2 }),
      mention({ key: 'location:dubai', kind: 'location', country: 'AE', count: 1 }),
      mention({ key: 'person:maria lopez', kind: 'person', count: 3 }),
      mention({
        key: 'organization:komid',
        kind: 'organization',
        count: 4,
        // Two entities of one list: the list counts the mention once.
        listed: [
          { list: 'un-sc', sourceId: '1' },
          { list: 'un-sc', sourceId: '2' },
          { list: 'us-ofac-sdn', sourceId: '9' },
        ],
      }),
      mention({ key: 'location:nowhere', kind: 'location', count: 5 }),
    ]);
    // Act
    const series = articleSeries(a);
    // Assess
    expect(Object.fromEntries(series)).toEqual({
      'c:CN': 2,
      'c:AE': 1,
      'm:person:maria lopez': 3,
      'l:un-sc:1': 4,
      'l:un-sc:2': 4,
      'l:us-ofac-sdn:9': 4,
      'list:un-sc': 4,
      'list:us-ofac-sdn': 4,
    });
  });

  it('gives a dated article a day and a month cell per series, in the series partition', () => {
    // Prepare
    const a = article('2026-03-02T10:15:00Z', [
      mention({ key: 'country:CN', kind: 'country', country: 'CN', count: 2 }),
    ]);
    // Act
    const cells = timelineCells(a);
    // Assess
    expect(Object.fromEntries(cells)).toEqual({ 'tl:c:CN|d:2026-03-02': 2, 'tl:c:CN|m:2026-03': 2 });
    expect(counterKey('tl:c:CN|d:2026-03-02')).toEqual({ pk: 'CNT#tl:c:CN', sk: 'd:2026-03-02' });
    expect(articleDay(a)).toBe('2026-03-02');
  });

  it('gives an undated article undated cells, and counts it in the all series', () => {
    // Prepare
    const a = article(undefined, [mention({ key: 'person:x', kind: 'person', count: 2 })]);
    // Act
    const cells = timelineCells(a);
    // Assess
    expect(Object.fromEntries(cells)).toEqual({ 'tl:m:person:x|undated': 2, 'tl:all|undated': 1 });
    expect(timelineCells(article(undefined, []))).toEqual(new Map([['tl:all|undated', 1]]));
  });

  it('escapes | and % in a series id, so the cell id splits at the series end', () => {
    // Prepare: a list's own id with a bar in it
    const a = article('2026-03-02', [
      mention({ key: 'organization:x', kind: 'organization', listed: [{ list: 'un-sc', sourceId: 'A|B%' }] }),
    ]);
    // Act
    const cells = [...timelineCells(a).keys()].filter((c) => c.includes('A'));
    // Assess
    expect(cells).toEqual(['tl:l:un-sc:A%7CB%25|d:2026-03-02', 'tl:l:un-sc:A%7CB%25|m:2026-03']);
    expect(counterKey(cells[0]!)).toEqual({ pk: 'CNT#tl:l:un-sc:A%7CB%25', sk: 'd:2026-03-02' });
  });
});

describe('periods: days, ISO weeks, months', () => {
  it('labels ISO weeks by the year of their Thursday', () => {
    // Prepare, Act, Assess
    expect(weekStart('2026-03-04')).toBe('2026-03-02'); // a Wednesday → its Monday
    expect(weekStart('2026-03-08')).toBe('2026-03-02'); // a Sunday ends the week
    expect(isoWeekLabel('2026-03-02')).toBe('2026-W10');
    expect(isoWeekLabel('2026-01-01')).toBe('2026-W01'); // a Thursday
    expect(isoWeekLabel('2027-01-01')).toBe('2026-W53'); // a Friday: still the last week of 2026
    expect(isoWeekLabel('2024-12-30')).toBe('2025-W01'); // a Monday whose Thursday is in 2025
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
  });

  it('covers a range with whole intervals, oldest first', () => {
    // Prepare, Act
    const days = periodsBetween('day', '2026-02-27', '2026-03-01');
    const weeks = periodsBetween('week', '2026-03-04', '2026-03-10');
    const months = periodsBetween('month', '2025-12-15', '2026-02-01');
    // Assess
    expect(days.map((p) => p.period)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(weeks).toEqual([
      { period: '2026-W10', start: '2026-03-02', end: '2026-03-08' },
      { period: '2026-W11', start: '2026-03-09', end: '2026-03-15' },
    ]);
    expect(months).toEqual([
      { period: '2025-12', start: '2025-12-01', end: '2025-12-31' },
      { period: '2026-01', start: '2026-01-01', end: '2026-01-31' },
      { period: '2026-02', start: '2026-02-01', end: '2026-02-28' },
    ]);
    expect(periodsBetween('day', '2026-03-02', '2026-03-01')).toEqual([]);
  });

  it('stops one period past the cap, so a too-long range is told without building it', () => {
    // Prepare, Act
    const capped = periodsBetween('day', '2000-01-01', '2026-01-01', 400);
    const months = periodsBetween('month', '1900-01-01', '2026-01-01', 400);
    // Assess
    expect(capped).toHaveLength(401);
    expect(months).toHaveLength(401);
  });

  it('zero-fills, sums a week from its day cells, and reads months from month cells only', () => {
    // Prepare
    const cells = [
      { member: 'd:2026-03-02', articles: 1, mentions: 2 },
      { member: 'd:2026-03-08', articles: 2, mentions: 5 },
      { member: 'd:2026-03-16', articles: 1, mentions: 1 },
      { member: 'm:2026-03', articles: 4, mentions: 8 },
      { member: 'undated', articles: 9, mentions: 9 },
    ];
    // Act
    const weeks = fillTimeline('week', periodsBetween('week', '2026-03-02', '2026-03-22'), cells);
    const days = fillTimeline('day', periodsBetween('day', '2026-03-01', '2026-03-02'), cells);
    const months = fillTimeline('month', periodsBetween('month', '2026-02-01', '2026-03-31'), cells);
    // Assess
    expect(weeks.map((w) => [w.period, w.articles, w.mentions])).toEqual([
      ['2026-W10', 3, 7],
      ['2026-W11', 0, 0],
      ['2026-W12', 1, 1],
    ]);
    expect(days.map((d) => [d.period, d.articles])).toEqual([
      ['2026-03-01', 0],
      ['2026-03-02', 1],
    ]);
    expect(months.map((m) => [m.period, m.articles, m.mentions])).toEqual([
      ['2026-02', 0, 0],
      ['2026-03', 4, 8],
    ]);
  });

  it('defaults to the 90 days up to the newest article, or up to today without one', () => {
    // Prepare, Act, Assess
    expect(defaultRange({}, '2026-03-31', '2026-12-01')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(defaultRange({}, undefined, '2026-12-01')).toEqual({ from: '2026-09-03', to: '2026-12-01' });
    expect(defaultRange({ to: '2026-02-01' }, '2026-03-31', '2026-12-01')).toEqual({
      from: '2025-11-04',
      to: '2026-02-01',
    });
    // A from after the newest article: 90 days from it.
    expect(defaultRange({ from: '2026-06-01' }, '2026-03-31', '2026-12-01')).toEqual({
      from: '2026-06-01',
      to: '2026-08-29',
    });
    expect(defaultRange({ from: '2026-01-15' }, '2026-03-31', '2026-12-01')).toEqual({
      from: '2026-01-15',
      to: '2026-03-31',
    });
  });
});
