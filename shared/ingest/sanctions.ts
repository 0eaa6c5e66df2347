import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { decodeStream } from '../domain/encoding.ts';
import { foldName } from '../domain/entity-rows.ts';
import { ENTITY_SHARDS, listedAliasKey, listedEntityKey, listedEntityNameIndexKey } from '../domain/keys.ts';
import { addToAggregate, emptyAggregate, mergeEntity } from '../domain/list-aggregate.ts';
import { ListedEntitySchema, type ListedEntity } from '../domain/model.ts';
import type { DetectHint, EntityPatch, FileSummary, ListFormat, ParsedRecord } from '../domain/sanctions/types.ts';
import type { IngestStatus, ListPointer } from '../domain/stored.ts';
import type { IngestLog, ListCatalog } from '../ports.ts';
import type { KeyCollector, ResolveRun } from './resolve-lists.ts';
import type { ObjectRef } from '../adapters/s3-event.ts';
import type { S3Source } from '../adapters/s3-source.ts';
import { InvalidInputError } from '../errors.ts';
import { listSince, publishChangeSet, startListDelta } from './list-delta.ts';
import { applyPartsInPlace, extendsCurrentSet } from './part-delta.ts';
import { quarantine } from './quarantine.ts';
import { openZip } from './zip.ts';

export interface SanctionsDeps {
  source: S3Source;
  store: ListCatalog & IngestLog;
  detect: (hint: DetectHint) => ListFormat | undefined;
  describeExpected: () => string;
  maxBytes: number;
  /** A new version smaller than this fraction of the current one is refused unless forced. */
  shrinkGuard: number;
  now?: () => number;
  /** Entities written per flush (parallel BatchWriteItem underneath). */
  flushSize?: number;
  /**
   * Called after a list's current version changed (rebuild the name index, relink articles), with what belongs to
   * this call: its deadline (issue 14.5: two batches on one module instance must not share one).
   */
  onListsChanged?: (call: IngestCall) => Promise<void>;
  /**
   * Called once a list's current version changed: `version` is current, `previous` the one it replaced (still
   * stored); no `version` when the list was removed (cross-list resolution, issue 11.1).
   */
  onListVersionChanged?: (run: ResolveRun) => Promise<void>;
  /**
   * How a version's change set is found while it is written (shared/ingest/list-delta.ts). Swapped only by the
   * ingest benchmark, to measure what deltas add to a list ingest beside an ingest without them.
   */
  listDelta?: typeof startListDelta;
  /** Gathers a new version's blocking keys as it is written, for cross-list resolution after the swap (issue 11.7). */
  collectKeys?: (
    list: string,
    version: string,
    current: ListPointer | undefined,
  ) => Promise<KeyCollector | undefined> | KeyCollector | undefined;
}

/** What belongs to one invocation, passed down the call (never kept in module state). */
export interface IngestCall {
  /** Epoch ms by which follow-up work (relinking) must stop, leaving the rest to a retry. */
  deadline?: number;
}

/** The deps with the hook bound to one call. */
type BoundDeps = Omit<SanctionsDeps, 'onListsChanged'> & {
  onListsChanged?: () => Promise<void>;
  unbound: SanctionsDeps;
  call: IngestCall;
};

const HEAD_CHARS = 16 * 1024;
const HEAD_BYTES = 64 * 1024;
const MAX_REJECTIONS_KEPT = 20;

/** One file of a list: an object, a sibling object in the same folder, or an entry of a zip. */
interface ListFile {
  name: string;
  etag: string;
  format: ListFormat;
  head: string;
  open(): Promise<AsyncIterable<Uint8Array>>;
}

type Status = Omit<IngestStatus, 'updatedAt' | 'durationMs'>;
const ZERO = { read: 0, written: 0, rejected: 0 };

/**
 * Ingests a list file as a new version of its list and swaps the list's current pointer to it, only forward and only
 * if the version is complete and sane (design §3). Readers follow the pointer, so they never see a half-written list.
 *
 * Lists that come as a set (OFAC's sdn.csv + add.csv + alt.csv + sdn_comments.csv) may arrive as separate objects in
 * one folder, in any order, or as one zip: the primary file alone is a complete list, the parts enrich it. Whichever
 * file arrives, the version is rebuilt from the primary and the parts present at that moment.
 */
export async function reconcileSanctionsObject(
  ref: ObjectRef,
  sanctionsDeps: SanctionsDeps,
  call: IngestCall = {},
): Promise<IngestStatus> {
  const { onListsChanged: hook, ...rest } = sanctionsDeps;
  const deps: BoundDeps = {
    ...rest,
    unbound: sanctionsDeps,
    call,
    ...(hook ? { onListsChanged: () => hook(call) } : {}),
  };
  const now = deps.now ?? Date.now;
  const started = now();
  const done = async (s: Status): Promise<IngestStatus> => {
    const full: IngestStatus = { ...s, durationMs: now() - started, updatedAt: new Date(now()).toISOString() };
    await deps.store.putIngestStatus(full);
    return full;
  };
  const refuse = async (err: InvalidInputError, extra: Partial<IngestStatus> = {}) => {
    await quarantine(deps.source, ref.key, err, extra.format);
    return done({
      key: ref.key,
      status: 'quarantined',
      records: ZERO,
      error: `${err.message}${err.where ? ` (at ${err.where})` : ''}`,
      ...extra,
    });
  };

  let obj;
  try {
    obj = await deps.source.get(ref.key, deps.maxBytes);
  } catch (err) {
    if (err instanceof InvalidInputError) return refuse(err);
    throw err;
  }
  if (!obj) return removeObject(ref, deps, done);
  // Long files: say at once that work has started (`radar put` and the dashboard show it).
  await deps.store.putIngestStatus({
    key: ref.key,
    status: 'processing',
    etag: obj.etag,
    records: ZERO,
    updatedAt: new Date(now()).toISOString(),
  });

  let closeZip: (() => void) | undefined;
  try {
    // What this object is: a zip of list files, or one list file.
    const first = await peek(obj.body);
    let files: ListFile[];
    if (first.bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
      const zip = await openZip(first.body);
      closeZip = zip.close;
      files = [];
      for (const e of zip.entries) {
        const head = await headOf(await e.open());
        const format = deps.detect({ key: e.name, head });
        if (!format)
          throw new InvalidInputError(
            `zip entry ${e.name}: unknown sanctions-list format. Expected one of:\n${deps.describeExpected()}`,
            { where: `zip entry ${e.name}` },
          );
        files.push({ name: `${ref.key}!${e.name}`, etag: `${obj.etag}!${e.name}`, format, head, open: e.open });
      }
    } else {
      const head = await headOf(first.body);
      const format = deps.detect({ key: ref.key, head });
      if (!format)
        throw new InvalidInputError(`unknown sanctions-list format. Expected one of:\n${deps.describeExpected()}`, {
          where: 'file head',
        });
      const self: ListFile = {
        name: ref.key,
        etag: obj.etag,
        format,
        head,
        open: async () => (await deps.source.get(ref.key, deps.maxBytes))!.body,
      };
      files = [self, ...(format.role === 'full' && !hasSiblingParts(format) ? [] : await siblings(ref.key, deps))];
    }

    const trigger = files[0]!;
    const listOf = (f: ListFile) =>
      typeof f.format.list === 'function' ? f.format.list({ key: f.name, head: f.head }) : f.format.list;
    const list = listOf(trigger);
    const primary = files.find((f) => f.format.role === 'full' && listOf(f) === list);
    const parts = files.filter((f) => f.format.role === 'part' && listOf(f) === list);
    if (trigger.format.role === 'delta')
      return await applyDelta({
        ref,
        deps,
        list,
        delta: trigger,
        obj: { etag: obj.etag, lastModified: obj.lastModified },
        done,
        refuse,
        started,
      });
    if (!primary) {
      // A part alone: kept, and used as soon as its primary file arrives in the same folder.
      return done({
        key: ref.key,
        status: 'done',
        format: trigger.format.id,
        list,
        records: ZERO,
        error: `waiting for the primary file of ${list} in ${posix.dirname(ref.key)}/; this part will be applied with it`,
      });
    }
    const setEtag = [primary, ...parts.sort((a, b) => a.name.localeCompare(b.name))]
      .map((f) => `${f.name}=${f.etag}`)
      .join('|');
    const current = await deps.store.getListPointer(list);
    const base: Status = {
      key: ref.key,
      status: 'done',
      format: trigger.format.id,
      list,
      etag: obj.etag,
      records: ZERO,
    };
    if (current && current.etag === setEtag) {
      // A retry after a failure past the swap: the changes still show, and resolution finishes (it skips entities
      // already resolved).
      await publishChangeSet(deps.store, current);
      await deps.onListVersionChanged?.({
        list,
        version: current.version,
        entityCount: current.entityCount,
        ...(current.previous ? { previous: current.previous } : {}),
      });
      await deps.onListsChanged?.(); // a retry after a failure past the swap still leaves the index and links current
      return done({ ...base, status: 'unchanged', version: current.version });
    }
    // A part file that joins the current set (its primary and the other parts unchanged) is applied to the current
    // version in place: only the entities it touches are written (issue 11.6).
    const extra = current && extendsCurrentSet(current, primary, parts);
    if (current && extra) {
      const applied = await applyPartsInPlace({
        deps,
        list,
        current,
        added: extra,
        setEtag,
        base,
        done,
        read: async (part) =>
          part.format.parse(decodeStream(await part.open()), { key: part.name, head: part.head }, {}),
      });
      // The set moved while this part waited (another part, a new primary): reconcile again against the set now.
      if (applied === 'start-over') return await reconcileSanctionsObject(ref, sanctionsDeps, call);
      return applied;
    }
    return await buildVersion({
      ref,
      deps,
      list,
      primary,
      parts,
      setEtag,
      current,
      obj: { etag: obj.etag, lastModified: obj.lastModified, force: /^(true|1|yes)$/i.test(obj.metadata.force ?? '') },
      base,
      done,
      refuse,
      started,
    });
  } catch (err) {
    if (err instanceof InvalidInputError) return refuse(err);
    throw err;
  } finally {
    closeZip?.();
  }
}

async function buildVersion(a: {
  ref: ObjectRef;
  deps: BoundDeps;
  list: string;
  primary: ListFile;
  parts: ListFile[];
  /** Where the version's records come from (default: the primary file parsed). */
  records?: (summary: FileSummary) => Promise<AsyncIterable<ParsedRecord>>;
  /** Delta versions applied on top of the primary, kept on the pointer. */
  appliedDeltas?: string[];
  setEtag: string;
  current: ListPointer | undefined;
  obj: { etag: string; lastModified?: Date; force: boolean };
  base: Status;
  done: (s: Status) => Promise<IngestStatus>;
  refuse: (err: InvalidInputError, extra?: Partial<IngestStatus>) => Promise<IngestStatus>;
  started: number;
}): Promise<IngestStatus> {
  const { deps, list, primary, current, base } = a;
  const version = createHash('sha256').update(a.setEtag).digest('hex').slice(0, 16);
  const order = `${(a.obj.lastModified ?? new Date(a.ref.eventTime)).toISOString()}#${a.ref.eventTime}#${a.ref.sequencer ?? ''}`;
  await deps.store.putListVersion(list, version, {
    status: 'writing',
    key: primary.name,
    etag: a.setEtag,
    startedAt: new Date(a.started).toISOString(),
  });

  const rejections: { where: string; reason: string }[] = [];
  let rejected = 0;
  let read = 0;
  const reject = (where: string, reason: string) => {
    rejected++;
    if (rejections.length < MAX_REJECTIONS_KEPT) rejections.push({ where, reason });
  };

  // Parts first, into memory (they are small beside the primary: addresses, aliases, remarks by entity id).
  const patches = new Map<string, EntityPatch[]>();
  for (const part of a.parts) {
    for await (const rec of part.format.parse(
      decodeStream(await part.open()),
      { key: part.name, head: part.head },
      {},
    )) {
      if (rec.kind === 'reject') reject(`${posix.basename(part.name)} ${rec.where}`, rec.reason);
      else if (rec.kind === 'enrich') patches.set(rec.sourceId, [...(patches.get(rec.sourceId) ?? []), rec.patch]);
    }
  }

  const summary: FileSummary = {};
  const agg = emptyAggregate();
  // The version's changes against the current one, found as the entities are written (shared/ingest/list-delta.ts).
  const changedAt = (a.obj.lastModified ?? new Date(a.ref.eventTime)).toISOString();
  // A crashed attempt at this version may have compared against another current version: start its changes afresh.
  await deps.store.deleteChanges(list, version);
  const delta = (deps.listDelta ?? startListDelta)({ store: deps.store, list, version, current, changedAt });
  // Only when resolution will lay the list out afresh (keyCollectorFor): later versions resolve from their change set.
  const collector = await deps.collectKeys?.(list, version, current);
  const dropVersion = async () => {
    await deps.store.deleteListVersion(list, version);
    await deps.store.deleteChanges(list, version);
  };
  const seen = new Set<string>();
  let batch: Record<string, unknown>[] = [];
  /** The batch's alias items (issue 12.6): written with it, never taken for entities by the delta. */
  let aliasBatch: Record<string, unknown>[] = [];
  const flushSize = deps.flushSize ?? 500;
  // Two flushes in flight while the next is parsed: one's reads of the old version (the delta) overlap the other's
  // writes, and both the parsing of the next (three flushes in memory at most).
  const inflight: Promise<void>[] = [];
  const flush = (items: Record<string, unknown>[], aliases: Record<string, unknown>[]) => {
    collector?.add(items);
    const p = (async () => {
      await delta.annotate(items);
      await deps.store.putItems([...items, ...aliases]);
    })();
    p.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    return p;
  };
  try {
    const source = a.records
      ? await a.records(summary)
      : primary.format.parse(decodeStream(await primary.open()), { key: primary.name, head: primary.head }, summary);
    for await (const rec of source) {
      if (rec.kind === 'reject') {
        reject(rec.where, rec.reason);
        continue;
      }
      if (rec.kind !== 'entity') continue;
      read++;
      // A parser's entity has passed the schema already (finishDraft); one enriched by part files, or rebuilt from a
      // stored version and a delta, is checked again.
      let e: ListedEntity = rec.entity;
      const enrich = patches.get(e.sourceId);
      if (enrich || a.records) {
        for (const p of enrich ?? []) e = mergeEntity(e, p);
        const parsed = ListedEntitySchema.safeParse(e);
        if (!parsed.success) {
          reject(
            `record ${read} (${e.sourceId})`,
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
          continue;
        }
        e = parsed.data;
      }
      if (seen.has(e.sourceId)) continue; // one logical record over many rows: distinct ids, never rows
      seen.add(e.sourceId);
      addToAggregate(agg, e);
      // gsi1 orders the version's entities by name (the listed universe's name sort, issue 17.2).
      batch.push({
        ...listedEntityKey(list, version, e.sourceId),
        ...listedEntityNameIndexKey(list, version, e.sourceId, foldName(e.name)),
        ...e,
      });
      // Its aliases, for a name search (issue 12.6): a few small items per entity, deleted with the version.
      for (const alias of new Set(e.aliases.map(foldName)))
        if (alias) aliasBatch.push({ ...listedAliasKey(list, version, e.sourceId, alias), sourceId: e.sourceId });
      if (batch.length >= flushSize) {
        if (inflight.length >= 2) await inflight.shift();
        inflight.push(flush(batch, aliasBatch));
        batch = [];
        aliasBatch = [];
      }
    }
    await Promise.all(inflight);
    if (batch.length || aliasBatch.length) await flush(batch, aliasBatch);
  } catch (err) {
    await Promise.allSettled(inflight); // nothing of this version is written after it is dropped
    if (!(err instanceof InvalidInputError)) throw err; // transient: retried; the version id stays the same
    await dropVersion();
    return a.refuse(err, { format: base.format, list, records: { read, written: 0, rejected } });
  }

  const keep = {
    format: base.format,
    list,
    records: { read, written: 0, rejected },
    ...(rejections.length ? { rejections } : {}),
  };
  const refuse = async (reason: string, where: string) => {
    await dropVersion();
    return a.refuse(new InvalidInputError(reason, { where }), keep);
  };
  if (agg.entityCount === 0) return refuse('the file holds no listed entity; the current version stays', 'file');
  if (summary.declaredCount !== undefined && summary.declaredCount !== agg.entityCount)
    return refuse(
      `the file declares ${summary.declaredCount} records but holds ${agg.entityCount}: truncated or corrupt; the current version stays`,
      'Record_Count',
    );
  if (current && !a.obj.force && agg.entityCount < current.entityCount * deps.shrinkGuard)
    return refuse(
      `the new version has ${agg.entityCount} entities against ${current.entityCount} in the current one (more than ${Math.round((1 - deps.shrinkGuard) * 100)} % fewer); ` +
        'if that is intended, upload it again with the metadata x-amz-meta-force: true (radar put --force)',
      'entity count',
    );

  const counts = await delta.finish();
  const previous = current && current.version !== version ? current.version : undefined;
  const next: ListPointer = {
    list,
    version,
    order,
    key: primary.name,
    parts: a.parts.map((p) => p.name),
    ...(a.appliedDeltas?.length ? { appliedDeltas: a.appliedDeltas } : {}),
    ...(current && current.version !== version ? { previous: current.version } : {}),
    etag: a.setEtag,
    entityCount: agg.entityCount,
    byType: agg.byType,
    byCountry: agg.byCountry,
    format: primary.format.id,
    ...(summary.publishedAt ? { publishedAt: summary.publishedAt } : {}),
    swappedAt: new Date().toISOString(),
    since: listSince(current, changedAt.slice(0, 10)),
    ...(previous ? { changes: { at: changedAt, previous, ...counts } } : {}),
    ...(delta.digestBuckets?.() ? { digestBuckets: delta.digestBuckets()! } : {}),
  };
  const swapped = await deps.store.swapListPointer(next);
  if (!swapped) {
    // A newer upload of this list is already current (or this very version is): ours is not made current.
    const cur = await deps.store.getListPointer(list);
    if (cur?.version === version)
      return a.done({
        ...base,
        version,
        records: { read, written: agg.entityCount, rejected },
        ...(rejections.length ? { rejections } : {}),
      });
    await dropVersion();
    return a.done({
      ...base,
      version,
      records: { read, written: 0, rejected },
      error: 'superseded: a newer upload of this list is current; this one was not made current',
    });
  }
  await deps.store.putListVersion(list, version, {
    status: 'current',
    key: primary.name,
    etag: a.setEtag,
    entityCount: agg.entityCount,
  });
  await publishChangeSet(deps.store, next);
  // The replaced version stays one generation, for readers that followed the old pointer a moment ago; the one
  // before it goes now.
  if (current?.previous && current.previous !== version) await deps.store.deleteListVersion(list, current.previous);
  await deps.onListVersionChanged?.({
    list,
    version,
    entityCount: agg.entityCount,
    collected: collector,
    ...(current && current.version !== version ? { previous: current.version } : {}),
  });
  await deps.onListsChanged?.();
  return a.done({
    ...base,
    version,
    records: { read, written: agg.entityCount, rejected },
    ...(rejections.length ? { rejections } : {}),
  });
}

/** Entities of the current version read per page while an OpenSanctions delta is applied. */
const DELTA_PAGE = 500;

/**
 * An OpenSanctions delta (ADD/MOD/DEL) applied to the list's current version, copy-on-write: the current entities with
 * the delta applied become a new version, swapped in like any other, so readers never see a half-applied delta.
 * Deltas apply in version order: one older than the last applied is refused (a MOD would undo a newer one).
 */
async function applyDelta(a: {
  ref: ObjectRef;
  deps: BoundDeps;
  list: string;
  delta: ListFile;
  obj: { etag: string; lastModified?: Date };
  done: (s: Status) => Promise<IngestStatus>;
  refuse: (err: InvalidInputError, extra?: Partial<IngestStatus>) => Promise<IngestStatus>;
  started: number;
}): Promise<IngestStatus> {
  const { deps, list, delta } = a;
  const current = await deps.store.getListPointer(list);
  const base: Status = {
    key: a.ref.key,
    status: 'done',
    format: delta.format.id,
    list,
    etag: a.obj.etag,
    records: ZERO,
  };
  if (!current)
    return a.refuse(
      new InvalidInputError(`no current version of ${list} to apply this delta to: upload a full export first`, {
        where: 'file',
      }),
      { format: delta.format.id, list },
    );
  // The delta's own version id: OpenSanctions puts it in the path (…/20240528014702-pfh/entities.delta.json).
  const deltaVersion =
    /(\d{14}-[a-z0-9]+)/i.exec(a.ref.key)?.[1] ??
    `${a.obj.lastModified?.toISOString() ?? a.ref.eventTime}#${a.ref.key}`;
  const applied = current.appliedDeltas ?? [];
  if (applied.includes(deltaVersion)) return a.done({ ...base, status: 'unchanged', version: current.version });
  const last = applied[applied.length - 1];
  if (last && deltaVersion < last)
    return a.done({
      ...base,
      status: 'failed',
      version: current.version,
      error: `delta ${deltaVersion} is older than the last applied (${last}); upload a full export to rebuild the list`,
    });

  // The delta's operations by source id, the last one winning (null: deleted). Only the delta is held, bounded by the
  // file's size; the current version is walked a page at a time below (an OpenSanctions export can hold over a
  // million entities, which a Map of the whole version would not fit in a function's memory).
  const changed = new Map<string, ListedEntity | null>();
  const rejects: ParsedRecord[] = [];
  let ops = 0;
  for await (const rec of delta.format.parse(
    decodeStream(await delta.open()),
    { key: delta.name, head: delta.head },
    {},
  )) {
    ops++;
    if (rec.kind === 'entity') changed.set(rec.entity.sourceId, rec.entity);
    else if (rec.kind === 'delete') changed.set(rec.sourceId, null);
    else if (rec.kind === 'reject') rejects.push(rec);
  }
  const store = deps.store;
  /**
   * The current version with the delta applied: its entities a page at a time, shard by shard (those the delta
   * changes left out), then the delta's own.
   */
  async function* withDelta(): AsyncGenerator<ParsedRecord> {
    yield* rejects;
    for (let shard = 0; shard < ENTITY_SHARDS; shard++) {
      let after: string | undefined;
      do {
        const page = await store.pageListShard(list, current!.version, shard, {
          limit: DELTA_PAGE,
          ...(after !== undefined ? { after } : {}),
        });
        after = page.last;
        for (const { pk: _pk, sk: _sk, ...e } of page.items)
          if (!changed.has(String(e.sourceId)))
            yield { kind: 'entity', entity: e as unknown as ListedEntity } satisfies ParsedRecord;
      } while (after !== undefined);
    }
    for (const e of changed.values()) if (e) yield { kind: 'entity', entity: e } satisfies ParsedRecord;
  }
  const primary: ListFile = {
    name: current.key,
    etag: current.etag,
    format: delta.format,
    head: '',
    open: async () => (async function* () {})(),
  };
  const status = await buildVersion({
    ref: a.ref,
    deps,
    list,
    primary,
    parts: [],
    setEtag: `${current.etag}+${deltaVersion}`,
    current,
    obj: { etag: a.obj.etag, lastModified: a.obj.lastModified, force: true },
    base,
    done: a.done,
    refuse: a.refuse,
    started: a.started,
    appliedDeltas: [...applied, deltaVersion].slice(-1000),
    records: async () => withDelta(),
  });
  return status.status === 'done' ? { ...status, records: { ...status.records, read: ops } } : status;
}

/** A deleted object: the list it is the primary of goes away; a list it was a part of is rebuilt without it. */
async function removeObject(
  ref: ObjectRef,
  deps: BoundDeps,
  done: (s: Status) => Promise<IngestStatus>,
): Promise<IngestStatus> {
  const removed: string[] = [];
  for (const p of await deps.store.readListPointers()) {
    if (p.key === ref.key && (await deps.store.removeListPointerFor(p.list, ref.key))) {
      await deps.onListVersionChanged?.({ list: p.list, previous: p.version });
      await deps.store.deleteListVersion(p.list, p.version);
      if (p.previous) await deps.store.deleteListVersion(p.list, p.previous);
      removed.push(p.list);
    } else if ((p.parts ?? []).includes(ref.key)) {
      return reconcileSanctionsObject({ ...ref, key: p.key, eventName: 'PartRemoved' }, deps.unbound, deps.call).then(
        async (s) =>
          done({
            key: ref.key,
            status: 'deleted',
            list: p.list,
            ...(s.version ? { version: s.version } : {}),
            records: ZERO,
          }),
      );
    }
  }
  if (removed.length) await deps.onListsChanged?.();
  return done({
    key: ref.key,
    status: 'deleted',
    records: ZERO,
    ...(removed.length ? { list: removed.join(',') } : {}),
  });
}

const hasSiblingParts = (f: ListFormat) => /^us-ofac-(sdn|cons)-csv$/.test(f.id);

/** Other list files in the same folder (formats detected from their heads). */
async function siblings(key: string, deps: BoundDeps): Promise<ListFile[]> {
  const folder = key.includes('/') ? `${posix.dirname(key)}/` : '';
  const out: ListFile[] = [];
  for (const o of await deps.source.listFolder(folder)) {
    if (o.key === key || o.size === 0) continue;
    const bytes = await deps.source.getRange(o.key, HEAD_BYTES);
    if (!bytes) continue;
    const head = await headOf(
      (async function* () {
        yield bytes;
      })(),
    );
    const format = deps.detect({ key: o.key, head });
    if (!format) continue;
    out.push({
      name: o.key,
      etag: o.etag,
      format,
      head,
      open: async () => (await deps.source.get(o.key, deps.maxBytes))!.body,
    });
  }
  return out;
}

/** The first bytes of a stream, and a stream that still yields everything. */
async function peek(body: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; body: AsyncIterable<Uint8Array> }> {
  const it = body[Symbol.asyncIterator]();
  const first = await it.next();
  const bytes = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  async function* rest() {
    try {
      if (!first.done) yield first.value;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { bytes, body: rest() };
}

/** The decoded head of a byte stream (detection needs characters, not bytes). The stream is not read further. */
async function headOf(body: AsyncIterable<Uint8Array>): Promise<string> {
  let head = '';
  for await (const chunk of decodeStream(body)) {
    head += chunk;
    if (head.length >= HEAD_CHARS) break;
  }
  return head.slice(0, HEAD_CHARS);
}
