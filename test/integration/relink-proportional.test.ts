import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectStateKey, RELINK_MARK_KEY } from '../../shared/domain/keys.ts';
import {
  buildCurrentMatcher,
  makeDynamoClient,
  readStoredCounts,
  recountFromS3,
  TABLE,
  UN_RECORDS,
  unFile,
} from '../helpers/recount.ts';
import { startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

// Issue 17.4 on the sandbox (DynamoDB Local, S3 server, the real handlers): a one-entity change of a list relinks
// only the article objects that name that entity, counted from their stored states, and the counts still equal a
// recount from scratch.

const BUCKET = 'radar-ingest';
const KOMID = '690735'; // Korea Mining Development Trading Corporation, on the UN excerpt
const GHALI = '3012677'; // Iyad Ag Ghali
const KEYS = Array.from({ length: 12 }, (_, i) => `articles/relink/${String(i).padStart(2, '0')}.txt`);
// Our own sample texts: 3 name KOMID, 2 name Iyad Ag Ghali, the rest no listed name.
const textOf = (i: number) =>
  [0, 5, 9].includes(i)
    ? `Report ${i}. A panel said the Korea Mining Development Trading Corporation shipped parts through Syria.`
    : [2, 7].includes(i)
      ? `Report ${i}. In Mali, officials said Iyad Ag Ghali had met envoys in Kidal.`
      : `Report ${i}. Officials in Beijing and Moscow met traders on Monday.`;

let sb: RunningSandbox;
let ddb: DynamoDBClient;
const put = (key: string, body: string) => sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
const get = async (key: { pk: string; sk: string }) =>
  unmarshall(
    (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: marshall(key), ConsistentRead: true }))).Item ?? {},
  );
const indexEtag = async () =>
  (await sb.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'index/names.json.gz' }))).ETag?.replace(/"/g, '');
/** The objects whose stored state says they were linked against the index now current. */
const linkedAgainstCurrent = async () => {
  const etag = await indexEtag();
  const out: string[] = [];
  for (const key of KEYS) if ((await get(objectStateKey(key))).indexEtag === etag) out.push(key);
  return out;
};
const withoutRecords = (...ids: string[]) =>
  UN_RECORDS.filter((r) => !ids.some((id) => r.includes(`<DATAID>${id}</DATAID>`)));
const withoutRecord = (id: string) => withoutRecords(id);
const HAN = '6908614'; // Han Jang Su, on the list with the hyphenated alias "Chang-Su Han"
const QAIDA = '113458'; // AL-QAIDA: one word on the list, two to the matcher ("al qaida")
const BADEGE = '6907993'; // Eric Badege: nationality Democratic Republic of the Congo, address Rwanda
const MORE = ['articles/relink/han.txt', 'articles/relink/qaida.txt', 'articles/relink/none.txt'];
/** Badege's record with his nationality Uganda (CD → UG). */
const moved = (recs: string[]) =>
  recs.map((r) =>
    r.includes(`<DATAID>${BADEGE}</DATAID>`)
      ? r.replace(/(<NATIONALITY>\s*<VALUE>)Democratic Republic of the Congo(<\/VALUE>)/, '$1Uganda$2')
      : r,
  );
const apiGet = async <T>(path: string): Promise<T> => (await (await fetch(`${sb.queryUrl}${path}`)).json()) as T;

describe('proportional relink on the sandbox (issue 17.4)', () => {
  beforeAll(async () => {
    sb = await startSandboxProcess();
    ddb = makeDynamoClient(sb.edgeUrl);
    // Prepare: a list, then the articles (linked at ingest against its index)
    await put('sanctions/un/list.xml', unFile(UN_RECORDS));
    await sb.idle();
    for (const [i, key] of KEYS.entries()) await put(key, textOf(i));
    await sb.idle();
  }, 120_000);
  afterAll(async () => {
    ddb?.destroy();
    await sb?.stop();
  });

  it('one entity removed from the list: only the 3 objects that name it are re-ingested', async () => {
    // Act
    await put('sanctions/un/list.xml', unFile(withoutRecord(KOMID)));
    await sb.idle();
    // Assess: counted from the stored states, and by the pass's own mark
    expect(await linkedAgainstCurrent()).toEqual([KEYS[0], KEYS[5], KEYS[9]]);
    expect(await get(RELINK_MARK_KEY)).toMatchObject({ indexEtag: await indexEtag(), mode: 'changed', objects: 3 });
    expect(await readStoredCounts(ddb)).toEqual(await recountFromS3(sb.s3, await buildCurrentMatcher(ddb)));
  }, 120_000);

  it('one entity changed (another removed, the first back): only the objects naming those two', async () => {
    // Act: KOMID back, Ghali gone: the 3 + 2 objects that name them
    await put('sanctions/un/list.xml', unFile(withoutRecord(GHALI)));
    await sb.idle();
    // Assess
    expect(await linkedAgainstCurrent()).toEqual([KEYS[0], KEYS[2], KEYS[5], KEYS[7], KEYS[9]]);
    expect(await get(RELINK_MARK_KEY)).toMatchObject({ mode: 'changed', objects: 5 });
    const listed = Object.keys(await readStoredCounts(ddb)).filter((c) => c.startsWith('listed|'));
    expect(listed).toContain(`listed|un-sc|${KOMID}`);
    expect(listed).not.toContain(`listed|un-sc|${GHALI}`);
    expect(await readStoredCounts(ddb)).toEqual(await recountFromS3(sb.s3, await buildCurrentMatcher(ddb)));
  }, 120_000);

  it('names by a hyphenated alias and a hyphenated one-word list name: still in proportion, never a full pass', async () => {
    // Prepare: one object names Han Jang Su by his alias only, one names AL-QAIDA, one neither
    await put(MORE[0]!, 'Report 12. Envoys said Chang-Su Han had met buyers in Beijing.');
    await put(MORE[1]!, 'Report 13. A court said Al-Qaida had claimed the attack in Mali.');
    await put(MORE[2]!, 'Report 14. Officials in Beijing and Moscow met traders on Monday.');
    await sb.idle();
    const listed = Object.keys(await readStoredCounts(ddb));
    expect(listed).toEqual(expect.arrayContaining([`listed|un-sc|${HAN}`, `listed|un-sc|${QAIDA}`]));
    // Act: both removed (Ghali stays out)
    await put('sanctions/un/list.xml', unFile(withoutRecords(GHALI, HAN, QAIDA)));
    await sb.idle();
    // Assess: the two objects naming them, by the proportional pass, and counts as a recount from scratch
    const etag = await indexEtag();
    const relinked: string[] = [];
    for (const key of [...KEYS, ...MORE]) if ((await get(objectStateKey(key))).indexEtag === etag) relinked.push(key);
    expect(relinked).toEqual([MORE[0], MORE[1]]);
    expect(await get(RELINK_MARK_KEY)).toMatchObject({ mode: 'changed', objects: 2, relinked: 2 });
    expect(await readStoredCounts(ddb)).toEqual(await recountFromS3(sb.s3, await buildCurrentMatcher(ddb)));
  }, 120_000);

  it('a new version moves an entity to another country: every view agrees (issue 17.3)', async () => {
    // Prepare: Eric Badege in the news, filed under CD and RW
    const id = `l:un-sc:${BADEGE}`;
    await put(
      'articles/relink/badege.json',
      JSON.stringify({
        title: 'Border',
        publishedAt: '2026-03-02',
        content: 'Officials in Goma said Eric Badege had crossed the border.',
      }),
    );
    await sb.idle();
    type Entities = { items: { id: string; countries: string[] }[] };
    type Countries = { items: { country: string; listedEntitiesInNews: number }[] };
    const inCountry = async (cc: string) =>
      (await apiGet<Entities>(`/counts/entities?country=${cc}&limit=100`)).items.some((e) => e.id === id);
    const inNews = async (cc: string) =>
      (await apiGet<Countries>('/counts/countries?limit=300')).items.find((c) => c.country === cc)
        ?.listedEntitiesInNews ?? 0;
    expect(await inCountry('CD')).toBe(true);
    const cdBefore = await inNews('CD');
    const ugBefore = await inNews('UG');
    // Act: the same list with his nationality Uganda; no article's links count moves
    await put('sanctions/un/list.xml', unFile(moved(withoutRecords(GHALI, HAN, QAIDA))));
    await sb.idle();
    // Assess: the entity page, the country filters, the entity listings and the listed-in-news counts agree
    const page = await apiGet<{ countries: { code: string }[] }>(`/entities/${encodeURIComponent(id)}`);
    expect(page.countries.map((c) => c.code).sort()).toEqual(['RW', 'UG']);
    expect(await inCountry('CD')).toBe(false);
    expect(await inCountry('UG')).toBe(true);
    const all = await apiGet<Entities>('/counts/entities?listed=true&limit=100');
    expect(all.items.find((e) => e.id === id)?.countries).toEqual(['RW', 'UG']);
    expect(await inNews('CD')).toBe(cdBefore - 1);
    expect(await inNews('UG')).toBe(ugBefore + 1);
    expect(await readStoredCounts(ddb)).toEqual(await recountFromS3(sb.s3, await buildCurrentMatcher(ddb)));
  }, 120_000);
});
