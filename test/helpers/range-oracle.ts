import { objectContribution } from '../../shared/domain/article.ts';
import { entityIdOfCell, foldName, parseEntityCell } from '../../shared/domain/entity-rows.ts';
import { listedEntityId, mentionEntityId } from '../../shared/domain/keys.ts';
import { type Article, ArticleSchema } from '../../shared/domain/model.ts';
import type { CounterReader, ListCatalog } from '../../shared/ports.ts';
import type { EntitiesQuery } from '../../shared/query/api.ts';
import type { EntityOut } from '../../shared/query/read-model.ts';
import type { z } from 'zod';

/**
 * The oracle of `/counts/entities` over any from/to (issue 17.2), for tests only: every entity that answers the query,
 * in the route's order, computed from scratch. The range amounts come from the stored articles themselves (their
 * date and their links, as the pipeline stored them: not from any counter, row or timeline), an entity's display
 * fields from its all-time counter (for the listed universe, `list=` or `listed=true`, from the list versions, as
 * the route shows the unmentioned ones). It reads everything, by design.
 *
 * Order, as the route's: by the field, then id (both reversed for a descending sort); by name, the folded name, then
 * id; `q` a prefix of the folded name.
 */
export async function rangeOracle(
  q: z.infer<typeof EntitiesQuery>,
  store: CounterReader & Pick<ListCatalog, 'readListPointers' | 'readListVersion'>,
  articles: readonly Article[],
): Promise<EntityOut[]> {
  const lo = q.from ?? '0000-00-00';
  const hi = q.to ?? '9999-99-99';
  const amounts = new Map<string, { articles: number; mentions: number }>();
  for (const a of articles) {
    const day = /^\d{4}-\d{2}-\d{2}/.exec(a.publishedAt ?? '')?.[0];
    if (!day || day < lo || day > hi) continue;
    for (const [cell, n] of Object.entries(objectContribution([a]))) {
      if (parseEntityCell(cell)?.scope !== '') continue; // all-time entity cells only
      const id = entityIdOfCell(cell);
      const cur = amounts.get(id) ?? { articles: 0, mentions: 0 };
      amounts.set(id, { articles: cur.articles + n.articles, mentions: cur.mentions + n.mentions });
    }
  }
  const wantListed = q.listed !== 'false';
  const wantUnlisted = q.listed !== 'true' && !q.list;
  const rows = new Map<string, EntityOut>();
  if (wantListed && (q.list || q.listed === 'true'))
    for (const p of await store.readListPointers()) {
      if (q.list && p.list !== q.list) continue;
      for (const e of await store.readListVersion(p.list, p.version)) {
        const id = listedEntityId(p.list, String(e.sourceId));
        rows.set(id, {
          id,
          name: String(e.name),
          type: String(e.type),
          countries: [...new Set(((e.countries as { code: string }[]) ?? []).map((c) => c.code))].sort(),
          lists: [p.list],
          listed: true,
          articles: 0,
          mentions: 0,
        });
      }
    }
  if (wantListed)
    for (const c of await store.readCounters('listed')) {
      const [list, ...rest] = c.member.split('|');
      const id = listedEntityId(list!, rest.join('|'));
      const got = amounts.get(id);
      if (!got || (q.list && list !== q.list)) continue;
      const row = rows.get(id) ?? {
        id,
        name: String(c.name ?? id),
        type: String(c.kind ?? 'other'),
        countries: [...new Set((c.countries as string[]) ?? [])].sort(),
        lists: [list!],
        listed: true,
        articles: 0,
        mentions: 0,
      };
      rows.set(id, { ...row, ...got });
    }
  if (wantUnlisted)
    for (const c of await store.readCounters('entity')) {
      const id = mentionEntityId(c.member);
      const got = amounts.get(id);
      if (!got) continue;
      rows.set(id, {
        id,
        name: String(c.name ?? c.member),
        type: String(c.kind ?? 'other'),
        countries: c.country ? [String(c.country)] : [],
        lists: [],
        listed: false,
        ...got,
      });
    }
  const prefix = q.q ? foldName(q.q) : undefined;
  const items = [...rows.values()].filter(
    (r) =>
      (!q.country || r.countries.includes(q.country)) &&
      (!q.type || r.type === q.type) &&
      (!prefix || foldName(r.name).startsWith(prefix)),
  );
  const desc = q.sort.startsWith('-');
  const field = q.sort.replace(/^-/, '') as 'name' | 'articles' | 'mentions';
  const str = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const nameKey = (r: EntityOut) => `${foldName(r.name)}#${r.id}`;
  return items.sort((a, b) => {
    const c = field === 'name' ? str(nameKey(a), nameKey(b)) : a[field] - b[field] || str(a.id, b.id);
    return desc ? -c : c;
  });
}

/** The articles a table holds, from its items (`ART#<id>` / `META`: the memory store's `items()`, or a Scan). */
export function storedArticles(items: Iterable<Record<string, unknown>>): Article[] {
  const out: Article[] = [];
  for (const it of items) if (String(it.pk).startsWith('ART#') && it.sk === 'META') out.push(ArticleSchema.parse(it));
  return out;
}
