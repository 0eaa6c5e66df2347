import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { toStreamChange } from '../../../shared/adapters/dynamo-stream.ts';

describe('toStreamChange: a stream record as the aggregator reads it', () => {
  it('reads an untyped empty attribute (DynamoDB Local gives an empty map as {}) as an empty map', () => {
    // Prepare: an id-only part, as DynamoDB Local's stream delivers it
    const record = {
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: '42',
        Keys: { pk: { S: 'OBJ#abc' }, sk: { S: 'PART#g1#0002' } },
        NewImage: {
          pk: { S: 'OBJ#abc' },
          sk: { S: 'PART#g1#0002' },
          gen: { S: 'g1' },
          cells: {},
          info: { M: { x: {} } },
          articleIds: { L: [{ S: 'a1' }, {}] },
        },
      },
    } as unknown as DynamoDBRecord;
    // Act
    const change = toStreamChange(record);
    // Assess
    expect(change.newImage).toMatchObject({ gen: 'g1', cells: {}, info: { x: {} } });
    expect(change.newImage?.articleIds).toEqual(['a1', {}]);
    expect(change.sequenceNumber).toBe('42');
  });

  it('leaves the images of items that are not contribution parts unread', () => {
    const change = toStreamChange({
      eventName: 'MODIFY',
      dynamodb: { SequenceNumber: '7', Keys: { pk: { S: 'OBJ#abc' }, sk: { S: 'STATE' } }, NewImage: { x: {} } },
    } as unknown as DynamoDBRecord);
    expect(change.newImage).toBeUndefined();
    expect(change.keys).toEqual({ pk: 'OBJ#abc', sk: 'STATE' });
  });
});
