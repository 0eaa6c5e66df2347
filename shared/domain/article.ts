import { createHash } from 'node:crypto';
import { addArticle, type Contribution } from './contribution.ts';
import { isEntityCell, scopedCell } from './entity-rows.ts';
import { cellId, listedEntityId, mentionEntityId } from './keys.ts';
import type { FoundEntity } from './found-entity.ts';
import { linkEntities } from './link.ts';
import { timelineCells } from './timeline.ts';
import type { NameMatcher } from './name-index.ts';
import type { Article, Mention } from './model.ts';
import type { RawArticle } from './raw-article.ts';

export type { RawArticle };

/** What the extractor gives for one text (see extract.ts). */
export type Extractor = (text: string) => FoundEntity[];
export type { FoundEntity };

/** Stable article id: the object key and the article's content (an element of a batch file gets its index too). */
export function articleId(objectKey: string, index: number, raw: RawArticle): string {
  return createHash('sha256')
    .update(objectKey)
    .update('\0')
    .update(String(index))
    .update('\0')
    .update(raw.title ?? '')
    .update('\0')
    .update(raw.body)
    .digest('hex')
    .slice(0, 32);
}

/**
 * An article read and linked. `extractedBy` names the extractor `extract` is (EXTRACTOR_VERSION), kept with the
 * article: its mentions then hold the extractor's reading whole (readingOf), so a relink can skip the extractor.
 */
export function analyseArticle(
  objectKey: string,
  index: number,
  raw: RawArticle,
  extract: Extractor,
  matcher?: NameMatcher,
  extractedBy?: string,
): Article {
  const text = raw.title ? `${raw.title}\n\n${raw.body}` : raw.body;
  const found = extract(text);
  // linkEntities answers the extractor's entities first, in order, then those only the index found.
  const mentions: Mention[] = linkEntities(text, found, matcher).map((e, i) => ({
    surface: e.name,
    key: e.key,
    kind: e.kind,
    ...(e.country ? { country: e.country } : {}),
    count: e.count,
    ...((e.kind === 'person' || e.kind === 'organization') && e.surfaces && !onlyName(e.surfaces, e.name)
      ? { surfaces: e.surfaces }
      : {}),
    ...(i >= found.length ? { byIndex: true as const } : {}),
    listed: e.listed ?? [],
  }));
  return {
    id: articleId(objectKey, index, raw),
    key: objectKey,
    ...(raw.title ? { title: raw.title } : {}),
    ...(raw.url ? { url: raw.url } : {}),
    ...(raw.source ? { source: raw.source } : {}),
    ...(raw.author ? { author: raw.author } : {}),
    ...(raw.publishedAt ? { publishedAt: raw.publishedAt, ...(raw.dateFrom ? { dateFrom: raw.dateFrom } : {}) } : {}),
    language: raw.language ?? 'en',
    body: raw.body,
    mentions,
    ...(extractedBy ? { extractedBy } : {}),
  };
}

/** Surfaces that say no more than the name (the linker reads a missing list as just the name). */
const onlyName = (surfaces: readonly string[], name: string) => surfaces.length === 1 && surfaces[0] === name;

/**
 * What the extractor found in a stored article, as it found it, when the article was read by extractor `version`:
 * its own mentions (not those only the index found) without their links. Linking it again against another index
 * gives what reading the text again would, for the linker reads only these fields (link.ts) and the text.
 */
export function readingOf(article: Article, version: string): FoundEntity[] | undefined {
  if (article.extractedBy !== version) return undefined;
  return article.mentions
    .filter((m) => !m.byIndex)
    .map((m) => ({
      name: m.surface,
      key: m.key,
      kind: m.kind,
      ...(m.country ? { country: m.country } : {}),
      count: m.count,
      ...(m.surfaces ? { surfaces: m.surfaces } : {}),
    }));
}

/**
 * The counter cells one article touches, with its mention count in each: every country it names (directly, or through
 * a place in that country), and every person or organisation.
 */
export function articleCells(article: Article): Map<string, number> {
  const cells = new Map<string, number>();
  const day = /^\d{4}-\d{2}-\d{2}/.exec(article.publishedAt ?? '')?.[0];
  const bump = (cell: string, n: number) => cells.set(cell, (cells.get(cell) ?? 0) + n);
  const add = (cell: string, n: number) => {
    bump(cell, n);
    if (!day) return;
    if (isEntityCell(cell)) {
      // An entity's month and year twins: the rows that rank entities for one whole month or year (issue 17.2). No
      // day twin: any other range is read from the entity's timeline (`CNT#tl:<id>`, days as attributes of months).
      bump(scopedCell(cell, `@${day.slice(0, 7)}`), n);
      bump(scopedCell(cell, `@${day.slice(0, 4)}`), n);
    } else {
      // A country's day twin (`countryd|<YYYY-MM-DD>#<CC>`), which the aggregator files in that day's rollup.
      const i = cell.indexOf('|');
      bump(`${cell.slice(0, i)}d|${day}#${cell.slice(i + 1)}`, n);
    }
  };
  for (const m of article.mentions) {
    if ((m.kind === 'country' || m.kind === 'location') && m.country) add(cellId('country', m.country), m.count);
    if (m.kind !== 'person' && m.kind !== 'organization') continue;
    // A mention linked to listed entities counts for them; otherwise for the name as seen in the news.
    if (m.listed.length) for (const l of m.listed) add(cellId('listed', `${l.list}|${l.sourceId}`), m.count);
    else add(cellId('entity', m.key), m.count);
  }
  for (const [cell, n] of timelineCells(article)) cells.set(cell, (cells.get(cell) ?? 0) + n); // issue 12.2
  // An article without a date is left out of every dated count; these cells say how many were (issue 12.6), overall
  // and per country it names, so a response filtered by from/to can tell.
  if (!day) {
    cells.set(cellId('undated', 'all'), 1);
    for (const [cell] of [...cells])
      if (cell.startsWith('country|')) cells.set(cellId('undated', `c:${cell.slice(8)}`), 1);
  }
  return cells;
}

/** The public ids of the entities an article mentions (for the entity → articles references). */
export function mentionedEntityIds(article: Article): string[] {
  const ids = new Set<string>();
  for (const m of article.mentions) {
    if (m.kind !== 'person' && m.kind !== 'organization') continue;
    if (m.listed.length) for (const l of m.listed) ids.add(listedEntityId(l.list, l.sourceId));
    else ids.add(mentionEntityId(m.key));
  }
  return [...ids];
}

/** The contribution of all articles of one object. */
export function objectContribution(articles: readonly Article[]): Contribution {
  const c: Contribution = {};
  for (const a of articles) addArticle(c, articleCells(a));
  return c;
}
