import { BatchWriteItemCommand, DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadTotals } from '../../infra/sandbox/dynamo-capacity.ts';
import { sandboxControl, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

/*
 * Items read per request (issue 17.2, 17.6): the edge keeps totals of what DynamoDB reads returned, so a benchmark that
 * sends one request at a time learns what each request read. Driven with the real SDK against DynamoDB Local.
 */

let sb: RunningSandbox;
let ddb: DynamoDBClient;
const TABLE = 'radar';

beforeAll(async () => {
  sb = await startSandboxProcess();
  ddb = new DynamoDBClient({
    endpoint: sb.edgeUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
  });
}, 120_000);
afterAll(async () => {
  ddb?.destroy();
  await sb?.stop();
});

const totals = async (): Promise<ReadTotals> =>
  (await (await fetch(`${sb.edgeUrl}/_sandbox/reads`)).json()) as ReadTotals;

describe('sandbox edge: items read per DynamoDB read', () => {
  it('counts what a query read before its filter, what it returned, and gets that hit or missed', async () => {
    // Prepare: 30 items under one partition key, 5 of them flagged.
    const items = Array.from({ length: 30 }, (_, i) => ({
      PutRequest: {
        Item: { pk: { S: 'READS#q' }, sk: { S: `i${String(i).padStart(2, '0')}` }, flag: { BOOL: i % 6 === 0 } },
      },
    }));
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: items.slice(0, 25) } }));
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: items.slice(25) } }));
    await sandboxControl(sb.edgeUrl, '/_sandbox/reads');
    const before = await totals();

    // Act
    await ddb.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p',
        FilterExpression: 'flag = :t',
        ExpressionAttributeValues: { ':p': { S: 'READS#q' }, ':t': { BOOL: true } },
      }),
    );
    await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'READS#q' }, sk: { S: 'i00' } } }));
    await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'READS#q' }, sk: { S: 'absent' } } }));
    const after = await totals();

    // Assess
    expect(before).toMatchObject({ calls: 0, itemsRead: 0 });
    expect(after).toMatchObject({
      calls: 3,
      byOperation: { Query: 1, GetItem: 2 },
      itemsRead: 30 + 1,
      itemsReturned: 5 + 1,
      scans: 0,
    });
    expect(after.readUnits).toBeGreaterThan(0);
  });

  it('shows the totals and the hottest partitions in /_sandbox/status', async () => {
    const status = (await (await fetch(`${sb.edgeUrl}/_sandbox/status`)).json()) as {
      reads?: ReadTotals;
      hotKeys?: { hottestWrites: { partition: string }[]; totals: { writeUnits: number } };
    };
    expect(status.reads?.calls).toBeGreaterThanOrEqual(3);
    expect(status.hotKeys?.hottestWrites.some((k) => k.partition === 'radar READS#q')).toBe(true);
    expect(status.hotKeys?.totals.writeUnits).toBeGreaterThan(0);
  });
});
