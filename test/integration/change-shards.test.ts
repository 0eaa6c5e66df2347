import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../infra/sandbox/dynamodb-local.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { makeMemoryStore } from '../../shared/adapters/memory-store.ts';
import { CHANGE_SHARDS, changeCountryKey, changeKey, changePartitions } from '../../shared/domain/keys.ts';
import { compareKeys } from '../../shared/domain/list-delta.ts';
import { tableInput } from '../helpers/table.ts';

// Issue 17.1 for the change items of issue 11.3, on DynamoDB Local with the real SDK: a version's changes spread over
// CHANGE_SHARDS partitions are paged back in the order one partition gave, through a client that counts what each
// Query read (`ScannedCount`, what DynamoDB bills reads by): at most CHANGE_SHARDS × (limit + 1) items a call. The
// in-memory store answers the same pages. The cursor is a sort key of whichever shard held it, so it is an
// ExclusiveStartKey naming no item in the other shards: DynamoDB takes it as a position.

let dynamo: DynamoDbLocal;
let ddb: DynamoDBClient;
const TYPES = ['ADD', 'MOD', 'DEL'];
const COUNTRIES = ['IR', 'RU', 'KP', 'SY'];

// 900 changes of one version, each filed under one or two countries.
const items = Array.from({ length: 900 }, (_, i) => {
  const id = `E-${(i * 7919) % 100_000}`;
  const type = TYPES[i % 3]!;
  const body = { list: 'eu-fsf', version: 'v2', type, sourceId: id, name: `ENTITY ${i}` };
  const ccs = i % 4 === 0 ? [COUNTRIES[i % 4]!, COUNTRIES[(i + 1) % 4]!] : [COUNTRIES[i % 4]!];
  return [
    { ...changeKey('eu-fsf', 'v2', type, id), ...body },
    ...ccs.map((cc) => ({ ...changeCountryKey('eu-fsf', 'v2', cc, type, id), ...body })),
  ];
}).flat();
const unsharded = (prefix: string) =>
  items
    .map((i) => i.sk)
    .filter((sk) => sk.startsWith(prefix))
    .sort(compareKeys);

describe('change shards on DynamoDB Local', () => {
  let store: ReturnType<typeof makeDynamoStore>;
  let scanned = 0;
  beforeAll(async () => {
    dynamo = await startDynamoDbLocal(undefined);
    ddb = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${dynamo.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 10,
    });
    await ddb.send(new CreateTableCommand(tableInput('radar_chg')));
    const doc = DynamoDBDocumentClient.from(ddb);
    const counting = {
      send: async (cmd: Parameters<typeof doc.send>[0]) => {
        const r = (await doc.send(cmd as never)) as { ScannedCount?: number };
        scanned += r.ScannedCount ?? 0;
        return r;
      },
    } as unknown as DynamoDBDocumentClient;
    store = makeDynamoStore(counting, 'radar_chg');
    await store.putItems(items);
  }, 300_000);
  afterAll(async () => {
    ddb?.destroy();
    await dynamo?.stop();
  });

  it('pages every filter in the unsharded order, as the memory store does, reading ≤ shards × (limit + 1) a call', async () => {
    // Prepare
    const memory = makeMemoryStore();
    await memory.putItems(items);
    expect(new Set(items.map((i) => i.pk))).toEqual(new Set(changePartitions('eu-fsf', 'v2')));
    // Limit 1 on the narrower filters only: a page a change is 8 Queries a change.
    const cases: [string, number[]][] = [
      ['T#', [13, 200]],
      ['T#DEL#', [1, 13, 200]],
      ['C#KP#', [13, 200]],
      ['C#SY#MOD#', [1, 13]],
      ['C#FR#', [1, 200]],
    ];
    const reads: string[] = [];
    for (const [prefix, limits] of cases)
      for (const limit of limits) {
        // Act
        const seen: string[] = [];
        const fromMemory: string[] = [];
        let most = 0;
        let after: string | undefined;
        do {
          scanned = 0;
          const page = await store.pageChanges('eu-fsf', 'v2', prefix, { after, limit });
          most = Math.max(most, scanned);
          seen.push(...page.items.map((i) => String(i.sk)));
          after = page.last;
        } while (after);
        do {
          const m = await memory.pageChanges('eu-fsf', 'v2', prefix, { after, limit });
          fromMemory.push(...m.items.map((i) => String(i.sk)));
          after = m.last;
        } while (after);
        // Assess
        expect(seen, `${prefix} by ${limit}`).toEqual(unsharded(prefix));
        expect(fromMemory).toEqual(seen);
        expect(most).toBeLessThanOrEqual(CHANGE_SHARDS * (limit + 1));
        reads.push(`${prefix} by ${limit}: ≤ ${most}`);
      }
    console.log(`items read per pageChanges call (most): ${reads.join(', ')}`);
  });

  it('deletes the changes of every shard', async () => {
    // Prepare
    expect((await store.pageChanges('eu-fsf', 'v2', 'C#', { limit: 1 })).items).toHaveLength(1);
    // Act
    await store.deleteChanges('eu-fsf', 'v2');
    // Assess
    for (const prefix of ['T#', 'C#'])
      expect(await store.pageChanges('eu-fsf', 'v2', prefix, { limit: 50 })).toEqual({ items: [] });
  });
});
