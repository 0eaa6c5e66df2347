import { describe, expect, it } from 'vitest';
import { makeMemoryStore, type MemoryStore } from '../../../shared/adapters/memory-store.ts';
import { entityRefKey, listedEntityPartition } from '../../../shared/domain/keys.ts';
import { describeExpectedFormats, detectListFormat } from '../../../shared/domain/sanctions/detect.ts';
import { reconcileSanctionsObject, type SanctionsDeps } from '../../../shared/ingest/sanctions.ts';
import { listChanges, ChangesQuery } from '../../../shared/query/changes.ts';
import { makeMemorySource } from '../../helpers/memory-source.ts';

// Issue 11.3, 11.4, 11.6 against the in-memory store: a new version's ADD/MOD/DEL, dates carried across versions,
// /changes paged and joined with the news, and OFAC part files applied as deltas of the current version.
// The rows are our own invention in OFAC's legacy CSV layout (12 columns, `-0- ` for empty).

const row = (id: string, name: string, type: string, program: string, remarks = '-0- ') =>
  `${id},"${name}",${type === 'org' ? '-0- ' : `"${type}"`},"${program}",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,${remarks === '-0- ' ? remarks : `"${remarks}"`}\n`;

const V1 = [
  row('1001', 'NORTHWIND SHIPPING LINES', 'org', 'DPRK', 'Registration Number 555 (Korea, North).'),
  row('1002', 'BLUE HERON TRADING', 'org', 'IRAN', 'nationality Iran.'),
  row('1003', 'KESTREL, Ivan', 'individual', 'RUSSIA-EO14024', 'DOB 01 Jan 1970; nationality Russia.'),
  row('1004', 'AMBER FIELD HOLDINGS', 'org', 'SDGT'),
  row('1005', 'SILVER DUNE EXPORTS', 'org', 'SYRIA', 'nationality Syria.'),
].join('');
// 1002 removed, 1003 changed (a second programme), 1006 added.
const V2 = [
  row('1001', 'NORTHWIND SHIPPING LINES', 'org', 'DPRK', 'Registration Number 555 (Korea, North).'),
  row(
    '1003',
    'KESTREL, Ivan',
    'individual',
    'RUSSIA-EO14024] [UKRAINE-EO13660',
    'DOB 01 Jan 1970; nationality Russia.',
  ),
  row('1004', 'AMBER FIELD HOLDINGS', 'org', 'SDGT'),
  row('1005', 'SILVER DUNE EXPORTS', 'org', 'SYRIA', 'nationality Syria.'),
  row('1006', 'RED CANYON MINING', 'org', 'DPRK', 'nationality Korea, North.'),
].join('');

const ADD =
  '1001,201,"12 Harbour Road","Nampo","Korea, North",-0- \n1004,202,"5 Palm Street","Dubai","United Arab Emirates",-0- \n';
const ALT = '1001,301,"aka","NORTHWIND LINES",-0- \n1003,302,"aka","KESTREL, Vanya",-0- \n';
const COMMENTS = '1005,"Registration Number 777 (Syria)."\n';

function setup() {
  const store: MemoryStore = makeMemoryStore();
  const s3 = makeMemorySource();
  const deps: SanctionsDeps = {
    source: s3.source,
    store,
    detect: detectListFormat,
    describeExpected: describeExpectedFormats,
    maxBytes: 10 * 1024 * 1024,
    shrinkGuard: 0.5,
  };
  // Each upload a second after the last at the given time, as S3's LastModified moves on (same-time events tie).
  let tick = 0;
  const upload = async (key: string, body: string, at: string) => {
    await s3.source.put(key, body, 'text/csv');
    const eventTime = new Date(Date.parse(at) + 1000 * tick++).toISOString();
    return reconcileSanctionsObject({ bucket: 'radar-ingest', key, eventName: 'ObjectCreated:Put', eventTime }, deps);
  };
  const entities = async (list = 'us-ofac-sdn') => {
    const p = await store.getListPointer(list);
    const out = new Map<string, Record<string, unknown>>();
    for (const e of await store.readListVersion(list, p!.version)) out.set(String(e.sourceId), e);
    return out;
  };
  const changes = (q: Record<string, string> = {}) => listChanges(ChangesQuery.parse(q), store);
  return { store, s3, deps, upload, entities, changes };
}

const JAN = '2026-01-10T08:00:00.000Z';
const MAR = '2026-03-01T08:00:00.000Z';

describe('list deltas: a new version against the one it replaces', () => {
  it('one added, one removed, one changed entity give exactly those three changes; first-seen is kept', async () => {
    // Prepare: a first version
    const t = setup();
    await t.upload('sanctions/ofac/sdn.csv', V1, JAN);
    expect((await t.changes()).items).toEqual([]); // a first version is the list's start, not a change
    const first = await t.entities();
    expect(first.get('1003')).toMatchObject({ firstSeen: '2026-01-10', lastChanged: '2026-01-10' });
    // Act: the second version
    const s = await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
    // Assess: the three changes, newest first, typed and dated
    expect(s.status).toBe('done');
    const r = await t.changes();
    expect(r.nextCursor).toBeNull();
    expect(r.items.map((c) => [c.type, c.sourceId])).toEqual([
      ['ADD', '1006'],
      ['DEL', '1002'],
      ['MOD', '1003'],
    ]);
    const mod = r.items.find((c) => c.type === 'MOD')!;
    expect(mod).toMatchObject({
      list: 'us-ofac-sdn',
      entityId: 'l:us-ofac-sdn:1003',
      fields: ['programs'],
      firstSeen: '2026-01-10',
      lastChanged: '2026-03-01',
      countries: ['RU'],
      previousVersion: String(first.get('1003')!.pk).split('#')[2],
    });
    expect(r.items.find((c) => c.type === 'DEL')).toMatchObject({ name: 'BLUE HERON TRADING', countries: ['IR'] });
    expect(r.items.find((c) => c.type === 'ADD')).toMatchObject({ firstSeen: '2026-03-01', countries: ['KP'] });
    // Dates on the new version's items: kept for the unchanged, moved for the changed
    const second = await t.entities();
    expect(second.get('1001')).toMatchObject({ firstSeen: '2026-01-10', lastChanged: '2026-01-10' });
    expect(second.get('1003')).toMatchObject({ firstSeen: '2026-01-10', lastChanged: '2026-03-01' });
    expect(second.get('1006')).toMatchObject({ firstSeen: '2026-03-01', lastChanged: '2026-03-01' });
    expect(typeof second.get('1001')!.hash).toBe('string');
  });

  it('judges a version against the old digest, reading only the changed entities; a version without one the old way', async () => {
    // Prepare: the same two versions twice; in the second run the first version has no digest (written before them).
    const withDigest = setup();
    const without = setup();
    for (const t of [withDigest, without]) await t.upload('sanctions/ofac/sdn.csv', V1, JAN);
    const p = (await without.store.getListPointer('us-ofac-sdn'))!;
    expect(p.digestBuckets).toBe(1);
    const { digestBuckets: _, ...old } = p;
    await without.store.swapListPointer({ ...old, order: `${p.order}~` });
    withDigest.store.resetReads();
    without.store.resetReads();
    // Act
    for (const t of [withDigest, without]) await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
    // Assess: the same changes and dates either way
    const seen = async (t: ReturnType<typeof setup>) => ({
      changes: (await t.changes()).items.map((c) => [c.type, c.sourceId, c.firstSeen, c.lastChanged]),
      dates: [...(await t.entities())].map(([id, e]) => [id, e.firstSeen, e.lastChanged, e.hash]),
    });
    expect(await seen(withDigest)).toEqual(await seen(without));
    // Items got by key: the digest (1) and the changed and removed entities (2), against all five old ones.
    expect(withDigest.store.reads().getItems).toBe(1 + 2);
    expect(without.store.reads().getItems).toBe(5);
    expect((await withDigest.store.getListPointer('us-ofac-sdn'))!.digestBuckets).toBe(1);
  });

  it('filters by type, country, list and since are key ranges; pages follow the cursor', async () => {
    // Prepare
    const t = setup();
    await t.upload('sanctions/ofac/sdn.csv', V1, JAN);
    await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
    // Act / Assess
    expect((await t.changes({ type: 'DEL' })).items.map((c) => c.sourceId)).toEqual(['1002']);
    expect((await t.changes({ country: 'kp' })).items.map((c) => c.sourceId)).toEqual(['1006']);
    expect((await t.changes({ country: 'RU', type: 'MOD' })).items.map((c) => c.sourceId)).toEqual(['1003']);
    expect((await t.changes({ list: 'un-sc' })).items).toEqual([]);
    expect((await t.changes({ list: 'us-ofac-sdn', since: '2026-03-01' })).items).toHaveLength(3);
    expect((await t.changes({ since: '2026-03-02' })).items).toEqual([]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.changes({ limit: '1', ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((c) => c.sourceId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['1006', '1002', '1003']);
    await expect(t.changes({ type: 'ADD', cursor: (await t.changes({ limit: '1' })).nextCursor! })).rejects.toThrow(
      /other filters/,
    );
  });

  it('a page reads a page: the change items of one set, not every change', async () => {
    const t = setup();
    await t.upload('sanctions/ofac/sdn.csv', V1, JAN);
    await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
    t.store.resetReads();
    await t.changes({ limit: '1' });
    // The set's three changes sit in three of its eight shards (keys.ts): the merge reads each shard's head, at most
    // CHANGE_SHARDS × (limit + 1) items, never the rest of the set.
    expect(t.store.reads()).toEqual({ listChangeSets: 1, pageChanges: 3, countRange: 0 });
  });

  it('counts the articles mentioning each entity in the 30 days before and after the change', async () => {
    // Prepare: references of entity 1002 (removed on 2026-03-01) as the article ingest writes them
    const t = setup();
    await t.upload('sanctions/ofac/sdn.csv', V1, JAN);
    await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
    const id = 'l:us-ofac-sdn:1002';
    const refs = [
      ['2026-01-15', 'a'], // more than 30 days before
      ['2026-02-10', 'b'],
      ['2026-02-28', 'c'],
      ['2026-03-01', 'd'],
      ['2026-03-30', 'e'],
      ['2026-03-31', 'f'], // past the window
    ].map(([day, art]) => ({ ...entityRefKey(id, day, art!), articleId: art }));
    await t.store.putItems([...refs, { ...entityRefKey(id, undefined, 'undated'), articleId: 'undated' }]);
    // Act
    const del = (await t.changes({ type: 'DEL' })).items[0]!;
    // Assess
    expect(del).toMatchObject({ articlesBefore: 2, articlesAfter: 2 });
    expect(del.articlesCapped).toBeUndefined();
  });

  it('caps the article counts, refuses a forged cursor, and stops a page after a bounded number of versions', async () => {
    // Prepare: 27 versions, each changing one entity; 1,001 articles about one entity in the month before the last
    const t = setup();
    await t.upload('sanctions/ofac/sdn.csv', V1, JAN);
    for (let i = 0; i < 27; i++)
      await t.upload(
        'sanctions/ofac/sdn.csv',
        V1.replace('SDGT', `SDGT${i}`),
        `2026-02-${String(i + 1).padStart(2, '0')}T00:00:00Z`,
      );
    const id = 'l:us-ofac-sdn:1004';
    await t.store.putItems(
      Array.from({ length: 1001 }, (_, i) => ({ ...entityRefKey(id, '2026-02-20', `a${i}`), articleId: `a${i}` })),
    );
    // Act
    const newest = (await t.changes({ limit: '1' })).items[0]!;
    const none = await t.changes({ country: 'FR' });
    const rest = await t.changes({ country: 'FR', cursor: none.nextCursor! });
    // Assess
    expect(newest).toMatchObject({ sourceId: '1004', articlesBefore: 1000, articlesCapped: true });
    expect(none.items).toEqual([]);
    expect(none.nextCursor).not.toBeNull(); // 25 versions visited: the page ends there rather than read on
    expect(rest).toEqual({ items: [], nextCursor: null });
    await expect(t.changes({ cursor: 'not-a-cursor' })).rejects.toThrow(/not one this API issued/);
    expect((await t.changes({ type: 'DEL' })).items).toEqual([]); // sets without DELs are skipped by their counts
  });

  it('the same upload again changes nothing and lists nothing twice; a refused version leaves no changes', async () => {
    // Prepare
    const t = setup();
    await t.upload('sanctions/ofac/sdn.csv', V1, JAN);
    await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
    // Act: the event redelivered, then a version that shrinks the list too much
    const again = await reconcileSanctionsObject(
      { bucket: 'radar-ingest', key: 'sanctions/ofac/sdn.csv', eventName: 'ObjectCreated:Put', eventTime: MAR },
      t.deps,
    );
    const refused = await t.upload(
      'sanctions/ofac/sdn.csv',
      row('1001', 'NORTHWIND SHIPPING LINES', 'org', 'DPRK'),
      '2026-04-01T00:00:00Z',
    );
    // Assess
    expect(again.status).toBe('unchanged');
    expect(refused.status).toBe('quarantined');
    expect((await t.changes()).items).toHaveLength(3);
    const chg = t.store.items().filter((i) => i.pk.startsWith('CHG#'));
    // Only the current version's changes (`CHG#<list>#<version>#<shard>`: the version without the shard)
    expect(new Set(chg.map((i) => i.pk.split('#').slice(0, 3).join('#'))).size).toBe(1);
  });

  it('three versions: first-seen stays the first, last-changed follows the changes, change sets newest first', async () => {
    const t = setup();
    await t.upload('sanctions/ofac/sdn.csv', V1, JAN);
    await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
    const V3 = V2.replace('AMBER FIELD HOLDINGS', 'AMBER FIELD HOLDINGS LTD');
    await t.upload('sanctions/ofac/sdn.csv', V3, '2026-05-01T00:00:00.000Z');
    const r = await t.changes();
    expect(r.items.map((c) => `${c.changedAt.slice(0, 10)} ${c.type} ${c.sourceId}`)).toEqual([
      '2026-05-01 MOD 1004',
      '2026-03-01 ADD 1006',
      '2026-03-01 DEL 1002',
      '2026-03-01 MOD 1003',
    ]);
    expect((await t.entities()).get('1004')).toMatchObject({ firstSeen: '2026-01-10', lastChanged: '2026-05-01' });
    expect((await t.entities()).get('1003')).toMatchObject({ firstSeen: '2026-01-10', lastChanged: '2026-03-01' });
  });
});

describe('OFAC part files as deltas of the current version (issue 11.6)', () => {
  /** Entities in normal form (their hash) with the pointer's aggregates: what "the same version" means. */
  const state = async (t: ReturnType<typeof setup>) => {
    const p = (await t.store.getListPointer('us-ofac-sdn'))!;
    const hashes = Object.fromEntries([...(await t.entities())].map(([id, e]) => [id, e.hash]));
    return {
      hashes,
      entityCount: p.entityCount,
      byType: p.byType,
      byCountry: p.byCountry,
      parts: [...(p.parts ?? [])].sort(),
    };
  };
  const orders: [string, [string, string][]][] = [
    [
      'sdn, add, alt, comments',
      [
        ['sdn.csv', V2],
        ['add.csv', ADD],
        ['alt.csv', ALT],
        ['sdn_comments.csv', COMMENTS],
      ],
    ],
    [
      'comments, alt, sdn, add',
      [
        ['sdn_comments.csv', COMMENTS],
        ['alt.csv', ALT],
        ['sdn.csv', V2],
        ['add.csv', ADD],
      ],
    ],
    [
      'add, sdn, comments, alt',
      [
        ['add.csv', ADD],
        ['sdn.csv', V2],
        ['sdn_comments.csv', COMMENTS],
        ['alt.csv', ALT],
      ],
    ],
  ];

  for (const [name, files] of orders)
    it(`arriving ${name}: each part writes only the entities it changes, and the set ends as a full rebuild`, async () => {
      // Prepare: the reference: the whole set in a folder, ingested once
      const full = setup();
      for (const [f, body] of files) await full.s3.source.put(`sanctions/ofac/${f}`, body, 'text/csv');
      await reconcileSanctionsObject(
        { bucket: 'radar-ingest', key: 'sanctions/ofac/sdn.csv', eventName: 'ObjectCreated:Put', eventTime: MAR },
        full.deps,
      );
      // Act: the files one by one, in this order
      const t = setup();
      const written: Record<string, number> = {};
      for (const [f, body] of files) {
        t.store.resetWrites();
        await t.upload(`sanctions/ofac/${f}`, body, MAR);
        written[f] = t.store.writes().LE ?? 0;
      }
      // Assess: the primary writes the list (with the parts already there), each later part only what it touches
      expect(await state(t)).toEqual(await state(full));
      expect(written['sdn.csv']).toBe(5);
      const after = files.slice(files.findIndex(([f]) => f === 'sdn.csv') + 1).map(([f]) => f);
      const touched: Record<string, number> = { 'add.csv': 2, 'alt.csv': 2, 'sdn_comments.csv': 1 };
      for (const f of after) expect(written[f], f).toBe(touched[f]);
    });

  it('a part joining a version with changes moves its change items and counts, not the rest', async () => {
    // Prepare: V1 set complete; V2 arrives as sdn.csv first, the parts present from before (unchanged ETags)
    const ref = setup();
    const t = setup();
    for (const [f, body] of [
      ['add.csv', ADD],
      ['sdn_comments.csv', COMMENTS],
    ] as const) {
      await t.s3.source.put(`sanctions/ofac/${f}`, body, 'text/csv');
      await ref.s3.source.put(`sanctions/ofac/${f}`, body, 'text/csv');
    }
    await t.upload('sanctions/ofac/sdn.csv', V1, JAN);
    await ref.upload('sanctions/ofac/sdn.csv', V1, JAN);
    await ref.s3.source.put('sanctions/ofac/alt.csv', ALT, 'text/csv');
    await ref.upload('sanctions/ofac/sdn.csv', V2, MAR); // reference: V2 with alt.csv from the start
    await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
    // Act: alt.csv joins the set (a part the version did not have): applied in place
    t.store.resetWrites();
    const s = await t.upload('sanctions/ofac/alt.csv', ALT, MAR);
    // Assess: two entities written, the changes as the reference has them (1001 gains an alias: a MOD now)
    expect(s.records.written).toBe(2);
    expect(t.store.writes().LE).toBe(2);
    const strip = (r: Awaited<ReturnType<typeof t.changes>>) =>
      r.items.map(({ version: _v, previousVersion: _p, changedAt: _c, ...c }) => c);
    expect(strip(await t.changes())).toEqual(strip(await ref.changes()));
    expect((await t.store.getListPointer('us-ofac-sdn'))!.changes).toMatchObject(
      (await ref.store.getListPointer('us-ofac-sdn'))!.changes!,
    );
    expect((await t.store.getListPointer('us-ofac-sdn'))!.patching).toBeUndefined();
  });

  it('two parts arriving at once: one applies, the other waits for it and applies on the set it made', async () => {
    const t = setup();
    await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
    const ref = setup();
    for (const [f, body] of [
      ['add.csv', ADD],
      ['alt.csv', ALT],
    ] as const)
      await ref.s3.source.put(`sanctions/ofac/${f}`, body, 'text/csv');
    await ref.upload('sanctions/ofac/sdn.csv', V2, MAR);
    // Act
    const [a, b] = await Promise.all([
      t.upload('sanctions/ofac/add.csv', ADD, MAR),
      t.upload('sanctions/ofac/alt.csv', ALT, MAR),
    ]);
    // Assess
    expect([a.status, b.status]).toEqual(['done', 'done']);
    expect(await state(t)).toEqual(await state(ref));
  });

  it('a part that finds the live claim of another set waits for it to lapse, then applies', async () => {
    // Prepare: a claim of some other set on the pointer, as a part that crashed holding it leaves it
    const t = setup();
    await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
    const p = (await t.store.getListPointer('us-ofac-sdn'))!;
    const { entityCount, byType, byCountry } = p;
    const until = Date.now() + 400;
    await t.store.claimListPointer(
      'us-ofac-sdn',
      p.etag,
      { etag: 'other', until, parts: [], entityCount, byType, byCountry },
      Date.now(),
    );
    // Act
    const s = await t.upload('sanctions/ofac/add.csv', ADD, MAR);
    // Assess: applied once the claim lapsed, and the claim is gone
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    expect(s).toMatchObject({ status: 'done', records: { written: 2 } });
    expect((await t.store.getListPointer('us-ofac-sdn'))!.patching).toBeUndefined();
  });

  it('a retry after a crash part-way through a part finds its claim and ends as if uninterrupted', async () => {
    const t = setup();
    await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
    const ref = setup();
    for (const [f, body] of [
      ['sdn.csv', V2],
      ['add.csv', ADD],
    ] as const)
      await ref.upload(`sanctions/ofac/${f}`, body, MAR);
    // Act: add.csv fails after its claim and one entity written, then is retried
    t.store.failAfter('putItem', 1);
    await expect(t.upload('sanctions/ofac/add.csv', ADD, MAR)).rejects.toThrow(/injected/);
    t.store.clearFaults();
    expect((await t.store.getListPointer('us-ofac-sdn'))!.patching).toBeDefined();
    await reconcileSanctionsObject(
      { bucket: 'radar-ingest', key: 'sanctions/ofac/add.csv', eventName: 'ObjectCreated:Put', eventTime: MAR },
      t.deps,
    );
    // Assess
    expect(await state(t)).toEqual(await state(ref));
  });

  it('a crash at any write of a part joining a version with changes: the retry ends as the reference', async () => {
    // Prepare: the reference, V2 with alt.csv present from the start
    const ref = setup();
    await ref.s3.source.put('sanctions/ofac/add.csv', ADD, 'text/csv');
    await ref.upload('sanctions/ofac/sdn.csv', V1, JAN);
    await ref.s3.source.put('sanctions/ofac/alt.csv', ALT, 'text/csv');
    await ref.upload('sanctions/ofac/sdn.csv', V2, MAR);
    const strip = (r: Awaited<ReturnType<typeof ref.changes>>) =>
      r.items.map(({ version: _v, previousVersion: _p, changedAt: _c, ...c }) => c);
    const want = { state: await state(ref), changes: strip(await ref.changes()) };
    for (let n = 0; n < 8; n++) {
      const t = setup();
      await t.s3.source.put('sanctions/ofac/add.csv', ADD, 'text/csv');
      await t.upload('sanctions/ofac/sdn.csv', V1, JAN);
      await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
      // Act: alt.csv joins, the n+1-th item write fails, the event is delivered again
      t.store.failAfter('putItem', n);
      const first = await t.upload('sanctions/ofac/alt.csv', ALT, MAR).then(
        () => 'finished',
        () => 'crashed',
      );
      t.store.clearFaults();
      await reconcileSanctionsObject(
        { bucket: 'radar-ingest', key: 'sanctions/ofac/alt.csv', eventName: 'ObjectCreated:Put', eventTime: MAR },
        t.deps,
      );
      // Assess
      expect(
        { state: await state(t), changes: strip(await t.changes()) },
        `crash after ${n} writes (${first})`,
      ).toEqual(want);
    }
  });

  it('leaves the partitions of the version alone: a part writes no entity outside the current version', async () => {
    const t = setup();
    await t.upload('sanctions/ofac/sdn.csv', V2, MAR);
    const p = (await t.store.getListPointer('us-ofac-sdn'))!;
    await t.upload('sanctions/ofac/add.csv', ADD, MAR);
    const le = t.store.items().filter((i) => i.pk.startsWith('LE#'));
    expect(le).toHaveLength(5); // no second copy of the list
    const own = new Set(Array.from({ length: 8 }, (_, s) => listedEntityPartition('us-ofac-sdn', p.version, s)));
    expect(le.every((i) => own.has(i.pk))).toBe(true);
    expect((await t.store.getListPointer('us-ofac-sdn'))!.version).toBe(p.version);
  });
});

describe('OpenSanctions delta files: the current version a page at a time', () => {
  // Our own synthetic FollowTheMoney records (not OpenSanctions data).
  const LIST = 'opensanctions:radar_test';
  const person = (n: number, nationality = 'ru') => ({
    id: `rt-${n}`,
    caption: `Examplov ${n}`,
    schema: 'Person',
    properties: { name: [`Ivan Examplov ${n}`], nationality: [nationality], topics: ['sanction'] },
    referents: [],
    datasets: ['radar_test'],
    target: true,
  });
  const lines = (records: unknown[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

  it('applies ADD, MOD and DEL (the last operation of an id winning) without reading the version whole', async () => {
    // Prepare: a full export of 1,200 entities (more than two pages of some shards), then a store that refuses to
    // read a version whole and counts the pages read
    const t = setup();
    const full = await t.upload(
      'sanctions/opensanctions/radar_test/entities.ftm.json',
      lines(Array.from({ length: 1200 }, (_, i) => person(i))),
      JAN,
    );
    expect(full).toMatchObject({ status: 'done', list: LIST });
    const pages: number[] = [];
    const store = t.store;
    t.deps.store = {
      ...store,
      readListVersion: async () => {
        throw new Error('an OpenSanctions delta read the whole version');
      },
      pageListShard: async (...a: Parameters<typeof store.pageListShard>) => {
        const page = await store.pageListShard(...a);
        pages.push(page.items.length);
        return page;
      },
    };
    // Act: a delta that modifies 5 (twice: the second wins), deletes 7, deletes then modifies 9, adds 5000
    const delta = lines([
      { op: 'MOD', entity: person(5, 'by') },
      { op: 'DEL', entity: { id: 'rt-7' } },
      { op: 'DEL', entity: { id: 'rt-9' } },
      { op: 'MOD', entity: person(5, 'kz') },
      { op: 'MOD', entity: person(9, 'am') },
      { op: 'ADD', entity: person(5000, 'ge') },
    ]);
    const s = await t.upload('sanctions/opensanctions/radar_test/20261101000000-abc/entities.delta.json', delta, MAR);
    t.deps.store = store;
    // Assess: the version is the export with the delta applied, read in bounded pages
    expect(s).toMatchObject({ status: 'done', list: LIST, records: { read: 6 } });
    expect(Math.max(...pages)).toBeLessThanOrEqual(500);
    expect(pages.reduce((a, b) => a + b, 0)).toBe(1200);
    const after = await t.entities(LIST);
    expect(after.size).toBe(1200);
    expect(after.has('rt-7')).toBe(false);
    const nationality = (id: string) => (after.get(id)!.countries as { code: string }[]).map((c) => c.code);
    expect([nationality('rt-5'), nationality('rt-9'), nationality('rt-5000'), nationality('rt-6')]).toEqual([
      ['KZ'],
      ['AM'],
      ['GE'],
      ['RU'],
    ]);
    const changes = (await t.changes({ list: LIST })).items.map((c) => [c.type, c.sourceId]).sort();
    expect(changes).toEqual([
      ['ADD', 'rt-5000'],
      ['DEL', 'rt-7'],
      ['MOD', 'rt-5'],
      ['MOD', 'rt-9'],
    ]);
  });
});
