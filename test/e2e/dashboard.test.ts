import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_HTML, DASHBOARD_JS } from '../../functions/query/assets.ts';
import type { ChangeItem } from '../../shared/query/changes.ts';
import { ROOT, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

/** Debian's chromium (no browser download by playwright); the test is skipped, loudly, where there is none. */
function findChromium(): string | undefined {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    const p = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    return p || undefined;
  } catch {
    return undefined;
  }
}

const CHROMIUM = findChromium();
if (!CHROMIUM)
  console.warn(
    'test/e2e/dashboard.test.ts skipped: no Chromium at /usr/bin/chromium or on PATH (apt-get install -y chromium)',
  );

const ARTIFACTS = join(ROOT, 'test/artifacts');

/** The page's own defaults (functions/query/dashboard-views.js): the test asks the API the same question. */
const ARTICLE_LIMIT = 20;
const COUNTRY_ENTITY_LIMIT = 25;
/** XML namespace names, which the chart library passes to createElementNS: identifiers, never fetched. */
const XML_NAMESPACES =
  /http:\/\/www\.w3\.org\/(?:2000\/svg|1999\/xhtml|1999\/xlink|XML\/1998\/namespace|2000\/xmlns\/)/g;
/** Must stay the page's own defaults (CHART_LIMIT, ENTITY_LIMIT in functions/query/dashboard.js): the test asks the API the same question. */
const CHART_LIMIT = 20;
const ENTITY_LIMIT = 25;
/** A key full of markup: the ingests table must show it as text, and nothing in it may run. */
const HOSTILE_KEY = 'sanctions/<img src=x onerror=alert(1)>.csv';

interface CountryItem {
  country: string;
  name: string;
  listedEntities: number;
  articles: number;
  mentions: number;
  byList: Record<string, number>;
}
interface EntityItem {
  id: string;
  name: string;
  type: string;
  articles: number;
  mentions: number;
}
interface IngestItem {
  key: string;
  status: string;
  error?: string;
  updatedAt?: string;
}
interface Page0<T> {
  items: T[];
  nextCursor?: string | null;
}
interface ArticleItem {
  id: string;
  key: string;
  title: string | null;
  source: string | null;
  url: string | null;
  publishedAt: string | null;
  mentions: number;
  snippet: string | null;
}
interface TimelineItem {
  period: string;
  start: string;
  end: string;
  articles: number;
  mentions: number;
}
interface EntityDetail {
  id: string;
  name: string;
  type: string;
  listed: boolean;
  lists: string[];
  list?: string;
  sourceId?: string;
  programs?: string[];
  listedOn?: string;
  countries: (string | { code: string })[];
  recentArticles: {
    articleId: string;
    key: string;
    title: string | null;
    url: string | null;
    publishedAt: string | null;
    mentions: number;
  }[];
}
type Get = <T>(path: string) => Promise<{ status: number; body: T }>;

const DAY = 86_400_000;
interface Problem {
  title: string;
  detail?: string;
}

const barsOf = (items: CountryItem[]) =>
  items.map((i) => ({ country: i.country, listed: i.listedEntities, articles: i.articles }));

async function readBars(page: Page) {
  return page.$$eval('#chart [data-country]', (els) =>
    els.map((e) => ({
      country: e.getAttribute('data-country'),
      listed: Number(e.getAttribute('data-listed')),
      articles: Number(e.getAttribute('data-articles')),
    })),
  );
}

async function readEntityRows(page: Page) {
  return page.$$eval('#entities tbody tr[data-id]', (rows) =>
    (rows as HTMLTableRowElement[]).map((r) => ({
      id: r.getAttribute('data-id'),
      name: r.cells[0]?.textContent,
      type: r.cells[1]?.textContent,
      articles: Number(r.getAttribute('data-articles')),
      mentions: Number(r.getAttribute('data-mentions')),
    })),
  );
}

/** The page counts its refreshes; waiting for a newer one that finished avoids reading the previous answer. */
async function waitForRefresh(page: Page, after: number): Promise<number> {
  await page.waitForFunction(
    (g) => document.body.dataset.state === 'ready' && Number(document.body.dataset.generation) > g,
    after,
    { timeout: 15_000 },
  );
  return Number(await page.getAttribute('body', 'data-generation'));
}
const generationOf = async (page: Page) => Number(await page.getAttribute('body', 'data-generation'));

describe.skipIf(!CHROMIUM)('dashboard (GET /) in headless Chromium against the sandbox with demo data', () => {
  let sb: RunningSandbox;
  let browser: Browser;
  let page: Page;
  /** The API as the page sees it. */
  let api: Get;
  const requests: string[] = [];
  const pageErrors: string[] = [];
  /** Console reports of a blocked resource or a Content-Security-Policy violation (the policy is a response header). */
  const cspViolations: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    sb = await startSandboxProcess({ args: ['--memory'] });
    // The demo's 44 articles and list: ~25 s alone, over 60 s beside the rest of CI on a loaded 2-core machine.
    await sb.idle(240_000);
    await sb.s3.send(
      new PutObjectCommand({ Bucket: 'radar-ingest', Key: HOSTILE_KEY, Body: 'no,known\nlist,format\n' }),
    );
    await sb.idle();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-dev-shm-usage',
      ],
    });
    api = (p) => sb.get(p);
    page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${sb.queryUrl}/`);
    await waitForRefresh(page, 0);
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await sb?.stop();
  });

  it('draws one bar per country, in the order and with the numbers GET /counts/countries returns', async () => {
    // Prepare
    const api = await sb.get<Page0<CountryItem>>(`/counts/countries?limit=${CHART_LIMIT}`);
    expect(api.status).toBe(200);
    expect(api.body.items.length).toBeGreaterThan(3);
    // Act
    const bars = await readBars(page);
    const labels = await page.$$eval('#chart [data-country]', (els) =>
      els.map((e) => ({ aria: e.getAttribute('aria-label'), title: e.querySelector('title')?.textContent })),
    );
    const tableRows = await page.$$eval('#chart-table tbody tr[data-country]', (rows) =>
      (rows as HTMLTableRowElement[]).map((r) =>
        Array.from(r.cells)
          .slice(0, 3)
          .map((c) => c.textContent),
      ),
    );
    // Assess
    expect(bars).toEqual(barsOf(api.body.items));
    api.body.items.forEach((it, i) => {
      const name = labels[i]!.aria!;
      expect(name).toContain(`${it.name} (${it.country})`);
      expect(name).toMatch(new RegExp(`: ${it.listedEntities.toLocaleString('en')} listed entit`));
      expect(name).toMatch(new RegExp(`, ${it.articles.toLocaleString('en')} articles?,`));
      expect(labels[i]!.title).toBe(name);
    });
    expect(tableRows).toEqual(
      api.body.items.map((i) => [
        `${i.name} (${i.country})`,
        i.listedEntities.toLocaleString('en'),
        i.articles.toLocaleString('en'),
      ]),
    );
  });

  it('fills the entities table with what GET /counts/entities returns (or its error, with no rows)', async () => {
    // Prepare
    const api = await sb.get<Page0<EntityItem> & Problem>(`/counts/entities?limit=${ENTITY_LIMIT}`);
    // Act
    const rows = await readEntityRows(page);
    const error = await page.textContent('#entities-error');
    // Assess
    if (api.status === 200) {
      expect(api.body.items.length).toBeGreaterThan(0);
      expect(rows).toEqual(
        api.body.items.map((e) => ({
          id: e.id,
          name: e.name,
          type: e.type,
          articles: e.articles,
          mentions: e.mentions,
        })),
      );
      expect(error).toBe('');
    } else {
      expect(rows).toEqual([]);
      expect(error).toContain(api.body.detail ?? api.body.title);
    }
  });

  it('offers every list in the data (the byList keys) in the list menu', async () => {
    // Prepare
    const api = await sb.get<Page0<CountryItem>>('/counts/countries?limit=500');
    const lists = [...new Set(api.body.items.flatMap((i) => Object.keys(i.byList)))].sort();
    expect(lists.length).toBeGreaterThan(0);
    // Act
    const options = await page.$$eval('#f-list option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    // Assess
    expect(options).toEqual(['', ...lists]);
  });

  it('changes the chart and the table to what the API returns when the type filter changes', async () => {
    // Prepare
    const all = await sb.get<Page0<CountryItem>>(`/counts/countries?limit=${CHART_LIMIT}`);
    const orgs = await sb.get<Page0<CountryItem>>(`/counts/countries?type=organization&limit=${CHART_LIMIT}`);
    const orgEntities = await sb.get<Page0<EntityItem>>(`/counts/entities?type=organization&limit=${ENTITY_LIMIT}`);
    // Without a difference in the demo data this test would prove nothing.
    expect(barsOf(orgs.body.items)).not.toEqual(barsOf(all.body.items));
    const before = await generationOf(page);
    // Act
    await page.selectOption('#f-type', 'organization');
    const gen = await waitForRefresh(page, before);
    // Assess
    expect(await readBars(page)).toEqual(barsOf(orgs.body.items));
    if (orgEntities.status === 200) {
      expect((await readEntityRows(page)).map((r) => r.id)).toEqual(orgEntities.body.items.map((e) => e.id));
      expect((await readEntityRows(page)).every((r) => r.type === 'organization')).toBe(true);
    }
    expect(new URL(page.url()).searchParams.get('type')).toBe('organization');
    // Back to no filter: the first numbers return.
    await page.selectOption('#f-type', '');
    await waitForRefresh(page, gen);
    expect(await readBars(page)).toEqual(barsOf(all.body.items));
  });

  it('shows the problem detail of a refused query (from after to) and recovers when the filter is fixed', async () => {
    // Prepare
    const api = await sb.get<Problem>('/counts/countries?from=2026-03-10&to=2026-03-01');
    expect(api.status).toBeGreaterThanOrEqual(400);
    let gen = await generationOf(page);
    // Act
    await page.fill('#f-from', '2026-03-10');
    gen = await waitForRefresh(page, gen);
    await page.fill('#f-to', '2026-03-01');
    gen = await waitForRefresh(page, gen);
    // Assess
    expect(await page.textContent('#chart-error')).toContain(api.body.detail ?? api.body.title);
    expect(await readBars(page)).toEqual([]);
    expect(await page.textContent('#status')).toMatch(/failed/);
    await page.click('#f-reset');
    await waitForRefresh(page, gen);
    expect(await page.textContent('#chart-error')).toBe('');
    expect((await readBars(page)).length).toBeGreaterThan(3);
  });

  it('lists recent ingests newest first with status and error, showing markup in a key as text', async () => {
    // Prepare
    const api = await sb.get<Page0<IngestItem>>('/ingests?limit=100');
    const expected = [...api.body.items]
      .sort((a, b) => String(b.updatedAt ?? '').localeCompare(String(a.updatedAt ?? '')) || a.key.localeCompare(b.key))
      .slice(0, 25)
      .map((i) => ({ key: i.key, status: i.status, error: i.error ?? '' }));
    const hostile = api.body.items.find((i) => i.key === HOSTILE_KEY);
    expect(hostile?.status).toMatch(/failed|quarantined/);
    // Act
    const rows = await page.$$eval('#ingests tbody tr[data-key]', (trs) =>
      (trs as HTMLTableRowElement[]).map((r) => ({
        key: r.cells[0]?.textContent,
        status: r.cells[1]?.textContent,
        error: r.cells[7]?.querySelector('.err-full')?.textContent ?? '',
      })),
    );
    // Assess
    expect(rows).toEqual(expected);
    expect(rows.find((r) => r.key === HOSTILE_KEY)?.error).toBe(hostile!.error);
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('is usable from the keyboard: Tab reaches every labelled control, arrows and Enter pick a country in the chart', async () => {
    // Prepare
    const controls = [
      'f-list',
      'f-type',
      'f-country',
      'f-listed',
      'f-q',
      'f-from',
      'f-to',
      'f-sort',
      'f-apply',
      'f-reset',
    ];
    const unlabelled = await page.$$eval('#filters input, #filters select', (els) =>
      els.filter((e) => !(e as HTMLInputElement).labels?.length).map((e) => e.id),
    );
    expect(unlabelled).toEqual([]);
    await page.goto(`${sb.queryUrl}/`);
    let gen = await waitForRefresh(page, 0);
    // Act
    const reached = new Set<string>();
    for (let i = 0; i < 40 && !controls.every((c) => reached.has(c)); i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    // Assess
    expect(controls.filter((c) => !reached.has(c))).toEqual([]);

    // Prepare: the chart is one tab stop; arrows move inside it.
    const second = (await readBars(page))[1]!.country!;
    const api = await sb.get<Page0<EntityItem>>(`/counts/entities?country=${second}&limit=${ENTITY_LIMIT}`);
    // Act
    await page.focus('#chart .row[tabindex="0"]');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-country'))).toBe(second);
    await page.keyboard.press('Enter');
    gen = await waitForRefresh(page, gen);
    // Assess
    expect(await page.inputValue('#f-country')).toBe(second);
    if (api.status === 200)
      expect((await readEntityRows(page)).map((r) => r.id)).toEqual(api.body.items.map((e) => e.id));
    await page.click('#f-reset');
    await waitForRefresh(page, gen);
  });

  /** Waits for a page of the hash router (body data-view) to finish, after generation `after`. */
  async function waitForView(p: Page, view: string, after: number): Promise<number> {
    await p.waitForFunction(
      ([v, g]) =>
        document.body.dataset.view === v &&
        document.body.dataset.state === 'ready' &&
        Number(document.body.dataset.generation) > Number(g),
      [view, after] as const,
      { timeout: 20_000 },
    );
    return generationOf(p);
  }
  const readTimeline = (p: Page) =>
    p.$$eval('#timeline-table tbody tr[data-period]', (rows) =>
      rows.map((r) => ({
        period: r.getAttribute('data-period'),
        articles: Number(r.getAttribute('data-articles')),
        mentions: Number(r.getAttribute('data-mentions')),
      })),
    );
  const readArticleIds = (p: Page, list: string) =>
    p.$$eval(`#${list} li[data-id]`, (lis) => lis.map((l) => l.getAttribute('data-id')));
  const timelineOf = (items: TimelineItem[]) =>
    items.map((i) => ({ period: i.period, articles: i.articles, mentions: i.mentions }));
  /** What the browser test walks through, kept for the screenshots. */
  const visited: { country?: string; entity?: string; article?: string } = {};

  it('draws a world map of a metric by country (switchable), its table, and each country with a count links to its page', async () => {
    // Prepare
    const all = await api<Page0<CountryItem & { listedEntitiesInNews: number }>>('/counts/countries?limit=500');
    expect(all.body.nextCursor).toBeNull();
    await page.goto(`${sb.queryUrl}/`);
    const gen = await waitForRefresh(page, 0);
    const expected = (metric: 'listedEntities' | 'articles' | 'listedEntitiesInNews') =>
      all.body.items
        .filter((i) => i[metric] > 0)
        .map((i) => ({ country: i.country, value: i[metric] }))
        .sort((a, b) => b.value - a.value || 0);
    const readMap = () =>
      page.$$eval('#map a[data-country]', (as) =>
        as.map((a) => ({ country: a.getAttribute('data-country')!, value: Number(a.getAttribute('data-value')) })),
      );
    const readMapTable = () =>
      page.$$eval('#map-table tbody tr[data-country]', (rows) =>
        rows.map((r) => ({ country: r.getAttribute('data-country')!, value: Number(r.getAttribute('data-value')) })),
      );
    const sameSet = (a: { country: string; value: number }[]) =>
      [...a].sort((x, y) => x.country.localeCompare(y.country));
    // Act
    const listedLinks = await readMap();
    const listedTable = await readMapTable();
    await page.check('#m-articles');
    const articleLinks = await readMap();
    const articleTable = await readMapTable();
    // Assess: the table holds every country with a count; the map links those it has a shape for (110m has no
    // Singapore or Malta), each with the API's number; small countries aside, most are on it.
    for (const [links, table, metric] of [
      [listedLinks, listedTable, 'listedEntities'],
      [articleLinks, articleTable, 'articles'],
    ] as const) {
      expect(sameSet(table)).toEqual(sameSet(expected(metric)));
      expect(table.map((r) => r.value)).toEqual(expected(metric).map((r) => r.value));
      const byCc = new Map(expected(metric).map((e) => [e.country, e.value]));
      expect(links.every((l) => byCc.get(l.country) === l.value)).toBe(true);
      expect(links.length).toBeGreaterThan(expected(metric).length * 0.7);
    }
    expect(await page.$eval('#map svg[role="img"]', (s) => s.getAttribute('aria-label'))).toMatch(/articles/i);
    expect(await page.$$eval('#map figure svg', (s) => s.length)).toBeGreaterThan(1); // the legend and the map

    // Act: from the map to a country's page: the one with most listed entities in the news (it has entities and
    // articles to show on its page).
    await page.check('#m-news');
    const newsLinks = await readMap();
    expect(sameSet(await readMapTable())).toEqual(sameSet(expected('listedEntitiesInNews')));
    const top = [...newsLinks].sort((a, b) => b.value - a.value)[0]!;
    expect(await page.getAttribute('#map', 'data-metric')).toBe('listedEntitiesInNews');
    await page.click(`#map a[data-country="${top.country}"]`);
    await waitForView(page, 'countries', gen);
    // Assess
    const country = all.body.items.find((i) => i.country === top.country)!;
    expect(new URL(page.url()).hash).toBe(`#/countries/${top.country}`);
    expect(await page.textContent('#view-h')).toBe(`${country.name} (${country.country})`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('view-h');
    visited.country = top.country;
  });

  it("shows a country's counts by list and type, its timeline, entities and articles as the API returns them", async () => {
    // Prepare
    const cc = visited.country!;
    const all = await api<Page0<CountryItem & { byType: Record<string, number> }>>('/counts/countries?limit=500');
    const c = all.body.items.find((i) => i.country === cc)!;
    const timeline = await api<{ items: TimelineItem[] }>(`/counts/timeline?country=${cc}&interval=week`);
    const entities = await api<Page0<EntityItem>>(`/counts/entities?country=${cc}&limit=${COUNTRY_ENTITY_LIMIT}`);
    const articles = await api<Page0<ArticleItem>>(`/articles?country=${cc}&sort=-date&limit=${ARTICLE_LIMIT}`);
    expect(timeline.status).toBe(200);
    expect(articles.body.items.length).toBeGreaterThan(0);
    // Act
    const counts = await page.$$eval('#country-counts-table tbody tr[data-by]', (rows) =>
      rows.map((r) => [r.getAttribute('data-by'), r.getAttribute('data-key'), Number(r.getAttribute('data-n'))]),
    );
    const entityIds = await page.$$eval('#entities-of-country tbody tr[data-id]', (rows) =>
      rows.map((r) => r.getAttribute('data-id')),
    );
    // Assess
    expect(counts).toEqual([
      ...Object.keys(c.byList)
        .sort()
        .map((k) => ['list', k, c.byList[k]]),
      ...Object.keys(c.byType)
        .sort()
        .map((k) => ['type', k, c.byType[k]]),
    ]);
    expect(await readTimeline(page)).toEqual(timelineOf(timeline.body.items));
    expect(timeline.body.items.reduce((n, i) => n + i.articles, 0)).toBeGreaterThan(0);
    expect(await page.$$eval('#timeline-chart svg rect', (r) => r.length)).toBeGreaterThan(0);
    expect(entityIds).toEqual(entities.body.items.map((e) => e.id));
    expect(await readArticleIds(page, 'country-articles-list')).toEqual(articles.body.items.map((a) => a.id));
  });

  it('goes from an entity to its page: listings with programmes and listed date, timeline and articles match the API', async () => {
    // Prepare: a listed entity of the country that the news mentions.
    const cc = visited.country!;
    const entities = await api<Page0<EntityItem & { listed: boolean }>>(
      `/counts/entities?country=${cc}&limit=${COUNTRY_ENTITY_LIMIT}`,
    );
    const target = entities.body.items.find((e) => e.listed && e.articles > 0) ?? entities.body.items[0]!;
    const detail = await api<EntityDetail>(`/entities/${encodeURIComponent(target.id)}`);
    const timeline = await api<{ items: TimelineItem[] }>(
      `/counts/timeline?entity=${encodeURIComponent(target.id)}&interval=week`,
    );
    const articles = await api<Page0<ArticleItem>>(
      `/articles?entity=${encodeURIComponent(target.id)}&sort=-date&limit=${ARTICLE_LIMIT}`,
    );
    expect(articles.body.items.length).toBeGreaterThan(0);
    const gen = await generationOf(page);
    // Act
    await page.click(`#entities-of-country tr[data-id="${target.id}"] a.entity`);
    await waitForView(page, 'entities', gen);
    const listing = await page.$$eval('#listings-table tbody tr', (rows) =>
      rows.map((r) => Array.from((r as HTMLTableRowElement).cells).map((c) => c.textContent)),
    );
    const snippets = await page.$$eval('#entity-articles-list li .snippet', (b) => b.map((x) => x.textContent));
    // Assess
    expect(await page.textContent('#view-h')).toBe(detail.body.name);
    if (detail.body.listed)
      expect(listing[0]!.slice(0, 4)).toEqual([
        detail.body.list,
        detail.body.sourceId,
        (detail.body.programs ?? []).join(', ') || '\u2014',
        detail.body.listedOn ?? '\u2014',
      ]);
    expect(await readTimeline(page)).toEqual(timelineOf(timeline.body.items));
    expect(await readArticleIds(page, 'entity-articles-list')).toEqual(articles.body.items.map((a) => a.id));
    expect(snippets).toEqual(articles.body.items.filter((a) => a.snippet).map((a) => a.snippet));
    // The evidence behind a timeline bar: a period's count links to that period's articles.
    const withArticles = timeline.body.items.find((i) => i.articles > 0)!;
    const href = await page.getAttribute(`#timeline-table tr[data-period="${withArticles.period}"] a`, 'href');
    expect(new URLSearchParams(href!.split('?')[1])).toEqual(
      new URLSearchParams({ entity: target.id, from: withArticles.start, to: withArticles.end }),
    );
    visited.entity = target.id;

    // Act: from the entity to an article, whose entities are links back.
    const first = articles.body.items[0]!;
    const gen2 = await generationOf(page);
    await page.click(`#entity-articles-list li[data-id="${first.id}"] a.article-title`);
    await waitForView(page, 'articles', gen2);
    // Assess
    const article = await api<{ title: string | null; key: string; entities: { id: string }[] }>(
      `/articles/${encodeURIComponent(first.id)}`,
    );
    expect(await page.textContent('#view-h')).toBe(article.body.title ?? article.body.key);
    const linked = await page.$$eval('#article-entities-table tbody tr[data-id]', (rows) =>
      rows.map((r) => r.getAttribute('data-id')),
    );
    expect(linked).toEqual(article.body.entities.map((e) => e.id));
    expect(linked).toContain(target.id);
    visited.article = first.id;
  });

  it("leads from an entity's article count on the overview to the articles behind it", async () => {
    // Prepare
    await page.goto(`${sb.queryUrl}/`);
    const gen = await waitForRefresh(page, 0);
    const top = (await api<Page0<EntityItem>>(`/counts/entities?limit=${ENTITY_LIMIT}`)).body.items[0]!;
    const articles = await api<Page0<ArticleItem>>(
      `/articles?entity=${encodeURIComponent(top.id)}&sort=-date&limit=${ARTICLE_LIMIT}`,
    );
    // Act
    await page.click(`#entities tr[data-id="${top.id}"] a.count`);
    await waitForView(page, 'article-list', gen);
    // Assess
    expect(await readArticleIds(page, 'filtered-articles-list')).toEqual(articles.body.items.map((a) => a.id));
    expect(await page.textContent('#view-h')).toContain(top.id);
    // Back to the overview by the heading's link: the overview is drawn again.
    const back = await generationOf(page);
    await page.click('#home');
    await waitForView(page, 'overview', back);
    expect((await readBars(page)).length).toBeGreaterThan(3);
  });

  it('lets the keyboard pick the map metric, skip the map, or go through its country links', async () => {
    // Prepare: the overview is on screen (the test before came back to it).
    expect(await page.getAttribute('body', 'data-view')).toBe('overview');
    await page.focus('#m-listed');
    // Act
    await page.keyboard.press('ArrowRight');
    const metric = await page.getAttribute('#map', 'data-metric');
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => document.activeElement?.getAttribute('data-skip'));
    await page.keyboard.press('Tab');
    const firstCountry = await page.evaluate(() =>
      document.activeElement?.closest('#map a')?.getAttribute('data-country'),
    );
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    // Assess
    expect(metric).toBe('articles');
    expect(skip).toBe('countries-h');
    expect(firstCountry).toMatch(/^[A-Z]{2}$/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('countries-h');
    expect(await page.getAttribute('body', 'data-view')).toBe('overview');
  });

  it('saves each page at 1280 and 390 px to test/artifacts/, with no sideways scrolling of the page or its main tables', async () => {
    // Prepare
    mkdirSync(ARTIFACTS, { recursive: true });
    const pages = {
      overview: '#/',
      country: `#/countries/${visited.country}`,
      entity: `#/entities/${encodeURIComponent(visited.entity!)}`,
      article: `#/articles/${encodeURIComponent(visited.article!)}`,
    };
    const views = { overview: 'overview', country: 'countries', entity: 'entities', article: 'articles' };
    const overflow: Record<string, number[]> = {};
    for (const width of [1280, 390]) {
      const p = await browser.newPage({ viewport: { width, height: 900 } });
      p.on('pageerror', (e) => pageErrors.push(String(e)));
      for (const [name, hash] of Object.entries(pages)) {
        // Act
        await p.goto(`${sb.queryUrl}/${hash}`);
        await waitForView(p, views[name as keyof typeof views], 0);
        const file = join(ARTIFACTS, `${name}-${width}.png`);
        await p.screenshot({ path: file, fullPage: true });
        // Assess
        expect(statSync(file).size).toBeGreaterThan(5_000);
        overflow[`${name}-${width}`] = await p.evaluate(() => [
          document.documentElement.scrollWidth - document.documentElement.clientWidth,
          ...Array.from(document.querySelectorAll('.scroll'))
            .filter((s) => (s as HTMLElement).offsetParent !== null)
            .map((s) => s.scrollWidth - s.clientWidth),
        ]);
      }
      await p.close();
    }
    for (const [k, v] of Object.entries(overflow))
      expect(
        v.every((n) => n <= 0),
        `${k}: ${v.join(',')}`,
      ).toBe(true);
  });

  // ---------------------------------------------------------------------------------------------------------------
  // "What changed" (issue 11.5). The demo has one version per list: first the empty state, then a second version of
  // the UN excerpt through S3 (one entity removed, 21 renamed, one added) and an article of the day naming the added
  // one, and the panel's rows must be what GET /changes answers, page by page and filter by filter.

  const readChanges = (p: Page) =>
    p.$$eval('#changes tbody tr[data-entity]', (rows) =>
      (rows as HTMLTableRowElement[]).map((r) => {
        const c = r.cells;
        return {
          date: c[0]?.querySelector('time')?.getAttribute('datetime'),
          list: c[1]?.textContent,
          type: r.getAttribute('data-type'),
          entity: c[3]?.querySelector('a.entity')?.getAttribute('href'),
          name: c[3]?.querySelector('a.entity')?.textContent,
          countries: Array.from(c[4]?.querySelectorAll('a[data-country]') ?? []).map((a) =>
            a.getAttribute('data-country'),
          ),
          fields: c[5]?.textContent,
          before: Number(r.getAttribute('data-before')),
          after: Number(r.getAttribute('data-after')),
          afterHref: c[7]?.querySelector('a')?.getAttribute('href') ?? null,
        };
      }),
    );
  const rowsOf = (items: ChangeItem[]) =>
    items.map((c) => ({
      date: c.changedAt,
      list: c.list,
      type: c.type,
      entity: `#/entities/${encodeURIComponent(c.entityId)}`,
      name: c.name,
      countries: c.countries,
      fields: (c.fields ?? []).join(', ') || '\u2014',
      before: c.articlesBefore,
      after: c.articlesAfter,
      afterHref: c.articlesAfter > 0 ? expect.any(String) : null,
    }));
  /** The panel reloads alone when its menus change or "More" is pressed: its own generation says when it finished. */
  async function waitForChanges(p: Page, after: number): Promise<number> {
    await p.waitForFunction(
      (g) => {
        const s = document.getElementById('changes-section');
        return s?.dataset.state === 'ready' && Number(s.dataset.generation) > g;
      },
      after,
      { timeout: 15_000 },
    );
    return Number(await p.getAttribute('#changes-section', 'data-generation'));
  }
  const changesGeneration = async (p: Page) => Number(await p.getAttribute('#changes-section', 'data-generation'));

  it('says in "What changed" that a first version has nothing to compare with, in a captioned, labelled table', async () => {
    // Prepare
    const api = await sb.get<Page0<ChangeItem>>('/changes');
    expect(api.body.items).toEqual([]);
    await page.goto(`${sb.queryUrl}/`);
    await waitForRefresh(page, 0);
    // Act
    const empty = await page.textContent('#changes tbody tr.empty');
    const labelled = await page.$$eval('#changes-section select', (ss) =>
      ss.map((s) => (s as HTMLSelectElement).labels?.[0]?.firstChild?.textContent),
    );
    // Assess
    expect(empty).toBe('No changes yet: a list\u2019s first version has nothing to compare with.');
    expect(await page.getAttribute('#changes', 'data-count')).toBe('0');
    expect(await page.textContent('#changes caption')).toMatch(/newest first.*30 days/);
    expect(labelled).toEqual(['List', 'Change']);
    expect(await page.isHidden('#changes-more')).toBe(true);
  });

  it('shows the changes of a second list version as GET /changes returns them: pages, filters, links to the news', async () => {
    // Prepare: the second version of the demo's UN excerpt, uploaded where the demo put the first.
    const key = 'sanctions/un-sc-consolidated-excerpt.xml';
    const full = readFileSync(join(ROOT, 'demo', key), 'utf8');
    const records = [...full.matchAll(/<(INDIVIDUAL|ENTITY)>[\s\S]*?<\/\1>/g)].map((m) => m[0]);
    const individuals = records.filter((r) => r.startsWith('<INDIVIDUAL>'));
    const entities = records.filter((r) => r.startsWith('<ENTITY>'));
    const renamed = individuals
      .slice(1, 22)
      .map((r) => r.replace(/<FIRST_NAME>([^<]*)<\/FIRST_NAME>/, '<FIRST_NAME>$1 RENAMED</FIRST_NAME>'));
    // Our own entity, so that an article of our own can name it.
    const added = `<ENTITY><DATAID>99000001</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>NORTHWIND HARBOUR SHIPPING COMPANY</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPe.990</REFERENCE_NUMBER><LISTED_ON>2026-11-30</LISTED_ON><LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE><ENTITY_ADDRESS><COUNTRY>Democratic People's Republic of Korea</COUNTRY></ENTITY_ADDRESS></ENTITY>`;
    const v2 =
      full.slice(0, full.indexOf('<INDIVIDUALS>')) +
      `<INDIVIDUALS>${[...renamed, ...individuals.slice(22)].join('')}</INDIVIDUALS>` +
      `<ENTITIES>${[...entities, added].join('')}</ENTITIES></CONSOLIDATED_LIST>\n`;
    expect(renamed.every((r, i) => r !== individuals[i + 1])).toBe(true);
    await sb.s3.send(new PutObjectCommand({ Bucket: 'radar-ingest', Key: key, Body: v2 }));
    await sb.idle();
    const everything = await sb.get<Page0<ChangeItem>>('/changes?limit=200');
    expect(everything.body.items.map((c) => c.type).sort()).toEqual(['ADD', 'DEL', ...Array(21).fill('MOD')].sort());
    const add = everything.body.items.find((c) => c.type === 'ADD')!;
    const day = add.changedAt.slice(0, 10);
    await sb.s3.send(
      new PutObjectCommand({
        Bucket: 'radar-ingest',
        Key: `articles/${day}-northwind-listed.md`,
        Body: `---\ntitle: Security Council committee lists a Nampo shipping firm\ndate: ${day}\nsource: Panel Test Wire\n---\n\nThe sanctions committee added Northwind Harbour Shipping Company to its list on Monday, saying the firm had moved coal for the government in Pyongyang.\n`,
      }),
    );
    await sb.idle();
    const first = await sb.get<Page0<ChangeItem>>('/changes?limit=20');
    const second = await sb.get<Page0<ChangeItem>>(`/changes?limit=20&cursor=${first.body.nextCursor}`);
    expect(first.body.items).toHaveLength(20);
    expect(second.body.nextCursor).toBeNull();
    const joined = [...first.body.items, ...second.body.items].find((c) => c.type === 'ADD')!;
    expect(joined.articlesAfter).toBe(1); // the article of the day: without it the links below prove nothing
    // Act: the overview, then "More"
    await page.goto(`${sb.queryUrl}/`);
    await waitForRefresh(page, 0);
    const shown = await readChanges(page);
    let gen = await changesGeneration(page);
    await page.click('#changes-more');
    gen = await waitForChanges(page, gen);
    const all = await readChanges(page);
    // Assess
    expect(shown).toEqual(rowsOf(first.body.items));
    expect(all).toEqual(rowsOf([...first.body.items, ...second.body.items]));
    expect(await page.isHidden('#changes-more')).toBe(true);
    const w = { from: day, to: new Date(Date.parse(`${day}T00:00:00Z`) + 29 * DAY).toISOString().slice(0, 10) };
    const href = all.find((r) => r.type === 'ADD')!.afterHref!;
    expect(href.startsWith('#/articles?')).toBe(true);
    expect(new URLSearchParams(href.split('?')[1])).toEqual(new URLSearchParams({ entity: joined.entityId, ...w }));
    expect(all.find((r) => r.type === 'ADD')!.countries).toEqual(['KP']);

    // Act: the filters, each a new first page
    const dels = await sb.get<Page0<ChangeItem>>('/changes?type=DEL&limit=20');
    await page.selectOption('#c-type', 'DEL');
    gen = await waitForChanges(page, gen);
    const delRows = await readChanges(page);
    const mods = await sb.get<Page0<ChangeItem>>('/changes?list=un-sc&type=MOD&limit=20');
    await page.selectOption('#c-list', 'un-sc');
    await page.selectOption('#c-type', 'MOD');
    gen = await waitForChanges(page, gen);
    const modRows = await readChanges(page);
    // Assess
    expect(delRows).toEqual(rowsOf(dels.body.items));
    expect(delRows).toHaveLength(1);
    expect(modRows).toEqual(rowsOf(mods.body.items));
    expect(modRows.every((r) => r.type === 'MOD' && r.fields?.includes('name'))).toBe(true);
    expect(await page.isVisible('#changes-more')).toBe(true);

    // Act: from a changed entity to its page, which shows when it was first seen and last changed
    const mod = mods.body.items[0]!;
    const detail = await sb.get<EntityDetail & { firstSeen?: string; lastChanged?: string }>(
      `/entities/${encodeURIComponent(mod.entityId)}`,
    );
    const before = await generationOf(page);
    await page.click(`#changes tr[data-entity="${mod.entityId}"] a.entity`);
    await waitForView(page, 'entities', before);
    const facts = await page.$$eval('#listings dl.facts dt', (dts) =>
      dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]),
    );
    // Assess
    expect(detail.body.firstSeen).toBe(mod.firstSeen);
    expect(detail.body.lastChanged).toBe(mod.lastChanged);
    expect(facts).toContainEqual(['First seen on the list', mod.firstSeen]);
    expect(facts).toContainEqual(['Last changed', mod.lastChanged]);
    expect(await page.textContent('#view-h')).toBe(mod.name);
  });

  it('collapses the "What changed" table on a 390 px screen: change (with its date), entity and article counts stay', async () => {
    // Prepare
    const p = await browser.newPage({ viewport: { width: 390, height: 844 } });
    p.on('pageerror', (e) => pageErrors.push(String(e)));
    await p.goto(`${sb.queryUrl}/`);
    await waitForRefresh(p, 0);
    // Act
    const visible = await p.$$eval('#changes thead th', (ths) =>
      ths.filter((t) => getComputedStyle(t).display !== 'none').map((t) => t.textContent),
    );
    const overflow = await p.$eval('#changes-section .scroll', (s) => [
      s.scrollWidth - s.clientWidth,
      document.documentElement.scrollWidth - document.documentElement.clientWidth,
    ]);
    await p.screenshot({ path: join(ARTIFACTS, 'changes-390.png'), fullPage: true });
    await p.close();
    // Assess
    expect(visible).toEqual(['Change', 'Entity', 'Articles before', 'Articles after']);
    expect(overflow.every((n) => n <= 0)).toBe(true);
  });

  it('loads nothing from outside its own origin, throws no script error, and holds no absolute URL', async () => {
    // Prepare
    const origin = new URL(sb.queryUrl).origin;
    // Act
    const foreign = requests.filter((u) => new URL(u).origin !== origin && !u.startsWith('data:'));
    // Assess
    expect(requests.length).toBeGreaterThan(3);
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect((DASHBOARD_HTML + DASHBOARD_JS).replace(XML_NAMESPACES, '')).not.toMatch(/https?:\/\//i);
  });

  it('saves full-page screenshots to test/artifacts/ (wide and narrow) and fits a phone screen', async () => {
    // Prepare
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'dashboard.png');
    await page.goto(`${sb.queryUrl}/`);
    await waitForRefresh(page, 0);
    // Act
    await page.screenshot({ path: file, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-narrow.png'), fullPage: true });
    // Assess
    expect(statSync(file).size).toBeGreaterThan(10_000);
    // Narrow screens: the chart redraws to the new width instead of overflowing the page.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.$eval('#chart', (c) => Math.round(c.getBoundingClientRect().width))).toBe(
      Number((await page.getAttribute('#chart', 'viewBox'))!.split(' ')[2]),
    );
  });
});
