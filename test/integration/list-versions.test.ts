import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

const BUCKET = 'radar-ingest';
const FULL = readFileSync(join(ROOT, 'demo/sanctions/un-sc-consolidated-excerpt.xml'), 'utf8');
const records = [...FULL.matchAll(/<(INDIVIDUAL|ENTITY)>[\s\S]*?<\/\1>/g)].map((m) => m[0]);
const open = FULL.slice(0, FULL.indexOf('<INDIVIDUALS>'));
/** A UN list file holding the given records (individuals and entities kept in their sections). */
const unFile = (recs: string[]) =>
  `${open}<INDIVIDUALS>${recs.filter((r) => r.startsWith('<INDIVIDUAL>')).join('')}</INDIVIDUALS><ENTITIES>${recs.filter((r) => r.startsWith('<ENTITY>')).join('')}</ENTITIES></CONSOLIDATED_LIST>\n`;
const idsOf = (recs: string[]) => new Set(recs.map((r) => /<DATAID>(\d+)<\/DATAID>/.exec(r)![1]));

let sb: RunningSandbox;
const put = (key: string, body: string, metadata?: Record<string, string>) =>
  sb.s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ...(metadata ? { Metadata: metadata } : {}) }),
  );
const listed = async () => {
  const r = await sb.get<{ items: { listedEntities: number }[] }>('/counts/countries?list=un-sc&limit=500');
  return r.body.items.reduce((n, i) => n + i.listedEntities, 0);
};
const entities = async () => {
  const r = await sb.get<{ items: { id: string }[] }>('/counts/entities?list=un-sc&limit=500');
  return new Set(r.body.items.map((i) => i.id.split(':').pop()));
};
const ingest = async (key: string) =>
  (await sb.get<{ status: string; error?: string; version?: string; records: { written: number } }>(`/ingests/${key}`))
    .body;

describe('list versions: atomic, forward only, guarded', () => {
  beforeAll(async () => {
    sb = await startSandboxProcess();
    await put('sanctions/un/list.xml', FULL);
    await sb.idle();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('a full file becomes the current version, with distinct entities', async () => {
    expect(await ingest('sanctions/un/list.xml')).toMatchObject({
      status: 'done',
      records: { written: idsOf(records).size },
    });
    expect(await entities()).toEqual(idsOf(records));
  });

  it('the same file twice is a no-op', async () => {
    const before = await listed();
    await put('sanctions/un/list.xml', FULL);
    await sb.idle();
    expect((await ingest('sanctions/un/list.xml')).status).toBe('unchanged');
    expect(await listed()).toBe(before);
  });

  it('delisted entities leave the counts when a new version replaces the list', async () => {
    const kept = records.slice(0, records.length - 5);
    await put('sanctions/un/list.xml', unFile(kept));
    await sb.idle();
    expect(await entities()).toEqual(idsOf(kept));
  });

  it('an empty, truncated or unparsable file is quarantined and the current version stays', async () => {
    const before = await entities();
    await put('sanctions/un/empty.xml', unFile([]));
    await put('sanctions/un/truncated.xml', FULL.slice(0, Math.floor(FULL.length / 2)));
    await sb.idle();
    expect((await ingest('sanctions/un/empty.xml')).status).toBe('quarantined');
    const t = await ingest('sanctions/un/truncated.xml');
    expect(t.status).toBe('quarantined');
    expect(t.error).toBeTruthy();
    expect(await entities()).toEqual(before);
  });

  it('a list that shrinks by more than half is refused unless forced', async () => {
    const before = await entities();
    const few = records.slice(0, 10);
    await put('sanctions/un/list.xml', unFile(few));
    await sb.idle();
    const r = await ingest('sanctions/un/list.xml');
    expect(r.status).toBe('quarantined');
    expect(r.error).toMatch(/x-amz-meta-force/);
    expect(await entities()).toEqual(before);
    await put('sanctions/un/list.xml', unFile(few), { force: 'true' });
    await sb.idle();
    expect(await entities()).toEqual(idsOf(few));
  });

  it('two versions uploaded together end with the newer one current, and a poller never sees a half list', async () => {
    const before = await entities();
    const a = records.slice(0, 40);
    const b = records.slice(0, 50);
    const whole = [before, idsOf(a), idsOf(b)].map((set) => [...set].sort().join(','));
    const seen: string[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) seen.push([...(await entities())].sort().join(','));
    })();
    await put('sanctions/un/a.xml', unFile(a), { force: 'true' });
    await put('sanctions/un/b.xml', unFile(b), { force: 'true' });
    await sb.idle();
    polling = false;
    await poller;
    expect(await entities()).toEqual(idsOf(b));
    expect(seen.length).toBeGreaterThan(0);
    // Whole versions only: every read saw exactly the previous, a's or b's set of entities.
    for (const s of seen) expect(whole, 'a reader saw a set of entities that is no whole version').toContain(s);
  });

  it('deleting the current file removes the list', async () => {
    await sb.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'sanctions/un/b.xml' }));
    await sb.idle();
    expect(await listed()).toBe(0);
  });
});
