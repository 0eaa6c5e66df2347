import {
  changeCountryKey,
  changeKey,
  changeSetKey,
  ENTITY_SHARDS,
  listedDigestKey,
  listedEntityId,
  listedEntityKey,
} from '../domain/keys.ts';
import { type ChangeType, entityHash, judgeEntity, mergeJoin } from '../domain/list-delta.ts';
import type { ListPointer } from '../domain/stored.ts';
import type { ListCatalog } from '../ports.ts';

/**
 * A new list version's changes against the version it replaces, computed while the new version is written
 * (issue 11.3, 11.7):
 *
 * - Each version keeps a digest: every entity's hash, first-seen and last-changed dates, packed DIGEST_PER_BUCKET to
 *   an item (`listedDigestKey`, written before the swap). The next version reads the old digest whole (entities / 500
 *   items, a few MB in memory for the largest official lists: about 100 bytes an entity) and compares each new
 *   entity's hash with it as the flush is written; only an entity whose hash moved has its old item read (for the
 *   fields that changed). Reading the old version's items one by one cost as much as writing them (DynamoDB Local
 *   reads about as fast as it writes; on AWS one item read per entity against one per 500).
 * - ADD and MOD as each flush of new entities is written, so every new item is written once, with its hash, first-seen
 *   and last-changed dates. (A merge-join after the write would find the same changes, but the file comes in its own
 *   order, not key order, so carrying the dates would mean writing every entity a second time.)
 * - DEL: the old digest's entities the new version did not have (their old items read for the change's fields).
 * - A version replaced that has no digest (written before digests, or without a change set) is compared the old way:
 *   its counterparts read by key (one BatchGetItem per 100) and DEL by a merge-join of both versions' keys, shard by
 *   shard, page by page in key order, skipped when every old entity was matched.
 *
 * The change items are written under the new version's partition, where nothing lists them: they become visible when
 * the version's change set is published, after the pointer swap (`publishChangeSet`). A version that is refused or
 * superseded takes its change items with it (`ListCatalog.deleteChanges`).
 *
 * Writes per version: one item per change and one more per country of the changed entity, one change-set item, and
 * entities / 500 digest items. Reads: the old digest (entities / 500 items) and one item per changed entity.
 */
export interface ListDelta {
  /** Adds `hash`, `firstSeen`, `lastChanged` to a flush of new entity items and writes their ADD/MOD changes. */
  annotate(items: Record<string, unknown>[]): Promise<void>;
  /** After the last flush: finds the removed entities, writes their DEL changes and the digest; the counts by type. */
  finish(): Promise<ChangeCounts>;
  /** After `finish`: how many digest buckets the new version has (for its pointer); undefined if none was written. */
  digestBuckets?(): number | undefined;
}

/** Entities per digest bucket, on average (an entry is ~60 bytes: a bucket item stays near 30 KB). */
export const DIGEST_PER_BUCKET = 500;
/** One entity in a digest: `<hash>|<first seen>|<last changed>` (one short string: ~40 bytes an entity in memory). */
type DigestEntry = string;
const digestEntry = (hash: string, firstSeen: string, lastChanged: string): DigestEntry =>
  `${hash}|${firstSeen}|${lastChanged}`;

/** 32-bit FNV-1a of a source id: its digest bucket (stable across runtimes; not a security hash). */
export function digestBucketOf(sourceId: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < sourceId.length; i++) {
    h ^= sourceId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % buckets;
}

/** A whole digest: every bucket, in one batched read (buckets / 100 calls). */
export async function readDigest(
  store: Pick<ListCatalog, 'getItems'>,
  list: string,
  version: string,
  buckets: number,
): Promise<Map<string, DigestEntry>> {
  const out = new Map<string, DigestEntry>();
  const keys = Array.from({ length: buckets }, (_, b) => listedDigestKey(list, version, b));
  for (const it of await store.getItems(keys))
    for (const [id, e] of Object.entries((it.e as Record<string, DigestEntry> | undefined) ?? {})) out.set(id, e);
  return out;
}

/** Entities rewritten in place (a part file applied to the version): their digest entries follow. */
export async function patchDigest(
  store: Pick<ListCatalog, 'getItems' | 'putItems'>,
  list: string,
  version: string,
  buckets: number,
  entities: readonly Record<string, unknown>[],
): Promise<void> {
  const by = new Map<number, Record<string, unknown>[]>();
  for (const e of entities) {
    const b = digestBucketOf(String(e.sourceId), buckets);
    by.set(b, [...(by.get(b) ?? []), e]);
  }
  const items = await store.getItems([...by.keys()].map((b) => listedDigestKey(list, version, b)));
  const stored = new Map(items.map((it) => [String(it.sk), it]));
  const out = [...by].map(([b, es]) => {
    const key = listedDigestKey(list, version, b);
    const e = { ...((stored.get(key.sk)?.e as Record<string, DigestEntry> | undefined) ?? {}) };
    for (const x of es) e[String(x.sourceId)] = digestEntry(String(x.hash), String(x.firstSeen), String(x.lastChanged));
    return { ...key, e };
  });
  for (let i = 0; i < out.length; i += 100) await store.putItems(out.slice(i, i + 100));
}

/** A digest as items: entries spread over pow2(entities / DIGEST_PER_BUCKET) buckets. */
export function digestItems(
  list: string,
  version: string,
  entries: ReadonlyMap<string, DigestEntry>,
  buckets = 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, entries.size / DIGEST_PER_BUCKET)))),
): { buckets: number; items: Record<string, unknown>[] } {
  const by: Record<string, DigestEntry>[] = Array.from({ length: buckets }, () => ({}));
  for (const [id, e] of entries) by[digestBucketOf(id, buckets)]![id] = e;
  return { buckets, items: by.map((e, b) => ({ ...listedDigestKey(list, version, b), e })) };
}

export type ChangeCounts = Record<ChangeType, number>;

export type DeltaStore = Pick<ListCatalog, 'getItems' | 'pageListShard' | 'putItems'>;

/** Attributes of the old items the DEL sweep needs (the rest of an item is not read). */
const DEL_FIELDS = ['sk', 'name', 'type', 'countries', 'firstSeen', 'lastChanged'];
/** Keys read per page of the DEL sweep (a projected key is a few dozen bytes: far below a 1 MB Query page). */
const PAGE = 1000;

export function startListDelta(a: {
  store: DeltaStore;
  list: string;
  version: string;
  /** The version being replaced; none for a list's first version (nothing changed: everything is its start). */
  current: ListPointer | undefined;
  /** When the version's content was published (ISO); its day is the date of the changes. */
  changedAt: string;
}): ListDelta {
  const { store, list, version, current, changedAt } = a;
  const day = changedAt.slice(0, 10);
  const since = listSince(current, day);
  const counts: ChangeCounts = { ADD: 0, MOD: 0, DEL: 0 };
  let matched = 0;
  const previous = current && current.version !== version ? current : undefined;
  /** The old version's digest, read on the first flush (undefined: it has none, items are read one by one). */
  let oldDigest: Promise<Map<string, DigestEntry>> | undefined;
  const digest = new Map<string, DigestEntry>();
  let written: number | undefined;

  /** The old items a flush is judged against: by the digest, only those whose hash moved; else all of them. */
  const oldItemsFor = async (items: Record<string, unknown>[]) => {
    const old = new Map<string, Record<string, unknown>>();
    if (!previous) return old;
    let ids = items.map((i) => String(i.sourceId));
    if (previous.digestBuckets) {
      oldDigest ??= readDigest(store, list, previous.version, previous.digestBuckets);
      const d = await oldDigest;
      ids = [];
      for (const item of items) {
        const id = String(item.sourceId);
        const e = d.get(id);
        if (!e) continue;
        // Unchanged: the digest carries what the old item would give (its hash and dates).
        const [hash, firstSeen, lastChanged] = e.split('|');
        if (hash === entityHash(item)) old.set(id, { sourceId: id, hash, firstSeen, lastChanged });
        else ids.push(id);
      }
    }
    for (const it of await store.getItems(ids.map((id) => listedEntityKey(list, previous.version, id))))
      old.set(String(it.sk), it);
    return old;
  };

  return {
    digestBuckets: () => written,
    async annotate(items) {
      const old = await oldItemsFor(items);
      const changes: Record<string, unknown>[] = [];
      for (const item of items) {
        const before = old.get(String(item.sourceId));
        const v = judgeEntity(before, item, previous ? day : since, since);
        item.hash = v.hash;
        item.firstSeen = v.dates.firstSeen;
        item.lastChanged = v.dates.lastChanged;
        digest.set(String(item.sourceId), digestEntry(v.hash, v.dates.firstSeen, v.dates.lastChanged));
        if (!previous) continue;
        if (before) matched++;
        if (!v.change) continue;
        counts[v.change]++;
        changes.push(
          ...changeItems({
            list,
            version,
            previousVersion: previous.version,
            changedAt,
            type: v.change,
            entity: item,
            ...(v.change === 'MOD' ? { fields: v.fields, before } : {}),
          }),
        );
      }
      if (changes.length) await store.putItems(changes);
    },

    async finish() {
      await removed();
      const d = digestItems(list, version, digest);
      for (let i = 0; i < d.items.length; i += 100) await store.putItems(d.items.slice(i, i + 100));
      written = d.buckets;
      return counts;
    },
  };

  /** The items of one removed entity's DEL change, counted. */
  function deleted(old: Record<string, unknown>, sourceId: string) {
    counts.DEL++;
    const firstSeen = typeof old.firstSeen === 'string' ? old.firstSeen : since;
    return changeItems({
      list,
      version,
      previousVersion: previous!.version,
      changedAt,
      type: 'DEL',
      entity: { ...old, sourceId, firstSeen, lastChanged: day },
    });
  }

  /** The DEL changes: from the old digest, or by a merge-join of both versions' keys when it has none. */
  async function removed() {
    if (!previous || matched >= previous.entityCount) return;
    if (previous.digestBuckets) {
      const gone = [...(await (oldDigest ??= readDigest(store, list, previous.version, previous.digestBuckets)))]
        .filter(([id]) => !digest.has(id))
        .map(([id]) => id);
      for (let i = 0; i < gone.length; i += PAGE) {
        const out: Record<string, unknown>[] = [];
        for (const it of await store.getItems(
          gone.slice(i, i + PAGE).map((id) => listedEntityKey(list, previous.version, id)),
        )) {
          out.push(...deleted(pick(it, DEL_FIELDS), String(it.sk)));
        }
        if (out.length) await store.putItems(out);
      }
      return;
    }
    // The shards are independent: swept at once (two pages of keys each in memory).
    const sweep = async (shard: number) => {
      let out: Record<string, unknown>[] = [];
      const rows = mergeJoin(
        pages(store, list, previous.version, shard, DEL_FIELDS),
        pages(store, list, version, shard, ['sk']),
        (o) => String(o.sk),
        (n) => String(n.sk),
      );
      for await (const row of rows) {
        if (!row.left || row.right) continue;
        out.push(...deleted(row.left, row.key));
        if (out.length >= PAGE) {
          await store.putItems(out);
          out = [];
        }
      }
      if (out.length) await store.putItems(out);
    };
    await Promise.all(Array.from({ length: ENTITY_SHARDS }, (_, shard) => sweep(shard)));
  }
}

const pick = (it: Record<string, unknown>, fields: readonly string[]) =>
  Object.fromEntries(fields.filter((f) => f in it).map((f) => [f, it[f]]));

/** The day a list's history starts: its first version we ingested (older pointers lack it: their swap day). */
export function listSince(current: ListPointer | undefined, day: string): string {
  return current?.since ?? current?.swappedAt.slice(0, 10) ?? day;
}

/** One shard of a version in key order, a page at a time. */
async function* pages(
  store: DeltaStore,
  list: string,
  version: string,
  shard: number,
  fields: string[],
): AsyncGenerator<Record<string, unknown>> {
  let after: string | undefined;
  do {
    const page = await store.pageListShard(list, version, shard, { limit: PAGE, fields, ...(after ? { after } : {}) });
    yield* page.items;
    after = page.last;
  } while (after !== undefined);
}

/** A list entity's country codes (its `countries` are `{ code, roles }`). */
export const codesOf = (e: Record<string, unknown> | undefined): string[] =>
  Array.isArray(e?.countries) ? (e.countries as { code?: unknown }[]).map((c) => String(c.code)) : [];

/**
 * The items of one change: the change, and a copy filed under each country the entity has (for a MOD, had or has:
 * a `country=` filter finds an entity that left the country too).
 */
export function changeItems(c: {
  list: string;
  version: string;
  previousVersion: string;
  changedAt: string;
  type: ChangeType;
  entity: Record<string, unknown>;
  fields?: string[];
  before?: Record<string, unknown> | undefined;
}): Record<string, unknown>[] {
  const sourceId = String(c.entity.sourceId);
  const countries = codesOf(c.entity);
  const body = {
    list: c.list,
    version: c.version,
    previousVersion: c.previousVersion,
    changedAt: c.changedAt,
    type: c.type,
    entityId: listedEntityId(c.list, sourceId),
    sourceId,
    name: String(c.entity.name),
    entityType: String(c.entity.type),
    countries,
    ...(c.fields ? { fields: c.fields } : {}),
    firstSeen: String(c.entity.firstSeen),
    lastChanged: String(c.entity.lastChanged),
  };
  const filed = [...new Set([...countries, ...codesOf(c.before)])];
  return [
    { ...changeKey(c.list, c.version, c.type, sourceId), ...body },
    ...filed.map((cc) => ({ ...changeCountryKey(c.list, c.version, cc, c.type, sourceId), ...body })),
  ];
}

/** Makes a swapped-in version's changes visible: one item in its list's change sets and the cross-list index. */
export async function publishChangeSet(store: Pick<ListCatalog, 'putItems'>, p: ListPointer): Promise<void> {
  const c = p.changes;
  if (!c || c.ADD + c.MOD + c.DEL === 0) return;
  await store.putItems([
    {
      ...changeSetKey(p.list, c.at, p.version),
      list: p.list,
      version: p.version,
      previousVersion: c.previous,
      changedAt: c.at,
      ADD: c.ADD,
      MOD: c.MOD,
      DEL: c.DEL,
    },
  ]);
}
