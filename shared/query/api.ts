import { z } from 'zod';
import { countryName } from '../domain/countries.ts';
import { CountryCode, EntityType, ListId } from '../domain/model.ts';
import type { DynamoStore } from '../adapters/dynamo-store.ts';
import { NotFoundError } from '../errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

export const MAX_LIMIT = 500;
const Limit = z.coerce.number().int().min(1).max(MAX_LIMIT).default(50);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

export const CountriesQuery = z
  .object({
    list: ListId.optional(),
    type: EntityType.optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    limit: Limit,
    cursor: z.string().max(200).optional(),
    sort: z
      .enum(['country', '-country', 'listedEntities', '-listedEntities', 'articles', '-articles', 'mentions', '-mentions', 'listedEntitiesInNews', '-listedEntitiesInNews'])
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
  listedEntitiesInNews: z.number().int(),
});
export type CountryCount = z.infer<typeof CountryCount>;
export const CountriesResponse = z.object({ items: z.array(CountryCount), nextCursor: z.string().nullable() });

export const IngestsQuery = z.object({ limit: Limit, cursor: z.string().max(2000).optional() }).strict();

export class NotImplementedFilter extends Error {}

export async function countsByCountry(q: z.infer<typeof CountriesQuery>, store: DynamoStore): Promise<z.infer<typeof CountriesResponse>> {
  if (q.from || q.to) throw new NotImplementedFilter('from/to on /counts/countries is not available yet (article counts are not bucketed by date)');
  const [pointers, counters] = await Promise.all([store.readListPointers(), store.readCounters('country')]);
  const rows = new Map<string, CountryCount>();
  const row = (cc: string): CountryCount => {
    let r = rows.get(cc);
    if (!r) {
      r = { country: cc, name: countryName(cc) ?? cc, listedEntities: 0, byList: {}, byType: {}, articles: 0, mentions: 0, listedEntitiesInNews: 0 };
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
  let items = [...rows.values()].filter((r) => r.listedEntities > 0 || r.articles > 0);
  const desc = q.sort.startsWith('-');
  const field = q.sort.replace(/^-/, '') as keyof CountryCount;
  items.sort((a, b) => {
    const x = a[field];
    const y = b[field];
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (desc ? -c : c) || a.country.localeCompare(b.country);
  });
  const filters = { ...q, cursor: undefined, limit: undefined };
  const offset = decodeCursor(q.cursor, filters);
  const page = items.slice(offset, offset + q.limit);
  const next = offset + q.limit < items.length ? encodeCursor(offset + q.limit, filters) : null;
  items = page;
  return { items, nextCursor: next };
}

export async function listIngests(q: z.infer<typeof IngestsQuery>, store: DynamoStore) {
  const after = q.cursor ? decodeCursorKey(q.cursor) : undefined;
  const r = await store.listIngests(q.limit, after);
  return { items: r.items.map((s) => { const { pk: _pk, sk: _sk, ...rest } = s as unknown as Record<string, unknown>; return rest; }), nextCursor: r.last ? Buffer.from(r.last).toString('base64url') : null };
}

function decodeCursorKey(c: string): string {
  return Buffer.from(c, 'base64url').toString('utf8');
}

export async function ingestStatus(key: string, store: DynamoStore) {
  const s = await store.getIngestStatus(key);
  if (!s) throw new NotFoundError(`no ingest recorded for key "${key}"`);
  const { pk: _pk, sk: _sk, ...rest } = s as unknown as Record<string, unknown>;
  return rest;
}
