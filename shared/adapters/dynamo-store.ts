import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { chunk, diffContributions, type Contribution, type Delta } from '../domain/contribution.ts';
import {
  articleKey,
  counterKey,
  counterPartition,
  ENTITY_SHARDS,
  ingestStatusKey,
  INGEST_PK,
  listedEntityPartition,
  listPointerKey,
  LISTS_PK,
  listVersionKey,
  objectStateKey,
} from '../domain/keys.ts';
import type { IngestStatus } from '../domain/ingest-status.ts';
import type { Article } from '../domain/model.ts';
import { DependencyError } from '../errors.ts';

/** What an object currently contributes, and a plan being applied when the change was too big for one transaction. */
export interface ObjectState {
  key: string;
  version: number;
  etag?: string;
  /** The name index the links were computed with: a different one means the article needs relinking. */
  indexEtag?: string;
  applied: Contribution;
  articleIds: string[];
  pending?: {
    planId: string;
    target: Contribution;
    done: number;
    etag?: string;
    indexEtag?: string;
    articleIds: string[];
  };
}

/** Article object states are listed through gsi1 (for relinking), never by a scan. */
export const ARTICLE_OBJECTS = 'ARTOBJ';
const INGESTS_BY_TIME = 'INGESTS';

/** The ingest record's type lives with its schema in the domain; re-exported for the store's callers. */
export type { IngestStatus };

/** The current version of a list and its aggregates (entities by country and type), swapped in atomically. */
export interface ListPointer {
  pk: string;
  sk: string;
  list: string;
  version: string;
  /** Orders versions: later uploads win (eventTime, then S3 sequencer). */
  order: string;
  key: string;
  /** OpenSanctions delta versions applied on top of the full export, in order. */
  appliedDeltas?: string[];
  /** The version this one replaced, kept one generation for readers still following the old pointer. */
  previous?: string;
  /** Part files (OFAC add/alt/comments) the version was built with. */
  parts?: string[];
  /** The set's identity: primary and parts with their ETags. */
  etag: string;
  entityCount: number;
  byType: Record<string, number>;
  /** country → type → entities */
  byCountry: Record<string, Record<string, number>>;
  format: string;
  publishedAt?: string;
  swappedAt: string;
}

export interface CounterRow {
  member: string;
  articles: number;
  mentions: number;
  [k: string]: unknown;
}

/** Counter updates per transaction (DynamoDB allows 100 actions; one is the state item). */
const CELLS_PER_TX = 90;

export type Conflict = 'conflict';

export function makeDynamoStore(doc: DynamoDBDocumentClient, table: string) {
  const isConflict = (err: unknown) =>
    err instanceof ConditionalCheckFailedException ||
    (err instanceof TransactionCanceledException &&
      (err.CancellationReasons ?? []).some(
        (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
      ));

  const counterUpdate = (d: Delta, info?: Record<string, unknown>) => {
    const names: Record<string, string> = { '#a': 'articles', '#m': 'mentions' };
    const values: Record<string, unknown> = { ':a': d.articles, ':m': d.mentions };
    let set = '';
    for (const [i, [k, v]] of Object.entries(info ?? {}).entries()) {
      names[`#i${i}`] = k;
      values[`:i${i}`] = v;
      set += `${set ? ', ' : ' SET '}#i${i} = if_not_exists(#i${i}, :i${i})`;
    }
    return {
      Update: {
        TableName: table,
        Key: counterKey(d.cell),
        UpdateExpression: `ADD #a :a, #m :m${set}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  };

  async function send<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isConflict(err)) throw err;
      const name = (err as Error).name;
      if (name === 'ValidationException') throw err;
      throw new DependencyError(`DynamoDB: ${name}: ${(err as Error).message}`, { cause: err });
    }
  }

  return {
    async getObjectState(key: string): Promise<ObjectState | undefined> {
      const r = await send(() =>
        doc.send(new GetCommand({ TableName: table, Key: objectStateKey(key), ConsistentRead: true })),
      );
      return r.Item as ObjectState | undefined;
    },

    /**
     * Moves the counters from `current.applied` to `next.contribution` and records the new state, conditional on the
     * state version read before the object was read. Small changes are one transaction; big ones a resumable plan.
     * Returns 'conflict' when another worker got there first (the caller re-reads and tries again).
     */
    async commitObject(
      key: string,
      current: ObjectState | undefined,
      next: { etag?: string; indexEtag?: string; contribution: Contribution; articleIds: string[] },
      cellInfo: (cell: string) => Record<string, unknown> | undefined = () => undefined,
    ): Promise<'committed' | Conflict> {
      const version = current?.version ?? 0;
      const deltas = diffContributions(current?.applied ?? {}, next.contribution);
      const stateItem: ObjectState & { pk: string; sk: string; gsi1pk: string; gsi1sk: string } = {
        ...objectStateKey(key),
        gsi1pk: ARTICLE_OBJECTS,
        gsi1sk: key,
        key,
        version: version + 1,
        ...(next.etag ? { etag: next.etag } : {}),
        ...(next.indexEtag ? { indexEtag: next.indexEtag } : {}),
        applied: next.contribution,
        articleIds: next.articleIds,
      };
      const cond = current
        ? {
            ConditionExpression: '#v = :v AND attribute_not_exists(#p)',
            ExpressionAttributeNames: { '#v': 'version', '#p': 'pending' },
            ExpressionAttributeValues: { ':v': version },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' };
      try {
        if (deltas.length <= CELLS_PER_TX) {
          await send(() =>
            doc.send(
              new TransactWriteCommand({
                TransactItems: [
                  { Put: { TableName: table, Item: stateItem, ...cond } },
                  ...deltas.map((d) => counterUpdate(d, cellInfo(d.cell))),
                ],
              }),
            ),
          );
          return 'committed';
        }
        // Too big for one transaction: record the plan (conditional on the version), then apply it chunk by chunk.
        const planId = randomUUID();
        const planned: ObjectState & { pk: string; sk: string; gsi1pk: string; gsi1sk: string } = {
          ...objectStateKey(key),
          gsi1pk: ARTICLE_OBJECTS,
          gsi1sk: key,
          key,
          version,
          ...(current?.etag ? { etag: current.etag } : {}),
          applied: current?.applied ?? {},
          articleIds: current?.articleIds ?? [],
          pending: {
            planId,
            target: next.contribution,
            done: 0,
            ...(next.etag ? { etag: next.etag } : {}),
            ...(next.indexEtag ? { indexEtag: next.indexEtag } : {}),
            articleIds: next.articleIds,
          },
        };
        await send(() => doc.send(new PutCommand({ TableName: table, Item: planned, ...cond })));
        await this.finishPlan(planned, cellInfo);
        return 'committed';
      } catch (err) {
        if (isConflict(err)) return 'conflict';
        throw err;
      }
    },

    /** Applies the remaining chunks of a pending plan (after a crash, any worker can finish it). Idempotent. */
    async finishPlan(
      state: ObjectState,
      cellInfo: (cell: string) => Record<string, unknown> | undefined = () => undefined,
    ): Promise<void> {
      const p = state.pending;
      if (!p) return;
      const chunks = chunk(diffContributions(state.applied, p.target), CELLS_PER_TX);
      const key = objectStateKey(state.key);
      for (let i = p.done; i < chunks.length; i++) {
        try {
          await send(() =>
            doc.send(
              new TransactWriteCommand({
                TransactItems: [
                  {
                    Update: {
                      TableName: table,
                      Key: key,
                      UpdateExpression: 'SET #p.#d = :next',
                      ConditionExpression: '#p.#id = :id AND #p.#d = :i',
                      ExpressionAttributeNames: { '#p': 'pending', '#d': 'done', '#id': 'planId' },
                      ExpressionAttributeValues: { ':next': i + 1, ':i': i, ':id': p.planId },
                    },
                  },
                  ...chunks[i]!.map((d) => counterUpdate(d, cellInfo(d.cell))),
                ],
              }),
            ),
          );
        } catch (err) {
          if (isConflict(err)) return; // another worker applied this chunk; it will finish the plan
          throw err;
        }
      }
      try {
        await send(() =>
          doc.send(
            new UpdateCommand({
              TableName: table,
              Key: key,
              UpdateExpression: 'SET #ap = #p.#t, #ids = #p.#pids, #v = #v + :one, #e = :etag, #ie = :ietag REMOVE #p',
              ConditionExpression: '#p.#id = :id AND #p.#d = :n',
              ExpressionAttributeNames: {
                '#ap': 'applied',
                '#p': 'pending',
                '#t': 'target',
                '#ids': 'articleIds',
                '#pids': 'articleIds',
                '#v': 'version',
                '#e': 'etag',
                '#id': 'planId',
                '#d': 'done',
                '#ie': 'indexEtag',
              },
              ExpressionAttributeValues: {
                ':id': p.planId,
                ':n': chunks.length,
                ':one': 1,
                ':etag': p.etag ?? null,
                ':ietag': p.indexEtag ?? null,
              },
            }),
          ),
        );
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    },

    async putItems(items: Record<string, unknown>[]): Promise<void> {
      await batchWrite(items.map((Item) => ({ PutRequest: { Item } })));
    },

    async getArticles(ids: string[]): Promise<Article[]> {
      const out: Article[] = [];
      for (const part of chunk(ids, 100)) {
        const r = await send(() =>
          doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: part.map(articleKey) } } })),
        );
        out.push(...((r.Responses?.[table] ?? []) as Article[]));
      }
      return out;
    },

    async deleteKeys(keys: { pk: string; sk: string }[]): Promise<void> {
      await batchWrite(keys.map((Key) => ({ DeleteRequest: { Key } })));
    },

    /** Items of one partition, newest sort key first (entity → article references). */
    async queryPartition(pk: string, limit: number, newestFirst = true): Promise<Record<string, unknown>[]> {
      const r = await send(() =>
        doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ScanIndexForward: !newestFirst,
            Limit: limit,
          }),
        ),
      );
      return r.Items ?? [];
    },

    async getItem(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
      const r = await send(() => doc.send(new GetCommand({ TableName: table, Key: key })));
      return r.Item;
    },

    async deleteArticles(ids: string[]): Promise<void> {
      await batchWrite(ids.map((id) => ({ DeleteRequest: { Key: articleKey(id) } })));
    },

    async putIngestStatus(s: IngestStatus): Promise<void> {
      // gsi1 orders ingests newest first (the dashboard's "recent ingests").
      await send(() =>
        doc.send(
          new PutCommand({
            TableName: table,
            Item: { ...ingestStatusKey(s.key), gsi1pk: INGESTS_BY_TIME, gsi1sk: `${s.updatedAt}#${s.key}`, ...s },
          }),
        ),
      );
    },

    async getIngestStatus(key: string): Promise<IngestStatus | undefined> {
      const r = await send(() => doc.send(new GetCommand({ TableName: table, Key: ingestStatusKey(key) })));
      return r.Item as IngestStatus | undefined;
    },

    /** Ingests, newest first; `after` is the last item's gsi1 sort key from the previous page. */
    async listIngests(limit: number, after?: string): Promise<{ items: IngestStatus[]; last?: string }> {
      const r = await send(() =>
        doc.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :p',
            ExpressionAttributeValues: { ':p': INGESTS_BY_TIME },
            ScanIndexForward: false,
            Limit: limit,
            ...(after
              ? {
                  ExclusiveStartKey: {
                    gsi1pk: INGESTS_BY_TIME,
                    gsi1sk: after,
                    pk: INGEST_PK,
                    sk: after.slice(after.indexOf('#') + 1),
                  },
                }
              : {}),
          }),
        ),
      );
      const items = (r.Items ?? []) as (IngestStatus & { gsi1sk: string })[];
      return { items, ...(r.LastEvaluatedKey ? { last: String(r.LastEvaluatedKey.gsi1sk) } : {}) };
    },

    /**
     * Every member of a counter dimension (a bounded set, e.g. countries). With a date range, the dated twin of the
     * dimension is read over the range (`YYYY-MM-DD#member` sort keys) and summed per member.
     */
    async readCounters(dimension: string, range?: { from?: string; to?: string }): Promise<CounterRow[]> {
      if (range && (range.from || range.to))
        return readDated(dimension, range.from ?? '0000-00-00', range.to ?? '9999-99-99');
      const rows: CounterRow[] = [];
      for await (const it of queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': counterPartition(dimension) },
      }))
        rows.push({
          ...it,
          member: String(it.sk),
          articles: Number(it.articles ?? 0),
          mentions: Number(it.mentions ?? 0),
        });
      return rows;
    },

    /** Keys of every article object with a recorded state (via gsi1). */
    async listArticleObjects(): Promise<string[]> {
      const keys: string[] = [];
      for await (const it of queryAll({
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': ARTICLE_OBJECTS },
        ProjectionExpression: 'gsi1sk',
      }))
        keys.push(String(it.gsi1sk));
      return keys;
    },

    /** Current-version pointers of every list (one small partition), with their aggregates. */
    async readListPointers(): Promise<ListPointer[]> {
      const r = await send(() =>
        doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': LISTS_PK },
          }),
        ),
      );
      return (r.Items ?? []) as ListPointer[];
    },

    async getListPointer(list: string): Promise<ListPointer | undefined> {
      const r = await send(() =>
        doc.send(new GetCommand({ TableName: table, Key: listPointerKey(list), ConsistentRead: true })),
      );
      return r.Item as ListPointer | undefined;
    },

    /**
     * Makes `p` the current version of its list, only forward: the swap fails (returns false) when the current
     * version is the same or ordered later (a newer upload won the race).
     */
    async swapListPointer(p: Omit<ListPointer, 'pk' | 'sk'>): Promise<boolean> {
      try {
        await send(() =>
          doc.send(
            new PutCommand({
              TableName: table,
              Item: { ...listPointerKey(p.list), ...p },
              ConditionExpression: 'attribute_not_exists(pk) OR #o < :o',
              ExpressionAttributeNames: { '#o': 'order' },
              ExpressionAttributeValues: { ':o': p.order },
            }),
          ),
        );
        return true;
      } catch (err) {
        if (isConflict(err)) return false;
        throw err;
      }
    },

    /** Removes a list's pointer if it still points at the object `key` (that object was deleted). */
    async removeListPointerFor(list: string, key: string): Promise<boolean> {
      try {
        await send(() =>
          doc.send(
            new DeleteCommand({
              TableName: table,
              Key: listPointerKey(list),
              ConditionExpression: '#k = :k',
              ExpressionAttributeNames: { '#k': 'key' },
              ExpressionAttributeValues: { ':k': key },
            }),
          ),
        );
        return true;
      } catch (err) {
        if (isConflict(err)) return false;
        throw err;
      }
    },

    /** Every entity of one list version (the list's precomputed items; bounded by the list's size). */
    async readListVersion(list: string, version: string): Promise<Record<string, unknown>[]> {
      const parts = await Promise.all(
        Array.from({ length: ENTITY_SHARDS }, async (_, shard) => {
          const items: Record<string, unknown>[] = [];
          for await (const it of queryAll({
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': listedEntityPartition(list, version, shard) },
          }))
            items.push(it);
          return items;
        }),
      );
      return parts.flat();
    },

    async putListVersion(list: string, version: string, meta: Record<string, unknown>): Promise<void> {
      await send(() =>
        doc.send(
          new PutCommand({ TableName: table, Item: { ...listVersionKey(list, version), list, version, ...meta } }),
        ),
      );
    },

    /** Deletes every entity of a version (a superseded, refused or replaced one) and its version record. */
    async deleteListVersion(list: string, version: string): Promise<number> {
      let n = 0;
      for (let shard = 0; shard < ENTITY_SHARDS; shard++) {
        const keys: Record<string, unknown>[] = [];
        for await (const it of queryAll({
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': listedEntityPartition(list, version, shard) },
          ProjectionExpression: 'pk, sk',
        }))
          keys.push({ DeleteRequest: { Key: { pk: it.pk, sk: it.sk } } });
        await batchWrite(keys);
        n += keys.length;
      }
      await send(() => doc.send(new DeleteCommand({ TableName: table, Key: listVersionKey(list, version) })));
      return n;
    },

    async deleteItem(key: { pk: string; sk: string }): Promise<void> {
      await send(() => doc.send(new DeleteCommand({ TableName: table, Key: key })));
    },

    doc,
    table,
  };

  /** Every item a Query matches, page after page (a partition or an index range: never a scan). */
  async function* queryAll(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  ): AsyncGenerator<Record<string, unknown>> {
    let start: Record<string, unknown> | undefined;
    do {
      const r = await send(() => doc.send(new QueryCommand({ TableName: table, ...input, ExclusiveStartKey: start })));
      yield* r.Items ?? [];
      start = r.LastEvaluatedKey;
    } while (start);
  }

  async function readDated(dimension: string, from: string, to: string): Promise<CounterRow[]> {
    const sums = new Map<string, CounterRow>();
    const range = {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
      ExpressionAttributeValues: { ':pk': counterPartition(`${dimension}d`), ':a': `${from}#`, ':b': `${to}#\uffff` },
    };
    for await (const it of queryAll(range)) {
      const member = String(it.sk).slice(11);
      const row = sums.get(member) ?? { ...it, member, articles: 0, mentions: 0 };
      row.articles += Number(it.articles ?? 0);
      row.mentions += Number(it.mentions ?? 0);
      sums.set(member, row);
    }
    return [...sums.values()];
  }

  /** BatchWriteItem in parallel batches of 25, retrying unprocessed items with backoff (throttling). */
  async function batchWrite(requests: Record<string, unknown>[], parallel = 4): Promise<void> {
    const batches = chunk(requests, 25);
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        let pending = batches[next++]!;
        for (let attempt = 0; pending.length; attempt++) {
          if (attempt > 10)
            throw new DependencyError(`BatchWriteItem: ${pending.length} items still unprocessed after 10 retries`);
          if (attempt)
            await new Promise((r) => setTimeout(r, Math.min(2000, 25 * 2 ** attempt) * (0.5 + Math.random())));
          const r = await send(() => doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } })));
          pending = (r.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));
  }
}

export type DynamoStore = ReturnType<typeof makeDynamoStore>;
