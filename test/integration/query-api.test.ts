import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import {
  CountriesResponse,
  EntitiesResponse,
  EntityDetailResponse,
  IngestResponse,
  IngestsResponse,
} from '../../shared/query/api.ts';
import { startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { parameter: string; reason: string }[];
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Country {
  country: string;
  name: string;
  listedEntities: number;
  articles: number;
  mentions: number;
  listedEntitiesInNews: number;
}

let sb: RunningSandbox;

describe('query API over HTTP (sandbox with the demo data)', () => {
  beforeAll(async () => {
    sb = await startSandboxProcess({ args: ['--memory'] });
    await sb.idle();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('answers design §5 shapes', async () => {
    const c = await sb.get<Page<Country>>('/counts/countries');
    expect(c.status).toBe(200);
    expect(c.headers.get('content-type')).toMatch(/application\/json/);
    expect(c.body.items.length).toBeGreaterThan(0);
    for (const i of c.body.items)
      expect(Object.keys(i)).toEqual(
        expect.arrayContaining(['country', 'name', 'listedEntities', 'articles', 'mentions', 'listedEntitiesInNews']),
      );
    const e = await sb.get<Page<Record<string, unknown>>>('/counts/entities?listed=true');
    for (const i of e.body.items)
      expect(Object.keys(i)).toEqual(
        expect.arrayContaining(['id', 'name', 'type', 'countries', 'lists', 'listed', 'articles', 'mentions']),
      );
    const g = await sb.get<Page<{ key: string; status: string; records: object }>>('/ingests');
    expect(g.body.items.length).toBeGreaterThan(0);
    expect(g.body.items[0]).toMatchObject({
      key: expect.any(String),
      status: expect.any(String),
      records: expect.any(Object),
    });
    // Every answer is what the API's own response schemas say (the ones the OpenAPI document is made from).
    expect(() => CountriesResponse.parse(c.body)).not.toThrow();
    expect(() => EntitiesResponse.parse(e.body)).not.toThrow();
    expect(() => IngestsResponse.parse(g.body)).not.toThrow();
    const one = await sb.get(`/ingests/${encodeURIComponent(g.body.items[0]!.key)}`);
    expect(IngestResponse.strict().parse(one.body).key).toBe(g.body.items[0]!.key);
    const listed = e.body.items[0]!;
    const detail = await sb.get(`/entities/${encodeURIComponent(String(listed.id))}`);
    expect(EntityDetailResponse.parse(detail.body).id).toBe(listed.id);
  });

  it('bad input is a 400 problem saying which parameter and why', async () => {
    for (const [q, param] of [
      ['limit=0', 'limit'],
      ['limit=100000', 'limit'],
      ['type=robot', 'type'],
      ['list=nope', 'list'],
      ['from=yesterday', 'from'],
      ['sort=-nonsense', 'sort'],
      ['bogus=1', 'bogus'],
    ] as const) {
      const r = await sb.get<Problem>(`/counts/countries?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.headers.get('content-type'), q).toMatch(/application\/problem\+json/);
      expect(r.body.title).toBe('Bad Request');
      expect(r.body.errors?.map((e) => e.parameter).join(' '), q).toContain(param);
    }
    expect((await sb.get<Problem>('/counts/entities?country=china')).status).toBe(400);
    expect((await sb.get<Problem>('/counts/entities?listed=maybe')).status).toBe(400);
  });

  it('hostile parameters are 400 problems naming the parameter, never 500s (issue 15.4)', async () => {
    // Prepare: raw paths, sent as written (fetch would re-encode nothing here: they are valid URL syntax)
    const cases: [string, string][] = [
      ['/entities/%', 'id'],
      ['/entities/%E0%A4%A', 'id'],
      ['/ingests/%ZZ', 'key'],
      [`/entities/${'m:person:'.padEnd(3000, 'x')}`, 'id'],
      ['/counts/countries?limit=1e2', 'limit'],
      ['/counts/countries?limit=0x10', 'limit'],
      ['/counts/entities?limit=2.0', 'limit'],
      ['/counts/countries?from=2026-02-30', 'from'],
      ['/counts/entities?to=9999-99-99', 'to'],
    ];
    for (const [path, parameter] of cases) {
      // Act
      const r = await sb.get<Problem>(path);
      // Assess
      expect(r.status, path.slice(0, 60)).toBe(400);
      expect(r.headers.get('content-type'), path.slice(0, 60)).toMatch(/^application\/problem\+json/);
      expect(
        r.body.errors?.map((e) => e.parameter),
        path.slice(0, 60),
      ).toEqual([parameter]);
    }
    // A key with slashes encoded as %2F is one key, and an unknown one is a 404.
    expect((await sb.get<Problem>(`/ingests/${encodeURIComponent('articles/../sanctions/x.csv')}`)).status).toBe(404);
  });

  it('sends the headers a browser relies on: CSP and frame-ancestors on /, nosniff everywhere, Allow on 405 (issue 15.5)', async () => {
    // Act
    const page = await fetch(`${sb.queryUrl}/`);
    const script = await fetch(`${sb.queryUrl}/dashboard.js`);
    const json = await Promise.all(
      ['/health', '/openapi.json', '/counts/countries', '/counts/entities', '/ingests', '/nope'].map((p) =>
        fetch(`${sb.queryUrl}${p}`),
      ),
    );
    const post = await fetch(`${sb.queryUrl}/ingests`, { method: 'POST' });
    // Assess
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(await page.text()).toContain('<script type="module" src="dashboard.js"></script>');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    for (const r of [page, script, ...json, post])
      expect(r.headers.get('x-content-type-options'), r.url).toBe('nosniff');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('unknown routes are 404, other methods 405, unknown entities 404', async () => {
    expect((await sb.get<Problem>('/nope')).status).toBe(404);
    const post = await fetch(`${sb.queryUrl}/counts/countries`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect((await sb.get<Problem>(`/entities/${encodeURIComponent('l:un-sc:does-not-exist')}`)).status).toBe(404);
    expect((await sb.get<Problem>('/entities/garbage')).status).toBe(404);
    expect((await sb.get<Problem>('/ingests/sanctions/never-uploaded.csv')).status).toBe(404);
  });

  it('pages with opaque cursors that cannot be forged or reused for other filters', async () => {
    const all = (await sb.get<Page<Country>>('/counts/countries?limit=500&sort=country')).body.items.map(
      (i) => i.country,
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: Page<Country> } = await sb.get(
        `/counts/countries?limit=3&sort=country${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...r.body.items.map((i) => i.country));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect([...seen].sort()).toEqual(seen);
    const first = (await sb.get<Page<Country>>('/counts/countries?limit=3&sort=country')).body.nextCursor!;
    expect((await sb.get<Problem>(`/counts/countries?limit=3&sort=-articles&cursor=${first}`)).status).toBe(400);
    const forged = Buffer.from(JSON.stringify({ o: 999999999, f: 'x' })).toString('base64url');
    expect((await sb.get<Problem>(`/counts/countries?cursor=${forged}`)).status).toBe(400);
    expect((await sb.get<Problem>('/ingests?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
  });

  it('sorts and filters', async () => {
    const desc = (await sb.get<Page<Country>>('/counts/countries?limit=500&sort=-listedEntities')).body.items.map(
      (i) => i.listedEntities,
    );
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    const persons = (await sb.get<Page<Country>>('/counts/countries?limit=500&type=person')).body.items;
    const all = (await sb.get<Page<Country>>('/counts/countries?limit=500')).body.items;
    const sum = (xs: Country[]) => xs.reduce((n, i) => n + i.listedEntities, 0);
    expect(sum(persons)).toBeGreaterThan(0);
    expect(sum(persons)).toBeLessThan(sum(all));
    const ents = (
      await sb.get<Page<{ name: string; countries: string[] }>>('/counts/entities?listed=true&country=KP&limit=500')
    ).body.items;
    expect(ents.length).toBeGreaterThan(0);
    for (const e of ents) expect(e.countries).toContain('KP');
    const q = (await sb.get<Page<{ name: string }>>('/counts/entities?listed=true&q=korea&limit=500')).body.items;
    expect(q.length).toBeGreaterThan(0);
    for (const e of q) expect(e.name.toLowerCase()).toContain('korea');
  });

  it('serves a valid OpenAPI 3.1 document and the dashboard', async () => {
    const doc = await sb.get<Record<string, unknown>>('/openapi.json');
    expect(doc.status).toBe(200);
    const v = await new Validator().validate(doc.body as never);
    expect(v.valid).toBe(true);
    const page = await fetch(`${sb.queryUrl}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/<html/);
  });
});
