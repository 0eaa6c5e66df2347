import { itemId, type Item, type TableKeys } from './dynamo-capacity.ts';

/**
 * DynamoDB's transaction conflicts, which DynamoDB Local lacks (it serialises every request): while a
 * `TransactWriteItems` is in flight it holds its items, and on AWS
 * - another `TransactWriteItems` touching one of them is cancelled (`TransactionCanceledException`, reason
 *   `TransactionConflict` at that item's position, `None` elsewhere);
 * - a `PutItem`/`UpdateItem`/`DeleteItem`/`BatchWriteItem` on one of them fails with `TransactionConflictException`;
 * - a `TransactGetItems` touching an item that any write in flight holds is cancelled the same way.
 * (DynamoDB developer guide, "Transaction conflict handling".) The edge asks `check` before forwarding a request and
 * releases the holds when DynamoDB Local has answered it.
 */

type Json = Record<string, unknown>;

export type Conflict =
  | { kind: 'cancelled'; reasons: ({ Code: 'None' } | { Code: 'TransactionConflict'; Message: string })[] }
  | { kind: 'conflict' };

const HELD = 'Transaction is ongoing for the item';

/** The items a request writes or reads, in request order. */
export function itemsOf(op: string, body: Json, tables: Record<string, TableKeys>): string[] {
  const id = (table: unknown, key: unknown) => itemId(String(table), tables[String(table)], (key ?? {}) as Item);
  switch (op) {
    case 'PutItem':
      return [id(body.TableName, body.Item)];
    case 'UpdateItem':
    case 'DeleteItem':
      return [id(body.TableName, body.Key)];
    case 'BatchWriteItem':
      return Object.entries((body.RequestItems ?? {}) as Record<string, Json[]>).flatMap(([table, reqs]) =>
        reqs.map((r) =>
          id(table, ((r.PutRequest as Json | undefined)?.Item ?? (r.DeleteRequest as Json | undefined)?.Key) as Item),
        ),
      );
    case 'TransactWriteItems':
      return ((body.TransactItems ?? []) as Json[]).map((t) => {
        const a = (t.Put ?? t.Update ?? t.Delete ?? t.ConditionCheck ?? {}) as Json;
        return id(a.TableName, a.Item ?? a.Key);
      });
    case 'TransactGetItems':
      return ((body.TransactItems ?? []) as Json[]).map((t) => id((t.Get as Json)?.TableName, (t.Get as Json)?.Key));
    default:
      return [];
  }
}

export class ItemHolds {
  /** item → how many transactions / plain writes in flight hold it */
  private readonly tx = new Map<string, number>();
  private readonly plain = new Map<string, number>();

  get size(): number {
    return this.tx.size + this.plain.size;
  }

  /**
   * Decides a request: undefined = go ahead (its holds are taken; call the returned release when it is answered),
   * or the conflict AWS would answer with.
   */
  check(op: string, items: string[]): { conflict: Conflict } | { release: () => void } {
    if (op === 'TransactWriteItems' || op === 'TransactGetItems') {
      const holders = op === 'TransactWriteItems' ? [this.tx] : [this.tx, this.plain];
      const hit = items.map((i) => holders.some((h) => (h.get(i) ?? 0) > 0));
      if (hit.some(Boolean))
        return {
          conflict: {
            kind: 'cancelled',
            reasons: hit.map((h) =>
              h ? { Code: 'TransactionConflict' as const, Message: HELD } : { Code: 'None' as const },
            ),
          },
        };
      if (op === 'TransactGetItems') return { release: () => {} };
      return { release: this.take(this.tx, items) };
    }
    if (items.some((i) => (this.tx.get(i) ?? 0) > 0)) return { conflict: { kind: 'conflict' } };
    return { release: this.take(this.plain, items) };
  }

  private take(map: Map<string, number>, items: string[]): () => void {
    for (const i of items) map.set(i, (map.get(i) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      for (const i of items) {
        const n = (map.get(i) ?? 1) - 1;
        if (n > 0) map.set(i, n);
        else map.delete(i);
      }
    };
  }
}

/** The JSON body DynamoDB answers a conflict with (awsJson1_0; the SDK reads `__type` and `CancellationReasons`). */
export function conflictBody(c: Conflict): { type: string; body: Json } {
  if (c.kind === 'cancelled')
    return {
      type: 'TransactionCanceledException',
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${c.reasons.map((r) => r.Code).join(', ')}]`,
        CancellationReasons: c.reasons,
      },
    };
  return {
    type: 'TransactionConflictException',
    body: { __type: 'com.amazonaws.dynamodb.v20120810#TransactionConflictException', message: HELD },
  };
}
