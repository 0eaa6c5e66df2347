import { beforeAll, describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../../shared/adapters/memory-store.ts';
import { entityIdOfCell, entityInfoOf, foldName, laneOf, rowLanes } from '../../../shared/domain/entity-rows.ts';
import { entityRowPartition } from '../../../shared/domain/keys.ts';
import {
  CountriesQuery,
  countsByCountry,
  countsByEntity,
  EntitiesQuery,
  entityDetail,
} from '../../../shared/query/api.ts';
import { readBudget } from '../../../shared/query/read-model.ts';
import { rangeOracle, storedArticles } from '../../helpers/range-oracle.ts';
import { loadCorpus } from '../../helpers/read-corpus.ts';
import { counterItems, storedCells } from '../../helpers/stored-cells.ts';

// Issue 17.2 on the memory store: every filter and sort of /counts/entities pages through exactly what a full
// recount from the stored counters and list entities gives, in order, each entity once; every page reads a bounded
// number of items, the same at two corpus sizes 10× apart; one entity looks the same in every view (17.3).

type Out = {
  id: string;
  name: string;
  type: string;
  countries: string[];
  lists: string[];
  listed: boolean;
  articles: number;
  mentions: number;
};

/** The expected listing, recounted from the raw items: counters with articles > 0, plus list entities for the universe. */
function oracle(store: MemoryStore, q: Record<string, string>): Out[] {
  const items = store.items();
  const byId = new Map<string, Out>();
  const universe = Boolean(q.list) || q.listed === 'true';
  if (universe)
    for (const it of items) {
      if (!it.pk.startsWith('LE#')) continue;
      const list = it.pk.split('#')[1]!;
      if (q.list && list !== q.list) continue;
      const ptr = items.find((p) => p.pk === 'LISTS' && p.sk === list);
      if (!ptr || it.pk.split('#')[2] !== ptr.version) continue;
      const id = `l:${list}:${String(it.sourceId)}`;
      byId.set(id, {
        id,
        name: String(it.name),
        type: String(it.type),
        countries: [...new Set((it.countries as { code: string }[]).map((c) => c.code))].sort(),
        lists: [list],
        listed: true,
        articles: 0,
        mentions: 0,
      });
    }
  for (const it of counterItems(items)) {
    if (it.dim !== 'listed' && it.dim !== 'entity') continue;
    const cell = it.cell;
    const a = Number(it.articles);
    if (a <= 0) continue;
    const info = entityInfoOf(cell, it);
    const id = entityIdOfCell(cell);
    if (universe && !byId.has(id)) continue; // linked once, since delisted: not in the current version
    byId.set(id, { id, ...info, articles: a, mentions: Number(it.mentions) });
  }
  return [...byId.values()].filter(
    (e) =>
      (!q.country || e.countries.includes(q.country)) &&
      (!q.type || e.type === q.type) &&
      (!q.list || e.lists.includes(q.list)) &&
      (!q.listed || e.listed === (q.listed === 'true')) &&
      (!q.q || foldName(e.name).startsWith(foldName(q.q))),
  );
}

async function pageAll(store: MemoryStore, q: Record<string, string>) {
  const out: Out[] = [];
  const reads: number[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 500; i++) {
    store.resetReads();
    const r = await countsByEntity(EntitiesQuery.parse({ ...q, ...(cursor ? { cursor } : {}) }), store);
    reads.push(Object.values(store.reads()).reduce((a, b) => a + b, 0));
    out.push(...r.items);
    if (!r.nextCursor) return { out, reads };
    cursor = r.nextCursor;
  }
  throw new Error('no last page');
}

const key = (sort: string) => (e: Out) =>
  sort.includes('name') ? foldName(e.name) : e[sort.replace('-', '') as 'articles'];

const FILTERS: Record<string, string>[] = [
  {},
  { country: 'IR' },
  { type: 'person' },
  { listed: 'false' },
  { listed: 'true' },
  { list: 'opensanctions:gen_ds' },
  { listed: 'true', country: 'KP' },
  { country: 'IR', type: 'organization', listed: 'true' },
  { q: 'kor' },
  { listed: 'true', q: 'ras' },
];
const SORTS = ['-mentions', 'mentions', '-articles', 'name', '-name'];

describe('/counts/entities from the read model (memory store)', () => {
  let small: MemoryStore;
  let large: MemoryStore;
  beforeAll(async () => {
    small = (await loadCorpus({ listSize: 100, articles: 40, mentioned: 30 })).store as MemoryStore;
    large = (await loadCorpus({ listSize: 1000, articles: 400, mentioned: 300 })).store as MemoryStore;
  }, 120_000);

  for (const f of FILTERS)
    it(`${JSON.stringify(f)}: every sort pages through the recount, in order, each entity once`, async () => {
      for (const sort of SORTS) {
        // Act
        const { out } = await pageAll(small, { ...f, sort, limit: '7' });
        // Assess
        const expected = oracle(small, f);
        expect(out.map((e) => e.id).sort(), sort).toEqual(expected.map((e) => e.id).sort());
        expect(new Set(out.map((e) => e.id)).size).toBe(out.length);
        const k = out.map(key(sort));
        const desc = sort.startsWith('-');
        for (let i = 1; i < k.length; i++)
          expect(desc ? k[i - 1]! >= k[i]! : k[i - 1]! <= k[i]!, `${sort} at ${i}`).toBe(true);
        const byId = new Map(expected.map((e) => [e.id, e]));
        for (const e of out) expect(e).toEqual(byId.get(e.id));
      }
    });

  it('no row is filed under `all`: it is read as `listed` and `news`, and each entity is in the lane laneOf says', () => {
    // Prepare
    const rows = large.items().filter((i) => /^ER[#@]/.test(i.pk));
    const lanes = rowLanes('all');
    // Assess
    expect(rows.length).toBeGreaterThan(1000);
    expect(rows.filter((r) => r.pk.split('#')[1] === 'all')).toEqual([]);
    expect(new Set(lanes.map((l) => l.facet))).toEqual(new Set(['listed', 'news']));
    for (const r of rows.filter((x) => ['listed', 'news'].includes(x.pk.split('#')[1]!))) {
      const lane = lanes[laneOf('all', String(r.sk))]!;
      const scope = r.pk.slice(2, r.pk.indexOf('#'));
      expect(entityRowPartition(lane.facet, lane.shard, scope), String(r.sk)).toBe(r.pk);
    }
  });

  it('reads at most the budget per page, and no more at 10× the articles and list entries', async () => {
    for (const f of FILTERS)
      for (const sort of SORTS) {
        // Prepare
        const q = EntitiesQuery.parse({ ...f, sort, limit: '20' });
        const cost = async (s: MemoryStore) => {
          s.resetReads();
          await countsByEntity(q, s);
          return Object.values(s.reads()).reduce((a, b) => a + b, 0);
        };
        // Act
        const [a, b] = [await cost(small), await cost(large)];
        // Assess: the budget, plus one batch get per page (counters of list entities) and the pointers
        const bound = readBudget(20) + 2 * 20 + 8;
        expect(a, `${JSON.stringify(f)} ${sort}`).toBeLessThanOrEqual(bound);
        expect(b, `${JSON.stringify(f)} ${sort}`).toBeLessThanOrEqual(bound);
      }
  });

  it('from/to of one whole month or year: the period rows rank exactly as a sum over the stored articles', async () => {
    const articles = storedArticles(large.items());
    for (const [from, to] of [
      ['2025-03-01', '2025-03-31'],
      ['2025-01-01', '2025-12-31'],
      ['2026-02-01', '2026-02-28'],
    ] as const)
      for (const f of [{}, { country: 'IR' }, { listed: 'false' }, { listed: 'true' }] as Record<string, string>[]) {
        // Prepare: the entities with articles in the period, summed from the articles themselves (range-oracle.ts)
        const expected = (await rangeOracle(EntitiesQuery.parse({ ...f, from, to }), large, articles)).filter(
          (e) => e.articles > 0,
        );
        if (!Object.keys(f).length) expect(expected.length).toBeGreaterThan(3);
        large.resetReads();
        // Act
        const { out, reads } = await pageAll(large, { ...f, from, to, limit: '10' });
        // Assess (the listed universe adds the unmentioned list entities with 0)
        const mentioned = out.filter((e) => e.articles > 0);
        expect(new Map(mentioned.map((e) => [e.id, e])), `${from} ${JSON.stringify(f)}`).toEqual(
          new Map(expected.map((e) => [e.id, e])),
        );
        for (let i = 1; i < mentioned.length; i++)
          expect(mentioned[i - 1]!.mentions >= mentioned[i]!.mentions).toBe(true);
        for (const n of reads) expect(n).toBeLessThanOrEqual(readBudget(10) + 2 * 10 + 10);
      }
  });

  it('one entity has the same countries, lists and counts in every view (17.3)', async () => {
    // Prepare: the most mentioned listed entity
    const top = (await countsByEntity(EntitiesQuery.parse({ listed: 'true', limit: '1' }), large)).items[0]!;
    const find = async (q: Record<string, string>) => {
      for (let cursor: string | undefined, i = 0; i < 200; i++) {
        const r = await countsByEntity(
          EntitiesQuery.parse({ ...q, limit: '50', ...(cursor ? { cursor } : {}) }),
          large,
        );
        const hit = r.items.find((e) => e.id === top.id);
        if (hit || !r.nextCursor) return hit;
        cursor = r.nextCursor;
      }
    };
    // Act
    const views = [await find({}), await find({ country: top.countries[0]! }), await find({ list: top.lists[0]! })];
    const detail = await entityDetail(top.id, large);
    // Assess
    for (const v of views) expect(v).toEqual(top);
    expect(top.countries.length).toBeGreaterThan(0);
    expect(detail).toMatchObject({ articles: top.articles, mentions: top.mentions, lists: top.lists });
    expect((detail.countries as unknown as { code: string }[]).map((c) => c.code).sort()).toEqual(
      [...top.countries].sort(),
    );
  });

  it('country=… lists entities only in the news too', async () => {
    const r = await pageAll(small, { country: 'CN', limit: '50' });
    expect(r.out.map((e) => e.id)).toEqual(
      oracle(small, { country: 'CN' })
        .sort((a, b) => b.mentions - a.mentions || (a.id < b.id ? 1 : -1))
        .map((e) => e.id),
    );
  });
});

describe('/counts/countries from maintained counters and rollups (memory store)', () => {
  let store: MemoryStore;
  beforeAll(async () => {
    store = (await loadCorpus({ listSize: 100, articles: 60, mentioned: 40 })).store as MemoryStore;
  }, 60_000);

  it('listedEntitiesInNews equals the distinct listed entities with articles of each country, per list and type', async () => {
    for (const f of [{}, { type: 'organization' }, { list: 'opensanctions:gen_ds' }, { type: 'person' }] as Record<
      string,
      string
    >[]) {
      // Act
      const r = await countsByCountry(CountriesQuery.parse({ ...f, limit: '300' }), store);
      // Assess
      for (const c of r.items) {
        const expected = oracle(store, { listed: 'true', country: c.country, ...f }).filter((e) => e.articles > 0);
        expect(c.listedEntitiesInNews, `${c.country} ${JSON.stringify(f)}`).toBe(expected.length);
      }
    }
  });

  it('a date range sums the rollups exactly as the dated counters of its days, and says how many were undated', async () => {
    for (const [from, to] of [
      ['2025-01-01', '2025-12-31'],
      ['2025-02-14', '2026-03-03'],
      ['2025-06-01', '2025-06-30'],
      ['2025-06-07', '2025-06-07'],
    ] as const) {
      // Prepare: the old way, every dated cell of the range (the day rollups, as stored-cells.ts reads them)
      const expected = new Map<string, [number, number]>();
      for (const [cell, [a, m]] of Object.entries(storedCells(store.items()))) {
        const d = /^countryd\|(\d{4}-\d{2}-\d{2})#([A-Z]{2})$/.exec(cell);
        if (d && d[1]! >= from && d[1]! <= to) {
          const e = expected.get(d[2]!) ?? [0, 0];
          expected.set(d[2]!, [e[0] + a, e[1] + m]);
        }
      }
      store.resetReads();
      // Act
      const r = await countsByCountry(CountriesQuery.parse({ from, to, limit: '300' }), store);
      // Assess
      const got = new Map(r.items.filter((c) => c.articles > 0).map((c) => [c.country, [c.articles, c.mentions]]));
      expect(got).toEqual(new Map([...expected].filter(([, v]) => v[0] > 0)));
      expect(r.items.every((c) => c.listedEntitiesInNews === null)).toBe(true);
      expect(r.undatedArticles).toBeGreaterThan(0);
      expect(store.reads().readRollups).toBeLessThanOrEqual(90);
    }
  });
});
