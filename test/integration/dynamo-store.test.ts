import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../infra/sandbox/dynamodb-local.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { toStreamChange } from '../../shared/adapters/dynamo-stream.ts';
import { contributionParts, ledgerCaughtUp, planAggregation, rowMovesOf } from '../../shared/domain/contribution.ts';
import { objectPartition, rowShardOf } from '../../shared/domain/keys.ts';
import type { IngestStatus } from '../../shared/domain/stored.ts';
import { aggregateStreamBatch } from '../../shared/ingest/aggregate.ts';
import { TABLE_NAME } from '../../shared/resources.ts';
import { makeStreamPoller } from '../helpers/stream-poller.ts';
import { tableInput } from '../helpers/table.ts';

// The DynamoDB adapter of the ports against DynamoDB Local (AWS's own emulator): conditions, transactions, the
// table's stream, key limits. The use cases' logic is tested in memory (test/unit/counts); this is what DynamoDB does.

let dynamo: DynamoDbLocal;
let ddb: DynamoDBClient;
let store: ReturnType<typeof makeDynamoStore>;
let streamArn: string;
const url = () => `http://127.0.0.1:${dynamo.port}`;

describe('the DynamoDB store against DynamoDB Local', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    dynamo = await startDynamoDbLocal(undefined);
    ddb = new DynamoDBClient({
      endpoint: url(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    // The table as resources.ts defines it, every index included (the sandbox and the stack build the same).
    const t = await ddb.send(new CreateTableCommand(tableInput(TABLE_NAME)));
    streamArn = t.TableDescription!.LatestStreamArn!;
    store = makeDynamoStore(DynamoDBDocumentClient.from(ddb), TABLE_NAME);
  });
  afterAll(async () => {
    ddb?.destroy();
    await dynamo?.stop();
  });

  it('pages ingests newest first over the sharded index, every status once, for keys up to 1,024 bytes', async () => {
    // Prepare: 40 statuses, one of them with a key of 1,024 bytes (S3's limit)
    const long = `articles/${'k'.repeat(1024 - 'articles/'.length)}`;
    const keys = [...Array.from({ length: 39 }, (_, i) => `articles/${i}.txt`), long];
    for (const [i, key] of keys.entries())
      await store.putIngestStatus({
        key,
        status: 'done',
        records: { read: 1, written: 1, rejected: 0 },
        updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      } satisfies IngestStatus);
    // Act
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await store.listIngests(7, after);
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((s) => s.key));
      after = page.last;
      pages++;
    } while (after && pages < 20);
    // Assess
    expect(seen).toEqual([...keys].reverse());
    expect((await store.getIngestStatus(long))?.key).toBe(long);
  });

  it('reads a page of ingests with a number of items bounded by the limit, at 50 and at 500 ingests', async () => {
    // Prepare: a store whose client counts the items each Query read (ScannedCount, as DynamoDB bills them)
    let scanned = 0;
    const doc = DynamoDBDocumentClient.from(ddb);
    const counting = {
      send: async (cmd: Parameters<typeof doc.send>[0]) => {
        const r = (await doc.send(cmd as never)) as { ScannedCount?: number };
        scanned += r.ScannedCount ?? 0;
        return r;
      },
    } as unknown as DynamoDBDocumentClient;
    const measured = makeDynamoStore(counting, TABLE_NAME);
    const readsAt = async (total: number) => {
      for (let i = 0; i < total; i++)
        await store.putIngestStatus({
          key: `articles/size-${total}/${i}.txt`,
          status: 'done',
          records: { read: 1, written: 1, rejected: 0 },
          updatedAt: new Date(Date.UTC(2027, 0, 1, 0, 0, 0, i)).toISOString(),
        });
      scanned = 0;
      const first = await measured.listIngests(10);
      await measured.listIngests(10, first.last);
      return scanned;
    };
    // Act
    const small = await readsAt(50);
    const large = await readsAt(450); // 500 ingests of this test and 40 of the one before
    // Assess: two pages of 10 read at most 8 shards × 10 items each, whatever the number stored
    expect(small).toBeLessThanOrEqual(2 * 8 * 10);
    expect(large).toBeLessThanOrEqual(2 * 8 * 10);
  });

  it('applies a chunk once: the same chunk again is refused by its checkpoint and moves nothing', async () => {
    // Prepare
    const [chunk] = planAggregation([
      {
        seq: `${'0'.repeat(39)}5`,
        id: '5',
        object: 'OBJ#test',
        newImage: { gen: 'g', cells: { 'country|CN': [1, 2], 'entity|person:x': [1, 1] }, info: {} },
      },
    ]);
    // Act: its rows first, as the aggregator writes them (beside the transaction), then the chunk twice
    await store.writeEntityRows(rowMovesOf([chunk!]));
    const first = await store.applyChunk(chunk!);
    const again = await store.applyChunk(chunk!);
    // Assess
    expect([first, again]).toEqual(['applied', 'conflict']);
    expect(await store.readCounter('country|CN')).toMatchObject({ articles: 1, mentions: 2 });
    expect(await store.readCounter('entity|person:x')).toMatchObject({ articles: 1, mentions: 1 });
    const part = `ER#type:person#${rowShardOf('m:person:x')}`;
    const rows = await store.queryEntityRows(part, 'mentions', true, 10);
    expect(rows.items.map((r) => r.item)).toMatchObject([{ id: 'm:person:x', articles: 1, mentions: 1 }]);
    // A count order's lower bound (the ascending range read's `atLeast`) is a key condition on the index
    const from = (n: number) => store.queryEntityRows(part, 'articles', false, 10, undefined, undefined, n);
    expect((await from(1)).items).toHaveLength(1);
    expect((await from(2)).items).toEqual([]);
    expect((await store.readLedgers(['OBJ#test'])).get('OBJ#test')).toEqual({
      seq: `${'0'.repeat(39)}5~`, // the change applied whole (a split one names its cell: `<seq>#<n>`)
      net: 1,
      byGen: { g: 1 },
    });
  });

  it('parts written and removed reach the counters through the real stream, exactly once under redelivery', async () => {
    // Prepare
    const key = 'articles/stream test.ndjson';
    const cells = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`entityd|2025-01-01#person:p${i}`, { articles: 1, mentions: 2 }]),
    );
    const parts = contributionParts({ ...cells, 'country|RU': { articles: 3, mentions: 7 } }, ['a1', 'a2']);
    const poller = makeStreamPoller(
      url(),
      streamArn,
      async (e) => {
        const r = await aggregateStreamBatch(e.Records.map(toStreamChange), store);
        return { batchItemFailures: r.failedAt ? [{ itemIdentifier: r.failedAt }] : [] };
      },
      { batchSize: 2, redeliver: 1, duplicate: 0.5 },
    );
    // Act
    await store.writeParts(key, 'gen1', parts);
    await store.writeParts(key, 'gen1', parts); // a retry writes the same parts again (MODIFY, equal images)
    await poller.drain();
    const counted = await store.readCounter('country|RU');
    const ledger = (await store.readLedgersOf([key])).get(key);
    await store.deleteParts(await store.readParts(key));
    await poller.drain();
    // Assess
    expect(parts).toHaveLength(3);
    expect(counted).toMatchObject({ articles: 3, mentions: 7 });
    expect(ledgerCaughtUp(ledger, 'gen1', 3)).toBe(true);
    expect(await store.readCounter('country|RU')).toMatchObject({ articles: 0, mentions: 0 });
    expect(await store.readCounter('entityd|2025-01-01#person:p199')).toMatchObject({ articles: 0, mentions: 0 });
    expect(ledgerCaughtUp((await store.readLedgersOf([key])).get(key), 'none', 0)).toBe(true);
    expect(objectPartition(key)).toMatch(/^OBJ#[0-9a-f]{32}$/);
  });
});
