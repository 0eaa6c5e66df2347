import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELINK_MARK_KEY } from '../../shared/domain/keys.ts';
import { makeDynamoClient } from '../helpers/recount.ts';
import { ROOT, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

const BUCKET = 'radar-ingest';
const UN = readFileSync(join(ROOT, 'demo/sanctions/un-sc-consolidated-excerpt.xml'), 'utf8');
const records = [...UN.matchAll(/<(INDIVIDUAL|ENTITY)>[\s\S]*?<\/\1>/g)].map((m) => m[0]);
const open = UN.slice(0, UN.indexOf('<INDIVIDUALS>'));
const unFile = (recs: string[]) =>
  `${open}<INDIVIDUALS>${recs.filter((r) => r.startsWith('<INDIVIDUAL>')).join('')}</INDIVIDUALS><ENTITIES>${recs.filter((r) => r.startsWith('<ENTITY>')).join('')}</ENTITIES></CONSOLIDATED_LIST>\n`;

// Our own sample text. KOMID (690735) and Iyad Ag Ghali (3012677) are on the UN excerpt.
const ARTICLE = `UN experts trace missile parts to North Korean trader

A panel of experts said the Korea Mining Development Trading Corporation had shipped missile parts through a port in
Syria last year. The Korea Mining Development Trading Corporation denied it.

In Mali, officials said Iyad Ag Ghali had met envoys in Kidal. A trading company in Pyongyang and a bank in Korea were
also named, and a Korea Trading Company official declined to comment.`;

interface EntityRow {
  id: string;
  name: string;
  listed: boolean;
  lists: string[];
  articles: number;
  mentions: number;
  countries: string[];
}
let sb: RunningSandbox;
const put = (key: string, body: string, metadata?: Record<string, string>) =>
  sb.s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ...(metadata ? { Metadata: metadata } : {}) }),
  );
const listedInNews = async () =>
  (await sb.get<{ items: EntityRow[] }>('/counts/entities?listed=true&limit=500')).body.items.filter(
    (i) => i.articles > 0,
  );
const countries = async (q = '') =>
  new Map(
    (
      await sb.get<{ items: { country: string; articles: number; mentions: number; listedEntitiesInNews: number }[] }>(
        `/counts/countries?limit=500${q}`,
      )
    ).body.items.map((i) => [i.country, i]),
  );

describe('linking news to lists (name index, relink, exact counts)', () => {
  beforeAll(async () => {
    sb = await startSandboxProcess();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('before any list, nothing is linked', async () => {
    await put('articles/komid.txt', ARTICLE);
    await sb.idle();
    expect(await listedInNews()).toEqual([]);
  });

  it('a list swapped in relinks the articles already ingested', async () => {
    await put('sanctions/un/list.xml', UN);
    await sb.idle();
    const linked = await listedInNews();
    expect(linked.map((e) => e.id).sort()).toEqual(['l:un-sc:3012677', 'l:un-sc:690735']);
    const komid = linked.find((e) => e.id === 'l:un-sc:690735')!;
    expect(komid).toMatchObject({ listed: true, lists: ['un-sc'], articles: 1, mentions: 2 });
    // Generic words ("a trading company", "a bank in Korea", "Korea Trading Company") link to nothing.
    expect(linked).toHaveLength(2);
    const ml = (await countries()).get('ML');
    expect(ml?.listedEntitiesInNews).toBe(1);
    const detail = await sb.get<{ id: string; recentArticles: { key: string; mentions: number }[] }>(
      `/entities/${encodeURIComponent('l:un-sc:690735')}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.recentArticles).toEqual([expect.objectContaining({ key: 'articles/komid.txt', mentions: 2 })]);
  });

  it('the same list file again links nothing again: the relink pass of its build is recorded as done', async () => {
    const ddb = makeDynamoClient(sb.edgeUrl);
    try {
      const mark = async () =>
        unmarshall(
          (
            await ddb.send(
              new GetItemCommand({ TableName: 'radar', Key: marshall(RELINK_MARK_KEY), ConsistentRead: true }),
            )
          ).Item ?? {},
        );
      const before = await mark();
      const indexEtag = (
        await sb.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'index/names.json.gz' }))
      ).ETag?.replace(/"/g, '');
      expect(before).toMatchObject({ indexEtag, objects: 1 });
      await put('sanctions/un/list.xml', UN);
      await sb.idle();
      const again = await sb.get<{ status: string }>(`/ingests/${encodeURIComponent('sanctions/un/list.xml')}`);
      expect(again.body.status).toBe('unchanged');
      expect(await mark(), 'no second pass over the articles').toEqual(before);
    } finally {
      ddb.destroy();
    }
  });

  it('a new list version without an entity unlinks it; the counts move exactly', async () => {
    const without = records.filter((r) => !r.includes('<DATAID>690735</DATAID>'));
    await put('sanctions/un/list.xml', unFile(without));
    await sb.idle();
    expect((await listedInNews()).map((e) => e.id)).toEqual(['l:un-sc:3012677']);
    // The name is still in the news, now as an unlisted organisation.
    const all = (await sb.get<{ items: EntityRow[] }>('/counts/entities?listed=false&limit=500')).body.items;
    expect(all.find((e) => /korea mining development trading/i.test(e.name))).toMatchObject({
      listed: false,
      articles: 1,
    });
  });

  it('from/to filter the article figures by publication date', async () => {
    const a = (date: string, text: string) =>
      JSON.stringify({ title: `Report of ${date}`, publishedAt: date, content: text });
    await put('articles/dated-1.json', a('2026-03-01', 'Officials in Caracas met envoys from Havana.'));
    await put('articles/dated-2.json', a('2026-04-01', 'Officials in Caracas met envoys from Managua.'));
    await sb.idle();
    const all = await countries();
    expect(all.get('VE')?.articles).toBe(2);
    const april = await countries('&from=2026-03-15&to=2026-04-30');
    expect(april.get('VE')?.articles).toBe(1);
    expect(april.get('NI')?.articles).toBe(1);
    expect(april.get('CU')).toBeUndefined();
    const bad = await sb.get<{ title: string; detail: string }>('/counts/countries?from=2026-05-01&to=2026-04-01');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/from is after to/);
  });
});
