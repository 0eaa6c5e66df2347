import type { AggregationChunk, ContributionPart, EntityState, RowMove } from '../domain/contribution.ts';
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
  ingestIndexKey,
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
import { compareKeys } from '../domain/list-delta.ts';
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
import type { StreamChange } from '../ingest/aggregate.ts';
import type { Conflict, Page, Position, Store } from '../ports.ts';

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
/** A GSI emulated: items by sort key (then table key), from after `start`, at most `limit`. */
/** FNV-1a of a string: a stable order for rows whose index keys are equal. */
function tieHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function indexPage(
  items: Item[],
  sortAttr: string,
  desc: boolean,
  limit: number,
  start: Position | undefined,
  indexKeys: string[],
): Page<Item> {
  // Rows with equal index keys come back in an order of DynamoDB's own, not by the table's key (checked on DynamoDB
  // Local: a hash order); a hash of the key stands for it here, so no use case comes to rely on ties by id.
  const tuple = (x: Record<string, unknown>) =>
    (sortAttr === 'sk' ? [x.sk] : [x[sortAttr], tieHash(`${x.pk}\u0000${x.sk}`), x.pk, x.sk]) as (string | number)[];
  const cmp = (a: (string | number)[], b: (string | number)[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return 0;
  };
  const sorted = [...items].sort((a, b) => cmp(tuple(a), tuple(b)) * (desc ? -1 : 1));
  const after = start ? sorted.filter((x) => cmp(tuple(x), tuple(start)) * (desc ? -1 : 1) > 0) : sorted;
  const pos = (it: Item): Position => {
    const p: Position = { pk: it.pk, sk: it.sk };
    for (const k of indexKeys) p[k] = it[k] as string | number;
    return p;
  };
  const page = after.slice(0, limit);
  return {
    items: page.map((it) => ({ item: structuredClone(it), pos: pos(it) })),
    ...(after.length > limit ? { last: pos(page[page.length - 1]!) } : {}),
  };
}

export function makeMemoryStore() {
  const table = new Map<string, Map<string, Item>>();
  const stream: StreamChange[] = [];
  let seq = 0;
  const faults = new Map<string, number>();
  const reads = new Map<string, number>();
  const writes = new Map<string, number>();

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
    const kind = it.pk.split('#')[0]!;
    writes.set(kind, (writes.get(kind) ?? 0) + 1);
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
      for (const k of keys) {
        fault('deleteKey');
        del(k);
      }
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

    async readRange(r) {
      const inRange = partition(r.pk)
        .map((item) => ({ sortKey: item.sk, item }))
        .filter(
          ({ sortKey: k }) =>
            k >= r.lower && k <= r.upper && (r.after === undefined || (r.descending ? k < r.after : k > r.after)),
        )
        .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
      if (r.descending) inRange.reverse();
      read('readRange', Math.min(inRange.length, r.limit));
      return { items: clone(inRange.slice(0, r.limit)), more: inRange.length > r.limit };
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
    async readEntityStates(cells: readonly string[]): Promise<Map<string, EntityState>> {
      const out = new Map<string, EntityState>();
      for (const cell of new Set(cells)) {
        const it = get(counterKey(cell));
        if (!it) continue;
        const c = CounterItemSchema.parse(it);
        out.set(cell, { articles: c.articles, mentions: c.mentions, info: entityInfoOf(cell, it), ...revOf(it) });
      }
      read('readEntityStates', out.size);
      return out;
    },
    async refileCounter({ cell, before, info, listedInNews }): Promise<'applied' | Conflict> {
      fault('refileCounter');
      const k = counterKey(cell);
      const cur = get(k);
      if (!cur || cur.articles !== before.articles || cur.mentions !== before.mentions || cur.rev !== before.rev)
        return 'conflict';
      put({ ...cur, name: info.name, kind: info.type, countries: info.countries, rev: (before.rev ?? 0) + 1 });
      for (const [cc, attrs] of Object.entries(listedInNews)) {
        const lk = listedInNewsKey(cc);
        const next: Record<string, unknown> = { ...(get(lk) ?? lk) };
        for (const [a, v] of Object.entries(attrs)) next[a] = Number(next[a] ?? 0) + v;
        put(next as Item);
      }
      return 'applied';
    },
    async writeEntityRows(moves: readonly RowMove[]): Promise<void> {
      fault('writeEntityRows');
      for (const e of moves) {
        for (const f of facetsOf(e.info)) {
          if (e.after.articles > 0) put(entityRowItem(f, e.cell, e.info, e.after.articles, e.after.mentions));
          else del(rowKeyOfCell(f, e.cell));
        }
        for (const f of droppedFacets(e)) del(rowKeyOfCell(f, e.cell));
      }
    },
    async applyChunk(c: AggregationChunk): Promise<'applied' | Conflict> {
      fault('applyChunk');
      // All conditions first: a transaction applies whole or not at all.
      for (const l of c.ledgers) {
        const cur = ledgerOf(l.object);
        if (cur?.seq !== undefined && !(cur.seq < l.firstSeq)) return 'conflict';
      }
      for (const e of c.entities) {
        const cur = get(counterKey(e.cell));
        if (
          e.before
            ? cur?.articles !== e.before.articles || cur?.mentions !== e.before.mentions || cur?.rev !== e.rev
            : cur
        )
          return 'conflict';
      }
      for (const e of c.entities) {
        const k = counterKey(e.cell);
        put(e.before ? { ...get(k)!, ...e.after } : { ...k, ...entityCounterFields(e) });
      }
      const addAll = (k: Key, attrs: Record<string, number>) => {
        const next: Record<string, unknown> = { ...(get(k) ?? k) };
        for (const [a, v] of Object.entries(attrs)) next[a] = Number(next[a] ?? 0) + v;
        put(next);
      };
      for (const [cc, attrs] of Object.entries(c.listedInNews)) addAll(listedInNewsKey(cc), attrs);
      for (const [p, attrs] of Object.entries(c.rollups)) addAll(rollupKey(p), attrs);
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
        for (const [k, v] of Object.entries(d.extra ?? {})) next[k] = Number(next[k] ?? 0) + v;
        for (const [f, v] of Object.entries(d.info ?? {})) if (next[f] === undefined) next[f] = v;
        put(next);
      }
      return 'applied';
    },

    async readCounters(dimension): Promise<CounterRow[]> {
      const items = counterPartitions(dimension).flatMap(partition);
      read('readCounters', items.length);
      return items.map((it) => ({ ...CounterItemSchema.parse(it), member: it.sk }));
    },
    async queryEntityRows(partition, order, desc, limit, start, prefix, atLeast): Promise<Page<EntityRow>> {
      const [pkA, skA] = order === 'name' ? ['gsi1pk', 'gsi1sk'] : ['erpk', order === 'mentions' ? 'erm' : 'era'];
      const matching = allItems().filter(
        (i) =>
          i[pkA!] === partition &&
          (prefix
            ? String(i[skA!]).startsWith(prefix)
            : atLeast === undefined || order === 'name' || Number(i[skA!]) >= atLeast),
      );
      const page = indexPage(matching, skA!, desc, limit, start, [pkA!, skA!]);
      read('queryEntityRows', page.items.length);
      return { ...page, items: page.items.map((x) => ({ item: entityRowOf(x.item), pos: x.pos })) };
    },
    async queryListAliases(list, version, shard, prefix, limit) {
      const items = partition(listedAliasPartition(list, version, shard))
        .filter((i) => String(i.sk).startsWith(prefix))
        .sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1))
        .slice(0, limit);
      read('queryListAliases', items.length);
      return items.map((i) => String(i.sourceId));
    },
    async queryListEntities(list, version, shard, limit, start, byName) {
      const matching = byName
        ? allItems().filter(
            (i) =>
              i.gsi1pk === listedEntityNameIndexPartition(list, version, shard) &&
              (!byName.prefix || String(i.gsi1sk).startsWith(byName.prefix)),
          )
        : partition(listedEntityPartition(list, version, shard));
      const page = byName
        ? indexPage(matching, 'gsi1sk', byName.desc, limit, start, ['gsi1pk', 'gsi1sk'])
        : indexPage(matching, 'sk', false, limit, start, []);
      read('queryListEntities', page.items.length);
      return page;
    },
    async readListedInNews() {
      const items = listedInNewsPartitions().flatMap(partition);
      read('readListedInNews', items.length);
      return clone(items);
    },
    async readRollups(periods: readonly string[]) {
      const items = periods.flatMap((p) => {
        const it = get(rollupKey(p));
        return it ? [clone(it)] : [];
      });
      read('readRollups', periods.length);
      return items;
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
    async getItems(keys) {
      read('getItems', keys.length);
      return keys.flatMap((k) => {
        const it = get(k);
        return it ? [clone(it)] : [];
      });
    },
    async pageListShard(list, version, shard, opts) {
      const all = [...(table.get(listedEntityPartition(list, version, shard))?.values() ?? [])]
        .sort((a, b) => compareKeys(a.sk, b.sk))
        .filter((i) => opts.after === undefined || compareKeys(i.sk, opts.after) > 0);
      const page = all.slice(0, opts.limit).map((i) => {
        if (!opts.fields) return clone(i);
        const out: Record<string, unknown> = { pk: i.pk, sk: i.sk };
        for (const f of opts.fields) if (i[f] !== undefined) out[f] = clone(i[f]);
        return out;
      });
      read('pageListShard', page.length);
      return { items: page, ...(all.length > opts.limit ? { last: page[page.length - 1]!.sk as string } : {}) };
    },
    async deleteChanges(list, version) {
      for (const pk of changePartitions(list, version)) for (const it of partition(pk)) del(it);
    },
    async claimListPointer(list, expectedEtag, patching, now) {
      fault('claimListPointer');
      const cur = get(listPointerKey(list));
      if (!cur || cur.etag !== expectedEtag) return false;
      const held = cur.patching as { etag: string; until: number } | undefined;
      if (held && held.etag !== patching.etag && held.until >= now) return false;
      put({ ...cur, patching });
      return true;
    },
    async finishListPointer(next, expectedEtag) {
      fault('finishListPointer');
      const cur = get(listPointerKey(next.list));
      const held = cur?.patching as { etag: string } | undefined;
      if (!cur || cur.etag !== expectedEtag || held?.etag !== next.etag) return false;
      const { patching: _drop, ...rest } = next;
      put({ ...listPointerKey(next.list), ...rest });
      return true;
    },
    async listChangeSets(opts) {
      const all = (
        opts.list
          ? partition(changeSetPartition(opts.list)).map((i) => ({ ...i, pos: i.sk }))
          : allItems()
              .filter((i) => i.gsi1pk === CHANGESETS_INDEX_PK)
              .map((i) => ({ ...i, pos: String(i.gsi1sk) }))
      )
        .sort((a, b) => compareKeys(b.pos, a.pos))
        .filter(
          (i) => (opts.atOrBefore === undefined || i.pos <= opts.atOrBefore) && (!opts.since || i.pos >= opts.since),
        );
      const page = all.slice(0, opts.limit);
      read('listChangeSets', page.length);
      return { items: clone(page), more: all.length > opts.limit };
    },
    async pageChanges(list, version, prefix, opts) {
      // The same k-way merge as the DynamoDB adapter; `reads` counts the items read from the shards.
      const page = await pageMergedShards(CHANGE_SHARDS, opts.limit, opts.after, async (shard, after, limit) => {
        const all = partition(changePartition(list, version, shard)).filter(
          (i) => i.sk.startsWith(prefix) && (after === undefined || compareKeys(i.sk, after) > 0),
        );
        const got = all.slice(0, limit);
        read('pageChanges', got.length);
        return { items: got, ...(all.length > limit ? { last: got[got.length - 1]!.sk } : {}) };
      });
      return { items: clone(page.items), ...(page.last !== undefined ? { last: page.last } : {}) };
    },
    async countRange(pk, from, to, cap) {
      const n = partition(pk).filter((i) => i.sk >= from && i.sk <= to).length;
      read('countRange', Math.min(n, cap));
      return { count: Math.min(n, cap), capped: n > cap };
    },
    async deleteListVersion(list: string, version: string) {
      let n = 0;
      for (let s = 0; s < ENTITY_SHARDS; s++) {
        for (const it of partition(listedEntityPartition(list, version, s))) {
          del(it);
          n++;
        }
        for (const it of partition(listedAliasPartition(list, version, s))) del(it);
        for (const it of partition(listedDigestPartition(list, version, s))) del(it);
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
    /** Items written (put) per kind of partition key (`LE`, `CHG`, …) since the last reset. */
    writes(): Record<string, number> {
      return Object.fromEntries(writes);
    },
    resetWrites() {
      writes.clear();
    },
    /** Every item, for tests that count what is left behind. */
    items(): Item[] {
      return clone(allItems());
    },
  };
}

export type MemoryStore = ReturnType<typeof makeMemoryStore>;
