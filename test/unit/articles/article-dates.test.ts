import { describe, expect, it } from 'vitest';
import { dateFromKey, dateOfDateLine, normaliseDate } from '../../../shared/domain/article-dates.ts';

describe('normaliseDate', () => {
  it.each([
    ['2017-12-29', '2017-12-29'],
    ['2017-12-29 00:00:00', '2017-12-29'],
    ['2017-12-29T00:00:00', '2017-12-29'],
    ['2017-12-29T03:35:42', '2017-12-29T03:35:42Z'],
    ['2017-12-30 08:31:00', '2017-12-30T08:31:00Z'],
    ['2017-01-13T00:00:04-05:00', '2017-01-13T05:00:04Z'],
    ['2017-11-16T14:15+0000', '2017-11-16T14:15:00Z'],
    ['2024-05-21T07:15:00.123Z', '2024-05-21T07:15:00Z'],
    ['2017-12-29T00:00:00Z', '2017-12-29T00:00:00Z'],
    ['12-29-2017', '2017-12-29'],
    ['06/13/2014', '2014-06-13'],
    ['2017/12/29', '2017-12-29'],
    ['20171229', '2017-12-29'],
    ['Fri, 29 Dec 2017 03:35:42 +0000', '2017-12-29T03:35:42Z'],
    ['Tue, 21 May 2024 09:00:00 +0200', '2024-05-21T07:00:00Z'],
    ['29 Dec 2017 10:00 EST', '2017-12-29T15:00:00Z'],
    ['29 December 2017', '2017-12-29'],
    ['December 29, 2017', '2017-12-29'],
    ['Dec. 29, 2017', '2017-12-29'],
    [1514518542, '2017-12-29T03:35:42Z'],
    [1514518542000, '2017-12-29T03:35:42Z'],
    ['1514518542', '2017-12-29T03:35:42Z'],
  ] as const)('%j → %j', (input, expected) => {
    // Act + Assess
    expect(normaliseDate(input)).toBe(expected);
  });

  it.each([
    [''],
    ['None'],
    ['March 18 at 12:22 PM'],
    ['2017-02-30'],
    ['13-29-2017'],
    ['29-12-2017'],
    ['1899-01-01'],
    [0],
    [-5],
    [Number.NaN],
    [null],
    [{}],
    ['2017-12-29T25:00:00'],
  ] as const)('gives undefined for %j', (input) => {
    // Act + Assess
    expect(normaliseDate(input)).toBeUndefined();
  });
});

describe('dateFromKey', () => {
  it.each([
    ['a file name that starts with the day', 'articles/2026-03-02-tankers.txt', '2026-03-02'],
    ['a file name that is the day', 'articles/2026-03-02.md', '2026-03-02'],
    ['a folder named after the day', 'articles/wire/2026-03-02/tankers.txt', '2026-03-02'],
    ['year/month/day folders', 'articles/2026/03/02/tankers.txt', '2026-03-02'],
    ['the segment nearest the file wins', 'articles/2026/03/01/2026-03-02-late-edition.txt', '2026-03-02'],
    ['a day folder inside year/month/day folders', 'articles/2025/12/31/2026-01-01/x.txt', '2026-01-01'],
    ['a query string is no part of the path', 'articles/2026-03-02-x.txt?versionId=2027-01-01', '2026-03-02'],
  ] as const)('reads %s', (_label, key, expected) => {
    // Act + Assess
    expect(dateFromKey(key)).toBe(expected);
  });

  it.each([
    ['no date at all', 'articles/tankers.txt'],
    ['an impossible day (30 February)', 'articles/2026-02-30-tankers.txt'],
    ['an impossible month', 'articles/2026/13/02/tankers.txt'],
    ['a month folder without a day', 'articles/2026/03/tankers.txt'],
    ['digits running on past the day', 'articles/2026-03-021-tankers.txt'],
    ['a date inside a word, not at the start of a name', 'articles/report2026-03-02.txt'],
    ['a year outside 1900–2100', 'articles/2206-03-02-x.txt'],
  ] as const)('gives undefined for %s', (_label, key) => {
    // Act + Assess
    expect(dateFromKey(key)).toBeUndefined();
  });

  it('falls back to a readable segment when the nearer one names an impossible day', () => {
    // Act + Assess
    expect(dateFromKey('articles/2026/03/02/2026-02-30-typo.txt')).toBe('2026-03-02');
  });
});

describe('dateOfDateLine', () => {
  it.each([
    ['2 March 2026', '2026-03-02'],
    ['Published: 2 March 2026', '2026-03-02'],
    ['First published on Monday 2 March 2026', '2026-03-02'],
    ['Posted on 2026-03-02', '2026-03-02'],
    ['Date: Mar. 2, 2026', '2026-03-02'],
    ['Monday, March 2, 2026', '2026-03-02'],
    ['*2 March 2026*', '2026-03-02'],
    ['2 March 2026, 10:30 GMT', '2026-03-02T10:30:00Z'],
    ['2 March 2026 10:30 +0100', '2026-03-02T09:30:00Z'],
    ['2026-03-02 10:30', '2026-03-02T10:30:00Z'],
  ] as const)('%j → %j', (line, expected) => {
    // Act + Assess
    expect(dateOfDateLine(line)).toBe(expected);
  });

  it.each([
    ['an update, not the publication', 'Updated: 2 March 2026'],
    ['a numeric day order that cannot be told apart', '02/03/2026'],
    ['an impossible day', '30 February 2026'],
    ['a sentence that holds a date', 'The deal was signed on 2 March 2026'],
    ['a title', 'Treasury targets shadow fleet tankers'],
  ] as const)('gives undefined for %s', (_label, line) => {
    // Act + Assess
    expect(dateOfDateLine(line)).toBeUndefined();
  });
});
