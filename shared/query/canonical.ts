import {
  CANONICAL_COUNTS_PK,
  canonicalMetaKey,
  canonicalOfKey,
  canonicalPartition,
  listedEntityKey,
  MEMBER_PREFIX,
  parseEntityId,
} from '../domain/keys.ts';
import type { MergeReason } from '../domain/resolve.ts';
import type { CanonicalStore, ListCatalog } from '../ports.ts';

/*
 * The read side of cross-list resolution (issue 11.2, 11.5): one canonical entity with each of its listings and why
 * they were merged, asked by its canonical id, by an old canonical id (it says so), or by any member's listed id.
 *
 * Reads per call: the member's CANOF item (asked by `l:` id), one page of the canonical partition (META, the members,
 * a referent; at most MAX_MEMBERS + 2 items), again after following a referent (at most MAX_HOPS), one list pointer
 * per list of the entity, and one batch get of the listed entities themselves. Bounded by the cluster, never by the
 * store.
 */

export interface CanonicalDeps {
  store: CanonicalStore;
  lists: Pick<ListCatalog, 'getListPointer'>;
}

export interface Listing {
  list: string;
  sourceId: string;
  id: string;
  names: string[];
  programs: string[];
  listedOn?: string;
}

export interface CanonicalDetail {
  id: string;
  name: string;
  type: string;
  lists: string[];
  countries: string[];
  listings: Listing[];
  /** Each member and why it is one entity with the others (absent for the member the cluster grew from). */
  merged: { id: string; reason?: MergeReason; with?: string }[];
  /** The id asked for, when it is an old canonical id whose members now belong to this one. */
  mergedFrom?: string;
}

/** Clusters are capped at this size by the ingest (resolve-lists.ts MAX_COMPONENT): one page reads a whole one. */
const MAX_MEMBERS = 200;
const MAX_HOPS = 3;

/** The canonical id of a listed entity (`l:…`), or the id itself when it is a canonical one; undefined if unknown. */
export async function canonicalOf(id: string, deps: CanonicalDeps): Promise<string | undefined> {
  if (id.startsWith('c:')) return (await readCluster(id, deps))?.id;
  if (parseEntityId(id)?.kind !== 'listed') return undefined;
  const it = await deps.store.getItem(canonicalOfKey(id));
  return it?.canonical ? String(it.canonical) : undefined;
}

export async function canonicalDetail(id: string, deps: CanonicalDeps): Promise<CanonicalDetail | undefined> {
  const start = id.startsWith('c:') ? id : await canonicalOf(id, deps);
  if (!start) return undefined;
  const cluster = await readCluster(start, deps);
  if (!cluster) return undefined;
  const { meta, members } = cluster;

  // Each listing as its list's current version has it (a member of a list version no longer current is left out).
  const byList = new Map<string, string[]>();
  for (const m of members) {
    const p = parseEntityId(m.id);
    if (p?.kind === 'listed') byList.set(p.list, [...(byList.get(p.list) ?? []), p.sourceId]);
  }
  const keys: { pk: string; sk: string }[] = [];
  for (const [list, ids] of byList) {
    const pointer = await deps.lists.getListPointer(list);
    if (pointer) for (const sourceId of ids) keys.push(listedEntityKey(list, pointer.version, sourceId));
  }
  const listings: Listing[] = (await deps.store.getItems(keys))
    .map((it) => ({
      list: String(it.list),
      sourceId: String(it.sourceId),
      id: `l:${it.list}:${it.sourceId}`,
      names: [String(it.name), ...((it.aliases as string[] | undefined) ?? [])],
      programs: (it.programs as string[] | undefined) ?? [],
      ...(it.listedOn ? { listedOn: String(it.listedOn) } : {}),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));

  return {
    id: cluster.id,
    name: String(meta.name),
    type: String(meta.type),
    lists: (meta.lists as string[] | undefined) ?? [],
    countries: (meta.countries as string[] | undefined) ?? [],
    listings,
    merged: members,
    ...(id.startsWith('c:') && cluster.id !== id ? { mergedFrom: id } : {}),
  };
}

export interface CanonicalSummary {
  id: string;
  name: string;
  type: string;
  lists: string[];
  members: string[];
  countries: string[];
}

/**
 * The canonical entity of each listed id given (a page of `/counts/entities` rows, say), in two batched reads: the
 * members' CANOF items, then the distinct canonical entities' META items. Ids with no canonical entity are absent. A
 * page's rows that map to one canonical id are one entity: the caller shows it once, with every list.
 */
export async function canonicalSummaries(
  memberIds: readonly string[],
  deps: Pick<CanonicalDeps, 'store'>,
): Promise<Map<string, CanonicalSummary>> {
  const ofMember = new Map<string, string>();
  const listed = [...new Set(memberIds)].filter((id) => parseEntityId(id)?.kind === 'listed');
  for (const it of await deps.store.getItems(listed.map(canonicalOfKey)))
    if (it.canonical) ofMember.set(String(it.pk).slice('CANOF#'.length), String(it.canonical));
  const metas = new Map<string, CanonicalSummary>();
  for (const it of await deps.store.getItems([...new Set(ofMember.values())].map(canonicalMetaKey)))
    metas.set(String(it.id), {
      id: String(it.id),
      name: String(it.name),
      type: String(it.type),
      lists: (it.lists as string[] | undefined) ?? [],
      members: (it.members as string[] | undefined) ?? [],
      countries: (it.countries as string[] | undefined) ?? [],
    });
  const out = new Map<string, CanonicalSummary>();
  for (const [member, c] of ofMember) if (metas.has(c)) out.set(member, metas.get(c)!);
  return out;
}

/** Distinct canonical entities per country (one small item per country: a page, never a scan). */
export async function canonicalCountryCounts(deps: Pick<CanonicalDeps, 'store'>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let after: string | undefined;
  do {
    // ~250 countries: one or two pages.
    const page = await deps.store.queryPage(CANONICAL_COUNTS_PK, 300, after);
    for (const it of page.items) if (Number(it.entities) > 0) out.set(String(it.sk), Number(it.entities));
    after = page.last;
  } while (after);
  return out;
}

/** A cluster's META and members, following referents of retired ids. */
async function readCluster(
  id: string,
  deps: CanonicalDeps,
): Promise<
  | { id: string; meta: Record<string, unknown>; members: { id: string; reason?: MergeReason; with?: string }[] }
  | undefined
> {
  let at = id;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const { items } = await deps.store.queryPage(canonicalPartition(at), MAX_MEMBERS + 2);
    const meta = items.find((it) => it.sk === 'META');
    if (meta) {
      const members = items
        .filter((it) => String(it.sk).startsWith(MEMBER_PREFIX))
        .map((it) => ({
          id: String(it.member),
          ...(it.reason ? { reason: it.reason as MergeReason } : {}),
          ...(it.with ? { with: String(it.with) } : {}),
        }));
      return { id: at, meta, members };
    }
    const ref = items.find((it) => it.sk === 'REF');
    if (!ref?.mergedInto) return undefined;
    at = String(ref.mergedInto);
  }
  return undefined;
}
