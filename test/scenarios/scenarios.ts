import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/sandbox.ts';
import type { IngestView, ScenarioTarget } from './target.ts';

/**
 * The end-to-end scenarios, defined once and run against every target (issue 13): the sandbox suite
 * (test/integration/scenarios.test.ts, part of `npm test`) and the LocalStack suite (`npm run test:localstack`).
 * Everything goes through the real bucket, queues, functions and query endpoint of the target; keys are unique per run,
 * so a LocalStack that is reused between runs still gives exact answers (counts are compared before and after).
 */

interface CountryRow {
  country: string;
  listedEntities: number;
  articles: number;
  mentions: number;
}

const ARTICLE_V1 = `Ministers in Lima weigh new port checks

Officials in Peru said on Tuesday that ships bound for Chile would be inspected. Bolivia objected to the plan.`;
const ARTICLE_V2 = `Harbour authority in Reykjavik changes course

Iceland said on Friday that the inspections would end. Norway welcomed the decision.`;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function countries(t: ScenarioTarget): Promise<Map<string, CountryRow>> {
  const r = await t.get<{ items: CountryRow[] }>('/counts/countries?limit=500');
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return new Map(r.body.items.map((i) => [i.country, i]));
}
const articlesOf = (m: Map<string, CountryRow>, cc: string) => m.get(cc)?.articles ?? 0;
const listedOf = (m: Map<string, CountryRow>, cc: string) => m.get(cc)?.listedEntities ?? 0;

/** Polls `/ingests/{key}` until `done(status)` holds; the status is what the pipeline says happened to that upload. */
async function ingestOf(t: ScenarioTarget, key: string, done: (s: IngestView) => boolean): Promise<IngestView> {
  const deadline = Date.now() + t.settleMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const r = await t.get<IngestView>(`/ingests/${encodeURIComponent(key)}`);
    last = r.body;
    if (r.status === 200 && done(r.body)) return r.body;
    await pause(250);
  }
  throw new Error(`${t.name}: ${key} did not settle in ${t.settleMs} ms; last status: ${JSON.stringify(last)}`);
}

async function put(t: ScenarioTarget, key: string, body: string | Buffer): Promise<string> {
  const r = await t.s3.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: body }));
  return (r.ETag ?? '').replaceAll('"', '');
}
const sameEtag = (etag: string) => (s: IngestView) => (s.etag ?? '').replaceAll('"', '') === etag;

export function defineScenarios(target: () => ScenarioTarget, runId: string, timeoutMs = 120_000): void {
  describe('scenarios', { timeout: timeoutMs }, () => {
    it('an article uploaded, overwritten and deleted moves the counts exactly', async () => {
      const t = target();
      const key = `articles/scenarios/${runId}/port checks + plan.txt`;
      const before = await countries(t);

      // Act: upload
      const e1 = await put(t, key, ARTICLE_V1);
      expect(await ingestOf(t, key, (s) => s.status === 'done' && sameEtag(e1)(s))).toMatchObject({ key });
      // Assess
      let now = await countries(t);
      for (const cc of ['PE', 'CL', 'BO']) expect(articlesOf(now, cc), cc).toBe(articlesOf(before, cc) + 1);

      // Act: overwrite
      const e2 = await put(t, key, ARTICLE_V2);
      await ingestOf(t, key, (s) => s.status === 'done' && sameEtag(e2)(s));
      // Assess: the old contribution out, the new one in
      now = await countries(t);
      for (const cc of ['PE', 'CL', 'BO']) expect(articlesOf(now, cc), cc).toBe(articlesOf(before, cc));
      for (const cc of ['IS', 'NO']) expect(articlesOf(now, cc), cc).toBe(articlesOf(before, cc) + 1);

      // Act: delete
      await t.s3.send(new DeleteObjectCommand({ Bucket: t.bucket, Key: key }));
      await ingestOf(t, key, (s) => s.status === 'deleted');
      // Assess
      now = await countries(t);
      for (const cc of ['PE', 'CL', 'BO', 'IS', 'NO']) expect(articlesOf(now, cc), cc).toBe(articlesOf(before, cc));
    });

    it('a dated article is one click from its counts: /articles lists it, /articles/{id} shows it, the timeline counts it', async () => {
      const t = target();
      // The date comes from the key (issue 12.1); a day of its own per run keeps a reused target's counts apart.
      const offset = [...runId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 365, 0);
      const day = new Date(Date.UTC(2031, 0, 1 + offset)).toISOString().slice(0, 10);
      const key = `articles/scenarios/${runId}/${day}-port-checks.txt`;
      const series = `country=PE&interval=day&from=${day}&to=${day}`;
      type Timeline = { items: { period: string; articles: number }[] };
      type Articles = { items: { id: string; key: string; publishedAt: string | null }[] };
      const before = await t.get<Timeline>(`/counts/timeline?${series}`);
      expect(before.status, JSON.stringify(before.body)).toBe(200);

      // Act
      const etag = await put(t, key, ARTICLE_V1);
      await ingestOf(t, key, (s) => s.status === 'done' && sameEtag(etag)(s));

      // Assess
      const after = await t.get<Timeline>(`/counts/timeline?${series}`);
      expect(after.body.items.map((i) => [i.period, i.articles])).toEqual([
        [day, (before.body.items[0]?.articles ?? 0) + 1],
      ]);
      const listed = await t.get<Articles>(`/articles?country=PE&from=${day}&to=${day}&limit=100`);
      expect(listed.status).toBe(200);
      const mine = listed.body.items.filter((a) => a.key === key);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.publishedAt?.slice(0, 10)).toBe(day);
      const detail = await t.get<{ key: string; title: string | null; countries: { code: string }[] }>(
        `/articles/${encodeURIComponent(mine[0]!.id)}`,
      );
      expect(detail.status).toBe(200);
      expect(detail.body.title).toBe('Ministers in Lima weigh new port checks');
      expect(detail.body.countries.map((c) => c.code)).toEqual(expect.arrayContaining(['PE', 'CL', 'BO']));

      // Act: delete; Assess: gone from the listing and the timeline
      await t.s3.send(new DeleteObjectCommand({ Bucket: t.bucket, Key: key }));
      await ingestOf(t, key, (s) => s.status === 'deleted');
      const gone = await t.get<Articles>(`/articles?country=PE&from=${day}&to=${day}&limit=100`);
      expect(gone.body.items.filter((a) => a.key === key)).toEqual([]);
      const back = await t.get<Timeline>(`/counts/timeline?${series}`);
      expect(back.body.items[0]?.articles ?? 0).toBe(before.body.items[0]?.articles ?? 0);
    });

    it('a sanctions list (the UN demo excerpt) is counted by country', async () => {
      const t = target();
      const xml = readFileSync(join(ROOT, 'demo/sanctions/un-sc-consolidated-excerpt.xml'));
      const key = 'sanctions/un/consolidated.xml';

      // Act
      const etag = await put(t, key, xml);
      const s = await ingestOf(t, key, (v) => sameEtag(etag)(v) && ['done', 'unchanged'].includes(v.status));

      // Assess: every record of the file is an entity of the list, and the list's countries carry them
      const ids = new Set([...xml.toString('utf8').matchAll(/<DATAID>(\d+)<\/DATAID>/g)].map((m) => m[1]));
      expect(s.list).toBe('un-sc');
      if (s.status === 'done') expect(s.records?.written).toBe(ids.size);
      const un = await t.get<{ items: CountryRow[] }>('/counts/countries?list=un-sc&limit=500');
      expect(un.status).toBe(200);
      const total = un.body.items.reduce((n, r) => n + r.listedEntities, 0);
      expect(total).toBeGreaterThan(0);
      expect(listedOf(new Map(un.body.items.map((i) => [i.country, i])), 'KP')).toBeGreaterThan(0);
    });

    it('a new version of a list yields its changes: an entity removed is a DEL in /changes, back again an ADD', async () => {
      const t = target();
      const xml = readFileSync(join(ROOT, 'demo/sanctions/un-sc-consolidated-excerpt.xml'), 'utf8');
      const key = 'sanctions/un/consolidated.xml';
      const first = /<INDIVIDUAL>[\s\S]*?<\/INDIVIDUAL>\s*/.exec(xml)!;
      const removed = /<DATAID>(\d+)<\/DATAID>/.exec(first[0])![1]!;
      const without = xml.replace(first[0], '');
      type Changes = { items: { type: string; entityId: string; list: string }[] };
      const find = async (type: string) =>
        (await t.get<Changes>(`/changes?list=un-sc&type=${type}&limit=100`)).body.items.filter(
          (c) => c.entityId === `l:un-sc:${removed}`,
        ).length;
      const delsBefore = await find('DEL');
      const addsBefore = await find('ADD');

      // Act: the list without one person, then the whole list again
      const e1 = await put(t, key, without);
      await ingestOf(t, key, (v) => sameEtag(e1)(v) && v.status === 'done');
      const dels = await find('DEL');
      const e2 = await put(t, key, xml);
      await ingestOf(t, key, (v) => sameEtag(e2)(v) && v.status === 'done');

      // Assess
      expect(dels).toBe(delsBefore + 1);
      expect(await find('ADD')).toBe(addsBefore + 1);
    });

    it('a hostile file is quarantined with its report, and the counts do not move', async () => {
      const t = target();
      const key = `sanctions/scenarios/${runId}/garbage.bin`;
      const before = await countries(t);

      // Act
      const etag = await put(t, key, Buffer.from([0, 1, 2, 3, 255, 254, 9, 9]));
      // A refused file's status carries no ETag of a version; the key is new to this run, so any settled status is this upload's.
      expect(etag).not.toBe('');
      const s = await ingestOf(t, key, (v) => v.status !== 'processing');

      // Assess
      expect(s.status).toBe('quarantined');
      expect(s.error).toMatch(/unknown sanctions-list format/);
      const report = await t.s3.send(new GetObjectCommand({ Bucket: t.bucket, Key: `quarantine/${key}.report.json` }));
      const parsed = JSON.parse(await report.Body!.transformToString()) as Record<string, unknown>;
      expect(JSON.stringify(parsed)).toMatch(/unknown sanctions-list format/);
      expect(await countries(t)).toEqual(before);
    });

    it('a message that keeps failing lands in the dead-letter queue, and nothing is counted', async () => {
      const t = target();
      const key = `articles/scenarios/${runId}/poison.txt`;
      const dlqBefore = await t.deadLetters();
      const before = await countries(t);

      // Act
      const poison = await t.poisonArticleQueue(key);
      try {
        const deadline = Date.now() + t.settleMs * 3;
        while ((await t.deadLetters()) <= dlqBefore && Date.now() < deadline) await pause(500);
      } finally {
        await poison.undo();
      }

      // Assess
      expect(await t.deadLetters()).toBeGreaterThan(dlqBefore);
      expect(await countries(t)).toEqual(before);
    });
  });
}
