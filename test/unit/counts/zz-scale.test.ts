import { it } from 'vitest';
import type { MemoryStore } from '../../../shared/adapters/memory-store.ts';
import { countsByEntity, countsByEntityInRangeScan, EntitiesQuery } from '../../../shared/query/api.ts';
import { loadCorpus } from '../../helpers/read-corpus.ts';
const RANGE_QUERIES: Record<string, string>[] = [
  { from: '2025-03-10', to: '2025-03-24' },
  { from: '2025-02-14', to: '2025-04-10' },
  { from: '2025-04-10', to: '2025-09-20', country: 'IR' },
  { from: '2025-02-14', to: '2026-03-03' },
  { from: '2025-02-14', to: '2026-03-03', sort: '-articles', type: 'person' },
  { from: '2025-06-01', to: '2025-08-15', sort: 'name' },
  { from: '2025-02-14', to: '2025-11-30', listed: 'true' },
  { from: '2025-05-01', to: '2025-05-20', list: 'opensanctions:gen_ds', sort: 'name' },
  { from: '2025-10-01' },
];
it('scale', async () => {
  const sizes = [400, 4000];
  const stores: MemoryStore[] = [];
  for (const n of sizes) {
    const t = Date.now();
    stores.push((await loadCorpus({ listSize: n * 2.5, articles: n, mentioned: Math.round(n * 0.75) })).store as MemoryStore);
    console.log('loaded', n, Date.now() - t);
  }
  for (const q of RANGE_QUERIES) {
    const row: string[] = [];
    for (const s of stores) {
      s.resetReads();
      const a = await countsByEntity(EntitiesQuery.parse({ ...q, limit: '20' }), s);
      const r1 = Object.values(s.reads()).reduce((x, y) => x + y, 0);
      const d1 = JSON.stringify(s.reads());
      s.resetReads();
      if (a.nextCursor) await countsByEntity(EntitiesQuery.parse({ ...q, limit: '20', cursor: a.nextCursor }), s);
      const r2 = Object.values(s.reads()).reduce((x, y) => x + y, 0);
      s.resetReads();
      await countsByEntityInRangeScan(EntitiesQuery.parse({ ...q, limit: '20' }), s);
      const old = Object.values(s.reads()).reduce((x, y) => x + y, 0);
      row.push(`${r1}/${r2} old ${old}`);
    }
    console.log(JSON.stringify(q), row.join('  vs  '));
  }
}, 600000);
