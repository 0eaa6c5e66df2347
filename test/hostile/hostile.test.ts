import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';
import {
  HOSTILE_CASES,
  SDN_CSV,
  SMALL_LIMITS,
  type CountryRow,
  type EntityRow,
  type HostileCase,
  type HostileContext,
  type IngestReport,
  type Snapshot,
} from './cases.ts';

const BUCKET = 'radar-ingest';
/**
 * The helper's 1 s visibility would redeliver a message while a cold list ingest still runs, and the second run then
 * records `unchanged` over the first one's `done`: 5 s keeps one delivery per upload (the last --visibility wins).
 */
const SANDBOX_ARGS = ['--memory', '--no-demo', '--visibility', '5'];

async function allPages<T>(sb: RunningSandbox, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const r: { status: number; body: { items: T[]; nextCursor: string | null } } = await sb.get(
      `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(r.status, `${path}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
    out.push(...r.body.items);
    cursor = r.body.nextCursor;
    if (!cursor) return out;
  }
  throw new Error(`${path}: more than 100 pages`);
}

async function snapshot(sb: RunningSandbox): Promise<Snapshot> {
  const [countries, entities, listed] = await Promise.all([
    allPages<CountryRow>(sb, '/counts/countries'),
    allPages<EntityRow>(sb, '/counts/entities'),
    allPages<EntityRow>(sb, '/counts/entities?listed=true'),
  ]);
  return {
    countries: Object.fromEntries(countries.map((c) => [c.country, c])),
    entities: Object.fromEntries(entities.map((e) => [e.id, e])),
    listed: Object.fromEntries(listed.map((e) => [e.id, e])),
  };
}

async function put(sb: RunningSandbox, key: string, body: Buffer): Promise<void> {
  await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  await sb.idle(120_000);
}

async function ingestOf(sb: RunningSandbox, key: string): Promise<IngestReport> {
  const r = await sb.get<IngestReport>(`/ingests/${encodeURIComponent(key)}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function quarantineReport(sb: RunningSandbox, key: string): Promise<Record<string, unknown>> {
  const r = await sb.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `quarantine/${key}.report.json` }));
  return JSON.parse(await r.Body!.transformToString()) as Record<string, unknown>;
}

/** Uploads one case and holds it to its reaction. */
async function runCase(sb: RunningSandbox, c: HostileCase, ctx: HostileContext & { hits: string[] }): Promise<void> {
  // Prepare
  if (c.seed) {
    await put(sb, c.key, c.seed());
    expect((await ingestOf(sb, c.key)).status).toBe('done');
  }
  const body = c.make(ctx);
  const before = await snapshot(sb);
  ctx.hits.length = 0;

  // Act
  await put(sb, c.key, body);

  // Assess
  const ingest = await ingestOf(sb, c.key);
  const after = await snapshot(sb);
  const input = { ingest, before, after, canaryHits: [...ctx.hits] };
  expect(ingest.status, `${c.name}: ${ingest.error ?? ''}`).toBe(c.expect.status);
  if (c.expect.status === 'quarantined') {
    // A clear error: why, then where.
    expect(ingest.error).toMatch(c.expect.error);
    expect(ingest.error).toMatch(/\(at [^)]+\)$/);
    expect(after, 'a refused upload moves no count').toEqual(before);
    const report = await quarantineReport(sb, c.key);
    expect(report).toMatchObject({ key: c.key, reason: expect.any(String), where: expect.any(String) });
    expect(`${report.reason as string} (at ${report.where as string})`).toBe(ingest.error);
  }
  c.expect.check?.(input);
}

async function startCanary(): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('canary-secret');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

describe('hostile inputs: each gets its reaction, and a refusal changes nothing', () => {
  let sb: RunningSandbox;
  let canary: Awaited<ReturnType<typeof startCanary>>;

  beforeAll(async () => {
    canary = await startCanary();
    sb = await startSandboxProcess({ args: SANDBOX_ARGS });
    // Counts to protect: a current OFAC list (which hostile sdn.csv uploads try to replace) and an article.
    await put(sb, 'sanctions/seed/ofac/sdn.csv', SDN_CSV());
    await put(
      sb,
      'articles/seed/one.txt',
      Buffer.from('Ministers meet\n\nOfficials in Iran and France said on Monday that talks would go on next month.\n'),
    );
    expect((await ingestOf(sb, 'sanctions/seed/ofac/sdn.csv')).status).toBe('done');
    expect((await ingestOf(sb, 'articles/seed/one.txt')).status).toBe('done');
  }, 180_000);
  afterAll(async () => {
    await sb?.stop();
    await new Promise((r) => canary?.server.close(r));
  });

  it('starts from non-empty counts (so "nothing changed" means something)', async () => {
    const s = await snapshot(sb);
    expect(s.countries.IR?.articles).toBeGreaterThanOrEqual(1);
    expect(Object.keys(s.listed).length).toBeGreaterThan(5);
  });

  for (const c of HOSTILE_CASES.filter((x) => !x.sandbox)) {
    (c.knownBug ? it.fails : it)(
      `${c.name} → ${c.expect.status}${c.knownBug ? ` [KNOWN BUG: ${c.knownBug}]` : ''}`,
      async () => {
        await runCase(sb, c, { canaryUrl: canary.url, hits: canary.hits });
      },
      180_000,
    );
  }
});

describe('hostile inputs over the configured size limits', () => {
  let sb: RunningSandbox;

  beforeAll(async () => {
    sb = await startSandboxProcess({ env: SMALL_LIMITS, args: SANDBOX_ARGS });
    await put(
      sb,
      'articles/seed/one.txt',
      Buffer.from('Ministers meet\n\nOfficials in Iran and France said on Monday that talks would go on next month.\n'),
    );
  }, 180_000);
  afterAll(async () => {
    await sb?.stop();
  });

  for (const c of HOSTILE_CASES.filter((x) => x.sandbox === 'small-limits')) {
    it(`${c.name} → ${c.expect.status}`, async () => {
      await runCase(sb, c, { canaryUrl: 'http://127.0.0.1:9', hits: [] });
    }, 180_000);
  }
});
