import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { APIGatewayProxyEventV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BUCKET_NAME,
  INGEST_ROUTES,
  MAX_RECEIVE_COUNT,
  OUTPUT_PREFIXES,
  SANDBOX,
  STREAM_CONSUMER,
  TABLE,
  TABLE_NAME,
} from '../../shared/resources.ts';
import { PartitionMeter, ReadTally, type TableKeys } from './dynamo-capacity.ts';
import { checkJava, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { startEdge, type Faults, type ObjectChange } from './edge.ts';
import { serveFunctionUrl } from './http.ts';
import { assertPortFree } from './ports.ts';
import { SandboxQueue, lambdaContext } from './queue.ts';
import { startS3Server, type S3Server } from './s3-server.ts';
import { buildS3EventRecord } from './s3-events.ts';
import { StreamPoller, localStreamsApi, type StreamHandler } from './stream-poller.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface SandboxOptions {
  edgePort: number;
  queryPort: number;
  /** Keep nothing on disk. */
  memory: boolean;
  demo: boolean;
  dataDir: string;
  /** Sandbox visibility timeout (AWS uses 6 × the function timeout; minutes are too long to wait for here). */
  visibilityMs: number;
  log: (line: string) => void;
}

/** What `startSandbox` resolves with, once the sandbox answers counts (architect/sandbox's `start`). */
export interface Sandbox {
  /** The AWS edge (S3 + DynamoDB + DynamoDB Streams APIs). */
  edge: string;
  /** The query API (and dashboard). */
  api: string;
  edgeUrl: string;
  queryUrl: string;
  queues: SandboxQueue[];
  /** The table stream's consumer (the aggregator's event source). */
  stream: StreamPoller;
  /** Units per partition per second, as the edge measured them. */
  meter: PartitionMeter;
  /** Items and units DynamoDB reads returned, in total since the last reset. */
  reads: ReadTally;
  /** Resolves when every queue is drained, the stream consumer has caught up and the demo (if any) is in. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** The demo data's state, as `/health` reports it (`RADAR_SANDBOX_DEMO`, read by the query handler). */
export type DemoState = 'loading' | 'loaded' | 'off';

export const sandboxEnv = (edgePort: number): Record<string, string> => ({
  AWS_ENDPOINT_URL: `http://${SANDBOX.host}:${edgePort}`,
  AWS_REGION: SANDBOX.region,
  AWS_DEFAULT_REGION: SANDBOX.region,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  TABLE_NAME,
  BUCKET_NAME,
  POWERTOOLS_SERVICE_NAME: 'sanctions-radar',
  POWERTOOLS_METRICS_NAMESPACE: 'SanctionsRadar',
  POWERTOOLS_DEV: 'true',
  // Node 20 is supported by the pinned SDK; the README says when to move to 22. One warning there is enough.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

/** The table's key attributes, for the edge's partition metering and transaction conflicts. */
export const TABLE_KEYS: Record<string, TableKeys> = {
  [TABLE_NAME]: {
    partitionKey: TABLE.partitionKey,
    sortKey: TABLE.sortKey,
    indexes: Object.fromEntries(
      TABLE.indexes.map((ix) => [ix.name, { partitionKey: ix.partitionKey, sortKey: ix.sortKey }]),
    ),
  },
};

type SqsHandler = (e: SQSEvent, c: Context) => Promise<SQSBatchResponse | undefined>;
type HttpHandler = Parameters<typeof serveFunctionUrl>[0];

/**
 * Fails fast, and says what to do, when the data folder cannot be written (a read-only mount, a folder of another
 * user): the alternative was a sandbox that started and then failed its first write.
 */
export function checkWritable(dir: string): void {
  const probe = join(dir, `.write-check-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, 'ok');
    unlinkSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(
      `the data directory ${dir} is not writable (${code}: ${(err as Error).message}).\n` +
        '  Make it writable, choose another with --data-dir DIR, or run with --memory (nothing kept on disk).',
    );
  }
}

/** Writes a file whole or not at all; a failure (read-only or full disk) is returned, never thrown. */
function writeFileSafely(file: string, text: string): Error | undefined {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
    return undefined;
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* it was never written */
    }
    return err as Error;
  }
}

const DEFAULTS: SandboxOptions = {
  edgePort: SANDBOX.edgePort,
  queryPort: SANDBOX.queryPort,
  memory: false,
  demo: true,
  dataDir: SANDBOX.dataDir,
  visibilityMs: 3000,
  log: () => {},
};

/**
 * Starts the whole sandbox in this process and resolves when it is ready: the store, the S3 server, the queues and
 * the stream consumer are up, and a first `GET /counts/countries` has answered with counts. Demo data (if asked for)
 * is uploaded by then and still being ingested: `/health` says `"demo": "loading"` until it is in.
 */
export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  const opts: SandboxOptions = { ...DEFAULTS, ...options };
  const stops: { name: string; run: () => Promise<void> }[] = [];
  const queuesRef: SandboxQueue[] = [];
  const onStop = (name: string, run: () => Promise<void>) => stops.push({ name, run });
  // Each part gets a few seconds to stop cleanly; one that hangs is reported and passed over, so Ctrl-C always ends.
  const stopAll = async () => {
    for (const { name, run } of stops.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), 5000)));
      const outcome = await Promise.race([run().catch(() => undefined), late]);
      clearTimeout(timer);
      if (outcome === 'late')
        opts.log(
          `(${name} did not stop within 5 s; going on)${name === 'queues' ? ` in flight: ${JSON.stringify(queuesRef.flatMap((q) => q.inFlight()))}` : ''}`,
        );
    }
  };
  // What /health waits for, part by part.
  const checks: Record<string, string> = {
    store: 'starting',
    s3: 'starting',
    queues: 'starting',
    stream: 'starting',
    counts: 'waiting',
  };
  let ready = false;
  // Without demo data /health says nothing of it (as on AWS).
  const setDemo = (state: DemoState) => {
    if (state === 'off') delete process.env.RADAR_SANDBOX_DEMO;
    else process.env.RADAR_SANDBOX_DEMO = state;
  };
  let demoDone: Promise<void> = Promise.resolve();
  try {
    await assertPortFree(SANDBOX.host, opts.edgePort, 'SANDBOX_PORT');
    await assertPortFree(SANDBOX.host, opts.queryPort, 'QUERY_PORT');
    const dataDir = resolve(opts.dataDir);
    if (!opts.memory) checkWritable(dataDir);

    // Env first: handler modules read their config once, at import (cold start).
    Object.assign(process.env, sandboxEnv(opts.edgePort), {
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    setDemo(opts.demo ? 'loading' : 'off');

    checkJava();
    const upstream = { s3Port: 0, dynamoPort: 0 };

    const queues: SandboxQueue[] = queuesRef;
    const queueFile = join(dataDir, 'queues.json');
    let saved: Record<string, Parameters<SandboxQueue['restore']>[0]> = {};
    if (!opts.memory && existsSync(queueFile)) {
      try {
        saved = JSON.parse(readFileSync(queueFile, 'utf8'));
      } catch (err) {
        opts.log(`✗ ${queueFile} could not be read (${(err as Error).message}); starting with empty queues`);
      }
    }
    for (const route of INGEST_ROUTES) {
      const mod = (await import(pathToFileURL(join(ROOT, 'functions', route.name, 'handler.ts')).href)) as {
        handler: SqsHandler;
      };
      const q = new SandboxQueue({
        name: `${route.name}-queue`,
        region: SANDBOX.region,
        batchSize: route.batchSize,
        visibilityTimeoutMs: opts.visibilityMs,
        functionTimeoutMs: route.timeoutSeconds * 1000,
        maxReceiveCount: MAX_RECEIVE_COUNT,
        concurrency: 2,
        handler: async (event, context) => {
          const started = Date.now();
          const res = await mod.handler(event, context);
          const failed = res?.batchItemFailures?.length ?? 0;
          for (const r of event.Records)
            logRecord(opts.log, route.name, r.body, failed ? 'retry' : 'ok', Date.now() - started);
          return res;
        },
        onDeadLetter: (m, reason) => opts.log(`✗ ${route.name}: message ${m.messageId} dead-lettered: ${reason}`),
        onError: (err) => opts.log(`✗ ${route.name}: ${err instanceof Error ? err.message : String(err)} (will retry)`),
      });
      q.restore(saved[q.arn] ?? {});
      queues.push(q);
    }
    const routeFor = (key: string) => INGEST_ROUTES.findIndex((r) => key.startsWith(r.prefix));

    const s3Client = new S3Client({
      endpoint: `http://${SANDBOX.host}:${opts.edgePort}`,
      region: SANDBOX.region,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const onObjectChange = (change: ObjectChange) => {
      if (change.bucket !== BUCKET_NAME) return;
      const i = routeFor(change.key);
      if (i < 0) {
        // An upload outside the trigger prefixes does nothing, as on AWS (the notifications filter by prefix); say so,
        // since a mistyped key otherwise looks like a lost file (issue 12). The functions' own outputs are not uploads.
        const own = Object.values(OUTPUT_PREFIXES).some((p: string) => change.key.startsWith(p));
        if (!own && change.eventName.startsWith('ObjectCreated'))
          opts.log(
            `· ${change.key}: not ingested (only keys under ${INGEST_ROUTES.map((r) => r.prefix).join(' or ')} are)`,
          );
        return;
      }
      void (async () => {
        let size: number | undefined;
        let eTag = change.eTag;
        if (change.eventName.startsWith('ObjectCreated')) {
          const head = await s3Client
            .send(new HeadObjectCommand({ Bucket: change.bucket, Key: change.key }))
            .catch(() => undefined);
          size = head?.ContentLength;
          eTag ??= head?.ETag?.replace(/"/g, '');
        }
        const record = buildS3EventRecord(change, {
          size,
          eTag,
          region: SANDBOX.region,
          configurationId: INGEST_ROUTES[i]!.name,
        });
        queues[i]!.send(JSON.stringify({ Records: [record] }));
      })().catch((err) => opts.log(`✗ S3 event for ${change.key} not queued: ${String(err)}`));
    };

    const faults: Faults = { throttle: 0, error: 0, transactionDelayMs: 0 };
    const meter = new PartitionMeter();
    const reads = new ReadTally();
    let stream: StreamPoller | undefined;
    const settle = async () => {
      // Queue handlers write what the stream consumer reads; repeat until both are quiet at once.
      for (;;) {
        await demoDone;
        await Promise.all(queues.map((q) => q.whenIdle()));
        await stream?.whenCaughtUp();
        if (queues.every((q) => q.idle)) return;
      }
    };
    const edge: Server = await startEdge({
      faults,
      host: SANDBOX.host,
      port: opts.edgePort,
      upstream,
      onObjectChange,
      tables: TABLE_KEYS,
      meter,
      reads,
      log: opts.log,
      sandboxRoute: async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://edge');
        const json = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body, null, 2));
        };
        const readBody = async () => {
          let body = '';
          for await (const c of req) body += c;
          return JSON.parse(body || '{}') as Record<string, unknown>;
        };
        if (url.pathname === '/_sandbox/status') {
          return json(200, {
            ready,
            checks,
            demo: process.env.RADAR_SANDBOX_DEMO ?? 'off',
            queues: queues.map((q) => q.stats()),
            streams: stream ? [stream.stats()] : [],
            deadLetters: [
              ...queues.flatMap((q) =>
                q.deadLetters.map((d) => ({
                  queue: q.stats().name,
                  messageId: d.messageId,
                  reason: d.reason,
                  body: d.body,
                })),
              ),
              ...(stream?.deadLetters ?? []).map((d) => ({
                queue: `${STREAM_CONSUMER.name}-stream`,
                messageId: `${d.shardId}/${d.firstSequenceNumber}`,
                reason: d.reason,
                body: JSON.stringify({
                  shardId: d.shardId,
                  first: d.firstSequenceNumber,
                  last: d.lastSequenceNumber,
                  records: d.records,
                }),
              })),
            ],
            hotKeys: meter.report(Number(url.searchParams.get('hotKeys') ?? 10)),
            reads: reads.totals(),
          });
        }
        if (url.pathname === '/_sandbox/reads') {
          // Totals of what DynamoDB reads returned (items read and returned, units, calls): a benchmark reads them
          // before and after one request to a quiet sandbox to learn what that request read.
          if (req.method === 'POST' || req.method === 'DELETE') reads.reset();
          return json(200, reads.totals());
        }
        if (url.pathname === '/_sandbox/hot-keys') {
          if (req.method === 'POST' || req.method === 'DELETE') {
            meter.reset();
            return json(200, meter.report());
          }
          return json(200, meter.report(Math.min(Number(url.searchParams.get('limit') ?? 20) || 20, 1000)));
        }
        if (url.pathname === '/_sandbox/idle') {
          // Long-poll until every queue is drained and the stream consumer caught up (tests use it, not sleeps).
          const timeout = Math.min(Number(url.searchParams.get('timeoutMs') ?? 30_000), 300_000);
          const idle = await Promise.race([
            settle().then(() => true),
            new Promise<boolean>((r) => setTimeout(() => r(false), timeout).unref()),
          ]);
          return json(idle ? 200 : 504, {
            idle,
            queues: queues.map((q) => q.stats()),
            streams: stream ? [stream.stats()] : [],
          });
        }
        if (url.pathname === '/_sandbox/faults' && req.method === 'POST') {
          // Fault injection for tests: {"throttle": 0.1, "error": 0.05} fails that share of DynamoDB writes;
          // {"transactionDelayMs": 200} holds each transaction's items that long (a window for conflicts).
          const f = (await readBody()) as Partial<Faults>;
          for (const k of ['throttle', 'error'] as const)
            if (typeof f[k] === 'number' && f[k]! >= 0 && f[k]! <= 1) faults[k] = f[k]!;
          if (typeof f.transactionDelayMs === 'number' && f.transactionDelayMs >= 0 && f.transactionDelayMs <= 10_000)
            faults.transactionDelayMs = f.transactionDelayMs;
          return json(200, faults);
        }
        if (url.pathname === '/_sandbox/redrive' && req.method === 'POST') {
          return json(200, { redriven: queues.reduce((n, q) => n + q.redrive(), 0) + (stream?.redrive() ?? 0) });
        }
        return json(404, {
          error: 'unknown sandbox route',
          routes: [
            '/_sandbox/status',
            '/_sandbox/idle',
            '/_sandbox/hot-keys',
            'POST /_sandbox/hot-keys (reset)',
            '/_sandbox/reads',
            'POST /_sandbox/reads (reset)',
            'POST /_sandbox/redrive',
            'POST /_sandbox/faults',
          ],
        });
      },
    }).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'EADDRINUSE'
        ? new Error(
            `port ${opts.edgePort} is taken (another sandbox or LocalStack running?). Stop it, or set SANDBOX_PORT.`,
          )
        : err;
    });
    onStop(
      'edge',
      () =>
        new Promise<void>((r) => {
          edge.close(() => r());
          edge.closeAllConnections();
        }),
    );

    const queryMod = (await import(pathToFileURL(join(ROOT, 'functions', 'query', 'handler.ts')).href)) as {
      handler: HttpHandler;
    };
    const waiting = () => {
      const parts = Object.entries(checks).filter(([, v]) => v !== 'up');
      return ready
        ? undefined
        : {
            detail: `the sandbox is starting: waiting for ${parts.map(([k]) => k).join(', ') || 'a first count'}`,
            checks: { ...checks },
          };
    };
    const query = await serveFunctionUrl(queryMod.handler, SANDBOX.host, opts.queryPort, waiting).catch(
      (err: NodeJS.ErrnoException) => {
        throw err.code === 'EADDRINUSE'
          ? new Error(`port ${opts.queryPort} is taken. Stop what uses it, or set QUERY_PORT.`)
          : err;
      },
    );
    onStop(
      'query API',
      () =>
        new Promise<void>((r) => {
          query.close(() => r());
          query.closeAllConnections();
        }),
    );
    const queryAddr = query.address();
    const queryPort = typeof queryAddr === 'object' && queryAddr ? queryAddr.port : opts.queryPort;
    const edgeAddr = edge.address();
    const edgePort = typeof edgeAddr === 'object' && edgeAddr ? edgeAddr.port : opts.edgePort;

    // The user's ports are ours now; the servers behind the edge take free ports of their own.
    const dynamo: DynamoDbLocal = await startDynamoDbLocal(opts.memory ? undefined : join(dataDir, 'dynamodb'));
    onStop('DynamoDB Local', () => dynamo.stop());
    const s3: S3Server = await startS3Server(opts.memory ? undefined : join(dataDir, 's3'), opts.log);
    onStop('S3 server', () => s3.stop());
    upstream.s3Port = s3.port;
    upstream.dynamoPort = dynamo.port;

    const { streamArn } = await createResources(opts.edgePort);
    checks.store = 'up';
    checks.s3 = 'up';

    for (const q of queues) q.start();
    checks.queues = 'up';
    let persistTimer: NodeJS.Timeout | undefined;
    if (!opts.memory) {
      let failing = false;
      const persist = () => {
        const err = writeFileSafely(
          queueFile,
          JSON.stringify(Object.fromEntries(queues.map((q) => [q.arn, q.snapshot()]))),
        );
        // Said once when saving starts failing and once when it works again, not every 500 ms.
        if (err && !failing) opts.log(`✗ could not save the queues to ${queueFile}: ${err.message} (will keep trying)`);
        if (!err && failing) opts.log(`✓ saving the queues to ${queueFile} works again`);
        failing = !!err;
      };
      persistTimer = setInterval(persist, 500);
      persistTimer.unref();
      onStop('queue persistence', async () => persist());
    }
    onStop('queues', async () => {
      if (persistTimer) clearInterval(persistTimer);
      await Promise.all(queues.map((q) => q.stop()));
    });

    const consumer = (await import(
      pathToFileURL(join(ROOT, 'functions', STREAM_CONSUMER.name, 'handler.ts')).href
    )) as { handler: StreamHandler };
    stream = new StreamPoller({
      name: STREAM_CONSUMER.name,
      streamArn,
      region: SANDBOX.region,
      api: localStreamsApi(`http://127.0.0.1:${dynamo.port}`, SANDBOX.region),
      handler: consumer.handler,
      batchSize: STREAM_CONSUMER.batchSize,
      maxBatchingWindowMs: STREAM_CONSUMER.maxBatchingWindowSeconds * 1000,
      maxRetryAttempts: STREAM_CONSUMER.maxRetryAttempts,
      filter: STREAM_CONSUMER.filter,
      functionTimeoutMs: STREAM_CONSUMER.timeoutSeconds * 1000,
      ...(opts.memory ? {} : { stateFile: join(dataDir, 'stream-position.json') }),
      log: opts.log,
    });
    stream.start();
    const poller = stream;
    onStop('stream consumer', () => poller.stop());
    checks.stream = 'up';

    await firstCounts(queryMod.handler, checks);

    const edgeUrl = `http://${SANDBOX.host}:${edgePort}`;
    const queryUrl = `http://${SANDBOX.host}:${queryPort}`;
    const marker = join(dataDir, '.demo-loaded');
    if (opts.demo && (opts.memory || !existsSync(marker))) {
      const n = await loadDemo(edgeUrl);
      opts.log(`demo data: uploaded ${n} files from demo/ (they are being ingested now)`);
      if (!opts.memory) {
        const err = writeFileSafely(marker, new Date().toISOString());
        if (err) opts.log(`✗ could not record that the demo is loaded: ${err.message}`);
      }
      // Not awaited by start: the demo is ingested while the sandbox already answers.
      demoDone = (async () => {
        await Promise.all(queues.map((q) => q.whenIdle()));
        await stream?.whenCaughtUp();
        setDemo('loaded');
        opts.log('demo data: ingested');
      })();
    } else setDemo(opts.demo ? 'loaded' : 'off');
    // Ready once the demo files (if any) are uploaded: from here `idle` waits for their ingest too.
    ready = true;

    return {
      edge: edgeUrl,
      api: queryUrl,
      edgeUrl,
      queryUrl,
      queues,
      stream,
      meter,
      reads,
      idle: settle,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * Asks the query function itself for the country counts, as a first user would, until it answers with counts: the
 * sandbox is not "ready" before that (a store that is up but a table that is not yet usable answers 500s).
 */
async function firstCounts(handler: HttpHandler, checks: Record<string, string>): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = '';
  for (;;) {
    try {
      const now = new Date();
      const event: APIGatewayProxyEventV2 = {
        version: '2.0',
        routeKey: '$default',
        rawPath: '/counts/countries',
        rawQueryString: 'limit=1',
        queryStringParameters: { limit: '1' },
        headers: { host: 'sandbox' },
        isBase64Encoded: false,
        requestContext: {
          accountId: 'anonymous',
          apiId: 'sandbox',
          domainName: 'sandbox',
          domainPrefix: 'sandbox',
          http: {
            method: 'GET',
            path: '/counts/countries',
            protocol: 'HTTP/1.1',
            sourceIp: '127.0.0.1',
            userAgent: 'sandbox',
          },
          requestId: 'sandbox-readiness',
          routeKey: '$default',
          stage: '$default',
          time: now.toUTCString(),
          timeEpoch: now.getTime(),
        },
      };
      const r = await handler(event, lambdaContext('query', 10_000));
      const res = typeof r === 'string' ? { statusCode: 200, body: r } : r;
      const body = JSON.parse(String(res.body ?? '{}')) as { items?: unknown[] };
      if ((res.statusCode ?? 200) === 200 && Array.isArray(body.items)) {
        checks.counts = 'up';
        return;
      }
      last = `${res.statusCode}: ${String(res.body).slice(0, 200)}`;
    } catch (err) {
      last = String(err);
    }
    if (Date.now() > deadline) throw new Error(`the query API did not answer counts within 60 s: ${last}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function createResources(edgePort: number): Promise<{ streamArn: string }> {
  const env = sandboxEnv(edgePort);
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const ddb = new DynamoDBClient({ endpoint: env.AWS_ENDPOINT_URL, region: SANDBOX.region, credentials });
  const streamSpec = { StreamEnabled: true, StreamViewType: TABLE.stream };
  let streamArn: string | undefined;
  try {
    try {
      await ddb.send(
        new CreateTableCommand({
          TableName: TABLE_NAME,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
            { AttributeName: TABLE.sortKey, AttributeType: 'S' },
            // Indexes share key attributes (gsiMentions and gsiArticles both use erpk): each is defined once.
            ...[
              ...new Map<string, { AttributeName: string; AttributeType: 'S' | 'N' }>(
                TABLE.indexes.flatMap((ix) => [
                  [ix.partitionKey, { AttributeName: ix.partitionKey, AttributeType: 'S' }],
                  [ix.sortKey, { AttributeName: ix.sortKey, AttributeType: ix.sortKeyType }],
                ]),
              ).values(),
            ],
          ],
          KeySchema: [
            { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: TABLE.indexes.map((ix) => ({
            IndexName: ix.name,
            KeySchema: [
              { AttributeName: ix.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: ix.sortKey, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
          StreamSpecification: streamSpec,
        }),
      );
      await ddb.send(
        new UpdateTimeToLiveCommand({
          TableName: TABLE_NAME,
          TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
        }),
      );
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
    const table = (await ddb.send(new DescribeTableCommand({ TableName: TABLE_NAME }))).Table;
    streamArn = table?.LatestStreamArn;
    // A data folder from before the table had a stream: turn it on (the stream starts now; older items are not in it).
    if (!table?.StreamSpecification?.StreamEnabled) {
      const out = await ddb.send(new UpdateTableCommand({ TableName: TABLE_NAME, StreamSpecification: streamSpec }));
      streamArn = out.TableDescription?.LatestStreamArn;
    }
  } finally {
    ddb.destroy();
  }
  if (!streamArn) throw new Error(`table ${TABLE_NAME} has no stream after enabling it`);
  const s3 = new S3Client({
    endpoint: env.AWS_ENDPOINT_URL,
    region: SANDBOX.region,
    forcePathStyle: true,
    credentials,
  });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET_NAME }));
  } catch (err) {
    const name = (err as Error).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
  } finally {
    s3.destroy();
  }
  return { streamArn };
}

/** Uploads every file under demo/ (keys = paths below demo/) through the edge, so they take the real path. */
async function loadDemo(edgeUrl: string): Promise<number> {
  const dir = join(ROOT, 'demo');
  if (!existsSync(dir)) return 0;
  const files = (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => join(dir, f))
    .filter(
      (f) => /^(articles|sanctions)\//.test(relative(dir, f)) && !/(PROVENANCE|README)\.md$/.test(f) && !readdirSafe(f),
    );
  const s3 = new S3Client({
    endpoint: edgeUrl,
    region: SANDBOX.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  for (const f of files) {
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET_NAME, Key: relative(dir, f).split('\\').join('/'), Body: readFileSync(f) }),
    );
  }
  s3.destroy();
  return files.length;
}

function readdirSafe(f: string): boolean {
  try {
    readdirSync(f);
    return true;
  } catch {
    return false;
  }
}

function logRecord(log: (l: string) => void, fn: string, body: string, outcome: string, ms: number): void {
  try {
    const rec = JSON.parse(body).Records?.[0];
    const key = rec ? decodeURIComponent(String(rec.s3.object.key).replace(/\+/g, ' ')) : '?';
    log(
      `${outcome === 'ok' ? '✓' : '↻'} ${fn}: ${rec?.eventName ?? 'event'} ${key} (${ms} ms${outcome === 'ok' ? '' : ', retrying'})`,
    );
  } catch {
    log(`${outcome} ${fn}`);
  }
}

function intEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${v}"`);
  return n;
}

const STORAGE_ERRORS = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'ENAMETOOLONG',
  'EMFILE',
  'ENFILE',
]);

const HELP = `Usage: npm start [-- options]

Starts the embedded sandbox: an AWS edge (S3 + DynamoDB APIs), the ingest functions fed by S3 events through
SQS-like queues, and the query API. Demo data is loaded on first start.

Options:
  --memory         keep nothing on disk (default: data persists under .sandbox/)
  --no-demo        do not load the demo files
  --data-dir DIR   where to keep data (default: .sandbox)
  --visibility S   seconds before a failed message is retried (default: 3)
  -h, --help       show this help

Environment:
  SANDBOX_PORT     AWS edge port (default ${SANDBOX.edgePort}); QUERY_PORT  query API port (default ${SANDBOX.queryPort})
`;

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      memory: { type: 'boolean', default: false },
      demo: { type: 'boolean', default: true },
      'no-demo': { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: SANDBOX.dataDir },
      visibility: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowNegative: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const edgePort = intEnv('SANDBOX_PORT', SANDBOX.edgePort);
  const queryPort = intEnv('QUERY_PORT', SANDBOX.queryPort);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const log = (l: string) => process.stdout.write(`${l}\n`);
  log('starting the sandbox (DynamoDB Local, S3 server, edge, queues, query API)…');
  const started = Date.now();
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({
      edgePort,
      queryPort,
      memory: values.memory!,
      demo: values.demo! && !values['no-demo'],
      dataDir: values['data-dir']!,
      visibilityMs: Number(values.visibility) * 1000,
      log,
    });
  } catch (err) {
    process.stderr.write(`sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
    return;
  }
  const e = sandbox.edgeUrl;
  const qu = sandbox.queryUrl;
  log(`
sanctions-radar sandbox ready in ${((Date.now() - started) / 1000).toFixed(1)} s${values.memory ? ' (in memory)' : ` (data in ${values['data-dir']}/)`}
  AWS edge (S3 + DynamoDB): ${e}      bucket: ${BUCKET_NAME}   table: ${TABLE_NAME}
  Query API + dashboard:    ${qu}

Drop a file in:
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \\
    aws --endpoint-url ${e} s3 cp my-article.txt s3://${BUCKET_NAME}/articles/my-article.txt
Query:
  curl ${qu}/counts/countries
  curl ${qu}/ingests
Sandbox status (queues, stream, dead letters, hottest partitions, items read): curl ${e}/_sandbox/status

Ctrl-C stops everything.
`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: stopping the sandbox…`);
    sandbox.stop().then(
      () => {
        log('stopped.');
        process.exit(0);
      },
      (err) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  // Started by a test or a tool (SANDBOX_EXIT_WITH_PARENT=1): stop when that parent dies, never linger as an orphan.
  if (process.env.SANDBOX_EXIT_WITH_PARENT === '1') {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) shutdown('parent exited');
    }, 1000).unref();
  }
  // Last line of defence: a storage error that escaped a handler (a disk turned read-only or full) is logged, and the
  // sandbox goes on serving; anything else is a bug and ends it, as Node would.
  process.on('uncaughtException', (err: NodeJS.ErrnoException) => {
    if (err.code && STORAGE_ERRORS.has(err.code)) {
      process.stderr.write(`✗ storage error (the sandbox keeps running; that request failed): ${err.message}\n`);
      return;
    }
    process.stderr.write(`sandbox crashed: ${err.stack ?? String(err)}\n`);
    process.exit(1);
  });
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main();
}
