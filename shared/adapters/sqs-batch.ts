import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { MAX_RECEIVE_COUNT } from '../resources.ts';
import { objectRefsFrom, type ObjectRef } from './s3-event.ts';

interface Outcome {
  status: string;
  records?: { read: number; written: number; rejected: number };
  durationMs?: number;
}

/**
 * The queue-driven handler shape both ingest functions share, on Powertools Batch: each message's object refs are
 * processed, one message after another; a failure of one message is reported in `batchItemFailures` (retried, then
 * dead-lettered) without failing the others, and a batch whose every message failed is answered the same way rather
 * than thrown (`throwOnFullBatchFailure: false`), so the event source retries each message on its own count.
 * Permanent errors never reach here: the ingest quarantines them and returns a status. One structured log line per
 * object (key, request id, outcome) and EMF metrics for records read, written, rejected and duration.
 */
export function makeSqsHandler(
  logger: Logger,
  metrics: Metrics,
  process: (ref: ObjectRef) => Promise<Outcome>,
  /** Called on the last receive before the dead-letter queue, so the ingest status says "failed" and why. */
  onFinalFailure?: (ref: ObjectRef, err: unknown) => Promise<void>,
) {
  const processMessage = async (msg: SQSRecord): Promise<void> => {
    try {
      for (const ref of objectRefsFrom(msg.body)) {
        const result = await process(ref);
        logger.info('ingested', {
          key: ref.key,
          eventName: ref.eventName,
          outcome: result.status,
          records: result.records,
          durationMs: result.durationMs,
        });
        metrics.addMetric('recordsRead', MetricUnit.Count, result.records?.read ?? 0);
        metrics.addMetric('recordsWritten', MetricUnit.Count, result.records?.written ?? 0);
        metrics.addMetric('recordsRejected', MetricUnit.Count, result.records?.rejected ?? 0);
        metrics.addMetric(result.status === 'quarantined' ? 'filesQuarantined' : 'filesIngested', MetricUnit.Count, 1);
        if (result.durationMs !== undefined)
          metrics.addMetric('ingestDuration', MetricUnit.Milliseconds, result.durationMs);
      }
    } catch (err) {
      // The final-failure hook: Powertools Batch knows nothing of receive counts, so this wrapper decides.
      const receives = Number(msg.attributes.ApproximateReceiveCount ?? 1);
      const final = receives >= MAX_RECEIVE_COUNT;
      logger.error(final ? 'ingest failed; going to the dead-letter queue' : 'ingest failed; will retry', {
        messageId: msg.messageId,
        receiveCount: receives,
        error: err as Error,
      });
      metrics.addMetric('ingestFailures', MetricUnit.Count, 1);
      if (final && onFinalFailure) {
        let refs: ObjectRef[] = [];
        try {
          refs = objectRefsFrom(msg.body);
        } catch {
          /* not an S3 notification: nothing to record */
        }
        for (const ref of refs) await onFinalFailure(ref, err).catch(() => undefined);
      }
      throw err; // the processor reports the message in batchItemFailures
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    // A processor per invocation: it holds the batch's records and failures, and the sandbox runs two batches at once
    // on one module instance.
    const processor = new BatchProcessor(EventType.SQS);
    try {
      return await processPartialResponse(event, processMessage, processor, {
        context,
        // One message after another, as before: a batch of ten articles does not read ten objects at once.
        processInParallel: false,
        throwOnFullBatchFailure: false,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** The status an ingest that gave up leaves behind. */
export const failedStatus = (ref: ObjectRef, err: unknown) => ({
  key: ref.key,
  status: 'failed' as const,
  records: { read: 0, written: 0, rejected: 0 },
  error: `gave up after ${MAX_RECEIVE_COUNT} attempts (the message is in the dead-letter queue): ${err instanceof Error ? err.message : String(err)}`,
  updatedAt: new Date().toISOString(),
});
