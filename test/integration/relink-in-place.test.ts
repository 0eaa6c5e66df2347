import { type DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectPartition, objectStateKey } from '../../shared/domain/keys.ts';
import {
  buildCurrentMatcher,
  makeDynamoClient,
  readStoredCounts,
  recountFromS3,
  TABLE,
  UN_RECORDS,
  unFile,
} from '../helpers/recount.ts';
import { type RunningSandbox, startSandboxProcess } from '../helpers/sandbox.ts';

// Issue 17.4 on the sandbox (DynamoDB Local and its stream, the S3 server, the real handlers): a list change relinks
// an unchanged object in place, through adjustment parts with negative amounts in the table's stream images, and the
// counts, the object's parts and its ingest status stay exact.

const BUCKET = 'radar-ingest';
const KOMID = '690735'; // Korea Mining Development Trading Corporation, on the UN excerpt
const GHALI = '3012677'; // Iyad Ag Ghali
const KEY = 'articles/in-place/batch.ndjson';
// Our own sample texts: two name KOMID, one Iyad Ag Ghali, one no listed name.
const LINES = [
  'A panel said the Korea Mining Development Trading Corporation shipped parts through Syria.',
  'In Mali, officials said Iyad Ag Ghali had met envoys in Kidal.',
  'Officials in Beijing and Moscow met traders on Monday.',
  'Customs records show the Korea Mining Development Trading Corporation paid a broker in Dalian.',
];
const batch = (variant: number) =>
  `${LINES.map((text, i) => JSON.stringify({ title: `Note ${i}.${variant}`, published: `2025-05-0${i + 1}`, text })).join('\n')}\n`;

let sb: RunningSandbox;
let ddb: DynamoDBClient;
const put = (key: string, body: string) => sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
const state = async () =>
  unmarshall(
    (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: marshall(objectStateKey(KEY)), ConsistentRead: true })))
      .Item ?? {},
  );
/** The object's parts as stored: generation of each. */
const parts = async () =>
  (
    await ddb.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: marshall({ ':p': objectPartition(KEY), ':s': 'PART#' }),
        ConsistentRead: true,
      }),
    )
  ).Items!.map((i) => String(unmarshall(i).gen));
const exact = async () =>
  expect(await readStoredCounts(ddb)).toEqual(await recountFromS3(sb.s3, await buildCurrentMatcher(ddb)));
const without = (...ids: string[]) => UN_RECORDS.filter((r) => !ids.some((id) => r.includes(`<DATAID>${id}</DATAID>`)));
const ingest = async () => (await (await fetch(`${sb.queryUrl}/ingests/${encodeURIComponent(KEY)}`)).json()) as never;

describe('relink in place on the sandbox (issue 17.4)', () => {
  beforeAll(async () => {
    sb = await startSandboxProcess();
    ddb = makeDynamoClient(sb.edgeUrl);
    await put('sanctions/un/list.xml', unFile(UN_RECORDS));
    await sb.idle();
    await put(KEY, batch(0));
    await sb.idle();
  }, 120_000);
  afterAll(async () => {
    ddb?.destroy();
    await sb?.stop();
  });

  it('entities removed and put back: the same generation, one adjustment each, counts exact; then an overwrite', async () => {
    // Prepare
    const first = await state();
    await exact();
    // Act: KOMID removed (its two articles lose their link), then KOMID back and Ghali removed
    await put('sanctions/un/list.xml', unFile(without(KOMID)));
    await sb.idle();
    const afterRemove = await state();
    await exact();
    await put('sanctions/un/list.xml', unFile(without(GHALI)));
    await sb.idle();
    const afterSwap = await state();
    // Assess: adjusted in place both times, every part of the one generation, and the upload done
    expect(afterRemove).toMatchObject({ gen: first.gen, parts: first.parts + 1, adjustments: 1, complete: true });
    expect(afterSwap).toMatchObject({ gen: first.gen, parts: first.parts + 2, adjustments: 2, complete: true });
    expect(await parts()).toEqual(Array(first.parts + 2).fill(first.gen));
    await exact();
    expect(await ingest()).toMatchObject({ status: 'done', gen: first.gen, parts: first.parts + 2 });

    // Act: the object overwritten
    await put(KEY, batch(1));
    await sb.idle();
    // Assess: a fresh generation, nothing of the adjusted one left
    const now = await state();
    expect(now.gen).not.toBe(first.gen);
    expect(now.adjustments).toBeUndefined();
    expect(await parts()).toEqual(Array(now.parts).fill(now.gen));
    await exact();
    expect(await ingest()).toMatchObject({ status: 'done', gen: now.gen });
  }, 240_000);
});
