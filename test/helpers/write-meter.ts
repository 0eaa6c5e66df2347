import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  calibratedWriteCharges,
  consumedAsAsked,
  type TableKeys,
  writeCharges,
} from '../../infra/sandbox/dynamo-capacity.ts';
import { TABLE, TABLE_NAME } from '../../shared/resources.ts';

/**
 * Write units by item kind (issue 17.1): a middleware on a DynamoDB client that meters every write request as the
 * sandbox edge does (`writeCharges` from the request's own JSON body says where the units go: ~1 unit per KB, doubled
 * in transactions, once per index an item lands in; `calibratedWriteCharges` scales them to the capacity DynamoDB
 * Local says the write consumed, asked for on the caller's behalf), and files each charge under the kind of item it
 * wrote (`kindOf`: pk prefix, plus the
 * sort-key prefix inside an object's partition). The edge meters per partition key only; a kind is what a design
 * decision is about ("the parts", "the day cells of countries"), so this is what the write-cost test and
 * `scripts/measure-write-cost.ts` report.
 */

/** The keys of the project's table (resources.ts), under each name a test gives its tables. */
export const tableKeys = (names: readonly string[] = [TABLE_NAME]): Record<string, TableKeys> =>
  Object.fromEntries(
    names.map((n) => [
      n,
      {
        partitionKey: TABLE.partitionKey,
        sortKey: TABLE.sortKey,
        indexes: Object.fromEntries(
          TABLE.indexes.map((ix) => [ix.name, { partitionKey: ix.partitionKey, sortKey: ix.sortKey }]),
        ),
      },
    ]),
  );

/** `OBJ/PART`, `CNT#countryd`, `CNT#tl`, `REF#c`, `ER#country`, `gsi1 ER`… (table or index, then the key's kind). */
export function kindOf(partition: string, sk?: string): string {
  const space = partition.indexOf(' ');
  const where = partition.slice(0, space);
  const pk = partition.slice(space + 1);
  const index = where.includes('/') ? `${where.slice(where.indexOf('/') + 1)} ` : '';
  const [head, second] = pk.split('#');
  if (head === 'OBJ' && sk !== undefined && !index) return `OBJ/${sk.split('#')[0]}`;
  if (head === 'CNT') return `${index}CNT#${(second ?? '').split(/[|:]/)[0]}`;
  if (second === undefined) return `${index}${head}`;
  // A second segment that names something (`c:CN`, `list:…`, `country:CN`, `l:…`) keeps its word; ids and shards go.
  const word = /^[a-z]+(?=[:|]|$)/.exec(second)?.[0];
  return `${index}${head}${word && !/^[0-9a-f]{8,}$/.test(second) ? `#${word}` : ''}`;
}

/**
 * A kind's family, for a short table: index copies folded into the item they copy (`gsi1 ER#all` → `ER rows`), entity
 * rows by scope only (all time, a month, a year), every other kind as it is.
 */
export function familyOf(kind: string): string {
  const k = kind.replace(/^(gsi1|gsiMentions|gsiArticles) /, '');
  if (/^ER@\d{4}-\d{2}/.test(k)) return 'ER@<month> rows (+ 3 index copies)';
  if (/^ER@\d{4}/.test(k)) return 'ER@<year> rows (+ 3 index copies)';
  if (k.startsWith('ER')) return 'ER rows, all time (+ 3 index copies)';
  return k;
}

/** The tally by family (familyOf), most units first, per article. */
export function perArticleByFamily(t: WriteTally, articles: number): { kind: string; wcu: number; items: number }[] {
  const out = new Map<string, { kind: string; wcu: number; items: number }>();
  for (const [kind, v] of t.byKind) {
    const f = familyOf(kind);
    const r = out.get(f) ?? { kind: f, wcu: 0, items: 0 };
    r.wcu += v.units / articles;
    // Items: the table's writes only (an index copy is the same item).
    if (!/^(gsi1|gsiMentions|gsiArticles) /.test(kind)) r.items += v.items / articles;
    out.set(f, r);
  }
  return [...out.values()].sort((a, b) => b.wcu - a.wcu);
}

export interface WriteTally {
  units: number;
  requests: number;
  byKind: Map<string, { units: number; items: number }>;
  /** Units per partition (`table pk`, `table/index pk`): what the per-partition limit is about. */
  partitions: Map<string, number>;
}

/** Adds the meter to `client` (every command it sends, whatever wraps it); returns the live tally and a reset. */
export function meterWrites(
  client: DynamoDBClient,
  tables: readonly string[] = [TABLE_NAME],
): {
  tally: WriteTally;
  partitions: Map<string, number>;
  reset(): void;
} {
  const keys = tableKeys(tables);
  const tally: WriteTally = { units: 0, requests: 0, byKind: new Map(), partitions: new Map() };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const op = String((context as { commandName?: string }).commandName ?? '').replace(/Command$/, '');
      const raw = (args.request as { body?: unknown } | undefined)?.body;
      // The serialised JSON body (a string, or the bytes of one in recent SDK releases): what the edge reads too.
      // (Decoded as bytes: Buffer.from would call the SDK body's valueOf, which it warns about as a string method.)
      const body = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? new TextDecoder().decode(raw) : '';
      if (!body || !/^(Put|Update|Delete|BatchWrite|TransactWrite)Item/.test(op)) return next(args);
      const parsed = JSON.parse(body) as Record<string, unknown>;
      const estimates = writeCharges(op, parsed, keys);
      const request = args.request as { body: string; headers: Record<string, string> };
      request.body = JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'INDEXES' });
      if (request.headers['content-length'])
        request.headers['content-length'] = String(Buffer.byteLength(request.body));
      let result: Awaited<ReturnType<typeof next>> | undefined;
      try {
        result = await next(args);
        return { ...result, output: consumedAsAsked(result.output as never, parsed.ReturnConsumedCapacity) as never };
      } finally {
        // A failed write is charged as estimated (AWS charges failed conditional writes too).
        const out = result?.output as { ConsumedCapacity?: unknown } | undefined;
        const charges = calibratedWriteCharges(estimates, out?.ConsumedCapacity);
        if (charges.length) tally.requests++;
        for (const c of charges) {
          if (c.kind !== 'write') continue;
          tally.units += c.units;
          const k = kindOf(c.partition, c.sk);
          const t = tally.byKind.get(k) ?? { units: 0, items: 0 };
          t.units += c.units;
          t.items += 1;
          tally.byKind.set(k, t);
          tally.partitions.set(c.partition, (tally.partitions.get(c.partition) ?? 0) + c.units);
        }
      }
    },
    { step: 'build', name: 'writeUnitMeter' },
  );
  return {
    tally,
    partitions: tally.partitions,
    reset() {
      tally.units = 0;
      tally.requests = 0;
      tally.byKind.clear();
      tally.partitions.clear();
    },
  };
}

/** The tally as rows, most units first, per article. */
export function perArticle(t: WriteTally, articles: number): { kind: string; wcu: number; items: number }[] {
  return [...t.byKind]
    .map(([kind, v]) => ({ kind, wcu: v.units / articles, items: v.items / articles }))
    .sort((a, b) => b.wcu - a.wcu);
}
