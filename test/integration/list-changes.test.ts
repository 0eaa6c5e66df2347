import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesResponse } from '../../shared/query/changes.ts';
import { ROOT, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

// Issue 11.3: two versions of a list uploaded through S3 into the sandbox (real DynamoDB Local, real S3 API), then
// `/changes` over HTTP says what the second added, changed and removed.

const BUCKET = 'radar-ingest';
const FULL = readFileSync(join(ROOT, 'demo/sanctions/un-sc-consolidated-excerpt.xml'), 'utf8');
const records = [...FULL.matchAll(/<(INDIVIDUAL|ENTITY)>[\s\S]*?<\/\1>/g)].map((m) => m[0]);
const open = FULL.slice(0, FULL.indexOf('<INDIVIDUALS>'));
const unFile = (recs: string[]) =>
  `${open}<INDIVIDUALS>${recs.filter((r) => r.startsWith('<INDIVIDUAL>')).join('')}</INDIVIDUALS><ENTITIES>${recs.filter((r) => r.startsWith('<ENTITY>')).join('')}</ENTITIES></CONSOLIDATED_LIST>\n`;
const idOf = (r: string) => /<DATAID>(\d+)<\/DATAID>/.exec(r)![1]!;

let sb: RunningSandbox;
const put = (key: string, body: string) => sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

describe('list changes through the sandbox', () => {
  // The first version lacks the last record (added by the second); the second lacks the first (removed) and
  // renames the second record (changed).
  const [removed, renamed] = [records[0]!, records[1]!];
  const added = records[records.length - 1]!;
  const v1 = records.slice(0, -1);
  const newName = (r: string) => r.replace(/<FIRST_NAME>([^<]*)<\/FIRST_NAME>/, '<FIRST_NAME>$1 RENAMED</FIRST_NAME>');
  const v2 = [newName(renamed), ...records.slice(2)];

  beforeAll(async () => {
    expect(newName(renamed)).not.toBe(renamed);
    sb = await startSandboxProcess();
    await put('sanctions/un/list.xml', unFile(v1));
    await sb.idle();
    await put('sanctions/un/list.xml', unFile(v2));
    await sb.idle();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('lists exactly the added, changed and removed entities, with the changed fields', async () => {
    // Act
    const r = await sb.get<ChangesResponse>('/changes?list=un-sc');
    // Assess
    expect(r.status).toBe(200);
    expect(r.body.items.map((c) => [c.type, c.sourceId]).sort()).toEqual(
      [
        ['ADD', idOf(added)],
        ['DEL', idOf(removed)],
        ['MOD', idOf(renamed)],
      ].sort(),
    );
    const mod = r.body.items.find((c) => c.type === 'MOD')!;
    expect(mod.fields).toContain('name');
    expect(mod.firstSeen < mod.lastChanged || mod.firstSeen === mod.lastChanged).toBe(true);
    expect(r.body.items.every((c) => c.articlesBefore === 0 && c.articlesAfter === 0)).toBe(true);
  });

  it('pages with the cursor and filters by type; a bad filter is a 400', async () => {
    const first = await sb.get<ChangesResponse>('/changes?limit=2');
    expect(first.body.items).toHaveLength(2);
    const rest = await sb.get<ChangesResponse>(`/changes?limit=2&cursor=${first.body.nextCursor}`);
    expect([...first.body.items, ...rest.body.items].map((c) => c.sourceId).sort()).toEqual(
      [idOf(added), idOf(removed), idOf(renamed)].sort(),
    );
    const dels = await sb.get<ChangesResponse>('/changes?type=DEL');
    expect(dels.body.items.map((c) => c.sourceId)).toEqual([idOf(removed)]);
    expect((await sb.get('/changes?type=GONE')).status).toBe(400);
    expect((await sb.get('/changes?since=2026-02-30')).status).toBe(400);
  });

  it('radar changes prints them as a table, and --json as the API answers', async () => {
    // Act: the CLI from the sources (the bundle is the e2e suite's business)
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, [join(ROOT, 'bin/radar.js'), 'changes', ...args], {
        env: { ...process.env, RADAR_FROM_SOURCE: '1', RADAR_API: sb.queryUrl },
      });
    const table = await run('--list', 'un-sc', '--type', 'DEL');
    const json = JSON.parse((await run('--since', '2000-01-01', '--json')).stdout) as ChangesResponse;
    // Assess
    const [header, line, more] = table.stdout.trim().split('\n');
    expect(header).toMatch(/^changed\s+list\s+change\s+entity/);
    expect(line).toMatch(new RegExp(`un-sc\\s+DEL\\s+.*l:un-sc:${idOf(removed)}`));
    expect(more).toBeUndefined();
    expect(json.items).toHaveLength(3);
  });

  it('OFAC part files arriving after sdn.csv write only the entities they touch (issue 11.6)', async () => {
    // Prepare: our own rows in OFAC's legacy CSV layout
    const row = (id: string, name: string, program: string) =>
      `${id},"${name}",-0- ,"${program}",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n`;
    const sdn = [
      row('1001', 'NORTHWIND SHIPPING LINES', 'DPRK'),
      row('1002', 'BLUE HERON TRADING', 'IRAN'),
      row('1003', 'AMBER FIELD HOLDINGS', 'SDGT'),
    ].join('');
    const add = '1001,201,"12 Harbour Road","Nampo","Korea, North",-0- \n';
    const alt = '1001,301,"aka","NORTHWIND LINES",-0- \n1003,302,"aka","AMBER FIELDS",-0- \n';
    // Act: the set one file at a time
    for (const [f, body] of [
      ['sdn.csv', sdn],
      ['add.csv', add],
      ['alt.csv', alt],
    ] as const) {
      await put(`sanctions/ofac/${f}`, body);
      await sb.idle();
    }
    // Assess: one version, enriched by both parts, each part writing what it touched
    const status = async (f: string) =>
      (await sb.get<{ status: string; version?: string; records: { written: number } }>(`/ingests/sanctions/ofac/${f}`))
        .body;
    const [s, a, l] = [await status('sdn.csv'), await status('add.csv'), await status('alt.csv')];
    expect([s.status, a.status, l.status]).toEqual(['done', 'done', 'done']);
    expect([s.records.written, a.records.written, l.records.written]).toEqual([3, 1, 2]);
    expect(a.version).toBe(s.version);
    expect(l.version).toBe(s.version);
    const e = await sb.get<{ aliases: string[]; countries: { code: string }[] }>('/entities/l:us-ofac-sdn:1001');
    expect(e.body.aliases).toContain('NORTHWIND LINES');
    expect(e.body.countries.map((c) => c.code)).toContain('KP');
    const kp = await sb.get<{ items: { country: string; listedEntities: number }[] }>(
      '/counts/countries?list=us-ofac-sdn',
    );
    expect(kp.body.items.find((i) => i.country === 'KP')?.listedEntities).toBe(1);
  });
});
