import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKeyPath } from '../../infra/sandbox/s3-keys.ts';
import { ROOT, SANDBOX_AUTH, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

/*
 * Hostile requests to the sandbox itself (not to the ingest): keys S3 takes that the S3 server behind the edge could
 * not store, a disk that turns read-only, and what a web page in a browser could send. Each case has its reaction;
 * after every one the sandbox still answers. README.md lists them with the reasons.
 */

const BUCKET = 'radar-ingest';

/** Keys S3 accepts (any UTF-8 up to 1,024 bytes) that s3rver died on, mangled or refused. */
const HOSTILE_KEYS: { name: string; key: string }[] = [
  { name: 'a 241-byte segment (s3rver: ENAMETOOLONG, the process died)', key: `notes/${'k'.repeat(241)}` },
  { name: 'a 1,024-byte key in one segment', key: `notes/${'x'.repeat(1018)}` },
  { name: 'a 1,024-byte key of 2-byte characters', key: `notes/${'é'.repeat(509)}` },
  { name: 'a 1,024-byte key of 4-byte characters and slashes', key: `notes/${'😀/'.repeat(202)}😀` },
  { name: '`..` (s3rver stored articles/../sanctions/x.csv as sanctions/x.csv)', key: 'notes/../sanctions/x.csv' },
  { name: '`.` (s3rver stored notes/./dot.txt as notes/dot.txt)', key: 'notes/./dot.txt' },
  { name: '`//` (s3rver answered 404 on PUT)', key: 'notes//double.txt' },
  { name: 'a leading slash', key: '/notes/leading.txt' },
  { name: 'only dots', key: '..' },
  { name: 'a trailing slash (a "folder")', key: 'notes/folder/' },
  { name: "the mapping's own escape character", key: 'notes/~2e~/~' },
  { name: 'a hidden-file name', key: 'notes/.hidden' },
  { name: 'spaces, plus signs, percent signs, a tab', key: 'notes/a b+c%20d%ZZ\t.txt' },
];

const body = (key: string) => Buffer.from(`content of ${JSON.stringify(key)} \u0000\u00ff`, 'utf8');

async function alive(sb: RunningSandbox): Promise<void> {
  expect(sb.process.exitCode, `the sandbox died:\n${sb.output()}`).toBeNull();
  expect((await fetch(`${sb.queryUrl}/health`)).status).toBe(200);
  expect((await fetch(`${sb.edgeUrl}/_sandbox/status`)).status).toBe(200);
}

/** Makes a folder (and what is in it) unwritable for this process: `chattr +i` as root, `chmod a-w` otherwise. */
function makeReadOnly(dir: string): (() => void) | undefined {
  const asRoot = process.getuid?.() === 0;
  const r = asRoot
    ? spawnSync('chattr', ['-R', '+i', dir], { encoding: 'utf8' })
    : spawnSync('chmod', ['-R', 'a-w', dir], { encoding: 'utf8' });
  const undo = () =>
    asRoot ? spawnSync('chattr', ['-R', '-i', dir]) : spawnSync('chmod', ['-R', 'u+w', dir], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  try {
    writeFileSync(join(dir, '.probe'), 'x'); // the file system ignores it (some do): nothing to test
    rmSync(join(dir, '.probe'));
    undo();
    return undefined;
  } catch {
    return undo;
  }
}

/**
 * Where a folder cannot be made read-only (root on a file system without `chattr +i`, such as overlay or tmpfs): a
 * regular file where the write of `key` needs a folder, which fails it for root too (mkdir meets a file). Returns the
 * undo.
 */
function blockFolderOf(s3Dir: string, bucket: string, key: string): () => void {
  const folder = join(s3Dir, bucket, ...encodeKeyPath(key).split('/').slice(0, -1));
  writeFileSync(folder, 'not a folder');
  return () => rmSync(folder, { force: true });
}

describe('hostile requests to the sandbox: no request kills it', () => {
  let sb: RunningSandbox;
  const dataDir = mkdtempSync(join(tmpdir(), 'radar-hostile-edge-'));

  beforeAll(async () => {
    sb = await startSandboxProcess({ dataDir, args: ['--no-demo'] });
  }, 120_000);
  afterAll(async () => {
    await sb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const c of HOSTILE_KEYS) {
    it(`${c.name} → stored under exactly that key, read back byte for byte, listed, deleted`, async () => {
      // Prepare
      expect(Buffer.byteLength(c.key)).toBeLessThanOrEqual(1024);

      // Act
      await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: c.key, Body: body(c.key) }));

      // Assess
      const got = await sb.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: c.key }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body(c.key))).toBe(true);
      const listed = await sb.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: c.key }));
      expect(listed.Contents?.map((o) => o.Key)).toContain(c.key);
      await sb.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: c.key }));
      await expect(sb.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: c.key }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
      await alive(sb);
    });
  }

  it('`..` in a key is not a path: articles/../sanctions/x.csv never becomes sanctions/x.csv', async () => {
    // Act
    await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'notes/../sanctions/x.csv', Body: 'a,b\n' }));

    // Assess
    await expect(sb.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'sanctions/x.csv' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    const all = await sb.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(all.Contents?.map((o) => o.Key)).toContain('notes/../sanctions/x.csv');
  });

  it('listings come in S3 order (UTF-8 bytes) and page through every key once', async () => {
    // Prepare: keys whose file paths sort differently from the keys themselves
    const keys = [
      'order/a-x',
      'order/a/b',
      'order/.dot',
      'order//e',
      'order/~t',
      `order/${'z'.repeat(300)}`,
      'order/é',
    ];
    for (const k of keys) await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: k }));

    // Act: two keys a page
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await sb.s3.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'order/', MaxKeys: 2, ContinuationToken: token }),
      );
      seen.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);

    // Assess
    expect(seen).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });

  it('a malformed URI is a 400 InvalidURI, not a crash', async () => {
    // Act
    const res = await fetch(`${sb.edgeUrl}/${BUCKET}/notes/%E0%A4%A`);

    // Assess
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/<Code>InvalidURI<\/Code>/);
    await alive(sb);
  });

  it('a state file that cannot be written (queues.json) is logged, not fatal', async () => {
    // Prepare: a folder where the file goes makes every save fail, as EPERM did
    rmSync(join(dataDir, 'queues.json'), { force: true });
    mkdirSync(join(dataDir, 'queues.json', 'blocked'), { recursive: true });

    // Act: a few save rounds (every 500 ms)
    await new Promise((r) => setTimeout(r, 1500));

    // Assess
    expect(sb.output()).toMatch(/could not save the queues/);
    await alive(sb);
    rmSync(join(dataDir, 'queues.json'), { recursive: true, force: true });
  });

  it('a storage folder that turns read-only fails that write with an S3 error; stored objects still read', async () => {
    // Prepare
    await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'notes/kept.txt', Body: 'kept' }));
    const s3Dir = join(dataDir, 's3');
    // The folder read-only where the machine allows it; else (root, no chattr +i here) the new key's folder blocked
    const undo = makeReadOnly(s3Dir) ?? blockFolderOf(s3Dir, BUCKET, 'notes/new/after.txt');
    const once = new S3Client({
      endpoint: sb.edgeUrl,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      maxAttempts: 1,
    });
    try {
      // Act
      const put = once.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'notes/new/after.txt', Body: 'new' }));

      // Assess: an S3-shaped error the SDK reads (InternalError 500, or SlowDown 503 where a retry helps)
      await expect(put).rejects.toMatchObject({ name: expect.stringMatching(/^(InternalError|SlowDown)$/) });
      const kept = await once.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'notes/kept.txt' }));
      expect(await kept.Body!.transformToString()).toBe('kept');
      await alive(sb);
      expect(sb.output()).toMatch(/S3 storage: the sandbox's storage failed/);
    } finally {
      undo();
      once.destroy();
    }
    // …and writes work again once the disk does
    await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'notes/new/after.txt', Body: 'new' }));
  });
});

describe('hostile requests to the sandbox: what a web page could send is refused', () => {
  let sb: RunningSandbox;

  beforeAll(async () => {
    sb = await startSandboxProcess();
    await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'notes/target.txt', Body: 'still here' }));
  }, 120_000);
  afterAll(async () => {
    await sb?.stop();
  });

  const stillThere = async () => {
    const r = await sb.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'notes/target.txt' }));
    expect(await r.Body!.transformToString()).toBe('still here');
  };

  it('a multi-object delete from a foreign Origin (a form post, text/plain, no credentials) → 403, nothing deleted', async () => {
    // Act
    const res = await fetch(`${sb.edgeUrl}/${BUCKET}?delete`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: '<Delete><Object><Key>notes/target.txt</Key></Object></Delete>',
    });

    // Assess
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/<Code>AccessDenied<\/Code>/);
    await stillThere();
  });

  it('a foreign Origin is refused even with credentials (a page cannot borrow the SDK)', async () => {
    // Act
    const res = await fetch(`${sb.edgeUrl}/${BUCKET}/notes/target.txt`, {
      method: 'DELETE',
      headers: { ...SANDBOX_AUTH, origin: 'http://localhost:8080' },
    });

    // Assess
    expect(res.status).toBe(403);
    await stillThere();
  });

  it('an S3 write or delete without credentials → 403 AccessDenied', async () => {
    // Act
    const put = await fetch(`${sb.edgeUrl}/${BUCKET}/notes/unsigned.txt`, { method: 'PUT', body: 'x' });
    const del = await fetch(`${sb.edgeUrl}/${BUCKET}/notes/target.txt`, { method: 'DELETE' });

    // Assess
    expect([put.status, del.status]).toEqual([403, 403]);
    await expect(
      sb.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'notes/unsigned.txt' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    await stillThere();
  });

  it('a DynamoDB call without credentials → 400 MissingAuthenticationTokenException, nothing written', async () => {
    // Act
    const res = await fetch(sb.edgeUrl, {
      method: 'POST',
      headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem', 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ TableName: 'radar', Item: { pk: { S: 'HOSTILE' }, sk: { S: 'x' } } }),
    });

    // Assess
    expect(res.status).toBe(400);
    expect((await res.json()).__type).toMatch(/MissingAuthenticationTokenException/);
    const ddb = new DynamoDBClient({
      endpoint: sb.edgeUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
    });
    const got = await ddb.send(
      new GetItemCommand({ TableName: 'radar', Key: { pk: { S: 'HOSTILE' }, sk: { S: 'x' } } }),
    );
    expect(got.Item).toBeUndefined();
    ddb.destroy();
  });

  it('the /_sandbox controls: without credentials or from a foreign Origin → 403; reads stay open', async () => {
    // Act
    const plain = await fetch(`${sb.edgeUrl}/_sandbox/faults`, { method: 'POST', body: '{"error":1}' });
    const foreign = await fetch(`${sb.edgeUrl}/_sandbox/faults`, {
      method: 'POST',
      headers: { ...SANDBOX_AUTH, origin: 'https://evil.example' },
      body: '{"error":1}',
    });
    const redrive = await fetch(`${sb.edgeUrl}/_sandbox/redrive`, { method: 'POST' });
    const status = await fetch(`${sb.edgeUrl}/_sandbox/status`);

    // Assess
    expect([plain.status, foreign.status, redrive.status, status.status]).toEqual([403, 403, 403, 200]);
    // Faults unchanged: a write still works
    await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'notes/after-faults.txt', Body: 'ok' }));
    const signed = await fetch(`${sb.edgeUrl}/_sandbox/faults`, { method: 'POST', headers: SANDBOX_AUTH, body: '{}' });
    expect(signed.status).toBe(200);
  });

  it("the sandbox's own origin is accepted; the SDK with any credentials works", async () => {
    // Act
    const own = await fetch(`${sb.edgeUrl}/${BUCKET}/notes/target.txt`, {
      headers: { origin: `http://127.0.0.1:${sb.edgePort}` },
    });
    const ddb = new DynamoDBClient({
      endpoint: sb.edgeUrl,
      region: 'eu-west-3',
      credentials: { accessKeyId: 'whatever', secretAccessKey: 'else' },
    });
    const tables = await ddb.send(new ListTablesCommand({}));
    ddb.destroy();

    // Assess
    expect(own.status).toBe(200);
    expect(tables.TableNames).toContain('radar');
  });

  it('the AWS CLI still works (s3 cp, s3 ls, dynamodb list-tables)', (ctx) => {
    if (spawnSync('aws', ['--version']).status !== 0) return ctx.skip(); // no AWS CLI on this machine
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
    };
    const aws = (...args: string[]) =>
      execFileSync('aws', ['--endpoint-url', sb.edgeUrl, ...args], { env, encoding: 'utf8', cwd: ROOT });
    const file = join(mkdtempSync(join(tmpdir(), 'radar-cli-')), 'note.txt');
    writeFileSync(file, 'from the CLI');

    // Act
    aws('s3', 'cp', file, `s3://${BUCKET}/notes/../cli/note.txt`);
    const ls = aws('s3', 'ls', `s3://${BUCKET}/notes/`);
    const tables = aws('dynamodb', 'list-tables');

    // Assess
    expect(ls).toMatch(/PRE \.\.\//);
    expect(tables).toMatch(/"radar"/);
    rmSync(file, { force: true });
  });
});

describe('npm start and its data directory', () => {
  it('says clearly that the data directory is not writable, and what to do', () => {
    // Prepare: a path below a regular file can never be made a folder
    const base = mkdtempSync(join(tmpdir(), 'radar-unwritable-'));
    writeFileSync(join(base, 'file'), 'x');
    try {
      // Act
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'infra/sandbox/main.ts', '--no-demo', '--data-dir', join(base, 'file', 'data')],
        { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SANDBOX_PORT: '0', QUERY_PORT: '0' } },
      );

      // Assess
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/data directory .* is not writable \(ENOTDIR/);
      expect(r.stderr).toMatch(/--memory/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
