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
