import { describe, expect, it } from 'vitest';
import {
  calibratedWriteCharges,
  consumedAsAsked,
  PartitionMeter,
  itemSize,
  readCharges,
  writeCharges,
  type TableKeys,
} from '../../../infra/sandbox/dynamo-capacity.ts';
import { ItemHolds, conflictBody, itemsOf } from '../../../infra/sandbox/dynamo-conflicts.ts';
import { storageError } from '../../../infra/sandbox/s3-server.ts';

const TABLES: Record<string, TableKeys> = {
  radar: { partitionKey: 'pk', sortKey: 'sk', indexes: { gsi1: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } } },
};

describe('partition metering (dynamo-capacity.ts)', () => {
  it('sizes items as DynamoDB does: names plus values', () => {
    expect(itemSize({ pk: { S: 'abc' } })).toBe(2 + 3);
    expect(itemSize({ n: { N: '12345' } })).toBe(1 + 4); // 5 digits → 3 bytes + 1
    expect(itemSize({ b: { BOOL: true }, l: { L: [{ S: 'x' }] } })).toBe(1 + 1 + 1 + 3 + 1 + 1);
  });

  it('charges 1 write unit per KB, twice in a transaction, and the index partitions an item lands in (the table charge names the item)', () => {
    // Prepare
    const item = { pk: { S: 'P' }, sk: { S: 's' }, gsi1pk: { S: 'G' }, big: { S: 'x'.repeat(2000) } };

    // Act
    const put = writeCharges('PutItem', { TableName: 'radar', Item: item }, TABLES);
    const tx = writeCharges(
      'TransactWriteItems',
      { TransactItems: [{ Put: { TableName: 'radar', Item: item } }] },
      TABLES,
    );

    // Assess
    expect(put).toEqual([
      { partition: 'radar P', sk: 's', kind: 'write', units: 2 },
      { partition: 'radar/gsi1 G', kind: 'write', units: 2 },
    ]);
    expect(tx.map((c) => c.units)).toEqual([4, 4]);
  });

  it('fits the estimates to the capacity DynamoDB Local says the write consumed: where from the body, how many from the store', () => {
    // Prepare: an update sends a few bytes of a 4 KB item that is in the index; a batch puts two items of known size
    // and updates a third
    const update = writeCharges(
      'UpdateItem',
      { TableName: 'radar', Key: { pk: { S: 'P' }, sk: { S: 's' } }, UpdateExpression: 'ADD n :one' },
      TABLES,
    );
    const mixed = [
      { partition: 'radar A', kind: 'write' as const, units: 1 },
      { partition: 'radar B', kind: 'write' as const, units: 3 },
      { partition: 'radar C', kind: 'write' as const, units: 1, unsized: true as const },
    ];

    // Act
    const single = calibratedWriteCharges(update, {
      TableName: 'radar',
      CapacityUnits: 8,
      Table: { CapacityUnits: 4 },
      GlobalSecondaryIndexes: { gsi1: { CapacityUnits: 4 } },
    });
    const fitted = calibratedWriteCharges(mixed, [
      { TableName: 'radar', CapacityUnits: 10, Table: { CapacityUnits: 10 } },
    ]);
    const short = calibratedWriteCharges(mixed, [
      { TableName: 'radar', CapacityUnits: 2.5, Table: { CapacityUnits: 2.5 } },
    ]);

    // Assess: the item's own size, and the index the body did not name charged as such
    expect(update).toEqual([{ partition: 'radar P', sk: 's', kind: 'write', units: 1, unsized: true }]);
    expect(single).toEqual([
      { partition: 'radar P', sk: 's', kind: 'write', units: 4, unsized: true },
      { partition: 'radar/gsi1 (key not in request)', kind: 'write', units: 4 },
    ]);
    // The puts keep their sizes and the update takes the rest; a total below the puts' is split in proportion
    expect(fitted.map((c) => c.units)).toEqual([1, 3, 6]);
    expect(short.map((c) => c.units)).toEqual([0.5, 1.5, 0.5]);
    expect(calibratedWriteCharges(mixed, undefined)).toEqual(mixed);
  });

  it('gives the client back only the consumed capacity it asked for', () => {
    // Prepare
    const cc = { TableName: 'radar', CapacityUnits: 8, Table: { CapacityUnits: 4 } };

    // Act / Assess
    expect(consumedAsAsked({ ConsumedCapacity: cc, Attributes: {} }, undefined)).toEqual({ Attributes: {} });
    expect(consumedAsAsked({ ConsumedCapacity: cc }, 'NONE')).toEqual({});
    expect(consumedAsAsked({ ConsumedCapacity: [cc] }, 'TOTAL')).toEqual({
      ConsumedCapacity: [{ TableName: 'radar', CapacityUnits: 8 }],
    });
    expect(consumedAsAsked({ ConsumedCapacity: cc }, 'INDEXES')).toEqual({ ConsumedCapacity: cc });
  });

  it('charges a query on the total size it read, per 4 KB, halved when eventually consistent', () => {
    const items = Array.from({ length: 3 }, () => ({ pk: { S: 'Q' }, d: { S: 'x'.repeat(3000) } }));
    const body = {
      TableName: 'radar',
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': 'pk' },
      ExpressionAttributeValues: { ':p': { S: 'Q' } },
    };
    expect(readCharges('Query', body, { Items: items }, TABLES)).toEqual([
      { partition: 'radar Q', kind: 'read', units: 1.5 },
    ]);
    expect(readCharges('Query', { ...body, ConsistentRead: true }, { Items: [] }, TABLES)[0]!.units).toBe(1);
  });

  it('keeps the peak units of any one second per partition, and names those past AWS limits', () => {
    // Prepare
    let now = 10_000;
    const m = new PartitionMeter(() => now);

    // Act: 900 units in one second, then 1,200 in the next; reads stay low
    m.add('t A', 'write', 900);
    now += 1000;
    m.add('t A', 'write', 600);
    m.add('t A', 'write', 600);
    m.add('t B', 'read', 3000);
    const r = m.report();

    // Assess
    expect(r.hottestWrites[0]).toMatchObject({ partition: 't A', peakWritesPerSecond: 1200, totalWrites: 2100 });
    expect(r.wouldThrottle.map((k) => k.partition)).toEqual(['t A']);
    m.add('t B', 'read', 1);
    expect(
      m
        .report()
        .wouldThrottle.map((k) => k.partition)
        .sort(),
    ).toEqual(['t A', 't B']);
    m.reset();
    expect(m.report().partitions).toBe(0);
  });

  it('forgets the coldest partitions past its bound', () => {
    const m = new PartitionMeter(() => 0, 100);
    for (let i = 0; i < 250; i++) m.add(`t ${i}`, 'write', i);
    expect(m.report().partitions).toBeLessThanOrEqual(100);
    expect(m.report(1).hottestWrites[0]!.partition).toBe('t 249');
  });
});

describe('transaction conflicts (dynamo-conflicts.ts)', () => {
  const tx = (...pks: string[]) => ({
    TransactItems: pks.map((pk) => ({ Update: { TableName: 'radar', Key: { pk: { S: pk }, sk: { S: 'v' } } } })),
  });

  it('a transaction on an item another holds is cancelled, with the reason at that item', () => {
    // Prepare
    const h = new ItemHolds();
    const first = h.check('TransactWriteItems', itemsOf('TransactWriteItems', tx('a', 'b'), TABLES));

    // Act
    const second = h.check('TransactWriteItems', itemsOf('TransactWriteItems', tx('c', 'b'), TABLES));
    const plain = h.check(
      'PutItem',
      itemsOf('PutItem', { TableName: 'radar', Item: { pk: { S: 'a' }, sk: { S: 'v' } } }, TABLES),
    );

    // Assess
    expect(second).toEqual({
      conflict: {
        kind: 'cancelled',
        reasons: [{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }],
      },
    });
    expect(plain).toEqual({ conflict: { kind: 'conflict' } });
    expect(conflictBody((second as { conflict: never }).conflict).body).toMatchObject({
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      Message: expect.stringMatching(/\[None, TransactionConflict\]$/),
    });
    // Released: the same transaction goes through
    (first as { release: () => void }).release();
    expect('release' in h.check('TransactWriteItems', itemsOf('TransactWriteItems', tx('c', 'b'), TABLES))).toBe(true);
  });

  it('plain writes do not conflict with each other; a transactional read conflicts with any write in flight', () => {
    const h = new ItemHolds();
    const put = itemsOf('PutItem', { TableName: 'radar', Item: { pk: { S: 'a' }, sk: { S: 'v' } } }, TABLES);
    expect('release' in h.check('PutItem', put)).toBe(true);
    expect('release' in h.check('PutItem', put)).toBe(true);
    const get = itemsOf(
      'TransactGetItems',
      { TransactItems: [{ Get: { TableName: 'radar', Key: { pk: { S: 'a' }, sk: { S: 'v' } } } }] },
      TABLES,
    );
    expect(h.check('TransactGetItems', get)).toMatchObject({ conflict: { kind: 'cancelled' } });
  });
});

describe('storage errors as S3 errors (s3-server.ts)', () => {
  it('SlowDown (503) where a retry helps, InternalError (500) otherwise', () => {
    const full = storageError(Object.assign(new Error('no space'), { code: 'ENOSPC' }), 'store k');
    const ro = storageError(Object.assign(new Error('read-only'), { code: 'EROFS' }), 'store k');
    expect(full).toMatchObject({ status: 503, detail: { Code: 'SlowDown' } });
    expect(ro).toMatchObject({ status: 500, detail: { Code: 'InternalError' } });
    expect(full.message).toMatch(/ENOSPC.*retry later/);
  });
});
