import { z } from 'zod';
import { countryName } from '../domain/countries.ts';
import { CountryCode, CountryRole, EntityType, ListId } from '../domain/model.ts';
import { ledgerCaughtUp } from '../domain/contribution.ts';
import { IngestStatusSchema, type IngestStatus } from '../domain/ingest-status.ts';
import type { ArticleStore, CounterReader, IngestLog, ListCatalog, RangeReader, ReadModel } from '../ports.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { cellId, entityRefPartition, listedEntityKey, parseEntityId } from '../domain/keys.ts';
import { decodeCursor, encodeCursor, MAX_CURSOR_LENGTH } from './cursor.ts';
import { decomposeRange, listedInNewsAttribute } from '../domain/entity-rows.ts';
import { entitiesFromReadModel } from './read-model.ts';
import { entitiesInRange, rangeCountsOf } from './range-model.ts';

export const MAX_LIMIT = 500;
/**
 * A page size written plainly in digits. `z.coerce.number()` would read `1e2`, `0x10` and `2.0` as numbers; a caller who
 * wrote those meant something we cannot be sure of, so they are refused, like a value out of range.
 */
const Limit = z
  .string()
  .regex(/^[1-9]\d{0,5}$/, `expected a whole number from 1 to ${MAX_LIMIT}, written in digits`)
  .transform(Number)
  .pipe(z.number().int().min(1).max(MAX_LIMIT))
  .default(50);

/** True when `s` (YYYY-MM-DD) names a day of the calendar: `2026-02-30` and `9999-99-99` do not. */
const isCalendarDate = (s: string): boolean => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine(isCalendarDate, 'not a day of the calendar');

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');
/** Longest entity id looked up: ids become partition keys (2,048 bytes at most in DynamoDB), with a prefix. */
export const MAX_ENTITY_ID_BYTES = 1024;
/** S3's own limit on a key: a longer one was never uploaded, so asking for it is a mistake, not a miss. */
export const MAX_OBJECT_KEY_BYTES = 1024;

/** Path parameters of `/entities/{id}` (already percent-decoded by the router). */
export const EntityPath = z.object({
  id: z
    .string()
    .min(1)
    .refine((s) => utf8Bytes(s) <= MAX_ENTITY_ID_BYTES, `longer than ${MAX_ENTITY_ID_BYTES} bytes; no entity id is`),
});
/** Path parameters of `/ingests/{key+}`. */
export const IngestPath = z.object({
  key: z
    .string()
    .min(1)
    .refine((s) => utf8Bytes(s) <= MAX_OBJECT_KEY_BYTES, `longer than ${MAX_OBJECT_KEY_BYTES} bytes; no S3 key is`),
});

export const CountriesQuery = z
  .object({
    list: ListId.optional(),
    type: EntityType.optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    limit: Limit,
    cursor: z.string().max(200).optional(),
    sort: z
      .enum([
        'country',
        '-country',
        'listedEntities',
        '-listedEntities',
        'articles',
        '-articles',
        'mentions',
        '-mentions',
        'listedEntitiesInNews',
        '-listedEntitiesInNews',
      ])
      .default('-listedEntities'),
  })
  .strict();

export const CountryCount = z.object({
  country: CountryCode,
  name: z.string(),
  listedEntities: z.number().int(),
  byList: z.record(z.string(), z.number().int()),
  byType: z.record(z.string(), z.number().int()),
  articles: z.number().int(),
  mentions: z.number().int(),
  /** Null with `from`/`to`: distinct entities per period are not kept (a sum of days would count one twice). */
  listedEntitiesInNews: z.number().int().nullable(),
  /**
   * Distinct entities across lists (issue 11.2): one entity listed by the UN and OFAC counts once here and twice in
   * `listedEntities`. Only without `list`/`type` filters (the per-country count is kept for all lists and types).
   */
  canonicalEntities: z.number().int().optional(),
});
export type CountryCount = z.infer<typeof CountryCount>;
export const CountriesResponse = z.object({
  items: z.array(CountryCount),
  nextCursor: z.string().nullable(),
  /** With `from`/`to`: articles left out because they have no publication date. */
  undatedArticles: z.number().int().optional(),
});

export const IngestsQuery = z.object({ limit: Limit, cursor: z.string().max(2000).optional() }).strict();

/** `/ingests/{key}`: the object's last ingest record. */
export const IngestResponse = IngestStatusSchema;
export const IngestsResponse = z.object({ items: z.array(IngestStatusSchema), nextCursor: z.string().nullable() });

/**
 * `/counts/countries`. Reads, per request: the list pointers (one item per list: their per-country aggregates), the
 * country counters `CNT#country` and the listed-in-news counters `LIN` (one item per country each: ≤ 250 whatever the
 * number of articles); with `from`/`to`, instead of the country counters, the range's rollup items (whole years,
 * months and days: a few dozen), and `listedEntitiesInNews` is null (not kept per period).
 */
export async function countsByCountry(
  q: z.infer<typeof CountriesQuery>,
  store: CounterReader & ListCatalog & ReadModel,
): Promise<z.infer<typeof CountriesResponse>> {
  if (q.from && q.to && q.from > q.to) throw new InvalidInputError('from is after to', { where: 'from' });
  const dated = Boolean(q.from || q.to);
  const [pointers, counters, listedInNews, rollups, undated] = await Promise.all([
    store.readListPointers(),
    dated ? Promise.resolve([]) : store.readCounters('country'),
    dated ? Promise.resolve([]) : store.readListedInNews(),
    dated
      ? store.readRollups(decomposeRange(q.from ?? OPEN_FROM, q.to ?? OPEN_TO))
      : Promise.resolve([] as Record<string, unknown>[]),
    dated ? store.readCounter(cellId('undated', 'all')) : Promise.resolve(undefined),
  ]);
  const rows = new Map<string, CountryCount>();
  const row = (cc: string): CountryCount => {
    let r = rows.get(cc);
    if (!r) {
      r = {
        country: cc,
        name: countryName(cc) ?? cc,
        listedEntities: 0,
        byList: {},
        byType: {},
        articles: 0,
        mentions: 0,
        listedEntitiesInNews: dated ? null : 0,
      };
      rows.set(cc, r);
    }
    return r;
  };
  for (const p of pointers) {
    if (q.list && p.list !== q.list) continue;
    for (const [cc, byType] of Object.entries(p.byCountry ?? {})) {
      for (const [type, n] of Object.entries(byType)) {
        if (q.type && type !== q.type) continue;
        const r = row(cc);
        r.listedEntities += n;
        r.byList[p.list] = (r.byList[p.list] ?? 0) + n;
        r.byType[type] = (r.byType[type] ?? 0) + n;
      }
    }
  }
  for (const c of counters) {
    if (c.articles <= 0 && c.mentions <= 0) continue;
    const r = row(c.member);
    r.articles = c.articles;
    r.mentions = c.mentions;
  }
  // A rollup item holds every country's amounts of its period as top-level attributes (`a_CN`, `m_CN`).
  for (const it of rollups)
    for (const [k, v] of Object.entries(it)) {
      const m = /^([am])_([A-Z]{2})$/.exec(k);
      if (!m || typeof v !== 'number' || v === 0) continue;
      const r = row(m[2]!);
      if (m[1] === 'a') r.articles += v;
      else r.mentions += v;
    }
  // Listed entities of each country that articles mention: maintained by the aggregator, filtered like the listings.
  const attr = listedInNewsAttribute(q.list, q.type);
  for (const it of listedInNews) {
    const n = Number(it[attr] ?? 0);
    if (n > 0) row(String(it.sk)).listedEntitiesInNews = n;
  }
  let items = [...rows.values()].filter(
    (r) => r.listedEntities > 0 || r.articles > 0 || (r.listedEntitiesInNews ?? 0) > 0,
  );
  const desc = q.sort.startsWith('-');
  const field = q.sort.replace(/^-/, '') as keyof CountryCount;
  items.sort((a, b) => {
    const x = a[field] ?? 0;
    const y = b[field] ?? 0;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (desc ? -c : c) || a.country.localeCompare(b.country);
  });
  // Countries are at most ~250: sorting them here is bounded, and an offset into them is a fine cursor.
  const filters = { ...q, cursor: undefined, limit: undefined };
  const offset = decodeCursor(q.cursor, filters);
  const page = items.slice(offset, offset + q.limit);
  const next = offset + q.limit < items.length ? encodeCursor(offset + q.limit, filters) : null;
  items = page;
  return { items, nextCursor: next, ...(dated ? { undatedArticles: Math.max(0, undated?.articles ?? 0) } : {}) };
}

/** Open ends of a date range: articles dated outside these are only counted by closed ranges or undated queries. */
const OPEN_FROM = '1900-01-01';
const OPEN_TO = '2099-12-31';

export async function listIngests(q: z.infer<typeof IngestsQuery>, store: IngestLog) {
  const after = q.cursor ? decodeIngestCursor(q.cursor) : undefined;
  const r = await store.listIngests(q.limit, after);
  const counted = await countedView(r.items, store);
  return {
    items: counted,
    nextCursor: r.last ? Buffer.from(r.last).toString('base64url') : null,
  };
}

/** An ingests cursor is the store's position, base64url-encoded; anything that does not decode is refused. */
function decodeIngestCursor(c: string): string {
  const s = Buffer.from(c, 'base64url').toString('utf8');
  if (!s || Buffer.from(s).toString('base64url') !== c.replace(/=+$/, ''))
    throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
  return s;
}

/**
 * "Done means counted" (issue 17.3): an article object's status says `done` (or `deleted`, `unchanged`) only once the
 * aggregator has applied its generation's parts and the removal of every other; until then it says `processing`,
 * with how far the counting is. Reads one ledger item per status (a batch get), never a counter.
 */
async function countedView(items: IngestStatus[], store: IngestLog): Promise<IngestStatus[]> {
  const gated = items.filter((s) => s.gen !== undefined && s.parts !== undefined);
  const ledgers = gated.length ? await store.readLedgersOf(gated.map((s) => s.key)) : new Map();
  return items.map((s) => {
    if (s.gen === undefined || s.parts === undefined) return s;
    const l = ledgers.get(s.key);
    if (ledgerCaughtUp(l, s.gen, s.parts)) return s;
    const counting = { partsApplied: Math.max(0, l?.byGen[s.gen] ?? 0), parts: s.parts, outcome: s.status };
    return { ...s, status: 'processing' as const, counting };
  });
}

export async function ingestStatus(key: string, store: IngestLog) {
  const s = await store.getIngestStatus(key);
  if (!s) throw new NotFoundError(`no ingest recorded for key "${key}"`);
  return (await countedView([s], store))[0]!;
}

export const EntitiesQuery = z
  .object({
    country: CountryCode.optional(),
    type: EntityType.optional(),
    list: ListId.optional(),
    listed: z.enum(['true', 'false']).optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    q: z.string().min(1).max(200).optional(),
    limit: Limit,
    cursor: z.string().max(MAX_CURSOR_LENGTH).optional(),
    sort: z.enum(['name', '-name', 'articles', '-articles', 'mentions', '-mentions']).default('-mentions'),
  })
  .strict();

export const EntityCount = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  countries: z.array(z.string()),
  lists: z.array(z.string()),
  listed: z.boolean(),
  articles: z.number().int(),
  mentions: z.number().int(),
  /** The canonical entity across lists (issue 11.1) a listed row belongs to; `lists` then names all its lists. */
  canonicalId: z.string().optional(),
});
export type EntityCount = z.infer<typeof EntityCount>;
export const EntitiesResponse = z.object({
  items: z.array(EntityCount),
  nextCursor: z.string().nullable(),
  /** With `from`/`to`: articles (of the country asked, or all) left out because they have no publication date. */
  undatedArticles: z.number().int().optional(),
});

/** An article that mentions an entity, newest first in `/entities/{id}`. */
export const ArticleRef = z.object({
  articleId: z.string(),
  key: z.string(),
  title: z.string().nullable(),
  url: z.string().nullable(),
  publishedAt: z.string().nullable(),
  mentions: z.number().int(),
});

/**
 * `/entities/{id}`. A listed entity also carries what its list says of it (aliases, programs, identifiers, countries
 * with their roles), so the object is open beyond the fields every entity has.
 */
export const EntityDetailResponse = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  countries: z.array(z.union([z.string(), z.object({ code: CountryCode, roles: z.array(CountryRole) })])),
  listed: z.boolean(),
  lists: z.array(z.string()),
  listVersion: z.string().optional(),
  articles: z.number().int(),
  mentions: z.number().int(),
  recentArticles: z.array(ArticleRef),
});

/** `/health`. */
export const HealthResponse = z.looseObject({ status: z.string() });

/** RFC 9457 problem details, as every error answers (shared/http.ts). */
export const ProblemResponse = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ parameter: z.string(), reason: z.string() })).optional(),
});

/**
 * Entities in the news (mention counters and listed entities linked from articles); with `list` or `listed=true`, also
 * every entity of the current version(s) of the list(s), mentioned or not. All reads are of precomputed partitions.
 */
export async function countsByEntity(
  q: z.infer<typeof EntitiesQuery>,
  store: CounterReader & ListCatalog & ReadModel & RangeReader,
): Promise<z.infer<typeof EntitiesResponse>> {
  if (q.from && q.to && q.from > q.to) throw new InvalidInputError('from is after to', { where: 'from' });
  if (!q.from && !q.to) return entitiesFromReadModel(q, store);
  const scope = q.from && q.to ? wholePeriod(q.from, q.to) : undefined;
  const r = scope
    ? await entitiesFromReadModel(q, store, scope)
    : await entitiesInRange(q, store, (f) =>
        entitiesFromReadModel(f, store, '', (items) => rangeCountsOf(items, f, store)),
      );
  const undated = await store.readCounter(cellId('undated', q.country ? `c:${q.country}` : 'all'));
  return { ...r, undatedArticles: Math.max(0, undated?.articles ?? 0) };
}

/** `@YYYY-MM` or `@YYYY` when from/to is exactly that calendar month or year (the periods entity rows are kept for). */
export function wholePeriod(from: string, to: string): string | undefined {
  if (from.endsWith('-01-01') && to === `${from.slice(0, 4)}-12-31`) return `@${from.slice(0, 4)}`;
  const [y, m] = from.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  if (from.endsWith('-01') && to === last) return `@${from.slice(0, 7)}`;
  return undefined;
}

/** One entity: names, countries, lists, counts, and recent articles that mention it. */
export async function entityDetail(
  id: string,
  store: CounterReader & ListCatalog & Pick<ArticleStore, 'queryPartition'>,
) {
  const parsed = parseEntityId(id);
  if (!parsed) throw new NotFoundError(`"${id}" is not an entity id (expected l:<list>:<sourceId> or m:<kind>:<name>)`);
  const refs = (await store.queryPartition(entityRefPartition(id), 20)).map((r) => ({
    articleId: r.articleId,
    key: r.key,
    title: r.title ?? null,
    url: r.url ?? null,
    publishedAt: r.publishedAt ?? null,
    mentions: r.count,
  }));
  if (parsed.kind === 'listed') {
    const pointer = await store.getListPointer(parsed.list);
    const e = pointer ? await store.getItem(listedEntityKey(parsed.list, pointer.version, parsed.sourceId)) : undefined;
    if (!e) throw new NotFoundError(`no entity ${parsed.sourceId} on the current version of ${parsed.list}`);
    const counter = await store.readCounter(cellId('listed', `${parsed.list}|${parsed.sourceId}`));
    const { pk: _pk, sk: _sk, ...entity } = e;
    return {
      id,
      ...entity,
      listed: true,
      lists: [parsed.list],
      listVersion: pointer!.version,
      articles: Number(counter?.articles ?? 0),
      mentions: Number(counter?.mentions ?? 0),
      recentArticles: refs,
    };
  }
  const counter = await store.readCounter(cellId('entity', parsed.key));
  if (!counter && refs.length === 0) throw new NotFoundError(`no entity ${id} in the news`);
  return {
    id,
    name: String(counter?.name ?? parsed.key),
    type: String(counter?.kind ?? parsed.key.split(':')[0]),
    countries: counter?.country ? [counter.country] : [],
    listed: false,
    lists: [],
    articles: Number(counter?.articles ?? 0),
    mentions: Number(counter?.mentions ?? 0),
    recentArticles: refs,
  };
}
