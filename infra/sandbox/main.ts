import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { BUCKET_NAME, INGEST_ROUTES, MAX_RECEIVE_COUNT, SANDBOX, TABLE, TABLE_NAME } from '../../shared/resources.ts';
import { checkJava, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { startEdge, type ObjectChange } from './edge.ts';
import { serveFunctionUrl } from './http.ts';
import { assertPortFree } from './ports.ts';
import { SandboxQueue } from './queue.ts';
import { startS3Server, type S3Server } from './s3-server.ts';
import { buildS3EventRecord } from './s3-events.ts';

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

export interface Sandbox {
  edgeUrl: string;
  queryUrl: string;
  queues: SandboxQueue[];
  stop(): Promise<void>;
}

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

type SqsHandler = (e: SQSEvent, c: Context) => Promise<SQSBatchResponse | undefined>;

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
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
  try {
    await assertPortFree(SANDBOX.host, opts.edgePort, 'SANDBOX_PORT');
    await assertPortFree(SANDBOX.host, opts.queryPort, 'QUERY_PORT');
    const dataDir = resolve(opts.dataDir);
    if (!opts.memory) mkdirSync(dataDir, { recursive: true });

    // Env first: handler modules read their config once, at import (cold start).
    Object.assign(process.env, sandboxEnv(opts.edgePort), {
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });

    checkJava();
    const upstream = { s3Port: 0, dynamoPort: 0 };

    const queues: SandboxQueue[] = queuesRef;
    const queueFile = join(dataDir, 'queues.json');
    const saved = !opts.memory && existsSync(queueFile) ? JSON.parse(readFileSync(queueFile, 'utf8')) : {};
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
      if (i < 0) return;
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
      })();
    };

    const faults = { throttle: 0, error: 0 };
    const edge: Server = await startEdge({
      faults,
      host: SANDBOX.host,
      port: opts.edgePort,
      upstream,
      onObjectChange,
      sandboxRoute: async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://edge');
        const json = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body, null, 2));
        };
        if (url.pathname === '/_sandbox/status') {
          return json(200, {
            queues: queues.map((q) => q.stats()),
            deadLetters: queues.flatMap((q) =>
              q.deadLetters.map((d) => ({
                queue: q.stats().name,
                messageId: d.messageId,
                reason: d.reason,
                body: d.body,
              })),
            ),
          });
        }
        if (url.pathname === '/_sandbox/idle') {
          // Long-poll until every queue is drained (tests use it instead of sleeping).
          const timeout = Math.min(Number(url.searchParams.get('timeoutMs') ?? 30_000), 300_000);
          const idle = await Promise.race([
            Promise.all(queues.map((q) => q.whenIdle())).then(() => true),
            new Promise<boolean>((r) => setTimeout(() => r(false), timeout).unref()),
          ]);
          return json(idle ? 200 : 504, { idle, queues: queues.map((q) => q.stats()) });
        }
        if (url.pathname === '/_sandbox/faults' && req.method === 'POST') {
          // Fault injection for tests: {"throttle": 0.1, "error": 0.05} fails that share of DynamoDB writes.
          let body = '';
          for await (const c of req) body += c;
          const f = JSON.parse(body || '{}') as Partial<typeof faults>;
          for (const k of ['throttle', 'error'] as const)
            if (typeof f[k] === 'number' && f[k]! >= 0 && f[k]! <= 1) faults[k] = f[k]!;
          return json(200, faults);
        }
        if (url.pathname === '/_sandbox/redrive' && req.method === 'POST') {
          return json(200, { redriven: queues.reduce((n, q) => n + q.redrive(), 0) });
        }
        return json(404, {
          error: 'unknown sandbox route',
          routes: ['/_sandbox/status', '/_sandbox/idle', 'POST /_sandbox/redrive', 'POST /_sandbox/faults'],
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
      handler: Parameters<typeof serveFunctionUrl>[0];
    };
    const query = await serveFunctionUrl(queryMod.handler, SANDBOX.host, opts.queryPort).catch(
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

    // The user's ports are ours now; the servers behind the edge take free ports of their own.
    const dynamo: DynamoDbLocal = await startDynamoDbLocal(opts.memory ? undefined : join(dataDir, 'dynamodb'));
    onStop('DynamoDB Local', () => dynamo.stop());
    const s3: S3Server = await startS3Server(opts.memory ? undefined : join(dataDir, 's3'));
    onStop('S3 server', () => s3.stop());
    upstream.s3Port = s3.port;
    upstream.dynamoPort = dynamo.port;

    await createResources(opts.edgePort);

    for (const q of queues) q.start();
    let persistTimer: NodeJS.Timeout | undefined;
    if (!opts.memory) {
      const persist = () =>
        writeFileSync(queueFile, JSON.stringify(Object.fromEntries(queues.map((q) => [q.arn, q.snapshot()]))));
      persistTimer = setInterval(persist, 500);
      persistTimer.unref();
      onStop('queue persistence', async () => persist());
    }
    onStop('queues', async () => {
      if (persistTimer) clearInterval(persistTimer);
      await Promise.all(queues.map((q) => q.stop()));
    });

    const edgeUrl = `http://${SANDBOX.host}:${opts.edgePort}`;
    const marker = join(dataDir, '.demo-loaded');
    if (opts.demo && (opts.memory || !existsSync(marker))) {
      const n = await loadDemo(edgeUrl);
      opts.log(`demo data: uploaded ${n} files from demo/ (they are being ingested now)`);
      if (!opts.memory) writeFileSync(marker, new Date().toISOString());
    }

    return { edgeUrl, queryUrl: `http://${SANDBOX.host}:${opts.queryPort}`, queues, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function createResources(edgePort: number): Promise<void> {
  const env = sandboxEnv(edgePort);
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const ddb = new DynamoDBClient({ endpoint: env.AWS_ENDPOINT_URL, region: SANDBOX.region, credentials });
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName: TABLE_NAME,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE.sortKey, AttributeType: 'S' },
          ...TABLE.indexes.flatMap((ix) => [
            { AttributeName: ix.partitionKey, AttributeType: 'S' as const },
            { AttributeName: ix.sortKey, AttributeType: 'S' as const },
          ]),
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
  } finally {
    ddb.destroy();
  }
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
Sandbox status (queues, dead letters): curl ${e}/_sandbox/status

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
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main();
}
