import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { makeDocumentClient } from '../../shared/adapters/aws.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { toStreamChange } from '../../shared/adapters/dynamo-stream.ts';
import { loadConfig } from '../../shared/config.ts';
import { aggregateStreamBatch } from '../../shared/ingest/aggregate.ts';

/**
 * The counter aggregator (issue 17): one shard's batch of the table's stream, in order, turned into counter deltas
 * (shared/ingest/aggregate.ts). With ReportBatchItemFailures, a failure names the first record not applied; Lambda
 * redelivers from there, and what was applied before it is a no-op by the checkpoints.
 */
const config = loadConfig();
const logger = new Logger({ serviceName: 'aggregate-counts' });
const store = makeDynamoStore(makeDocumentClient(config), config.TABLE_NAME);

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
  if (r.error)
    logger.warn(
      'aggregated, but checking the new counters against the current lists failed (their info may be stale)',
      {
        error: r.error as Error,
      },
    );
  if (r.changes) logger.debug('aggregated', { changes: r.changes, applied: r.applied, transactions: r.transactions });
  return { batchItemFailures: [] };
};
