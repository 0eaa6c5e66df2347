/**
 * Relinking in proportion to the change (issue 17.4), measured on the sandbox: a corpus of N article objects (one
 * article each, composed from the repository's sample articles) loaded through the real S3 → queue → handler path and
 * linked at ingest against a name index of real listed names; then one entity of the index changes, and the
 * proportional relink (`relinkChangedArticles`, what the sanctions function runs) is timed with the objects it
 * touched. For comparison, a change that names nothing in the corpus, and (at the smallest size) the full pass.
 *
 *   node --import tsx bench/relink.ts [--sizes 1000,10000] [--entities 15000] [--full-at 1000]
 *
 * Prints one JSON line per measurement and a table at the end. Not part of `npm run bench` (a 10,000-object load
 * takes minutes on two cores); its figures are reported in the README's architecture notes.
 */
import { parseArgs } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { makeDocumentClient, makeS3Client } from '../shared/adapters/aws.ts';
import { makeDynamoStore } from '../shared/adapters/dynamo-store.ts';
import { makeNameIndexStore } from '../shared/adapters/name-index-store.ts';
import { makeS3Source } from '../shared/adapters/s3-source.ts';
import { loadConfig } from '../shared/config.ts';
import { parseArticles } from '../shared/domain/article-formats.ts';
import { EXTRACTOR_VERSION, extractEntities } from '../shared/domain/extract.ts';
import { buildNameIndex, type IndexedEntity, NameMatcher } from '../shared/domain/name-index.ts';
import { relinkChangedArticles, relinkEverything } from '../shared/ingest/relink.ts';
import { BUCKET_NAME, TABLE_NAME } from '../shared/resources.ts';
import { composeArticles, indexEntities } from './lib/corpus.ts';
import { RUNNING, startBenchSandbox } from './lib/sandbox.ts';

type Entity = IndexedEntity & { aliases: string[] };

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    entities: { type: 'string', default: '15000' },
    'full-at': { type: 'string', default: '1000' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const fullAt = new Set(args['full-at'].split(',').map(Number));

async function measure(size: number, entities: Entity[]) {
  const sb = await startBenchSandbox();
  try {
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL: sb.edgeUrl,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      TABLE_NAME,
      BUCKET_NAME,
    };
    Object.assign(process.env, env);
    const config = loadConfig(env);
    const source = makeS3Source(makeS3Client(config), BUCKET_NAME);
    const store = makeDynamoStore(makeDocumentClient(config), TABLE_NAME);
    const index = makeNameIndexStore(source);
    const deps = {
      source,
      store,
      index,
      extract: extractEntities,
      extractedBy: EXTRACTOR_VERSION,
      parse: parseArticles,
      maxBytes: config.MAX_ARTICLE_BYTES,
    };
    // Index A, and a finished pass over nothing: the mark a proportional pass diffs against.
    await index.save(buildNameIndex(entities), 'bench-a');
    await relinkEverything(deps);

    // The corpus through the real path, linked at ingest against A.
    const articles = composeArticles(size, 23);
    const s3 = new S3Client({
      endpoint: sb.edgeUrl,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < articles.length) {
          const i = next++;
          const a = articles[i]!;
          await s3.send(
            new PutObjectCommand({
              Bucket: BUCKET_NAME,
              Key: `articles/bench/${String(i).padStart(6, '0')}.json`,
              Body: JSON.stringify({ title: a.title, publishedAt: a.publishedAt, content: a.body }),
            }),
          );
        }
      }),
    );
    // The sandbox answers an idle wait after some minutes at most: ask again until the queue is drained.
    for (let tries = 0; ; tries++) {
      try {
        await sb.idle(5 * 60_000);
        break;
      } catch (err) {
        if (tries >= 12) throw err;
      }
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    s3.destroy();

    // Listed entities by the number of articles naming them (as the matcher finds names): the one named least (a
    // typical one-entity change) and the one named most (the costliest).
    const matcher = new NameMatcher(buildNameIndex(entities));
    const freq = new Map<string, number>();
    for (const a of articles)
      for (const id of new Set(
        matcher.find(`${a.title ?? ''}\n\n${a.body}`).flatMap((m) => m.entities.map((e) => e.sourceId)),
      ))
        freq.set(id, (freq.get(id) ?? 0) + 1);
    const byFreq = [...freq].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    if (!byFreq.length) throw new Error('no listed entity is named in the corpus');
    const pickOf = ([id, n]: [string, number]) => ({ i: entities.findIndex((e) => e.sourceId === id), n });
    const rare = pickOf(byFreq[0]!);
    const common = pickOf(byFreq[byFreq.length - 1]!);
    const out: Record<string, unknown>[] = [];
    const run = async (what: string, next: Entity[], full = false) => {
      await index.save(buildNameIndex(next), what);
      const t = performance.now();
      const r = full ? await relinkEverything(deps) : await relinkChangedArticles(deps);
      const row = {
        size,
        what,
        mode: r.mode,
        seconds: Number(((performance.now() - t) / 1000).toFixed(3)),
        objectsTouched: r.total,
        relinked: r.relinked,
        changedKeys: r.changedKeys ?? null,
        loadSeconds: Number(loadSeconds.toFixed(1)),
      };
      process.stdout.write(`${JSON.stringify(row)}\n`);
      out.push(row);
      return next;
    };
    const changeOf = (list: Entity[], k: number, tag: string) =>
      list.map((e, i) => (i === k ? { ...e, countries: [...e.countries, tag] } : e));
    // 1. The entity named least gets a new country; 2. a new entity no article names; 3. the entity named most.
    let cur = changeOf(entities, rare.i, 'ZY');
    await run(`one entity changed ("${entities[rare.i]!.name}", named in ${rare.n} articles)`, cur);
    cur = [
      ...cur,
      {
        list: 'un-sc',
        sourceId: 'bench-new',
        name: 'Zyxwv Qutrop Holdings',
        type: 'organization',
        countries: ['KP'],
        aliases: [],
      },
    ];
    await run('one entity added (named in no article)', cur);
    cur = changeOf(cur, common.i, 'ZZ');
    await run(`one entity changed ("${entities[common.i]!.name}", named in ${common.n} articles)`, cur);
    // 3. For scale: the full pass over every object after a one-entity change.
    if (fullAt.has(size)) {
      cur = cur.filter((e) => e.sourceId !== 'bench-new');
      await run('full pass (radar relink --all) after a one-entity change', cur, true);
    }
    return out;
  } finally {
    await sb.stop();
  }
}

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const entities = await indexEntities(Number(args.entities));
  const rows: Record<string, unknown>[] = [];
  for (const size of sizes) rows.push(...(await measure(size, entities)));
  process.stdout.write(
    '\n| articles (objects) | change | pass | seconds | objects touched | changed keys |\n|---:|---|---|---:|---:|---:|\n',
  );
  for (const r of rows)
    process.stdout.write(
      `| ${r.size} | ${r.what} | ${r.mode} | ${r.seconds} | ${r.objectsTouched} | ${r.changedKeys ?? '–'} |\n`,
    );
}

main().then(
  () => process.exit(0),
  async (err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    await Promise.all([...RUNNING].map((s) => s.stop().catch(() => {})));
    process.exit(1);
  },
);
