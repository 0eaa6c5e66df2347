import { createHash } from 'node:crypto';
import {
  blockItemKey,
  blockListMarkerKey,
  blockPartition,
  canonicalCountKey,
  canonicalMemberKey,
  canonicalMetaKey,
  canonicalOfKey,
  canonicalRefKey,
  ENTITY_SHARDS,
  listedEntityId,
  listedEntityKey,
  listedEntityPartition,
  MEMBER_PREFIX,
  RESOLVED_LISTS_PK,
  resolvedListKey,
} from '../domain/keys.ts';
import type { ListedEntity } from '../domain/model.ts';
import {
  blockKeysOf,
  clusterMerges,
  MAX_BLOCK,
  type Merge,
  mergesOf,
  type Profile,
  profileOf,
} from '../domain/resolve.ts';
import { DependencyError } from '../errors.ts';
import type { CanonicalStore } from '../ports.ts';

/*
 * Cross-list resolution inside the list ingest (issue 11.1), incremental and in bounded memory: called once after a
 * list version became current, it walks that version page by page (and the version it replaced, for what was
 * removed), and re-resolves only the entities whose resolver profile changed: a re-upload of the same file writes
 * nothing but reads one CANOF item per entity. For each changed entity the connected component around it is rebuilt
 * from the stored blocking items (bounded: a block larger than MAX_BLOCK is a common name and is not followed; a
 * component stops growing at MAX_COMPONENT members) and clustered with the same pure functions as the in-memory
 * resolver (shared/domain/resolve.ts).
 *
 * Per entity of a changed version it reads: its CANOF item, the blocking partitions of its keys (≤ MAX_BLOCK + 1
 * items each), the CANOF items of its candidates and its old cluster's members; it writes its CANOF item, its blocking
 * items, one MEM item, and its canonical entity's META item, in transactions with the per-country counters whose
 * membership moved (summed over a page of entities: one counter item is written once per page, not once per entity).
 * Nothing reads a whole list or every canonical entity. Work is done a page (100 entities) at a time, their reads in
 * parallel: memory is bounded by a page and the components around it.
 *
 * Known limit: two list ingests that touch one cluster at the same moment may each cluster it from what they saw;
 * the counters stay exact (conditional META writes), and the next ingest of either list settles the membership.
 */

const PAGE = 100;
const PARALLEL = 16;
/** A component grown past this many members stops growing (a safety bound; lists give clusters of a few members). */
const MAX_NODES = 5000;
/** Actions per TransactWriteItems (DynamoDB's limit is 100). */
const MAX_ACTIONS = 90;

export interface ResolveDeps {
  store: CanonicalStore;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

/** What one run knows besides its deps: the lists seen so far (for the block markers). */
interface Ctx extends ResolveDeps {
  lists: string[];
}

export interface ResolveRun {
  list: string;
  /** The list's current version; absent when the list was removed (every entity of `previous` leaves). */
  version?: string | undefined;
  /** The version this one replaced: its entities that are not in the new one are removed from their clusters. */
  previous?: string | undefined;
}

interface CanOf {
  canonical?: string;
  hash: string;
  profile: Profile;
  /** Changed in this run and not yet written: written once, with its canonical id (never stored). */
  pending?: true;
}

const stored = (id: string, c: CanOf) => {
  const { pending: _, ...rest } = c;
  return { ...canonicalOfKey(id), ...rest };
};

const hashOf = (p: Profile) => createHash('sha256').update(JSON.stringify(p)).digest('hex').slice(0, 16);

/** Runs `fn` over `xs` with at most PARALLEL calls in flight. */
async function parallel<T, R>(xs: readonly T[], fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(xs.length);
  let next = 0;
  const worker = async () => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await fn(xs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, xs.length) }, worker));
  return out;
}

/** Resolves what a new version of one list changed. Returns how many entities were re-resolved and removed. */
export async function resolveListVersion(
  run: ResolveRun,
  deps: ResolveDeps,
): Promise<{ changed: number; removed: number }> {
  let changed = 0;
  let removed = 0;
  const ctx: Ctx = {
    ...deps,
    lists: (await deps.store.queryPage(RESOLVED_LISTS_PK, 1000)).items.map((it) => String(it.sk)),
  };
  if (!ctx.lists.includes(run.list)) {
    await deps.store.putItems([{ ...resolvedListKey(run.list) }]);
    ctx.lists.push(run.list);
  }
  for (let shard = 0; run.version !== undefined && shard < ENTITY_SHARDS; shard++) {
    const version = run.version;
    let after: string | undefined;
    do {
      const page = await deps.store.queryPage(listedEntityPartition(run.list, version, shard), PAGE, after);
      after = page.last;
      const profiles = page.items.map((it) => profileOf(it as unknown as ListedEntity));
      const known = await readCanOf(
        deps,
        profiles.map((p) => p.id),
      );
      const dirty = profiles.filter((p) => known.get(p.id)?.hash !== hashOf(p));
      if (!dirty.length) continue;
      await writeProfiles(deps, dirty, known);
      await resolveAround(
        ctx,
        dirty.map((p) => p.id),
        known,
      );
      // A changed entity the component bound left out is still recorded (clustered again when next touched).
      const left = dirty.filter((p) => known.get(p.id)?.pending);
      if (left.length) await deps.store.putItems(left.map((p) => stored(p.id, known.get(p.id)!)));
      changed += dirty.length;
    } while (after);
  }
  if (run.previous && run.previous !== run.version) {
    for (let shard = 0; shard < ENTITY_SHARDS; shard++) {
      let after: string | undefined;
      do {
        const page = await deps.store.queryPage(listedEntityPartition(run.list, run.previous, shard), PAGE, after);
        after = page.last;
        const ids = page.items.map((it) => String(it.sk));
        const version = run.version;
        const still = new Set(
          version === undefined
            ? []
            : (await deps.store.getItems(ids.map((id) => listedEntityKey(run.list, version, id)))).map((it) =>
                String(it.sk),
              ),
        );
        const gone = ids.filter((id) => !still.has(id)).map((id) => listedEntityId(run.list, id));
        if (!gone.length) continue;
        await removeMembers(ctx, gone);
        removed += gone.length;
      } while (after);
    }
  }
  deps.log?.('resolved list version', { list: run.list, version: run.version, changed, removed });
  return { changed, removed };
}

async function readCanOf(deps: ResolveDeps, ids: readonly string[]): Promise<Map<string, CanOf>> {
  const out = new Map<string, CanOf>();
  if (!ids.length) return out;
  for (const it of await deps.store.getItems(ids.map(canonicalOfKey)))
    out.set(String(it.pk).slice('CANOF#'.length), {
      ...(it.canonical ? { canonical: String(it.canonical) } : {}),
      hash: String(it.hash),
      profile: it.profile as Profile,
    });
  return out;
}

/** New profiles and their blocking items; blocking items of keys an entity no longer has go. */
async function writeProfiles(deps: ResolveDeps, profiles: readonly Profile[], known: Map<string, CanOf>) {
  const puts: Record<string, unknown>[] = [];
  const deletes: { pk: string; sk: string }[] = [];
  for (const p of profiles) {
    const old = known.get(p.id);
    const keys = new Set(blockKeysOf(p));
    for (const k of old ? blockKeysOf(old.profile) : []) if (!keys.has(k)) deletes.push(blockItemKey(k, p.id));
    for (const k of keys) puts.push({ ...blockItemKey(k, p.id) }, { ...blockListMarkerKey(k, p.list) });
    const next: CanOf = {
      ...(old?.canonical ? { canonical: old.canonical } : {}),
      hash: hashOf(p),
      profile: p,
      pending: true,
    };
    known.set(p.id, next);
  }
  if (deletes.length) await deps.store.deleteKeys(deletes);
  // Markers repeat over a page (one list, many entities under one name): each written once.
  await deps.store.putItems([...new Map(puts.map((p) => [`${p.pk}\u0000${p.sk}`, p])).values()]);
}

async function removeMembers(deps: Ctx, ids: readonly string[]) {
  const known = await readCanOf(deps, ids);
  const deletes: { pk: string; sk: string }[] = [];
  const formerClusters = new Set<string>();
  for (const id of ids) {
    const old = known.get(id);
    if (!old) continue;
    for (const k of blockKeysOf(old.profile)) deletes.push(blockItemKey(k, id));
    deletes.push(canonicalOfKey(id));
    if (old.canonical) {
      deletes.push(canonicalMemberKey(old.canonical, id));
      formerClusters.add(old.canonical);
    }
    known.delete(id);
  }
  await deps.store.deleteKeys(deletes);
  // What is left of their clusters is clustered again (a removed member may have been the link between two others).
  await resolveAround(deps, [], known, [...formerClusters]);
}

/** Members of clusters, from their META items (one batched read for many clusters, no Query). */
async function membersOf(deps: ResolveDeps, canonicals: readonly string[]): Promise<string[]> {
  if (!canonicals.length) return [];
  return (await deps.store.getItems(canonicals.map(canonicalMetaKey))).flatMap(
    (it) => (it.members as string[] | undefined) ?? [],
  );
}

/**
 * Rebuilds the clusters around `seeds` (and the remaining members of `retired` clusters): the seeds' old clusters'
 * members join them (a changed member may have been what held its cluster together), the components are grown over
 * the blocking items level by level (each level's reads in parallel), clustered, and every membership that moved is
 * written.
 */
async function resolveAround(
  deps: Ctx,
  seeds: readonly string[],
  known: Map<string, CanOf>,
  retired: readonly string[] = [],
) {
  const expanded = new Map<string, CanOf>();
  const oldClusters = new Set<string>();
  const proposed = new Map<string, { m: Merge; votes: number }>();
  const blocks = new Map<string, string[] | undefined>();
  const queued = new Set<string>();
  let frontier: string[] = [];
  const enqueue = (ids: Iterable<string>) => {
    for (const id of ids)
      if (!queued.has(id)) {
        queued.add(id);
        frontier.push(id);
      }
  };
  const need = async (ids: readonly string[]) => {
    for (const [id, c] of await readCanOf(
      deps,
      ids.filter((id) => !known.has(id)),
    ))
      known.set(id, c);
  };
  const readClusters = async (ids: readonly string[]) => {
    const fresh = [...new Set(ids)].filter((c) => !oldClusters.has(c));
    for (const c of fresh) oldClusters.add(c);
    enqueue(await membersOf(deps, fresh));
  };
  enqueue(seeds);
  await readClusters(retired);
  while (frontier.length && expanded.size < MAX_NODES) {
    const level = frontier;
    frontier = [];
    await need(level);
    const nodes = level.filter((id) => known.has(id));
    await readClusters(nodes.flatMap((id) => (known.get(id)!.canonical ? [known.get(id)!.canonical!] : [])));
    // A block is queried only when a list other than the node's own has members under it (markers, in batches).
    const asked = new Map<string, Set<string>>();
    for (const id of nodes) {
      const p = known.get(id)!.profile;
      for (const k of blockKeysOf(p)) {
        if (blocks.has(k)) continue;
        const s = asked.get(k) ?? new Set<string>();
        for (const l of deps.lists) if (l !== p.list) s.add(l);
        asked.set(k, s);
      }
    }
    const markers = await deps.store.getItems(
      [...asked].flatMap(([k, ls]) => [...ls].map((l) => blockListMarkerKey(k, l))),
    );
    const shared = new Set(markers.map((it) => String(it.pk).slice('XLS#'.length)));
    for (const k of asked.keys()) if (!shared.has(k)) blocks.set(k, []);
    const keys = [...asked.keys()].filter((k) => shared.has(k));
    await parallel(keys, async (k) => {
      const page = await deps.store.queryPage(blockPartition(k), MAX_BLOCK + 1);
      // A block this large is a common name or a default value: followed by nobody.
      blocks.set(k, page.items.length > MAX_BLOCK ? undefined : page.items.map((it) => String(it.sk)));
    });
    const candidatesOf = (id: string) =>
      new Set(blockKeysOf(known.get(id)!.profile).flatMap((k) => blocks.get(k) ?? []));
    await need([...new Set(nodes.flatMap((id) => [...candidatesOf(id)]))]);
    for (const id of nodes) {
      const me = known.get(id)!;
      expanded.set(id, me);
      const candidates = [...candidatesOf(id)].flatMap((c) =>
        c !== id && known.has(c) ? [known.get(c)!.profile] : [],
      );
      for (const m of mergesOf(me.profile, candidates)) {
        const k = `${m.a}\u0000${m.b}`;
        const v = proposed.get(k) ?? { m, votes: 0 };
        v.votes++;
        proposed.set(k, v);
        enqueue([m.a === id ? m.b : m.a]);
      }
    }
  }
  if (frontier.length) deps.log?.('resolution: component capped', { nodes: expanded.size, left: frontier.length });
  // Both ends must propose a merge (the ambiguity rule applies from each side), as in resolveProfiles.
  const accepted = [...proposed.values()]
    .filter((v) => v.votes === 2 && expanded.has(v.m.a) && expanded.has(v.m.b))
    .map((v) => v.m);
  const members = [...expanded.values()].map((n) => ({ id: n.profile.id, list: n.profile.list }));
  const { canonicalOf, joinedBy } = clusterMerges(members, accepted);
  await writeClusters(deps, expanded, canonicalOf, joinedBy, oldClusters);
}

async function writeClusters(
  deps: ResolveDeps,
  nodes: Map<string, CanOf>,
  canonicalOf: Map<string, string>,
  joinedBy: Map<string, Merge>,
  oldClusters: Set<string>,
) {
  const puts: Record<string, unknown>[] = [];
  const deletes: { pk: string; sk: string }[] = [];
  const byCanonical = new Map<string, Profile[]>();
  const movedTo = new Map<string, Map<string, number>>();
  // MEM items that may exist already: only a member that had a canonical id has one.
  const maybeStored: { pk: string; sk: string }[] = [];
  for (const [id, node] of nodes) {
    const c = canonicalOf.get(id)!;
    if (node.canonical) maybeStored.push(canonicalMemberKey(c, id));
    byCanonical.set(c, [...(byCanonical.get(c) ?? []), node.profile]);
    const join = joinedBy.get(id);
    if (node.canonical && node.canonical !== c) {
      deletes.push(canonicalMemberKey(node.canonical, id));
      const m = movedTo.get(node.canonical) ?? new Map<string, number>();
      m.set(c, (m.get(c) ?? 0) + 1);
      movedTo.set(node.canonical, m);
    }
    puts.push({
      ...canonicalMemberKey(c, id),
      member: id,
      list: node.profile.list,
      ...(join ? { reason: join.reason, with: join.a === id ? join.b : join.a } : {}),
    });
    if (node.canonical !== c || node.pending) {
      node.canonical = c;
      delete node.pending;
      puts.push(stored(id, node));
    }
  }
  // MEM items unchanged are not rewritten: read what is there, write only what differs.
  const current = new Map(
    (maybeStored.length ? await deps.store.getItems(maybeStored) : []).map((it) => [`${it.pk}\u0000${it.sk}`, it]),
  );
  const same = (a: Record<string, unknown> | undefined, b: Record<string, unknown>) =>
    a !== undefined && ['member', 'list', 'reason', 'with'].every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
  const writes = puts.filter(
    (p) => !String(p.sk).startsWith(MEMBER_PREFIX) || !same(current.get(`${p.pk}\u0000${p.sk}`), p),
  );
  if (deletes.length) await deps.store.deleteKeys(deletes);
  if (writes.length) await deps.store.putItems(writes);

  const gone = [...oldClusters].filter((c) => !byCanonical.has(c));
  const created = await writeMetas(deps, [
    ...[...byCanonical].map(([c, ps]) => [c, ps] as const),
    ...gone.map((c) => [c, undefined] as const),
  ]);
  // Ids that no longer name a cluster keep a referent that says where their members went.
  const refs = gone.flatMap((old) => {
    const to = [...(movedTo.get(old) ?? new Map<string, number>())].sort(
      (x, y) => y[1] - x[1] || x[0].localeCompare(y[0]),
    );
    return to.length ? [{ ...canonicalRefKey(old), mergedInto: to[0]![0] }] : [];
  });
  if (refs.length) await deps.store.putItems(refs);
  // A cluster that exists again under an id once retired is no referent any more (only a cluster that had no META
  // item can be one: a referent is written when the META item goes).
  const revived = (created.length ? await deps.store.getItems(created.map(canonicalRefKey)) : []).map((it) => ({
    pk: String(it.pk),
    sk: String(it.sk),
  }));
  if (revived.length) await deps.store.deleteKeys(revived);
}

/** The display name of a cluster: the UN's spelling first (the lists' common reference), then the smallest id's. */
const LIST_PREFERENCE = ['un-sc', 'eu-fsf', 'uk-fcdo', 'us-ofac-sdn', 'uk-hmt', 'us-ofac-cons'];
const rank = (list: string) => {
  const i = LIST_PREFERENCE.indexOf(list);
  return i < 0 ? LIST_PREFERENCE.length : i;
};

type MetaWrite = { key: { pk: string; sk: string }; item?: Record<string, unknown>; expectRev: number | undefined };

/** The META write of one canonical entity against its current item, and its counter deltas; undefined if unchanged. */
function planMeta(
  canonical: string,
  profiles: readonly Profile[] | undefined,
  cur: Record<string, unknown> | undefined,
): { write: MetaWrite; deltas: Map<string, number> } | undefined {
  const before = new Set((cur?.countries as string[] | undefined) ?? []);
  const after = new Set(profiles?.flatMap((p) => p.countries) ?? []);
  const deltas = new Map<string, number>();
  for (const c of after) if (!before.has(c)) deltas.set(c, 1);
  for (const c of before) if (!after.has(c)) deltas.set(c, -1);
  const rev = cur ? Number(cur.rev) : undefined;
  if (!profiles) return cur ? { write: { key: canonicalMetaKey(canonical), expectRev: rev }, deltas } : undefined;
  const sorted = [...profiles].sort((a, b) => rank(a.list) - rank(b.list) || a.id.localeCompare(b.id));
  const item = {
    ...canonicalMetaKey(canonical),
    id: canonical,
    name: sorted[0]!.name,
    type: sorted[0]!.type,
    lists: [...new Set(profiles.map((p) => p.list))].sort(),
    members: profiles.map((p) => p.id).sort(),
    countries: [...after].sort(),
    rev: (rev ?? 0) + 1,
  };
  const same = (k: string) => JSON.stringify(cur?.[k]) === JSON.stringify((item as Record<string, unknown>)[k]);
  if (cur && ['name', 'type', 'lists', 'members', 'countries'].every(same)) return undefined;
  return { write: { key: canonicalMetaKey(canonical), item, expectRev: rev }, deltas };
}

/**
 * META items of many canonical entities with their counters, in transactions of up to MAX_ACTIONS actions whose
 * counter deltas are summed per country. A conflict (another ingest moved one of them) retries that group one by one.
 */
async function writeMetas(
  deps: ResolveDeps,
  entries: readonly (readonly [string, Profile[] | undefined])[],
): Promise<string[]> {
  const curs = new Map(
    (await deps.store.getItems(entries.map(([c]) => canonicalMetaKey(c)))).map((it) => [String(it.pk), it]),
  );
  const created = entries.filter(([c, ps]) => ps && !curs.has(canonicalMetaKey(c).pk)).map(([c]) => c);
  let group: { entry: readonly [string, Profile[] | undefined]; write: MetaWrite; deltas: Map<string, number> }[] = [];
  let countries = new Set<string>();
  const flush = async () => {
    if (!group.length) return;
    const sums = new Map<string, number>();
    for (const g of group) for (const [c, d] of g.deltas) sums.set(c, (sums.get(c) ?? 0) + d);
    const counters = [...sums].filter(([, d]) => d !== 0).map(([c, delta]) => ({ key: canonicalCountKey(c), delta }));
    const r = await deps.store.writeCanonicals({ metas: group.map((g) => g.write), counters });
    if (r === 'conflict') for (const g of group) await writeMetaAlone(deps, g.entry[0], g.entry[1]);
    group = [];
    countries = new Set();
  };
  for (const entry of entries) {
    const plan = planMeta(entry[0], entry[1], curs.get(canonicalMetaKey(entry[0]).pk));
    if (!plan) continue;
    const more = [...plan.deltas.keys()].filter((c) => !countries.has(c)).length;
    if (group.length + 1 + countries.size + more > MAX_ACTIONS) await flush();
    group.push({ entry, ...plan });
    for (const c of plan.deltas.keys()) countries.add(c);
  }
  await flush();
  return created;
}

async function writeMetaAlone(deps: ResolveDeps, canonical: string, profiles: Profile[] | undefined) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const plan = planMeta(canonical, profiles, await deps.store.getItem(canonicalMetaKey(canonical)));
    if (!plan) return;
    const counters = [...plan.deltas].map(([c, delta]) => ({ key: canonicalCountKey(c), delta }));
    if ((await deps.store.writeCanonicals({ metas: [plan.write], counters })) === 'written') return;
  }
  throw new DependencyError(`canonical entity ${canonical}: its META item kept changing over five attempts`);
}
