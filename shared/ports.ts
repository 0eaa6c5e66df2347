import type { Article } from './domain/model.ts';
import type { EntityInfo, EntityRow } from './domain/entity-rows.ts';
import type { AggregationChunk, ContributionPart, EntityState, RowMove } from './domain/contribution.ts';
import type { NameList } from './domain/name-postings.ts';
import type { CounterRow, IngestStatus, Ledger, ListPointer, ObjectState, StoredPart } from './domain/stored.ts';

/**
 * The store, cut into the narrow ports the use cases need (style: ports are nouns named for what they do, not for
 * DynamoDB). `makeDynamoStore` implements all of them against one table; `makeMemoryStore` implements them in memory
 * for the use-case unit tests, with a stream of part changes like DynamoDB Streams gives.
 */

export type Conflict = 'conflict';

/** An article object's contribution, stored as its own items: written once per generation, never a shared item. */
export interface ObjectContributions {
  readObject(key: string): Promise<ObjectState | undefined>;
  /**
   * Makes `next` the object's state if its version is still `expectedVersion` (undefined: no state yet). The new
   * state is incomplete until `completeObject`.
   */
  claimObject(key: string, expectedVersion: number | undefined, next: ObjectState): Promise<'claimed' | Conflict>;
  /** Writes the parts of a generation (idempotent: the same generation always has the same parts). */
  writeParts(key: string, gen: string, parts: readonly ContributionPart[]): Promise<void>;
  /** Every stored part of the object (bounded by the object's own size). */
  readParts(key: string): Promise<StoredPart[]>;
  deleteParts(parts: readonly { pk: string; sk: string }[]): Promise<void>;
  completeObject(key: string, version: number): Promise<'completed' | Conflict>;
  /** Keys of every article object with a state, for a full relink (sharded index, never a scan). */
  listArticleObjects(): Promise<string[]>;
}

/**
 * The name postings (issue 17.4): the name keys each generation of an article object is posted under, and the
 * reverse look-up a proportional relink makes. Written and removed through `putItems` / `deleteKeys`.
 */
export interface NamePostings {
  /** Every stored name list of the object, any generation (bounded by the object's own size). */
  readNameLists(key: string): Promise<NameList[]>;
  /** Keys of the objects posted under any of these name keys, every shard read with strong consistency. */
  objectsNaming(nameKeys: readonly string[]): Promise<string[]>;
}

/** Articles and their entity → article references. */
export interface ArticleStore {
  putItems(items: Record<string, unknown>[]): Promise<void>;
  getArticles(ids: string[]): Promise<Article[]>;
  deleteKeys(keys: { pk: string; sk: string }[]): Promise<void>;
  deleteArticles(ids: string[]): Promise<void>;
  getItem(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined>;
  deleteItem(key: { pk: string; sk: string }): Promise<void>;
  queryPartition(pk: string, limit: number, newestFirst?: boolean): Promise<Record<string, unknown>[]>;
}

/** What the stream aggregator needs: the objects' checkpoints, and one chunk applied atomically with them. */
export interface CounterAggregator {
  readLedgers(objects: readonly string[]): Promise<Map<string, Ledger>>;
  /** The stored entity counters of these cells (consistent reads; absent ones are left out). */
  readEntityStates(cells: readonly string[]): Promise<Map<string, EntityState>>;
  /**
   * Applies one chunk in one transaction; 'conflict' when a checkpoint or an entity counter moved (a redelivery or
   * another shard got there first).
   */
  applyChunk(chunk: AggregationChunk): Promise<'applied' | Conflict>;
  /** Puts (or deletes, at 0) entities' rows in every facet: before the chunks that move them (rowMovesOf). */
  writeEntityRows(moves: readonly RowMove[]): Promise<void>;
}

/** What refiling an entity's rows after a list change needs beside the aggregator's calls (issue 17.3). */
export interface EntityRefiler {
  /**
   * Sets an entity counter's info and moves its revision on, with these listed-in-news deltas, in one transaction;
   * only if the counter still holds `before` (amounts and revision). 'conflict' changes nothing.
   */
  refileCounter(r: {
    cell: string;
    before: EntityState;
    info: EntityInfo;
    listedInNews: Record<string, Record<string, number>>;
  }): Promise<'applied' | Conflict>;
}

/** A position in a sorted partition (the index key of the last item taken), opaque to the use cases. */
export type Position = Record<string, string | number>;
/** Items of one sorted partition from a position; `last` is absent when the partition has no more. */
export interface Page<T> {
  items: { item: T; pos: Position }[];
  last?: Position;
}
export type RowOrder = 'mentions' | 'articles' | 'name';

/** The read model's sorted partitions (issue 17.2): each call reads at most `limit` items. */
export interface ReadModel {
  /**
   * One shard of a facet's entity rows, in count or name order; `prefix` restricts to folded names starting so,
   * `atLeast` (count orders) to rows whose amount is at least that.
   */
  queryEntityRows(
    partition: string,
    order: RowOrder,
    desc: boolean,
    limit: number,
    start?: Position,
    prefix?: string,
    atLeast?: number,
  ): Promise<Page<EntityRow>>;
  /** One shard of a list version's entities: by source id, or (`byName`) in name order through gsi1. */
  queryListEntities(
    list: string,
    version: string,
    shard: number,
    limit: number,
    start?: Position,
    byName?: { desc: boolean; prefix?: string | undefined },
  ): Promise<Page<Record<string, unknown>>>;
  /** One shard of a list version's aliases starting with `prefix` (folded): source ids, at most `limit`. */
  queryListAliases(list: string, version: string, shard: number, prefix: string, limit: number): Promise<string[]>;
  /** The stored entity counters of these cells (a batch get: bounded by the cells asked). */
  readEntityStates(cells: readonly string[]): Promise<Map<string, EntityState>>;
  /** Listed entities in the news per country: one item per country (≤ 250). */
  readListedInNews(): Promise<Record<string, unknown>[]>;
  /** The rollup items of these periods (a batch get). */
  readRollups(periods: readonly string[]): Promise<Record<string, unknown>[]>;
}

export interface CounterReader {
  /** Every member of a counter dimension (countries: a bounded set). */
  readCounters(dimension: string): Promise<CounterRow[]>;
  readCounter(cell: string): Promise<CounterRow | undefined>;
}

/**
 * One sorted key range of one partition of the table, in either direction: the articles listings and
 * the timeline cells (issue 12). Reads at most `limit` items (+1 with `after`); `more` says there may be more (as
 * DynamoDB's LastEvaluatedKey does: also when the range ended exactly at the limit).
 */
export interface SortedRange {
  pk: string;
  /** Inclusive bounds on the sort key. */
  lower: string;
  upper: string;
  /** Exclusive: continue after this sort key, in the direction read. */
  after?: string | undefined;
  descending: boolean;
  limit: number;
}
export interface RangeReader {
  readRange(r: SortedRange): Promise<{ items: { sortKey: string; item: Record<string, unknown> }[]; more: boolean }>;
}

export interface IngestLog {
  putIngestStatus(s: IngestStatus): Promise<void>;
  getIngestStatus(key: string): Promise<IngestStatus | undefined>;
  /**
   * A relink changed which generation of the object's contribution is current: the status of the same upload (same
   * ETag) now waits for that generation to be counted. No-op when there is no status or another upload's.
   */
  moveIngestGeneration(key: string, etag: string, gen: string, parts: number): Promise<void>;
  /** Newest first; `after` is the cursor the previous page returned. */
  listIngests(limit: number, after?: string): Promise<{ items: IngestStatus[]; last?: string }>;
  /** The aggregator's ledgers of these objects (to tell whether an ingest is counted yet). */
  readLedgersOf(keys: readonly string[]): Promise<Map<string, Ledger>>;
}

export interface ListCatalog {
  readListPointers(): Promise<ListPointer[]>;
  getListPointer(list: string): Promise<ListPointer | undefined>;
  swapListPointer(p: ListPointer): Promise<boolean>;
  removeListPointerFor(list: string, key: string): Promise<boolean>;
  readListVersion(list: string, version: string): Promise<Record<string, unknown>[]>;
  putListVersion(list: string, version: string, meta: Record<string, unknown>): Promise<void>;
  deleteListVersion(list: string, version: string): Promise<number>;
  putItems(items: Record<string, unknown>[]): Promise<void>;
  getItem(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined>;
  /** Items by key (BatchGetItem, 100 a call); missing ones are left out. */
  getItems(keys: readonly { pk: string; sk: string }[]): Promise<Record<string, unknown>[]>;
  deleteKeys(keys: { pk: string; sk: string }[]): Promise<void>;
  /**
   * One page of one entity shard of a version, in key (source id) order from after `after`; `last` when more may
   * follow. `fields`: only these attributes (and the keys).
   */
  pageListShard(
    list: string,
    version: string,
    shard: number,
    opts: { after?: string; limit: number; fields?: string[] },
  ): Promise<{ items: Record<string, unknown>[]; last?: string }>;
  /** Deletes the change items of a version that never became current (refused or superseded), in every shard. */
  deleteChanges(list: string, version: string): Promise<void>;
  /**
   * Claims the current version of a list for applying a part file in place (issue 11.6): sets `patching` if the
   * pointer's set is still `expectedEtag` and no live claim of another set holds it (`now` past its `until`).
   */
  claimListPointer(
    list: string,
    expectedEtag: string,
    patching: NonNullable<ListPointer['patching']>,
    now: number,
  ): Promise<boolean>;
  /** Replaces the pointer by `next` if it still has `expectedEtag` and the claim of `next.etag`. */
  finishListPointer(next: ListPointer, expectedEtag: string): Promise<boolean>;
}

/** What `/changes` reads: change sets newest first, a version's changes by key range, article counts by range. */
export interface ChangeLog {
  /**
   * Change sets newest first (of one list, or of all), from the position `atOrBefore` (inclusive) down to `since`;
   * each with `pos`, its position in the listing read.
   */
  listChangeSets(opts: {
    list?: string | undefined;
    since?: string | undefined;
    atOrBefore?: string | undefined;
    limit: number;
  }): Promise<{ items: (Record<string, unknown> & { pos: string })[]; more: boolean }>;
  /**
   * A version's changes whose sort key starts with `prefix`, after `after`, in key order across its shards (sort keys
   * are unique across them), as one partition would give them; at most CHANGE_SHARDS × (limit + 1) items read.
   */
  pageChanges(
    list: string,
    version: string,
    prefix: string,
    opts: { after?: string | undefined; limit: number },
  ): Promise<{ items: Record<string, unknown>[]; last?: string }>;
  /** How many items of a partition have a sort key in [from, to], counting at most `cap` (then `capped`). */
  countRange(pk: string, from: string, to: string, cap: number): Promise<{ count: number; capped: boolean }>;
}

/** Everything one table holds, as the functions wire it. */
export type Store = ObjectContributions &
  NamePostings &
  EntityRefiler &
  ArticleStore &
  CounterAggregator &
  CounterReader &
  ReadModel &
  IngestLog &
  ListCatalog &
  ChangeLog &
  RangeReader;

/** What cross-list resolution reads and writes (shared/ingest/resolve-lists.ts, shared/query/canonical.ts). */
export interface CanonicalStore {
  /** One page of a partition in sort-key order, after the sort key `after`; `last` when there may be more. */
  queryPage(pk: string, limit: number, after?: string): Promise<{ items: Record<string, unknown>[]; last?: string }>;
  getItems(keys: readonly { pk: string; sk: string }[]): Promise<Record<string, unknown>[]>;
  getItem(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined>;
  putItems(items: Record<string, unknown>[]): Promise<void>;
  deleteKeys(keys: { pk: string; sk: string }[]): Promise<void>;
  /**
   * Puts (or, without `item`, deletes) canonical entities' META items, each if its revision is still `expectRev`
   * (undefined: absent), adding the counter deltas in the same transaction (at most 100 actions in all): the
   * per-country counts stay exact whatever retries or concurrent list ingests do. 'conflict' changes nothing.
   */
  writeCanonicals(w: {
    metas: { key: { pk: string; sk: string }; item?: Record<string, unknown>; expectRev: number | undefined }[];
    counters: { key: { pk: string; sk: string }; delta: number }[];
  }): Promise<'written' | Conflict>;
}
