/**
 * What change sets and cross-list resolution add to list ingests (issue 11.7), on the team's real files, through the
 * real list ingest (`reconcileSanctionsObject`) against AWS's DynamoDB Local with the project's table (its indexes):
 * each list is ingested into one table bare (no change set, no resolution) and into another as the list function
 * runs it (change set while writing, resolution after the swap, against the lists ingested before it), then uploaded
 * again under another key (a second version: its change set compares every entity; resolution has nothing to do).
 * What resolution costs for a changed version is scripts/measure-resolution.ts's last column.
 * The lists arrive in the order below, so OFAC's resolution finds the UN entries, and so on.
 *
 *   node --import tsx scripts/measure-ingest-overhead.ts
 *
 * Needs ../shared/data (the team's files) and Java. Wall-clock figures: compare the columns of one run.
 */
import { readFileSync } from 'node:fs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../infra/sandbox/dynamodb-local.ts';
import { makeDynamoCanonicalStore } from '../shared/adapters/dynamo-canonical-store.ts';
import { makeDynamoStore } from '../shared/adapters/dynamo-store.ts';
import { describeExpectedFormats, detectListFormat } from '../shared/domain/sanctions/detect.ts';
import { startListDelta } from '../shared/ingest/list-delta.ts';
import { keyCollectorFor, type ResolveRun, resolveListVersion } from '../shared/ingest/resolve-lists.ts';
import type { ListPointer } from '../shared/domain/stored.ts';
import { reconcileSanctionsObject } from '../shared/ingest/sanctions.ts';
import { makeMemorySource } from '../test/helpers/memory-source.ts';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.ts';
import { tableInput } from '../test/helpers/table.ts';

if (!hasSharedData) {
  console.error('needs ../shared/data (the team folder beside the repository)');
  process.exit(1);
}

const FILES = [
  'un-sc/perchrh-2018/consolidated.xml',
  'ofac-sdn/watchman-2019/sdn.csv',
  'ofac-cons/perchrh-2018/consolidated.xml',
  'uk-ofsi/pabora8-2020/ConList.csv',
  'us-csl/watchman-2019/csl.csv',
  'us-bis-dpl/watchman/dpl.txt',
];

// One DynamoDB Local each: in one process, the second table written to was about twice as slow as the first, whichever
// it was, so the two ingests would not be compared on equal terms.
const local = { bare: await startDynamoDbLocal(undefined), full: await startDynamoDbLocal(undefined) };
const clients = Object.fromEntries(
  (['bare', 'full'] as const).map((t) => [
    t,
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${local[t].port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 10,
    }),
  ]),
) as Record<'bare' | 'full', DynamoDBClient>;
for (const t of ['bare', 'full'] as const) await clients[t].send(new CreateTableCommand(tableInput('radar')));

const noDelta: typeof startListDelta = (a) => startListDelta({ ...a, current: undefined });

async function ingest(table: 'bare' | 'full', key: string, body: Buffer) {
  const store = makeDynamoStore(DynamoDBDocumentClient.from(clients[table]), 'radar');
  const canonical = makeDynamoCanonicalStore(store);
  const s3 = makeMemorySource();
  await s3.source.put(key, body, 'application/octet-stream', { force: 'true' });
  let resolve = 0;
  const t0 = performance.now();
  const status = await reconcileSanctionsObject(
    { bucket: s3.source.bucket, key, eventName: 'ObjectCreated:Put', eventTime: new Date().toISOString() },
    {
      source: s3.source,
      store,
      detect: detectListFormat,
      describeExpected: describeExpectedFormats,
      maxBytes: 1e9,
      shrinkGuard: 0,
      ...(table === 'bare'
        ? { listDelta: noDelta }
        : {
            collectKeys: (l: string, v: string, c: ListPointer | undefined) => keyCollectorFor(canonical, l, v, c),
            onListVersionChanged: async (run: ResolveRun) => {
              const t = performance.now();
              await resolveListVersion(run, { store: canonical });
              resolve += (performance.now() - t) / 1000;
            },
          }),
    },
  );
  if (status.status !== 'done') throw new Error(`${key}: ${status.status} ${status.error ?? ''}`);
  return { seconds: (performance.now() - t0) / 1000 - resolve, resolve, entities: status.records.written };
}

const f = (x: number) => x.toFixed(2);
console.log(
  '| list file | entities | bare s | with change set s | resolution s | + % | again as a new version: bare s | change set s | resolution s | + % |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const file of FILES) {
  const body = readFileSync(sharedData(`sanctions/${file}`));
  const name = file.split('/').pop()!;
  const key = `sanctions/${file.split('/')[0]}/${name}`;
  const full = await ingest('full', key, body);
  const bare = await ingest('bare', key, body);
  const key2 = `sanctions/${file.split('/')[0]}/v2/${name}`;
  const bare2 = await ingest('bare', key2, body);
  const full2 = await ingest('full', key2, body);
  const pct = (b: number, a: { seconds: number; resolve: number }) =>
    (((a.seconds + a.resolve) / b - 1) * 100).toFixed(0);
  console.log(
    `| ${file} | ${full.entities} | ${f(bare.seconds)} | ${f(full.seconds)} | ${f(full.resolve)} | ${pct(bare.seconds, full)} | ${f(bare2.seconds)} | ${f(full2.seconds)} | ${f(full2.resolve)} | ${pct(bare2.seconds, full2)} |`,
  );
}
for (const t of ['bare', 'full'] as const) {
  clients[t].destroy();
  await local[t].stop();
}
process.exit(0);
