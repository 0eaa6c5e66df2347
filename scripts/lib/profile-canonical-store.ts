import type { CanonicalStore } from '../../shared/ports.ts';

/**
 * A CanonicalStore that files every call under its method and the kinds of item it names (buckets, listings, CANOF,
 * META/REF, CANOVL…), for the measuring scripts' `--profile`: calls, items, and the wall time during which at least
 * one such call was in flight (calls run in parallel, so the rows of one run overlap and do not add up).
 */
export function profileCanonicalStore(s: CanonicalStore) {
  type Row = { calls: number; items: number; busy: number; inFlight: number; since: number };
  const rows = new Map<string, Row>();
  const kindOf = (pk: string) =>
    pk.startsWith('XBK#')
      ? 'bucket'
      : pk.startsWith('LE#')
        ? 'listing'
        : pk.startsWith('CANOF#')
          ? 'CANOF'
          : pk.startsWith('CAN#')
            ? 'META/REF'
            : pk.split('#')[0]!;
  const kinds = (pks: string[]) => [...new Set(pks.map(kindOf))].sort().join('+') || '-';
  const track = async <T>(label: string, items: number, fn: () => Promise<T>): Promise<T> => {
    const row = rows.get(label) ?? { calls: 0, items: 0, busy: 0, inFlight: 0, since: 0 };
    rows.set(label, row);
    row.calls++;
    row.items += items;
    if (row.inFlight++ === 0) row.since = performance.now();
    try {
      return await fn();
    } finally {
      if (--row.inFlight === 0) row.busy += performance.now() - row.since;
    }
  };
  const store: CanonicalStore = {
    queryPage: (pk, limit, after) => track(`query ${kindOf(pk)}`, 1, () => s.queryPage(pk, limit, after)),
    getItems: (keys) => track(`get ${kinds(keys.map((k) => k.pk))}`, keys.length, () => s.getItems(keys)),
    getItem: (key) => track(`get1 ${kindOf(key.pk)}`, 1, () => s.getItem(key)),
    putItems: (items) => track(`put ${kinds(items.map((i) => String(i.pk)))}`, items.length, () => s.putItems(items)),
    deleteKeys: (keys) => track(`delete ${kinds(keys.map((k) => k.pk))}`, keys.length, () => s.deleteKeys(keys)),
    writeCanonicals: (w) =>
      track(
        `txn ${kinds(w.metas.map((m) => m.key.pk))}${w.counters.length ? '+CANOVL' : ''}`,
        w.metas.length + w.counters.length,
        () => s.writeCanonicals(w),
      ),
  };
  /** The rows since the last call, busiest first, as a Markdown table under `title`. */
  const report = (title: string) => {
    const lines = [`\n${title}`, '| call | calls | items | busy ms |', '|---|---:|---:|---:|'];
    for (const [label, row] of [...rows].sort((a, b) => b[1].busy - a[1].busy))
      lines.push(`| ${label} | ${row.calls} | ${row.items} | ${row.busy.toFixed(0)} |`);
    rows.clear();
    return lines.join('\n');
  };
  return { store, report, reset: () => rows.clear() };
}
