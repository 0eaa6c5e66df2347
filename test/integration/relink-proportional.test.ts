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
const withoutRecord = (id: string) => UN_RECORDS.filter((r) => !r.includes(`<DATAID>${id}</DATAID>`));

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
});
