import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

const run = promisify(execFile);
const BUCKET = 'radar-ingest';

interface CountryRow {
  country: string;
  name: string;
  listedEntities: number;
  articles: number;
  mentions: number;
  listedEntitiesInNews: number;
}
type Countries = { items: CountryRow[]; nextCursor: string | null };

const ARTICLE_V1 = `Washington weighs new curbs on Chinese banks

US officials said on Tuesday that Washington was preparing sanctions on Chinese lenders that help Russia buy machine tools.
Officials in Beijing rejected the claim, and the Kremlin said Moscow would not be isolated. Ukraine welcomed the plan.

Share.`;
const ARTICLE_V2 = `Paris and Berlin back the plan

France and Germany said they supported new measures against Iran.`;

let sb: RunningSandbox;
const byCountry = async () => {
  const r = await sb.get<Countries>('/counts/countries?limit=500');
  expect(r.status).toBe(200);
  return new Map(r.body.items.map((i) => [i.country, i]));
};

describe('walking skeleton: one file all the way to a count', () => {
  beforeAll(async () => {
    sb = await startSandboxProcess();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('answers /health and the sandbox status', async () => {
    expect((await sb.get('/health')).body).toEqual({ status: 'ok' });
    const status = (await (await fetch(`${sb.edgeUrl}/_sandbox/status`)).json()) as { queues: { name: string }[] };
    expect(status.queues.map((q: { name: string }) => q.name)).toEqual([
      'ingest-article-queue',
      'ingest-sanctions-queue',
    ]);
  });

  const key = 'articles/2026 März/curbs + banks (1).txt';

  it('counts the countries of an uploaded article (key with spaces, plus and non-ASCII)', async () => {
    // Act
    await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: ARTICLE_V1 }));
    await sb.idle();
    // Assess
    const c = await byCountry();
    for (const cc of ['US', 'CN', 'RU', 'UA']) expect(c.get(cc), cc).toMatchObject({ articles: 1 });
    expect(c.get('US')!.mentions).toBeGreaterThanOrEqual(2);
    const ingest = await sb.get<{ status: string; format: string }>(`/ingests/${encodeURIComponent(key)}`);
    expect(ingest.body).toMatchObject({ status: 'done', key });
  });

  it('a second upload of the same content changes nothing', async () => {
    const before = await byCountry();
    await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: ARTICLE_V1 }));
    await sb.idle();
    expect(await byCountry()).toEqual(before);
    expect((await sb.get<{ status: string }>(`/ingests/${encodeURIComponent(key)}`)).body.status).toBe('unchanged');
  });

  it('an overwrite moves the old contribution out and the new one in', async () => {
    await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: ARTICLE_V2 }));
    await sb.idle();
    const c = await byCountry();
    expect(c.get('CN')).toBeUndefined();
    expect(c.get('FR')).toMatchObject({ articles: 1 });
    expect(c.get('DE')).toMatchObject({ articles: 1 });
  });

  it('deleting the object takes its counts away', async () => {
    await sb.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    await sb.idle();
    const c = await byCountry();
    expect(c.get('FR')).toBeUndefined();
    expect((await sb.get<{ status: string }>(`/ingests/${encodeURIComponent(key)}`)).body.status).toBe('deleted');
  });

  it('an official list file becomes listed-entity counts by country', async () => {
    const xml = readFileSync(join(ROOT, 'demo/sanctions/un-sc-consolidated-excerpt.xml'));
    await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sanctions/un/consolidated.xml', Body: xml }));
    await sb.idle();
    // An independent count: distinct DATAIDs in the file.
    const ids = new Set([...xml.toString('utf8').matchAll(/<DATAID>(\d+)<\/DATAID>/g)].map((m) => m[1]));
    const ingest = await sb.get<{ status: string; list: string; records: { written: number } }>(
      `/ingests/${encodeURIComponent('sanctions/un/consolidated.xml')}`,
    );
    expect(ingest.body).toMatchObject({ status: 'done', list: 'un-sc' });
    expect(ingest.body.records.written).toBe(ids.size);
    const c = await byCountry();
    const total = [...c.values()].reduce((n, r) => n + r.listedEntities, 0);
    expect(total).toBeGreaterThan(0);
    expect([...c.values()].some((r) => r.listedEntities > 0)).toBe(true);
  });

  it('a file of unknown format is quarantined with a report, and counts do not move', async () => {
    const before = await byCountry();
    await sb.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'sanctions/garbage.bin',
        Body: Buffer.from([0, 1, 2, 3, 255, 254, 9, 9]),
      }),
    );
    await sb.idle();
    const ingest = await sb.get<{ status: string; error: string }>(
      `/ingests/${encodeURIComponent('sanctions/garbage.bin')}`,
    );
    expect(ingest.body.status).toBe('quarantined');
    expect(ingest.body.error).toMatch(/unknown sanctions-list format/);
    expect(await byCountry()).toEqual(before);
  });

  it('an upload outside articles/ and sanctions/ is not ingested, and the sandbox says so with the prefixes', async () => {
    // Act
    await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'article/typo.txt', Body: ARTICLE_V2 }));
    await sb.idle();
    // Assess
    expect(sb.output()).toMatch(/article\/typo\.txt: not ingested \(only keys under articles\/ or sanctions\/ are\)/);
    expect((await sb.get(`/ingests/${encodeURIComponent('article/typo.txt')}`)).status).toBe(404);
  });

  it('works with the real AWS CLI against the edge, with any credentials', async (ctx) => {
    const which = await run('sh', ['-c', 'command -v aws']).catch(() => undefined);
    if (!which) {
      console.warn('skipped: the AWS CLI (aws) is not installed on this machine');
      ctx.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'radar-cli-'));
    const file = join(dir, 'cli article.txt');
    writeFileSync(file, 'Officials in Tehran and Pyongyang met in Iran on Monday.');
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'whatever',
      AWS_SECRET_ACCESS_KEY: 'whatever',
      AWS_DEFAULT_REGION: 'us-east-1',
    };
    await run('aws', ['--endpoint-url', sb.edgeUrl, 's3', 'cp', file, `s3://${BUCKET}/articles/cli article+1.txt`], {
      env,
    });
    await sb.idle();
    const c = await byCountry();
    expect(c.get('IR')).toMatchObject({ articles: 1 });
    expect(c.get('KP')).toMatchObject({ articles: 1 });
    const ls = await run('aws', ['--endpoint-url', sb.edgeUrl, 's3', 'ls', `s3://${BUCKET}/articles/`], { env });
    expect(ls.stdout).toContain('cli article+1.txt');
    const ddb = await run(
      'aws',
      ['--endpoint-url', sb.edgeUrl, 'dynamodb', 'describe-table', '--table-name', 'radar'],
      { env },
    );
    expect(JSON.parse(ddb.stdout).Table.KeySchema).toHaveLength(2);
  });
});
