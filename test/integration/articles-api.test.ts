import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import {
  ArticleDetailResponse,
  ArticlesQuery,
  ArticlesResponse,
  listArticles,
  TimelineQuery,
  TimelineResponse,
  timeline,
} from '../../shared/query/articles.ts';
import { BUCKET_NAME, TABLE_NAME } from '../../shared/resources.ts';
import { ROOT, type RunningSandbox, startSandboxProcess } from '../helpers/sandbox.ts';

// Issue 12.1 and 12.2 through the sandbox: articles uploaded to S3, ingested by the queue-driven handler, counted by
// the stream aggregator, then read over HTTP (and by the CLI). The items each request reads are counted on the
// DynamoDB calls themselves (ScannedCount), at two corpus sizes 10× apart.

type Page = ReturnType<typeof ArticlesResponse.parse>;
let sb: RunningSandbox;

/** An article of our own: title on the first line, date in the key, Moscow (RU) and a shipping firm named. */
const text = (n: number, extra = '') =>
  `Harbour bulletin ${n}\n\nOfficials in Moscow said that Acme Shipping Company had broken no rule. ${extra}`.trim();
const dayOf = (i: number) => new Date(Date.UTC(2026, 0, 5 + i * 6)).toISOString().slice(0, 10);

async function put(key: string, body: string) {
  await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET_NAME, Key: key, Body: body }));
}

/** Waits until the sandbox is idle (queues drained, stream aggregated) and every key's ingest says it is counted. */
async function counted(keys: readonly string[]) {
  await sb.idle(120_000);
  for (const key of keys) {
    for (let i = 0; ; i++) {
      const r = await sb.get<{ status: string }>(`/ingests/${key.split('/').map(encodeURIComponent).join('/')}`);
      if (r.status === 200 && r.body.status !== 'processing') break;
      if (i > 200) throw new Error(`${key} not counted: ${JSON.stringify(r.body)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

async function everyPage(query: string): Promise<Page['items']> {
  const out: Page['items'] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 200; i++) {
    const r = await sb.get<Page>(`/articles?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.status).toBe(200);
    const page = ArticlesResponse.parse(r.body);
    out.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return out;
  }
  throw new Error('more than 200 pages');
}

/** A store on the sandbox's DynamoDB whose client adds up the items every Query read, as DynamoDB bills them. */
function countingStore() {
  const ddb = new DynamoDBClient({
    endpoint: sb.edgeUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const doc = DynamoDBDocumentClient.from(ddb);
  const state = { scanned: 0 };
  const counting = {
    send: async (cmd: Parameters<typeof doc.send>[0]) => {
      const r = (await doc.send(cmd as never)) as { ScannedCount?: number; Item?: unknown };
      state.scanned += r.ScannedCount ?? (r.Item ? 1 : 0);
      return r;
    },
  } as unknown as DynamoDBDocumentClient;
  return { store: makeDynamoStore(counting, TABLE_NAME), state, close: () => ddb.destroy() };
}

describe('articles and timelines through the sandbox (issue 12.1, 12.2)', { timeout: 300_000 }, () => {
  const keys = Array.from({ length: 12 }, (_, i) => `articles/${dayOf(i)}-bulletin ${i}+x.txt`);
  beforeAll(async () => {
    sb = await startSandboxProcess({ args: ['--memory', '--no-demo'] });
    for (const [i, key] of keys.entries()) await put(key, text(i, i % 3 === 0 ? 'Maria Lopez of Chile agreed.' : ''));
    await put('articles/undated/note.txt', text(99));
    await counted([...keys, 'articles/undated/note.txt']);
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('pages through /articles: every article once, newest first, undated last; oldest first with sort=date', async () => {
    // Act
    const newest = await everyPage('limit=5');
    const oldest = await everyPage('limit=4&sort=date');
    // Assess
    expect(newest).toHaveLength(13);
    expect(new Set(newest.map((a) => a.id)).size).toBe(13);
    expect(newest.map((a) => a.publishedAt)).toEqual([...keys.map((_, i): string | null => dayOf(i)).reverse(), null]);
    expect(oldest.map((a) => a.id)).toEqual(newest.map((a) => a.id).reverse());
    expect(newest[0]).toMatchObject({ title: 'Harbour bulletin 11', dateFrom: 'key', key: keys[11] });
    const detail = await sb.get(`/articles/${newest[0]!.id}`);
    expect(detail.status).toBe(200);
    const a = ArticleDetailResponse.parse(detail.body);
    expect(a.paragraphs[0]).toMatch(/^Officials in Moscow/);
    expect(a.countries.map((c) => c.code)).toContain('RU');
    expect((await sb.get(`/articles/${'0'.repeat(32)}`)).status).toBe(404);
  });

  it('filters by entity with its sentence, and by a date range that counts the undated it leaves out', async () => {
    // Act
    const lopez = await everyPage(`entity=${encodeURIComponent('m:person:maria lopez')}&limit=2`);
    const ranged = ArticlesResponse.parse(
      (await sb.get<Page>(`/articles?country=RU&from=${dayOf(2)}&to=${dayOf(5)}`)).body,
    );
    const bad = await sb.get<{ status: number; errors: { parameter: string }[] }>('/articles?country=RU&list=un-sc');
    // Assess
    expect(lopez.map((a) => a.publishedAt)).toEqual([dayOf(9), dayOf(6), dayOf(3), dayOf(0)]);
    expect(lopez.every((a) => a.snippet === 'Maria Lopez of Chile agreed.')).toBe(true);
    expect(ranged.items.map((a) => a.publishedAt)).toEqual([dayOf(5), dayOf(4), dayOf(3), dayOf(2)]);
    expect(ranged.undatedArticles).toBe(1);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]!.parameter).toBe('list');
  });

  it('gives a timeline whose numbers equal a count of the articles, per week, zero-filled', async () => {
    // Act
    const r = await sb.get(`/counts/timeline?country=RU&interval=week&from=${dayOf(0)}&to=${dayOf(11)}`);
    const t = TimelineResponse.parse(r.body);
    const listed = await everyPage(`country=RU&from=${t.from}&to=${t.to}&limit=100`);
    const months = TimelineResponse.parse(
      (await sb.get(`/counts/timeline?entity=${encodeURIComponent('m:person:maria lopez')}&interval=month`)).body,
    );
    const tooLong = await sb.get('/counts/timeline?country=RU&interval=day&from=2020-01-01&to=2026-01-01');
    // Assess
    expect(r.status).toBe(200);
    for (const w of t.items)
      expect([w.period, w.articles]).toEqual([
        w.period,
        listed.filter((a) => a.publishedAt! >= w.start && a.publishedAt! <= w.end).length,
      ]);
    const days = TimelineResponse.parse(
      (await sb.get(`/counts/timeline?country=RU&interval=day&from=${dayOf(0)}&to=${dayOf(2)}`)).body,
    );
    expect(days.items.map((d) => d.articles)).toEqual([1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]); // 6 days apart
    expect(t.items.reduce((n, w) => n + w.articles, 0)).toBe(12);
    expect(months.items.reduce((n, m) => n + m.articles, 0)).toBe(4);
    // Up to the newest article of the series (dayOf(9), February 28th), whole months.
    expect(months.items.at(-1)!.period).toBe(dayOf(9).slice(0, 7));
    expect(tooLong.status).toBe(400);
  });

  it('radar articles and radar counts timeline print tables against the API', async () => {
    // Prepare
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ['bin/radar.js', ...args, '--api', sb.queryUrl], {
        cwd: ROOT,
        env: { ...process.env, RADAR_FROM_SOURCE: '1', NO_COLOR: '1' },
      });
    // Act
    const list = await run(['articles', '--country', 'RU', '--limit', '3']);
    const tl = await run(['counts', 'timeline', '--country', 'RU', '--interval', 'month']);
    const id = /\b([0-9a-f]{32})\s*$/m.exec(list.stdout.split('\n')[1]!)![1]!;
    const one = await run(['article', id]);
    // Assess
    const rows = list.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^date\s+title\s+source\s+mentions\s+id/);
    expect(rows[1]).toMatch(new RegExp(`^${dayOf(11)}\\s+Harbour bulletin 11`));
    expect(rows.at(-1)).toMatch(/more: raise --limit, or --cursor /);
    expect(tl.stdout).toMatch(/^country RU: articles and mentions per month/);
    expect(tl.stdout).toMatch(/2026-03\s+2026-03-01\s+2\s+2/); // dayOf(10) and dayOf(11)
    expect(one.stdout.split('\n')[0]).toBe('Harbour bulletin 11');
    expect(one.stdout).toMatch(/Countries\s+Russia \(RU\)/);
  });

  it('reads a bounded number of items per request at 13 and 130 articles; an overwrite and a delete move both', async () => {
    // Prepare
    const measure = async () => {
      const c = countingStore();
      const out: Record<string, number> = {};
      const calls: Record<string, () => Promise<unknown>> = {
        all: async () => {
          const first = await listArticles(ArticlesQuery.parse({ limit: '10' }), c.store);
          await listArticles(ArticlesQuery.parse({ limit: '10', cursor: first.nextCursor! }), c.store);
        },
        country: () => listArticles(ArticlesQuery.parse({ country: 'RU', limit: '10', from: '2026-01-01' }), c.store),
        entity: () =>
          listArticles(ArticlesQuery.parse({ entity: 'm:organization:acme shipping company', limit: '10' }), c.store),
        timeline: () => timeline(TimelineQuery.parse({ country: 'RU', interval: 'week' }), c.store),
      };
      for (const [name, call] of Object.entries(calls)) {
        c.state.scanned = 0;
        await call();
        out[name] = c.state.scanned;
      }
      c.close();
      return out;
    };
    const small = await measure();
    const batch = Array.from({ length: 117 }, (_, i) =>
      JSON.stringify({
        title: `Wire ${i}`,
        body: `Officials in Moscow said Acme Shipping Company had broken no rule, wire ${i}.`,
        publishedAt: dayOf(i % 12),
      }),
    ).join('\n');
    await put('articles/wire.ndjson', batch);
    await counted(['articles/wire.ndjson']);
    // Act
    const large = await measure();
    const before = (await everyPage('limit=50')).length;
    await put(keys[11]!, 'Harbour bulletin 11\n\nNothing happened in any port.');
    await sb.s3.send(new DeleteObjectCommand({ Bucket: BUCKET_NAME, Key: keys[10]! }));
    await counted([keys[11]!, keys[10]!]);
    // Assess: a page of 10 over 16 shards reads ≤ 10 + 16 × 2 + 16 items; a 90-day week timeline ≤ 14 × 7 + 10
    console.log(`items read per request: 13 articles ${JSON.stringify(small)}, 130 articles ${JSON.stringify(large)}`);
    expect(before).toBe(130);
    for (const name of ['country', 'entity']) expect(large[name]).toBeLessThanOrEqual(58 + 1);
    expect(large.all).toBeLessThanOrEqual(2 * 58);
    expect(large.timeline).toBeLessThanOrEqual(14 * 7 + 10);
    expect(large.entity).toBeLessThanOrEqual(small.entity! + 1); // one partition: a page, whatever its size
    expect(large.timeline).toBeLessThanOrEqual(small.timeline! + 20);
    const ru = await everyPage(`country=RU&from=${dayOf(10)}&to=${dayOf(11)}&limit=100`);
    expect(ru.filter((a) => a.key === keys[11] || a.key === keys[10])).toEqual([]);
    const t = TimelineResponse.parse(
      (await sb.get(`/counts/timeline?country=RU&interval=day&from=${dayOf(10)}&to=${dayOf(11)}`)).body,
    );
    expect([t.items[0]!.articles, t.items.at(-1)!.articles]).toEqual([
      ru.filter((a) => a.publishedAt === dayOf(10)).length,
      ru.filter((a) => a.publishedAt === dayOf(11)).length,
    ]);
    expect(t.items[0]!.articles).toBe(9); // the NDJSON's 9 wires of that day, the bulletin deleted
    const all = await everyPage('limit=50');
    expect(all.find((a) => a.key === keys[11])?.title).toBe('Harbour bulletin 11');
    expect(all.find((a) => a.key === keys[10])).toBeUndefined();
  });
});
