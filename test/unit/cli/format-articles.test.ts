import { describe, expect, it } from 'vitest';
import { articlesTable, articleView, sparkline, timelineView } from '../../../bin/format-articles.ts';
import { ArticleDetailResponse, ArticlesResponse, TimelineResponse } from '../../../shared/query/articles.ts';

// Output is uncoloured here: colour needs a terminal (vitest's stdout is not one), so strings compare as printed.

const summary = {
  id: 'c'.repeat(32),
  key: 'articles/2026-03-02-a.txt',
  title: 'Tanker seized\nin the Gulf',
  source: null,
  url: 'https://news.example.org/a',
  publishedAt: '2026-03-02T10:00:00Z',
  dateFrom: 'meta' as const,
  mentions: 3,
  snippet: null,
};

describe('radar articles and radar counts timeline output', () => {
  it('prints articles as a table of date, title and source, and says what a date filter left out', () => {
    // Prepare
    const page = ArticlesResponse.parse({
      items: [summary, { ...summary, id: 'd'.repeat(32), title: null, url: null, publishedAt: null }],
      nextCursor: null,
      undatedArticles: 2,
    });
    // Act
    const out = articlesTable(page, true);
    // Assess
    const [header, first, second, note] = out.split('\n');
    expect(header).toMatch(/^date\s+title\s+source\s+mentions\s+id$/);
    expect(first).toMatch(/^2026-03-02\s+Tanker seized in the Gulf\s+news\.example\.org\s+3\s+c{32}$/);
    expect(second).toMatch(/^undated\s+\(untitled\)\s+-\s+3/);
    expect(note).toBe('(2 undated articles left out by the date filter)');
    expect(articlesTable({ items: [], nextCursor: null }, false)).toMatch(/No article matches/);
  });

  it('prints a timeline as a table, with a sparkline only on a terminal', () => {
    // Prepare
    const t = TimelineResponse.parse({
      series: { country: 'RU' },
      interval: 'week',
      from: '2026-03-02',
      to: '2026-03-22',
      items: [
        { period: '2026-W10', start: '2026-03-02', end: '2026-03-08', articles: 4, mentions: 9 },
        { period: '2026-W11', start: '2026-03-09', end: '2026-03-15', articles: 0, mentions: 0 },
        { period: '2026-W12', start: '2026-03-16', end: '2026-03-22', articles: 1, mentions: 1 },
      ],
    });
    // Act
    const piped = timelineView(t, false);
    const tty = timelineView(t, true);
    // Assess
    expect(piped.split('\n')[0]).toBe('country RU: articles and mentions per week, 2026-03-02 to 2026-03-22');
    expect(piped).not.toMatch(/[▁▂▃▄▅▆▇█]/);
    expect(tty.split('\n').at(-1)).toBe('articles █▁▃'); // 1 of 4: two sevenths up
    expect(sparkline([0, 0])).toBe('▁▁');
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▂▃▄▅▅▆▇█');
  });

  it('prints one article: title, date and where it came from, paragraphs, entities and countries', () => {
    // Prepare
    const a = ArticleDetailResponse.parse({
      id: 'c'.repeat(32),
      key: 'articles/2026-03-02-a.txt',
      title: 'Tanker seized',
      source: 'Example Review',
      url: null,
      publishedAt: '2026-03-02',
      dateFrom: 'key',
      language: 'en',
      paragraphs: ['First paragraph.', 'Second one.'],
      entities: [
        {
          id: 'l:un-sc:1',
          name: 'Acme Shipping',
          type: 'organization',
          count: 2,
          country: null,
          listed: [{ id: 'l:un-sc:1', list: 'un-sc', sourceId: '1' }],
        },
      ],
      countries: [{ code: 'IR', name: 'Iran', count: 3 }],
    });
    // Act
    const out = articleView(a).split('\n');
    const bare = articleView({ ...a, title: null, publishedAt: null, dateFrom: null, entities: [], countries: [] });
    // Assess
    expect(out[0]).toBe('Tanker seized');
    expect(out[1]).toBe('  2026-03-02 (from the key) · Example Review · articles/2026-03-02-a.txt');
    expect(out.slice(3, 5)).toEqual(['  First paragraph.', '  Second one.']);
    expect(out.find((l) => l.startsWith('Acme Shipping'))).toMatch(/organization\s+2\s+un-sc\s+l:un-sc:1/);
    expect(out.at(-1)).toBe('Countries  Iran (IR) ×3');
    expect(bare).toMatch(/^\(untitled\)\n {2}undated · Example Review/);
    expect(bare).toMatch(/names no entity or country/);
  });
});
