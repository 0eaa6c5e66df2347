import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../../shared/adapters/s3-event.ts';
import { failedStatus, makeSqsHandler } from '../../../shared/adapters/sqs-batch.ts';
import { MAX_RECEIVE_COUNT } from '../../../shared/resources.ts';

// The partial-batch handler both ingest functions share (Powertools Batch underneath), with an in-memory `process`.

const logger = new Logger({ serviceName: 'batch-test', logLevel: 'SILENT' });
const metrics = () => new Metrics({ namespace: 'Test', serviceName: 'batch-test', singleMetric: false });
const context = { functionName: 'ingest-article', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 60_000 };

function message(id: string, key: string, receives = 1): SQSRecord {
  const body = JSON.stringify({
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: '2026-03-01T00:00:00.000Z',
        s3: { bucket: { name: 'radar-ingest' }, object: { key: encodeURIComponent(key), size: 1 } },
      },
    ],
  });
  return {
    messageId: id,
    receiptHandle: `h-${id}`,
    body,
    attributes: { ApproximateReceiveCount: String(receives) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  } as SQSRecord;
}
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** Fails every key containing "bad"; records the order keys were processed in. */
function recorder(delayMs = 0) {
  const seen: string[] = [];
  const process = async (ref: ObjectRef) => {
    seen.push(ref.key);
    await new Promise((r) => setTimeout(r, delayMs));
    if (ref.key.includes('bad')) throw new Error(`cannot read ${ref.key}`);
    return { status: 'done', records: { read: 1, written: 1, rejected: 0 } };
  };
  return { seen, process };
}

describe('makeSqsHandler (Powertools Batch)', () => {
  it('reports only the failed message, after processing every message in order', async () => {
    // Prepare
    const r = recorder();
    const handler = makeSqsHandler(logger, metrics(), r.process);
    // Act
    const res = await handler(
      batch(message('1', 'articles/a.txt'), message('2', 'articles/bad.txt'), message('3', 'articles/c d.txt')),
      context as unknown as Context,
    );
    // Assess
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(r.seen).toEqual(['articles/a.txt', 'articles/bad.txt', 'articles/c d.txt']);
  });

  it('answers a batch that failed whole with every message, rather than throwing', async () => {
    // Prepare
    const handler = makeSqsHandler(logger, metrics(), recorder().process);
    // Act
    const res = await handler(
      batch(message('1', 'articles/bad-1.txt'), message('2', 'articles/bad-2.txt')),
      context as unknown as Context,
    );
    // Assess
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '1' }, { itemIdentifier: '2' }]);
  });

  it('records a failed status on the last receive only (the final-failure hook)', async () => {
    // Prepare
    const finals: { key: string; error: string }[] = [];
    const handler = makeSqsHandler(logger, metrics(), recorder().process, async (ref, err) => {
      finals.push({ key: ref.key, error: failedStatus(ref, err).error });
    });
    // Act
    await handler(batch(message('1', 'articles/bad-early.txt', MAX_RECEIVE_COUNT - 1)), context as unknown as Context);
    const res = await handler(
      batch(
        message('2', 'articles/bad-last.txt', MAX_RECEIVE_COUNT),
        message('3', 'articles/ok.txt', MAX_RECEIVE_COUNT),
      ),
      context as unknown as Context,
    );
    // Assess
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(finals).toEqual([
      {
        key: 'articles/bad-last.txt',
        error: `gave up after ${MAX_RECEIVE_COUNT} attempts (the message is in the dead-letter queue): cannot read articles/bad-last.txt`,
      },
    ]);
  });

  it('keeps two overlapping batches on one handler apart', async () => {
    // Prepare
    const handler = makeSqsHandler(logger, metrics(), recorder(5).process);
    // Act
    const [a, b] = await Promise.all([
      handler(
        batch(message('a1', 'articles/bad-a.txt'), message('a2', 'articles/a.txt')),
        context as unknown as Context,
      ),
      handler(
        batch(message('b1', 'articles/b.txt'), message('b2', 'articles/bad-b.txt')),
        context as unknown as Context,
      ),
    ]);
    // Assess
    expect(a.batchItemFailures).toEqual([{ itemIdentifier: 'a1' }]);
    expect(b.batchItemFailures).toEqual([{ itemIdentifier: 'b2' }]);
  });
});
