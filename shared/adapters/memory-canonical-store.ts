import type { CanonicalStore, Conflict } from '../ports.ts';

type Key = { pk: string; sk: string };

/**
 * The CanonicalStore port in memory, for the resolution use-case tests: items copied in and out, partitions read in
 * sort-key order as DynamoDB's Query does, the META write and its counters applied all or nothing. `reads` counts
 * the items each operation returned, so a test can say what a run read; `writes()` counts items put or deleted.
 */
export function makeMemoryCanonicalStore() {
  const table = new Map<string, Map<string, Record<string, unknown>>>();
  const reads = { queryPage: 0, getItems: 0 };
  let writes = 0;
  const clone = <T>(x: T): T => structuredClone(x);
  const get = (k: Key) => table.get(k.pk)?.get(k.sk);
  const put = (it: Record<string, unknown>) => {
    const pk = String(it.pk);
    if (!table.has(pk)) table.set(pk, new Map());
    table.get(pk)!.set(String(it.sk), clone(it));
  };
  const del = (k: Key) => table.get(k.pk)?.delete(k.sk);
  const store: CanonicalStore = {
    async queryPage(pk, limit, after) {
      const all = [...(table.get(pk)?.keys() ?? [])].sort().filter((sk) => after === undefined || sk > after);
      const page = all.slice(0, limit);
      reads.queryPage += page.length;
      return {
        items: page.map((sk) => clone(table.get(pk)!.get(sk)!)),
        ...(all.length > limit ? { last: page[page.length - 1]! } : {}),
      };
    },
    async getItems(keys) {
      // As DynamoDB does ("The number of conditions on the keys is invalid"): a key is its two attributes only.
      for (const k of keys)
        if (Object.keys(k).length !== 2)
          throw new Error(`getItems: a key has attributes besides pk and sk: ${Object.keys(k)}`);
      const out = keys.flatMap((k) => (get(k) ? [clone(get(k)!)] : []));
      reads.getItems += out.length;
      return out;
    },
    async getItem(key) {
      const it = get(key);
      return it ? clone(it) : undefined;
    },
    async putItems(items) {
      writes += items.length;
      for (const it of items) put(it);
    },
    async deleteKeys(keys) {
      writes += keys.length;
      for (const k of keys) del(k);
    },
    async writeCanonicals(w): Promise<'written' | Conflict> {
      for (const m of w.metas) {
        const cur = get(m.key);
        if ((cur ? Number(cur.rev) : undefined) !== m.expectRev) return 'conflict';
      }
      writes += w.metas.length + w.counters.length;
      for (const m of w.metas) {
        if (m.item) put(m.item);
        else del(m.key);
      }
      for (const c of w.counters) {
        const it = get(c.key) ?? { ...c.key, count: 0 };
        put({ ...it, count: Number(it.count) + c.delta });
      }
      return 'written';
    },
  };
  return {
    ...store,
    reads,
    writes: () => writes,
    items: () => [...table.values()].flatMap((p) => [...p.values()].map(clone)),
  };
}
