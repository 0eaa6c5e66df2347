import type { z } from 'zod';
import { foldName } from '../domain/entity-rows.ts';
import { cellId, ENTITY_SHARDS, listedEntityId, listedEntityKey } from '../domain/keys.ts';
import type { CounterReader, ListCatalog, ReadModel } from '../ports.ts';
import type { EntitiesQuery, EntitiesResponse } from './api.ts';

type Entities = z.infer<typeof EntitiesResponse>;

/**
 * `q` on `/counts/entities` matches names through the read model's indexes (a folded whole-name prefix); a listed
 * entity is also found by an alias ("KOMID" for the Korea Mining Development Trading Corporation, issue 12.6). On a
 * first page without dates, the current list versions' alias items (`LEA#…`, one key-range query per list and shard,
 * at most `limit` each) add the entities an alias names that the page does not hold yet, with their counts (one
 * counter read each): bounded by lists × 8 × limit, whatever the store holds.
 */
export async function withAliasMatches(
  page: Entities,
  q: z.infer<typeof EntitiesQuery>,
  store: Pick<ReadModel, 'queryListAliases'> & Pick<ListCatalog, 'readListPointers' | 'getItems'> & CounterReader,
): Promise<Entities> {
  // Only where the name search ended (no cursor to follow): a later page could otherwise show the same entity again.
  if (!q.q || q.cursor || page.nextCursor || q.from || q.to || q.listed === 'false' || page.items.length >= q.limit)
    return page;
  const prefix = foldName(q.q);
  if (!prefix) return page;
  const shown = new Set(page.items.map((r) => r.id));
  const pointers = (await store.readListPointers()).filter((p) => !q.list || p.list === q.list);
  const hits: { list: string; version: string; sourceId: string }[] = [];
  for (const p of pointers) {
    const found = await Promise.all(
      Array.from({ length: ENTITY_SHARDS }, (_, shard) =>
        store.queryListAliases(p.list, p.version, shard, prefix, q.limit),
      ),
    );
    for (const sourceId of new Set(found.flat()))
      if (!shown.has(listedEntityId(p.list, sourceId))) hits.push({ list: p.list, version: p.version, sourceId });
  }
  if (!hits.length) return page;
  const entities = await store.getItems(hits.map((h) => listedEntityKey(h.list, h.version, h.sourceId)));
  const items = [...page.items];
  for (const e of entities.sort((a, b) => String(a.name).localeCompare(String(b.name)))) {
    if (items.length >= q.limit) break;
    const countries = ((e.countries as { code: string }[] | undefined) ?? []).map((c) => c.code);
    if ((q.type && e.type !== q.type) || (q.country && !countries.includes(q.country))) continue;
    const id = listedEntityId(String(e.list), String(e.sourceId));
    if (shown.has(id)) continue;
    shown.add(id);
    const c = await store.readCounter(cellId('listed', `${e.list}|${e.sourceId}`));
    items.push({
      id,
      name: String(e.name),
      type: String(e.type),
      countries,
      lists: [String(e.list)],
      listed: true,
      articles: Math.max(0, Number(c?.articles ?? 0)),
      mentions: Math.max(0, Number(c?.mentions ?? 0)),
    });
  }
  return { ...page, items };
}
