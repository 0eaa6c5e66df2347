import {
  changeCountryKey,
  changeKey,
  changeSetKey,
  ENTITY_SHARDS,
  listedEntityId,
  listedEntityKey,
} from '../domain/keys.ts';
import { type ChangeType, judgeEntity, mergeJoin } from '../domain/list-delta.ts';
import type { ListPointer } from '../domain/stored.ts';
import type { ListCatalog } from '../ports.ts';

/**
 * A new list version's changes against the version it replaces, computed while the new version is written
 * (issue 11.3), in memory bounded by one flush of entities and one page per shard:
 *
 * - ADD and MOD as each flush of new entities is written: their counterparts in the old version are read by key
 *   (one BatchGetItem per 100), which also gives the dates to carry, so every new item is written once, with its
 *   hash, first-seen and last-changed dates. (A merge-join after the write would find the same changes, but the
 *   file comes in its own order, not key order, so carrying the dates would mean writing every entity a second time.)
 * - DEL by a merge-join of both versions' keys, shard by shard, page by page in key order: the old keys the new
 *   version lacks. Skipped when every old entity was matched (no entity can be missing then).
 *
 * The change items are written under the new version's partition, where nothing lists them: they become visible when
 * the version's change set is published, after the pointer swap (`publishChangeSet`). A version that is refused or
 * superseded takes its change items with it (`ListCatalog.deleteChanges`).
 *
 * Writes per version: one item per change and one more per country of the changed entity, plus one change-set item.
 * Reads: one per new entity (by key) and, when something was removed, the keys of both versions once.
 */
export interface ListDelta {
  /** Adds `hash`, `firstSeen`, `lastChanged` to a flush of new entity items and writes their ADD/MOD changes. */
  annotate(items: Record<string, unknown>[]): Promise<void>;
  /** After the last flush: finds the removed entities, writes their DEL changes; the counts by type. */
  finish(): Promise<ChangeCounts>;
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

  return {
    async annotate(items) {
      const old = new Map<string, Record<string, unknown>>();
      if (previous)
        for (const it of await store.getItems(
          items.map((i) => listedEntityKey(list, previous.version, String(i.sourceId))),
        ))
          old.set(String(it.sk), it);
      const changes: Record<string, unknown>[] = [];
      for (const item of items) {
        const before = old.get(String(item.sourceId));
        const v = judgeEntity(before, item, previous ? day : since, since);
        item.hash = v.hash;
        item.firstSeen = v.dates.firstSeen;
        item.lastChanged = v.dates.lastChanged;
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
      if (!previous || matched >= previous.entityCount) return counts;
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
          counts.DEL++;
          const firstSeen = typeof row.left.firstSeen === 'string' ? row.left.firstSeen : since;
          out.push(
            ...changeItems({
              list,
              version,
              previousVersion: previous.version,
              changedAt,
              type: 'DEL',
              entity: { ...row.left, sourceId: row.key, firstSeen, lastChanged: day },
            }),
          );
          if (out.length >= PAGE) {
            await store.putItems(out);
            out = [];
          }
        }
        if (out.length) await store.putItems(out);
      };
      await Promise.all(Array.from({ length: ENTITY_SHARDS }, (_, shard) => sweep(shard)));
      return counts;
    },
  };
}

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

const codesOf = (e: Record<string, unknown> | undefined): string[] =>
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
