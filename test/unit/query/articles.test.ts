import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeNameIndexStore } from '../../../shared/adapters/name-index-store.ts';
import { describeExpectedFormats, detectListFormat } from '../../../shared/domain/sanctions/detect.ts';
import { relinkAfterListChange } from '../../../shared/ingest/relink.ts';
import { reconcileSanctionsObject, type SanctionsDeps } from '../../../shared/ingest/sanctions.ts';
import {
  ArticlesQuery,
  ArticlesResponse,
  articleDetail,
  listArticles,
  mergedPage,
  TimelineQuery,
  TimelineResponse,
  timeline,
  undatedArticles,
} from '../../../shared/query/articles.ts';
import { ROOT } from '../../helpers/sandbox.ts';
import { makePipeline } from '../counts/harness.ts';

// The use cases of /articles, /articles/{id} and /counts/timeline against the in-memory store, fed by the real article
// ingest and the stream aggregator (issue 12.1, 12.2): what they answer, and how many items they read.

type Pipeline = ReturnType<typeof makePipeline>;
const UN = readFileSync(join(ROOT, 'demo/sanctions/un-sc-consolidated-excerpt.xml'), 'utf8');

/** A dated article of our own: the title is its first line, the date is in the key. */
const articleText = (n: number, extra = '') =>
  `Port report number ${n}\n\nOfficials in Moscow said on Monday that Acme Shipping Company had broken no rule. ${extra}`;

async function upload(p: Pipeline, key: string, text: string) {
  await p.s3.source.put(key, text, 'text/plain');
  await p.reconcile(key);
}

/** `n` dated articles, a few days apart from 2026-01-05, in one NDJSON object (plus any given text objects). */
function ndjson(n: number, offset = 0): string {
  return Array.from({ length: n }, (_, i) => {
    const day = new Date(Date.UTC(2026, 0, 5 + ((i + offset) % 80))).toISOString().slice(0, 10);
    return JSON.stringify({
      title: `Bulletin ${i + offset}`,
      body: `Officials in Moscow said Acme Shipping Company had broken no rule, report ${i + offset}.`,
      publishedAt: day,
    });
  }).join('\n');
}

const articles = (p: Pipeline, q: Record<string, string>) => listArticles(ArticlesQuery.parse(q), p.store);
const series = (p: Pipeline, q: Record<string, string>) =>
  timeline(TimelineQuery.parse(q), p.store, () => '2026-12-01');

async function allPages(p: Pipeline, q: Record<string, string>) {
  const ids: string[] = [];
  const dates: (string | null)[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const r = ArticlesResponse.parse(await articles(p, { ...q, ...(cursor ? { cursor } : {}) }));
    ids.push(...r.items.map((i) => i.id));
    dates.push(...r.items.map((i) => i.publishedAt));
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return { ids, dates };
}

async function corpus() {
  const p = makePipeline();
  for (const [i, day] of ['2026-03-02', '2026-03-04', '2026-03-10', '2026-03-31', '2026-04-15'].entries())
    await upload(p, `articles/${day}-port-${i}.txt`, articleText(i, i === 2 ? 'Maria Lopez of Chile disagreed.' : ''));
  await upload(p, 'articles/undated-note.txt', articleText(9));
  await p.aggregate();
  return p;
}

describe('GET /articles (issue 12.1)', () => {
  it('pages through every article once, newest first (undated last), or oldest first', async () => {
    // Prepare
    const p = await corpus();
    // Act
    const newest = await allPages(p, { limit: '2' });
    const oldest = await allPages(p, { limit: '4', sort: 'date' });
    // Assess
    expect(newest.ids).toHaveLength(6);
    expect(new Set(newest.ids).size).toBe(6);
    expect(newest.dates).toEqual(['2026-04-15', '2026-03-31', '2026-03-10', '2026-03-04', '2026-03-02', null]);
    expect(oldest.ids).toEqual([...newest.ids].reverse());
    const first = (await articles(p, { limit: '1' })).items[0]!;
    expect(first).toMatchObject({
      title: 'Port report number 4',
      key: 'articles/2026-04-15-port-4.txt',
      dateFrom: 'key',
      snippet: null,
    });
    expect(first.mentions).toBeGreaterThan(0);
  });

  it('filters by entity (with the sentence that names it), by country, by listed, and by a date range', async () => {
    // Prepare
    const p = await corpus();
    // Act
    const lopez = await articles(p, { entity: 'm:person:maria lopez' });
    const ru = await allPages(p, { country: 'RU', limit: '2' });
    const cl = await articles(p, { country: 'CL' });
    const listed = await articles(p, { listed: 'true' });
    const march = await articles(p, { from: '2026-03-03', to: '2026-03-31' });
    const marchRu = await articles(p, { country: 'RU', to: '2026-03-31' });
    // Assess
    expect(lopez.items).toHaveLength(1);
    expect(lopez.items[0]).toMatchObject({ publishedAt: '2026-03-10', snippet: 'Maria Lopez of Chile disagreed.' });
    expect(lopez.undatedArticles).toBeUndefined();
    expect(ru.ids).toHaveLength(6);
    expect(cl.items.map((i) => i.publishedAt)).toEqual(['2026-03-10']);
    expect(listed.items).toEqual([]);
    expect(march.items.map((i) => i.publishedAt)).toEqual(['2026-03-31', '2026-03-10', '2026-03-04']);
    // A date range leaves the undated article out, and says so.
    expect(march.undatedArticles).toBe(1);
    expect(await undatedArticles(p.store)).toBe(1); // what the count routes can say beside a date filter
    expect(await undatedArticles(p.store, 'c:CL')).toBe(0);
    expect(marchRu.items).toHaveLength(4);
    expect(marchRu.undatedArticles).toBe(1);
  });

  it('filters titles with q (case and accents folded), and a cursor continues it', async () => {
    // Prepare
    const p = await corpus();
    await upload(p, 'articles/2026-05-01-cafe.txt', 'Café owners in Moscow\n\nA REPORT on trade with Russia.');
    await p.aggregate();
    // Act
    const hits = await allPages(p, { q: 'CAFE', limit: '1' });
    const reports = await allPages(p, { q: 'report', limit: '2' });
    // Assess
    expect(hits.ids).toHaveLength(1);
    expect(reports.ids).toHaveLength(6);
  });

  it('comes back short with a cursor when the title filter reaches its read cap', async () => {
    // Prepare: 30 articles, none titled so
    const p = makePipeline();
    await upload(p, 'articles/bulk.ndjson', ndjson(30));
    // Act
    const sources = Array.from({ length: 16 }, (_, s) => ({ pk: `REF#all#${s}` }));
    const range = { lower: '0', upper: '9\uffff', descending: true };
    const capped = await mergedPage(p.store, sources, range, 5, { cap: 10, accept: () => false });
    const rest = await mergedPage(p.store, sources, { ...range, after: capped.next }, 50);
    const whole = await mergedPage(p.store, sources, range, 50);
    // Assess
    expect(capped.rows).toEqual([]);
    expect(capped.next).toBeDefined();
    expect(rest.rows).toHaveLength(20);
    expect(rest.next).toBeUndefined();
    expect(whole.rows.map((r) => r.sortKey)).toEqual([...whole.rows.map((r) => r.sortKey)].sort().reverse());
  });

  it('refuses two filters at once, list with listed=false, from after to, and cursors it did not issue', async () => {
    // Prepare
    const p = await corpus();
    const page = await articles(p, { limit: '1' });
    // Act, Assess
    await expect(articles(p, { country: 'RU', entity: 'm:person:maria lopez' })).rejects.toThrow(/one of/);
    await expect(articles(p, { list: 'un-sc', listed: 'false' })).rejects.toThrow(/exclude/);
    await expect(articles(p, { listed: 'false' })).rejects.toThrow(/not kept/);
    await expect(articles(p, { from: '2026-04-01', to: '2026-03-01' })).rejects.toThrow(/after/);
    await expect(articles(p, { cursor: 'nonsense' })).rejects.toThrow(/not one this API issued/);
    await expect(articles(p, { cursor: Buffer.from('{"s":"x"}').toString('base64url') })).rejects.toThrow(
      /not one this API issued/,
    );
    await expect(articles(p, { country: 'RU', cursor: page.nextCursor! })).rejects.toThrow(/other filters/);
    expect(() => ArticlesQuery.parse({ entity: 'nobody' })).toThrow();
    expect(() => ArticlesQuery.parse({ limit: '101' })).toThrow();
    // list with listed=true is the list filter.
    expect((await articles(p, { list: 'un-sc', listed: 'true' })).items).toEqual([]);
  });

  it('reads a page worth of items, whatever the number of articles (30 and 300)', async () => {
    // Prepare
    const readsAt = async (n: number) => {
      const p = makePipeline();
      await upload(p, 'articles/bulk.ndjson', ndjson(n));
      await p.aggregate();
      const out: Record<string, number> = {};
      const queries: Record<string, Record<string, string>> = {
        all: { limit: '10' },
        country: { country: 'RU', limit: '10' },
        entity: { entity: 'm:organization:acme shipping company', limit: '10' },
        dated: { from: '2026-01-20', to: '2026-03-01', limit: '10' },
        timeline: { country: 'RU', interval: 'week' },
      };
      for (const [name, q] of Object.entries(queries)) {
        p.store.resetReads();
        const first = name === 'timeline' ? undefined : await articles(p, q);
        if (name === 'timeline') await series(p, q);
        else await articles(p, { ...q, cursor: first!.nextCursor! });
        out[name] = p.store.reads().readRange ?? 0;
      }
      return out;
    };
    // Act
    const small = await readsAt(30);
    const large = await readsAt(300);
    // Assess: a page of 10 from S partitions reads ≤ 10 + S × (⌈10 / S⌉ + 1) + S items (S ≤ 16); a 90-day weekly
    // timeline ≤ 14 weeks × 7 day cells + the 10 it looks at for the newest day.
    const page = 10 + 16 * (Math.ceil(10 / 16) + 1) + 16;
    for (const name of ['all', 'country', 'entity', 'dated']) {
      expect(large[name]).toBeLessThanOrEqual(2 * page);
      expect(large[name]).toBeGreaterThanOrEqual(20);
    }
    expect(large.timeline).toBeLessThanOrEqual(14 * 7 + 10);
    expect(large.entity).toBeLessThanOrEqual(small.entity! + 2);
    expect(large.timeline).toBeLessThanOrEqual(small.timeline! + 60);
  }, 60_000);
});

describe('GET /articles/{id}', () => {
  it('gives the first paragraphs, the entities with their listed links, and the countries', async () => {
    // Prepare
    const p = await corpus();
    const id = (await articles(p, { entity: 'm:person:maria lopez' })).items[0]!.id;
    // Act
    const a = await articleDetail(id, p.store);
    // Assess
    expect(a).toMatchObject({ id, title: 'Port report number 2', publishedAt: '2026-03-10', dateFrom: 'key' });
    expect(a.paragraphs[0]).toMatch(/^Officials in Moscow said on Monday/);
    expect(a.entities).toEqual(
      expect.arrayContaining([
        { id: 'm:person:maria lopez', name: 'Maria Lopez', type: 'person', count: 1, country: null, listed: [] },
      ]),
    );
    expect(a.countries.map((c) => c.code).sort()).toEqual(['CL', 'RU']);
    expect(a.countries.find((c) => c.code === 'RU')!.name).toBe('Russia');
    await expect(articleDetail('0'.repeat(32), p.store)).rejects.toThrow(/no article/);
    await expect(articleDetail('not-an-id', p.store)).rejects.toThrow(/not an article id/);
  });
});

describe('GET /counts/timeline (issue 12.2)', () => {
  it('gives per week the articles and mentions the listing holds, zero-filled, from the rollups', async () => {
    // Prepare
    const p = await corpus();
    // Act
    const weeks = TimelineResponse.parse(await series(p, { country: 'RU', from: '2026-03-01', to: '2026-04-30' }));
    const days = await series(p, {
      entity: 'm:person:maria lopez',
      interval: 'day',
      from: '2026-03-09',
      to: '2026-03-11',
    });
    const months = await series(p, { country: 'RU', interval: 'month', from: '2026-01-01', to: '2026-04-30' });
    const listed = await articles(p, { country: 'RU', from: weeks.from, to: weeks.to, limit: '100' });
    // Assess
    expect(weeks.from).toBe('2026-02-23'); // the Monday of the week of March 1st
    expect(weeks.to).toBe('2026-05-03');
    expect(weeks.items.map((w) => [w.period, w.articles])).toEqual([
      ['2026-W09', 0], // Monday February 23rd to Sunday March 1st
      ['2026-W10', 2],
      ['2026-W11', 1],
      ['2026-W12', 0],
      ['2026-W13', 0],
      ['2026-W14', 1],
      ['2026-W15', 0],
      ['2026-W16', 1],
      ['2026-W17', 0],
      ['2026-W18', 0],
    ]);
    expect(weeks.items.reduce((n, w) => n + w.articles, 0)).toBe(listed.items.length);
    expect(days.items.map((d) => [d.period, d.articles, d.mentions])).toEqual([
      ['2026-03-09', 0, 0],
      ['2026-03-10', 1, 1],
      ['2026-03-11', 0, 0],
    ]);
    expect(months.items.map((m) => [m.period, m.articles])).toEqual([
      ['2026-01', 0],
      ['2026-02', 0],
      ['2026-03', 4],
      ['2026-04', 1],
    ]);
  });

  it('defaults to the 90 days up to the series newest article, and refuses bad series and ranges', async () => {
    // Prepare
    const p = await corpus();
    // Act
    const d = await series(p, { country: 'RU', interval: 'day' });
    const none = await series(p, { country: 'FR', interval: 'day' });
    // Assess
    expect([d.from, d.to]).toEqual(['2026-01-16', '2026-04-15']);
    expect(d.items).toHaveLength(90);
    expect(d.items.at(-1)!.articles).toBe(1);
    expect(none.to).toBe('2026-12-01');
    expect(none.items.every((i) => i.articles === 0)).toBe(true);
    await expect(series(p, {})).rejects.toThrow(/name the series/);
    await expect(series(p, { country: 'RU', list: 'un-sc' })).rejects.toThrow(/one series/);
    await expect(series(p, { country: 'RU', interval: 'day', from: '2024-01-01', to: '2026-01-01' })).rejects.toThrow(
      /at most 400 intervals/,
    );
    await expect(series(p, { country: 'RU', from: '2026-03-01', to: '2026-02-01' })).rejects.toThrow(/after/);
  });
});

describe('listings and timelines stay exact under overwrite, delete and relink', () => {
  it('an overwrite moves the article to its new date and entities; a delete takes it out of both', async () => {
    // Prepare
    const p = await corpus();
    const key = 'articles/2026-03-10-port-2.txt';
    // Act: the article rewritten (Lopez gone), then another one deleted
    await upload(p, key, articleText(2, 'Nobody disagreed.'));
    p.s3.delete('articles/2026-04-15-port-4.txt');
    await p.reconcile('articles/2026-04-15-port-4.txt');
    await p.aggregate();
    // Assess
    expect((await articles(p, { entity: 'm:person:maria lopez' })).items).toEqual([]);
    expect((await articles(p, { country: 'CL' })).items).toEqual([]);
    const all = await allPages(p, { limit: '3' });
    expect(all.dates).toEqual(['2026-03-31', '2026-03-10', '2026-03-04', '2026-03-02', null]);
    const months = await series(p, { country: 'RU', interval: 'month', from: '2026-03-01', to: '2026-04-30' });
    expect(months.items.map((m) => m.articles)).toEqual([4, 0]);
    const lopez = await series(p, {
      entity: 'm:person:maria lopez',
      interval: 'day',
      from: '2026-03-10',
      to: '2026-03-10',
    });
    expect(lopez.items[0]!.articles).toBe(0);
    // Nothing of the removed versions is left behind.
    const left = p.store.items().filter((i) => i.pk.startsWith('REF#'));
    expect(left.filter((i) => i.pk.startsWith('REF#all#'))).toHaveLength(5);
    expect(left.filter((i) => i.pk.includes('maria lopez'))).toEqual([]);
  });

  it('an NDJSON overwrite that changes only a date (same article id) moves the article to the new date', async () => {
    // Prepare
    const p = makePipeline();
    const line = (publishedAt: string) =>
      JSON.stringify({ title: 'Same story', body: 'Officials in Moscow said nothing new.', publishedAt });
    await upload(p, 'articles/feed.ndjson', line('2026-03-02'));
    await p.aggregate();
    const before = (await articles(p, {})).items[0]!;
    // Act
    await upload(p, 'articles/feed.ndjson', line('2026-04-01'));
    await p.aggregate();
    // Assess: one row, at the new date, in every listing
    const after = await articles(p, {});
    expect(after.items.map((a) => [a.id, a.publishedAt])).toEqual([[before.id, '2026-04-01']]);
    expect((await articles(p, { country: 'RU' })).items.map((a) => a.publishedAt)).toEqual(['2026-04-01']);
    expect(p.store.items().filter((i) => i.pk.startsWith('REF#') && i.sk.startsWith('2026-03-02'))).toEqual([]);
  });

  it('a relink after a list change moves the article from the news name to the listed entity and its list', async () => {
    // Prepare: an article naming a person the UN list holds, ingested before the list
    const p = makePipeline();
    const index = makeNameIndexStore(p.s3.source);
    p.deps.index = index;
    const deps: SanctionsDeps = {
      source: p.s3.source,
      store: p.store,
      detect: detectListFormat,
      describeExpected: describeExpectedFormats,
      maxBytes: 100 * 1024 * 1024,
      shrinkGuard: 0.5,
      onListsChanged: (call) => relinkAfterListChange({ store: p.store, index, articles: p.deps }, call),
    };
    await upload(p, 'articles/2026-03-02-kivu.txt', 'Kivu report\n\nOfficials in Goma met Eric Badege on Monday.');
    await p.aggregate();
    const before = await articles(p, { listed: 'true' });
    // Act
    await p.s3.source.put('sanctions/un.xml', UN, 'application/xml');
    await reconcileSanctionsObject(
      {
        bucket: 'radar-ingest',
        key: 'sanctions/un.xml',
        eventName: 'ObjectCreated:Put',
        eventTime: '2026-03-03T00:00:00Z',
      },
      deps,
      { deadline: Date.now() + 60_000 },
    );
    await p.aggregate();
    // Assess
    expect(before.items).toEqual([]);
    expect((await articles(p, { listed: 'true' })).items).toHaveLength(1);
    const listed = await articles(p, { list: 'un-sc' });
    expect(listed.items).toHaveLength(1);
    const id = (await articleDetail(listed.items[0]!.id, p.store)).entities.find((e) => e.listed.length)!.id;
    expect((await articles(p, { entity: id })).items[0]!.snippet).toMatch(/Eric Badege/);
    expect((await articles(p, { entity: 'm:person:eric badege' })).items).toEqual([]);
    const tl = await series(p, { list: 'un-sc', interval: 'day', from: '2026-03-02', to: '2026-03-02' });
    expect(tl.items[0]!.articles).toBe(1);
    const gone = await series(p, {
      entity: 'm:person:eric badege',
      interval: 'day',
      from: '2026-03-02',
      to: '2026-03-02',
    });
    expect(gone.items[0]!.articles).toBe(0);
  });
});
