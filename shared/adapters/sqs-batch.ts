import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { objectRefsFrom, type ObjectRef } from './s3-event.ts';

/**
 * The queue-driven handler shape both ingest functions share: each message's object refs are processed; a failure
 * of one message is reported in `batchItemFailures` (retried, then dead-lettered) without failing the others.
 * Permanent errors never reach here: the ingest quarantines them and returns a status.
 */
export function makeSqsHandler(
  logger: Logger,
  process: (ref: ObjectRef) => Promise<{ status: string }>,
) {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const msg of event.Records) {
      try {
        for (const ref of objectRefsFrom(msg.body)) {
          const result = await process(ref);
          logger.info('ingested', { key: ref.key, eventName: ref.eventName, outcome: result.status, result });
        }
      } catch (err) {
        logger.error('ingest failed; will retry', { messageId: msg.messageId, receiveCount: msg.attributes.ApproximateReceiveCount, error: err as Error });
        batchItemFailures.push({ itemIdentifier: msg.messageId });
      }
    }
    return { batchItemFailures };
  };
}
