import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import {
  DynamoDBClient,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { analyseArticle, objectContribution } from '../../shared/domain/article.ts';
import { parseArticles } from '../../shared/domain/article-formats.ts';
import type { Contribution } from '../../shared/domain/contribution.ts';
import { decodeBytes } from '../../shared/domain/encoding.ts';
import { extractEntities } from '../../shared/domain/extract.ts';
import { ENTITY_SHARDS, listedEntityPartition, LISTS_PK } from '../../shared/domain/keys.ts';
import { buildNameIndex, NameMatcher, type IndexedEntity } from '../../shared/domain/name-index.ts';
import { ROOT, sandboxControl } from './sandbox.ts';
import { storedCells } from './stored-cells.ts';

type Item = Record<string, unknown> & { pk: string; sk: string };

/**
 * An independent recount, for tests and the soak: what the counters should hold, computed again from what S3 holds
 * now (every article object parsed and extracted from scratch), compared with the `CNT#…` partitions of the table.
 */

export const BUCKET = 'radar-ingest';
export const TABLE = 'radar';

/** cell (`<dimension>|<member>`) → [articles, mentions]; zero cells dropped (a counter moved back to 0 is no count). */
export type Counts = Record<string, [number, number]>;

export function makeDynamoClient(edgeUrl: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: edgeUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 10,
  });
}

async function queryAll(ddb: DynamoDBClient, pk: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: QueryCommandOutput['LastEvaluatedKey'];
  do {
    const r = await ddb.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: pk } },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const raw of r.Items ?? []) out.push(unmarshall(raw));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

/**
 * The counters as the table holds them now: every `CNT#…` item, whatever its dimension (timeline series such as
 * `CNT#tl:c:DE` are one partition each, so a fixed list of dimensions would miss them), and the dated country cells
 * from the day rollups (`CR#<day>`; stored-cells.ts). A Scan: a test's recount reads everything by design.
 */
export async function readStoredCounts(ddb: DynamoDBClient): Promise<Counts> {
  const items: Item[] = [];
  let start: ScanCommandOutput['LastEvaluatedKey'];
  do {
    const r = await ddb.send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'begins_with(pk, :c) OR begins_with(pk, :r)',
        ExpressionAttributeValues: { ':c': { S: 'CNT#' }, ':r': { S: 'CR#' } },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const raw of r.Items ?? []) items.push(unmarshall(raw) as Item);
    start = r.LastEvaluatedKey;
  } while (start);
  return storedCells(items);
}

/** Current list pointers: list → version (the versions readers follow). */
export async function readCurrentVersions(ddb: DynamoDBClient): Promise<Record<string, string>> {
  return Object.fromEntries((await queryAll(ddb, LISTS_PK)).map((p) => [String(p.list), String(p.version)]));
}

/** The source ids of one list's current version, or undefined when the list has none. */
export async function readCurrentIds(ddb: DynamoDBClient, list: string): Promise<Set<string> | undefined> {
  const version = (await readCurrentVersions(ddb))[list];
  if (!version) return undefined;
  const ids = new Set<string>();
  for (let shard = 0; shard < ENTITY_SHARDS; shard++)
    for (const it of await queryAll(ddb, listedEntityPartition(list, version, shard))) ids.add(String(it.sourceId));
  return ids;
}

/**
 * A matcher over the entities of every current list version, built here with the domain's index builder rather than
 * read from the pipeline's own `index/names.json.gz` (that object is one of the things under test).
 */
export async function buildCurrentMatcher(ddb: DynamoDBClient): Promise<NameMatcher | undefined> {
  const entities: (IndexedEntity & { aliases?: string[] })[] = [];
  for (const [list, version] of Object.entries(await readCurrentVersions(ddb)))
    for (let shard = 0; shard < ENTITY_SHARDS; shard++)
      for (const e of await queryAll(ddb, listedEntityPartition(list, version, shard)))
        entities.push({
          list,
          sourceId: String(e.sourceId),
          name: String(e.name),
          type: String(e.type),
          countries: ((e.countries as { code: string }[] | undefined) ?? []).map((c) => c.code),
          aliases: (e.aliases as string[] | undefined) ?? [],
        });
  return entities.length ? new NameMatcher(buildNameIndex(entities)) : undefined;
}

/** Every key under a prefix (paginated). */
export async function listKeys(s3: S3Client, prefix: string, bucket = BUCKET): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of r.Contents ?? []) keys.push(o.Key!);
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/**
 * A recount from scratch: every article object S3 holds now, parsed and extracted again, linked with `matcher`
 * (pass `buildCurrentMatcher(ddb)` once lists are loaded; undefined = no linking). Objects that hold no article
 * (quarantined uploads) contribute nothing, as in the pipeline.
 */
export async function recountFromS3(s3: S3Client, matcher?: NameMatcher, bucket = BUCKET): Promise<Counts> {
  const total: Contribution = {};
  for (const key of await listKeys(s3, 'articles/', bucket)) {
    const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const { text } = decodeBytes(Buffer.from(await body.Body!.transformToByteArray()));
    const articles = parseArticles(text, key).articles.map((a, i) =>
      analyseArticle(key, i, a, extractEntities, matcher),
    );
    for (const [cell, a] of Object.entries(objectContribution(articles))) {
      const t = (total[cell] ??= { articles: 0, mentions: 0 });
      t.articles += a.articles;
      t.mentions += a.mentions;
    }
  }
  const out: Counts = {};
  for (const [c, a] of Object.entries(total)) if (a.articles || a.mentions) out[c] = [a.articles, a.mentions];
  return out;
}

/** Cells where the two disagree (for readable failures and the soak's report). */
export function diffCounts(
  stored: Counts,
  expected: Counts,
): { cell: string; stored?: [number, number]; expected?: [number, number] }[] {
  const cells = new Set([...Object.keys(stored), ...Object.keys(expected)]);
  const out: { cell: string; stored?: [number, number]; expected?: [number, number] }[] = [];
  for (const cell of [...cells].sort()) {
    const s = stored[cell];
    const e = expected[cell];
    if (!s || !e || s[0] !== e[0] || s[1] !== e[1])
      out.push({ cell, ...(s ? { stored: s } : {}), ...(e ? { expected: e } : {}) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Workload shared by the fault, concurrency and soak runs: synthetic articles (our own text, never copied news) and
// versions of the UN list excerpt (public-sector data, already in demo/).

const CAPITALS = [
  'Beijing',
  'Moscow',
  'Tehran',
  'Pyongyang',
  'Caracas',
  'Ankara',
  'Kyiv',
  'Damascus',
  'Minsk',
  'Havana',
  'Berlin',
  'Paris',
];
const DEMONYMS = [
  'Chinese',
  'Russian',
  'Iranian',
  'North Korean',
  'Venezuelan',
  'Turkish',
  'Ukrainian',
  'Syrian',
  'Belarusian',
  'Cuban',
  'German',
  'French',
];
/** Names of UN-listed entities: in every version (first two), from version b on (third), only in version c (last two). */
export const LISTED_NAMES = [
  'Eric Badege',
  'Mohsen Hojati',
  'Oriental Oil Kish',
  'Korea Achim Shipping Co',
  'Global Relief Foundation',
];
const OTHERS = [
  'Northwind Logistics',
  'Anna Petrova',
  'Harbor Line Bank',
  'John Mercer',
  'Baltic Crest Shipping',
  'Maria Alvarez',
];

/** The benchmarks' seeded generator (mulberry32): workloads repeat exactly for a seed. */
export { seededRandom } from '../../bench/lib/corpus.ts';

/** One synthetic article text: countries by capital and demonym, a listed name, an unlisted one. */
export function syntheticArticle(i: number, variant = 0): string {
  const n = i * 7 + variant * 13;
  const c1 = CAPITALS[n % CAPITALS.length]!;
  const c2 = DEMONYMS[(n + 3) % DEMONYMS.length]!;
  const c3 = CAPITALS[(n + 5) % CAPITALS.length]!;
  const listed = LISTED_NAMES[n % LISTED_NAMES.length]!;
  const other = OTHERS[(n + variant) % OTHERS.length]!;
  return (
    `Report ${i}.${variant}: new measures announced\n\n` +
    `Officials in ${c1} said on Monday that ${listed} had moved funds through ${c2} banks. ` +
    `${other} declined to comment. Analysts in ${c3} expect further measures, and ${listed} denied any wrongdoing.\n`
  );
}

/** An NDJSON batch of `n` articles with distinct dates: many distinct (dated) counter cells, so the counter update is a multi-transaction plan. */
export function ndjsonBatch(n: number, variant = 0): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = new Date(Date.UTC(2025, 0, 1) + (i + variant * 17) * 86_400_000).toISOString().slice(0, 10);
    const [title, ...body] = syntheticArticle(i, variant).split('\n\n');
    lines.push(JSON.stringify({ title, published: day, text: body.join('\n\n') }));
  }
  return `${lines.join('\n')}\n`;
}

const UN_FULL = readFileSync(join(ROOT, 'demo/sanctions/un-sc-consolidated-excerpt.xml'), 'utf8');
/** The excerpt's records in file order: individuals first, then entities. */
export const UN_RECORDS = [...UN_FULL.matchAll(/<(INDIVIDUAL|ENTITY)>[\s\S]*?<\/\1>/g)].map((m) => m[0]);
const UN_OPEN = UN_FULL.slice(0, UN_FULL.indexOf('<INDIVIDUALS>'));
/** A UN list file holding the given records (individuals and entities kept in their sections). */
export const unFile = (recs: string[]): string =>
  `${UN_OPEN}<INDIVIDUALS>${recs.filter((r) => r.startsWith('<INDIVIDUAL>')).join('')}</INDIVIDUALS><ENTITIES>${recs.filter((r) => r.startsWith('<ENTITY>')).join('')}</ENTITIES></CONSOLIDATED_LIST>\n`;
export const unIds = (recs: string[]): Set<string> => new Set(recs.map((r) => /<DATAID>(\d+)<\/DATAID>/.exec(r)![1]!));
/** Three growing versions of the UN list (a ⊂ b ⊂ c), so none trips the shrink guard whatever order they land in. */
export const UN_VERSIONS = { a: UN_RECORDS.slice(0, 40), b: UN_RECORDS.slice(0, 50), c: UN_RECORDS } as const;

interface SandboxStatus {
  queues: {
    name: string;
    visible: number;
    inFlight: number;
    deadLetters: number;
    processed: number;
    running?: { ms: number; keys: string[] }[];
  }[];
  deadLetters: { queue: string; reason: string; body: string }[];
}

export async function sandboxStatus(edgeUrl: string): Promise<SandboxStatus> {
  return (await (await fetch(`${edgeUrl}/_sandbox/status`)).json()) as SandboxStatus;
}

/**
 * Waits until every queue is drained, redriving dead letters (messages that ran out of receives while a fault lasted)
 * until none is left. Returns how many were redriven.
 */
export async function settle(
  sb: { edgeUrl: string; idle(timeoutMs?: number): Promise<void> },
  rounds = 6,
): Promise<number> {
  let redriven = 0;
  for (let i = 0; i < rounds; i++) {
    await sb.idle(240_000);
    const dead = (await sandboxStatus(sb.edgeUrl)).deadLetters.length;
    if (!dead) return redriven;
    const r = (await (await sandboxControl(sb.edgeUrl, '/_sandbox/redrive')).json()) as {
      redriven: number;
    };
    redriven += r.redriven;
  }
  throw new Error(
    `dead letters still present after ${rounds} redrives: ${JSON.stringify((await sandboxStatus(sb.edgeUrl)).deadLetters.map((d) => d.reason))}`,
  );
}

export async function setFaults(edgeUrl: string, faults: { throttle?: number; error?: number }): Promise<void> {
  const r = await sandboxControl(edgeUrl, '/_sandbox/faults', { throttle: 0, error: 0, ...faults });
  if (r.status !== 200) throw new Error(`faults not set: ${r.status}`);
}

/**
 * Polls the current UN-list entity set over the query API until stopped; every answer is kept (sorted ids joined),
 * so a test can check each one was a whole version.
 */
export function pollListEntities(
  queryUrl: string,
  list = 'un-sc',
): { stop(): Promise<{ seen: string[]; errors: string[] }> } {
  const seen: string[] = [];
  const errors: string[] = [];
  let polling = true;
  const loop = (async () => {
    while (polling) {
      try {
        const res = await fetch(`${queryUrl}/counts/entities?list=${list}&limit=500`);
        if (res.status !== 200) errors.push(`${res.status}: ${await res.text()}`);
        else {
          const body = (await res.json()) as { items: { id: string }[] };
          seen.push(
            body.items
              .map((i) => i.id.split(':').pop()!)
              .sort()
              .join(','),
          );
        }
      } catch (err) {
        errors.push(String(err));
      }
      // A short pause: a tight loop on a 2-core machine would starve the workers it watches.
      await new Promise((r) => setTimeout(r, 15));
    }
  })();
  return {
    async stop() {
      polling = false;
      await loop;
      return { seen, errors };
    },
  };
}

export const idSetKey = (ids: Iterable<string>): string => [...ids].sort().join(',');
