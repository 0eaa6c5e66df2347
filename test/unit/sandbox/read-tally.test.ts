import { describe, expect, it } from 'vitest';
import {
  itemsOfRead,
  PartitionMeter,
  ReadTally,
  readCharges,
  type TableKeys,
} from '../../../infra/sandbox/dynamo-capacity.ts';

const TABLES: Record<string, TableKeys> = {
  radar: { partitionKey: 'pk', sortKey: 'sk', indexes: { gsi1: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } } },
};

describe('items read per request (dynamo-capacity.ts ReadTally)', () => {
  it('counts what a query read before its filter (ScannedCount), not only what it returned', () => {
    // Prepare
    const response = { Items: [{ pk: { S: 'a' } }], Count: 1, ScannedCount: 40 };

    // Act
    const got = itemsOfRead('Query', response);

    // Assess
    expect(got).toEqual({ read: 40, returned: 1 });
    expect(itemsOfRead('Query', { Items: [{}, {}] })).toEqual({ read: 2, returned: 2 });
  });

  it('counts a get that found nothing as no item, and every item of batch and transactional gets', () => {
    expect(itemsOfRead('GetItem', {})).toEqual({ read: 0, returned: 0 });
    expect(itemsOfRead('GetItem', { Item: { pk: { S: 'x' } } })).toEqual({ read: 1, returned: 1 });
    expect(itemsOfRead('BatchGetItem', { Responses: { radar: [{}, {}, {}], other: [{}] } })).toEqual({
      read: 4,
      returned: 4,
    });
    expect(itemsOfRead('TransactGetItems', { Responses: [{ Item: {} }, {}, { Item: {} }] })).toEqual({
      read: 2,
      returned: 2,
    });
  });

  it('keeps totals by operation, flags scans, and starts again on reset', () => {
    // Prepare
    const tally = new ReadTally();

    // Act
    tally.add('Query', { Items: [{}, {}], Count: 2, ScannedCount: 5 }, 0.5);
    tally.add('GetItem', { Item: {} }, 0.5);
    tally.add('Scan', { Items: [{}], Count: 1, ScannedCount: 100 }, 2);
    const before = tally.totals();
    tally.reset();

    // Assess
    expect(before).toMatchObject({
      calls: 3,
      byOperation: { Query: 1, GetItem: 1, Scan: 1 },
      itemsRead: 106,
      itemsReturned: 4,
      readUnits: 3,
      scans: 1,
    });
    expect(tally.totals()).toMatchObject({ calls: 0, itemsRead: 0, scans: 0, byOperation: {} });
  });

  it('meters a scan as a read of the whole table, so a request path that scans shows up', () => {
    const charges = readCharges('Scan', { TableName: 'radar' }, { Items: [{ pk: { S: 'x'.repeat(5000) } }] }, TABLES);
    expect(charges).toEqual([{ partition: 'radar (scan)', kind: 'read', units: 1 }]);
  });
});

describe('units in total (dynamo-capacity.ts PartitionMeter)', () => {
  it('adds up every partition, including those forgotten as cold, until a reset', () => {
    // Prepare: room for two partitions only, so the third forgets the coldest.
    const meter = new PartitionMeter(() => 0, 2);

    // Act
    meter.add('radar A', 'write', 3);
    meter.add('radar B', 'write', 1);
    meter.add('radar C', 'read', 0.5);
    const before = meter.report();
    meter.reset();

    // Assess
    expect(before.partitions).toBeLessThan(3);
    expect(before.totals).toEqual({ writeUnits: 4, readUnits: 0.5 });
    expect(meter.report().totals).toEqual({ writeUnits: 0, readUnits: 0 });
  });
});
