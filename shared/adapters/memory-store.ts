import type { AggregationChunk, ContributionPart } from '../domain/contribution.ts';
import {
  ARTICLE_OBJECT_SHARDS,
  articleKey,
  articleObjectIndexKey,
  articleObjectPartition,
  contributionPartKey,
  counterKey,
  counterPartition,
  ENTITY_SHARDS,
  ingestIndexKey,
  ingestStatusKey,
  ledgerKeyOfPartition,
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
import type { StreamChange } from '../ingest/aggregate.ts';
import type { Conflict, Store } from '../ports.ts';

type Item = Record<string, unknown> & { pk: string; sk: string };
type Key = { pk: string; sk: string };

/**
 * Every port of the store in memory, with the semantics the use cases rely on from DynamoDB: conditional writes, one
 * chunk applied all or nothing, and a stream of every item change (old and new image, increasing sequence numbers)
 * that the tests hand to the aggregator as they please: in order, redelivered, duplicated. Items are copied in and
 * out, so a use case can never share an object with the store. Reads are counted per operation (`reads`), so a test
 * can say what a use case read.
 *
 * `failAfter(op, n)` makes the n+1-th call of an operation fail with a DependencyError (a crash part-way).
 */
export function makeMemoryStore() {
  const table = new Map<string, Map<string, Item>>();
  const stream: StreamChange[] = [];
  let seq = 0;
  const faults = new Map<string, number>();
  const reads = new Map<string, number>();

  const clone = <T>(x: T): T => structuredClone(x);
  const fault = (op: string) => {
    const left = faults.get(op);
    if (left === undefined) return;
    if (left <= 0) {
      faults.delete(op);
      throw new DependencyError(`injected fault in ${op}`);
    }
    faults.set(op, left - 1);
  };
  const read = (op: string, n = 1) => reads.set(op, (reads.get(op) ?? 0) + n);
  const get = (k: Key): Item | undefined => table.get(k.pk)?.get(k.sk);
  const emit = (k: Key, oldImage: Item | undefined, newImage: Item | undefined) => {
    if (!oldImage && !newImage) return;
    stream.push({
      eventName: !oldImage ? 'INSERT' : !newImage ? 'REMOVE' : 'MODIFY',
      sequenceNumber: String(++seq * 100),
      keys: { pk: k.pk, sk: k.sk },
      ...(oldImage ? { oldImage: clone(oldImage) } : {}),
      ...(newImage ? { newImage: clone(newImage) } : {}),
    });
  };
  const put = (item: Record<string, unknown>) => {
    const it = clone(item) as Item;
    let p = table.get(it.pk);
    if (!p) table.set(it.pk, (p = new Map()));
    const old = p.get(it.sk);
    p.set(it.sk, it);
    emit(it, old, it);
  };
  const del = (k: Key) => {
    const p = table.get(k.pk);
    const old = p?.get(k.sk);
    if (!old) return;
    p!.delete(k.sk);
    emit(k, old, undefined);
  };
  const partition = (pk: string): Item[] =>
    [...(table.get(pk)?.values() ?? [])].sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
  const allItems = (): Item[] => [...table.values()].flatMap((p) => [...p.values()]);
  const ledgerOf = (pk: string) => parseLedger(get(ledgerKeyOfPartition(pk)));

  const store: Store = {
    async readObject(key: string): Promise<ObjectState | undefined> {
      read('readObject');
      const it = get(objectStateKey(key));
      return it ? ObjectStateSchema.parse(it) : undefined;
    },
    async claimObject(key, expectedVersion, next): Promise<'claimed' | Conflict> {
      fault('claimObject');
      const cur = get(objectStateKey(key));
      if (expectedVersion === undefined ? cur : cur?.version !== expectedVersion) return 'conflict';
      put({ ...objectStateKey(key), ...articleObjectIndexKey(key), ...next });
      return 'claimed';
    },
    async writeParts(key: string, gen: string, parts: readonly ContributionPart[]): Promise<void> {
      for (const p of parts) {
        fault('writePart');
        put({ ...contributionPartKey(key, gen, p.index), gen, key, ...p });
      }
    },
    async readParts(key: string): Promise<StoredPart[]> {
      const items = partition(objectPartition(key)).filter((i) => i.sk.startsWith(PART_PREFIX));
      read('readParts', items.length);
      return items.map((i) => ContributionPartSchema.parse(i));
    },
    async deleteParts(parts) {
      for (const p of parts) {
        fault('deletePart');
        del(p);
      }
    },
    async completeObject(key: string, version: number): Promise<'completed' | Conflict> {
      fault('completeObject');
      const cur = get(objectStateKey(key));
      if (!cur || cur.version !== version) return 'conflict';
      put({ ...cur, complete: true });
      return 'completed';
    },
    async readNameLists(key: string): Promise<NameList[]> {
      const items = partition(objectPartition(key)).filter((i) => i.sk.startsWith(NAMES_PREFIX));
      read('readNameLists', items.length);
      return items.map((i) => NameListSchema.parse(i));
    },
    async objectsNaming(nameKeys: readonly string[]): Promise<string[]> {
      const out = new Set<string>();
      for (const k of new Set(nameKeys))
        for (let s = 0; s < NAME_POSTING_SHARDS; s++) {
          const items = partition(namePostingPartition(k, s));
          read('objectsNaming', items.length);
          for (const it of items) out.add(String(it.key));
        }
      return [...out];
    },
    async listArticleObjects(): Promise<string[]> {
      const shards = new Set(Array.from({ length: ARTICLE_OBJECT_SHARDS }, (_, i) => articleObjectPartition(i)));
      return allItems()
        .filter((i) => shards.has(String(i.gsi1pk)))
        .map((i) => String(i.key));
    },

    async putItems(items) {
      for (const it of items) {
        fault('putItem');
        put(it);
      }
    },
    async getArticles(ids: string[]): Promise<Article[]> {
      read('getArticles', ids.length);
      return ids.flatMap((id) => {
        const it = get(articleKey(id));
        return it ? [ArticleSchema.parse(it)] : [];
      });
    },
    async deleteKeys(keys) {
      for (const k of keys) del(k);
    },
    async deleteArticles(ids: string[]) {
      for (const id of ids) del(articleKey(id));
    },
    async getItem(key: Key) {
      read('getItem');
      const it = get(key);
      return it ? clone(it) : undefined;
    },
    async deleteItem(key: Key) {
      del(key);
    },
    async queryPartition(pk: string, limit: number, newestFirst = true) {
      const items = partition(pk);
      if (newestFirst) items.reverse();
      const page = items.slice(0, limit);
      read('queryPartition', page.length);
      return clone(page);
    },

    async readLedgers(objects: readonly string[]): Promise<Map<string, Ledger>> {
      fault('readLedgers');
      const out = new Map<string, Ledger>();
      for (const pk of new Set(objects)) {
        const l = ledgerOf(pk);
        if (l) out.set(pk, l);
      }
      return out;
    },
    async applyChunk(c: AggregationChunk): Promise<'applied' | Conflict> {
      fault('applyChunk');
      // All conditions first: a transaction applies whole or not at all.
      for (const l of c.ledgers) {
        const cur = ledgerOf(l.object);
        if (cur?.seq !== undefined && !(cur.seq < l.firstSeq)) return 'conflict';
      }
      for (const l of c.ledgers) {
        const k = ledgerKeyOfPartition(l.object);
        const cur: Item = get(k) ?? k;
        const next: Record<string, unknown> = { ...cur, seq: l.lastSeq, net: Number(cur.net ?? 0) + l.net };
        for (const [g, n] of Object.entries(l.byGen)) next[`g_${g}`] = Number(cur[`g_${g}`] ?? 0) + n;
        put(next);
      }
      for (const d of c.deltas) {
        const k = counterKey(d.cell);
        const cur: Item = get(k) ?? k;
        const next: Record<string, unknown> = {
          ...cur,
          articles: Number(cur.articles ?? 0) + d.articles,
          mentions: Number(cur.mentions ?? 0) + d.mentions,
        };
        for (const [f, v] of Object.entries(d.info ?? {})) if (next[f] === undefined) next[f] = v;
        put(next);
      }
      return 'applied';
    },

    async readCounters(dimension, range): Promise<CounterRow[]> {
      if (range && (range.from || range.to)) {
        const from = `${range.from ?? '0000-00-00'}#`;
        const to = `${range.to ?? '9999-99-99'}#\uffff`;
        const sums = new Map<string, CounterRow>();
        const items = partition(counterPartition(`${dimension}d`)).filter((i) => i.sk >= from && i.sk <= to);
        read('readCounters', items.length);
        for (const it of items) {
          const member = it.sk.slice(11);
          const c = CounterItemSchema.parse(it);
          const row = sums.get(member) ?? { ...c, member, articles: 0, mentions: 0 };
          row.articles += c.articles;
          row.mentions += c.mentions;
          sums.set(member, row);
        }
        return [...sums.values()];
      }
      const items = partition(counterPartition(dimension));
      read('readCounters', items.length);
      return items.map((it) => ({ ...CounterItemSchema.parse(it), member: it.sk }));
    },
    async readCounter(cell: string) {
      read('readCounter');
      const k = counterKey(cell);
      const it = get(k);
      return it ? { ...CounterItemSchema.parse(it), member: k.sk } : undefined;
    },

    async putIngestStatus(s: IngestStatus) {
      fault('putIngestStatus');
      put({ ...ingestStatusKey(s.key), ...ingestIndexKey(s.key, s.updatedAt), ...s });
    },
    async moveIngestGeneration(key: string, etag: string, gen: string, parts: number) {
      fault('moveIngestGeneration');
      const it = get(ingestStatusKey(key));
      if (it && it.etag === etag) put({ ...it, gen, parts });
    },
    async getIngestStatus(key: string) {
      read('getIngestStatus');
      const it = get(ingestStatusKey(key));
      return it ? IngestStatusSchema.parse(it) : undefined;
    },
    async listIngests(limit: number, after?: string) {
      if (after !== undefined && !/^\d{4}-/.test(after))
        throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
      const all = allItems()
        .filter((i) => String(i.gsi1pk ?? '').startsWith('INGESTS#'))
        .sort((a, b) => (String(a.gsi1sk) < String(b.gsi1sk) ? 1 : -1))
        .filter((i) => after === undefined || String(i.gsi1sk) < after);
      const page = all.slice(0, limit);
      read('listIngests', page.length);
      return {
        items: page.map((i) => IngestStatusSchema.parse(i)),
        ...(all.length > limit ? { last: String(page[page.length - 1]!.gsi1sk) } : {}),
      };
    },
    async readLedgersOf(keys: readonly string[]) {
      const out = new Map<string, Ledger>();
      for (const k of keys) {
        const l = ledgerOf(objectPartition(k));
        if (l) out.set(k, l);
      }
      return out;
    },

    async readListPointers(): Promise<ListPointer[]> {
      return partition(LISTS_PK).map((i) => ListPointerSchema.parse(i));
    },
    async getListPointer(list: string) {
      const it = get(listPointerKey(list));
      return it ? ListPointerSchema.parse(it) : undefined;
    },
    async swapListPointer(p: ListPointer) {
      const cur = get(listPointerKey(p.list));
      if (cur && !(String(cur.order) < p.order)) return false;
      put({ ...listPointerKey(p.list), ...p });
      return true;
    },
    async removeListPointerFor(list: string, key: string) {
      const cur = get(listPointerKey(list));
      if (!cur || cur.key !== key) return false;
      del(listPointerKey(list));
      return true;
    },
    async readListVersion(list: string, version: string) {
      const items = Array.from({ length: ENTITY_SHARDS }, (_, s) =>
        partition(listedEntityPartition(list, version, s)),
      ).flat();
      read('readListVersion', items.length);
      return clone(items);
    },
    async putListVersion(list: string, version: string, meta: Record<string, unknown>) {
      put({ ...listVersionKey(list, version), list, version, ...meta });
    },
    async deleteListVersion(list: string, version: string) {
      let n = 0;
      for (let s = 0; s < ENTITY_SHARDS; s++)
        for (const it of partition(listedEntityPartition(list, version, s))) {
          del(it);
          n++;
        }
      del(listVersionKey(list, version));
      return n;
    },
  };

  return {
    ...store,
    /** Stream records since the last call, in order (what one shard would deliver). */
    takeStream(): StreamChange[] {
      return stream.splice(0, stream.length);
    },
    failAfter(op: string, calls: number) {
      faults.set(op, calls);
    },
    clearFaults() {
      faults.clear();
    },
    /** Items read per operation since the last reset. */
    reads(): Record<string, number> {
      return Object.fromEntries(reads);
    },
    resetReads() {
      reads.clear();
    },
    /** Every item, for tests that count what is left behind. */
    items(): Item[] {
      return clone(allItems());
    },
  };
}

export type MemoryStore = ReturnType<typeof makeMemoryStore>;
