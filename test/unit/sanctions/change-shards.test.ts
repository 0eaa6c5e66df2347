import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeMemoryStore } from '../../../shared/adapters/memory-store.ts';
import { CHANGE_SHARDS, changePartitions } from '../../../shared/domain/keys.ts';
import { compareKeys } from '../../../shared/domain/list-delta.ts';
import { pageMergedShards } from '../../../shared/domain/shard-merge.ts';
import { describeExpectedFormats, detectListFormat } from '../../../shared/domain/sanctions/detect.ts';
import { reconcileSanctionsObject, type SanctionsDeps } from '../../../shared/ingest/sanctions.ts';
import { ChangesQuery, listChanges } from '../../../shared/query/changes.ts';
import { makeMemorySource } from '../../helpers/memory-source.ts';

// Issue 17.1 for the change items of issue 11.3: a version that changes many entities spreads its change items over
// CHANGE_SHARDS partitions (no partition key takes a whole reissued list at ingest speed), and readers merge the
// shards back into the order one partition gave, reading a bounded number of items per call.
// The rows are our own invention in OFAC's legacy CSV layout (12 columns, `-0- ` for empty).

const row = (id: string, name: string, program: string, remarks: string) =>
  `${id},"${name}",-0- ,"${program}",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"${remarks}"\n`;
const NATIONS = ['Iran', 'Russia', 'Syria', 'Korea, North', 'Cuba'];
const N = 1600;
const ids = Array.from({ length: N }, (_, i) => String(20000 + i * 7));
const entity = (id: string, i: number, program: string) =>
  row(id, `TEST ENTITY ${id} TRADING`, program, `nationality ${NATIONS[i % NATIONS.length]}.`);
// Version 2: every 5th entity removed, every 3rd (of the rest) moved to another programme, 300 added.
const V1 = ids.map((id, i) => entity(id, i, 'SDGT')).join('');
const V2 = [
  ...ids.flatMap((id, i) => (i % 5 === 0 ? [] : [entity(id, i, i % 3 === 0 ? 'IRAN' : 'SDGT')])),
  ...Array.from({ length: 300 }, (_, i) => entity(String(90001 + i * 3), i, 'DPRK')),
].join('');

async function twoVersions() {
  const store = makeMemoryStore();
  const s3 = makeMemorySource();
  const deps: SanctionsDeps = {
    source: s3.source,
    store,
    detect: detectListFormat,
    describeExpected: describeExpectedFormats,
    maxBytes: 10 * 1024 * 1024,
    shrinkGuard: 0.5,
  };
  const key = 'sanctions/ofac/sdn.csv';
  for (const [body, at] of [
    [V1, '2026-01-10T00:00:00.000Z'],
    [V2, '2026-03-01T00:00:00.000Z'],
  ] as const) {
    await s3.source.put(key, body, 'text/csv');
    const r = await reconcileSanctionsObject(
      { bucket: 'radar-ingest', key, eventName: 'ObjectCreated:Put', eventTime: at },
      deps,
    );
    expect(r.status).toBe('done');
  }
  const chg = store.items().filter((i) => i.pk.startsWith('CHG#'));
  const version = chg[0]!.pk.split('#')[2]!;
  // The order one partition gave before the shards: every change item of the version by sort key.
  const unsharded = (prefix: string) =>
    chg
      .filter((i) => i.sk.startsWith(prefix))
      .map((i) => i.sk)
      .sort(compareKeys);
  return { store, version, chg, unsharded };
}

describe('change items sharded over partitions (issue 17.1)', () => {
  it('spreads a version of many changes over every shard, none with more than twice its share', async () => {
    // Prepare / Act
    const { version, chg } = await twoVersions();
    // Assess
    const changes = chg.filter((i) => i.sk.startsWith('T#'));
    expect(changes.length).toBe(320 + 427 + 300); // DEL every 5th, MOD every 3rd of the rest, ADD 300
    const perShard = new Map<string, number>();
    for (const it of changes) perShard.set(it.pk, (perShard.get(it.pk) ?? 0) + 1);
    expect([...perShard.keys()].sort()).toEqual(changePartitions('us-ofac-sdn', version).sort());
    const share = changes.length / CHANGE_SHARDS;
    for (const n of perShard.values()) expect(n).toBeLessThanOrEqual(2 * share);
    // An entity's country copies share its change's shard: a sort key names one item across the shards.
    const shardOf = new Map(changes.map((i) => [i.sk.split('#').slice(2).join('#'), i.pk]));
    for (const it of chg.filter((i) => i.sk.startsWith('C#')))
      expect(it.pk).toBe(shardOf.get(it.sk.split('#').slice(3).join('#')));
  });

  it('pages through the shards in exactly the unsharded order, reading at most shards × (limit + 1) a call', async () => {
    // Prepare
    const { store, version, unsharded } = await twoVersions();
    for (const prefix of ['T#', 'T#MOD#', 'T#DEL#', 'C#IR#', 'C#RU#ADD#', 'C#FR#'])
      for (const limit of [1, 7, 200]) {
        // Act
        const seen: string[] = [];
        const perCall: number[] = [];
        let after: string | undefined;
        for (;;) {
          store.resetReads();
          const page = await store.pageChanges('us-ofac-sdn', version, prefix, { after, limit });
          perCall.push(store.reads().pageChanges ?? 0);
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map((i) => String(i.sk)));
          if (page.last === undefined) break;
          expect(page.last).toBe(seen[seen.length - 1]);
          after = page.last;
        }
        // Assess
        expect(seen, `${prefix} by ${limit}`).toEqual(unsharded(prefix));
        expect(Math.max(...perCall)).toBeLessThanOrEqual(CHANGE_SHARDS * (limit + 1));
        // and, with source ids spread by a hash, near what one partition read (`limit`), far below that bound
        expect(Math.max(...perCall)).toBeLessThanOrEqual(3 * limit + 2 * CHANGE_SHARDS);
      }
    expect(unsharded('C#FR#')).toEqual([]); // a filter that matches nothing answers an empty page
  });

  it('GET /changes pages by 7 through the same order as one page of 200, every item once', async () => {
    // Prepare
    const { store, unsharded } = await twoVersions();
    const ask = (q: Record<string, string>) => listChanges(ChangesQuery.parse(q), store);
    // Act
    const small: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await ask({ type: 'MOD', limit: '7', ...(cursor ? { cursor } : {}) });
      small.push(...page.items.map((c) => c.sourceId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const whole = await ask({ type: 'MOD', limit: '200' });
    // Assess
    const mods = unsharded('T#MOD#').map((sk) => sk.slice('T#MOD#'.length));
    expect(small).toEqual(mods);
    expect(whole.items.map((c) => c.sourceId)).toEqual(mods.slice(0, 200));
  });

  it('any spread over the shards, any limit, Queries cut short: pages give the merged order, ≤ shards × (limit + 1) read', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Unique keys (any text: DynamoDB orders by UTF-8 bytes), each with a shard drawn with a skew
        fc.uniqueArray(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), { maxLength: 120 }),
        fc.array(fc.nat(7), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (keys, shardPool, limit, queryCap) => {
          // Prepare: a Query answers at most `queryCap` items (as at DynamoDB's 1 MB) and, like DynamoDB, gives a
          // LastEvaluatedKey whenever it stopped at its Limit, even with nothing after it.
          const held = Array.from({ length: CHANGE_SHARDS }, () => [] as { sk: string }[]);
          for (const [i, k] of keys.entries()) held[shardPool[i % shardPool.length]!]!.push({ sk: k });
          for (const h of held) h.sort((a, b) => compareKeys(a.sk, b.sk));
          let reads = 0;
          const read = async (shard: number, after: string | undefined, want: number) => {
            const rest = held[shard]!.filter((i) => after === undefined || compareKeys(i.sk, after) > 0);
            const got = rest.slice(0, Math.min(want, queryCap));
            reads += got.length;
            const stopped = got.length === want || rest.length > got.length;
            return { items: got, ...(stopped && got.length ? { last: got[got.length - 1]!.sk } : {}) };
          };
          // Act
          const seen: string[] = [];
          let after: string | undefined;
          do {
            reads = 0;
            const page = await pageMergedShards(CHANGE_SHARDS, limit, after, read);
            expect(reads).toBeLessThanOrEqual(CHANGE_SHARDS * (limit + 1));
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items.map((i) => i.sk));
            after = page.last;
          } while (after !== undefined);
          // Assess
          expect(seen).toEqual([...keys].sort(compareKeys));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a version whose changes are all in one shard pages the same (the merge has nothing to interleave)', async () => {
    // Prepare: a shard that holds everything, the others empty; a shard that stops short (as at DynamoDB's 1 MB)
    const items = Array.from({ length: 30 }, (_, i) => ({ sk: `T#ADD#${String(i).padStart(3, '0')}` }));
    let reads = 0;
    const read = async (shard: number, after: string | undefined, limit: number) => {
      const rest = shard === 3 ? items.filter((i) => after === undefined || i.sk > after) : [];
      const got = rest.slice(0, Math.min(limit, 2)); // at most 2 a Query, to make the merge read on
      reads += got.length;
      return { items: got, ...(rest.length > got.length ? { last: got[got.length - 1]!.sk } : {}) };
    };
    // Act
    const first = await pageMergedShards(CHANGE_SHARDS, 5, undefined, read);
    const next = await pageMergedShards(CHANGE_SHARDS, 5, first.last, read);
    // Assess
    expect(first.items.map((i) => i.sk)).toEqual(items.slice(0, 5).map((i) => i.sk));
    expect(first.last).toBe(items[4]!.sk);
    expect(next.items.map((i) => i.sk)).toEqual(items.slice(5, 10).map((i) => i.sk));
    expect(reads).toBe(12); // 6 = limit + 1 a call from the one shard that has items
    await expect(pageMergedShards(CHANGE_SHARDS, 0, undefined, read)).rejects.toThrow(RangeError);
  });
});
