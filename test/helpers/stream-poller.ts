import { DescribeTableCommand, type DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { matchesStreamFilter, type StreamFilter } from '../../infra/sandbox/stream-poller.ts';
import { STREAM_CONSUMER, TABLE, TABLE_NAME } from '../../shared/resources.ts';

/**
 * A test's stand-in for the Lambda event source of DynamoDB Streams: reads the table's stream through the sandbox
 * edge (DynamoDB Local implements Streams), shard by shard (parents first) and in order, and calls the aggregator's
 * handler with Lambda-shaped events. ReportBatchItemFailures as Lambda does it: a failure's itemIdentifier (a sequence
 * number) is where the batch is delivered again. With `redeliver`/`duplicate` it also behaves as a bad event source
 * may: a batch delivered again after it succeeded, a record delivered twice.
 *
 * The Streams API is called as JSON over HTTP here because @aws-sdk/client-dynamodb-streams has no release on the
 * version line of the project's @aws-sdk/client-dynamodb (3.1169), and the project keeps one line (issue 14.7).
 */
export interface StreamPoller {
  /** Delivers everything in the stream now; returns the number of records delivered (first deliveries). */
  drain(): Promise<number>;
}

type Handler = (e: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export async function enableStream(ddb: DynamoDBClient): Promise<string> {
  const t = await ddb.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
  if (t.Table?.LatestStreamArn && t.Table.StreamSpecification?.StreamEnabled) return t.Table.LatestStreamArn;
  const u = await ddb.send(
    new UpdateTableCommand({
      TableName: TABLE_NAME,
      StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.stream },
    }),
  );
  return u.TableDescription!.LatestStreamArn!;
}

export function makeStreamPoller(
  edgeUrl: string,
  streamArn: string,
  handler: Handler,
  opts: {
    batchSize?: number;
    redeliver?: number;
    duplicate?: number;
    random?: () => number;
    /** The event source's filter (STREAM_CONSUMER.filter): batches of matching records only, gathered across pages. */
    filter?: StreamFilter;
  } = {},
): StreamPoller {
  const batchSize = opts.batchSize ?? STREAM_CONSUMER.batchSize;
  const random = opts.random ?? Math.random;
  const last = new Map<string, string>();
  const call = async <T>(op: string, body: object): Promise<T> => {
    const r = await fetch(edgeUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDBStreams_20120810.${op}`,
        authorization:
          'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`Streams ${op}: ${r.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const deliver = async (records: DynamoDBRecord[]) => {
    for (let attempt = 0; ; attempt++) {
      const res = await handler({ Records: records });
      const failed = res?.batchItemFailures?.[0]?.itemIdentifier;
      if (!failed) return;
      if (attempt >= STREAM_CONSUMER.maxRetryAttempts)
        throw new Error(`stream batch failed ${attempt + 1} times at ${failed}`);
      records = records.slice(
        Math.max(
          0,
          records.findIndex((r) => r.dynamodb?.SequenceNumber === failed),
        ),
      );
    }
  };
  return {
    async drain() {
      let delivered = 0;
      const { StreamDescription: d } = await call<{
        StreamDescription: { Shards: { ShardId: string; ParentShardId?: string }[] };
      }>('DescribeStream', { StreamArn: streamArn });
      const shards = [...d.Shards].sort((a, b) =>
        a.ParentShardId === b.ShardId ? 1 : b.ParentShardId === a.ShardId ? -1 : 0,
      );
      for (const shard of shards) {
        const after = last.get(shard.ShardId);
        let { ShardIterator: it } = await call<{ ShardIterator?: string }>('GetShardIterator', {
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
          ...(after ? { SequenceNumber: after } : {}),
        });
        const f = opts.filter;
        let pending: DynamoDBRecord[] = [];
        let readTo: string | undefined;
        const flush = async () => {
          if (pending.length) {
            const batch = pending.flatMap((r) => ((opts.duplicate ?? 0) > random() ? [r, r] : [r]));
            await deliver(batch);
            if ((opts.redeliver ?? 0) > random()) await deliver(batch);
            delivered += pending.length;
            pending = [];
          }
          if (readTo) last.set(shard.ShardId, readTo);
        };
        while (it) {
          const page = await call<{ Records: DynamoDBRecord[]; NextShardIterator?: string }>('GetRecords', {
            ShardIterator: it,
            Limit: batchSize,
          });
          if (!page.Records.length) break; // an open shard answers empty pages for ever: caught up
          const records = page.Records.map((r) => ({ ...r, eventSourceARN: streamArn }));
          pending.push(...records.filter((r) => matchesStreamFilter(r, f)));
          readTo = records[records.length - 1]!.dynamodb!.SequenceNumber!;
          if (!f || pending.length >= batchSize) await flush();
          it = page.NextShardIterator;
        }
        await flush();
      }
      return delivered;
    },
  };
}
