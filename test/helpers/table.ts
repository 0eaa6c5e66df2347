import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { TABLE } from '../../shared/resources.ts';

/** The table as resources.ts defines it (keys, every GSI with its key types, the stream), for DynamoDB Local tests. */
export function tableInput(name: string): CreateTableCommandInput {
  const attrs = new Map<string, 'S' | 'N'>([
    [TABLE.partitionKey, 'S'],
    [TABLE.sortKey, 'S'],
  ]);
  for (const ix of TABLE.indexes) {
    attrs.set(ix.partitionKey, 'S');
    attrs.set(ix.sortKey, ix.sortKeyType);
  }
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE.indexes.map((ix) => ({
      IndexName: ix.name,
      KeySchema: [
        { AttributeName: ix.partitionKey, KeyType: 'HASH' },
        { AttributeName: ix.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.stream },
  };
}
