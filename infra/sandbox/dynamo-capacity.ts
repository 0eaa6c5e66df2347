/**
 * What a DynamoDB request would cost on AWS, per partition: the sandbox edge reads the JSON of each
 * `DynamoDB_20120810.*` request (and the items a read returns) and counts write and read units per partition key per
 * second, as AWS meters them (roughly: 1 write unit per KB written, 1 read unit per 4 KB read, both doubled in
 * transactions; eventually consistent reads half). DynamoDB Local never throttles; AWS throttles a partition past
 * 1,000 write units or 3,000 read units a second, and this is how the sandbox shows a design that would.
 */

/** AWS's per-partition limits (DynamoDB developer guide, "partition key design"). */
export const PARTITION_LIMITS = { writeUnitsPerSecond: 1000, readUnitsPerSecond: 3000 } as const;

export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

/** The key attributes of a table and of each of its global secondary indexes. */
export interface TableKeys {
  partitionKey: string;
  sortKey?: string;
  indexes: Record<string, { partitionKey: string; sortKey?: string }>;
}

/** DynamoDB's item size: attribute names plus values (numbers ~1 byte per 2 digits; lists and maps 3 + 1 per element). */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  let n = 0;
  for (const [name, v] of Object.entries(item)) n += Buffer.byteLength(name) + valueSize(v);
  return n;
}

function valueSize(v: AttributeValue): number {
  if ('S' in v) return Buffer.byteLength(String(v.S));
  if ('N' in v) return Math.ceil(String(v.N).replace(/^-|\./g, '').length / 2) + 1;
  if ('B' in v) return Buffer.from(String(v.B), 'base64').length;
  if ('BOOL' in v || 'NULL' in v) return 1;
  if ('SS' in v) return (v.SS as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
  if ('NS' in v) return (v.NS as string[]).reduce((n, s) => n + valueSize({ N: s }), 0);
  if ('BS' in v) return (v.BS as string[]).reduce((n, s) => n + Buffer.from(s, 'base64').length, 0);
  if ('L' in v) return 3 + (v.L as AttributeValue[]).reduce((n, e) => n + 1 + valueSize(e), 0);
  if ('M' in v)
    return 3 + Object.entries(v.M as Item).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k) + valueSize(e), 0);
  return 1;
}

export const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));
export const readUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 4096));

/** A scalar key value as a string (`S`, `N` or base64 `B`). */
export function scalar(v: AttributeValue | undefined): string | undefined {
  if (!v) return undefined;
  for (const t of ['S', 'N', 'B'] as const) if (t in v) return String(v[t]);
  return undefined;
}

/** The identity of one item: table and primary key. */
export function itemId(table: string, keys: TableKeys | undefined, key: Item): string {
  const pk = keys ? scalar(key[keys.partitionKey]) : undefined;
  const sk = keys?.sortKey ? scalar(key[keys.sortKey]) : undefined;
  if (pk === undefined) return `${table} ${JSON.stringify(key)}`;
  return `${table} ${pk}${sk === undefined ? '' : ` | ${sk}`}`;
}

/** The attribute that `#name`/`name` in an expression stands for. */
const nameOf = (token: string, names: Record<string, string> | undefined) =>
  token.startsWith('#') ? (names?.[token] ?? token) : token;

/** `attr = :value` pairs of an expression (a key condition, or an update's SET clause). */
export function equalities(
  expression: string | undefined,
  names: Record<string, string> | undefined,
  values: Item | undefined,
): Map<string, string> {
  const out = new Map<string, string>();
  if (!expression) return out;
  for (const m of expression.matchAll(/(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)/g)) {
    const v = scalar(values?.[m[2]!]);
    if (v !== undefined) out.set(nameOf(m[1]!, names), v);
  }
  return out;
}

interface Tally {
  second: number;
  writes: number;
  reads: number;
  peakWrites: number;
  peakReads: number;
  totalWrites: number;
  totalReads: number;
}

export interface HotKey {
  /** `table pk` or `table/index pk`. */
  partition: string;
  /** The most units counted in one wall-clock second. */
  peakWritesPerSecond: number;
  peakReadsPerSecond: number;
  totalWrites: number;
  totalReads: number;
}

export interface HotKeyReport {
  since: string;
  partitions: number;
  hottestWrites: HotKey[];
  hottestReads: HotKey[];
  /** Partitions whose peak passed AWS's per-partition limits. */
  wouldThrottle: (HotKey & { reason: string })[];
  /** Units of every partition since the last reset (what the bill counts; kept when cold partitions are forgotten). */
  totals: { writeUnits: number; readUnits: number };
}

/** Units per partition key per second. Memory is bounded: past `maxKeys` the coldest partitions are forgotten. */
export class PartitionMeter {
  private tallies = new Map<string, Tally>();
  private since = new Date();
  private totals = { writeUnits: 0, readUnits: 0 };

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 50_000,
  ) {}

  add(partition: string, kind: 'write' | 'read', units: number): void {
    const second = Math.floor(this.now() / 1000);
    let t = this.tallies.get(partition);
    if (!t) {
      if (this.tallies.size >= this.maxKeys) this.forgetColdest();
      t = { second, writes: 0, reads: 0, peakWrites: 0, peakReads: 0, totalWrites: 0, totalReads: 0 };
      this.tallies.set(partition, t);
    }
    if (t.second !== second) {
      t.second = second;
      t.writes = 0;
      t.reads = 0;
    }
    if (kind === 'write') this.totals.writeUnits += units;
    else this.totals.readUnits += units;
    if (kind === 'write') {
      t.writes += units;
      t.totalWrites += units;
      t.peakWrites = Math.max(t.peakWrites, t.writes);
    } else {
      t.reads += units;
      t.totalReads += units;
      t.peakReads = Math.max(t.peakReads, t.reads);
    }
  }

  reset(): void {
    this.tallies.clear();
    this.since = new Date();
    this.totals = { writeUnits: 0, readUnits: 0 };
  }

  report(limit = 10): HotKeyReport {
    const all: HotKey[] = [...this.tallies].map(([partition, t]) => ({
      partition,
      peakWritesPerSecond: t.peakWrites,
      peakReadsPerSecond: t.peakReads,
      totalWrites: t.totalWrites,
      totalReads: t.totalReads,
    }));
    const top = (by: (k: HotKey) => number) =>
      all
        .filter((k) => by(k) > 0)
        .sort((a, b) => by(b) - by(a))
        .slice(0, limit);
    const over: (HotKey & { reason: string })[] = [];
    for (const k of all) {
      const reasons: string[] = [];
      if (k.peakWritesPerSecond > PARTITION_LIMITS.writeUnitsPerSecond)
        reasons.push(`${k.peakWritesPerSecond} write units/s > ${PARTITION_LIMITS.writeUnitsPerSecond}`);
      if (k.peakReadsPerSecond > PARTITION_LIMITS.readUnitsPerSecond)
        reasons.push(`${k.peakReadsPerSecond} read units/s > ${PARTITION_LIMITS.readUnitsPerSecond}`);
      if (reasons.length) over.push({ ...k, reason: `would throttle on AWS: ${reasons.join(', ')}` });
    }
    return {
      since: this.since.toISOString(),
      partitions: all.length,
      hottestWrites: top((k) => k.peakWritesPerSecond),
      hottestReads: top((k) => k.peakReadsPerSecond),
      wouldThrottle: over,
      totals: { ...this.totals },
    };
  }

  private forgetColdest(): void {
    // Drop the coldest tenth in one pass rather than one key per insert.
    const sorted = [...this.tallies].sort(
      ([, a], [, b]) => a.peakWrites + a.peakReads / 3 - (b.peakWrites + b.peakReads / 3),
    );
    for (const [k] of sorted.slice(0, Math.ceil(this.maxKeys / 10))) this.tallies.delete(k);
  }
}

type Json = Record<string, unknown>;

/** One unit charge: which partition, read or write, how many units. */
export interface Charge {
  partition: string;
  kind: 'write' | 'read';
  units: number;
  /** The sort key of the item a table write charge is for (index charges leave it out): what kind of item it is. */
  sk?: string;
  /**
   * A write whose size the body does not tell (an update or a delete: AWS charges the stored item's size): its units
   * are a lower bound, and calibration gives it what the sized writes of its request leave over.
   */
  unsized?: true;
}

/** Partitions an item lands in: the table's, and each index whose keys the item carries. */
function writePartitions(table: string, keys: TableKeys | undefined, item: Item, extra?: Map<string, string>) {
  const out: { partition: string; sk?: string }[] = [];
  const pk = keys ? (scalar(item[keys.partitionKey]) ?? extra?.get(keys.partitionKey)) : undefined;
  const sk = keys?.sortKey ? scalar(item[keys.sortKey]) : undefined;
  out.push({ partition: `${table} ${pk ?? '?'}`, ...(sk === undefined ? {} : { sk }) });
  for (const [name, ix] of Object.entries(keys?.indexes ?? {})) {
    const v = scalar(item[ix.partitionKey]) ?? extra?.get(ix.partitionKey);
    if (v !== undefined) out.push({ partition: `${table}/${name} ${v}` });
  }
  return out;
}

/** The write charges a request implies, from its body alone. */
export function writeCharges(op: string, body: Json, tables: Record<string, TableKeys>): Charge[] {
  const out: Charge[] = [];
  const charge = (
    table: string,
    item: Item,
    bytes: number,
    factor: number,
    extra?: Map<string, string>,
    unsized = false,
  ) => {
    for (const p of writePartitions(table, tables[table], item, extra))
      out.push({
        ...p,
        kind: 'write',
        units: writeUnits(bytes) * factor,
        ...(unsized ? { unsized: true as const } : {}),
      });
  };
  const update = (u: Json, factor: number) => {
    const table = String(u.TableName);
    const key = u.Key as Item;
    const values = u.ExpressionAttributeValues as Item | undefined;
    const set = equalities(u.UpdateExpression as string, u.ExpressionAttributeNames as Record<string, string>, values);
    // The item after the update is not known here: its key and the values written stand for it.
    charge(table, key, itemSize(key) + itemSize(values), factor, set, true);
  };
  switch (op) {
    case 'PutItem':
      charge(String(body.TableName), body.Item as Item, itemSize(body.Item as Item), 1);
      break;
    case 'UpdateItem':
      update(body, 1);
      break;
    case 'DeleteItem':
      charge(String(body.TableName), body.Key as Item, itemSize(body.Key as Item), 1, undefined, true);
      break;
    case 'BatchWriteItem':
      for (const [table, reqs] of Object.entries((body.RequestItems ?? {}) as Record<string, Json[]>))
        for (const r of reqs) {
          const put = (r.PutRequest as Json | undefined)?.Item as Item | undefined;
          const del = (r.DeleteRequest as Json | undefined)?.Key as Item | undefined;
          if (put) charge(table, put, itemSize(put), 1);
          else if (del) charge(table, del, itemSize(del), 1, undefined, true);
        }
      break;
    case 'TransactWriteItems':
      for (const t of (body.TransactItems ?? []) as Json[]) {
        if (t.Put) {
          const p = t.Put as Json;
          charge(String(p.TableName), p.Item as Item, itemSize(p.Item as Item), 2);
        } else if (t.Update) update(t.Update as Json, 2);
        else if (t.Delete) {
          const d = t.Delete as Json;
          charge(String(d.TableName), d.Key as Item, itemSize(d.Key as Item), 2, undefined, true);
        } else if (t.ConditionCheck) {
          const c = t.ConditionCheck as Json;
          out.push({
            partition: `${c.TableName} ${scalar((c.Key as Item)[tables[String(c.TableName)]?.partitionKey ?? ''])}`,
            kind: 'read',
            units: 2,
          });
        }
      }
      break;
  }
  return out;
}

/** The write operations whose consumed capacity the edge asks DynamoDB Local for. */
export const WRITE_OPS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** `ConsumedCapacity` as DynamoDB answers it with `ReturnConsumedCapacity: INDEXES` (one, or one per table). */
interface Consumed {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/**
 * The write charges of a request as DynamoDB Local says it consumed them. AWS charges an update or a delete on the
 * stored item's size (the larger of before and after, not the few bytes the request sends) and charges every index
 * whose projected attributes it changes; a request body tells neither, the store does. So the edge asks DynamoDB
 * Local for the request's consumed capacity per table and index, and fits its per-partition estimates (which say
 * *where* the units go) to those totals (which say *how many*): a put keeps its own size, and what the puts leave of
 * the total goes to the updates and deletes in proportion to their estimates (all in proportion when that does not
 * add up). A single-item write is exact; in a batch or a transaction the total is exact and the split as close as
 * the bodies tell. An index the store charges but no estimate named (an update of a projected attribute, the index
 * key not in the request) is charged to `<table>/<index> (key not in request)`.
 */
export function calibratedWriteCharges(estimates: readonly Charge[], consumed: unknown): Charge[] {
  const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Consumed[];
  if (!list.length) return [...estimates];
  const reported = new Map<string, number>();
  for (const c of list) {
    if (!c.TableName) continue;
    reported.set(c.TableName, c.Table?.CapacityUnits ?? c.CapacityUnits ?? 0);
    for (const [ix, v] of Object.entries(c.GlobalSecondaryIndexes ?? {}))
      reported.set(`${c.TableName}/${ix}`, v.CapacityUnits ?? 0);
  }
  const target = (c: Charge) => c.partition.slice(0, c.partition.indexOf(' '));
  const sums = new Map<string, { sized: number; unsized: number }>();
  for (const c of estimates) {
    if (c.kind !== 'write') continue;
    const t = sums.get(target(c)) ?? { sized: 0, unsized: 0 };
    if (c.unsized) t.unsized += c.units;
    else t.sized += c.units;
    sums.set(target(c), t);
  }
  const out: Charge[] = [];
  for (const c of estimates) {
    const r = reported.get(target(c));
    const e = sums.get(target(c));
    if (c.kind !== 'write' || r === undefined || !e || e.sized + e.unsized <= 0) {
      out.push(c);
      continue;
    }
    const rest = r - e.sized;
    const fits = e.unsized > 0 && rest >= e.unsized;
    const units = !fits ? (c.units * r) / (e.sized + e.unsized) : c.unsized ? (c.units * rest) / e.unsized : c.units;
    out.push({ ...c, units });
  }
  for (const [t, r] of reported)
    if (r > 0 && !sums.has(t) && t.includes('/'))
      out.push({ partition: `${t} (key not in request)`, kind: 'write', units: r });
  return out;
}

/**
 * What the client gets back of the consumed capacity the edge asked for on its behalf: what it asked for itself
 * (`INDEXES` as it came, `TOTAL` without the breakdown, nothing otherwise), so the edge changes no answer.
 */
export function consumedAsAsked(response: Record<string, unknown>, asked: unknown): Record<string, unknown> {
  if (asked === 'INDEXES' || !('ConsumedCapacity' in response)) return response;
  const { ConsumedCapacity: cc, ...rest } = response;
  if (asked !== 'TOTAL') return rest;
  const total = (c: Consumed) => ({ TableName: c.TableName, CapacityUnits: c.CapacityUnits });
  return { ...rest, ConsumedCapacity: Array.isArray(cc) ? (cc as Consumed[]).map(total) : total(cc as Consumed) };
}

/** The read charges of a request, from its body and the response's items. */
export function readCharges(op: string, body: Json, response: Json, tables: Record<string, TableKeys>): Charge[] {
  const out: Charge[] = [];
  const factor = (consistent: unknown) => (consistent === true ? 1 : 0.5);
  const pkOf = (table: string, item: Item) => scalar(item[tables[table]?.partitionKey ?? '']) ?? '?';
  switch (op) {
    case 'GetItem': {
      const table = String(body.TableName);
      const bytes = itemSize(response.Item as Item | undefined);
      out.push({
        partition: `${table} ${pkOf(table, body.Key as Item)}`,
        kind: 'read',
        units: readUnits(bytes) * factor(body.ConsistentRead),
      });
      break;
    }
    case 'Query': {
      const table = String(body.TableName);
      const index = body.IndexName ? String(body.IndexName) : undefined;
      const keys = tables[table];
      const pkName = index ? keys?.indexes[index]?.partitionKey : keys?.partitionKey;
      const eq = equalities(
        (body.KeyConditionExpression as string) ?? '',
        body.ExpressionAttributeNames as Record<string, string>,
        body.ExpressionAttributeValues as Item,
      );
      const pk = (pkName && eq.get(pkName)) ?? '?';
      // A query is metered on the total size of the items it read (before any filter), rounded up once.
      const bytes = ((response.Items ?? []) as Item[]).reduce((n, i) => n + itemSize(i), 0);
      out.push({
        partition: `${table}${index ? `/${index}` : ''} ${pk}`,
        kind: 'read',
        units: readUnits(bytes) * factor(body.ConsistentRead),
      });
      break;
    }
    case 'Scan': {
      // A Scan reads a whole table (or a segment of it); metered like a query, on what it returned.
      const table = String(body.TableName);
      const index = body.IndexName ? `/${String(body.IndexName)}` : '';
      const bytes = ((response.Items ?? []) as Item[]).reduce((n, i) => n + itemSize(i), 0);
      out.push({
        partition: `${table}${index} (scan)`,
        kind: 'read',
        units: readUnits(bytes) * factor(body.ConsistentRead),
      });
      break;
    }
    case 'BatchGetItem':
      for (const [table, items] of Object.entries((response.Responses ?? {}) as Record<string, Item[]>)) {
        const consistent = ((body.RequestItems as Record<string, Json>)?.[table] as Json | undefined)?.ConsistentRead;
        for (const i of items)
          out.push({
            partition: `${table} ${pkOf(table, i)}`,
            kind: 'read',
            units: readUnits(itemSize(i)) * factor(consistent),
          });
      }
      break;
    case 'TransactGetItems': {
      const gets = (body.TransactItems ?? []) as Json[];
      const responses = (response.Responses ?? []) as Json[];
      gets.forEach((g, i) => {
        const get = g.Get as Json;
        const table = String(get.TableName);
        out.push({
          partition: `${table} ${pkOf(table, get.Key as Item)}`,
          kind: 'read',
          units: readUnits(itemSize(responses[i]?.Item as Item | undefined)) * 2,
        });
      });
      break;
    }
  }
  return out;
}

/** Items one read request touched: what DynamoDB read (`ScannedCount`, before any filter) and what it returned. */
export function itemsOfRead(op: string, response: Json): { read: number; returned: number } {
  const len = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  switch (op) {
    case 'Query':
    case 'Scan': {
      const returned = typeof response.Count === 'number' ? response.Count : len(response.Items);
      return { read: typeof response.ScannedCount === 'number' ? response.ScannedCount : returned, returned };
    }
    case 'GetItem':
      return response.Item ? { read: 1, returned: 1 } : { read: 0, returned: 0 };
    case 'BatchGetItem': {
      const n = Object.values((response.Responses ?? {}) as Record<string, unknown[]>).reduce((s, v) => s + len(v), 0);
      return { read: n, returned: n };
    }
    case 'TransactGetItems': {
      const n = ((response.Responses ?? []) as Json[]).filter((r) => r?.Item).length;
      return { read: n, returned: n };
    }
  }
  return { read: 0, returned: 0 };
}

export interface ReadTotals {
  since: string;
  /** DynamoDB read calls (GetItem, BatchGetItem, Query, Scan, TransactGetItems), all and by operation. */
  calls: number;
  byOperation: Record<string, number>;
  /** Items DynamoDB read (a Query's or Scan's ScannedCount: what it is billed for, before any filter). */
  itemsRead: number;
  /** Items it returned (after filters). */
  itemsReturned: number;
  /** Read units, as `readCharges` meters them. */
  readUnits: number;
  /** Scans: a request path should have none (house style). */
  scans: number;
}

/**
 * Running totals of what DynamoDB reads cost, since the last reset. A benchmark that sends one request at a time to a
 * quiet sandbox reads the totals before and after it: the difference is what that request read (issue 17.2: items read
 * per request, from the `ScannedCount`/`Count` the calls return).
 */
export class ReadTally {
  private t: ReadTotals = ReadTally.empty();

  private static empty(): ReadTotals {
    return {
      since: new Date().toISOString(),
      calls: 0,
      byOperation: {},
      itemsRead: 0,
      itemsReturned: 0,
      readUnits: 0,
      scans: 0,
    };
  }

  add(op: string, response: Json, units: number): void {
    const { read, returned } = itemsOfRead(op, response);
    this.t.calls++;
    this.t.byOperation[op] = (this.t.byOperation[op] ?? 0) + 1;
    this.t.itemsRead += read;
    this.t.itemsReturned += returned;
    this.t.readUnits += units;
    if (op === 'Scan') this.t.scans++;
  }

  totals(): ReadTotals {
    return { ...this.t, byOperation: { ...this.t.byOperation } };
  }

  reset(): void {
    this.t = ReadTally.empty();
  }
}
