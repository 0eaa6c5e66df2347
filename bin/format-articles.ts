import type { z } from 'zod';
import type { ArticleDetailResponse, ArticlesResponse, TimelineResponse } from '../shared/query/articles.ts';
import { bold, dim, table } from './output.ts';

/** What `radar articles` and `radar counts timeline` print, as pure functions of what the API answered. */

export type ArticlesPage = z.infer<typeof ArticlesResponse>;
export type Timeline = z.infer<typeof TimelineResponse>;
export type ArticleDetail = z.infer<typeof ArticleDetailResponse>;

/** `radar articles`: date, title, source (and mentions when filtered), newest first as the API pages them. */
export function articlesTable(r: ArticlesPage, filtered: boolean): string {
  const rows = r.items.map((a) => [
    a.publishedAt?.slice(0, 10) ?? 'undated',
    oneLine(a.title ?? '(untitled)', 70),
    a.source ?? (a.url ? hostOf(a.url) : '-'),
    ...(filtered ? [a.mentions] : []),
    a.id,
  ]);
  const lines = [table(['date', 'title', 'source', ...(filtered ? ['mentions'] : []), 'id'], rows)];
  if (r.items.length === 0) lines.push(dim('No article matches.'));
  if (r.undatedArticles) lines.push(dim(`(${r.undatedArticles} undated articles left out by the date filter)`));
  return lines.join('\n');
}

/** `radar article <id>`: what it is, where it came from, how it starts, and who and where it names. */
export function articleView(a: ArticleDetail): string {
  const date = a.publishedAt ? `${a.publishedAt}${a.dateFrom ? dim(` (from the ${a.dateFrom})`) : ''}` : 'undated';
  const lines = [
    bold(a.title ?? '(untitled)'),
    `  ${[date, a.source, a.url ?? a.key].filter(Boolean).join(' · ')}`,
    '',
    ...a.paragraphs.map((p) => `  ${oneLine(p, 300)}`),
    '',
  ];
  if (a.entities.length)
    lines.push(
      bold('Entities it names'),
      table(
        ['name', 'type', 'count', 'listed', 'id'],
        a.entities.map((e) => [e.name, e.type, e.count, e.listed.map((l) => l.list).join(',') || '-', e.id]),
      ),
    );
  if (a.countries.length)
    lines.push(`${bold('Countries')}  ${a.countries.map((c) => `${c.name} (${c.code}) ×${c.count}`).join(', ')}`);
  if (!a.entities.length && !a.countries.length) lines.push(dim('It names no entity or country we know.'));
  return lines.join('\n');
}

/** `radar counts timeline`: one row per period, and on a terminal a sparkline of the articles under it. */
export function timelineView(t: Timeline, tty: boolean): string {
  const what = t.series.entity ?? (t.series.country ? `country ${t.series.country}` : `list ${t.series.list}`);
  const lines = [
    `${what}: articles and mentions per ${t.interval}, ${t.from} to ${t.to}`,
    table(
      ['period', 'start', 'articles', 'mentions'],
      t.items.map((i) => [i.period, i.start, i.articles, i.mentions]),
    ),
  ];
  if (tty) lines.push('', `articles ${sparkline(t.items.map((i) => i.articles))}`);
  return lines.join('\n');
}

/** One block per value, ▁ for zero (and for all when every value is zero), █ for the largest. */
export function sparkline(values: readonly number[]): string {
  const blocks = '▁▂▃▄▅▆▇█';
  const max = Math.max(0, ...values);
  return values.map((v) => (max <= 0 || v <= 0 ? blocks[0] : blocks[Math.max(1, Math.round((v / max) * 7))])).join('');
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '-';
  }
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
