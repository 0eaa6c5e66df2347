import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../infra/sandbox/dynamodb-local.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { toStreamChange } from '../../shared/adapters/dynamo-stream.ts';
import { aggregateStreamBatch } from '../../shared/ingest/aggregate.ts';
import {
  CountriesQuery,
  countsByCountry,
  countsByEntity,
  EntitiesQuery,
  entityDetail,
} from '../../shared/query/api.ts';
import { ArticlesQuery, listArticles, TimelineQuery, timeline } from '../../shared/query/articles.ts';
import { rowLanes } from '../../shared/domain/entity-rows.ts';
import { entityRowPartition } from '../../shared/domain/keys.ts';
import { coverScopes } from '../../shared/query/range-model.ts';
import { facetFor, readBudget, universeFacet } from '../../shared/query/read-model.ts';
import type { Article } from '../../shared/domain/model.ts';
import { rangeOracle, storedArticles } from '../helpers/range-oracle.ts';
import { loadCorpus } from '../helpers/read-corpus.ts';
import { readModelDiff } from '../helpers/read-model-check.ts';
import { makeStreamPoller } from '../helpers/stream-poller.ts';
import { tableInput } from '../helpers/table.ts';

// Issue 17.2, proved on DynamoDB Local: a corpus at two sizes 10× apart (40 and 400 generated articles, lists of
// 100 and 1,000 entities), loaded through the use cases and the real table stream; then every route and filter is
// asked once per size through a client that counts what each call read: Query `ScannedCount`, items of BatchGetItem
// and GetItem (what DynamoDB bills reads by). The items read per request stay under a bound from `limit`, and do not
// grow with the store.

let dynamo: DynamoDbLocal;
let ddb: DynamoDBClient;
const url = () => `http://127.0.0.1:${dynamo.port}`;

interface Measured {
  store: ReturnType<typeof makeDynamoStore>;
  read: () => number;
  reset: () => void;
  /** Rows of the read model per partition (the test's own whole-table read, for the range bound). */
  rows: Map<string, number>;
  /** The stored articles (the same read): what the range oracle sums. */
  articles: Article[];
}

/** Entities in order; by count (the default, `-mentions`), each run of one amount as a sorted set. */
function grouped(xs: Record<string, unknown>[], sort = '-mentions'): string[][] {
  const field = sort.replace('-', '');
  const out: string[][] = [];
  let prev: unknown;
  for (const e of xs) {
    const line = JSON.stringify(e, Object.keys(e).sort());
    if (field === 'name' || e[field] !== prev || !out.length) out.push([line]);
    else out.at(-1)!.push(line);
    prev = e[field];
  }
  return out.map((g) => g.sort());
}

/** Months a range touches (its open ends: the corpus's 2025-01…2026-06). */
function monthsOf(from = '2025-01-01', to = '2026-06-30'): number {
  const m = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));
  return m(to) - m(from) + 1;
}

/**
 * What a page of the range read may read, from what the table holds: every row of the facet in the cover's periods
 * once (sorted access never reads a row twice in a request), the months in the range of each (random access), and
 * for the listed universe the all-time read model's budget (its tail or name merge). Not the store: the cover's rows.
 */
function rangeBound(m: Measured, q: Record<string, string>, limit: number): number {
  const universe = Boolean(q.list) || q.listed === 'true';
  const facet = universe ? universeFacet(q) : facetFor(q);
  const scopes = coverScopes(q.from, q.to, q.sort?.includes('name') ? 1 : 3);
  let rows = 0;
  for (const scope of scopes)
    for (const lane of rowLanes(facet)) rows += m.rows.get(entityRowPartition(lane.facet, lane.shard, scope)) ?? 0;
  const listed = universe ? readBudget(limit) + 2 * limit + 8 + limit * monthsOf(q.from, q.to) : 0;
  return rows * (1 + monthsOf(q.from, q.to)) + listed + 2;
}

async function loadTable(name: string, listSize: number, articles: number): Promise<Measured> {
  const t = await ddb.send(new CreateTableCommand(tableInput(name)));
  const doc = DynamoDBDocumentClient.from(ddb);
  const plain = makeDynamoStore(doc, name);
  const poller = makeStreamPoller(url(), t.TableDescription!.LatestStreamArn!, async (e) => {
    const r = await aggregateStreamBatch(e.Records.map(toStreamChange), plain);
    return { batchItemFailures: r.failedAt ? [{ itemIdentifier: r.failedAt }] : [] };
  });
  await loadCorpus({ listSize, articles, mentioned: Math.round(listSize * 0.3) }, plain, async () => {
    await poller.drain();
  });
  let n = 0;
  const counting = {
    send: async (cmd: Parameters<typeof doc.send>[0]) => {
      const r = (await doc.send(cmd as never)) as {
        ScannedCount?: number;
        Responses?: Record<string, unknown[]>;
        Item?: unknown;
      };
      n += r.ScannedCount ?? 0;
      for (const items of Object.values(r.Responses ?? {})) n += items.length;
      if (r.Item) n += 1;
      return r;
    },
  } as unknown as DynamoDBDocumentClient;
  const rows = new Map<string, number>();
  const articleItems: Record<string, unknown>[] = [];
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  let start: Record<string, unknown> | undefined;
  do {
    const r = await doc.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
    for (const it of r.Items ?? []) {
      if (String(it.pk).startsWith('ER')) rows.set(String(it.pk), (rows.get(String(it.pk)) ?? 0) + 1);
      if (String(it.pk).startsWith('ART#')) articleItems.push(it);
    }
    start = r.LastEvaluatedKey;
  } while (start);
  const stored = storedArticles(articleItems);
  return { store: makeDynamoStore(counting, name), read: () => n, reset: () => (n = 0), rows, articles: stored };
}

const ENTITY_QUERIES: Record<string, string>[] = [
  {},
  { sort: 'mentions' },
  { sort: '-articles' },
  { sort: 'name' },
  { country: 'IR' },
  { country: 'CN' },
  { type: 'person' },
  { listed: 'false' },
  { listed: 'true' },
  { listed: 'true', sort: 'name' },
  { listed: 'true', sort: 'mentions' },
  { list: 'opensanctions:gen_ds' },
  { list: 'opensanctions:gen_ds', country: 'KP', sort: '-name' },
  { country: 'IR', type: 'organization', listed: 'true' },
  { q: 'kor' },
  { q: 'kor', sort: 'name' },
  { from: '2025-03-01', to: '2025-03-31' },
  { from: '2025-01-01', to: '2025-12-31', country: 'IR' },
  { from: '2025-01-01', to: '2025-12-31', listed: 'true' },
];
/** Ranges that are not one whole month or year (those read the period's rows: ENTITY_QUERIES above). */
const RANGE_QUERIES: Record<string, string>[] = [
  { from: '2025-03-10', to: '2025-03-24' },
  { from: '2025-02-14', to: '2025-04-10' },
  { from: '2025-02-14', to: '2025-04-10', sort: 'mentions' },
  { from: '2025-04-10', to: '2025-09-20', country: 'IR' },
  { from: '2025-02-14', to: '2026-03-03' },
  { from: '2025-02-14', to: '2026-03-03', sort: '-articles', type: 'person' },
  { from: '2025-06-01', to: '2025-08-15', sort: 'name' },
  { from: '2025-06-01', to: '2025-08-15', sort: '-name', q: 'kor' },
  { from: '2025-02-14', to: '2025-11-30', listed: 'true' },
  { from: '2025-02-14', to: '2025-11-30', listed: 'true', sort: 'articles' },
  { from: '2025-05-01', to: '2025-05-20', list: 'opensanctions:gen_ds', sort: 'name' },
  { from: '2025-10-01' },
  { to: '2025-04-30', listed: 'false' },
];
const COUNTRY_QUERIES: Record<string, string>[] = [
  {},
  { list: 'opensanctions:gen_ds' },
  { type: 'organization' },
  { from: '2025-01-01', to: '2025-12-31' },
  { from: '2025-02-14', to: '2026-03-03' },
];

describe('items read per request at two corpus sizes, 10× apart (DynamoDB Local)', { timeout: 600_000 }, () => {
  let small: Measured;
  let large: Measured;
  beforeAll(async () => {
    dynamo = await startDynamoDbLocal(undefined);
    ddb = new DynamoDBClient({
      endpoint: url(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 10,
    });
    small = await loadTable('radar_small', 100, 40);
    large = await loadTable('radar_large', 1000, 400);
  }, 600_000);
  afterAll(async () => {
    ddb?.destroy();
    await dynamo?.stop();
  });

  const cost = async (m: Measured, fn: (s: Measured['store']) => Promise<unknown>) => {
    m.reset();
    await fn(m.store);
    return m.read();
  };

  it('/counts/entities: every filter and sort, first and second page, within the bound at both sizes', async () => {
    const report: string[] = [];
    for (const q of ENTITY_QUERIES) {
      for (const limit of [5, 20]) {
        // Act
        const measure = async (m: Measured) => {
          const first = await countsByEntity(EntitiesQuery.parse({ ...q, limit: String(limit) }), m.store);
          const a = m.read();
          m.reset();
          if (first.nextCursor)
            await countsByEntity(
              EntitiesQuery.parse({ ...q, limit: String(limit), cursor: first.nextCursor }),
              m.store,
            );
          return [a, m.read()];
        };
        small.reset();
        const s = await measure(small);
        large.reset();
        const l = await measure(large);
        // Assess: the read budget, plus one batch get of a page's counters and the list pointers
        const bound = readBudget(limit) + 2 * limit + 8;
        report.push(`${JSON.stringify(q)} limit=${limit}: ${s.join('/')} vs ${l.join('/')}`);
        for (const n of [...s, ...l]) expect(n, JSON.stringify(q)).toBeLessThanOrEqual(bound);
      }
    }
    console.log(`items read (first/second page), 40 vs 400 articles:\n${report.join('\n')}`);
  });

  it('/counts/entities with any other from/to: within the range bound at both sizes, and exactly a sum over the articles', async () => {
    const report: string[] = [];
    for (const q of RANGE_QUERIES) {
      for (const limit of [5, 20]) {
        // Act: the first two pages at both sizes
        const measure = async (m: Measured) => {
          m.reset();
          const first = await countsByEntity(EntitiesQuery.parse({ ...q, limit: String(limit) }), m.store);
          const a = m.read();
          m.reset();
          if (first.nextCursor)
            await countsByEntity(
              EntitiesQuery.parse({ ...q, limit: String(limit), cursor: first.nextCursor }),
              m.store,
            );
          return [a, m.read()];
        };
        const s = await measure(small);
        const l = await measure(large);
        // Timing is reported, never asserted (a shared machine): p50 of 5 sequential requests at 400 articles.
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          await countsByEntity(EntitiesQuery.parse({ ...q, limit: String(limit) }), large.store);
          times.push(performance.now() - t0);
        }
        const p50 = Math.round([...times].sort((a, b) => a - b)[2]!);
        const bounds = [rangeBound(small, q, limit), rangeBound(large, q, limit)];
        report.push(
          `${JSON.stringify(q)} limit=${limit}: ${s.join('/')} vs ${l.join('/')} (bound ${bounds.join(' / ')}; ` +
            `p50 at 400 ≈ ${p50} ms)`,
        );
        // Assess: within the rows of the cover (never a scan of the store), at both sizes
        for (const n of s) expect(n, `${JSON.stringify(q)} small`).toBeLessThanOrEqual(bounds[0]!);
        for (const n of l) expect(n, `${JSON.stringify(q)} large`).toBeLessThanOrEqual(bounds[1]!);
      }
      // Assess: every page of the bounded read, against a sum over the stored articles (the oracle)
      for (const m of [small, large]) {
        const got: Record<string, unknown>[] = [];
        let cursor: string | undefined;
        do {
          const r = await countsByEntity(
            EntitiesQuery.parse({ ...q, limit: '40', ...(cursor ? { cursor } : {}) }),
            m.store,
          );
          got.push(...r.items.filter((e) => e.articles > 0));
          cursor = r.nextCursor ?? undefined;
        } while (cursor);
        const expected = (await rangeOracle(EntitiesQuery.parse(q), m.store, m.articles)).filter(
          (e) => e.articles > 0,
        ) as unknown as Record<string, unknown>[];
        // By count, entities of one amount come in the order the read finds them: compared as a set per amount.
        expect(grouped(got, q.sort), JSON.stringify(q)).toEqual(grouped(expected, q.sort));
      }
    }
    console.log(`items read (first/second page), 40 vs 400 articles, any from/to:\n${report.join('\n')}`);
  });

  it('/articles and /counts/timeline with from/to: a page or a month per interval at both sizes', async () => {
    const report: string[] = [];
    const entity = (await countsByEntity(EntitiesQuery.parse({ limit: '1' }), large.store)).items[0]!.id;
    const calls: Record<string, (st: Measured['store']) => Promise<unknown>> = {
      articles: (st) => listArticles(ArticlesQuery.parse({ from: '2025-02-14', to: '2025-09-03', limit: '20' }), st),
      country: (st) =>
        listArticles(ArticlesQuery.parse({ country: 'IR', from: '2025-02-14', to: '2026-03-03', limit: '20' }), st),
      timeline: (st) =>
        timeline(TimelineQuery.parse({ entity, interval: 'week', from: '2025-02-14', to: '2025-09-03' }), st),
    };
    for (const [name, call] of Object.entries(calls)) {
      // Act
      const s = await cost(small, call);
      const l = await cost(large, call);
      report.push(`${name}: ${s} vs ${l}`);
      // Assess: a page over the listing's 16 shards (≤ 20 + 16 × 2 + 16 + a counter), or one item per month
      expect(l, name).toBeLessThanOrEqual(name === 'timeline' ? 8 + 2 : 20 + 16 * 2 + 16 + 2);
    }
    console.log(report.join('\n'));
  });

  it('/counts/countries and /entities/{id}: bounded by the number of countries and lists, not the corpus', async () => {
    const report: string[] = [];
    for (const q of COUNTRY_QUERIES) {
      const s = await cost(small, (st) => countsByCountry(CountriesQuery.parse(q), st));
      const l = await cost(large, (st) => countsByCountry(CountriesQuery.parse(q), st));
      report.push(`${JSON.stringify(q)}: ${s} vs ${l}`);
      // ≤ 250 country counters + ≤ 250 listed-in-news items + pointers, or ≤ 90 rollups + pointers
      expect(l).toBeLessThanOrEqual(2 * 250 + 10);
      // The countries named are the same set at both sizes (the generator's 8 and the places): a constant apart.
      expect(Math.abs(l - s)).toBeLessThanOrEqual(20);
    }
    const top = (await countsByEntity(EntitiesQuery.parse({ listed: 'true', limit: '1' }), large.store)).items[0]!;
    const d = await cost(large, (st) => entityDetail(top.id, st));
    report.push(`/entities/${top.id}: ${d}`);
    expect(d).toBeLessThanOrEqual(20 + 4);
    console.log(report.join('\n'));
  });

  it('the read model written through the real stream equals a recount from the counters', async () => {
    // Whole-table read: this is the test's own check, not a request path.
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const doc = DynamoDBDocumentClient.from(ddb);
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await doc.send(new ScanCommand({ TableName: 'radar_small', ExclusiveStartKey: start }));
      items.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    expect(readModelDiff(items as never)).toEqual([]);
  });
});
