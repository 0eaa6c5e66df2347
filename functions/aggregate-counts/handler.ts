import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * The counter aggregator (issue 17): reads the table's stream one shard in order and applies the counter deltas that
 * stored contributions imply. A placeholder until the write model lands: it acknowledges every record.
 */
export const handler = async (_event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => ({
  batchItemFailures: [],
});
