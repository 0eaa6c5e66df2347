import { changeCountryKey, changeKey, changeSetKey, listedEntityKey } from '../domain/keys.ts';
import { addToAggregate, type ListAggregate, mergeEntity } from '../domain/list-aggregate.ts';
import { type ChangeType, entityHash, judgeEntity } from '../domain/list-delta.ts';
import { ListedEntitySchema, type ListedEntity } from '../domain/model.ts';
import type { EntityPatch, ParsedRecord } from '../domain/sanctions/types.ts';
import type { IngestStatus, ListPointer } from '../domain/stored.ts';
import type { ListCatalog } from '../ports.ts';
import type { ResolveRun } from './resolve-lists.ts';
import { changeItems, listSince, patchDigest, publishChangeSet } from './list-delta.ts';

/**
 * OFAC part files (add.csv, alt.csv, sdn_comments.csv) as deltas of the current version (issue 11.6). A part that
 * arrives after its primary used to rebuild the whole version (7,379 entities written once per file of the set); now,
 * when the current version was built from the same primary and the other parts present (their ETags unchanged), the
 * part is applied to that version in place and only the entities it changes are written. Whatever the arrival order,
 * the set ends as the version a full rebuild of it gives (same entities in normal form, same aggregates, same changes
 * against the previous version): a part merges by union (list-aggregate.ts `mergeEntity`), which does not depend on
 * order once normalised (domain/list-delta.ts `normalForm`).
 *
 * One part applies at a time: the pointer is claimed (a conditional write naming the set it will make, with the
 * aggregates and change counts computed before any write), the entities are written, and the pointer takes the new
 * set conditionally. A retry after a crash finds its own claim and writes the same items again (they are
 * idempotent); a concurrent part finds the claim and waits for it, then starts over on the set that is then current.
 * Readers of the version may see some of a part's entities enriched before others for the seconds it takes: a part
 * only adds aliases, addresses and remarks to entities that are there, and nothing is removed meanwhile.
 *
 * Reads per part: the entities it names (by key), and their counterparts in the previous version when the version
 * has changes. Writes: the entities whose normal form changed, their change items, the pointer twice.
 */
export interface SetFile {
  name: string;
  etag: string;
}

/** The set identity a pointer records: `name=etag` of the primary and each part, `|`-separated. */
function setMembers(etag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of etag.split('|')) {
    const i = m.lastIndexOf('=');
    if (i > 0) out.set(m.slice(0, i), m.slice(i + 1));
  }
  return out;
}

/**
 * The parts that extend the current set, if the current version is that set's primary and parts with one or more
 * parts added and nothing else changed; otherwise undefined (a full rebuild is due: a new primary, a replaced or
 * removed part, an OpenSanctions delta applied on top).
 */
export function extendsCurrentSet<F extends SetFile>(
  current: ListPointer,
  primary: F,
  parts: readonly F[],
): F[] | undefined {
  if (current.appliedDeltas?.length || current.key !== primary.name) return undefined;
  const members = setMembers(current.etag);
  if (members.get(primary.name) !== primary.etag) return undefined;
  const have = new Set(current.parts ?? []);
  if (members.size !== have.size + 1) return undefined;
  for (const name of have) if (!parts.some((p) => p.name === name && members.get(name) === p.etag)) return undefined;
  const added = parts.filter((p) => !have.has(p.name));
  return added.length ? added : undefined;
}

function removeFromAggregate(agg: ListAggregate, e: ListedEntity): void {
  agg.entityCount--;
  agg.byType[e.type] = (agg.byType[e.type] ?? 0) - 1;
  if (!agg.byType[e.type]) delete agg.byType[e.type];
  for (const code of new Set(e.countries.map((c) => c.code))) {
    const t = agg.byCountry[code];
    if (!t) continue;
    t[e.type] = (t[e.type] ?? 0) - 1;
    if (!t[e.type]) delete t[e.type];
    if (!Object.keys(t).length) delete agg.byCountry[code];
  }
}

const LEASE_MS = 5 * 60_000;
const GET_BATCH = 100;

type Status = Omit<IngestStatus, 'updatedAt' | 'durationMs'>;

export async function applyPartsInPlace<F extends SetFile>(a: {
  deps: {
    store: Pick<
      ListCatalog,
      'getItems' | 'putItems' | 'deleteKeys' | 'claimListPointer' | 'finishListPointer' | 'getListPointer'
    > &
      Pick<ListCatalog, 'putListVersion'>;
    now?: () => number;
    onListsChanged?: () => Promise<void>;
    /** Cross-list resolution re-evaluates the entities the part changed (their profile hash moved). */
    onListVersionChanged?: (run: ResolveRun) => Promise<void>;
  };
  list: string;
  current: ListPointer;
  added: F[];
  setEtag: string;
  base: Status;
  done: (s: Status) => Promise<IngestStatus>;
  read: (part: F) => Promise<AsyncIterable<ParsedRecord>>;
  /** Between looks at a pointer another part holds. */
  pollMs?: number;
}): Promise<IngestStatus | 'start-over'> {
  const { deps, list, current, setEtag } = a;
  const { store } = deps;
  const now = deps.now ?? Date.now;

  // The parts' patches, in memory as a full rebuild holds them (a part is small beside its primary).
  const patches = new Map<string, EntityPatch[]>();
  const rejections: { where: string; reason: string }[] = [];
  let rejected = 0;
  for (const part of a.added)
    for await (const rec of await a.read(part)) {
      if (rec.kind === 'reject') {
        rejected++;
        if (rejections.length < 20) rejections.push({ where: `${part.name} ${rec.where}`, reason: rec.reason });
      } else if (rec.kind === 'enrich') patches.set(rec.sourceId, [...(patches.get(rec.sourceId) ?? []), rec.patch]);
    }

  // What the part changes, before anything is written: the entities, their changes, the aggregates.
  const changes = current.changes;
  const day = (changes?.at ?? current.swappedAt).slice(0, 10);
  const since = listSince(current, day);
  const agg: ListAggregate = structuredClone({
    entityCount: current.entityCount,
    byType: current.byType,
    byCountry: current.byCountry,
  });
  const counts = { ADD: changes?.ADD ?? 0, MOD: changes?.MOD ?? 0, DEL: changes?.DEL ?? 0 };
  const entities: Record<string, unknown>[] = [];
  const changeWrites: Record<string, unknown>[] = [];
  const stale: { pk: string; sk: string }[] = [];
  const ids = [...patches.keys()];
  for (let i = 0; i < ids.length; i += GET_BATCH) {
    const slice = ids.slice(i, i + GET_BATCH);
    const items = await store.getItems(slice.map((id) => listedEntityKey(list, current.version, id)));
    const prev = new Map<string, Record<string, unknown>>();
    if (changes)
      for (const it of await store.getItems(slice.map((id) => listedEntityKey(list, changes.previous, id))))
        prev.set(String(it.sk), it);
    for (const item of items) {
      const id = String(item.sk);
      let merged = item as unknown as ListedEntity;
      for (const p of patches.get(id) ?? []) merged = mergeEntity(merged, p);
      const parsed = ListedEntitySchema.safeParse(merged);
      if (!parsed.success) {
        rejected++;
        if (rejections.length < 20)
          rejections.push({ where: `entity ${id}`, reason: parsed.error.issues.map((x) => x.message).join('; ') });
        continue;
      }
      const hash = entityHash(merged as unknown as Record<string, unknown>);
      const oldHash = typeof item.hash === 'string' ? item.hash : entityHash(item);
      if (hash === oldHash) continue; // nothing the part adds is new to this entity
      removeFromAggregate(agg, ListedEntitySchema.parse(item));
      addToAggregate(agg, parsed.data);
      const next: Record<string, unknown> = { ...(merged as unknown as Record<string, unknown>), hash };
      if (changes) {
        // The entity's change against the previous version, before and after the part: counts move, items are redone.
        const before = prev.get(id);
        const was = judgeEntity(before, item, day, since);
        const is = judgeEntity(before, next, day, since);
        if (was.change) counts[was.change]--;
        if (is.change) counts[is.change]++;
        next.firstSeen = is.dates.firstSeen;
        next.lastChanged = is.dates.lastChanged;
        for (const t of ['ADD', 'MOD'] as ChangeType[]) {
          stale.push(changeKey(list, current.version, t, id));
          for (const cc of new Set([...codes(item), ...codes(before)]))
            stale.push(changeCountryKey(list, current.version, cc, t, id));
        }
        if (is.change)
          changeWrites.push(
            ...changeItems({
              list,
              version: current.version,
              previousVersion: changes.previous,
              changedAt: changes.at,
              type: is.change,
              entity: next,
              ...(is.change === 'MOD' ? { fields: is.fields, before } : {}),
            }),
          );
      }
      entities.push(next);
    }
  }

  // Claim the pointer for this set, unless a retry of ours holds it already.
  const patching = {
    etag: setEtag,
    until: now() + LEASE_MS,
    parts: [...(current.parts ?? []), ...a.added.map((p) => p.name)],
    ...(current.patching?.etag === setEtag ? pickAgg(current.patching) : agg),
    ...(changes ? { changes: current.patching?.etag === setEtag ? (current.patching.changes ?? counts) : counts } : {}),
  };
  if (!(await store.claimListPointer(list, current.etag, patching, now()))) {
    // Another part of the set holds it: wait until it is done (or its claim lapses), then start over on that set.
    for (;;) {
      await new Promise((r) => setTimeout(r, a.pollMs ?? 250));
      const p = await store.getListPointer(list);
      if (!p || p.etag !== current.etag || !p.patching || p.patching.until < now()) return 'start-over';
    }
  }

  // Stale change items out, new ones in, then the entities; the pointer names the set only once all are in. In this
  // order a retry after a crash at any step redoes what is missing: an entity already written is skipped (nothing
  // new to it), and its change items were written before it.
  const written = entities.length;
  const rewritten = new Set(changeWrites.map((w) => `${w.pk}\n${w.sk}`));
  const staleKeys = stale.filter((k) => !rewritten.has(`${k.pk}\n${k.sk}`));
  if (staleKeys.length) await store.deleteKeys(staleKeys);
  const writes = [...changeWrites, ...entities];
  for (let i = 0; i < writes.length; i += 500) await store.putItems(writes.slice(i, i + 500));
  // The version's digest follows its entities (the next version's change set is judged against it). A part applied
  // under the pointer's claim: no other writer of this version meanwhile.
  if (current.digestBuckets) await patchDigest(store, list, current.version, current.digestBuckets, entities);

  const next: ListPointer = {
    ...current,
    etag: setEtag,
    parts: patching.parts,
    entityCount: patching.entityCount,
    byType: patching.byType,
    byCountry: patching.byCountry,
    ...(changes && patching.changes ? { changes: { ...changes, ...patching.changes } } : {}),
    swappedAt: new Date(now()).toISOString(),
  };
  if (!(await store.finishListPointer(next, current.etag))) {
    const p = await store.getListPointer(list);
    if (p?.etag !== setEtag) return 'start-over'; // a newer primary won meanwhile: its version is the one to extend
  }
  await store.putListVersion(list, current.version, {
    status: 'current',
    key: current.key,
    etag: setEtag,
    entityCount: next.entityCount,
  });
  if (changes) {
    const c = next.changes!;
    const { pk, sk } = changeSetKey(list, c.at, current.version);
    if (c.ADD + c.MOD + c.DEL === 0) await store.deleteKeys([{ pk, sk }]);
    else await publishChangeSet(store, next);
  }
  await deps.onListVersionChanged?.({
    list,
    version: current.version,
    changed: entities.map((e) => String(e.sourceId)),
    entityCount: next.entityCount,
  });
  await deps.onListsChanged?.();
  return a.done({
    ...a.base,
    version: current.version,
    records: { read: patches.size, written, rejected },
    ...(rejections.length ? { rejections } : {}),
  });
}

const codes = (e: Record<string, unknown> | undefined): string[] =>
  Array.isArray(e?.countries) ? (e.countries as { code: string }[]).map((c) => c.code) : [];

const pickAgg = (p: NonNullable<ListPointer['patching']>): ListAggregate => ({
  entityCount: p.entityCount,
  byType: p.byType,
  byCountry: p.byCountry,
});
