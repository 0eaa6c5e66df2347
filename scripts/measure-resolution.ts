/**
 * What cross-list resolution costs beside the list writes it follows (issue 11.7), on the team's real files and AWS's
 * DynamoDB Local: per list, the time to write its entities as the ingest does (BatchWriteItem), then the time of
 * resolving that version the first time, again unchanged (a re-upload), and a version with 1 % of entities changed.
 *
 *   node --import tsx scripts/measure-resolution.ts [--profile]
 *
 * The first resolution gets the version's keys as the ingest collects them (KeyCollector), as the list function runs
 * it. `--profile` adds, per list, where that first resolution's time went (scripts/lib/profile-canonical-store.ts).
 *
 * Needs ../shared/data (the team's files) and Java (DynamoDB Local). Figures are wall-clock on whatever machine runs
 * it: compare the columns with each other, not with another machine.
 */
import { readFileSync } from 'node:fs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../infra/sandbox/dynamodb-local.ts';
import { makeDynamoCanonicalStore } from '../shared/adapters/dynamo-canonical-store.ts';
import { makeDynamoStore } from '../shared/adapters/dynamo-store.ts';
import { decodeStream } from '../shared/domain/encoding.ts';
import { changeKey, listedEntityKey } from '../shared/domain/keys.ts';
import { mergeEntity } from '../shared/domain/list-aggregate.ts';
import type { ListedEntity } from '../shared/domain/model.ts';
import { detectListFormat } from '../shared/domain/sanctions/detect.ts';
import type { EntityPatch } from '../shared/domain/sanctions/types.ts';
import { KeyCollector, resolveListVersion } from '../shared/ingest/resolve-lists.ts';
import { profileCanonicalStore } from './lib/profile-canonical-store.ts';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.ts';

if (!hasSharedData) {
  console.error('needs ../shared/data (the team folder beside the repository)');
  process.exit(1);
}

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}
async function load(primary: string, parts: string[] = []): Promise<ListedEntity[]> {
  const open = (rel: string) => {
    const bytes = readFileSync(sharedData(`sanctions/${rel}`));
    const hint = { key: `sanctions/${rel}`, head: bytes.subarray(0, 8192).toString('utf8') };
    return detectListFormat(hint)!.parse(decodeStream(once(bytes)), hint, {});
  };
  const patches = new Map<string, EntityPatch[]>();
  for (const p of parts)
    for await (const r of open(p))
      if (r.kind === 'enrich') patches.set(r.sourceId, [...(patches.get(r.sourceId) ?? []), r.patch]);
  const out: ListedEntity[] = [];
  for await (const r of open(primary))
    if (r.kind === 'entity') out.push((patches.get(r.entity.sourceId) ?? []).reduce(mergeEntity, r.entity));
  return out;
}

const dynamo = await startDynamoDbLocal(undefined);
const ddb = new DynamoDBClient({
  endpoint: `http://127.0.0.1:${dynamo.port}`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
await ddb.send(
  new CreateTableCommand({
    TableName: 'radar',
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  }),
);
const store = makeDynamoStore(DynamoDBDocumentClient.from(ddb), 'radar');
const profile = process.argv.includes('--profile');
const profiler = profileCanonicalStore(makeDynamoCanonicalStore(store));
const canonical = profile ? profiler.store : makeDynamoCanonicalStore(store);
const profiles: string[] = [];

const lists: [string, ListedEntity[]][] = [
  ['un-sc', await load('un-sc/perchrh-2018/consolidated.xml')],
  [
    'us-ofac-sdn',
    await load('ofac-sdn/watchman-2019/sdn.csv', ['ofac-sdn/watchman-2019/alt.csv', 'ofac-sdn/watchman-2019/add.csv']),
  ],
  ['us-ofac-cons', await load('ofac-cons/perchrh-2018/consolidated.xml')],
  ['uk-hmt', await load('uk-ofsi/pabora8-2020/ConList.csv')],
  ['us-csl', await load('us-csl/watchman-2019/csl.csv')],
  ['us-bis-dpl', await load('us-bis-dpl/watchman/dpl.txt')],
];
const write = async (list: string, version: string, es: ListedEntity[]) => {
  const t = performance.now();
  for (let i = 0; i < es.length; i += 500)
    await store.putItems(es.slice(i, i + 500).map((e) => ({ ...listedEntityKey(list, version, e.sourceId), ...e })));
  return performance.now() - t;
};
const timed = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
};
console.log('| list | entities | write entities ms | resolve first ms | × write | unchanged ms | 1 % changed ms |');
console.log('|---|---|---|---|---|---|---|');
for (const [list, es] of lists) {
  const w = await write(list, 'v1', es);
  const entityCount = es.length;
  profiler.reset();
  const collected = new KeyCollector(list, 'v1');
  for (let i = 0; i < es.length; i += 500) collected.add(es.slice(i, i + 500) as unknown as Record<string, unknown>[]);
  const [first] = await timed(() =>
    resolveListVersion({ list, version: 'v1', entityCount, collected }, { store: canonical }),
  );
  if (profile) profiles.push(profiler.report(`${list}: first resolution ${first.toFixed(0)} ms`));
  // v2: the same entities (the ingest's change set is empty); v3: 1 % of them changed (their MOD items written, as
  // shared/ingest/list-delta.ts files them while the version is written).
  await write(list, 'v2', es);
  const [same] = await timed(() =>
    resolveListVersion({ list, version: 'v2', previous: 'v1', entityCount }, { store: canonical }),
  );
  const changed = es.map((e, i) =>
    i % 100 === 0 ? { ...e, programs: [...e.programs, 'CHANGED'], aliases: [...e.aliases, `${e.name} X`] } : e,
  );
  await write(list, 'v3', changed);
  await store.putItems(
    es.filter((_, i) => i % 100 === 0).map((e) => ({ ...changeKey(list, 'v3', 'MOD', e.sourceId) })),
  );
  const [delta] = await timed(() =>
    resolveListVersion({ list, version: 'v3', previous: 'v2', entityCount }, { store: canonical }),
  );
  const f = (x: number) => x.toFixed(0);
  console.log(
    `| ${list} | ${es.length} | ${f(w)} | ${f(first)} | ${(first / w).toFixed(1)} | ${f(same)} | ${f(delta)} |`,
  );
}
if (profile) console.log(profiles.join('\n'));
await dynamo.stop();
process.exit(0);
