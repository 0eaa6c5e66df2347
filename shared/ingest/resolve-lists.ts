import {
  blockBucketKey,
  canonicalMetaKey,
  canonicalOfKey,
  canonicalOverlapKey,
  canonicalRefKey,
  changePartitions,
  ENTITY_SHARDS,
  listedEntityId,
  listedEntityKey,
  listedEntityPartition,
  memberOfCanonicalId,
  parseEntityId,
  RESOLVED_LISTS_PK,
  resolvedListKey,
  singletonCanonicalId,
} from '../domain/keys.ts';
import type { ListedEntity } from '../domain/model.ts';
import {
  blockKeysOf,
  clusterMerges,
  listRank,
  MAX_BLOCK,
  type Merge,
  mergesOf,
  type Profile,
  profileOf,
} from '../domain/resolve.ts';
import { DependencyError } from '../errors.ts';
import type { CanonicalStore } from '../ports.ts';

/*
 * Cross-list resolution inside the list ingest (issue 11.1, 11.7), incremental and in bounded memory. Called once after
 * a list version became current, it re-resolves what the version changed: the entities its change set names (ADD,
 * MOD, DEL, shared/ingest/list-delta.ts), or, for a list's first version, every entity once.
 *
 * What is stored is what merges make, and little else, because every item written per entity is list-ingest time:
 * - Blocking keys (identifiers and normalised names, shared/domain/resolve.ts) live in buckets, one item of about
 *   PER_BUCKET entities' keys each (`XBK#<list>#<gen>#<bucket>`): a list of 7,379 entities writes 128 items, not one
 *   per key and entity. A key is found by hashing it to one bucket per list, read in batches of 100.
 * - An entity in no cluster is its own canonical entity, `c:<list>:<sourceId>`, with no item: most entities are such.
 * - A cluster has one META item (members, each one's reason, countries, per-country overlap) and one CANOF item per
 *   member (its canonical id). `CANOVL` counts, per country, the listings of clusters beyond the first, so that
 *   distinct entities per country are the lists' own counts minus it.
 *
 * Per changed entity it reads its listing (and the previous one), its keys' buckets in every list, the listings of
 * its candidates, and its old cluster; it writes its own buckets (merged over a page), and the items of the clusters
 * that changed, with the overlap counters in the same transactions. A re-upload of the same list changes nothing and
 * writes nothing. Nothing reads a whole list except a list's first version (which is written whole anyway).
 *
 * A list's first version (issue 11.7) costs what its merges write, little more: its buckets are put from the keys
 * the ingest collected (unread), its seeds' profiles come from the collector, members of lists none of whose members
 * was ever in a cluster (`clustered` unset in CANLISTS) are known to have no CANOF, META or REF item and are not
 * looked up, a cluster none of whose members was in one is created without reading its META first (the write is
 * conditional on its absence), seeds go in pages of FIRST_PAGE, and META transactions on disjoint counters run side by
 * side. (A projection of other lists' buckets, reading only the keys asked for, was tried for the small lists and was
 * slower on DynamoDB Local: the server reads the whole item either way, and DynamoDB bills the whole item too.)
 *
 * A run that dies anywhere is repaired by the next delivery: it writes a list's `clustered` flag, then referents,
 * then META items with their counters, then CANOF items, so whatever it did not finish is still reachable from
 * members' CANOF items (or found again by the cluster's id) and re-planned against what is stored; counters move
 * only with a META write, never twice (test: 'a first build that dies at any write ...').
 *
 * Known limit: two ingests that touch one cluster at the same moment may each cluster it from what they saw; META
 * writes are conditional (the counters stay exact), and the next ingest of either list settles the membership. A run
 * takes a list it found unflagged at its start to have no member in a cluster until it ends (another ingest that
 * clusters one meanwhile is that same race, over a run rather than a page). A key with more than MAX_BLOCK entries in
 * a list is kept as common ('*') until the list's buckets are next laid out.
 */

const PAGE = 100;
/** Pages of seeds resolved at once (see resolveSeeds). */
const SEED_PAGES = 4;
/**
 * Seeds per page in a first build: its clusters are new, so a page's cost is its round trips and transactions, not
 * its reads; larger pages fill transactions (fewer counter actions) and meet each other less often.
 */
const FIRST_PAGE = 500;
/** Entities read per Query when a version is walked whole. */
const WALK_PAGE = 500;
const PARALLEL = 16;
/** A component grown past this many members stops growing (a safety bound; lists give clusters of a few members). */
const MAX_NODES = 5000;
/** TransactWriteItems of one writeMetas in flight at once (on disjoint counter items). */
const PARALLEL_TXNS = 4;
/** Actions per TransactWriteItems (DynamoDB's limit is 100). */
const MAX_ACTIONS = 90;
/** Entities per bucket when a list's buckets are laid out (a bucket item stays near 10 KB, far below 400 KB). */
const PER_BUCKET = 64;
/** A list grown past this many entities per bucket is laid out again on its next version. */
const MAX_PER_BUCKET = 4 * PER_BUCKET;
/** Key entries a first build holds before it writes its buckets (a few MB): memory stays bounded for any list. */
const BUILD_BUDGET = 200_000;
/**
 * Key entries the ingest's collector keeps (a key and a source id: ~100 bytes, so ~50 MB at most). The benchmark's
 * 100 MB OFAC XML file (53,650 entities) went past 200,000.
 */
const COLLECT_BUDGET = 500_000;
/**
 * Entities whose profiles the collector keeps too (a few hundred bytes each, so a few MB): a first build then reads
 * no listing of its own list. Past that it keeps none, and the seeds' listings are read. 10,000 covers the largest
 * real list (OFAC SDN, 7,379) and keeps the benchmark's 100 MB file (53,650 entities) from holding them for long: its
 * peak RSS was 206–242 MiB with 20,000 (bound: 256).
 */
const COLLECT_PROFILES = 10_000;
/** Entities to resolve a first build keeps from its walk (ids); past that it walks the version again. */
const MAX_SEEDS = 50_000;
/** Buckets kept in memory by one run (each ~10 KB). */
const CACHE_BUCKETS = 4000;
/** Marks a key too common in one list to be followed (more than MAX_BLOCK entries). */
const COMMON = '*';

export interface ResolveDeps {
  store: CanonicalStore;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface ResolveRun {
  list: string;
  /** The list's current version; absent when the list was removed (every entity of `previous` leaves). */
  version?: string | undefined;
  /** The version this one replaced: its change set against it says what to re-resolve. */
  previous?: string | undefined;
  /** Source ids changed in place in `version` (a part file applied to it); their old keys are kept. */
  changed?: readonly string[] | undefined;
  /** Entities in `version` (sizes a first layout of the buckets). */
  entityCount?: number | undefined;
  /** The version's blocking keys, collected as the ingest wrote it: a first build then need not walk the version. */
  collected?: KeyCollector | undefined;
}

/**
 * The blocking keys of a version as the list ingest writes it (issue 11.7): what a first build's walk would read,
 * gathered from the entities in memory at each flush, so resolution does not read the whole version back. Bounded:
 * past COLLECT_BUDGET entries it gives up (and resolution walks the version as before).
 */
export class KeyCollector {
  /** Blocking key → the source id (or ids) of the version's entities carrying it; most keys have one. */
  readonly entries = new Map<string, string | string[]>();
  /** Source id → profile, while the version has at most COLLECT_PROFILES entities (else empty). */
  readonly profiles = new Map<string, Profile>();
  /** Entities added. */
  size = 0;
  complete = true;
  private count = 0;
  constructor(
    readonly list: string,
    readonly version: string,
  ) {}
  add(entities: readonly Record<string, unknown>[]) {
    if (!this.complete) return;
    for (const e of entities) {
      const p = profileOf(e as unknown as ListedEntity);
      const sid = String(e.sourceId);
      this.size++;
      if (this.size <= COLLECT_PROFILES) this.profiles.set(sid, p);
      else if (this.profiles.size) this.profiles.clear();
      for (const k of blockKeysOf(p)) {
        const cur = this.entries.get(k);
        if (cur === undefined) this.entries.set(k, sid);
        else if (typeof cur === 'string') {
          if (cur !== sid) this.entries.set(k, [cur, sid]);
        } else if (!cur.includes(sid)) cur.push(sid);
        this.count++;
      }
    }
    if (this.count > COLLECT_BUDGET) {
      this.complete = false;
      this.entries.clear();
      this.profiles.clear();
    }
  }
  /** The source ids under a key. */
  idsOf(key: string): string[] {
    const v = this.entries.get(key);
    return v === undefined ? [] : typeof v === 'string' ? [v] : v;
  }
}

/**
 * A collector for a new version whose resolution will lay the list's buckets out afresh from every entity: the list's
 * first version, one after a version never resolved, or one outgrowing its layout (and only when no member of the list
 * was ever in a cluster: a rebuild then walks the version to find them). Otherwise undefined: the version is resolved
 * from its change set, and the keys would be memory for nothing (about 100 bytes an entity). One item read.
 */
export async function keyCollectorFor(
  store: Pick<CanonicalStore, 'getItem'>,
  list: string,
  version: string,
  current: { version: string; entityCount: number } | undefined,
): Promise<KeyCollector | undefined> {
  const it = current ? await store.getItem(resolvedListKey(list)) : undefined;
  const whole =
    !it?.gen ||
    (!it.clustered &&
      (String(it.version) !== current!.version || current!.entityCount > Number(it.buckets) * MAX_PER_BUCKET));
  return whole ? new KeyCollector(list, version) : undefined;
}

/** A list as resolution knows it: where its buckets are and which version they describe. */
interface ListState {
  list: string;
  gen: string;
  buckets: number;
  version: string;
  /** Some member of the list has been in a cluster (a rebuild must then look for them; else none can be). */
  clustered?: boolean;
}

type Bucket = { keys: Record<string, string[]>; rev: number | undefined };

/** 32-bit FNV-1a: which bucket a key is in (stable across runtimes; not a security hash). */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
const bucketOf = (key: string, buckets: number) => fnv(key) % buckets;
const pow2AtLeast = (n: number) => 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, n))));

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

/** What one run reads more than once: list states, buckets, listings' profiles and canonical ids. */
class Run {
  readonly states = new Map<string, ListState>();
  /**
   * Lists none of whose members was in a cluster when the run began (their state not `clustered`). A writer flags a
   * list before it writes the first CANOF of one of its members (writeClusters), so a member of such a list has no
   * CANOF, and no canonical id named after it has a META or REF item, but those this run writes itself (in its
   * caches): reads of them are skipped. A concurrent ingest that clusters one of them meanwhile is the known limit
   * of the header (it was already one of reads made moments apart).
   */
  readonly unclustered = new Set<string>();
  /** Lists removed after some member of theirs was in a cluster (their mark in CANLISTS: see removeList). */
  readonly removedClustered = new Set<string>();
  /** Canonical ids this run wrote for members of `unclustered` lists (kept past trim(): they are not read back). */
  private readonly wrote = new Map<string, string | null>();
  /** Canonical ids whose META this run created or removed. */
  readonly named = new Set<string>();
  private readonly buckets = new Map<string, Bucket>();
  readonly profiles = new Map<string, Profile | null>();
  readonly canonicals = new Map<string, string | null>();
  constructor(readonly deps: ResolveDeps) {}

  bucketKey(state: ListState, b: number) {
    return blockBucketKey(state.list, state.gen, b);
  }

  /** Buckets by key, read in batches; a bucket not stored is empty. */
  async readBuckets(keys: readonly { pk: string; sk: string }[]): Promise<Map<string, Bucket>> {
    const missing = [...new Set(keys.map((k) => k.pk))].filter((pk) => !this.buckets.has(pk));
    if (missing.length) {
      const got = new Map(
        (await this.deps.store.getItems(missing.map((pk) => ({ pk, sk: 'B' })))).map((it) => [String(it.pk), it]),
      );
      if (this.buckets.size + missing.length > CACHE_BUCKETS) this.buckets.clear();
      for (const pk of missing) {
        const it = got.get(pk);
        this.buckets.set(pk, {
          keys: (it?.keys as Record<string, string[]> | undefined) ?? {},
          rev: it ? Number(it.rev) : undefined,
        });
      }
    }
    return new Map(keys.map((k) => [k.pk, this.buckets.get(k.pk)!]));
  }

  forget(pk: string) {
    this.buckets.delete(pk);
  }

  remember(pk: string, bucket: Bucket) {
    this.buckets.set(pk, bucket);
  }

  /** Drops what a long walk would otherwise accumulate (caches only: the store has every write). */
  trim() {
    if (this.profiles.size > 20_000) this.profiles.clear();
    if (this.canonicals.size > 20_000) this.canonicals.clear();
  }

  /**
   * The members under a blocking key across every list (but `except`), or undefined when the key is common (more
   * than MAX_BLOCK members): such a key is followed by nobody, as in the in-memory resolver.
   */
  async blocks(keys: readonly string[], except?: string): Promise<Map<string, string[] | undefined>> {
    const wanted = [...new Set(keys)];
    const states = [...this.states.values()].filter((s) => s.list !== except);
    const at = wanted.flatMap((k) => states.map((s) => ({ k, s, key: this.bucketKey(s, bucketOf(k, s.buckets)) })));
    const read = await this.readBuckets(at.map((a) => a.key));
    const out = new Map<string, string[] | undefined>(wanted.map((k) => [k, []]));
    for (const { k, s, key } of at) {
      const cur = out.get(k);
      if (!cur) continue;
      const ids = read.get(key.pk)!.keys[k];
      if (!ids) continue;
      if (ids[0] === COMMON) out.set(k, undefined);
      else {
        const next = [...cur, ...ids.map((id) => listedEntityId(s.list, id))];
        out.set(k, next.length > MAX_BLOCK ? undefined : next);
      }
    }
    return out;
  }

  /** Profiles of listed ids, from their lists' resolved versions (null: no longer listed). */
  async loadProfiles(ids: readonly string[]) {
    const keys: { pk: string; sk: string }[] = [];
    const want: string[] = [];
    for (const id of new Set(ids)) {
      if (this.profiles.has(id)) continue;
      const p = parseEntityId(id);
      const s = p?.kind === 'listed' ? this.states.get(p.list) : undefined;
      if (p?.kind !== 'listed' || !s) {
        this.profiles.set(id, null);
        continue;
      }
      want.push(id);
      keys.push(listedEntityKey(p.list, s.version, p.sourceId));
    }
    for (const id of want) this.profiles.set(id, null);
    for (const it of await this.deps.store.getItems(keys)) {
      const p = profileOf(it as unknown as ListedEntity);
      this.profiles.set(p.id, p);
    }
  }

  /** A member's canonical id as this run just wrote it (null: in no cluster). */
  setCanonical(id: string, canonical: string | null) {
    this.canonicals.set(id, canonical);
    if (this.neverClustered(id)) this.wrote.set(id, canonical);
  }

  /** Whether a listed id's list had no member in a cluster when the run began (see `unclustered`). */
  neverClustered(id: string) {
    const p = parseEntityId(id);
    return p?.kind === 'listed' && this.unclustered.has(p.list);
  }

  /** Canonical ids of listed ids in clusters (null: in none). Members of never clustered lists are read as none. */
  async loadCanonicals(ids: readonly string[]) {
    const want = [...new Set(ids)].filter((id) => !this.canonicals.has(id));
    for (const id of want) this.canonicals.set(id, this.wrote.get(id) ?? null);
    const unread = want.filter((id) => !this.neverClustered(id));
    for (const it of unread.length ? await this.deps.store.getItems(unread.map(canonicalOfKey)) : [])
      this.canonicals.set(String(it.pk).slice('CANOF#'.length), String(it.canonical));
  }
}

/** Resolves what a new version of one list changed. Returns how many entities were re-resolved and removed. */
export async function resolveListVersion(
  run: ResolveRun,
  deps: ResolveDeps,
): Promise<{ changed: number; removed: number }> {
  const r = new Run(deps);
  let after: string | undefined;
  do {
    const page = await deps.store.queryPage(RESOLVED_LISTS_PK, 1000, after);
    for (const it of page.items)
      if (!it.gen && it.clustered) r.removedClustered.add(String(it.sk));
      else if (it.gen && it.version) {
        if (!it.clustered) r.unclustered.add(String(it.sk));
        r.states.set(String(it.sk), {
          list: String(it.sk),
          gen: String(it.gen),
          buckets: Number(it.buckets),
          version: String(it.version),
          ...(it.clustered ? { clustered: true } : {}),
        });
      }
    after = page.last;
  } while (after);
  const known = r.states.get(run.list);

  if (run.version === undefined) {
    // The list is gone: every member of the version it had leaves, then its buckets.
    const removed = known ? await removeList(r, known, run.previous ?? known.version) : 0;
    deps.log?.('resolved list removal', { list: run.list, removed });
    return { changed: 0, removed };
  }
  const version = run.version;
  const count = run.entityCount ?? 0;
  const incremental =
    known &&
    (known.version === version || known.version === run.previous) &&
    (run.previous !== undefined || run.changed !== undefined) &&
    count <= known.buckets * MAX_PER_BUCKET;
  const result = incremental
    ? await resolveChanges(r, known, { ...run, version })
    : await resolveWhole(r, known, { ...run, version });
  deps.log?.('resolved list version', { list: run.list, version, ...result, whole: !incremental });
  return result;
}

/** The changes a version made, as source ids by type (from its change set; `changed` when applied in place). */
async function changesOf(r: Run, run: ResolveRun & { version: string }) {
  const out = { upserted: new Set<string>(run.changed ?? []), deleted: new Set<string>() };
  if (run.previous === undefined || run.previous === run.version) return out;
  // Every shard of the version's changes (keys.ts), each from its `T#` items on; the order does not matter here.
  await Promise.all(
    changePartitions(run.list, run.version).map(async (pk) => {
      let after: string | undefined = 'T#';
      do {
        const page = await r.deps.store.queryPage(pk, 1000, after);
        for (const it of page.items) {
          const sk = String(it.sk);
          if (!sk.startsWith('T#')) continue;
          const [, type, ...rest] = sk.split('#');
          (type === 'DEL' ? out.deleted : out.upserted).add(rest.join('#'));
        }
        after = page.last;
      } while (after);
    }),
  );
  return out;
}

async function resolveChanges(r: Run, state: ListState, run: ResolveRun & { version: string }) {
  const { upserted, deleted } = await changesOf(r, run);
  const list = run.list;
  const previous = run.previous !== undefined && run.previous !== run.version ? run.previous : undefined;
  const ids = [...upserted, ...deleted];
  for (let i = 0; i < ids.length; i += PAGE) {
    const page = ids.slice(i, i + PAGE);
    // Old keys out of the buckets, new keys in: from the listing in the previous version and in this one.
    const before = new Map<string, Profile>();
    const now = new Map<string, Profile>();
    if (previous)
      for (const it of await r.deps.store.getItems(page.map((id) => listedEntityKey(list, previous, id))))
        before.set(String(it.sk), profileOf(it as unknown as ListedEntity));
    for (const it of await r.deps.store.getItems(
      page.filter((id) => !deleted.has(id)).map((id) => listedEntityKey(list, run.version, id)),
    ))
      now.set(String(it.sk), profileOf(it as unknown as ListedEntity));
    const edits = new Map<number, { add: Map<string, Set<string>>; del: Map<string, Set<string>> }>();
    const edit = (b: number) => {
      let e = edits.get(b);
      if (!e) edits.set(b, (e = { add: new Map(), del: new Map() }));
      return e;
    };
    for (const id of page) {
      const oldKeys = new Set(before.has(id) ? blockKeysOf(before.get(id)!) : []);
      const newKeys = new Set(now.has(id) ? blockKeysOf(now.get(id)!) : []);
      for (const k of oldKeys) if (!newKeys.has(k)) addTo(edit(bucketOf(k, state.buckets)).del, k, id);
      for (const k of newKeys) addTo(edit(bucketOf(k, state.buckets)).add, k, id);
    }
    await writeBuckets(r, state, edits);
  }
  // The buckets now say this version: candidates are read from it.
  r.states.set(list, { ...state, version: run.version });
  const seeds = [...upserted].map((id) => listedEntityId(list, id));
  const gone = [...deleted].map((id) => listedEntityId(list, id));
  for (let i = 0; i < gone.length; i += PAGE) await removeMembers(r, gone.slice(i, i + PAGE));
  await resolveSeeds(r, seeds);
  await r.deps.store.putItems([{ ...resolvedListKey(list), ...r.states.get(list)! }]);
  return { changed: upserted.size, removed: deleted.size };
}

/**
 * A list's first version (or one whose buckets no longer describe it): its buckets laid out afresh under a new
 * generation from every entity, then each entity that shares a key with another list (or was in a cluster) is
 * resolved. Two passes over the version; memory bounded by BUILD_BUDGET key entries and a page.
 */
async function resolveWhole(r: Run, old: ListState | undefined, run: ResolveRun & { version: string }) {
  const list = run.list;
  const count = run.entityCount ?? (await countEntities(r, list, run.version));
  const state: ListState = {
    list,
    gen: run.version,
    buckets: pow2AtLeast(Math.ceil(count / PER_BUCKET)),
    version: run.version,
    ...(old?.clustered || r.removedClustered.has(list) ? { clustered: true } : {}),
  };
  // A list without state was never resolved (or was removed when none of its members was in a cluster).
  if (!old && !state.clustered) r.unclustered.add(list);
  // A retry of this layout after a failure merges into what the failed attempt wrote: the same entities, so the same
  // buckets (edits are set additions).
  const c = run.collected;
  if (!old?.clustered && c?.complete && c.list === list && c.version === run.version && c.size === count)
    return resolveCollected(r, state, c, old);
  let pending = new Map<number, { add: Map<string, Set<string>>; del: Map<string, Set<string>> }>();
  let entries = 0;
  // One walk: the list's own keys into its new buckets, and the entities to resolve: those sharing a key with another
  // list (whose buckets are read as they are), and, when the list had buckets before, those in a cluster. Kept up to
  // MAX_SEEDS ids; past that, a second walk finds them against the finished buckets.
  let seeds: string[] | undefined = [];
  let changed = 0;
  for await (const page of versionPages(r, list, run.version)) {
    changed += page.length;
    for (const p of page) {
      const sid = p.id.slice(`l:${list}:`.length);
      for (const k of blockKeysOf(p)) {
        const b = bucketOf(k, state.buckets);
        let e = pending.get(b);
        if (!e) pending.set(b, (e = { add: new Map(), del: new Map() }));
        addTo(e.add, k, sid);
        entries++;
      }
    }
    if (seeds) {
      const found = await seedsOf(r, list, page, old?.clustered === true);
      seeds = seeds.length + found.length > MAX_SEEDS ? undefined : [...seeds, ...found];
    }
    if (entries >= BUILD_BUDGET) {
      await writeBuckets(r, state, pending, true);
      pending = new Map();
      entries = 0;
    }
  }
  await writeBuckets(r, state, pending, true);
  pending = new Map();
  r.states.set(list, state);
  await r.deps.store.putItems([{ ...resolvedListKey(list), ...state }]);
  if (old && old.gen !== state.gen)
    await r.deps.store.deleteKeys(Array.from({ length: old.buckets }, (_, b) => r.bucketKey(old, b)));

  if (seeds) await resolveSeeds(r, seeds);
  else
    for await (const page of versionPages(r, list, run.version)) {
      r.trim();
      const found = await seedsOf(r, list, page, old?.clustered === true);
      if (found.length) await resolveAround(r, found);
    }
  // Members of the version this one replaced that it no longer has leave their clusters.
  let removed = 0;
  if (run.previous && run.previous !== run.version && old) {
    for await (const page of versionPages(r, list, run.previous)) {
      const still = new Set(
        (
          await r.deps.store.getItems(
            page.map((p) => listedEntityKey(list, run.version, p.id.slice(`l:${list}:`.length))),
          )
        ).map((it) => listedEntityId(list, String(it.sk))),
      );
      const gone = page.map((p) => p.id).filter((id) => !still.has(id));
      if (gone.length) await removeMembers(r, gone);
      removed += gone.length;
    }
  }
  return { changed, removed };
}

/**
 * A list's build from the keys its ingest collected (its first version, or a rebuild of a list none of whose members
 * was ever in a cluster): the buckets written from memory, and the entities that share a key with another list
 * resolved (no walk of the version: it was in memory as it was written).
 */
async function resolveCollected(r: Run, state: ListState, c: KeyCollector, old: ListState | undefined) {
  // Keys by bucket, then the buckets written 256 at a time (their items built only then: memory stays near the
  // collector's own). The collector holds every key of the version, so each bucket's content is known whole: it is
  // put as it is, unread (a retry of this build, or a second delivery building it at once, puts the same items).
  const byBucket: string[][] = Array.from({ length: state.buckets }, () => []);
  for (const k of c.entries.keys()) byBucket[bucketOf(k, state.buckets)]!.push(k);
  for (let b0 = 0; b0 < state.buckets; b0 += 256) {
    const items: Record<string, unknown>[] = [];
    for (let b = b0; b < Math.min(state.buckets, b0 + 256); b++) {
      if (!byBucket[b]!.length) continue;
      const keys: Record<string, string[]> = {};
      for (const k of byBucket[b]!) {
        const ids = [...new Set(c.idsOf(k))].sort();
        keys[k] = ids.length > MAX_BLOCK ? [COMMON] : ids;
      }
      const key = r.bucketKey(state, b);
      items.push({ ...key, keys, rev: 1 });
      r.remember(key.pk, { keys, rev: 1 });
    }
    if (items.length) await r.deps.store.putItems(items);
  }
  r.states.set(state.list, state);
  await r.deps.store.putItems([{ ...resolvedListKey(state.list), ...state }]);
  if (old && old.gen !== state.gen)
    await r.deps.store.deleteKeys(Array.from({ length: old.buckets }, (_, b) => r.bucketKey(old, b)));
  // Seeds: the entities under a key another list has too, found a chunk of keys at a time (bucket reads cached).
  const seeds = new Set<string>();
  const keys = [...c.entries.keys()];
  for (let i = 0; i < keys.length; i += 5000) {
    const chunk = keys.slice(i, i + 5000);
    const blocks = await r.blocks(chunk, state.list);
    for (const k of chunk)
      if (blocks.get(k)?.length) for (const sid of c.idsOf(k)) seeds.add(listedEntityId(state.list, sid));
  }
  // The seeds' own profiles as they were written (none read back).
  const prefix = `l:${state.list}:`.length;
  for (const id of seeds) {
    const p = c.profiles.get(id.slice(prefix));
    if (p) r.profiles.set(id, p);
  }
  await resolveSeeds(r, [...seeds], FIRST_PAGE);
  return { changed: c.size, removed: 0 };
}

/**
 * The components around `seeds`, a page of seeds at a time, SEED_PAGES pages at once. Two pages whose components meet
 * grow the same component from the same stored keys and cluster it alike (the clustering is a function of its
 * members' profiles); the second's META writes find the first's (conditional on the revision) and re-plan to no
 * change, so the counters move once.
 */
async function resolveSeeds(r: Run, seeds: readonly string[], size = PAGE) {
  const pages: string[][] = [];
  for (let i = 0; i < seeds.length; i += size) pages.push(seeds.slice(i, i + size));
  let next = 0;
  const worker = async () => {
    while (next < pages.length) {
      const page = pages[next++]!;
      r.trim();
      await resolveAround(r, page);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEED_PAGES, pages.length) }, worker));
}

/** The entities of a page to resolve: sharing a key with another list, or (`clustered`) in a cluster already. */
async function seedsOf(r: Run, list: string, page: readonly Profile[], clustered: boolean): Promise<string[]> {
  if (clustered) await r.loadCanonicals(page.map((p) => p.id));
  const blocks = await r.blocks(
    page.flatMap((p) => blockKeysOf(p)),
    list,
  );
  const shared = (p: Profile) => blockKeysOf(p).some((k) => (blocks.get(k)?.length ?? 0) > 0);
  const out = page.filter((p) => (clustered && r.canonicals.get(p.id)) || shared(p));
  for (const p of out) r.profiles.set(p.id, p);
  return out.map((p) => p.id);
}

async function countEntities(r: Run, list: string, version: string): Promise<number> {
  let n = 0;
  for await (const page of versionPages(r, list, version)) n += page.length;
  return n;
}

/** A version's entities as profiles, a page at a time, shard by shard. */
async function* versionPages(r: Run, list: string, version: string): AsyncGenerator<Profile[]> {
  for (let shard = 0; shard < ENTITY_SHARDS; shard++) {
    let after: string | undefined;
    do {
      // Pages of WALK_PAGE items (an entity item is about 1 KB: a page stays under Query's 1 MB).
      const page = await r.deps.store.queryPage(listedEntityPartition(list, version, shard), WALK_PAGE, after);
      after = page.last;
      if (page.items.length) yield page.items.map((it) => profileOf(it as unknown as ListedEntity));
    } while (after);
  }
}

const addTo = (m: Map<string, Set<string>>, k: string, id: string) => {
  const s = m.get(k);
  if (s) s.add(id);
  else m.set(k, new Set([id]));
};

/**
 * Bucket edits applied read-modify-write, each bucket conditional on its revision (a concurrent ingest of the same
 * list loses nothing: the loser reads again). Buckets whose content does not change are not written.
 */
async function writeBuckets(
  r: Run,
  state: ListState,
  edits: Map<number, { add: Map<string, Set<string>>; del: Map<string, Set<string>> }>,
  fresh = false,
) {
  let todo = [...edits.keys()];
  for (let attempt = 0; todo.length; attempt++) {
    if (attempt > 5) throw new DependencyError(`block buckets of ${state.list} kept changing over five attempts`);
    const keys = todo.map((b) => r.bucketKey(state, b));
    const cur = await r.readBuckets(keys);
    const writes: {
      b: number;
      key: { pk: string; sk: string };
      item: Record<string, unknown>;
      expectRev: number | undefined;
    }[] = [];
    for (const [i, b] of todo.entries()) {
      const key = keys[i]!;
      const bucket = cur.get(key.pk)!;
      const next = applyEdits(bucket.keys, edits.get(b)!);
      if (!next) continue;
      writes.push({ b, key, item: { ...key, keys: next, rev: (bucket.rev ?? 0) + 1 }, expectRev: bucket.rev });
    }
    const retry: number[] = [];
    // A layout being built (a generation no other run reads yet, and only a retry of this one writes): plain batch
    // writes, far cheaper than transactions. Two deliveries of one event building it at once write the same buckets.
    const plain = fresh ? writes.filter((w) => w.expectRev === undefined) : [];
    if (plain.length) {
      await r.deps.store.putItems(plain.map((w) => w.item));
      for (const w of plain) r.remember(w.key.pk, { keys: w.item.keys as Record<string, string[]>, rev: 1 });
    }
    const groups: (typeof writes)[] = [];
    const conditional = plain.length ? writes.filter((w) => w.expectRev !== undefined) : writes;
    for (let i = 0; i < conditional.length; i += MAX_ACTIONS) groups.push(conditional.slice(i, i + MAX_ACTIONS));
    await parallel(groups, async (g) => {
      const res = await r.deps.store.writeCanonicals({ metas: g, counters: [] });
      for (const w of g)
        if (res === 'conflict') r.forget(w.key.pk);
        else r.remember(w.key.pk, { keys: w.item.keys as Record<string, string[]>, rev: w.item.rev as number });
      if (res === 'conflict') retry.push(...g.map((w) => w.b));
    });
    todo = retry;
  }
}

/** A bucket's keys with edits applied; undefined when nothing changes. */
function applyEdits(
  keys: Record<string, string[]>,
  e: { add: Map<string, Set<string>>; del: Map<string, Set<string>> },
): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = { ...keys };
  let changed = false;
  for (const [k, ids] of e.del) {
    const cur = out[k];
    if (!cur || cur[0] === COMMON) continue;
    const left = cur.filter((id) => !ids.has(id));
    if (left.length === cur.length) continue;
    changed = true;
    if (left.length) out[k] = left;
    else delete out[k];
  }
  for (const [k, ids] of e.add) {
    const cur = out[k] ?? [];
    if (cur[0] === COMMON) continue;
    const have = new Set(cur);
    const more = [...ids].filter((id) => !have.has(id));
    if (!more.length) continue;
    changed = true;
    const all = [...cur, ...more].sort();
    out[k] = all.length > MAX_BLOCK ? [COMMON] : all;
  }
  return changed ? out : undefined;
}

/** A removed list: its members leave their clusters, its buckets and its state go. */
async function removeList(r: Run, state: ListState, version: string): Promise<number> {
  let removed = 0;
  for await (const page of versionPages(r, state.list, version)) {
    await removeMembers(
      r,
      page.map((p) => p.id),
    );
    removed += page.length;
  }
  r.states.delete(state.list);
  await r.deps.store.deleteKeys(Array.from({ length: state.buckets }, (_, b) => r.bucketKey(state, b)));
  // A list whose members were in clusters leaves a mark (no layout: no list to resolve against): referents of its
  // members' old clusters outlive it, so when it comes back, runs must not take it for a list never clustered.
  if (state.clustered) await r.deps.store.putItems([{ ...resolvedListKey(state.list), clustered: true }]);
  else await r.deps.store.deleteKeys([resolvedListKey(state.list)]);
  return removed;
}

/** Listed ids no longer listed: out of their clusters, whose other members are clustered again. */
async function removeMembers(r: Run, ids: readonly string[]) {
  for (const id of ids) r.profiles.set(id, null);
  await r.loadCanonicals(ids);
  const clusters = new Set<string>();
  const deletes: { pk: string; sk: string }[] = [];
  for (const id of ids) {
    const c = r.canonicals.get(id);
    if (!c) continue;
    clusters.add(c);
    deletes.push(canonicalOfKey(id));
    r.setCanonical(id, null);
  }
  if (deletes.length) await r.deps.store.deleteKeys(deletes);
  if (clusters.size) await resolveAround(r, [], [...clusters]);
}

interface Meta {
  id: string;
  members: string[];
  overlap: Record<string, number>;
  rev: number;
  [k: string]: unknown;
}

/**
 * Rebuilds the clusters around `seeds` (and the remaining members of `retired` clusters): the seeds' old clusters'
 * members join them (a changed member may have been what held its cluster together), the components are grown over
 * the buckets level by level (each level's reads batched), clustered, and what moved is written.
 */
async function resolveAround(r: Run, seeds: readonly string[], retired: readonly string[] = []) {
  const expanded = new Map<string, Profile>();
  const oldMetas = new Map<string, Meta>();
  const proposed = new Map<string, { m: Merge; votes: number }>();
  const queued = new Set<string>();
  let frontier: string[] = [];
  const enqueue = (ids: Iterable<string>) => {
    for (const id of ids)
      if (!queued.has(id)) {
        queued.add(id);
        frontier.push(id);
      }
  };
  const readClusters = async (ids: readonly string[]) => {
    const fresh = [...new Set(ids)].filter((c) => !oldMetas.has(c));
    if (!fresh.length) return;
    for (const it of await r.deps.store.getItems(fresh.map(canonicalMetaKey))) {
      const meta = it as unknown as Meta;
      oldMetas.set(String(it.id), meta);
      enqueue(meta.members);
    }
  };
  enqueue(seeds);
  await readClusters(retired);
  // The bound grows with the page: a page of seeds is that many components.
  const cap = Math.max(MAX_NODES, 10 * seeds.length);
  while (frontier.length && expanded.size < cap) {
    const level = frontier;
    frontier = [];
    await Promise.all([r.loadProfiles(level), r.loadCanonicals(level)]);
    const nodes = level.filter((id) => r.profiles.get(id));
    await readClusters(nodes.flatMap((id) => r.canonicals.get(id) ?? []));
    const blocks = await r.blocks(nodes.flatMap((id) => blockKeysOf(r.profiles.get(id)!)));
    const candidatesOf = (id: string) => new Set(blockKeysOf(r.profiles.get(id)!).flatMap((k) => blocks.get(k) ?? []));
    await r.loadProfiles([...new Set(nodes.flatMap((id) => [...candidatesOf(id)]))]);
    for (const id of nodes) {
      const me = r.profiles.get(id)!;
      expanded.set(id, me);
      const candidates = [...candidatesOf(id)].flatMap((c) => {
        const p = c !== id ? r.profiles.get(c) : undefined;
        return p ? [p] : [];
      });
      for (const m of mergesOf(me, candidates)) {
        const k = `${m.a}\u0000${m.b}`;
        const v = proposed.get(k) ?? { m, votes: 0 };
        v.votes++;
        proposed.set(k, v);
        enqueue([m.a === id ? m.b : m.a]);
      }
    }
  }
  if (frontier.length) r.deps.log?.('resolution: component capped', { nodes: expanded.size, left: frontier.length });
  // Both ends must propose a merge (the ambiguity rule applies from each side), as in resolveProfiles.
  const accepted = [...proposed.values()]
    .filter((v) => v.votes === 2 && expanded.has(v.m.a) && expanded.has(v.m.b))
    .map((v) => v.m);
  const members = [...expanded.values()].map((p) => ({ id: p.id, list: p.list }));
  const { canonicalOf, joinedBy } = clusterMerges(members, accepted);
  await writeClusters(r, expanded, canonicalOf, joinedBy, oldMetas);
}

async function writeClusters(
  r: Run,
  nodes: Map<string, Profile>,
  canonicalOf: Map<string, string>,
  joinedBy: Map<string, Merge>,
  oldMetas: Map<string, Meta>,
) {
  const byCanonical = new Map<string, Profile[]>();
  for (const [id, p] of nodes) {
    const c = canonicalOf.get(id)!;
    byCanonical.set(c, [...(byCanonical.get(c) ?? []), p]);
  }
  const clusters = new Map([...byCanonical].filter(([, ps]) => ps.length > 1));
  const puts: Record<string, unknown>[] = [];
  const deletes: { pk: string; sk: string }[] = [];
  const movedTo = new Map<string, Map<string, number>>();
  // Clusters none of whose members was in one: their META is not read first (its write is conditional on absence).
  const fresh = new Set(clusters.keys());
  for (const [id] of nodes) {
    const c = canonicalOf.get(id)!;
    const to = clusters.has(c) ? c : undefined;
    const from = r.canonicals.get(id) ?? undefined;
    if (from && to) fresh.delete(to);
    if (from && from !== to) {
      const m = movedTo.get(from) ?? new Map<string, number>();
      const dest = to ?? singletonCanonicalId(id);
      m.set(dest, (m.get(dest) ?? 0) + 1);
      movedTo.set(from, m);
    }
    if (to && from !== to) puts.push({ ...canonicalOfKey(id), canonical: to });
    if (!to && from) deletes.push(canonicalOfKey(id));
    r.setCanonical(id, to ?? null);
  }
  // Lists with a member in a cluster for the first time say so, before the member's CANOF is written: a rebuild of
  // them then looks for their members, and a run that finds a list unflagged may take its members to be in none
  // (Run.unclustered). The state is read again first, so that a version another run resolved since is not undone.
  const listOf = (pk: string) => {
    const e = parseEntityId(pk.slice('CANOF#'.length));
    return e?.kind === 'listed' ? e.list : undefined;
  };
  await Promise.all(
    [...new Set(puts.map((p) => listOf(String(p.pk))))].map(async (l) => {
      const st = l ? r.states.get(l) : undefined;
      if (!st || st.clustered) return;
      st.clustered = true;
      const cur = await r.deps.store.getItem(resolvedListKey(st.list));
      if (!cur?.clustered)
        await r.deps.store.putItems([{ ...resolvedListKey(st.list), ...st, ...cur, clustered: true }]);
    }),
  );
  // Then referents, META items with their counters, and last the members' CANOF items: a run that dies between two
  // of these leaves every META item it did not yet replace reachable from its members' CANOF items, so the retry
  // finds it and plans against it (written the other way round, a dead run's moved CANOF items hid the clusters they
  // left, whose overlap then stayed counted). A META item already written is found again by its id.
  // Clusters no longer there, for ids of old clusters that did not carry over.
  const gone = [...oldMetas.keys()].filter((c) => !clusters.has(c));
  // A retired id still resolves through its member while that member is listed; otherwise a referent says where its
  // members went (harmless beside a META item still there: readers read the META first).
  const refs = gone.flatMap((old) => {
    if (nodes.has(memberOfCanonicalId(old))) return [];
    const to = [...(movedTo.get(old) ?? new Map<string, number>())].sort(
      (x, y) => y[1] - x[1] || x[0].localeCompare(y[0]),
    );
    return to.length ? [{ ...canonicalRefKey(old), mergedInto: to[0]![0] }] : [];
  });
  if (refs.length) await r.deps.store.putItems(refs);
  const created = await writeMetas(
    r,
    [...[...clusters].map(([c, ps]) => [c, ps] as const), ...gone.map((c) => [c, undefined] as const)],
    joinedBy,
    oldMetas,
    fresh,
  );
  if (deletes.length) await r.deps.store.deleteKeys(deletes);
  if (puts.length) await r.deps.store.putItems(puts);
  // A cluster that exists again under an id once retired is no referent any more. An id named after a member of a
  // list never clustered (and not named by this run) never had a cluster, so has no referent to read.
  const maybeRefs = created.filter((c) => r.named.has(c) || !r.neverClustered(memberOfCanonicalId(c)));
  for (const c of [...created, ...gone]) r.named.add(c);
  const revived = (maybeRefs.length ? await r.deps.store.getItems(maybeRefs.map(canonicalRefKey)) : []).map((it) => ({
    pk: String(it.pk),
    sk: String(it.sk),
  }));
  if (revived.length) await r.deps.store.deleteKeys(revived);
}

/** The display name of a cluster: the UN's spelling first (the lists' common reference), then the smallest id's. */
const rank = listRank;

/** Per country, the cluster's listings beyond its first (what distinct counting takes off the lists' sums). */
function overlapOf(profiles: readonly Profile[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of profiles) for (const c of p.countries) out[c] = (out[c] ?? 0) + 1;
  for (const c of Object.keys(out)) if (--out[c]! === 0) delete out[c];
  return out;
}

type MetaWrite = { key: { pk: string; sk: string }; item?: Record<string, unknown>; expectRev: number | undefined };

/** The META write of one cluster against its current item, and its overlap deltas; undefined if unchanged. */
function planMeta(
  canonical: string,
  profiles: readonly Profile[] | undefined,
  joinedBy: Map<string, Merge>,
  cur: Record<string, unknown> | undefined,
): { write: MetaWrite; deltas: Map<string, number> } | undefined {
  const before = (cur?.overlap as Record<string, number> | undefined) ?? {};
  const after = profiles ? overlapOf(profiles) : {};
  const deltas = new Map<string, number>();
  for (const c of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[c] ?? 0) - (before[c] ?? 0);
    if (d) deltas.set(c, d);
  }
  const rev = cur ? Number(cur.rev) : undefined;
  if (!profiles) return cur ? { write: { key: canonicalMetaKey(canonical), expectRev: rev }, deltas } : undefined;
  const sorted = [...profiles].sort((a, b) => rank(a.list) - rank(b.list) || a.id.localeCompare(b.id));
  const reasons: Record<string, { reason: Merge['reason']; with: string }> = {};
  for (const p of profiles) {
    const j = joinedBy.get(p.id);
    if (j) reasons[p.id] = { reason: j.reason, with: j.a === p.id ? j.b : j.a };
  }
  const item = {
    ...canonicalMetaKey(canonical),
    id: canonical,
    name: sorted[0]!.name,
    type: sorted[0]!.type,
    lists: [...new Set(profiles.map((p) => p.list))].sort(),
    members: profiles.map((p) => p.id).sort(),
    reasons,
    countries: [...new Set(profiles.flatMap((p) => p.countries))].sort(),
    overlap: after,
    rev: (rev ?? 0) + 1,
  };
  const same = (k: string) => JSON.stringify(cur?.[k]) === JSON.stringify((item as Record<string, unknown>)[k]);
  if (cur && ['name', 'type', 'lists', 'members', 'reasons', 'countries', 'overlap'].every(same)) return undefined;
  return { write: { key: canonicalMetaKey(canonical), item, expectRev: rev }, deltas };
}

/**
 * META items of many clusters with their overlap counters, in transactions of up to MAX_ACTIONS actions whose
 * deltas are summed per country. A conflict (another ingest moved one of them) retries that group one by one.
 * Returns the clusters created (no META before).
 */
async function writeMetas(
  r: Run,
  entries: readonly (readonly [string, Profile[] | undefined])[],
  joinedBy: Map<string, Merge>,
  known: Map<string, Meta>,
  fresh: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  const unknown = entries.filter(([c]) => !known.has(c) && !fresh.has(c)).map(([c]) => canonicalMetaKey(c));
  const curs = new Map<string, Record<string, unknown>>([...known].map(([c, m]) => [c, m]));
  for (const it of unknown.length ? await r.deps.store.getItems(unknown) : []) curs.set(String(it.id), it);
  const created = entries.filter(([c, ps]) => ps && !curs.has(c)).map(([c]) => c);
  type Plan = { entry: readonly [string, Profile[] | undefined]; write: MetaWrite; deltas: Map<string, number> };
  const write = async (group: Plan[]) => {
    const sums = new Map<string, number>();
    for (const g of group) for (const [c, d] of g.deltas) sums.set(c, (sums.get(c) ?? 0) + d);
    const counters = [...sums].filter(([, d]) => d !== 0).map(([c, delta]) => ({ key: canonicalOverlapKey(c), delta }));
    const res = await r.deps.store.writeCanonicals({ metas: group.map((g) => g.write), counters });
    if (res === 'conflict') for (const g of group) await writeMetaAlone(r, g.entry[0], g.entry[1], joinedBy);
  };
  const plans = entries.flatMap((entry) => {
    const plan = planMeta(entry[0], entry[1], joinedBy, curs.get(entry[0]));
    return plan ? [{ entry, ...plan, by: [...plan.deltas.keys()].sort().join(' ') }] : [];
  });
  // Clusters with the same countries side by side: a transaction then carries more META items and fewer counters.
  // (META writes that move no counter go in transactions of 90 too: one conditional write each was slower on DynamoDB
  // Local, 163 of them 0.74 s busy against 0.22 s for a transaction of 90.)
  plans.sort((a, b) => (a.by < b.by ? -1 : a.by > b.by ? 1 : 0));
  const groups: { plans: Plan[]; countries: Set<string> }[] = [];
  let group: (typeof groups)[number] = { plans: [], countries: new Set() };
  for (const { by: _, ...plan } of plans) {
    const more = [...plan.deltas.keys()].filter((c) => !group.countries.has(c)).length;
    if (group.plans.length + 1 + group.countries.size + more > MAX_ACTIONS) {
      groups.push(group);
      group = { plans: [], countries: new Set() };
    }
    group.plans.push(plan);
    for (const c of plan.deltas.keys()) group.countries.add(c);
  }
  if (group.plans.length) groups.push(group);
  // Transactions that share no counter item run side by side (up to PARALLEL_TXNS); two that share one, one after
  // the other: concurrent transactions on one item conflict (DynamoDB cancels one) and would both be retried alone.
  const busy = new Set<string>();
  const running = new Set<Promise<void>>();
  const queue = [...groups];
  while (queue.length || running.size) {
    const i = running.size < PARALLEL_TXNS ? queue.findIndex((g) => ![...g.countries].some((c) => busy.has(c))) : -1;
    if (i < 0) {
      await Promise.race(running);
      continue;
    }
    const g = queue.splice(i, 1)[0]!;
    for (const c of g.countries) busy.add(c);
    const p: Promise<void> = write(g.plans).finally(() => {
      for (const c of g.countries) busy.delete(c);
      running.delete(p);
    });
    // Its failure is thrown by the race that sees it; one that fails after another already ended the loop is not
    // left unhandled (it would stop a process that runs other work, as the sandbox does).
    p.catch(() => {});
    running.add(p);
  }
  return created;
}

async function writeMetaAlone(
  r: Run,
  canonical: string,
  profiles: Profile[] | undefined,
  joinedBy: Map<string, Merge>,
) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const plan = planMeta(canonical, profiles, joinedBy, await r.deps.store.getItem(canonicalMetaKey(canonical)));
    if (!plan) return;
    const counters = [...plan.deltas].map(([c, delta]) => ({ key: canonicalOverlapKey(c), delta }));
    if ((await r.deps.store.writeCanonicals({ metas: [plan.write], counters })) === 'written') return;
  }
  throw new DependencyError(`canonical entity ${canonical}: its META item kept changing over five attempts`);
}
