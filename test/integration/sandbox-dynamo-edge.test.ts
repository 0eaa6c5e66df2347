import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HotKeyReport } from '../../infra/sandbox/dynamo-capacity.ts';
import { SANDBOX_AUTH, sandboxControl, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

/*
 * What the sandbox edge adds to DynamoDB Local so that a design meets in the sandbox what it would meet on AWS:
 * transaction conflicts (DynamoDB Local serialises and never conflicts), units per partition per second (it never
 * throttles), and the Streams API on the edge port. Driven with the real SDK.
 */

let sb: RunningSandbox;
let ddb: DynamoDBClient;
const TABLE = 'radar';
const key = (pk: string, sk = 'v') => ({ pk: { S: pk }, sk: { S: sk } });
const bump = (pk: string) => ({
  Update: {
    TableName: TABLE,
    Key: key(pk),
    UpdateExpression: 'ADD n :one',
    ExpressionAttributeValues: { ':one': { N: '1' } },
  },
});

beforeAll(async () => {
  sb = await startSandboxProcess();
  ddb = new DynamoDBClient({
    endpoint: sb.edgeUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
    maxAttempts: 1, // see each conflict, not the SDK's retry of it
  });
}, 120_000);
afterAll(async () => {
  ddb?.destroy();
  await sb?.stop();
});

const hotKeys = async (): Promise<HotKeyReport> =>
  (await (await fetch(`${sb.edgeUrl}/_sandbox/hot-keys?limit=50`)).json()) as HotKeyReport;

describe('sandbox edge: DynamoDB as AWS would answer', () => {
  it('a transaction touching an item another in-flight transaction holds is cancelled with TransactionConflict', async () => {
    // Prepare: transactions hold their items 400 ms (AWS's are slower than DynamoDB Local's; this makes the overlap sure)
    await sandboxControl(sb.edgeUrl, '/_sandbox/faults', { transactionDelayMs: 400 });
    try {
      // Act
      const first = ddb.send(new TransactWriteItemsCommand({ TransactItems: [bump('TX#a'), bump('TX#b')] }));
      await new Promise((r) => setTimeout(r, 100));
      const second = ddb.send(new TransactWriteItemsCommand({ TransactItems: [bump('TX#c'), bump('TX#b')] })).then(
        () => undefined,
        (e: unknown) => e,
      );
      const plain = ddb.send(new PutItemCommand({ TableName: TABLE, Item: key('TX#a') })).then(
        () => undefined,
        (e: unknown) => e,
      );
      const read = ddb
        .send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: TABLE, Key: key('TX#a') } }] }))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      await first;
      const [err, plainErr, readErr] = await Promise.all([second, plain, read]);

      // Assess: the SDK's own exception, with the reasons in request order
      expect(err).toBeInstanceOf(TransactionCanceledException);
      expect((err as TransactionCanceledException).CancellationReasons).toEqual([
        { Code: 'None' },
        { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
      ]);
      expect((err as Error).message).toMatch(/\[None, TransactionConflict\]/);
      expect(plainErr).toMatchObject({ name: 'TransactionConflictException' });
      expect(readErr).toBeInstanceOf(TransactionCanceledException);
      // Only the first transaction wrote
      const b = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: key('TX#b'), ConsistentRead: true }));
      const c = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: key('TX#c'), ConsistentRead: true }));
      expect(b.Item?.n?.N).toBe('1');
      expect(c.Item).toBeUndefined();
    } finally {
      await sandboxControl(sb.edgeUrl, '/_sandbox/faults', { transactionDelayMs: 0 });
    }
  });

  it('25 concurrent transactions on one item: some conflict, and the item counts exactly the ones that did not', async () => {
    // Act (no added delay: the edge's own window, as DynamoDB Local answers)
    const outcomes = await Promise.all(
      Array.from({ length: 25 }, () =>
        ddb.send(new TransactWriteItemsCommand({ TransactItems: [bump('TX#hot')] })).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      ),
    );

    // Assess
    const ok = outcomes.filter((o) => o === 'ok').length;
    expect(outcomes.filter((o) => o !== 'ok').every((o) => o === 'TransactionCanceledException')).toBe(true);
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(25);
    const item = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: key('TX#hot'), ConsistentRead: true }));
    expect(Number(item.Item?.n?.N)).toBe(ok);
  });

  it('counts write and read units per partition key (×2 in transactions, GSI partitions too); none would throttle here', async () => {
    // Prepare
    await sandboxControl(sb.edgeUrl, '/_sandbox/hot-keys');
    const big = 'x'.repeat(5 * 1024 - 40); // ~5 KB: 5 write units, 2 read units (strongly consistent)

    // Act: 10 puts of ~5 KB on one partition, one update, one transaction, a query of them all
    for (let i = 0; i < 10; i++)
      await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('HOT#one', `s${i}`), big: { S: big } } }));
    await ddb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: key('HOT#one', 'u'),
        UpdateExpression: 'SET gsi1pk = :g, gsi1sk = :s',
        ExpressionAttributeValues: { ':g': { S: 'IDX#one' }, ':s': { S: '1' } },
      }),
    );
    await ddb.send(new TransactWriteItemsCommand({ TransactItems: [bump('HOT#two')] }));
    const q = await ddb.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: 'HOT#one' } },
        ConsistentRead: true,
      }),
    );
    await ddb.send(new GetItemCommand({ TableName: TABLE, Key: key('HOT#one', 's0') }));

    // Assess
    expect(q.Count).toBe(11);
    const r = await hotKeys();
    const one = r.hottestWrites.find((k) => k.partition === 'radar HOT#one');
    expect(one?.totalWrites).toBe(10 * 5 + 1);
    expect(r.hottestWrites.find((k) => k.partition === 'radar/gsi1 IDX#one')?.totalWrites).toBe(1);
    expect(r.hottestWrites.find((k) => k.partition === 'radar HOT#two')?.totalWrites).toBe(2); // ×2 in a transaction
    // The query reads ~50 KB: 13 units of 4 KB; the eventually consistent get of one 5 KB item: 1 (2 halved)
    expect(one?.totalReads).toBe(13 + 1);
    expect(r.wouldThrottle).toEqual([]);
    const status = (await (await fetch(`${sb.edgeUrl}/_sandbox/status`)).json()) as { hotKeys: HotKeyReport };
    expect(status.hotKeys.hottestWrites.length).toBeGreaterThan(0);
  });

  it("charges an update on the stored item's size and on the indexes it changes, as AWS bills it, and answers as the client asked", async () => {
    // Prepare: a 4 KB item in the index; the update sends a few bytes
    const big = 'z'.repeat(4 * 1024 - 100);
    await ddb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { ...key('HOT#size'), gsi1pk: { S: 'IDX#size' }, gsi1sk: { S: '1' }, big: { S: big } },
      }),
    );
    await sandboxControl(sb.edgeUrl, '/_sandbox/hot-keys');

    // Act
    const plain = await ddb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: key('HOT#size'),
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    const total = await ddb.send(
      new TransactWriteItemsCommand({ TransactItems: [bump('HOT#size')], ReturnConsumedCapacity: 'TOTAL' }),
    );

    // Assess: 4 units for the item and 4 for its index entry, twice in the transaction (the body alone says 1)
    const r = await hotKeys();
    expect(r.hottestWrites.find((k) => k.partition === 'radar HOT#size')?.totalWrites).toBe(4 + 8);
    expect(r.hottestWrites.find((k) => k.partition === 'radar/gsi1 (key not in request)')?.totalWrites).toBe(4 + 8);
    expect(plain.ConsumedCapacity).toBeUndefined();
    expect(total.ConsumedCapacity).toEqual([{ TableName: TABLE, CapacityUnits: 8 + 8 }]);
  });

  it('a partition written at more than 1,000 units a second is reported as would-throttle', async () => {
    // Prepare
    await sandboxControl(sb.edgeUrl, '/_sandbox/hot-keys');
    const big = 'y'.repeat(5 * 1024 - 40);
    const batch = (b: number) =>
      new BatchWriteItemCommand({
        RequestItems: {
          [TABLE]: Array.from({ length: 25 }, (_, i) => ({
            PutRequest: { Item: { ...key('HOT#funnel', `b${b}-${i}`), big: { S: big } } },
          })),
        },
      });

    // Act: 24 batches of 25 × 5 KB = 3,000 units, as fast as DynamoDB Local takes them
    await Promise.all(Array.from({ length: 24 }, (_, b) => ddb.send(batch(b))));

    // Assess
    const r = await hotKeys();
    const hot = r.wouldThrottle.find((k) => k.partition === 'radar HOT#funnel');
    expect(hot?.reason).toMatch(/would throttle on AWS: \d+ write units\/s > 1000/);
    expect(hot?.totalWrites).toBe(3000);
  });

  it('forwards the DynamoDB Streams API, and the status shows the stream consumer', async () => {
    // Act
    const res = await fetch(sb.edgeUrl, {
      method: 'POST',
      headers: {
        ...SANDBOX_AUTH,
        'x-amz-target': 'DynamoDBStreams_20120810.ListStreams',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: JSON.stringify({ TableName: TABLE }),
    });
    await sb.idle();
    const status = (await (await fetch(`${sb.edgeUrl}/_sandbox/status`)).json()) as {
      streams: { name: string; pending: number; delivered: number; filtered: number; streamArn: string }[];
    };

    // Assess
    expect(res.status).toBe(200);
    const streams = ((await res.json()) as { Streams: { StreamArn: string }[] }).Streams;
    expect(streams.map((s) => s.StreamArn)).toContain(status.streams[0]?.streamArn);
    expect(status.streams[0]).toMatchObject({ name: 'aggregate-counts', pending: 0 });
    // Every write above went through the stream before idle answered; none is a contribution part, so the event
    // source's filter (STREAM_CONSUMER.filter) dropped them all rather than invoke the aggregator
    expect(status.streams[0]!.filtered).toBeGreaterThan(600);
    expect(status.streams[0]!.delivered).toBe(0);
  });
});
