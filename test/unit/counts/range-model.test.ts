import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../../shared/adapters/memory-store.ts';
import { countsByEntity, EntitiesQuery } from '../../../shared/query/api.ts';
import { coverScopes, entitiesInRange, rangeAmounts } from '../../../shared/query/range-model.ts';
import { rangeOracle, storedArticles } from '../../helpers/range-oracle.ts';
import { loadCorpus } from '../../helpers/read-corpus.ts';

// Issue 17.2 on the memory store: `/counts/entities` with any from/to, read from the cover's rows and the entities'
// timelines, pages through exactly what a sum over the stored articles of the range gives (rangeOracle: no counter,
// row or timeline in it), in the same order, for every sort (ascending counts included), filter and range.

type Q = Record<string, string>;

async function pageAll(store: MemoryStore, q: Q) {
  const out: Record<string, unknown>[] = [];
  const reads: number[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 400; i++) {
    store.resetReads();
    const r = await countsByEntity(EntitiesQuery.parse({ ...q, ...(cursor ? { cursor } : {}) }), store);
    reads.push(Object.values(store.reads()).reduce((a, b) => a + b, 0));
    out.push(...r.items);
    if (!r.nextCursor) return { out, reads };
    cursor = r.nextCursor;
  }
  throw new Error('no last page');
}

async function oracle(store: MemoryStore, q: Q): Promise<Record<string, unknown>[]> {
  return (await rangeOracle(EntitiesQuery.parse(q), store, storedArticles(store.items()))) as never;
}

const FILTERS: Q[] = [
  {},
  { country: 'IR' },
  { type: 'person' },
  { listed: 'false' },
  { listed: 'true' },
  { list: 'opensanctions:gen_ds' },
  { country: 'CN', type: 'organization' },
  { listed: 'true', country: 'KP' },
  { q: 'kor' },
  { listed: 'true', q: 'ras' },
];
const SORTS = ['-mentions', '-articles', 'name', '-name', 'mentions'];

/** Entities and amounts in order; for a count sort, each run of one amount as a sorted set. */
function grouped(xs: Record<string, unknown>[], sort: string): string[][] {
  const field = sort.replace('-', '');
  const out: string[][] = [];
  let prev: unknown;
  for (const e of xs) {
    const s = `${e.id} ${e.articles}/${e.mentions}`;
    if (field === 'name' || e[field] !== prev || !out.length) out.push([s]);
    else out.at(-1)!.push(s);
    prev = e[field];
  }
  return out.map((g) => g.sort());
}

/** A day of the corpus's span (2025-01-01 + 500 days), and a little outside it. */
const day = (n: number) => new Date(Date.UTC(2024, 11, 1) + n * 86_400_000).toISOString().slice(0, 10);

describe('/counts/entities over any from/to (memory store)', () => {
  let store: MemoryStore;
  beforeAll(async () => {
    store = (await loadCorpus({ listSize: 100, articles: 120, mentioned: 40 })).store as MemoryStore;
  }, 120_000);

  it('the cover is the fewest kept periods holding the range', () => {
    expect(coverScopes('2025-03-04', '2025-03-20')).toEqual(['@2025-03']);
    expect(coverScopes('2025-03-04', '2025-05-02')).toEqual(['@2025-03', '@2025-04', '@2025-05']);
    expect(coverScopes('2025-03-04', '2025-06-02')).toEqual(['@2025']);
    expect(coverScopes('2024-12-30', '2026-03-02')).toEqual(['@2024', '@2025', '@2026']);
    expect(coverScopes('2022-12-30', '2026-03-02')).toEqual(['']);
    expect(coverScopes(undefined, '2026-03-02')).toEqual(['']);
  });

  it('random access: an entity over a range sums its timeline months and edge days exactly', async () => {
    // Prepare: the top entities of all time, and their range amounts as the stored articles give them
    const top = (await countsByEntity(EntitiesQuery.parse({ limit: '3' }), store)).items;
    for (const [from, to] of [
      ['2025-02-10', '2025-09-03'],
      ['2025-01-01', '2026-05-15'],
      ['2025-06-30', '2025-07-01'],
    ] as const) {
      const expected = await oracle(store, { from, to });
      // Act
      const got = await rangeAmounts(
        top.map((e) => e.id),
        from,
        to,
        store,
      );
      // Assess
      for (const e of top) {
        const x = expected.find((y) => y.id === e.id);
        expect(got.get(e.id), `${e.id} ${from}…${to}`).toEqual({
          articles: x?.articles ?? 0,
          mentions: x?.mentions ?? 0,
        });
      }
    }
  });

  it('an amount shown on more pages than its cursor set holds: the rest of it in strict id order, each once', async () => {
    for (const [q, tieSetMax] of [
      [{ from: '2025-01-05', to: '2026-04-20', sort: '-mentions', limit: '3' }, 4],
      [{ from: '2025-03-05', to: '2025-11-20', sort: '-articles', listed: 'true', limit: '2' }, 3],
      [{ to: '2025-11-20', sort: '-mentions', country: 'IR', limit: '1' }, 1],
    ] as const) {
      // Act: every page, through the range read itself with a small set
      const out: Record<string, unknown>[] = [];
      let cursor: string | undefined;
      let strict = 0;
      do {
        const p = EntitiesQuery.parse({ ...q, ...(cursor ? { cursor } : {}) });
        const r = (await entitiesInRange(p, store, () => Promise.reject(new Error('not by name')), { tieSetMax }))!;
        out.push(...(r.items as unknown as Record<string, unknown>[]));
        cursor = r.nextCursor ?? undefined;
        if (cursor && Buffer.from(cursor, 'base64url').toString().includes('"strict":true')) strict++;
      } while (cursor);
      // Assess
      const expected = await oracle(store, q);
      expect(strict, JSON.stringify(q)).toBeGreaterThan(0);
      expect(grouped(out, q.sort), JSON.stringify(q)).toEqual(grouped(expected, q.sort));
    }
  });

  it('ascending count order over a range: every page in (amount, id) order, the listed universe 0s first, no list read whole', async () => {
    let pages = 0;
    for (const [from, to] of [
      ['2025-03-10', '2025-03-24'],
      ['2025-02-14', '2025-04-10'],
      ['2025-04-10', '2025-09-20'],
      ['2024-12-30', '2026-03-02'],
    ] as const)
      for (const f of [
        {},
        { listed: 'true' },
        { list: 'opensanctions:gen_ds', country: 'IR' },
        { type: 'person' },
      ] as Q[])
        for (const sort of ['articles', 'mentions'])
          for (const limit of ['3', '40']) {
            const q = { ...f, from, to, sort, limit };
            // Act
            const { out, reads } = await pageAll(store, q);
            pages += reads.length;
            // Assess: the oracle's entities, those with something in the range in its exact (amount, id) order
            // (the universe's 0s come first, as the list versions are walked: a set), and no request read a list
            // version whole (only pages of it)
            const expected = await oracle(store, q);
            expect(grouped(out, sort), JSON.stringify(q)).toEqual(grouped(expected, sort));
            const some = (xs: Record<string, unknown>[]) => xs.filter((e) => Number(e.articles) > 0);
            expect(some(out), JSON.stringify(q)).toEqual(some(expected));
            if (f.listed || f.list) expect(out.length).toBeGreaterThan(some(out).length);
            store.resetReads();
            await countsByEntity(EntitiesQuery.parse(q), store);
            expect(store.reads().readListVersion ?? 0, JSON.stringify(q)).toBe(0);
          }
    expect(pages).toBeGreaterThan(64);
  });

  it('ascending count order: a page after the first reads the cover only from ⌈cursor amount / periods⌉ up', async () => {
    for (const [from, to] of [
      ['2025-04-10', '2025-09-20'],
      ['2024-12-30', '2026-03-02'],
    ] as const) {
      // Act: every page of 5, with the rows each one read
      const rows: number[] = [];
      let cursor: string | undefined;
      do {
        store.resetReads();
        const q = EntitiesQuery.parse({ from, to, sort: 'articles', limit: '5', ...(cursor ? { cursor } : {}) });
        const r = await countsByEntity(q, store);
        rows.push(store.reads().queryEntityRows ?? 0);
        cursor = r.nextCursor ?? undefined;
      } while (cursor);
      // Assess: as the cursor's amount rises, pages read fewer rows (a whole cover each before), never more
      const at = `${from}…${to}: ${rows.join(' ')}`;
      expect(rows.length, at).toBeGreaterThan(3);
      for (let i = 1; i < rows.length; i++) expect(rows[i], at).toBeLessThanOrEqual(rows[i - 1]!);
      expect(rows.at(-1)!, at).toBeLessThan(rows[0]! / 2);
    }
  });

  it('every filter and sort over random ranges pages through the oracle, in order, each entity once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 560 }),
        fc.integer({ min: 0, max: 560 }),
        fc.constantFrom(...FILTERS),
        fc.constantFrom(...SORTS),
        fc.oneof(fc.integer({ min: 1, max: 25 }), fc.constant(101)),
        fc.constantFrom('both', 'from', 'to'),
        async (a, b, f, sort, limit, ends) => {
          const [lo, hi] = a <= b ? [day(a), day(b)] : [day(b), day(a)];
          const range: Q = ends === 'both' ? { from: lo, to: hi } : ends === 'from' ? { from: lo } : { to: hi };
          const q = { ...f, ...range, sort, limit: String(limit) };
          // Act
          const { out } = await pageAll(store, q);
          // Assess: the same entities and amounts as the oracle, in its order; by count, entities of one amount as
          // a set (they come in the order the read finds them, each once)
          const expected = await oracle(store, q);
          expect(grouped(out, sort), JSON.stringify(q)).toEqual(grouped(expected, sort));
          const byId = new Map(expected.map((e) => [e.id, e]));
          for (const e of out) expect(e, JSON.stringify(q)).toEqual(byId.get(String(e.id)));
        },
      ),
      { numRuns: 120, seed: 1712 },
    );
  }, 120_000);
});
