import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseArticle } from '../../../shared/domain/article.ts';
import { parseArticles } from '../../../shared/domain/article-formats.ts';
import { extractEntities } from '../../../shared/domain/extract.ts';
import type { Article } from '../../../shared/domain/model.ts';
import { DEMO, demoMatcher, filesUnder } from '../../helpers/demo.ts';

/**
 * The demo set `npm start` loads is what a newcomer sees first: its timelines and map must show something. These are
 * its promises (issue 12, point 5), checked through the same parser, extractor and linker the pipeline uses.
 */

const KOMID = 'KOREA MINING DEVELOPMENT TRADING CORPORATION';

interface DemoArticle extends Article {
  format: string;
}

/** ISO week (`2026-W03`) of a date, to tell weeks apart. */
function isoWeek(date: string): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  const day = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - day + 3);
  const firstThursday = new Date(Date.UTC(d.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round((d.getTime() - firstThursday.getTime()) / 604_800_000);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

describe('the demo data (demo/articles, linked against demo/sanctions)', () => {
  const articles: DemoArticle[] = [];
  const rejects: string[] = [];

  beforeAll(async () => {
    const matcher = await demoMatcher();
    for (const file of filesUnder(join(DEMO, 'articles'))) {
      const key = relative(DEMO, file).split('\\').join('/');
      const parsed = parseArticles(readFileSync(file, 'utf8'), key);
      for (const r of parsed.rejects) rejects.push(`${key} ${r.where}: ${r.reason}`);
      for (const [i, raw] of parsed.articles.entries())
        articles.push({ ...analyseArticle(key, i, raw, extractEntities, matcher), format: parsed.format });
    }
  });

  it('holds at least 40 articles, each with a title, a date and where the date came from, none rejected', () => {
    // Assess
    expect(rejects).toEqual([]);
    expect(articles.length).toBeGreaterThanOrEqual(40);
    for (const a of articles) {
      expect(a.title, a.key).toBeTruthy();
      expect(a.publishedAt, a.key).toMatch(/^\d{4}-\d{2}-\d{2}/);
      expect(a.dateFrom, a.key).toBeDefined();
    }
    // Every way an article can be dated is shown at least once.
    expect(new Set(articles.map((a) => a.dateFrom))).toEqual(new Set(['meta', 'front-matter', 'text', 'key']));
  });

  it('spans at least three calendar months, with articles in every month of the span', () => {
    // Act
    const months = [...new Set(articles.map((a) => a.publishedAt!.slice(0, 7)))].sort();
    // Assess
    expect(months.length).toBeGreaterThanOrEqual(3);
    const [first, last] = [months[0]!, months.at(-1)!];
    const span =
      (Number(last.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(last.slice(5)) - Number(first.slice(5));
    expect(months).toHaveLength(span + 1);
  });

  it('uses every article format the pipeline reads', () => {
    // Assess
    expect(new Set(articles.map((a) => a.format))).toEqual(new Set(['text', 'markdown', 'html', 'json', 'ndjson']));
  });

  it('reads as short news pieces of 100 to 300 words', () => {
    // Act
    const outside = articles
      .map((a) => [a.key, a.body.split(/\s+/).filter(Boolean).length] as const)
      .filter(([, n]) => n < 100 || n > 300);
    // Assess
    expect(outside).toEqual([]);
  });

  it('names countries on every inhabited continent, people and organisations', () => {
    // Prepare: a few countries of each continent; the map needs more than one corner of the world.
    const continents: Record<string, string[]> = {
      Africa: ['CD', 'UG', 'SD', 'NA', 'LY', 'KE', 'SS', 'TZ'],
      Americas: ['US', 'HT', 'MX', 'BR', 'PA', 'VE', 'CA', 'AR'],
      Asia: ['KP', 'CN', 'JP', 'IR', 'SG', 'IN', 'KZ', 'VN'],
      Europe: ['BE', 'GB', 'DE', 'EE', 'GR', 'NL', 'MT', 'LT'],
      Oceania: ['AU', 'NZ'],
    };
    // Act
    const countries = new Set(articles.flatMap((a) => a.mentions.map((m) => m.country).filter(Boolean)));
    // Assess
    expect(countries.size).toBeGreaterThanOrEqual(40);
    for (const [name, codes] of Object.entries(continents))
      expect(
        codes.filter((c) => countries.has(c)),
        name,
      ).not.toEqual([]);
    const kinds = articles.flatMap((a) => a.mentions.map((m) => m.kind));
    expect(kinds.filter((k) => k === 'person').length).toBeGreaterThanOrEqual(40);
    expect(kinds.filter((k) => k === 'organization').length).toBeGreaterThanOrEqual(40);
  });

  it('links entities of the UN excerpt, and follows some of them over several weeks', () => {
    // Act
    const weeksOf = new Map<string, Set<string>>();
    for (const a of articles)
      for (const m of a.mentions)
        for (const l of m.listed) {
          const weeks = weeksOf.get(l.name!) ?? new Set<string>();
          weeks.add(isoWeek(a.publishedAt!));
          weeksOf.set(l.name!, weeks);
        }
    const linkedArticles = articles.filter((a) => a.mentions.some((m) => m.listed.length)).length;
    const followed = [...weeksOf].filter(([, weeks]) => weeks.size >= 3).map(([name]) => name);
    // Assess
    expect(linkedArticles).toBeGreaterThanOrEqual(15);
    expect(weeksOf.size).toBeGreaterThanOrEqual(8);
    expect(weeksOf.get(KOMID)?.size).toBeGreaterThanOrEqual(4);
    expect(followed.length).toBeGreaterThanOrEqual(4);
  });
});
