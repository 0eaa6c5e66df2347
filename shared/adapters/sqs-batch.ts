import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
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
export function makeSqsHandler(logger: Logger, metrics: Metrics, process: (ref: ObjectRef) => Promise<Outcome>) {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    try {
      for (const msg of event.Records) {
        try {
          for (const ref of objectRefsFrom(msg.body)) {
            const result = await process(ref);
            logger.info('ingested', { key: ref.key, eventName: ref.eventName, outcome: result.status, records: result.records, durationMs: result.durationMs });
            metrics.addMetric('recordsRead', MetricUnit.Count, result.records?.read ?? 0);
            metrics.addMetric('recordsWritten', MetricUnit.Count, result.records?.written ?? 0);
            metrics.addMetric('recordsRejected', MetricUnit.Count, result.records?.rejected ?? 0);
            metrics.addMetric(result.status === 'quarantined' ? 'filesQuarantined' : 'filesIngested', MetricUnit.Count, 1);
            if (result.durationMs !== undefined) metrics.addMetric('ingestDuration', MetricUnit.Milliseconds, result.durationMs);
          }
        } catch (err) {
          logger.error('ingest failed; will retry', { messageId: msg.messageId, receiveCount: msg.attributes.ApproximateReceiveCount, error: err as Error });
          metrics.addMetric('ingestFailures', MetricUnit.Count, 1);
          batchItemFailures.push({ itemIdentifier: msg.messageId });
        }
      }
    } finally {
      metrics.publishStoredMetrics();
    }
    return { batchItemFailures };
  };
}
