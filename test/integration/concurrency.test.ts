import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, S3EventRecord, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../infra/sandbox/queue.ts';
import { buildS3EventRecord } from '../../infra/sandbox/s3-events.ts';
import { INGEST_ROUTES } from '../../shared/resources.ts';
import {
  BUCKET,
  buildCurrentMatcher,
  diffCounts,
  idSetKey,
  makeDynamoClient,
  pollListEntities,
  readCurrentIds,
  readStoredCounts,
  recountFromS3,
  sandboxStatus,
  seededRandom,
  syntheticArticle,
  unFile,
  unIds,
  UN_VERSIONS,
} from '../helpers/recount.ts';
import { startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

// Concurrency (reliability issue, point 4): 200 articles and three versions of one list uploaded at once. The
// sandbox's own queues deliver every event; on top of that this test is a second, worst-behaved queue: it delivers
// every event again, duplicated and in a shuffled order, to the real handler modules, concurrently with the sandbox.

type Handler = (e: SQSEvent, c: Context) => Promise<SQSBatchResponse>;
let sb: RunningSandbox;
let ddb: DynamoDBClient;
const handlers: Record<string, Handler> = {};

const sqsEvent = (record: S3EventRecord, queue: string, n: number): SQSEvent => ({
  Records: [
    {
      messageId: `dup-${n}`,
      receiptHandle: 'r',
      body: JSON.stringify({ Records: [record] }),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'x',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}-queue`,
      awsRegion: 'us-east-1',
    },
  ],
});

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool<T>(items: T[], n: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

describe('concurrency: 200 articles and three list versions at once, duplicated and reordered events', {
  timeout: 600_000,
}, () => {
  beforeAll(async () => {
    sb = await startSandboxProcess();
    // The real handler modules, configured for this sandbox (they read their config once, at import).
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
    handlers['ingest-article'] = (await import('../../functions/ingest-article/handler.ts')).handler;
    handlers['ingest-sanctions'] = (await import('../../functions/ingest-sanctions/handler.ts')).handler as Handler;
    ddb = makeDynamoClient(sb.edgeUrl);
  });
  afterAll(async () => {
    ddb?.destroy();
    await sb?.stop();
  });

  it('final counts equal a recount, the newest list version is current, and readers only ever saw whole versions, moving forward', async () => {
    // Prepare
    const random = seededRandom(20260404);
    const events: { route: string; record: S3EventRecord }[] = [];
    /** The event S3 would send for what was just done to `key`, kept to be delivered again later. */
    const remember = async (key: string, removed = false) => {
      const route = INGEST_ROUTES.find((r) => key.startsWith(r.prefix))!.name;
      if (removed) {
        events.push({
          route,
          record: buildS3EventRecord(
            { bucket: BUCKET, key, eventName: 'ObjectRemoved:Delete', sourceIp: '127.0.0.1' },
            { region: 'us-east-1', configurationId: route },
          ),
        });
        return;
      }
      const head = await sb.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      events.push({
        route,
        record: buildS3EventRecord(
          { bucket: BUCKET, key, eventName: 'ObjectCreated:Put', sourceIp: '127.0.0.1' },
          { size: head.ContentLength, eTag: head.ETag?.replace(/"/g, ''), region: 'us-east-1', configurationId: route },
        ),
      });
    };
    const put = async (key: string, body: string, metadata?: Record<string, string>) => {
      await sb.s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ...(metadata ? { Metadata: metadata } : {}) }),
      );
      await remember(key);
    };
    // Keys with spaces, plus signs and non-ASCII characters: real S3 encodes them in events.
    const articleKey = (i: number) =>
      `articles/conc/${i % 3 === 0 ? `n° ${i}` : i % 3 === 1 ? `a+${i}` : `plain-${i}`}.txt`;
    const ops: (() => Promise<void>)[] = [];
    for (let i = 0; i < 200; i++) ops.push(() => put(articleKey(i), syntheticArticle(i)));
    for (let i = 0; i < 20; i++) ops.push(() => put(articleKey(i * 7), syntheticArticle(i * 7, 1)));
    for (let i = 0; i < 10; i++)
      ops.push(async () => {
        await sb.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: articleKey(i * 11 + 3) }));
        await remember(articleKey(i * 11 + 3), true);
      });
    const poller = pollListEntities(sb.queryUrl);

    // Act: articles eight at a time; the three list versions, oldest first, while the articles are still going up.
    let uploaded = 0;
    const articles = pool(ops, 8, async (op) => {
      await op();
      uploaded++;
    });
    const lists = (async () => {
      for (const [name, recs, after] of [
        ['a', UN_VERSIONS.a, 10],
        ['b', UN_VERSIONS.b, 60],
        ['c', UN_VERSIONS.c, 120],
      ] as const) {
        while (uploaded < after) await new Promise((r) => setTimeout(r, 5));
        await put(`sanctions/un/${name}.xml`, unFile(recs), { force: 'true' });
      }
    })();
    await Promise.all([articles, lists]);
    // Every event again, some three times, shuffled, while the sandbox is still working through its own copies.
    const dups = events
      .flatMap((e) => Array.from({ length: 1 + Math.floor(random() * 2) }, () => e))
      .sort(() => random() - 0.5);
    const failures: unknown[] = [];
    await pool(dups, 6, async (e, i) => {
      const res = await handlers[e.route]!(
        sqsEvent(e.record, e.route, i),
        lambdaContext(e.route, INGEST_ROUTES.find((r) => r.name === e.route)!.timeoutSeconds * 1000),
      );
      failures.push(...res.batchItemFailures);
    });
    await sb.idle(240_000);
    // Late duplicates after everything settled (SQS may deliver a message again long after): still no change.
    const late = [...events].sort(() => random() - 0.5);
    await pool(late, 4, async (e, i) => {
      const res = await handlers[e.route]!(
        sqsEvent(e.record, e.route, 10_000 + i),
        lambdaContext(e.route, INGEST_ROUTES.find((r) => r.name === e.route)!.timeoutSeconds * 1000),
      );
      failures.push(...res.batchItemFailures);
    });
    await sb.idle(240_000);
    const { seen, errors } = await poller.stop();

    // Assess
    expect(failures).toEqual([]);
    expect((await sandboxStatus(sb.edgeUrl)).deadLetters).toEqual([]);
    expect(await readCurrentIds(ddb, 'un-sc')).toEqual(unIds(UN_VERSIONS.c));
    const stored = await readStoredCounts(ddb);
    const expected = await recountFromS3(sb.s3, await buildCurrentMatcher(ddb));
    // The workload does link names only the newest version lists (else this would not test relinking to it).
    const onlyC = [...unIds(UN_VERSIONS.c)].filter((id) => !unIds(UN_VERSIONS.b).has(id));
    expect(Object.keys(expected).some((c) => onlyC.some((id) => c === `listed|un-sc|${id}`))).toBe(true);
    expect(expected['country|CN']?.[0]).toBeGreaterThan(0);
    expect(diffCounts(stored, expected), 'cells where the counters differ from a recount').toEqual([]);
    // Readers: whole versions only, and never back to an older one once a newer one was seen.
    expect(errors).toEqual([]);
    const order = ['', ...[UN_VERSIONS.a, UN_VERSIONS.b, UN_VERSIONS.c].map((v) => idSetKey(unIds(v)))];
    let rank = 0;
    for (const [i, s] of seen.entries()) {
      const r = order.indexOf(s);
      expect(r, `poll ${i} saw a set of entities that is no whole version`).toBeGreaterThanOrEqual(0);
      expect(r, `poll ${i} went back to an older version`).toBeGreaterThanOrEqual(rank);
      rank = r;
    }
    expect(rank).toBe(3);
  });
});
