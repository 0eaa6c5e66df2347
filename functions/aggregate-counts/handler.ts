import { Logger } from '@aws-lambda-powertools/logger';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { makeDocumentClient } from '../../shared/adapters/aws.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { loadConfig } from '../../shared/config.ts';
import { PART_PREFIX } from '../../shared/domain/keys.ts';
import { aggregateStreamBatch, type StreamChange } from '../../shared/ingest/aggregate.ts';

/**
 * The counter aggregator (issue 17): one shard's batch of the table's stream, in order, turned into counter deltas
 * (shared/ingest/aggregate.ts). With ReportBatchItemFailures, a failure names the first record not applied; Lambda
 * redelivers from there, and what was applied before it is a no-op by the checkpoints.
 */
const config = loadConfig();
const logger = new Logger({ serviceName: 'aggregate-counts' });
const store = makeDynamoStore(makeDocumentClient(config), config.TABLE_NAME);

// aws-lambda's AttributeValue type and the SDK's describe the same wire shape differently.
const image = (i: unknown): Record<string, unknown> | undefined =>
  i ? unmarshall(i as Record<string, AttributeValue>) : undefined;

export const toStreamChange = (r: DynamoDBRecord): StreamChange => {
  const keys = image(r.dynamodb?.Keys) ?? {};
  // Only contribution parts are read: other items' images are never unmarshalled (DynamoDB Local's stream images of
  // empty lists and maps are not always well-formed AttributeValues).
  const part = typeof keys.sk === 'string' && keys.sk.startsWith(PART_PREFIX);
  const oldImage = part ? image(r.dynamodb?.OldImage) : undefined;
  const newImage = part ? image(r.dynamodb?.NewImage) : undefined;
  return {
    ...(r.eventName ? { eventName: r.eventName } : {}),
    sequenceNumber: r.dynamodb?.SequenceNumber ?? '0',
    keys,
    ...(oldImage ? { oldImage } : {}),
    ...(newImage ? { newImage } : {}),
  };
};

export const handler = async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
  if (context) logger.addContext(context);
  const r = await aggregateStreamBatch(event.Records.map(toStreamChange), store);
  if (r.failedAt) {
    logger.error('aggregation failed; the batch is redelivered from the first record not applied', {
      failedAt: r.failedAt,
      applied: r.applied,
      error: r.error as Error,
    });
    return { batchItemFailures: [{ itemIdentifier: r.failedAt }] };
  }
  if (r.changes) logger.debug('aggregated', { changes: r.changes, applied: r.applied, transactions: r.transactions });
  return { batchItemFailures: [] };
};
