import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/sandbox/dynamodb-local.ts';
import { StreamPoller, localStreamsApi, type StreamHandler } from '../../infra/sandbox/stream-poller.ts';

/*
 * The sandbox's DynamoDB stream event source (stream-poller.ts) against a real DynamoDB Local, with test handlers
 * (not the aggregator): what Lambda's event source mapping promises a stream consumer, the poller must keep.
 */

let local: DynamoDbLocal;
let ddb: DynamoDBClient;
let endpoint: string;
let tableNo = 0;
const dirs: string[] = [];

beforeAll(async () => {
  local = await startDynamoDbLocal(undefined);
  endpoint = `http://127.0.0.1:${local.port}`;
  ddb = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  ddb?.destroy();
  await local?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function streamTable(): Promise<{ table: string; streamArn: string }> {
  const table = `stream-test-${++tableNo}`;
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  const d = await ddb.send(new DescribeTableCommand({ TableName: table }));
  return { table, streamArn: d.Table!.LatestStreamArn! };
}

/** Sets item `key`'s n to 1, 2, … `count` in turn (one stream record each, in that order). */
async function bump(table: string, key: string, count: number): Promise<void> {
  for (let n = 1; n <= count; n++)
    await ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: key }, sk: { S: 'v' } },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': { N: String(n) } },
      }),
    );
}

function poller(
  streamArn: string,
  handler: StreamHandler,
  extra: { stateFile?: string; maxRetryAttempts?: number; filter?: { keyAttribute: string; prefix: string } } = {},
) {
  return new StreamPoller({
    name: 'test-consumer',
    streamArn,
    region: 'us-east-1',
    api: localStreamsApi(endpoint, 'us-east-1'),
    handler,
    batchSize: 5,
    maxBatchingWindowMs: 50,
    maxRetryAttempts: extra.maxRetryAttempts ?? 3,
    functionTimeoutMs: 10_000,
    pollIntervalMs: 50,
    ...(extra.stateFile ? { stateFile: extra.stateFile } : {}),
    ...(extra.filter ? { filter: extra.filter } : {}),
  });
}

const nOf = (r: DynamoDBRecord) => Number(r.dynamodb?.NewImage?.n?.N);
const keyOf = (r: DynamoDBRecord) => String(r.dynamodb?.Keys?.pk?.S);
const seqOf = (r: DynamoDBRecord) => String(r.dynamodb?.SequenceNumber);

describe('sandbox stream poller (the DynamoDB stream event source)', () => {
  it("delivers each key's changes in order, in batches, shaped as Lambda's DynamoDB stream records", async () => {
    // Prepare
    const { table, streamArn } = await streamTable();
    const seen: DynamoDBRecord[] = [];
    const sizes: number[] = [];
    const p = poller(streamArn, async (e) => {
      sizes.push(e.Records.length);
      seen.push(...e.Records);
      return { batchItemFailures: [] };
    });
    p.start();

    // Act
    await Promise.all([bump(table, 'a', 12), bump(table, 'b', 12)]);
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'c' }, sk: { S: 'v' }, n: { N: '1' } } }));
    await p.whenCaughtUp();
    await p.stop();

    // Assess
    expect(seen).toHaveLength(25);
    for (const k of ['a', 'b'])
      expect(seen.filter((r) => keyOf(r) === k).map(nOf)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
    const modify = seen.find((r) => keyOf(r) === 'a' && nOf(r) === 2)!;
    expect(modify).toMatchObject({
      eventName: 'MODIFY',
      eventSource: 'aws:dynamodb',
      eventVersion: expect.any(String),
      awsRegion: 'us-east-1',
      eventSourceARN: streamArn,
      eventID: expect.any(String),
      dynamodb: {
        Keys: { pk: { S: 'a' }, sk: { S: 'v' } },
        NewImage: { n: { N: '2' } },
        OldImage: { n: { N: '1' } },
        SequenceNumber: expect.any(String),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        ApproximateCreationDateTime: expect.any(Number),
      },
    });
    expect(seen.find((r) => keyOf(r) === 'c')?.eventName).toBe('INSERT');
    expect(p.stats()).toMatchObject({ pending: 0, inFlight: 0, delivered: 25, deadLetters: 0 });
  });

  it('a reported itemIdentifier acknowledges the records before it and redelivers from it', async () => {
    // Prepare
    const { table, streamArn } = await streamTable();
    await bump(table, 'a', 5);
    const deliveries: number[][] = [];
    let failed = false;
    const p = poller(streamArn, async (e): Promise<DynamoDBBatchResponse> => {
      deliveries.push(e.Records.map(nOf));
      const third = e.Records.find((r) => nOf(r) === 3);
      if (!failed && third) {
        failed = true;
        return { batchItemFailures: [{ itemIdentifier: seqOf(third) }] };
      }
      return { batchItemFailures: [] };
    });

    // Act
    p.start();
    await p.whenCaughtUp();
    await p.stop();

    // Assess: 1 and 2 once; 3, 4, 5 again from 3
    expect(deliveries[0]).toEqual([1, 2, 3, 4, 5]);
    expect(deliveries.slice(1).flat()).toEqual([3, 4, 5]);
    expect(p.stats()).toMatchObject({ delivered: 5, retries: 1, deadLetters: 0 });
  });

  it('a throw redelivers the whole batch; after maxRetryAttempts it goes to the dead letters and the shard goes on', async () => {
    // Prepare
    const { table, streamArn } = await streamTable();
    await bump(table, 'poison', 2);
    const deliveries: number[][] = [];
    const p = poller(
      streamArn,
      async (e) => {
        deliveries.push(e.Records.map(nOf));
        if (e.Records.some((r) => keyOf(r) === 'poison')) throw new Error('cannot handle poison');
        return { batchItemFailures: [] };
      },
      { maxRetryAttempts: 2 },
    );
    p.start();
    await p.whenCaughtUp();

    // Act: a later record still arrives
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'ok' }, sk: { S: 'v' }, n: { N: '9' } } }));
    await p.whenCaughtUp();
    await p.stop();

    // Assess: first delivery + 2 retries of the whole batch, then the dead letter; then the next record
    expect(deliveries.slice(0, 3)).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(deliveries.slice(3)).toEqual([[9]]);
    expect(p.deadLetters).toHaveLength(1);
    expect(p.deadLetters[0]).toMatchObject({ records: 2, reason: 'cannot handle poison' });
  });

  it('a restart resumes after the last acknowledged record: nothing lost, nothing acknowledged delivered twice', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'radar-poller-'));
    dirs.push(dir);
    const stateFile = join(dir, 'stream.json');
    const { table, streamArn } = await streamTable();
    await bump(table, 'a', 7);
    const first: number[] = [];
    const p1 = poller(
      streamArn,
      async (e) => {
        first.push(...e.Records.map(nOf));
        return { batchItemFailures: [] };
      },
      { stateFile },
    );
    p1.start();
    await p1.whenCaughtUp();
    await p1.stop();

    // Act: more changes while stopped, then a new poller on the same state file
    await bump(table, 'b', 4);
    const second: DynamoDBRecord[] = [];
    const p2 = poller(
      streamArn,
      async (e) => {
        second.push(...e.Records);
        return { batchItemFailures: [] };
      },
      { stateFile },
    );
    p2.start();
    await p2.whenCaughtUp();
    await p2.stop();

    // Assess
    expect(first).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(second.map((r) => `${keyOf(r)}${nOf(r)}`)).toEqual(['b1', 'b2', 'b3', 'b4']);
  });

  it('a filter (as Lambda event filtering) hands over only matching records, in order; the position moves past the rest', async () => {
    // Prepare: keys `part-a` and `other` changed in turn (each write a new value: one record), the last ones `other`
    const dir = mkdtempSync(join(tmpdir(), 'radar-poller-'));
    dirs.push(dir);
    const stateFile = join(dir, 'stream.json');
    const { table, streamArn } = await streamTable();
    const set = (key: string, n: number) =>
      ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: key }, sk: { S: 'v' }, n: { N: String(n) } } }));
    for (let i = 1; i <= 3; i++) {
      await set('part-a', i);
      await set('other', i);
      await set('other', 10 + i);
    }
    await set('other', 99);
    const got: DynamoDBRecord[] = [];
    let batches = 0;
    const filter = { keyAttribute: 'pk', prefix: 'part-' };
    const handler: StreamHandler = async (e) => {
      batches++;
      got.push(...e.Records);
      return { batchItemFailures: [] };
    };
    // Act
    const p1 = poller(streamArn, handler, { stateFile, filter });
    p1.start();
    await p1.whenCaughtUp();
    const stats = p1.stats();
    await p1.stop();
    const afterRestart: DynamoDBRecord[] = [];
    const p2 = poller(
      streamArn,
      async (e) => {
        afterRestart.push(...e.Records);
        return { batchItemFailures: [] };
      },
      { stateFile },
    );
    p2.start();
    await p2.whenCaughtUp();
    await p2.stop();
    // Assess
    expect(got.map((r) => `${keyOf(r)}${nOf(r)}`)).toEqual(['part-a1', 'part-a2', 'part-a3']);
    expect(stats.delivered).toBe(3);
    expect(stats.filtered).toBe(7);
    expect(batches).toBeGreaterThan(0);
    // Unfiltered, the next poller starts after the last record read (the filtered tail included), not before it.
    expect(afterRestart).toEqual([]);
  });

  it('an event is what the Lambda types say (DynamoDBStreamEvent with Records)', async () => {
    // Prepare
    const { table, streamArn } = await streamTable();
    let event: DynamoDBStreamEvent | undefined;
    const p = poller(streamArn, async (e) => {
      event ??= e;
      return { batchItemFailures: [] };
    });
    p.start();

    // Act
    await bump(table, 'x', 1);
    await p.whenCaughtUp();
    await p.stop();

    // Assess
    expect(Object.keys(event!)).toEqual(['Records']);
  });
});
