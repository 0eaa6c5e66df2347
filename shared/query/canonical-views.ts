import type { z } from 'zod';
import { cellId, parseEntityId, singletonCanonicalId } from '../domain/keys.ts';
import { NotFoundError } from '../errors.ts';
import type { ArticleStore, CanonicalStore, CounterReader, ListCatalog } from '../ports.ts';
import type { CountriesQuery, CountriesResponse, EntitiesResponse } from './api.ts';
import { entityDetail } from './api.ts';
import { canonicalCountryCounts, canonicalDetail, canonicalSummaries } from './canonical.ts';

/**
 * The routes' answers joined with cross-list resolution (issue 11.1, 11.2; shared/query/canonical.ts holds the reads).
 * Each join reads a bounded number of items: a page's canonical ids and their entities (two batch reads), one small
 * item per country, or one cluster (≤ 200 members, usually two or three).
 */

export interface CanonicalViewDeps {
  canonical: CanonicalStore;
  store: CounterReader & ListCatalog & Pick<ArticleStore, 'queryPartition'>;
}

type Entities = z.infer<typeof EntitiesResponse>;
type Countries = z.infer<typeof CountriesResponse>;

/**
 * A page of `/counts/entities`: each listed row says its canonical entity and carries every list of it; rows of one
 * canonical entity on the page are shown once (the first, in the page's sort order, with the others' lists), so
 * KOMID is one row with `lists: ["un-sc", "us-ofac-sdn"]`. A page may then be shorter than `limit`: the cursor still
 * resumes after the last row read.
 */
export async function withCanonicalEntities(
  page: Entities,
  deps: Pick<CanonicalViewDeps, 'canonical'>,
): Promise<Entities> {
  const listed = page.items.filter((r) => r.listed).map((r) => r.id);
  if (!listed.length) return page;
  const summaries = await canonicalSummaries(listed, { store: deps.canonical });
  const shown = new Map<string, Entities['items'][number]>();
  const items: Entities['items'] = [];
  for (const row of page.items) {
    const c = row.listed ? summaries.get(row.id) : undefined;
    if (!c) {
      // In no cluster: its own canonical entity.
      items.push(row.listed ? { ...row, canonicalId: singletonCanonicalId(row.id) } : row);
      continue;
    }
    const first = shown.get(c.id);
    if (first) {
      first.lists = [...new Set([...first.lists, ...row.lists])].sort();
      continue;
    }
    const out = { ...row, canonicalId: c.id, lists: [...new Set([...row.lists, ...c.lists])].sort() };
    shown.set(c.id, out);
    items.push(out);
  }
  return { ...page, items };
}

/** `/counts/countries` with distinct canonical entities per country beside the listings (no list/type filter). */
export async function withCanonicalCountries(
  page: Countries,
  q: Pick<z.infer<typeof CountriesQuery>, 'list' | 'type'>,
  deps: Pick<CanonicalViewDeps, 'canonical'> & { store: Pick<ListCatalog, 'readListPointers'> },
): Promise<Countries> {
  if (q.list || q.type) return page;
  const counts = await canonicalCountryCounts({ store: deps.canonical, lists: deps.store });
  return {
    ...page,
    items: page.items.map((r) => ({ ...r, canonicalEntities: counts.get(r.country) ?? 0 })),
  };
}

/**
 * `/entities/{id}`: a listed entity with its canonical entity (every listing, each with its news counts, and why they
 * were merged); a canonical id `c:…` (current or merged away) answers with its first listing's detail and the same.
 * The entity's `articles`/`mentions` are the listing's; every listing of one entity counts the same articles, because
 * the name index links a name of any member to all of them (shared/ingest/name-index.ts). For a canonical id, its
 * most mentioned listing's: equal to the others' once relinked, and never a sum that would count an article twice.
 */
export async function entityDetailWithCanonical(id: string, deps: CanonicalViewDeps) {
  const lists = deps.store;
  if (id.startsWith('c:')) {
    const c = await canonicalDetail(id, { store: deps.canonical, lists });
    if (!c?.listings.length) throw new NotFoundError(`no canonical entity ${id}`);
    const counted = await countedListings(c.listings, deps.store);
    const top = [...counted].sort((a, b) => b.mentions - a.mentions || a.id.localeCompare(b.id))[0]!;
    const detail = await entityDetail(top.id, deps.store);
    return { ...detail, id: c.id, lists: c.lists, canonical: { ...c, listings: counted } };
  }
  const detail = await entityDetail(id, deps.store);
  if (parseEntityId(id)?.kind !== 'listed') return detail;
  const c = await canonicalDetail(id, { store: deps.canonical, lists });
  if (!c || c.listings.length < 2) return c ? { ...detail, canonicalId: c.id } : detail;
  return {
    ...detail,
    canonicalId: c.id,
    lists: c.lists,
    canonical: { ...c, listings: await countedListings(c.listings, deps.store) },
  };
}

async function countedListings<T extends { list: string; sourceId: string; id: string }>(
  listings: readonly T[],
  store: CounterReader,
) {
  return Promise.all(
    listings.map(async (l) => {
      const counter = await store.readCounter(cellId('listed', `${l.list}|${l.sourceId}`));
      return { ...l, articles: Number(counter?.articles ?? 0), mentions: Number(counter?.mentions ?? 0) };
    }),
  );
}
