import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDocumentClient } from '../../shared/adapters/aws.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { makeS3Source } from '../../shared/adapters/s3-source.ts';
import type { ObjectRef } from '../../shared/adapters/s3-event.ts';
import { loadConfig, type Config } from '../../shared/config.ts';
import { parseArticles } from '../../shared/domain/article-formats.ts';
import { extractEntities } from '../../shared/domain/extract.ts';
import { describeExpectedFormats, detectListFormat } from '../../shared/domain/sanctions/detect.ts';
import { reconcileArticleObject } from '../../shared/ingest/articles.ts';
import { reconcileSanctionsObject } from '../../shared/ingest/sanctions.ts';
import { ROOT, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

// An S3 GetObject whose body is never read keeps its socket busy until the server closes the connection (5 s here,
// longer on AWS). A handler that answers "unchanged" to duplicate events without reading the body would, after 50 of
// them (the SDK's pool), stall every later S3 call of the container. Here the pool has two sockets, and after each
// delivery none may still be busy.

let sb: RunningSandbox;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
type Base = { config: Config; source: ReturnType<typeof makeS3Source>; store: ReturnType<typeof makeDynamoStore> };
let s3: S3Client;
const agent = new Agent({ keepAlive: true, maxSockets: 2 });
/** Sockets handed out and not yet returned to the pool, after a moment for a destroyed one to close. */
const busySockets = async () => {
  await new Promise((r) => setTimeout(r, 200));
  return Object.values(agent.sockets).reduce((n, list) => n + (list?.length ?? 0), 0);
};

describe('connections: a handler never leaves a response body unread', () => {
  beforeAll(async () => {
    sb = await startSandboxProcess();
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    s3 = new S3Client({
      endpoint: sb.edgeUrl,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: { httpAgent: agent, requestTimeout: 60_000 },
    });
  });
  afterAll(async () => {
    s3?.destroy();
    await sb?.stop();
  });

  /** Uploads `body` (the sandbox ingests it), then delivers its event `times` more times to `reconcile` run here. */
  async function deliverAgain(
    key: string,
    body: string | Buffer,
    times: number,
    reconcile: (ref: ObjectRef, base: Base) => Promise<{ status: string }>,
  ) {
    await sb.s3.send(new PutObjectCommand({ Bucket: 'radar-ingest', Key: key, Body: body }));
    await sb.idle();
    const config = loadConfig({
      TABLE_NAME: 'radar',
      BUCKET_NAME: 'radar-ingest',
      AWS_ENDPOINT_URL: sb.edgeUrl,
      AWS_REGION: 'us-east-1',
    });
    const base = {
      config,
      source: makeS3Source(s3, 'radar-ingest'),
      store: makeDynamoStore(makeDocumentClient(config), 'radar'),
    };
    for (let i = 0; i < times; i++) {
      const ref = { bucket: 'radar-ingest', key, eventName: 'ObjectCreated:Put', eventTime: new Date().toISOString() };
      expect((await reconcile(ref, base)).status).toBe('unchanged');
      expect(await busySockets(), `sockets still busy after delivery ${i + 1}`).toBe(0);
    }
  }

  it('duplicate deliveries of an unchanged article release their connection', async () => {
    const text = 'Officials in Moscow and Beijing met on Tuesday.\n\nThe talks in Moscow ended without a statement.';
    await deliverAgain('articles/dup/one.txt', text, 6, (ref, { config, source, store }) =>
      reconcileArticleObject(ref, {
        source,
        store,
        extract: extractEntities,
        parse: parseArticles,
        maxBytes: config.MAX_ARTICLE_BYTES,
      }),
    );
  });

  it('duplicate deliveries of an unchanged list file release their connection', async () => {
    const file = readFileSync(join(ROOT, 'demo/sanctions/un-sc-consolidated-excerpt.xml'));
    await deliverAgain('sanctions/un/dup.xml', file, 4, (ref, { config, source, store }) =>
      reconcileSanctionsObject(ref, {
        source,
        store,
        detect: detectListFormat,
        describeExpected: describeExpectedFormats,
        maxBytes: config.MAX_OBJECT_BYTES,
        shrinkGuard: config.SHRINK_GUARD,
      }),
    );
  });

  it('a key read while it is overwritten gives one whole object, its ETag and length matching its bytes', async () => {
    // Distinct sizes and contents: a torn read shows as a body that is none of them, or that its ETag does not fit.
    const variants = Array.from({ length: 8 }, (_, i) =>
      Buffer.alloc(300_000 + i * 150_000, String.fromCharCode(97 + i)),
    );
    const known = new Set(variants.map((v) => md5(v)));
    const key = 'scratch/race.bin'; // outside the trigger prefixes: no ingest runs
    await sb.s3.send(new PutObjectCommand({ Bucket: 'radar-ingest', Key: key, Body: variants[0] }));
    const problems: string[] = [];
    const writers = Array.from({ length: 3 }, async (_, w) => {
      for (let i = 0; i < 12; i++)
        await sb.s3.send(
          new PutObjectCommand({ Bucket: 'radar-ingest', Key: key, Body: variants[(w * 5 + i) % variants.length] }),
        );
    });
    const readers = Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 15; i++) {
        try {
          const r = await sb.s3.send(new GetObjectCommand({ Bucket: 'radar-ingest', Key: key }));
          const body = Buffer.from(await r.Body!.transformToByteArray());
          const sum = md5(body);
          if (!known.has(sum)) problems.push(`a body of ${body.length} bytes that was never uploaded`);
          else if (r.ETag?.replace(/"/g, '') !== sum) problems.push(`ETag ${r.ETag} on a body whose MD5 is ${sum}`);
          if (r.ContentLength !== body.length)
            problems.push(`Content-Length ${r.ContentLength} on ${body.length} bytes`);
        } catch (err) {
          problems.push(`GET failed: ${(err as Error).name}: ${(err as Error).message}`);
        }
      }
    });
    await Promise.all([...writers, ...readers]);
    expect(problems).toEqual([]);
  });

  it('conditional GETs answered 304 leave no file open in the sandbox, and still answer as S3 does', async (ctx) => {
    if (!existsSync(`/proc/${sb.process.pid}/fd`)) return ctx.skip(); // open files are counted through Linux's /proc
    const key = 'scratch/conditional.txt';
    const put = await sb.s3.send(new PutObjectCommand({ Bucket: 'radar-ingest', Key: key, Body: 'version one' }));
    const openFiles = () =>
      readdirSync(`/proc/${sb.process.pid}/fd`).filter((fd) => {
        try {
          return readlinkSync(`/proc/${sb.process.pid}/fd/${fd}`).includes('conditional.txt');
        } catch {
          return false; // closed meanwhile
        }
      }).length;
    const status = async (input: Record<string, unknown>) => {
      try {
        const r = await sb.s3.send(new GetObjectCommand({ Bucket: 'radar-ingest', Key: key, ...input }));
        await r.Body!.transformToString();
        return r.$metadata.httpStatusCode;
      } catch (err) {
        return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      }
    };
    for (let i = 0; i < 40; i++) expect(await status({ IfNoneMatch: put.ETag })).toBe(304);
    expect(await status({ IfNoneMatch: '"0123"' })).toBe(200);
    expect(await status({ IfNoneMatch: '*' })).toBe(304);
    expect(await status({ IfModifiedSince: new Date(Date.now() + 60_000) })).toBe(304);
    expect(await status({ IfModifiedSince: new Date(Date.now() - 3_600_000) })).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(openFiles(), 'files of the object still open in the sandbox').toBe(0);
  });
});
