/**
 * Items read per request by `/counts/entities` with a `from`/`to` that is not one whole month or year (issue 17.2),
 * on the memory store at two corpus sizes 10× apart (generated list and news, loaded through the use cases), for the
 * range read (first and second page). The old sum of every daily entity cell of the range, once beside it, is gone
 * with those cells; the ascending count order (which it answered) is measured here in its place.
 *
 *   npx tsx scripts/measure-range-reads.ts [--articles 400] [--limit 20]
 */
import { parseArgs } from 'node:util';
import type { MemoryStore } from '../shared/adapters/memory-store.ts';
import { countsByEntity, EntitiesQuery } from '../shared/query/api.ts';
import { loadCorpus } from '../test/helpers/read-corpus.ts';

const { values } = parseArgs({
  options: { articles: { type: 'string', default: '400' }, limit: { type: 'string', default: '20' } },
});
const base = Number(values.articles);
const limit = values.limit!;

const QUERIES: Record<string, string>[] = [
  { from: '2025-03-10', to: '2025-03-24' },
  { from: '2025-02-14', to: '2025-04-10' },
  { from: '2025-02-14', to: '2025-04-10', sort: 'mentions' },
  { from: '2025-04-10', to: '2025-09-20', country: 'IR' },
  { from: '2025-02-14', to: '2026-03-03' },
  { from: '2025-02-14', to: '2026-03-03', sort: '-articles', type: 'person' },
  { from: '2025-06-01', to: '2025-08-15', sort: 'name' },
  { from: '2025-02-14', to: '2025-11-30', listed: 'true' },
  { from: '2025-02-14', to: '2025-11-30', listed: 'true', sort: 'articles' },
  { from: '2025-05-01', to: '2025-05-20', list: 'opensanctions:gen_ds', sort: 'name' },
  { from: '2025-10-01' },
];

const total = (s: MemoryStore) => Object.values(s.reads()).reduce((a, b) => a + b, 0);

const stores: MemoryStore[] = [];
for (const n of [base, base * 10]) {
  const t = Date.now();
  const { store } = await loadCorpus({ listSize: n * 2.5, articles: n, mentioned: Math.round(n * 0.75) });
  stores.push(store as MemoryStore);
  console.log(`loaded ${n} articles, ${n * 2.5} list entities in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
console.log(`items read, limit ${limit}: range read page 1/page 2 at ${base} vs ${base * 10}`);
for (const q of QUERIES) {
  const row: string[] = [];
  for (const s of stores) {
    s.resetReads();
    const first = await countsByEntity(EntitiesQuery.parse({ ...q, limit }), s);
    const p1 = total(s);
    s.resetReads();
    if (first.nextCursor) await countsByEntity(EntitiesQuery.parse({ ...q, limit, cursor: first.nextCursor }), s);
    row.push(`${p1}/${total(s)}`);
  }
  console.log(`${JSON.stringify(q)}: ${row.join(' vs ')}`);
}
