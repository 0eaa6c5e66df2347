import { createHash } from 'node:crypto';
import {
  blockItemKey,
  blockPartition,
  canonicalCountKey,
  canonicalMemberKey,
  canonicalMetaKey,
  canonicalOfKey,
  canonicalPartition,
  canonicalRefKey,
  ENTITY_SHARDS,
  listedEntityKey,
  listedEntityPartition,
  MEMBER_PREFIX,
} from '../domain/keys.ts';
import type { ListedEntity } from '../domain/model.ts';
import {
  blockKeysOf,
  clusterMerges,
  MAX_BLOCK,
  type Merge,
  type MergeReason,
  mergesOf,
  type Profile,
  profileOf,
} from '../domain/resolve.ts';
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
 * items, one MEM item, and per changed canonical entity one transaction (its META item and the per-country counters
 * whose membership moved). Nothing reads a whole list or every canonical entity.
 *
 * Known limit: two list ingests that touch one cluster at the same moment may each cluster it from what they saw;
 * the counters stay exact (conditional META writes), and the next ingest of either list settles the membership.
 */

const PAGE = 100;
const MAX_COMPONENT = 200;

export interface ResolveDeps {
  store: CanonicalStore;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface ResolveRun {
  list: string;
  version: string;
  /** The version this one replaced: its entities that are not in the new one are removed from their clusters. */
  previous?: string | undefined;
}

interface CanOf {
  canonical?: string;
  hash: string;
  profile: Profile;
}

const hashOf = (p: Profile) => createHash('sha256').update(JSON.stringify(p)).digest('hex').slice(0, 16);

/** Resolves what a new version of one list changed. Returns how many entities were re-resolved. */
export async function resolveListVersion(
  run: ResolveRun,
  deps: ResolveDeps,
): Promise<{ changed: number; removed: number }> {
  let changed = 0;
  let removed = 0;
  for (let shard = 0; shard < ENTITY_SHARDS; shard++) {
    let after: string | undefined;
    do {
      const page = await deps.store.queryPage(listedEntityPartition(run.list, run.version, shard), PAGE, after);
      after = page.last;
      const profiles = page.items.map((it) => profileOf(it as unknown as ListedEntity));
      const stored = await readCanOf(
        deps,
        profiles.map((p) => p.id),
      );
      const dirty = profiles.filter((p) => stored.get(p.id)?.hash !== hashOf(p));
      if (!dirty.length) continue;
      await writeProfiles(deps, dirty, stored);
      await reresolve(
        deps,
        dirty.map((p) => p.id),
        stored,
      );
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
        const still = new Set(
          (await deps.store.getItems(ids.map((id) => listedEntityKey(run.list, run.version, id)))).map((it) =>
            String(it.sk),
          ),
        );
        const gone = ids.filter((id) => !still.has(id)).map((id) => `l:${run.list}:${id}`);
        if (!gone.length) continue;
        await removeMembers(deps, gone);
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
async function writeProfiles(deps: ResolveDeps, profiles: readonly Profile[], stored: Map<string, CanOf>) {
  const puts: Record<string, unknown>[] = [];
  const deletes: { pk: string; sk: string }[] = [];
  for (const p of profiles) {
    const old = stored.get(p.id);
    const keys = new Set(blockKeysOf(p));
    for (const k of old ? blockKeysOf(old.profile) : []) if (!keys.has(k)) deletes.push(blockItemKey(k, p.id));
    for (const k of keys) puts.push({ ...blockItemKey(k, p.id) });
    const next: CanOf = { ...(old?.canonical ? { canonical: old.canonical } : {}), hash: hashOf(p), profile: p };
    stored.set(p.id, next);
    puts.push({ ...canonicalOfKey(p.id), ...next });
  }
  if (deletes.length) await deps.store.deleteKeys(deletes);
  await deps.store.putItems(puts);
}

async function removeMembers(deps: ResolveDeps, ids: readonly string[]) {
  const stored = await readCanOf(deps, ids);
  const deletes: { pk: string; sk: string }[] = [];
  const formerClusters = new Set<string>();
  for (const id of ids) {
    const old = stored.get(id);
    if (!old) continue;
    for (const k of blockKeysOf(old.profile)) deletes.push(blockItemKey(k, id));
    deletes.push(canonicalOfKey(id));
    if (old.canonical) {
      deletes.push(canonicalMemberKey(old.canonical, id));
      formerClusters.add(old.canonical);
    }
  }
  await deps.store.deleteKeys(deletes);
  // What is left of their clusters is clustered again (a removed member may have been the link between two others).
  const rest: string[] = [];
  for (const c of formerClusters) rest.push(...(await membersOf(deps, c)));
  if (rest.length) await reresolve(deps, rest, await readCanOf(deps, rest), [...formerClusters]);
  else for (const c of formerClusters) await writeMeta(deps, c, undefined);
}

async function membersOf(deps: ResolveDeps, canonical: string): Promise<string[]> {
  const page = await deps.store.queryPage(canonicalPartition(canonical), MAX_COMPONENT, MEMBER_PREFIX.slice(0, -1));
  return page.items
    .map((it) => String(it.sk))
    .filter((sk) => sk.startsWith(MEMBER_PREFIX))
    .map((sk) => sk.slice(MEMBER_PREFIX.length));
}

/**
 * Rebuilds the clusters around `seeds`: their old clusters' members join the seeds (a changed member may have been
 * what held its cluster together), the component is grown over the blocking items, clustered, and every membership
 * that moved is written.
 */
async function reresolve(
  deps: ResolveDeps,
  seeds: readonly string[],
  known: Map<string, CanOf>,
  extraOldClusters: readonly string[] = [],
) {
  const done = new Set<string>();
  for (const seed of seeds) {
    if (done.has(seed)) continue;
    const oldClusters = new Set<string>(extraOldClusters);
    const nodes = new Map<string, CanOf>();
    const proposed = new Map<string, { m: Merge; votes: number }>();
    const queue = [seed];
    const queued = new Set(queue);
    const need = async (ids: string[]) => {
      const missing = ids.filter((id) => !known.has(id));
      for (const [id, c] of await readCanOf(deps, missing)) known.set(id, c);
    };
    while (queue.length && nodes.size < MAX_COMPONENT) {
      const id = queue.shift()!;
      await need([id]);
      const me = known.get(id);
      if (!me) continue;
      nodes.set(id, me);
      if (me.canonical && !oldClusters.has(me.canonical)) {
        oldClusters.add(me.canonical);
        for (const m of await membersOf(deps, me.canonical))
          if (!queued.has(m)) {
            queued.add(m);
            queue.push(m);
          }
      }
      const candidates = new Set<string>();
      for (const key of blockKeysOf(me.profile)) {
        const page = await deps.store.queryPage(blockPartition(key), MAX_BLOCK + 1);
        if (page.items.length > MAX_BLOCK) continue; // a common name or default value: followed by nobody
        for (const it of page.items) candidates.add(String(it.sk));
      }
      candidates.delete(id);
      await need([...candidates]);
      const merges = mergesOf(
        me.profile,
        [...candidates].flatMap((c) => (known.has(c) ? [known.get(c)!.profile] : [])),
      );
      for (const m of merges) {
        const k = `${m.a}\u0000${m.b}`;
        const v = proposed.get(k) ?? { m, votes: 0 };
        v.votes++;
        proposed.set(k, v);
        const other = m.a === id ? m.b : m.a;
        if (!queued.has(other)) {
          queued.add(other);
          queue.push(other);
        }
      }
    }
    // Both ends must propose a merge (the ambiguity rule applies from each side), as in resolveProfiles.
    const accepted = [...proposed.values()].filter((v) => v.votes === 2).map((v) => v.m);
    const members = [...nodes.values()].map((n) => ({ id: n.profile.id, list: n.profile.list }));
    const { canonicalOf, joinedBy } = clusterMerges(members, accepted);
    for (const id of nodes.keys()) done.add(id);
    await writeClusters(deps, nodes, canonicalOf, joinedBy, oldClusters);
  }
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
  for (const [id, node] of nodes) {
    const c = canonicalOf.get(id)!;
    byCanonical.set(c, [...(byCanonical.get(c) ?? []), node.profile]);
    const join = joinedBy.get(id);
    const reason: MergeReason | undefined = join?.reason;
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
      ...(reason && join ? { reason, with: join.a === id ? join.b : join.a } : {}),
    });
    if (node.canonical !== c) {
      node.canonical = c;
      puts.push({ ...canonicalOfKey(id), ...node });
    }
  }
  if (deletes.length) await deps.store.deleteKeys(deletes);
  await deps.store.putItems(puts);
  for (const [c, profiles] of byCanonical) await writeMeta(deps, c, profiles);
  // Ids that no longer name a cluster: their META goes (counters down) and a referent says where the members went.
  for (const old of oldClusters) {
    if (byCanonical.has(old)) continue;
    await writeMeta(deps, old, undefined);
    const to = [...(movedTo.get(old) ?? new Map<string, number>())].sort(
      (x, y) => y[1] - x[1] || x[0].localeCompare(y[0]),
    );
    if (to.length) await deps.store.putItems([{ ...canonicalRefKey(old), mergedInto: to[0]![0] }]);
  }
  // A cluster that exists again under an id once retired is no referent any more.
  const revived = [...byCanonical.keys()].map(canonicalRefKey);
  if (revived.length) await deps.store.deleteKeys(revived);
}

/** The display name of a cluster: the UN's spelling first (the lists' common reference), then the smallest id's. */
const LIST_PREFERENCE = ['un-sc', 'eu-fsf', 'uk-fcdo', 'us-ofac-sdn', 'uk-hmt', 'us-ofac-cons'];
const rank = (list: string) => {
  const i = LIST_PREFERENCE.indexOf(list);
  return i < 0 ? LIST_PREFERENCE.length : i;
};

async function writeMeta(deps: ResolveDeps, canonical: string, profiles: Profile[] | undefined) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await deps.store.getItem(canonicalMetaKey(canonical));
    const before = new Set((cur?.countries as string[] | undefined) ?? []);
    const after = new Set(profiles?.flatMap((p) => p.countries) ?? []);
    const counters = [
      ...[...after].filter((c) => !before.has(c)).map((c) => ({ key: canonicalCountKey(c), delta: 1 })),
      ...[...before].filter((c) => !after.has(c)).map((c) => ({ key: canonicalCountKey(c), delta: -1 })),
    ];
    const rev = cur ? Number(cur.rev) : undefined;
    let item: Record<string, unknown> | undefined;
    if (profiles) {
      const sorted = [...profiles].sort((a, b) => rank(a.list) - rank(b.list) || a.id.localeCompare(b.id));
      item = {
        ...canonicalMetaKey(canonical),
        id: canonical,
        name: sorted[0]!.name,
        type: sorted[0]!.type,
        lists: [...new Set(profiles.map((p) => p.list))].sort(),
        members: profiles.map((p) => p.id).sort(),
        countries: [...after].sort(),
        rev: (rev ?? 0) + 1,
      };
      const same = (k: string) => JSON.stringify(cur?.[k]) === JSON.stringify(item?.[k]);
      if (cur && ['name', 'type', 'lists', 'members', 'countries'].every(same)) return;
    } else if (!cur) return;
    if (
      (await deps.store.writeCanonical({
        key: canonicalMetaKey(canonical),
        ...(item ? { item } : {}),
        expectRev: rev,
        counters,
      })) === 'written'
    )
      return;
  }
  throw new Error(`canonical entity ${canonical}: its META item kept changing under five attempts`);
}
