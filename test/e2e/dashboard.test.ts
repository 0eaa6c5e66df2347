import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_HTML, DASHBOARD_JS } from '../../functions/query/assets.ts';
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
}
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
  const requests: string[] = [];
  const pageErrors: string[] = [];
  /** Console reports of a blocked resource or a Content-Security-Policy violation (the policy is a response header). */
  const cspViolations: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    sb = await startSandboxProcess({ args: ['--memory'] });
    await sb.idle();
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
  }, 180_000);

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
    expect(DASHBOARD_HTML + DASHBOARD_JS).not.toMatch(/https?:\/\//i);
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
