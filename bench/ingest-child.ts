/**
 * One list ingest (or one raw BatchWriteItem ceiling run) in a process of its own, so its peak RSS is the ingest's and
 * nothing else's. Talks to a running sandbox's edge (S3 + DynamoDB). Prints one JSON line.
 *
 *   node --import tsx bench/ingest-child.ts '{"mode":"ingest","edgePort":4566,"key":"bench/x.xml"}'
 *   node --import tsx bench/ingest-child.ts '{"mode":"ceiling","edgePort":4566,"items":20000,"parallel":16}'
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient, makeS3Client } from '../shared/adapters/aws.ts';
import { makeDynamoCanonicalStore } from '../shared/adapters/dynamo-canonical-store.ts';
import { makeDynamoStore } from '../shared/adapters/dynamo-store.ts';
import { makeS3Source } from '../shared/adapters/s3-source.ts';
import { loadConfig } from '../shared/config.ts';
import { describeExpectedFormats, detectListFormat } from '../shared/domain/sanctions/detect.ts';
import { startListDelta } from '../shared/ingest/list-delta.ts';
import { keyCollectorFor, type ResolveRun, resolveListVersion } from '../shared/ingest/resolve-lists.ts';
import type { ListPointer } from '../shared/domain/stored.ts';
import { reconcileSanctionsObject } from '../shared/ingest/sanctions.ts';
import { BUCKET_NAME, SANDBOX, TABLE_NAME } from '../shared/resources.ts';

interface Job {
  mode: 'ingest' | 'ceiling';
  edgePort: number;
  key?: string;
  items?: number;
  parallel?: number;
  /** Item shape for the ceiling: a real entity item, renamed per write. */
  sample?: Record<string, unknown>;
  /**
   * `bare`: the ingest without its change set and without cross-list resolution (the baseline their cost is measured
   * against); otherwise both, as the list function runs them, resolution timed on its own.
   */
  bare?: boolean;
}

/**
 * The bare baseline's change set: none computed (the version is taken as a list's first: nothing read, nothing
 * compared), but its digest still written, as every version's is, so the next version is judged as in production.
 */
const noDelta: typeof startListDelta = (a) => startListDelta({ ...a, current: undefined });

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const config = loadConfig({
  ...process.env,
  AWS_ENDPOINT_URL: `http://${SANDBOX.host}:${job.edgePort}`,
  AWS_REGION: SANDBOX.region,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  TABLE_NAME,
  BUCKET_NAME,
});
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
const doc = makeDocumentClient(config);

async function ingest(key: string) {
  const source = makeS3Source(makeS3Client(config), config.BUCKET_NAME);
  const store = makeDynamoStore(doc, config.TABLE_NAME);
  const canonical = makeDynamoCanonicalStore(store);
  let resolveSeconds = 0;
  const resolve = async (run: ResolveRun) => {
    const t = performance.now();
    await resolveListVersion(run, { store: canonical });
    resolveSeconds += (performance.now() - t) / 1000;
  };
  const t0 = performance.now();
  const status = await reconcileSanctionsObject(
    { bucket: BUCKET_NAME, key, eventName: 'ObjectCreated:Put', eventTime: new Date().toISOString() },
    // No name-index rebuild or relink here: they are the article side's cost, measured there. Cross-list resolution
    // runs as the list function runs it (unless bare), timed apart.
    {
      source,
      store,
      detect: detectListFormat,
      describeExpected: describeExpectedFormats,
      maxBytes: config.MAX_OBJECT_BYTES,
      shrinkGuard: config.SHRINK_GUARD,
      ...(job.bare
        ? { listDelta: noDelta }
        : {
            onListVersionChanged: resolve,
            collectKeys: (l: string, v: string, c: ListPointer | undefined) => keyCollectorFor(canonical, l, v, c),
          }),
    },
  );
  return {
    // The ingest with its change set, resolution apart (it runs after the swap: `resolveSeconds`).
    seconds: (performance.now() - t0) / 1000 - resolveSeconds,
    resolveSeconds,
    status: status.status,
    written: status.records.written,
    rejected: status.records.rejected,
    error: status.error,
    format: status.format,
  };
}

/** The store's ceiling: BatchWriteItem of 25 with `parallel` batches in flight, nothing else. */
async function ceiling(items: number, parallel: number, sample: Record<string, unknown>) {
  const run = `${Date.now().toString(36)}${process.pid}`;
  const all = Array.from({ length: items }, (_, i) => ({
    PutRequest: { Item: { ...sample, pk: `BENCH#${run}#${i % 8}`, sk: `E#${i}`, sourceId: `c${i}` } },
  }));
  const batches: (typeof all)[] = [];
  for (let i = 0; i < all.length; i += 25) batches.push(all.slice(i, i + 25));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < batches.length) {
        let pending: unknown[] = batches[next++]!;
        while (pending.length) {
          const r = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE_NAME]: pending as never } }));
          pending = r.UnprocessedItems?.[TABLE_NAME] ?? [];
        }
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, written: items };
}

const out =
  job.mode === 'ingest'
    ? await ingest(job.key!)
    : await ceiling(job.items ?? 10_000, job.parallel ?? 16, job.sample ?? {});
// ru_maxrss is in KiB on Linux.
process.stdout.write(`${JSON.stringify({ ...out, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
doc.destroy();
