import type { Article } from './domain/model.ts';
import type { AggregationChunk, ContributionPart } from './domain/contribution.ts';
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
  /** Applies one chunk in one transaction; 'conflict' when a checkpoint moved (a redelivery got there first). */
  applyChunk(chunk: AggregationChunk): Promise<'applied' | Conflict>;
}

export interface CounterReader {
  readCounters(
    dimension: string,
    range?: { from?: string | undefined; to?: string | undefined },
  ): Promise<CounterRow[]>;
  readCounter(cell: string): Promise<CounterRow | undefined>;
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
}

/** Everything one table holds, as the functions wire it. */
export type Store = ObjectContributions &
  NamePostings &
  ArticleStore &
  CounterAggregator &
  CounterReader &
  IngestLog &
  ListCatalog;
