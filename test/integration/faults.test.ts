import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectStateKey } from '../../shared/domain/keys.ts';
import {
  BUCKET,
  buildCurrentMatcher,
  diffCounts,
  idSetKey,
  makeDynamoClient,
  ndjsonBatch,
  pollListEntities,
  readCurrentIds,
  readStoredCounts,
  recountFromS3,
  sandboxStatus,
  setFaults,
  settle,
  syntheticArticle,
  unFile,
  unIds,
  UN_VERSIONS,
} from '../helpers/recount.ts';
import { startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

// Faults (reliability issue, point 3): DynamoDB throttling and 5xx on a share of writes, a handler that fails after
// partial writes, and the sandbox process killed mid-ingest. Each case ends with the counters compared, cell by cell,
// with a recount from scratch, and a poller checks that no reader ever saw a list version that was not whole.

const dataDir = mkdtempSync(join(tmpdir(), 'radar-faults-'));
let sb: RunningSandbox;
let ddb: DynamoDBClient;

const put = (key: string, body: string, metadata?: Record<string, string>) =>
  sb.s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ...(metadata ? { Metadata: metadata } : {}) }),
  );
const del = (key: string) => sb.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** On disk (not --memory): the kill case restarts on the same data, as a user's sandbox would. */
const start = async () => {
  sb = await startSandboxProcess({ dataDir, args: ['--no-demo'] });
  ddb = makeDynamoClient(sb.edgeUrl);
};

/** An article object's state: `complete: false` while an ingest has claimed a generation and is writing it. */
async function objectState(key: string): Promise<{ complete: boolean; gen: string; parts: number } | undefined> {
  const r = await ddb.send(
    new GetItemCommand({
      TableName: 'radar',
      Key: { pk: { S: objectStateKey(key).pk }, sk: { S: 'STATE' } },
      ConsistentRead: true,
    }),
  );
  return r.Item ? (unmarshall(r.Item) as { complete: boolean; gen: string; parts: number }) : undefined;
}

/** Waits until an ingest of `key` is part-way: its generation claimed, its parts and articles not all written. */
async function untilMidWrite(key: string, timeoutMs = 60_000): Promise<{ gen: string; parts: number }> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const st = await objectState(key);
    if (st && !st.complete) return st;
    await sleep(2);
  }
  throw new Error(`${key}: no part-way ingest seen (the batch is too small, or it finished first)`);
}

async function untilOutput(re: RegExp, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!re.test(sb.output())) {
    if (Date.now() > until) throw new Error(`no ${re} in the sandbox output after ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function expectExactCounts(): Promise<void> {
  const stored = await readStoredCounts(ddb);
  const expected = await recountFromS3(sb.s3, await buildCurrentMatcher(ddb));
  expect(Object.keys(expected).length).toBeGreaterThan(0);
  expect(diffCounts(stored, expected), 'cells where the counters differ from a recount').toEqual([]);
}

/** Every poll saw exactly one whole version (or no list yet, before the first version was swapped in). */
function expectWholeVersions(seen: string[], versions: Set<string>[]): void {
  const whole = versions.map(idSetKey);
  expect(seen.length).toBeGreaterThan(0);
  const firstListed = seen.findIndex((s) => s !== '');
  for (const [i, s] of seen.entries()) {
    if (s === '' && (firstListed < 0 || i < firstListed)) continue;
    expect(whole, `poll ${i} saw a set of ${s.split(',').length} entities that is no whole version`).toContain(s);
  }
}

describe('faults: every count ends equal to a recount, and no half-written list version is ever visible', {
  timeout: 600_000,
}, () => {
  beforeAll(start);
  afterAll(async () => {
    ddb?.destroy();
    await sb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('DynamoDB throttling and 5xx on a share of writes while lists and articles are uploaded, overwritten and deleted', async () => {
    // Prepare
    await setFaults(sb.edgeUrl, { throttle: 0.2, error: 0.1 });
    const poller = pollListEntities(sb.queryUrl);

    // Act
    await put('sanctions/un/a.xml', unFile(UN_VERSIONS.a));
    for (let i = 0; i < 30; i++) await put(`articles/faults/a ${i}.txt`, syntheticArticle(i));
    await put('articles/faults/batch+1.ndjson', ndjsonBatch(60));
    for (let i = 0; i < 5; i++) await put(`articles/faults/a ${i}.txt`, syntheticArticle(i, 1));
    for (let i = 5; i < 10; i++) await del(`articles/faults/a ${i}.txt`);
    await sb.idle(240_000);
    await setFaults(sb.edgeUrl, {});
    await settle(sb);
    const { seen, errors } = await poller.stop();

    // Assess
    expect(await readCurrentIds(ddb, 'un-sc')).toEqual(unIds(UN_VERSIONS.a));
    await expectExactCounts();
    expect(errors).toEqual([]);
    expectWholeVersions(seen, [unIds(UN_VERSIONS.a)]);
    expect((await sandboxStatus(sb.edgeUrl)).deadLetters).toEqual([]);
  });

  it('a handler failing in the middle of a big batch file (its generation claimed, not all written) is finished by the retries', async () => {
    // Prepare
    const key = 'articles/faults/crash big.ndjson';

    // Act: every write fails from the moment the ingest has claimed its generation, so the handler dies mid-file.
    await put(key, ndjsonBatch(240, 2));
    const midway = await untilMidWrite(key);
    await setFaults(sb.edgeUrl, { error: 1 });
    await untilOutput(/↻ ingest-article: \S+ articles\/faults\/crash big\.ndjson/);
    const stalled = await objectState(key);
    await setFaults(sb.edgeUrl, {});
    await settle(sb);

    // Assess
    expect(midway.parts).toBeGreaterThan(1);
    expect(stalled?.complete, 'the ingest was still unfinished while every write failed').toBe(false);
    expect((await objectState(key))?.complete).toBe(true);
    await expectExactCounts();
  });

  it('a list ingest failing after it started writing its version leaves the current version whole until the retry swaps', async () => {
    // Prepare
    const poller = pollListEntities(sb.queryUrl);
    const key = 'sanctions/un/b.xml';

    // Act: writes fail as soon as the ingest says it is processing (its version is being written).
    await put(key, unFile(UN_VERSIONS.b));
    for (let i = 0; i < 4000; i++) {
      const s = await sb.get<{ status?: string }>(`/ingests/${key}`);
      if (s.status === 200 && s.body.status === 'processing') break;
      await sleep(2);
    }
    await setFaults(sb.edgeUrl, { error: 1 });
    await untilOutput(/↻ ingest-sanctions: \S+ sanctions\/un\/b\.xml/);
    const during = await readCurrentIds(ddb, 'un-sc');
    await setFaults(sb.edgeUrl, {});
    await settle(sb);
    const { seen, errors } = await poller.stop();

    // Assess
    expect([idSetKey(unIds(UN_VERSIONS.a)), idSetKey(unIds(UN_VERSIONS.b))]).toContain(idSetKey(during ?? []));
    expect(await readCurrentIds(ddb, 'un-sc')).toEqual(unIds(UN_VERSIONS.b));
    expect(errors).toEqual([]);
    expectWholeVersions(seen, [unIds(UN_VERSIONS.a), unIds(UN_VERSIONS.b)]);
    await expectExactCounts();
  });

  it('the sandbox killed (SIGKILL) during an ingest and started again on the same data redelivers and finishes the work', async () => {
    // Prepare
    const key = 'articles/faults/killed.ndjson';
    const javas = execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([, ppid, comm]) => Number(ppid) === sb.process.pid && comm === 'java')
      .map(([p]) => Number(p));
    expect(javas.length).toBe(1);

    // Act: uploads in flight, a batch part-written, the queue persisted with them, then the process dies.
    await put('sanctions/un/c.xml', unFile(UN_VERSIONS.c));
    for (let i = 0; i < 20; i++) await put(`articles/faults/k ${i}.txt`, syntheticArticle(100 + i));
    await put(key, ndjsonBatch(240, 3));
    await untilMidWrite(key);
    // Throttling slows the writes (the SDK backs off and retries) so the queue is persisted while it is still running.
    await setFaults(sb.edgeUrl, { throttle: 0.7 });
    const queueFile = join(dataDir, 'queues.json');
    await sleep(1200);
    const persisted = existsSync(queueFile) ? readFileSync(queueFile, 'utf8') : '';
    const wasMidWrite = (await objectState(key))?.complete === false;
    ddb.destroy();
    // A crash, not a shutdown: nothing gets to clean up. DynamoDB Local dies with the machine too.
    await sb.stop('SIGKILL');
    for (const pid of javas) process.kill(pid, 'SIGKILL');
    await start();
    await settle(sb);

    // Assess
    expect(persisted).toContain('killed.ndjson');
    expect(wasMidWrite, 'the kill landed while the batch was part-written').toBe(true);
    expect((await objectState(key))?.complete).toBe(true);
    expect(await readCurrentIds(ddb, 'un-sc')).toEqual(unIds(UN_VERSIONS.c));
    expect((await sandboxStatus(sb.edgeUrl)).deadLetters).toEqual([]);
    await expectExactCounts();
  });
});
