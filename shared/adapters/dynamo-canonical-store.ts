import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { chunk } from '../domain/contribution.ts';
import { DependencyError } from '../errors.ts';
import type { CanonicalStore, Conflict } from '../ports.ts';
import type { DynamoStore } from './dynamo-store.ts';

/**
 * The CanonicalStore port on the table the rest of the store uses (its batch writes and deletes, with their retries),
 * plus paged partition reads, batched gets and the META-with-counters transaction. A separate module so cross-list
 * resolution adds to the store without touching its other ports.
 */
export function makeDynamoCanonicalStore(store: DynamoStore): CanonicalStore {
  const { doc, table } = store;
  const send = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || err instanceof TransactionCanceledException) throw err;
      if ((err as Error).name === 'ValidationException') throw err;
      throw new DependencyError(`DynamoDB: ${(err as Error).name}: ${(err as Error).message}`, { cause: err });
    }
  };
  return {
    async queryPage(pk, limit, after) {
      const r = await send(() =>
        doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: after === undefined ? 'pk = :pk' : 'pk = :pk AND sk > :after',
            ExpressionAttributeValues: { ':pk': pk, ...(after === undefined ? {} : { ':after': after }) },
            Limit: limit,
            ConsistentRead: true,
          }),
        ),
      );
      const items = r.Items ?? [];
      return { items, ...(r.LastEvaluatedKey ? { last: String(r.LastEvaluatedKey.sk) } : {}) };
    },
    async getItems(keys) {
      const out: Record<string, unknown>[] = [];
      const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
      // Batches of 100 keys (BatchGetItem's limit), eight in flight.
      const parts = chunk(unique, 100);
      let next = 0;
      const worker = async () => {
        while (next < parts.length) {
          await getPart(parts[next++]!);
        }
      };
      const getPart = async (part: { pk: string; sk: string }[]) => {
        let pending: Record<string, unknown>[] = part;
        for (let attempt = 0; pending.length; attempt++) {
          if (attempt > 10)
            throw new DependencyError(`BatchGetItem: ${pending.length} keys unprocessed after 10 retries`);
          if (attempt)
            await new Promise((r) => setTimeout(r, Math.min(2000, 25 * 2 ** attempt) * (0.5 + Math.random())));
          const r = await send(() =>
            doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } })),
          );
          out.push(...(r.Responses?.[table] ?? []));
          pending = (r.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, parts.length) }, worker));
      return out;
    },
    getItem: (key) => store.getItem(key),
    putItems: (items) => store.putItems(items),
    deleteKeys: (keys) => store.deleteKeys(keys),
    async writeCanonicals(w): Promise<'written' | Conflict> {
      const metas = w.metas.map((m) => {
        const cond =
          m.expectRev === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': m.expectRev } };
        return m.item
          ? { Put: { TableName: table, Item: m.item, ...cond } }
          : { Delete: { TableName: table, Key: m.key, ...cond } };
      });
      const counters = w.counters.map((c) => ({
        Update: {
          TableName: table,
          Key: c.key,
          UpdateExpression: 'ADD #e :d',
          ExpressionAttributeNames: { '#e': 'count' },
          ExpressionAttributeValues: { ':d': c.delta },
        },
      }));
      if (!metas.length && !counters.length) return 'written';
      try {
        // One META item and no counter: a conditional write alone does what the transaction would (all or nothing
        // is one item), for half the write units on DynamoDB.
        const one = metas.length === 1 && !counters.length ? metas[0]! : undefined;
        if (one?.Put) {
          await send(() => doc.send(new PutCommand(one.Put)));
          return 'written';
        }
        if (one?.Delete) {
          await send(() => doc.send(new DeleteCommand(one.Delete)));
          return 'written';
        }
        await send(() => doc.send(new TransactWriteCommand({ TransactItems: [...metas, ...counters] })));
        return 'written';
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException || err instanceof TransactionCanceledException)
          return 'conflict';
        throw err;
      }
    },
  };
}
