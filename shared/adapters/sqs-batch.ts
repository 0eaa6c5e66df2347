import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
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
 * The queue-driven handler shape both ingest functions share: each message's object refs are processed; a failure
 * of one message is reported in `batchItemFailures` (retried, then dead-lettered) without failing the others.
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
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    try {
      for (const msg of event.Records) {
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
            metrics.addMetric(
              result.status === 'quarantined' ? 'filesQuarantined' : 'filesIngested',
              MetricUnit.Count,
              1,
            );
            if (result.durationMs !== undefined)
              metrics.addMetric('ingestDuration', MetricUnit.Milliseconds, result.durationMs);
          }
        } catch (err) {
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
          batchItemFailures.push({ itemIdentifier: msg.messageId });
        }
      }
    } finally {
      metrics.publishStoredMetrics();
    }
    return { batchItemFailures };
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
