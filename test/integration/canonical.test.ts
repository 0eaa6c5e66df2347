import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoCanonicalStore } from '../../shared/adapters/dynamo-canonical-store.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { canonicalMetaKey, canonicalOfKey, canonicalOverlapKey } from '../../shared/domain/keys.ts';
import { canonicalCountryCounts, canonicalDetail, canonicalOf } from '../../shared/query/canonical.ts';
import { TABLE_NAME } from '../../shared/resources.ts';
import { ROOT, type RunningSandbox, startSandboxProcess } from '../helpers/sandbox.ts';

/*
 * Cross-list resolution through the real pipeline (issue 11.1): the demo UN excerpt and an OFAC SDN file uploaded to
 * the sandbox's S3, ingested by the list function, resolved in the ingest; read back over the sandbox's DynamoDB
 * edge with the real SDK. The SDN rows are OFAC's own (public-sector data), cut to two entries.
 */

const BUCKET = 'radar-ingest';
const UN = readFileSync(join(ROOT, 'demo/sanctions/un-sc-consolidated-excerpt.xml'), 'utf8');
const row = (id: string, name: string, type: string, program: string) =>
  `${id},"${name}",${type},"${program}",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n`;
const SDN =
  row('9345', 'KOREA MINING DEVELOPMENT TRADING CORPORATION', '-0- ', 'NPWMD] [DPRK2') +
  row('36', 'AEROCARIBBEAN AIRLINES', '-0- ', 'CUBA');

let sb: RunningSandbox;
let ddb: DynamoDBClient;
let deps: Parameters<typeof canonicalDetail>[1] & Parameters<typeof canonicalCountryCounts>[0];

describe('canonical entities in the sandbox', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    sb = await startSandboxProcess();
    ddb = new DynamoDBClient({
      endpoint: sb.edgeUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
    });
    const store = makeDynamoStore(DynamoDBDocumentClient.from(ddb), TABLE_NAME);
    deps = { store: makeDynamoCanonicalStore(store), lists: store };
    await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sanctions/un/consolidated.xml', Body: UN }));
    // An article (our own words) that names KOMID by an alias only the UN entry carries.
    await sb.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'articles/2026/komid-alias.txt',
        Body: 'Port records show that Changgwang Sinyong Corporation shipped drilling parts through Nampo last spring.\n',
      }),
    );
    await sb.idle();
  });
  afterAll(async () => {
    ddb?.destroy();
    await sb?.stop();
  });

  it('every listed entity of a new list has a canonical entity, counted per country', async () => {
    // Prepare / Act: the UN list alone.
    const komid = await canonicalOf('l:un-sc:690735', deps);
    // Assess: its own canonical entity, named after its listing; nothing was stored for it.
    expect(komid).toBe('c:un-sc:690735');
    expect(await deps.store.getItem(canonicalOfKey('l:un-sc:690735'))).toBeUndefined();
    const detail = await canonicalDetail('l:un-sc:690735', deps);
    expect(detail).toMatchObject({ id: komid, lists: ['un-sc'], type: 'organization' });
    expect(detail?.listings.map((l) => l.id)).toEqual(['l:un-sc:690735']);
    expect((await canonicalCountryCounts(deps)).get('KP')).toBeGreaterThan(0);
  });

  it('an OFAC file with KOMID merges it with the UN entry, which keeps its canonical id; reasons and listings', async () => {
    // Prepare
    const unOnly = await canonicalOf('l:un-sc:690735', deps);
    const kpBefore = (await canonicalCountryCounts(deps)).get('KP');
    // Act
    await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sanctions/ofac/sdn.csv', Body: SDN }));
    await sb.idle();
    // Assess
    const merged = await canonicalDetail('l:us-ofac-sdn:9345', deps);
    expect(merged?.lists).toEqual(['un-sc', 'us-ofac-sdn']);
    expect(merged?.name).toBe('KOREA MINING DEVELOPMENT TRADING CORPORATION');
    expect(merged?.listings.map((l) => [l.id, l.programs])).toEqual([
      ['l:un-sc:690735', ['DPRK']],
      ['l:us-ofac-sdn:9345', ['NPWMD', 'DPRK2']],
    ]);
    expect(merged?.merged.find((m) => m.id === 'l:us-ofac-sdn:9345')?.reason).toEqual({
      rule: 'name',
      name: 'korea mining development trading',
    });
    // The UN entry's canonical id is the smaller member's, so it stays; the SDN entry's own would have been retired.
    expect(merged?.id).toBe(unOnly);
    // The article names the UN entry's alias only; once the entries are one entity, it counts for both listings
    // (relinked in proportion to the change), so the entity's count is the same whichever listing is asked.
    type Counted = { articles: number; canonical?: { listings: { id: string; articles: number }[] } };
    const byOfac = await sb.get<Counted>('/entities/l%3Aus-ofac-sdn%3A9345');
    expect(byOfac.body.articles).toBe(1);
    expect(byOfac.body.canonical?.listings.map((l) => [l.id, l.articles])).toEqual([
      ['l:un-sc:690735', 1],
      ['l:us-ofac-sdn:9345', 1],
    ]);
    // One entity in North Korea, not two listings: the OFAC entry (no country) adds nothing to KP.
    expect((await canonicalCountryCounts(deps)).get('KP')).toBe(kpBefore);
    // The cluster's items are real items of the table; the OFAC entry has no country, so nothing overlaps in KP.
    expect(await deps.store.getItem(canonicalMetaKey(unOnly!))).toMatchObject({ lists: ['un-sc', 'us-ofac-sdn'] });
    expect(await deps.store.getItem(canonicalOfKey('l:us-ofac-sdn:9345'))).toMatchObject({ canonical: unOnly });
    expect(await deps.store.getItem(canonicalOverlapKey('KP'))).toBeUndefined();
  });

  it('the query API shows KOMID once with both lists, its listings and why, by any of its ids (issue 11.2)', async () => {
    // Prepare
    const komid = (await canonicalOf('l:un-sc:690735', deps))!;
    type Rows = { items: { id: string; lists: string[]; canonicalId?: string }[] };
    type Detail = { id: string; lists: string[]; canonicalId?: string; canonical?: { listings: { id: string }[] } };
    type Countries = { items: { country: string; listedEntities: number; canonicalEntities?: number }[] };
    // Act
    const rows = await sb.get<Rows>('/counts/entities?listed=true&q=korea%20mining&limit=50');
    const byUn = await sb.get<Detail>('/entities/l%3Aun-sc%3A690735');
    const byCanonical = await sb.get<Detail>(`/entities/${encodeURIComponent(komid)}`);
    const countries = await sb.get<Countries>('/counts/countries?limit=500');
    // Assess: one row, not one per listing.
    expect(rows.status).toBe(200);
    const komidRows = rows.body.items.filter((r) => r.canonicalId === komid);
    expect(komidRows).toHaveLength(1);
    expect(komidRows[0]!.lists).toEqual(['un-sc', 'us-ofac-sdn']);
    for (const d of [byUn, byCanonical]) {
      expect(d.status).toBe(200);
      expect(d.body.lists).toEqual(['un-sc', 'us-ofac-sdn']);
      expect(d.body.canonical?.listings.map((l) => l.id)).toEqual(['l:un-sc:690735', 'l:us-ofac-sdn:9345']);
    }
    expect(byUn.body.canonicalId).toBe(komid);
    expect(byCanonical.body.id).toBe(komid);
    // Per country: entities across lists beside listings (KP's equal here: the OFAC rows carry no country).
    const kp = countries.body.items.find((r) => r.country === 'KP')!;
    expect(kp.canonicalEntities).toBe((await canonicalCountryCounts(deps)).get('KP'));
    expect(kp.canonicalEntities).toBeLessThanOrEqual(kp.listedEntities);
  });

  it('the META write is conditional on its revision: a stale writer gets a conflict and changes nothing', async () => {
    // Prepare
    const id = (await canonicalOf('l:us-ofac-sdn:9345', deps))!;
    const meta = (await deps.store.getItem(canonicalMetaKey(id)))!;
    // Act
    const stale = await deps.store.writeCanonicals({
      metas: [{ key: canonicalMetaKey(id), item: { ...meta, name: 'stale' }, expectRev: Number(meta.rev) - 1 }],
      counters: [{ key: canonicalOverlapKey('ZZ'), delta: 1 }],
    });
    // A META write alone (no counter) is one conditional write, not a transaction: as conditional.
    const staleAlone = await deps.store.writeCanonicals({
      metas: [{ key: canonicalMetaKey(id), item: { ...meta, name: 'stale' }, expectRev: Number(meta.rev) - 1 }],
      counters: [],
    });
    const staleDelete = await deps.store.writeCanonicals({
      metas: [{ key: canonicalMetaKey(id), expectRev: Number(meta.rev) + 1 }],
      counters: [],
    });
    // Assess
    expect([stale, staleAlone, staleDelete]).toEqual(['conflict', 'conflict', 'conflict']);
    expect((await deps.store.getItem(canonicalMetaKey(id)))?.name).toBe('KOREA MINING DEVELOPMENT TRADING CORPORATION');
    expect(await deps.store.getItem(canonicalOverlapKey('ZZ'))).toBeUndefined();
  });

  it('deleting the UN file takes the UN listings out of their clusters: KOMID is the OFAC entry alone', async () => {
    // Prepare
    const kp = (await canonicalCountryCounts(deps)).get('KP') ?? 0;
    // Act
    await sb.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'sanctions/un/consolidated.xml' }));
    await sb.idle();
    // Assess
    expect(await canonicalOf('l:un-sc:690735', deps)).toBeUndefined();
    const komid = await canonicalDetail('l:us-ofac-sdn:9345', deps);
    expect(komid?.lists).toEqual(['us-ofac-sdn']);
    expect(komid?.listings.map((l) => l.id)).toEqual(['l:us-ofac-sdn:9345']);
    // The UN entities of North Korea are gone; the OFAC rows carry no country.
    expect(kp).toBeGreaterThan(0);
    expect((await canonicalCountryCounts(deps)).get('KP')).toBeUndefined();
  });
});
