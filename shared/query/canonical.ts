import {
  CANONICAL_OVERLAP_PK,
  canonicalMetaKey,
  canonicalOfKey,
  canonicalRefKey,
  listedEntityKey,
  memberOfCanonicalId,
  parseEntityId,
  singletonCanonicalId,
} from '../domain/keys.ts';
import type { MergeReason } from '../domain/resolve.ts';
import type { CanonicalStore, ListCatalog } from '../ports.ts';

/*
 * The read side of cross-list resolution (issue 11.2, 11.5): one canonical entity with each of its listings and why
 * they were merged, asked by its canonical id, by an old canonical id (it says so), or by any member's listed id. A
 * listed entity in no cluster is its own canonical entity, `c:<list>:<sourceId>`, and has no item of its own.
 *
 * Reads per call: the member's CANOF item, the cluster's META item (members and reasons inline), a referent per hop
 * (at most MAX_HOPS), one list pointer per list of the entity, and one batch get of the listings. Bounded by the
 * cluster, never by the store.
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

const MAX_HOPS = 3;

/** The canonical id of a listed entity (`l:…`), or the current id of a canonical one; undefined if unknown. */
export async function canonicalOf(id: string, deps: CanonicalDeps): Promise<string | undefined> {
  if (id.startsWith('c:')) return (await readCluster(id, deps))?.id;
  if (parseEntityId(id)?.kind !== 'listed') return undefined;
  const it = await deps.store.getItem(canonicalOfKey(id));
  if (it?.canonical) return String(it.canonical);
  return (await listings([id], deps)).length ? singletonCanonicalId(id) : undefined;
}

export async function canonicalDetail(id: string, deps: CanonicalDeps): Promise<CanonicalDetail | undefined> {
  const start = id.startsWith('c:') ? id : await canonicalOf(id, deps);
  if (!start) return undefined;
  const cluster = await readCluster(start, deps);
  if (!cluster) return undefined;
  const { meta, members } = cluster;
  const found =
    cluster.listings ??
    (
      await listings(
        members.map((m) => m.id),
        deps,
      )
    ).map(({ raw: _, ...l }) => l);
  return {
    id: cluster.id,
    name: String(meta.name),
    type: String(meta.type),
    lists: (meta.lists as string[] | undefined) ?? [],
    countries: (meta.countries as string[] | undefined) ?? [],
    listings: found,
    merged: members,
    ...(id.startsWith('c:') && cluster.id !== id ? { mergedFrom: id } : {}),
  };
}

/** Listings as their lists' current versions have them (a member of a version no longer current is left out). */
async function listings(
  memberIds: readonly string[],
  deps: CanonicalDeps,
): Promise<(Listing & { raw: Record<string, unknown> })[]> {
  const byList = new Map<string, string[]>();
  for (const m of memberIds) {
    const p = parseEntityId(m);
    if (p?.kind === 'listed') byList.set(p.list, [...(byList.get(p.list) ?? []), p.sourceId]);
  }
  const keys: { pk: string; sk: string }[] = [];
  for (const [list, ids] of byList) {
    const pointer = await deps.lists.getListPointer(list);
    if (pointer) for (const sourceId of ids) keys.push(listedEntityKey(list, pointer.version, sourceId));
  }
  return (await deps.store.getItems(keys))
    .map((it) => ({
      list: String(it.list),
      sourceId: String(it.sourceId),
      id: `l:${it.list}:${it.sourceId}`,
      names: [String(it.name), ...((it.aliases as string[] | undefined) ?? [])],
      programs: (it.programs as string[] | undefined) ?? [],
      ...(it.listedOn ? { listedOn: String(it.listedOn) } : {}),
      raw: it,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
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
 * The canonical entity of each listed id given that is in a cluster (a page of `/counts/entities` rows, say), in two
 * batched reads: the members' CANOF items, then the distinct clusters' META items. Ids in no cluster are absent: each
 * is its own canonical entity (`singletonCanonicalId`). A page's rows that map to one cluster are one entity: the
 * caller shows it once, with every list.
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

/**
 * Distinct canonical entities per country: the current lists' entities per country (their pointers' aggregates, one
 * item per list) less the listings that clusters count twice (one small item per country: a page, never a scan).
 */
export async function canonicalCountryCounts(deps: {
  store: CanonicalStore;
  lists: Pick<ListCatalog, 'readListPointers'>;
}): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const p of await deps.lists.readListPointers())
    for (const [country, byType] of Object.entries(p.byCountry ?? {}))
      out.set(country, (out.get(country) ?? 0) + Object.values(byType).reduce((a, b) => a + b, 0));
  let after: string | undefined;
  do {
    // ~250 countries: one or two pages.
    const page = await deps.store.queryPage(CANONICAL_OVERLAP_PK, 300, after);
    for (const it of page.items) {
      const c = String(it.sk);
      if (out.has(c)) out.set(c, out.get(c)! - Number(it.count ?? 0));
    }
    after = page.last;
  } while (after);
  for (const [c, n] of out) if (n <= 0) out.delete(c);
  return out;
}

type Member = { id: string; reason?: MergeReason; with?: string };

/**
 * A cluster's META and members: its own META item; else the cluster its named member is in now (CANOF); else that
 * member alone, when it is listed and in no cluster; else a referent of a retired id, followed.
 */
async function readCluster(
  id: string,
  deps: CanonicalDeps,
): Promise<{ id: string; meta: Record<string, unknown>; members: Member[]; listings?: Listing[] } | undefined> {
  let at = id;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const meta = await deps.store.getItem(canonicalMetaKey(at));
    if (meta) return { id: at, meta, members: membersOf(meta) };
    const member = memberOfCanonicalId(at);
    const of = parseEntityId(member)?.kind === 'listed' ? await deps.store.getItem(canonicalOfKey(member)) : undefined;
    if (of?.canonical && of.canonical !== at) {
      at = String(of.canonical);
      continue;
    }
    const alone = of ? [] : await listings([member], deps);
    if (alone.length) {
      const { raw, ...l } = alone[0]!;
      const countries = [
        ...new Set(((raw.countries as { code: string }[] | undefined) ?? []).map((c) => c.code)),
      ].sort();
      return {
        id: at,
        meta: { name: raw.name, type: raw.type, lists: [l.list], countries },
        members: [{ id: member }],
        listings: [l],
      };
    }
    const ref = await deps.store.getItem(canonicalRefKey(at));
    if (!ref?.mergedInto) return undefined;
    at = String(ref.mergedInto);
  }
  return undefined;
}

function membersOf(meta: Record<string, unknown>): Member[] {
  const reasons = (meta.reasons as Record<string, { reason: MergeReason; with: string }> | undefined) ?? {};
  return ((meta.members as string[] | undefined) ?? []).map((m) => ({
    id: m,
    ...(reasons[m] ? { reason: reasons[m].reason, with: reasons[m].with } : {}),
  }));
}
