import { createHash } from 'node:crypto';
import { decodeStream } from '../domain/encoding.ts';
import { listedEntityKey } from '../domain/keys.ts';
import { addToAggregate, emptyAggregate } from '../domain/list-aggregate.ts';
import { ListedEntitySchema, type ListedEntity } from '../domain/model.ts';
import type { DetectHint, FileSummary, ListFormat } from '../domain/sanctions/types.ts';
import type { DynamoStore, IngestStatus } from '../adapters/dynamo-store.ts';
import type { ObjectRef } from '../adapters/s3-event.ts';
import type { S3Source } from '../adapters/s3-source.ts';
import { InvalidInputError } from '../errors.ts';
import { quarantine } from './quarantine.ts';

export interface SanctionsDeps {
  source: S3Source;
  store: DynamoStore;
  detect: (hint: DetectHint) => ListFormat | undefined;
  describeExpected: () => string;
  maxBytes: number;
  /** A new version smaller than this fraction of the current one is refused unless forced. */
  shrinkGuard: number;
  now?: () => number;
  /** Entities written per flush (parallel BatchWriteItem underneath). */
  flushSize?: number;
  /** Called after a list's current version changed (rebuild the name index, relink articles). */
  onListsChanged?: () => Promise<void>;
}

const HEAD_CHARS = 16 * 1024;

/**
 * Ingests a full list file as a new version of its list, then swaps the list's current pointer to it, only forward and
 * only if the version is complete and sane. Readers follow the pointer, so they never see a half-written list.
 */
export async function reconcileSanctionsObject(ref: ObjectRef, deps: SanctionsDeps): Promise<IngestStatus> {
  const now = deps.now ?? Date.now;
  const started = now();
  const done = async (s: Omit<IngestStatus, 'updatedAt' | 'durationMs'>): Promise<IngestStatus> => {
    const full: IngestStatus = { ...s, durationMs: now() - started, updatedAt: new Date(now()).toISOString() };
    await deps.store.putIngestStatus(full);
    return full;
  };
  const zero = { read: 0, written: 0, rejected: 0 };

  let obj;
  try {
    obj = await deps.source.get(ref.key, deps.maxBytes);
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    await quarantine(deps.source, ref.key, err);
    return done({ key: ref.key, status: 'quarantined', records: zero, error: err.message });
  }
  if (!obj) {
    // Deleted: a list whose current version came from this object goes away with it.
    const removed: string[] = [];
    for (const p of await deps.store.readListPointers())
      if (p.key === ref.key && (await deps.store.removeListPointerFor(p.list, ref.key))) {
        await deps.store.deleteListVersion(p.list, p.version);
        removed.push(p.list);
      }
    if (removed.length) await deps.onListsChanged?.();
    return done({ key: ref.key, status: 'deleted', records: zero, ...(removed.length ? { list: removed.join(',') } : {}) });
  }

  // Detect from the decoded head, then parse the same stream on (no second read).
  const { head, text } = await peekHead(decodeStream(obj.body), HEAD_CHARS);
  const format = deps.detect({ key: ref.key, head });
  const fail = async (err: InvalidInputError, extra: Partial<IngestStatus> = {}) => {
    await quarantine(deps.source, ref.key, err, format?.id);
    return done({
      key: ref.key,
      status: 'quarantined',
      ...(format ? { format: format.id } : {}),
      etag: obj.etag,
      records: zero,
      error: `${err.message}${err.where ? ` (at ${err.where})` : ''}`,
      ...extra,
    });
  };
  if (!format) {
    return fail(new InvalidInputError(`unknown sanctions-list format. Expected one of:\n${deps.describeExpected()}`, { where: 'file head' }));
  }
  if (format.role !== 'full') {
    return fail(new InvalidInputError(`${format.id} files (${format.role}) are not ingested on their own yet; upload a full list file`, { where: 'file' }));
  }
  const hint = { key: ref.key, head };
  const list = typeof format.list === 'function' ? format.list(hint) : format.list;
  const current = await deps.store.getListPointer(list);
  if (current && current.key === ref.key && current.etag === obj.etag) {
    await deps.onListsChanged?.(); // a retry after a failure past the swap still leaves the index and links current
    return done({ key: ref.key, status: 'unchanged', format: format.id, list, version: current.version, etag: obj.etag, records: zero });
  }

  const version = createHash('sha256').update(`${ref.key}\0${obj.etag}`).digest('hex').slice(0, 16);
  const order = `${(obj.lastModified ?? new Date(ref.eventTime)).toISOString()}#${ref.eventTime}#${ref.sequencer ?? ''}`;
  await deps.store.putListVersion(list, version, { status: 'writing', key: ref.key, etag: obj.etag, startedAt: new Date(started).toISOString() });

  const summary: FileSummary = {};
  const agg = emptyAggregate();
  const seen = new Set<string>();
  const rejections: { where: string; reason: string }[] = [];
  let rejected = 0;
  let read = 0;
  let batch: Record<string, unknown>[] = [];
  const flushSize = deps.flushSize ?? 500;
  try {
    for await (const rec of format.parse(text, hint, summary)) {
      if (rec.kind === 'reject') {
        rejected++;
        if (rejections.length < 20) rejections.push({ where: rec.where, reason: rec.reason });
        continue;
      }
      if (rec.kind !== 'entity') continue;
      read++;
      const parsed = ListedEntitySchema.safeParse(rec.entity);
      if (!parsed.success) {
        rejected++;
        if (rejections.length < 20) rejections.push({ where: `record ${read} (${rec.entity.sourceId})`, reason: parsed.error.issues[0]?.message ?? 'invalid' });
        continue;
      }
      const e: ListedEntity = parsed.data;
      if (seen.has(e.sourceId)) continue; // one logical record over many rows: distinct ids, never rows
      seen.add(e.sourceId);
      addToAggregate(agg, e);
      batch.push({ ...listedEntityKey(list, version, e.sourceId), ...e });
      if (batch.length >= flushSize) {
        await deps.store.putItems(batch);
        batch = [];
      }
    }
    if (batch.length) await deps.store.putItems(batch);
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err; // transient: retried, the version id stays the same
    await deps.store.deleteListVersion(list, version);
    return fail(err, { list, records: { read, written: 0, rejected } });
  }

  const refuse = async (reason: string, where: string) => {
    await deps.store.deleteListVersion(list, version);
    return fail(new InvalidInputError(reason, { where }), { list, records: { read, written: 0, rejected }, ...(rejections.length ? { rejections } : {}) });
  };
  if (agg.entityCount === 0) return refuse('the file holds no listed entity; the current version stays', 'file');
  if (summary.declaredCount !== undefined && summary.declaredCount !== agg.entityCount)
    return refuse(`the file declares ${summary.declaredCount} records but holds ${agg.entityCount}: truncated or corrupt; the current version stays`, 'Record_Count');
  const forced = /^(true|1|yes)$/i.test(obj.metadata.force ?? '');
  if (current && !forced && agg.entityCount < current.entityCount * deps.shrinkGuard)
    return refuse(
      `the new version has ${agg.entityCount} entities against ${current.entityCount} in the current one (more than ${Math.round((1 - deps.shrinkGuard) * 100)} % fewer); ` +
        'if that is intended, upload it again with metadata x-amz-meta-force: true',
      'entity count',
    );

  const swapped = await deps.store.swapListPointer({
    list,
    version,
    order,
    key: ref.key,
    etag: obj.etag,
    entityCount: agg.entityCount,
    byType: agg.byType,
    byCountry: agg.byCountry,
    format: format.id,
    ...(summary.publishedAt ? { publishedAt: summary.publishedAt } : {}),
    swappedAt: new Date(now()).toISOString(),
  });
  if (!swapped) {
    // A newer upload of this list is already current (or this very version is): ours is not needed.
    const cur = await deps.store.getListPointer(list);
    if (cur?.version !== version) await deps.store.deleteListVersion(list, version);
    return done({ key: ref.key, status: cur?.version === version ? 'unchanged' : 'done', format: format.id, list, version, etag: obj.etag, records: { read, written: 0, rejected }, error: cur?.version === version ? undefined : 'superseded by a newer upload of this list; not made current' });
  }
  await deps.store.putListVersion(list, version, { status: 'current', key: ref.key, etag: obj.etag, entityCount: agg.entityCount });
  if (current && current.version !== version) await deps.store.deleteListVersion(list, current.version);
  await deps.onListsChanged?.();
  return done({
    key: ref.key,
    status: 'done',
    format: format.id,
    list,
    version,
    etag: obj.etag,
    records: { read, written: agg.entityCount, rejected },
    ...(rejections.length ? { rejections } : {}),
  });
}

/** Buffers the first `n` characters of a text stream and returns them with a stream that still yields everything. */
async function peekHead(chunks: AsyncIterable<string>, n: number): Promise<{ head: string; text: AsyncIterable<string> }> {
  const it = chunks[Symbol.asyncIterator]();
  const buffered: string[] = [];
  let size = 0;
  let finished = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) {
      finished = true;
      break;
    }
    buffered.push(r.value);
    size += r.value.length;
  }
  const head = buffered.join('').slice(0, n);
  async function* text() {
    yield* buffered;
    if (finished) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, text: text() };
}
