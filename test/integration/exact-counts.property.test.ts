import {
  DeleteObjectCommand,
  ListObjectsV2Command,
  GetObjectCommand,
  PutObjectCommand,
  HeadObjectCommand,
} from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildS3EventRecord } from '../../infra/sandbox/s3-events.ts';
import { lambdaContext } from '../../infra/sandbox/queue.ts';
import { objectContribution, analyseArticle } from '../../shared/domain/article.ts';
import { parseArticles } from '../../shared/domain/article-formats.ts';
import { decodeBytes } from '../../shared/domain/encoding.ts';
import { extractEntities } from '../../shared/domain/extract.ts';
import type { Contribution } from '../../shared/domain/contribution.ts';
import { startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';
import { enableStream, makeStreamPoller, type StreamPoller } from '../helpers/stream-poller.ts';
import { readStoredCounts, seededRandom } from '../helpers/recount.ts';

const BUCKET = 'radar-ingest';
const KEYS = ['articles/a.txt', 'articles/b c.txt', 'articles/d+e.txt', 'articles/ü.md'];
const TEXTS = [
  'Officials in Beijing and Moscow met on Monday.',
  'Washington warned Tehran; the Kremlin said nothing.',
  'France and Germany backed the plan. Paris said more.',
  'Ukraine and Poland signed a deal in Warsaw.',
  'Chinese and Russian banks stopped payments from Iran.',
];

let sb: RunningSandbox;
let handler: (e: SQSEvent, c: Context) => Promise<SQSBatchResponse>;
let ddb: DynamoDBClient;
let stream: StreamPoller;

/** Counters as the table holds them now: cell → [articles, mentions], zeros dropped (every `CNT#…` item). */
const storedCounts = () => readStoredCounts(ddb);

/** A recount from scratch: every article object S3 holds now, parsed and extracted again, independently of the store. */
async function recount(): Promise<Record<string, [number, number]>> {
  const listed = await sb.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'articles/' }));
  const total: Contribution = {};
  for (const o of listed.Contents ?? []) {
    const body = await sb.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key! }));
    const { text } = decodeBytes(Buffer.from(await body.Body!.transformToByteArray()));
    const articles = parseArticles(text, o.Key!).articles.map((a, i) => analyseArticle(o.Key!, i, a, extractEntities));
    for (const [cell, a] of Object.entries(objectContribution(articles))) {
      const t = (total[cell] ??= { articles: 0, mentions: 0 });
      t.articles += a.articles;
      t.mentions += a.mentions;
    }
  }
  return Object.fromEntries(Object.entries(total).map(([c, a]) => [c, [a.articles, a.mentions] as [number, number]]));
}

const sqsEvent = (records: object[]): SQSEvent => ({
  Records: records.map((r, i) => ({
    messageId: `m-${Date.now()}-${i}-${Math.random()}`,
    receiptHandle: 'r',
    body: JSON.stringify({ Records: [r] }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:ingest-article-queue',
    awsRegion: 'us-east-1',
  })),
});

type Op = { kind: 'put'; key: number; text: number } | { kind: 'delete'; key: number };

describe('exact counts under any event order (property-based, real handler and store)', () => {
  beforeAll(async () => {
    sb = await startSandboxProcess();
    // The real handler module, configured for this sandbox (it reads its config once, at import).
    Object.assign(process.env, {
      TABLE_NAME: 'radar',
      BUCKET_NAME: BUCKET,
      AWS_ENDPOINT_URL: sb.edgeUrl,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    ddb = new DynamoDBClient({
      endpoint: sb.edgeUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    // The counters move only through the table's stream (issue 17): the real aggregator handler, fed by a poller
    // that also redelivers batches and duplicates records, as a bad event source may.
    const streamArn = await enableStream(ddb);
    handler = (await import('../../functions/ingest-article/handler.ts')).handler;
    const aggregate = (await import('../../functions/aggregate-counts/handler.ts')).handler;
    stream = makeStreamPoller(sb.edgeUrl, streamArn, (e) => aggregate(e), {
      batchSize: 25,
      redeliver: 0.3,
      duplicate: 0.1,
      random: seededRandom(17),
    });
  });
  afterAll(async () => {
    ddb?.destroy();
    await sb?.stop();
  });

  it('uploads, overwrites, deletes, duplicated and reordered events, redelivered stream batches and duplicated stream records: every count equals a recount', async () => {
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), key: fc.nat(KEYS.length - 1), text: fc.nat(TEXTS.length - 1) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.nat(KEYS.length - 1) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(1000), { minLength: 8, maxLength: 24 }),
        async (ops, noise) => {
          // The sandbox's own queue is bypassed: this test is the queue, with its worst behaviour.
          const pending: object[] = [];
          let n = 0;
          const deliver = async () => {
            if (!pending.length) return;
            // Deliver a random handful, possibly duplicated, in random order, concurrently.
            const take = pending.splice(0, 1 + (noise[n++ % noise.length]! % pending.length));
            const dup = take.filter((_, i) => noise[(n + i) % noise.length]! % 3 === 0);
            const batch = [...take, ...dup].sort(() => (noise[n++ % noise.length]! % 2 ? 1 : -1));
            const results = await Promise.all(
              batch.map((r) => handler(sqsEvent([r]), lambdaContext('ingest-article', 60_000))),
            );
            for (const res of results) expect(res.batchItemFailures).toEqual([]);
          };
          for (const op of ops) {
            const key = KEYS[op.key]!;
            if (op.kind === 'put') {
              await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: TEXTS[op.text]! }));
              const head = await sb.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
              pending.push(
                buildS3EventRecord(
                  { bucket: BUCKET, key, eventName: 'ObjectCreated:Put', sourceIp: '127.0.0.1' },
                  {
                    size: head.ContentLength,
                    eTag: head.ETag?.replace(/"/g, ''),
                    region: 'us-east-1',
                    configurationId: 'ingest-article',
                  },
                ),
              );
            } else {
              await sb.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
              pending.push(
                buildS3EventRecord(
                  { bucket: BUCKET, key, eventName: 'ObjectRemoved:Delete', sourceIp: '127.0.0.1' },
                  { region: 'us-east-1', configurationId: 'ingest-article' },
                ),
              );
            }
            if (noise[n % noise.length]! % 2) await deliver();
            if (noise[(n + 1) % noise.length]! % 3 === 0) await stream.drain();
          }
          while (pending.length) await deliver();
          await sb.idle(); // the sandbox's own queue delivers the same events too
          await stream.drain();
          expect(await storedCounts()).toEqual(await recount());
          for (const key of new Set(ops.map((o) => KEYS[o.key]!))) {
            const s = await sb.get<{ status: string }>(`/ingests/${encodeURIComponent(key)}`);
            expect(['done', 'deleted', 'unchanged'], `${key}: ${JSON.stringify(s.body)}`).toContain(s.body.status);
          }
        },
      ),
      { numRuns: 25, seed: 20261129, endOnFailure: true },
    );
  }, 180_000); // 25 runs on a sandbox: the aggregator now also moves entity rows (issue 17.2), ~60 s on a loaded box
});
