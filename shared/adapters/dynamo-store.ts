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
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  type AggregationChunk,
  chunk,
  type ContributionPart,
  type EntityMove,
  type RowMove,
  type EntityState,
} from '../domain/contribution.ts';
import {
  entityCounterFields,
  entityInfoOf,
  entityRowItem,
  entityRowOf,
  type EntityRow,
  droppedFacets,
  facetsOf,
  revOf,
  rowKeyOfCell,
} from '../domain/entity-rows.ts';
import {
  ARTICLE_OBJECT_SHARDS,
  CHANGE_SHARDS,
  changePartition,
  changePartitions,
  changeSetPartition,
  CHANGESETS_INDEX_PK,
  articleKey,
  articleObjectIndexKey,
  articleObjectPartition,
  contributionPartKey,
  counterKey,
  counterPartitions,
  ENTITY_SHARDS,
  listedEntityNameIndexPartition,
  listedInNewsKey,
  listedInNewsPartitions,
  rollupKey,
  INGEST_SHARDS,
  ingestIndexKey,
  ingestIndexPartition,
  ingestStatusKey,
  ledgerKeyOfPartition,
  listedAliasPartition,
  listedDigestPartition,
  listedEntityPartition,
  listPointerKey,
  LISTS_PK,
  listVersionKey,
  NAME_POSTING_SHARDS,
  NAMES_PREFIX,
  namePostingPartition,
  objectPartition,
  objectStateKey,
  PART_PREFIX,
} from '../domain/keys.ts';
import { ArticleSchema, type Article } from '../domain/model.ts';
import { type NameList, NameListSchema } from '../domain/name-postings.ts';
import { pageMergedShards } from '../domain/shard-merge.ts';
import {
  ContributionPartSchema,
  CounterItemSchema,
  type CounterRow,
  IngestStatusSchema,
  type IngestStatus,
  type Ledger,
  ListPointerSchema,
  type ListPointer,
  ObjectStateSchema,
  type ObjectState,
  parseLedger,
  type StoredPart,
} from '../domain/stored.ts';
import { DependencyError, InvalidInputError } from '../errors.ts';
import type { Conflict, Page, Position, RowOrder, Store } from '../ports.ts';

export type { CounterRow, IngestStatus, ListPointer, ObjectState };

/** A position in each shard of the ingests index: the last sort key read there, or null (from the start). */
const IngestCursor = z.array(z.string().max(200).nullable()).length(INGEST_SHARDS);

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The index each row order reads (resources.ts defines them): partition = the row's facet shard. */
const ROW_INDEX: Record<RowOrder, { name: string; pk: string; sk: string }> = {
  mentions: { name: 'gsiMentions', pk: 'erpk', sk: 'erm' },
  articles: { name: 'gsiArticles', pk: 'erpk', sk: 'era' },
  name: { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' },
};

/** A query's items with each one's position (its table and index keys, what ExclusiveStartKey takes). */
function pageOf<T>(
  items: Record<string, unknown>[],
  last: Record<string, unknown> | undefined,
  indexKeys: string[],
  parse: (it: Record<string, unknown>) => T,
): Page<T> {
  const pos = (it: Record<string, unknown>): Position => {
    const p: Position = { pk: String(it.pk), sk: String(it.sk) };
    for (const k of indexKeys) p[k] = it[k] as string | number;
    return p;
  };
  return { items: items.map((it) => ({ item: parse(it), pos: pos(it) })), ...(last ? { last: pos(last) } : {}) };
}

export function makeDynamoStore(
  doc: DynamoDBDocumentClient,
  table: string,
): Store & { doc: DynamoDBDocumentClient; table: string } {
  const isConflict = (err: unknown) =>
    err instanceof ConditionalCheckFailedException ||
    (err instanceof TransactionCanceledException &&
      (err.CancellationReasons ?? []).some(
        (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
      ));

  const counterUpdate = (d: AggregationChunk['deltas'][number]) => {
    const names: Record<string, string> = { '#a': 'articles', '#m': 'mentions' };
    const values: Record<string, unknown> = { ':a': d.articles, ':m': d.mentions };
    let add = 'ADD #a :a, #m :m';
    for (const [i, [k, v]] of Object.entries(d.extra ?? {}).entries()) {
      names[`#e${i}`] = k;
      values[`:e${i}`] = v;
      add += `, #e${i} :e${i}`;
    }
    let set = '';
    for (const [i, [k, v]] of Object.entries(d.info ?? {}).entries()) {
      names[`#i${i}`] = k;
      values[`:i${i}`] = v;
      // First writer's display fields stay (as before the stream): a name does not flip between articles' surfaces.
      set += `${set ? ', ' : ' SET '}#i${i} = if_not_exists(#i${i}, :i${i})`;
    }
    return {
      Update: {
        TableName: table,
        Key: counterKey(d.cell),
        UpdateExpression: `${add}${set}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  };

  /** ADD of several number attributes on one item (listed-in-news counters, rollups). */
  const addUpdate = (key: { pk: string; sk: string }, attrs: Record<string, number>) => {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const adds = Object.entries(attrs).map(([k, v], i) => {
      names[`#x${i}`] = k;
      values[`:x${i}`] = v;
      return `#x${i} :x${i}`;
    });
    return {
      Update: {
        TableName: table,
        Key: key,
        UpdateExpression: `ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  };

  /**
   * An entity's counter moved from what the aggregator read to its new amounts (conditional: if another shard moved
   * it since, the transaction is cancelled and the batch planned again).
   */
  const entityActions = (e: EntityMove): TransactItem[] => {
    const key = counterKey(e.cell);
    const counter = e.before
      ? {
          Update: {
            TableName: table,
            Key: key,
            UpdateExpression: 'SET #a = :a1, #m = :m1',
            // The info revision too (issue 17.3): a refile since the read makes this batch plan again.
            ConditionExpression: `#a = :a0 AND #m = :m0 AND ${e.rev === undefined ? 'attribute_not_exists(#r)' : '#r = :r0'}`,
            ExpressionAttributeNames: { '#a': 'articles', '#m': 'mentions', '#r': 'rev' },
            ExpressionAttributeValues: {
              ':a1': e.after.articles,
              ':m1': e.after.mentions,
              ':a0': e.before.articles,
              ':m0': e.before.mentions,
              ...(e.rev === undefined ? {} : { ':r0': e.rev }),
            },
          },
        }
      : {
          Put: {
            TableName: table,
            Item: { ...key, ...entityCounterFields(e) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        };
    return [counter];
  };

  /** An entity's rows: put in every facet while it has articles, deleted when it has none (see rowMovesOf). */
  const rowWrites = (e: RowMove): Record<string, unknown>[] => [
    ...facetsOf(e.info).map((f) =>
      e.after.articles > 0
        ? { PutRequest: { Item: entityRowItem(f, e.cell, e.info, e.after.articles, e.after.mentions) } }
        : { DeleteRequest: { Key: rowKeyOfCell(f, e.cell) } },
    ),
    ...droppedFacets(e).map((f) => ({ DeleteRequest: { Key: rowKeyOfCell(f, e.cell) } })),
  ];

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

  async function batchGet(keys: { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const part of chunk(keys, 100)) {
      let pending: Record<string, unknown>[] = part;
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt > 10)
          throw new DependencyError(`BatchGetItem: ${pending.length} keys unprocessed after 10 retries`);
        if (attempt) await new Promise((r) => setTimeout(r, Math.min(2000, 25 * 2 ** attempt) * (0.5 + Math.random())));
        const r = await send(() =>
          doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } })),
        );
        out.push(...(r.Responses?.[table] ?? []));
        pending = (r.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return out;
  }

  const ledgersByPartition = async (pks: readonly string[]): Promise<Map<string, Ledger>> => {
    const out = new Map<string, Ledger>();
    for (const it of await batchGet([...new Set(pks)].map(ledgerKeyOfPartition)))
      out.set(String(it.pk), parseLedger(it)!);
    return out;
  };

  return {
    async readObject(key: string): Promise<ObjectState | undefined> {
      const r = await send(() =>
        doc.send(new GetCommand({ TableName: table, Key: objectStateKey(key), ConsistentRead: true })),
      );
      return r.Item ? ObjectStateSchema.parse(r.Item) : undefined;
    },

    async claimObject(key, expectedVersion, next): Promise<'claimed' | Conflict> {
      try {
        await send(() =>
          doc.send(
            new PutCommand({
              TableName: table,
              Item: { ...objectStateKey(key), ...articleObjectIndexKey(key), ...next },
              ...(expectedVersion === undefined
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : {
                    ConditionExpression: '#v = :v',
                    ExpressionAttributeNames: { '#v': 'version' },
                    ExpressionAttributeValues: { ':v': expectedVersion },
                  }),
            }),
          ),
        );
        return 'claimed';
      } catch (err) {
        if (isConflict(err)) return 'conflict';
        throw err;
      }
    },

    async writeParts(key: string, gen: string, parts: readonly ContributionPart[]): Promise<void> {
      // Unconditional puts: a retry rewrites identical items, which the stream reports as a MODIFY with equal
      // images (no delta); BatchWriteItem takes 25 at a time where a conditional put would take one.
      await batchWrite(
        parts.map(({ info, articleIds, ...p }) => ({
          PutRequest: {
            Item: {
              ...contributionPartKey(key, gen, p.index),
              gen,
              key,
              ...p,
              // Empty maps and lists are left out (the schema's defaults restore them): DynamoDB Local's stream images
              // of empty ones are not well-formed AttributeValues.
              ...(Object.keys(info).length ? { info } : {}),
              ...(articleIds.length ? { articleIds } : {}),
            },
          },
        })),
      );
    },

    async readParts(key: string): Promise<StoredPart[]> {
      const out: StoredPart[] = [];
      for await (const it of queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': objectPartition(key), ':p': PART_PREFIX },
        ConsistentRead: true,
      }))
        out.push(ContributionPartSchema.parse(it));
      return out;
    },

    async deleteParts(parts): Promise<void> {
      await batchWrite(parts.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })));
    },

    async completeObject(key: string, version: number): Promise<'completed' | Conflict> {
      try {
        await send(() =>
          doc.send(
            new UpdateCommand({
              TableName: table,
              Key: objectStateKey(key),
              UpdateExpression: 'SET #c = :t',
              ConditionExpression: '#v = :v',
              ExpressionAttributeNames: { '#c': 'complete', '#v': 'version' },
              ExpressionAttributeValues: { ':t': true, ':v': version },
            }),
          ),
        );
        return 'completed';
      } catch (err) {
        if (isConflict(err)) return 'conflict';
        throw err;
      }
    },

    async readLedgers(objects: readonly string[]): Promise<Map<string, Ledger>> {
      return ledgersByPartition(objects);
    },

    async readEntityStates(cells: readonly string[]): Promise<Map<string, EntityState>> {
      const byKey = new Map(cells.map((c) => [JSON.stringify(counterKey(c)), c]));
      const out = new Map<string, EntityState>();
      for (const it of await batchGet(cells.map(counterKey))) {
        const cell = byKey.get(JSON.stringify({ pk: it.pk, sk: it.sk }))!;
        const c = CounterItemSchema.parse(it);
        out.set(cell, { articles: c.articles, mentions: c.mentions, info: entityInfoOf(cell, it), ...revOf(it) });
      }
      return out;
    },

    async queryEntityRows(partition, order, desc, limit, start, prefix, atLeast): Promise<Page<EntityRow>> {
      const ix = ROW_INDEX[order];
      const [cond, value] = prefix
        ? [' AND begins_with(#s, :s)', prefix]
        : atLeast !== undefined && order !== 'name'
          ? [' AND #s >= :s', atLeast]
          : ['', undefined];
      const r = await send(() =>
        doc.send(
          new QueryCommand({
            TableName: table,
            IndexName: ix.name,
            KeyConditionExpression: `#p = :p${cond}`,
            ExpressionAttributeNames: { '#p': ix.pk, ...(cond ? { '#s': ix.sk } : {}) },
            ExpressionAttributeValues: { ':p': partition, ...(cond ? { ':s': value } : {}) },
            ScanIndexForward: !desc,
            Limit: limit,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      return pageOf(r.Items ?? [], r.LastEvaluatedKey, [ix.pk, ix.sk], entityRowOf);
    },

    async queryListAliases(list, version, shard, prefix, limit): Promise<string[]> {
      const r = await send(() =>
        doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :p AND begins_with(sk, :pre)',
            ExpressionAttributeValues: { ':p': listedAliasPartition(list, version, shard), ':pre': prefix },
            ProjectionExpression: 'sourceId',
            Limit: limit,
          }),
        ),
      );
      return (r.Items ?? []).map((it) => String(it.sourceId));
    },

    async queryListEntities(list, version, shard, limit, start, byName): Promise<Page<Record<string, unknown>>> {
      const input = byName
        ? {
            IndexName: 'gsi1',
            KeyConditionExpression: byName.prefix ? 'gsi1pk = :p AND begins_with(gsi1sk, :pre)' : 'gsi1pk = :p',
            ExpressionAttributeValues: {
              ':p': listedEntityNameIndexPartition(list, version, shard),
              ...(byName.prefix ? { ':pre': byName.prefix } : {}),
            },
            ScanIndexForward: !byName.desc,
          }
        : {
            KeyConditionExpression: 'pk = :p',
            ExpressionAttributeValues: { ':p': listedEntityPartition(list, version, shard) },
          };
      const r = await send(() =>
        doc.send(
          new QueryCommand({
            TableName: table,
            ...input,
            Limit: limit,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      return pageOf(r.Items ?? [], r.LastEvaluatedKey, byName ? ['gsi1pk', 'gsi1sk'] : [], (it) => it);
    },

    async readListedInNews(): Promise<Record<string, unknown>[]> {
      // One query per shard (≤ 250 countries in all), in parallel.
      const shards = await Promise.all(
        listedInNewsPartitions().map(async (pk) => {
          const out: Record<string, unknown>[] = [];
          for await (const it of queryAll({
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
          }))
            out.push(it);
          return out;
        }),
      );
      return shards.flat();
    },

    async readRollups(periods: readonly string[]): Promise<Record<string, unknown>[]> {
      return batchGet(periods.map(rollupKey));
    },

    async readLedgersOf(keys: readonly string[]): Promise<Map<string, Ledger>> {
      const byPk = await ledgersByPartition(keys.map(objectPartition));
      return new Map(keys.flatMap((k) => (byPk.has(objectPartition(k)) ? [[k, byPk.get(objectPartition(k))!]] : [])));
    },

    /**
     * One chunk in one transaction: each object's ledger (checkpoint forward, parts present) under the condition
     * that its checkpoint is still before the chunk, and the merged counter ADDs. Counter items are touched once per
     * chunk, not once per article: their write rate is the aggregator's, whatever the ingest rate.
     */
    async applyChunk(c: AggregationChunk): Promise<'applied' | Conflict> {
      const ledgerUpdates = c.ledgers.map((l) => {
        const names: Record<string, string> = { '#s': 'seq', '#n': 'net' };
        const values: Record<string, unknown> = { ':first': l.firstSeq, ':last': l.lastSeq, ':net': l.net };
        let add = 'ADD #n :net';
        for (const [i, [gen, n]] of Object.entries(l.byGen).entries()) {
          names[`#g${i}`] = `g_${gen}`;
          values[`:g${i}`] = n;
          add += `, #g${i} :g${i}`;
        }
        return {
          Update: {
            TableName: table,
            Key: ledgerKeyOfPartition(l.object),
            UpdateExpression: `SET #s = :last ${add}`,
            ConditionExpression: 'attribute_not_exists(#s) OR #s < :first',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        };
      });
      const items: TransactItem[] = [
        ...ledgerUpdates,
        ...c.deltas.map((d) => counterUpdate(d)),
        ...c.entities.flatMap((e) => entityActions(e)),
        ...Object.entries(c.listedInNews).map(([cc, attrs]) => addUpdate(listedInNewsKey(cc), attrs)),
        ...Object.entries(c.rollups).map(([period, attrs]) => addUpdate(rollupKey(period), attrs)),
      ];
      for (let attempt = 0; ; attempt++) {
        try {
          await send(() => doc.send(new TransactWriteCommand({ TransactItems: items })));
          return 'applied';
        } catch (err) {
          if (!(err instanceof TransactionCanceledException)) throw err;
          const reasons = err.CancellationReasons ?? [];
          if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) return 'conflict';
          // Another shard's transaction held a counter item (TransactionConflict): back off and try again.
          if (attempt >= 8) throw new DependencyError(`aggregator transaction: ${err.message}`, { cause: err });
          await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random())));
        }
      }
    },

    async refileCounter({ cell, before, info, listedInNews }): Promise<'applied' | Conflict> {
      const counter: TransactItem = {
        Update: {
          TableName: table,
          Key: counterKey(cell),
          // The fields entityInfoOf reads back; the amounts and the revision read are the condition (17.3).
          UpdateExpression: 'SET #n = :n, #k = :k, #c = :c, #r = :r1',
          ConditionExpression: `#a = :a0 AND #m = :m0 AND ${before.rev === undefined ? 'attribute_not_exists(#r)' : '#r = :r0'}`,
          ExpressionAttributeNames: {
            '#n': 'name',
            '#k': 'kind',
            '#c': 'countries',
            '#r': 'rev',
            '#a': 'articles',
            '#m': 'mentions',
          },
          ExpressionAttributeValues: {
            ':n': info.name,
            ':k': info.type,
            ':c': info.countries,
            ':r1': (before.rev ?? 0) + 1,
            ':a0': before.articles,
            ':m0': before.mentions,
            ...(before.rev === undefined ? {} : { ':r0': before.rev }),
          },
        },
      };
      const lin = Object.entries(listedInNews)
        .filter(([, attrs]) => Object.keys(attrs).length)
        .map(([cc, attrs]) => addUpdate(listedInNewsKey(cc), attrs));
      try {
        await send(() => doc.send(new TransactWriteCommand({ TransactItems: [counter, ...lin] })));
        return 'applied';
      } catch (err) {
        if (isConflict(err)) return 'conflict';
        throw err;
      }
    },

    async writeEntityRows(moves: readonly RowMove[]): Promise<void> {
      // BatchWriteItem, 25 a request: unconditional, as rowMovesOf says why. Each entity once, so no key twice.
      await batchWrite(moves.flatMap(rowWrites), 16);
    },

    async putItems(items: Record<string, unknown>[]): Promise<void> {
      // 16 requests in flight, as the rows: an article file's items (articles, references) are most of its function's
      // time (`measure-write-cost --profile`).
      await batchWrite(
        items.map((Item) => ({ PutRequest: { Item } })),
        16,
      );
    },

    async getArticles(ids: string[]): Promise<Article[]> {
      // Consistent, every unprocessed key retried (batchGet): a relink compares these with the articles it links
      // again and rewrites only those that differ (issue 17.4), so a stale or missing one would leave links behind.
      return (await batchGet(ids.map(articleKey))).map((it) => ArticleSchema.parse(it));
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

    async putIngestStatus(st: IngestStatus): Promise<void> {
      // gsi1 orders ingests newest first (the dashboard's "recent ingests"), over INGEST_SHARDS partitions: one
      // partition key for every upload would cap uploads at 1,000/s on AWS.
      await send(() =>
        doc.send(
          new PutCommand({
            TableName: table,
            Item: { ...ingestStatusKey(st.key), ...ingestIndexKey(st.key, st.updatedAt), ...st },
          }),
        ),
      );
    },

    async moveIngestGeneration(key: string, etag: string, gen: string, parts: number): Promise<void> {
      try {
        await send(() =>
          doc.send(
            new UpdateCommand({
              TableName: table,
              Key: ingestStatusKey(key),
              UpdateExpression: 'SET #gen = :gen, #parts = :parts',
              // Only the status of this very upload: a newer upload's status names its own generation.
              ConditionExpression: '#etag = :etag',
              ExpressionAttributeNames: { '#gen': 'gen', '#parts': 'parts', '#etag': 'etag' },
              ExpressionAttributeValues: { ':gen': gen, ':parts': parts, ':etag': etag },
            }),
          ),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },

    async getIngestStatus(key: string): Promise<IngestStatus | undefined> {
      const r = await send(() => doc.send(new GetCommand({ TableName: table, Key: ingestStatusKey(key) })));
      return r.Item ? IngestStatusSchema.parse(r.Item) : undefined;
    },

    /**
     * Ingests, newest first: each shard of the index read from its position, at most `limit` items each, merged.
     * Reads ≤ INGEST_SHARDS × limit items, whatever the number of ingests; the cursor is the position in each shard.
     */
    async listIngests(limit: number, after?: string): Promise<{ items: IngestStatus[]; last?: string }> {
      let positions: (string | null)[] = Array.from({ length: INGEST_SHARDS }, () => null);
      if (after) {
        try {
          positions = IngestCursor.parse(JSON.parse(after));
        } catch {
          throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
        }
      }
      const shards = await Promise.all(
        positions.map(async (pos, shard) => {
          if (pos === '') return { shard, items: [] as Record<string, unknown>[], more: false };
          const r = await send(() =>
            doc.send(
              new QueryCommand({
                TableName: table,
                IndexName: 'gsi1',
                KeyConditionExpression: 'gsi1pk = :p',
                ExpressionAttributeValues: { ':p': ingestIndexPartition(shard) },
                ScanIndexForward: false,
                Limit: limit,
                ...(pos
                  ? {
                      ExclusiveStartKey: {
                        gsi1pk: ingestIndexPartition(shard),
                        gsi1sk: pos,
                        pk: `OBJ#${pos.slice(pos.lastIndexOf('#') + 1)}`,
                        sk: 'STATUS',
                      },
                    }
                  : {}),
              }),
            ),
          );
          return { shard, items: r.Items ?? [], more: Boolean(r.LastEvaluatedKey) };
        }),
      );
      const merged = shards
        .flatMap((x) => x.items.map((it) => ({ shard: x.shard, sk: String(it.gsi1sk), it })))
        .sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0))
        .slice(0, limit);
      const next = [...positions];
      for (const m of merged) next[m.shard] = m.sk;
      // A shard read to its end (all its items taken, none left) is marked '' so later pages skip it.
      for (const x of shards) if (!x.more && x.items.every((it) => merged.some((m) => m.it === it))) next[x.shard] = '';
      const exhausted = next.every((p) => p === '');
      return {
        items: merged.map((m) => IngestStatusSchema.parse(m.it)),
        ...(exhausted ? {} : { last: JSON.stringify(next) }),
      };
    },

    /** Every member of a counter dimension (a bounded set, e.g. countries). */
    async readCounters(dimension: string): Promise<CounterRow[]> {
      // One query per shard of the dimension (write-sharded: keys.ts), in parallel; a member is in one shard.
      const shards = await Promise.all(
        counterPartitions(dimension).map(async (pk) => {
          const rows: CounterRow[] = [];
          for await (const it of queryAll({
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
          }))
            rows.push({ ...CounterItemSchema.parse(it), member: String(it.sk) });
          return rows;
        }),
      );
      return shards.flat();
    },

    async readCounter(cell: string): Promise<CounterRow | undefined> {
      const key = counterKey(cell);
      const r = await send(() => doc.send(new GetCommand({ TableName: table, Key: key })));
      return r.Item ? { ...CounterItemSchema.parse(r.Item), member: key.sk } : undefined;
    },

    /** The object's own partition, its name lists only (bounded by the object's size). */
    async readNameLists(key: string): Promise<NameList[]> {
      const out: NameList[] = [];
      for await (const it of queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': objectPartition(key), ':p': NAMES_PREFIX },
        ConsistentRead: true,
      }))
        out.push(NameListSchema.parse(it));
      return out;
    },

    /**
     * The objects posted under these name keys: one strongly consistent Query per key and shard, a few at once. What
     * it reads is the postings of the changed names, not the corpus (issue 17.4). Consistent, because an article
     * that finished its ingest before the index changed must be found (see reconcileArticleObject's last check).
     */
    async objectsNaming(nameKeys: readonly string[]): Promise<string[]> {
      const partitions = [...new Set(nameKeys)].flatMap((k) =>
        Array.from({ length: NAME_POSTING_SHARDS }, (_, s) => namePostingPartition(k, s)),
      );
      const out = new Set<string>();
      let next = 0;
      const worker = async () => {
        while (next < partitions.length) {
          const pk = partitions[next++]!;
          for await (const it of queryAll({
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ProjectionExpression: '#k',
            ExpressionAttributeNames: { '#k': 'key' },
            ConsistentRead: true,
          }))
            out.add(String(it.key));
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, partitions.length) }, worker));
      return [...out];
    },

    /** Keys of every article object with a recorded state (the sharded gsi1 listing: for a full relink only). */
    async listArticleObjects(): Promise<string[]> {
      const keys: string[] = [];
      for (let shard = 0; shard < ARTICLE_OBJECT_SHARDS; shard++)
        for await (const it of queryAll({
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': articleObjectPartition(shard) },
          ProjectionExpression: '#k',
          ExpressionAttributeNames: { '#k': 'key' },
        }))
          keys.push(String(it.key));
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
      return (r.Items ?? []).map((it) => ListPointerSchema.parse(it));
    },

    async getListPointer(list: string): Promise<ListPointer | undefined> {
      const r = await send(() =>
        doc.send(new GetCommand({ TableName: table, Key: listPointerKey(list), ConsistentRead: true })),
      );
      return r.Item ? ListPointerSchema.parse(r.Item) : undefined;
    },

    /**
     * Makes `p` the current version of its list, only forward: the swap fails (returns false) when the current
     * version is the same or ordered later (a newer upload won the race).
     */
    async swapListPointer(p: ListPointer): Promise<boolean> {
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

    /**
     * Deletes every entity of a version (a superseded, refused or replaced one), its alias and digest items, and its
     * version record. Returns the entities deleted.
     */
    async deleteListVersion(list: string, version: string): Promise<number> {
      let n = 0;
      for (let shard = 0; shard < ENTITY_SHARDS; shard++)
        for (const pk of [
          listedEntityPartition(list, version, shard),
          listedAliasPartition(list, version, shard),
          listedDigestPartition(list, version, shard),
        ]) {
          const keys: Record<string, unknown>[] = [];
          for await (const it of queryAll({
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ProjectionExpression: 'pk, sk',
          }))
            keys.push({ DeleteRequest: { Key: { pk: it.pk, sk: it.sk } } });
          await batchWrite(keys);
          if (pk.startsWith('LE#')) n += keys.length;
        }
      await send(() => doc.send(new DeleteCommand({ TableName: table, Key: listVersionKey(list, version) })));
      return n;
    },

    /** BatchGetItem, 100 keys a call, up to 4 calls in flight (an ingest reads a flush of entities at once). */
    async getItems(keys: readonly { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
      const parts = chunk([...keys], 100);
      const out: Record<string, unknown>[][] = [];
      let next = 0;
      const worker = async () => {
        while (next < parts.length) {
          const i = next++;
          out[i] = await batchGet(parts[i]!);
        }
      };
      await Promise.all(Array.from({ length: Math.min(4, parts.length) }, worker));
      return out.flat();
    },

    async pageListShard(
      list: string,
      version: string,
      shard: number,
      opts: { after?: string; limit: number; fields?: string[] },
    ): Promise<{ items: Record<string, unknown>[]; last?: string }> {
      const pk = listedEntityPartition(list, version, shard);
      const names = Object.fromEntries([...new Set(['pk', 'sk', ...(opts.fields ?? [])])].map((f, i) => [`#f${i}`, f]));
      const r = await send(() =>
        doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            Limit: opts.limit,
            ...(opts.fields
              ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names }
              : {}),
            ...(opts.after !== undefined ? { ExclusiveStartKey: { pk, sk: opts.after } } : {}),
          }),
        ),
      );
      const last = r.LastEvaluatedKey?.sk;
      return { items: r.Items ?? [], ...(last !== undefined ? { last: String(last) } : {}) };
    },

    async deleteChanges(list: string, version: string): Promise<void> {
      // Every shard of the version's changes (keys.ts).
      for (const pk of changePartitions(list, version)) {
        const keys: Record<string, unknown>[] = [];
        for await (const it of queryAll({
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: 'pk, sk',
        }))
          keys.push({ DeleteRequest: { Key: { pk: it.pk, sk: it.sk } } });
        await batchWrite(keys);
      }
    },

    async claimListPointer(
      list: string,
      expectedEtag: string,
      patching: NonNullable<ListPointer['patching']>,
      now: number,
    ): Promise<boolean> {
      try {
        await send(() =>
          doc.send(
            new UpdateCommand({
              TableName: table,
              Key: listPointerKey(list),
              UpdateExpression: 'SET #p = :p',
              ConditionExpression: '#e = :e AND (attribute_not_exists(#p) OR #p.#pe = :pe OR #p.#u < :now)',
              ExpressionAttributeNames: { '#p': 'patching', '#e': 'etag', '#pe': 'etag', '#u': 'until' },
              ExpressionAttributeValues: { ':p': patching, ':e': expectedEtag, ':pe': patching.etag, ':now': now },
            }),
          ),
        );
        return true;
      } catch (err) {
        if (isConflict(err)) return false;
        throw err;
      }
    },

    async finishListPointer(next: ListPointer, expectedEtag: string): Promise<boolean> {
      const { patching: _drop, ...rest } = next;
      try {
        await send(() =>
          doc.send(
            new PutCommand({
              TableName: table,
              Item: { ...listPointerKey(next.list), ...rest },
              ConditionExpression: '#e = :e AND #p.#pe = :pe',
              ExpressionAttributeNames: { '#e': 'etag', '#p': 'patching', '#pe': 'etag' },
              ExpressionAttributeValues: { ':e': expectedEtag, ':pe': next.etag },
            }),
          ),
        );
        return true;
      } catch (err) {
        if (isConflict(err)) return false;
        throw err;
      }
    },

    /**
     * Change sets newest first: a list's own partition, or gsi1's cross-list listing (one item per list version).
     * Reads `limit` items at most.
     */
    async listChangeSets(opts: {
      list?: string | undefined;
      since?: string | undefined;
      atOrBefore?: string | undefined;
      limit: number;
    }): Promise<{ items: (Record<string, unknown> & { pos: string })[]; more: boolean }> {
      const [pkName, skName, pk] = opts.list
        ? ['pk', 'sk', changeSetPartition(opts.list)]
        : ['gsi1pk', 'gsi1sk', CHANGESETS_INDEX_PK];
      const range =
        opts.since && opts.atOrBefore
          ? ' AND #s BETWEEN :a AND :b'
          : opts.since
            ? ' AND #s >= :a'
            : opts.atOrBefore
              ? ' AND #s <= :b'
              : '';
      const r = await send(() =>
        doc.send(
          new QueryCommand({
            TableName: table,
            ...(opts.list ? {} : { IndexName: 'gsi1' }),
            KeyConditionExpression: `#p = :p${range}`,
            ExpressionAttributeNames: { '#p': pkName, ...(range ? { '#s': skName } : {}) },
            ExpressionAttributeValues: {
              ':p': pk,
              ...(opts.since ? { ':a': opts.since } : {}),
              ...(opts.atOrBefore ? { ':b': opts.atOrBefore } : {}),
            },
            ScanIndexForward: false,
            Limit: opts.limit,
          }),
        ),
      );
      return {
        items: (r.Items ?? []).map((it) => ({ ...it, pos: String(it[skName]) })),
        more: Boolean(r.LastEvaluatedKey),
      };
    },

    /**
     * A k-way merge of the version's change shards (keys.ts, shard-merge.ts): key-range Queries per shard in 3–4
     * rounds, at most CHANGE_SHARDS × (limit + 1) items a call (about 1.5 × limit + 16), in the order one partition
     * would give.
     */
    async pageChanges(
      list: string,
      version: string,
      prefix: string,
      opts: { after?: string | undefined; limit: number },
    ): Promise<{ items: Record<string, unknown>[]; last?: string }> {
      return pageMergedShards(CHANGE_SHARDS, opts.limit, opts.after, async (shard, after, limit) => {
        const pk = changePartition(list, version, shard);
        const r = await send(() =>
          doc.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pre)',
              ExpressionAttributeValues: { ':pk': pk, ':pre': prefix },
              Limit: limit,
              // A position, not an item: the cursor is a sort key of whichever shard held it.
              ...(after !== undefined ? { ExclusiveStartKey: { pk, sk: after } } : {}),
            }),
          ),
        );
        const last = r.LastEvaluatedKey?.sk;
        return { items: (r.Items ?? []) as { sk: unknown }[], ...(last !== undefined ? { last: String(last) } : {}) };
      });
    },

    /** A bounded count: Select COUNT over a key range, at most `cap` items evaluated. */
    async countRange(pk: string, from: string, to: string, cap: number): Promise<{ count: number; capped: boolean }> {
      let count = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const r = await send(() =>
          doc.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
              ExpressionAttributeValues: { ':pk': pk, ':a': from, ':b': to },
              Select: 'COUNT',
              Limit: cap + 1 - count,
              ExclusiveStartKey: start,
            }),
          ),
        );
        count += r.Count ?? 0;
        start = r.LastEvaluatedKey;
      } while (start && count <= cap);
      return { count: Math.min(count, cap), capped: count > cap };
    },

    async deleteItem(key: { pk: string; sk: string }): Promise<void> {
      await send(() => doc.send(new DeleteCommand({ TableName: table, Key: key })));
    },

    /**
     * One key range, read page by page to `limit` items. A key condition takes one comparison on the sort key, so
     * the exclusive `after` becomes an inclusive bound and the item equal to it is dropped here.
     */
    async readRange(r) {
      let { lower, upper } = r;
      if (r.after !== undefined) {
        if (r.descending && r.after < upper) upper = r.after;
        if (!r.descending && r.after > lower) lower = r.after;
      }
      if (lower > upper) return { items: [], more: false };
      const items: { sortKey: string; item: Record<string, unknown> }[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const res = await send(() =>
          doc.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
              ExpressionAttributeValues: { ':p': r.pk, ':lo': lower, ':hi': upper },
              ScanIndexForward: !r.descending,
              Limit: r.limit - items.length + (r.after !== undefined ? 1 : 0),
              ExclusiveStartKey: start,
            }),
          ),
        );
        for (const it of res.Items ?? []) {
          const sortKey = String(it.sk);
          if (sortKey !== r.after) items.push({ sortKey, item: it });
        }
        start = res.LastEvaluatedKey;
      } while (start && items.length < r.limit);
      return { items: items.slice(0, r.limit), more: items.length > r.limit || Boolean(start) };
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
