/**
 * What change sets and cross-list resolution add to list ingests (issue 11.7), on the team's real files, through the
 * real list ingest (`reconcileSanctionsObject`) against AWS's DynamoDB Local with the project's table (its indexes):
 * each list is ingested into one table bare (no change set, no resolution) and into another as the list function
 * runs it (change set while writing, resolution after the swap, against the lists ingested before it), then uploaded
 * again under another key (a second version: its change set compares every entity; resolution has nothing to do).
 * What resolution costs for a changed version is scripts/measure-resolution.ts's last column.
 * The lists arrive in the order below, so OFAC's resolution finds the UN entries, and so on.
 *
 *   node --import tsx scripts/measure-ingest-overhead.ts [--runs N] [--profile]
 *
 * `--runs N` repeats the whole sequence N times, each into fresh tables, and prints each figure's median (a shared
 * machine's load moves single runs by tens of per cent). `--profile` prints, per list, where its first resolution's
 * time went in the last run (scripts/lib/profile-canonical-store.ts).
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
import { profileCanonicalStore } from './lib/profile-canonical-store.ts';

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

// One DynamoDB Local each, started afresh for each run: in one process, the second table written to was about twice as
// slow as the first, whichever it was, so the two ingests (or two runs) would not be compared on equal terms.
type Local = Awaited<ReturnType<typeof startDynamoDbLocal>>;
let local = {} as Record<'bare' | 'full', Local>;
let clients = {} as Record<'bare' | 'full', DynamoDBClient>;
async function startLocals() {
  local = { bare: await startDynamoDbLocal(undefined), full: await startDynamoDbLocal(undefined) };
  clients = Object.fromEntries(
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
}
async function stopLocals() {
  for (const t of ['bare', 'full'] as const) {
    clients[t].destroy();
    await local[t].stop();
  }
}
const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
const runs = process.argv.includes('--runs') ? Number(arg('--runs')) : 1;
const profile = process.argv.includes('--profile');
const profiles: string[] = [];

const noDelta: typeof startListDelta = (a) => startListDelta({ ...a, current: undefined });

async function ingest(table: 'bare' | 'full', name: string, key: string, body: Buffer, profiled = false) {
  const store = makeDynamoStore(DynamoDBDocumentClient.from(clients[table]), name);
  const profiler = profileCanonicalStore(makeDynamoCanonicalStore(store));
  const canonical = profiled ? profiler.store : makeDynamoCanonicalStore(store);
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
  if (profiled) profiles.push(profiler.report(`${key}: resolution ${resolve.toFixed(2)} s`));
  return { seconds: (performance.now() - t0) / 1000 - resolve, resolve, entities: status.records.written };
}

const f = (x: number) => x.toFixed(2);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
type Figures = { entities: number; cells: number[] };
const results = new Map<string, Figures[]>();
for (let run = 0; run < runs; run++) {
  const name = 'radar';
  await startLocals();
  for (const t of ['bare', 'full'] as const) await clients[t].send(new CreateTableCommand(tableInput(name)));
  for (const file of FILES) {
    const body = readFileSync(sharedData(`sanctions/${file}`));
    const base = file.split('/').pop()!;
    const key = `sanctions/${file.split('/')[0]}/${base}`;
    // Which goes first alternates between runs (the first ingest of a file in a process runs colder code).
    const bareFirst = run % 2 === 1 ? await ingest('bare', name, key, body) : undefined;
    const full = await ingest('full', name, key, body, profile && run === runs - 1);
    const bare = bareFirst ?? (await ingest('bare', name, key, body));
    const key2 = `sanctions/${file.split('/')[0]}/v2/${base}`;
    const bare2 = await ingest('bare', name, key2, body);
    const full2 = await ingest('full', name, key2, body);
    const pct = (b: number, a: { seconds: number; resolve: number }) => ((a.seconds + a.resolve) / b - 1) * 100;
    results.set(file, [
      ...(results.get(file) ?? []),
      {
        entities: full.entities,
        cells: [
          bare.seconds,
          full.seconds,
          full.resolve,
          pct(bare.seconds, full),
          bare2.seconds,
          full2.seconds,
          full2.resolve,
          pct(bare2.seconds, full2),
        ],
      },
    ]);
  }
  await stopLocals();
}
console.log(runs > 1 ? `medians of ${runs} runs` : 'one run');
console.log(
  '| list file | entities | bare s | with change set s | resolution s | + % | again as a new version: bare s | change set s | resolution s | + % |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [file, rs] of results) {
  const cell = (i: number) => median(rs.map((x) => x.cells[i]!));
  const pc = (i: number) => cell(i).toFixed(0);
  console.log(
    `| ${file} | ${rs[0]!.entities} | ${f(cell(0))} | ${f(cell(1))} | ${f(cell(2))} | ${pc(3)} | ${f(cell(4))} | ${f(cell(5))} | ${f(cell(6))} | ${pc(7)} |`,
  );
}
if (profile) console.log(profiles.join('\n'));
process.exit(0);
