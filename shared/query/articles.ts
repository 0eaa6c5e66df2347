import { createHash } from 'node:crypto';
import { z } from 'zod';
import { IsoDate } from './api.ts';
import { countryName } from '../domain/countries.ts';
import {
  cellId,
  counterPartition,
  listedEntityId,
  mentionEntityId,
  parseEntityId,
  type RefFilter,
  refPartitions,
  TIMELINE_ALL,
  TIMELINE_UNDATED,
  timelineDimension,
  UNDATED,
} from '../domain/keys.ts';
import { CountryCode, DateFromSchema, ListId } from '../domain/model.ts';
import { defaultRange, fillTimeline, type Interval, monthItemCells, periodsBetween } from '../domain/timeline.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import type { ArticleStore, CounterReader, RangeReader } from '../ports.ts';

/**
 * `/articles`, `/articles/{id}` and `/counts/timeline` (issue 12.1, 12.2): schemas (the OpenAPI document is made from
 * them) and use cases. Every read is of a sorted range written at ingest, never of the articles themselves:
 *
 * - `/articles` reads the filter's partitions (1 for an entity, 8 for a country, a list or listed=true, 16 for no
 *   filter), merged by sort key, in batches of ⌈limit / shards⌉ + 1: at most limit + shards × (batch + 1) items
 *   (≤ 58 for a page of 10 over 16 shards), plus one counter item for `undatedArticles`. With `q` the titles of at most Q_SCAN items are looked at; a page that
 *   hits that cap comes back short, with a cursor.
 * - `/articles/{id}` reads one item.
 * - `/counts/timeline` reads one partition's key range: one item per month the periods span (a day's numbers are
 *   attributes of its month's item), plus at most NEWEST_PROBE month items to find the newest day when `to` is not
 *   given.
 */

export const MAX_ARTICLES_LIMIT = 100;
/** Titles looked at for one `q` page at most. */
export const Q_SCAN = 1000;
/** The longest timeline, in intervals (400 days, ~7.7 years of weeks, 33 years of months). */
export const MAX_INTERVALS = 400;
/** Day cells looked at, newest first, for the newest day of a series with an article (zero cells are skipped). */
export const NEWEST_PROBE = 10;

const Limit = z
  .string()
  .regex(/^[1-9]\d{0,5}$/, `expected a whole number from 1 to ${MAX_ARTICLES_LIMIT}, written in digits`)
  .transform(Number)
  .pipe(z.number().int().min(1).max(MAX_ARTICLES_LIMIT))
  .default(20);

const EntityIdParam = z
  .string()
  .min(1)
  .refine((s) => Buffer.byteLength(s, 'utf8') <= 1024, 'longer than 1024 bytes; no entity id is')
  .refine((s) => parseEntityId(s) !== undefined, 'not an entity id (expected l:<list>:<sourceId> or m:<kind>:<name>)');

export const ArticlesQuery = z
  .object({
    entity: EntityIdParam.optional(),
    country: CountryCode.optional(),
    list: ListId.optional(),
    listed: z.enum(['true', 'false']).optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    q: z.string().min(1).max(200).optional(),
    sort: z.enum(['-date', 'date']).default('-date'),
    limit: Limit,
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type ArticlesQuery = z.infer<typeof ArticlesQuery>;

export const ArticleSummary = z.object({
  id: z.string(),
  key: z.string(),
  title: z.string().nullable(),
  source: z.string().nullable(),
  url: z.string().nullable(),
  publishedAt: z.string().nullable(),
  dateFrom: DateFromSchema.nullable(),
  /** Mentions of the filtered entity, country or list (of listed entities with listed=true); of all, unfiltered. */
  mentions: z.number().int(),
  /** With `entity`, `country` or `list`: the first sentence that names it. */
  snippet: z.string().nullable(),
});
export type ArticleSummary = z.infer<typeof ArticleSummary>;

export const ArticlesResponse = z.object({
  items: z.array(ArticleSummary),
  nextCursor: z.string().nullable(),
  /**
   * With `from` or `to`: how many articles of the filter's set have no date (those a date range leaves out). Absent
   * without a date filter, and with `listed` (no counter is kept for it).
   */
  undatedArticles: z.number().int().optional(),
});

export const ArticlePath = z.object({ id: z.string().min(1).max(200) });

export const ArticleDetailResponse = z.object({
  id: z.string(),
  key: z.string(),
  title: z.string().nullable(),
  source: z.string().nullable(),
  url: z.string().nullable(),
  publishedAt: z.string().nullable(),
  dateFrom: DateFromSchema.nullable(),
  language: z.string(),
  /** The clean text's first paragraphs (at most MAX_PARAGRAPHS). */
  paragraphs: z.array(z.string()),
  entities: z.array(
    z.object({
      /** The id of `/entities/{id}`: the first listed entity it links to, else its `m:` id. */
      id: z.string(),
      name: z.string(),
      type: z.string(),
      count: z.number().int(),
      country: z.string().nullable(),
      listed: z.array(z.object({ id: z.string(), list: z.string(), sourceId: z.string() })),
    }),
  ),
  countries: z.array(z.object({ code: z.string(), name: z.string(), count: z.number().int() })),
});

export const TimelineQuery = z
  .object({
    entity: EntityIdParam.optional(),
    country: CountryCode.optional(),
    list: ListId.optional(),
    interval: z.enum(['day', 'week', 'month']).default('week'),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
  })
  .strict();
export type TimelineQuery = z.infer<typeof TimelineQuery>;

export const TimelineResponse = z.object({
  series: z.object({ entity: z.string().optional(), country: z.string().optional(), list: z.string().optional() }),
  interval: z.enum(['day', 'week', 'month']),
  /** The range covered: whole intervals (a week from Monday to Sunday, a month from its first to its last day). */
  from: z.string(),
  to: z.string(),
  items: z.array(
    z.object({
      period: z.string(),
      start: z.string(),
      end: z.string(),
      articles: z.number().int(),
      mentions: z.number().int(),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------------------------
// /articles

/** The filter a query names, and the timeline series whose `undated` cell counts its undated articles. */
function filterOf(q: ArticlesQuery): { filter?: RefFilter; undatedSeries?: string } {
  const named = [q.entity && 'entity', q.country && 'country', q.list && 'list', q.listed && !q.list && 'listed'];
  const given = named.filter(Boolean);
  if (q.listed === 'false')
    throw new InvalidInputError(
      q.list
        ? 'list and listed=false exclude each other: an entity of a list is listed'
        : 'listed=false is not kept as a listing (it would be most articles); ask without listed, or with listed=true',
      { where: 'listed' },
    );
  if (given.length > 1)
    throw new InvalidInputError(`filter by one of entity, country, list, listed at a time (got ${given.join(', ')})`, {
      where: String(given[1]),
    });
  if (q.entity) return { filter: { kind: 'entity', id: q.entity }, undatedSeries: q.entity };
  if (q.country) return { filter: { kind: 'country', code: q.country }, undatedSeries: `c:${q.country}` };
  if (q.list) return { filter: { kind: 'list', list: q.list }, undatedSeries: `list:${q.list}` };
  if (q.listed) return { filter: { kind: 'listed' } };
  return { undatedSeries: TIMELINE_ALL };
}

const fingerprint = (filters: unknown) =>
  createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 12);

/** A sort key as the listings write it: a date (day or timestamp, or 0000-00-00) and a 32-hex article id. */
const SORT_KEY = /^[0-9][0-9T:.+\-Z]{9,39}#[0-9a-f]{32}$/;

/** A cursor is the sort key of the last row a page showed, bound to the filters it was made for. */
export function encodeArticlesCursor(sortKey: string, filters: unknown): string {
  return Buffer.from(JSON.stringify({ s: sortKey, f: fingerprint(filters) })).toString('base64url');
}
export function decodeArticlesCursor(cursor: string | undefined, filters: unknown): string | undefined {
  if (!cursor) return undefined;
  let p: { s?: unknown; f?: unknown };
  try {
    p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
  }
  if (typeof p?.s !== 'string' || !SORT_KEY.test(p.s))
    throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
  if (p.f !== fingerprint(filters))
    throw new InvalidInputError('cursor belongs to other filters; repeat the query without it', { where: 'cursor' });
  return p.s;
}

/** Case and accents folded, for the title filter. */
const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

interface Source {
  pk: string;
}

/**
 * A page of rows merged from sorted partitions, in sort-key order: each partition is read in batches, and one is read
 * again only when its batch is used up before the page is full, so the items read stay near what the page shows
 * (≤ scanned + partitions × batch). `accept` filters rows (the title filter); at most `cap` rows are looked at.
 * Returns the rows and the sort key to continue after, or none when every partition is read to its end.
 */
export async function mergedPage(
  store: RangeReader,
  sources: readonly Source[],
  range: { lower: string; upper: string; after?: string | undefined; descending: boolean },
  want: number,
  opts: { cap?: number; batch?: number; accept?: (item: Record<string, unknown>) => boolean } = {},
): Promise<{ rows: { sortKey: string; item: Record<string, unknown> }[]; next?: string }> {
  const cap = opts.cap ?? want;
  const batch = opts.batch ?? Math.ceil(want / sources.length) + 1;
  const shards = sources.map((s) => ({
    s,
    buf: [] as { sortKey: string; item: Record<string, unknown> }[],
    more: true,
    pos: range.after,
  }));
  const fill = (limit: number) =>
    Promise.all(
      shards
        .filter((x) => x.more && x.buf.length === 0)
        .map(async (x) => {
          const r = await store.readRange({
            pk: x.s.pk,
            lower: range.lower,
            upper: range.upper,
            after: x.pos,
            descending: range.descending,
            limit,
          });
          x.buf = r.items;
          x.more = r.more;
          if (r.items.length) x.pos = r.items[r.items.length - 1]!.sortKey;
        }),
    );
  const before = (a: string, b: string) => (range.descending ? a > b : a < b);
  const rows: { sortKey: string; item: Record<string, unknown> }[] = [];
  let scanned = 0;
  let last: string | undefined;
  while (rows.length < want && scanned < cap) {
    await fill(batch);
    let best: (typeof shards)[number] | undefined;
    for (const x of shards) if (x.buf.length && (!best || before(x.buf[0]!.sortKey, best.buf[0]!.sortKey))) best = x;
    if (!best) return { rows };
    const row = best.buf.shift()!;
    scanned++;
    last = row.sortKey;
    if (!opts.accept || opts.accept(row.item)) rows.push(row);
  }
  // Stopped with a full page (or at the cap): is anything left? A partition with nothing buffered may still say "more"
  // because its last batch ended exactly at its end; one item from each such partition tells.
  if (!shards.some((x) => x.buf.length)) await fill(1);
  return shards.some((x) => x.buf.length) ? { rows, next: last! } : { rows };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

function summaryOf(item: Record<string, unknown>): ArticleSummary {
  const dateFrom = DateFromSchema.safeParse(item.dateFrom);
  return {
    id: String(item.articleId),
    key: String(item.key),
    title: str(item.title),
    source: str(item.source),
    url: str(item.url),
    publishedAt: str(item.publishedAt),
    dateFrom: dateFrom.success ? dateFrom.data : null,
    mentions: Number(item.count ?? 0),
    snippet: str(item.snippet),
  };
}

export async function listArticles(
  q: ArticlesQuery,
  store: RangeReader & Pick<CounterReader, 'readCounter'>,
): Promise<z.infer<typeof ArticlesResponse>> {
  if (q.from && q.to && q.from > q.to) throw new InvalidInputError('from is after to', { where: 'from' });
  const { filter, undatedSeries } = filterOf(q);
  const filters = { ...q, cursor: undefined, limit: undefined };
  const after = decodeArticlesCursor(q.cursor, filters);
  const dated = Boolean(q.from || q.to);
  // Sort keys start with a digit; undated ones with 0000-00-00, below any date a range can name.
  const range = {
    lower: q.from ?? (dated ? `${UNDATED}\uffff` : '0'),
    upper: q.to ? `${q.to}\uffff` : '9\uffff',
    after,
    descending: q.sort === '-date',
  };
  const sources: Source[] = refPartitions(filter ?? { kind: 'all' }).map((pk) => ({ pk }));
  const needle = q.q ? fold(q.q) : undefined;
  const [page, undated] = await Promise.all([
    mergedPage(
      store,
      sources,
      range,
      q.limit,
      needle
        ? {
            cap: Q_SCAN,
            batch: Math.ceil(Math.min(Q_SCAN, q.limit * 4) / sources.length) + 1,
            accept: (it) => typeof it.title === 'string' && fold(it.title).includes(needle),
          }
        : {},
    ),
    dated && undatedSeries ? undatedArticles(store, undatedSeries) : Promise.resolve(0),
  ]);
  return {
    items: page.rows.map((r) => summaryOf(r.item)),
    nextCursor: page.next ? encodeArticlesCursor(page.next, filters) : null,
    ...(dated && undatedSeries ? { undatedArticles: undated } : {}),
  };
}

/**
 * How many articles of a series have no date (one counter item): those a `from`/`to` filter leaves out. The `all`
 * series counts every undated article, so the count routes can say it too (issue 12.6).
 */
export async function undatedArticles(
  store: Pick<CounterReader, 'readCounter'>,
  series: string = TIMELINE_ALL,
): Promise<number> {
  const c = await store.readCounter(cellId(timelineDimension(series), TIMELINE_UNDATED));
  return Math.max(0, c?.articles ?? 0);
}

// ---------------------------------------------------------------------------------------------------------------
// /articles/{id}

export const MAX_PARAGRAPHS = 5;
const MAX_PARAGRAPH_CHARS = 2000;

/** The first paragraphs of a clean text: blocks between blank lines, or its lines when it has no blank line. */
export function firstParagraphs(body: string, max = MAX_PARAGRAPHS): string[] {
  let blocks = body.split(/\n[ \t]*\n/);
  if (blocks.length === 1) blocks = body.split('\n');
  return blocks
    .map((b) => b.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .slice(0, max)
    .map((p) => (p.length > MAX_PARAGRAPH_CHARS ? `${p.slice(0, MAX_PARAGRAPH_CHARS - 1)}…` : p));
}

export async function articleDetail(
  id: string,
  store: Pick<ArticleStore, 'getArticles'>,
): Promise<z.infer<typeof ArticleDetailResponse>> {
  // Article ids are 32 hex digits (shared/domain/article.ts): anything else names no article.
  if (!/^[0-9a-f]{32}$/.test(id)) throw new NotFoundError(`"${id}" is not an article id (32 hex digits)`);
  const [a] = await store.getArticles([id]);
  if (!a) throw new NotFoundError(`no article ${id}`);
  const entities: z.infer<typeof ArticleDetailResponse>['entities'] = [];
  const countries = new Map<string, number>();
  for (const m of a.mentions) {
    if ((m.kind === 'country' || m.kind === 'location') && m.country)
      countries.set(m.country, (countries.get(m.country) ?? 0) + m.count);
    if (m.kind !== 'person' && m.kind !== 'organization') continue;
    const listed = m.listed.map((l) => ({
      id: listedEntityId(l.list, l.sourceId),
      list: l.list,
      sourceId: l.sourceId,
    }));
    entities.push({
      id: listed[0]?.id ?? mentionEntityId(m.key),
      name: m.surface,
      type: m.kind,
      count: m.count,
      country: m.country ?? m.listed.find((l) => l.countries?.length)?.countries?.[0] ?? null,
      listed,
    });
  }
  entities.sort((x, y) => y.count - x.count || x.name.localeCompare(y.name));
  return {
    id: a.id,
    key: a.key,
    title: a.title ?? null,
    source: a.source ?? null,
    url: a.url ?? null,
    publishedAt: a.publishedAt ?? null,
    dateFrom: a.dateFrom ?? null,
    language: a.language,
    paragraphs: firstParagraphs(a.body),
    entities,
    countries: [...countries]
      .map(([code, count]) => ({ code, name: countryName(code) ?? code, count }))
      .sort((x, y) => y.count - x.count || x.code.localeCompare(y.code)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// /counts/timeline

export async function timeline(
  q: TimelineQuery,
  store: RangeReader,
  today: () => string = () => new Date().toISOString().slice(0, 10),
): Promise<z.infer<typeof TimelineResponse>> {
  const given = (['entity', 'country', 'list'] as const).filter((k) => q[k]);
  if (given.length !== 1)
    throw new InvalidInputError(
      given.length ? `one series at a time: got ${given.join(' and ')}` : 'name the series: entity, country or list',
      { where: given[1] ?? 'entity' },
    );
  const series = q.entity ?? (q.country ? `c:${q.country}` : `list:${q.list}`);
  const pk = counterPartition(timelineDimension(series));
  const interval: Interval = q.interval;
  let newest: string | undefined;
  if (!q.to) {
    // The newest day with an article: cells whose articles all went (deleted, relinked) stay at zero, so skip those.
    // Days are attributes of their month's item (monthItemCells): the newest month with one, then its newest day.
    const probe = await store.readRange({ pk, lower: 'm:', upper: 'm:\uffff', descending: true, limit: NEWEST_PROBE });
    newest = probe.items
      .flatMap((c) => monthItemCells(c.sortKey, c.item).filter((d) => d.member.startsWith('d:') && d.articles > 0))
      .map((d) => d.member.slice(2))
      .sort()
      .at(-1);
  }
  const { from, to } = defaultRange(q, newest, today());
  if (from > to) throw new InvalidInputError('from is after to', { where: 'from' });
  const periods = periodsBetween(interval, from, to, MAX_INTERVALS);
  if (periods.length > MAX_INTERVALS)
    throw new InvalidInputError(
      `at most ${MAX_INTERVALS} intervals: ${from}…${to} has more ${interval}s; narrow from/to or take a longer interval`,
      { where: 'from' },
    );
  const first = periods[0]!;
  const last = periods[periods.length - 1]!;
  // One item per month the periods span (a day's numbers are attributes of its month's item: monthItemCells).
  const months = periodsBetween('month', first.start, last.end);
  const cells = await store.readRange({
    pk,
    lower: `m:${months[0]!.period}`,
    upper: `m:${months[months.length - 1]!.period}`,
    descending: false,
    limit: months.length,
  });
  const rows = cells.items.flatMap((c) => monthItemCells(c.sortKey, c.item));
  return {
    series: q.entity ? { entity: q.entity } : q.country ? { country: q.country } : { list: q.list! },
    interval,
    from: first.start,
    to: last.end,
    items: fillTimeline(interval, periods, rows),
  };
}
