import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { HotKeyReport, ReadTotals } from '../../infra/sandbox/dynamo-capacity.ts';
import { NAME_INDEX_KEY } from '../../shared/adapters/name-index-store.ts';
import { analyseArticle, type Extractor } from '../../shared/domain/article.ts';
import { extractEntities } from '../../shared/domain/extract.ts';
import { listedEntityPartition, listPointerKey, RELINK_MARK_KEY } from '../../shared/domain/keys.ts';
import { NameMatcher, type NameIndex } from '../../shared/domain/name-index.ts';
import { BUCKET_NAME, TABLE_NAME } from '../../shared/resources.ts';
import { makeDynamoClient } from '../../test/helpers/recount.ts';
import { onFreshConnection, sandboxHotKeys } from '../../test/helpers/sandbox.ts';
import { quantileOf, scalingExponentOf } from '../stats.ts';
import { secondsPerCall, type Suite, type SuiteContext } from '../lib/context.ts';
import { figureOf } from '../lib/report.ts';
import { runChild, startBenchSandbox } from '../lib/sandbox.ts';
import {
  articleBatch,
  loadOfacSet,
  newsNames,
  type NewsName,
  type OfacSet,
  writeOfacSet,
} from '../lib/scale-corpus.ts';

/*
 * Issue 17.6: the corpus at 1×, 10× and 100× (1,000 / 10,000 / 100,000 articles, lists of 15,000 / 150,000 /
 * 1,000,000 entities from real OFAC records under new ids), loaded through the sandbox's real S3 → queue → handler
 * path, each size in a fresh in-memory sandbox. Reported: end-to-end ingest against its baselines measured in the same
 * run (extraction + linking alone; the raw BatchWriteItem ceiling), each route's p50/p99 over sequential requests
 * (there is no answer cache), the DynamoDB items each request read (from the edge's totals, read before and after each
 * request to the quiet sandbox), the hottest partitions, and how each route's cost grows with the corpus (log-log slope).
 */

/**
 * The routes measured, in one table so that routes can be added as they land (`/articles`, `/counts/timeline` are
 * listed already: a route that answers 404 is reported as not served yet, not as a failure). Placeholders:
 * `{entity}` the listed entity most in the news, `{country}` the country with most articles, `{prefix}` the first
 * letters of that entity's name, `{from}`/`{to}` one month of 2026 (a twelfth of every corpus), `{rangeFrom}`/`{rangeTo}`
 * a range of edge days and one whole month.
 * `count: true` marks the count routes the issue's latency goal is about.
 */
export const SCALE_ROUTES: readonly { path: string; count: boolean }[] = [
  { path: '/counts/countries', count: true },
  { path: '/counts/countries?sort=-articles&limit=20', count: true },
  { path: '/counts/countries?from={from}&to={to}', count: true },
  { path: '/counts/countries?list=us-ofac-sdn&type=organization', count: true },
  { path: '/counts/entities?limit=20', count: true },
  { path: '/counts/entities?listed=true&limit=20', count: true },
  { path: '/counts/entities?country={country}&limit=20', count: true },
  { path: '/counts/entities?list=us-ofac-sdn&sort=-articles&limit=20', count: true },
  { path: '/counts/entities?q={prefix}&limit=20', count: true },
  { path: '/counts/entities?from={from}&to={to}&limit=20', count: true },
  { path: '/counts/entities?from={rangeFrom}&to={rangeTo}&limit=20', count: true },
  { path: '/counts/entities?from={rangeFrom}&to={rangeTo}&sort=name&limit=20', count: true },
  { path: '/counts/timeline?entity={entity}&interval=month', count: true },
  { path: '/entities/{entity}', count: false },
  { path: '/articles?limit=20', count: false },
  { path: '/articles?entity={entity}&limit=20', count: false },
  { path: '/ingests?limit=20', count: false },
];

/** 1× of the issue: 1,000 articles and a list of 15,000 entities. */
const BASE_ARTICLES = 1_000;
const BASE_ENTITIES = 15_000;
const ARTICLES_PER_FILE = 100;
const MONTH = { from: '2026-03-01', to: '2026-03-31' };
/** A range that is no whole month or year (edge days on both sides): the range read of /counts/entities. */
const RANGE = { rangeFrom: '2026-02-14', rangeTo: '2026-04-10' };
/** AWS's per-partition limits; the meter marks partitions past them. */
const WRITE_LIMIT = 1_000;
const READ_LIMIT = 3_000;
/** Route cost counted as flat across sizes: a log-log slope this small (noise of a few items over two decades). */
const FLAT = 0.1;

const extract = extractEntities as unknown as Extractor;

type Bench = Awaited<ReturnType<typeof startBenchSandbox>>;

interface RouteRun {
  path: string;
  count: boolean;
  served: boolean;
  status?: number;
  ms: number[];
  itemsRead: number[];
  itemsReturned: number[];
  calls: number[];
  units: number[];
  scans: number;
}

interface SizeRun {
  scale: number;
  articles: number;
  entities: number;
  routes: RouteRun[];
}

async function readsOf(edgeUrl: string): Promise<ReadTotals> {
  const res = await onFreshConnection(`read totals on ${edgeUrl}`, () => fetch(`${edgeUrl}/_sandbox/reads`));
  if (res.status !== 200)
    throw new Error(`/_sandbox/reads answered ${res.status}: the sandbox edge has no read totals`);
  return (await res.json()) as ReadTotals;
}

/** Waits for the sandbox to drain, however long (the edge answers one long-poll for at most 5 minutes). */
async function waitIdle(sb: Bench, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    try {
      await sb.idle(Math.min(300_000, Math.max(1_000, deadline - Date.now())));
      return;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
  }
}

const hottest = (r: HotKeyReport, kind: 'write' | 'read') => {
  const k = kind === 'write' ? r.hottestWrites[0] : r.hottestReads[0];
  return k
    ? { partition: k.partition, rate: kind === 'write' ? k.peakWritesPerSecond : k.peakReadsPerSecond }
    : undefined;
};

export const scaleSuite: Suite = {
  name: 'scale',
  title:
    'Scale: 1×/10×/100× articles and list entities through S3 → queue → handlers; route cost, items read, hot keys',
  async run(ctx: SuiteContext) {
    const sizes = ctx.sizes ?? (ctx.quick ? [1, 10] : [1, 10, 100]);
    const requests = ctx.quick ? 15 : 25;
    const set = loadOfacSet();
    const names = await newsNames(set);
    ctx.log(
      `  sizes ${sizes.map((s) => `${s}×`).join(', ')}; list from ${set.dir.replace(/^.*\/(shared|test)\//, '$1/')} (${set.sdn.length} real entries), ${names.length} of its names used in the articles; ${requests} requests per route`,
    );
    const runs: SizeRun[] = [];
    // The one-entity list changes write a whole new version of the list each (and the worst relinks about every
    // stored article, issue 17.4): in a quick pass they run at the first size only.
    // A size that fails (a sandbox that dies, an upload refused) is noted and the next one still runs: a long pass
    // keeps what it measured.
    for (const [i, scale] of sizes.entries()) {
      try {
        runs.push(await runSize(ctx, scale, set, names, requests, { listChange: !ctx.quick || i === 0 }));
      } catch (err) {
        ctx.notes.push(`scale ${scale}×: failed: ${(err as Error).message}`);
        ctx.log(`  ✗ ${scale}× failed: ${(err as Error).stack ?? String(err)}`);
      }
    }
    if (!runs.length) throw new Error('every size failed');
    if (ctx.quick && sizes.length > 1)
      ctx.notes.push(`scale: quick pass: the one-entity list change measured at ${sizes[0]}× only.`);
    growth(ctx, runs);
  },
};

/**
 * Whether a size's sandbox keeps DynamoDB Local's tables on disk (`BENCH_SCALE_STORE=disk|memory`; by default from
 * 100× on). In memory, DynamoDB Local's process held 1.7 GB resident at 1× and 8.7 GB at 10× (2026-12-03): about
 * 0.8 GB per 1×, so some 80 GB at 100×, past what a 24 GB machine has. On disk it is slower per call, which the
 * store baseline of each size shows beside the routes.
 */
export function storeOnDisk(scale: number, env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.BENCH_SCALE_STORE;
  if (v === 'disk') return true;
  if (v === 'memory') return false;
  if (v !== undefined && v !== '') throw new Error(`BENCH_SCALE_STORE is "${v}": use disk or memory`);
  return scale >= 100;
}

async function runSize(
  ctx: SuiteContext,
  scale: number,
  set: OfacSet,
  names: readonly NewsName[],
  requests: number,
  opts: { listChange: boolean },
): Promise<SizeRun> {
  const wantArticles = BASE_ARTICLES * scale;
  const wantEntities = BASE_ENTITIES * scale;
  const dir = join(ctx.tmpDir, `scale-${scale}`);
  mkdirSync(dir, { recursive: true });
  const label = `${scale}×`;
  // QUERY_CACHE_MS=0: the answer cache is gone (issue 17.3); should one come back, the benchmark still measures misses.
  const onDisk = storeOnDisk(scale);
  if (onDisk)
    ctx.notes.push(
      `scale ${label}: DynamoDB Local kept its tables on disk (BENCH_SCALE_STORE, default from 100×): compare this size with others through the store baseline, not in milliseconds.`,
    );
  const sb = await startBenchSandbox({
    env: { QUERY_CACHE_MS: '0', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    ...(onDisk ? { dataDir: join(dir, 'data') } : {}),
  });
  try {
    // 1. The list: its parts first (each waits for its primary file in the folder), then sdn.csv, which builds the
    // version from all three. The parts are in before sdn.csv is sent, so the time is the version's build alone.
    const list = writeOfacSet(set, wantEntities, dir);
    await sb.upload('sanctions/scale/add.csv', list.add);
    await sb.upload('sanctions/scale/alt.csv', list.alt);
    await waitIdle(sb, 600_000);
    await sandboxHotKeys(sb.edgeUrl, { reset: true });
    const tList = Date.now();
    await sb.upload('sanctions/scale/sdn.csv', list.sdn);
    await waitIdle(sb, 3 * 3600_000);
    const listS = (Date.now() - tList) / 1000;
    const listHot = await sandboxHotKeys(sb.edgeUrl, { limit: 5 });
    const st = await sb.get<{ status: string; records?: { written: number }; error?: string }>(
      `/ingests/${encodeURIComponent('sanctions/scale/sdn.csv')}`,
    );
    if (st.body.status !== 'done')
      throw new Error(`list ingest at ${label} ended ${st.body.status}: ${st.body.error ?? ''}`);
    const entities = st.body.records?.written ?? list.entities;
    for (const f of [list.sdn, list.add, list.alt]) rmSync(f);
    ctx.log(`  ${label}: list of ${entities} entities in ${listS.toFixed(1)} s (${(entities / listS).toFixed(0)}/s)`);

    // 2. The articles: NDJSON files of 100, uploaded a few at a time (uploads outrun ingest; the queues hold the rest).
    await sandboxHotKeys(sb.edgeUrl, { reset: true });
    const files = Math.ceil(wantArticles / ARTICLES_PER_FILE);
    const tArticles = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < files) {
          const b = next++;
          const file = join(dir, `batch-${b}.ndjson`);
          const batch = articleBatch(names, b, ARTICLES_PER_FILE, wantArticles);
          writeFileSync(file, `${batch.map((a) => JSON.stringify(a)).join('\n')}\n`);
          await sb.upload(`articles/scale/batch-${String(b).padStart(5, '0')}.ndjson`, file);
          rmSync(file);
        }
      }),
    );
    await waitIdle(sb, 6 * 3600_000);
    const articlesS = (Date.now() - tArticles) / 1000;
    const articleHot = await sandboxHotKeys(sb.edgeUrl, { limit: 5 });
    const articles = await countArticles(ctx, sb, label);
    if (articles < wantArticles)
      ctx.notes.push(
        `scale ${label}: ${articles} of ${wantArticles} articles counted from /ingests once the sandbox was idle (the rest still processing or retried past the function timeout): rates use the counted number.`,
      );
    ctx.log(
      `  ${label}: ${articles} articles in ${articlesS.toFixed(1)} s (${(articles / articlesS).toFixed(1)}/s end to end), ${((articleHot.totals?.writeUnits ?? 0) / articles).toFixed(1)} WCU per article; list ${((listHot.totals?.writeUnits ?? 0) / entities).toFixed(2)} WCU per entity`,
    );

    // 3. Baselines in the same run: extraction + linking alone (one core, the index the sandbox built), and the raw
    // BatchWriteItem ceiling of this store.
    const alone = await extractAndLinkAlone(sb, names, wantArticles, ctx.quick ? 100 : 200, ctx.quick ? 1 : 2);
    const item = { list: 'us-ofac-sdn', type: 'organization', name: 'BENCH CEILING ITEM', countries: ['CU'] };
    // The ceiling in write units too (the edge meters it as it meters the ingest), reset before it.
    const ceilingOf = async (sample: Record<string, unknown>) => {
      await sandboxHotKeys(sb.edgeUrl, { reset: true });
      const c = await runChild<{ seconds: number; written: number }>({
        mode: 'ceiling',
        edgePort: sb.edgePort,
        items: Math.min(entities, ctx.quick ? 10_000 : 20_000),
        parallel: 16,
        sample,
      });
      return { ...c, units: (await sandboxHotKeys(sb.edgeUrl, { limit: 1 })).totals?.writeUnits ?? 0 };
    };
    const ceiling = await ceilingOf(item);
    const ceilingRate = ceiling.written / ceiling.seconds;
    const ceilingUnits = ceiling.units;
    // And with items shaped like the read model's entity rows (82 % of an article's write units): each is also written
    // to the three row indexes, 4 write units, which DynamoDB Local takes far faster than four plain items.
    const rowCeiling = await ceilingOf({
      ...item,
      erpk: 'ER#bench',
      erm: 3,
      era: 2,
      gsi1pk: 'ER#bench',
      gsi1sk: 'bench ceiling item',
    });
    const rowCeilingUnits = rowCeiling.units;

    const params = { size: label, articles, entities, route: '' };
    const fl = figureOf({
      suite: 'scale',
      name: 'list ingest end to end (upload → idle)',
      unit: 'entities/s',
      better: 'higher',
      params,
      runs: [entities / listS],
      baselineRuns: { name: `BatchWriteItem ceiling (16 in flight, ${ceiling.written} items)`, runs: [ceilingRate] },
    });
    if (fl.ratio !== undefined) fl.goal = { text: '≥ 70 % of the BatchWrite ceiling', met: fl.ratio >= 0.7 };
    ctx.figures.push(fl);
    // Entities/s against items/s compares unlike things once an entity is several items (its index copy, aliases,
    // digest share, change items, resolution's buckets): the same ingest in write units a second, against the
    // ceiling's, says how much of the store's write rate the ingest uses, whatever it writes per entity.
    // One write-rate figure against a ceiling's, in write units a second.
    const writeRate = (name: string, writeUnits: number, seconds: number, of: 'plain items' | 'entity rows') => {
      const [c, units] = of === 'plain items' ? [ceiling, ceilingUnits] : [rowCeiling, rowCeilingUnits];
      return figureOf({
        suite: 'scale',
        name,
        unit: 'WCU/s',
        better: 'higher',
        params,
        runs: [writeUnits / seconds],
        baselineRuns: {
          name: `BatchWriteItem ceiling in write units, ${of} (${(units / c.written).toFixed(1)} WCU per item)`,
          runs: [units / c.seconds],
        },
      });
    };
    if (listHot.totals && ceilingUnits > 0)
      ctx.figures.push(
        writeRate(
          'list ingest end to end, write rate (upload → idle; every write unit of the ingest and what follows it)',
          listHot.totals.writeUnits,
          listS,
          'plain items',
        ),
      );
    const fa = figureOf({
      suite: 'scale',
      name: 'article ingest end to end (upload → idle)',
      unit: 'articles/s',
      better: 'higher',
      params,
      runs: [articles / articlesS],
      baselineRuns: { name: 'extract + link alone, one core', runs: alone },
    });
    fa.goal = {
      text: '≥ 300 articles/s and ≥ 30 % of extract + link alone',
      met: fa.summary.median >= 300 && (fa.ratio ?? 0) >= 0.3,
    };
    ctx.figures.push(fa);
    // The same for articles, against the ceiling of row-shaped items (most of what an article writes): how much of the
    // store's write rate the article path uses. Well under it, the pace is set elsewhere (the one stream shard's
    // aggregator, working through its batches one after another).
    if (articleHot.totals && rowCeilingUnits > 0)
      ctx.figures.push(
        writeRate(
          'article ingest end to end, write rate (upload → idle; the article function and the aggregator)',
          articleHot.totals.writeUnits,
          articlesS,
          'entity rows',
        ),
      );
    // What each entity and each article costs in DynamoDB units (table and index partitions, as AWS bills them; the
    // article figure includes the stream aggregator's merged counter writes): the inputs of the README's AWS costs.
    for (const [what, report, n] of [
      ['entity (list ingest)', listHot, entities],
      ['article (ingest + aggregation)', articleHot, articles],
    ] as const) {
      if (!report.totals || !n) continue;
      for (const [kind, units] of [
        ['write', report.totals.writeUnits],
        ['read', report.totals.readUnits],
      ] as const)
        ctx.figures.push(
          figureOf({
            suite: 'scale',
            name: `DynamoDB ${kind} units per ${what}`,
            unit: kind === 'write' ? 'WCU' : 'RCU',
            better: 'lower',
            params,
            runs: [units / n],
          }),
        );
    }
    for (const [phase, report] of [
      ['list ingest', listHot],
      ['article ingest', articleHot],
    ] as const) {
      const w = hottest(report, 'write');
      if (!w) continue;
      const f = figureOf({
        suite: 'scale',
        name: `hottest partition, writes during ${phase}`,
        unit: 'WCU/s',
        better: 'lower',
        params,
        runs: [w.rate],
      });
      f.note = w.partition;
      f.goal = { text: `≤ ${WRITE_LIMIT} WCU/s per partition (AWS)`, met: w.rate <= WRITE_LIMIT };
      ctx.figures.push(f);
      for (const k of report.wouldThrottle)
        ctx.notes.push(`scale ${label} ${phase}: ${k.partition} ${k.reason} (peak in one second)`);
    }

    // 4. The routes, one request at a time to a quiet sandbox.
    const routes = await measureRoutes(ctx, sb, {
      label,
      requests,
      budgetS: ctx.quick ? 45 : 180,
      articles,
      entities,
    });
    if (!opts.listChange) return { scale, articles, entities, routes };

    // 5. One-entity list changes (issue 17.4). The relink is proportional: only the article objects posted under a
    // name key the change touched are linked again. What one costs then depends on which entity: measured for a
    // typical change (the entity of the news names that the fewest articles name) and the worst (the one named most:
    // with 100 articles a file, it is in nearly every file, so that pass relinks about the whole corpus). The second
    // version drops both, so it differs from the first by the most-named entity alone.
    const freq = namedIn(names, wantArticles);
    const typical = [...freq].filter(([, n]) => n.articles > 0).sort((a, b) => a[1].articles - b[1].articles)[0]!;
    const worst = [...freq].sort((a, b) => b[1].articles - a[1].articles)[0]!;
    const changes = [
      { what: 'typical', entity: typical, drop: [typical[0]] },
      { what: 'worst', entity: worst, drop: [typical[0], worst[0]] },
    ];
    for (const c of changes) {
      const name = names.find((n) => n.sourceId === c.entity[0])!.name;
      const changed = writeOfacSet(set, wantEntities, dir, { drop: c.drop });
      await sandboxHotKeys(sb.edgeUrl, { reset: true });
      const tChange = Date.now();
      await sb.upload('sanctions/scale/sdn.csv', changed.sdn);
      await waitIdle(sb, 3 * 3600_000);
      const changeS = (Date.now() - tChange) / 1000;
      const changeHot = await sandboxHotKeys(sb.edgeUrl, { limit: 5 });
      for (const f of [changed.sdn, changed.add, changed.alt]) rmSync(f);
      const after = await sb.get<{ status: string; error?: string }>(
        `/ingests/${encodeURIComponent('sanctions/scale/sdn.csv')}`,
      );
      // What the pass did, from the mark it leaves (shared/ingest/relink.ts): mode, objects found and relinked, time.
      const mark = await relinkMark(sb.edgeUrl);
      const cparams = { ...params, change: c.what };
      const about = `"${name}" removed (named in ${c.entity[1].articles} of ${articles} articles, ${c.entity[1].objects} of ${files} files); pass ${mark.mode ?? 'all'}${mark.reason ? ` (${mark.reason})` : ''}, ${mark.changedKeys ?? '?'} name keys changed (${(mark.someChangedKeys ?? []).map((k) => `"${k}"`).join(', ')}), ${mark.relinked ?? '?'} of ${mark.objects ?? '?'} objects found relinked; ingest ${after.body.status}${after.body.error ? `: ${after.body.error}` : ''}`;
      const fr = figureOf({
        suite: 'scale',
        name: `one-entity list change (${c.what}): relink pass`,
        unit: 's',
        better: 'lower',
        params: cparams,
        runs: [(mark.ms ?? Number.NaN) / 1000],
      });
      fr.note = about;
      if (c.what === 'typical' && articles >= 100 * BASE_ARTICLES)
        fr.goal = {
          text: 'a typical one-entity change relinks in < 1 s at 100,000 articles',
          met: (mark.ms ?? 1e9) < 1000,
        };
      ctx.figures.push(fr);
      ctx.figures.push(
        figureOf({
          suite: 'scale',
          name: `one-entity list change (${c.what}): article objects relinked`,
          unit: 'objects',
          better: 'lower',
          params: cparams,
          runs: [mark.relinked ?? Number.NaN],
        }),
      );
      const fc = figureOf({
        suite: 'scale',
        name: `one-entity list change (${c.what}), upload → idle (new version written, articles relinked)`,
        unit: 's',
        better: 'lower',
        params: cparams,
        runs: [changeS],
        baselineRuns: { name: 'first list ingest', runs: [listS] },
      });
      fc.note = 'includes writing the new version of every entity of the list, its change set and the aggregation';
      ctx.figures.push(fc);
      if (changeHot.totals) {
        // What the change wrote beyond the new version itself (one write unit per entity, as the list ingest measured):
        // the relinking, per article stored.
        const relinkUnits = Math.max(0, changeHot.totals.writeUnits - (listHot.totals?.writeUnits ?? 0));
        ctx.figures.push(
          figureOf({
            suite: 'scale',
            name: `DynamoDB write units of the one-entity change (${c.what}) beyond the new version, per stored article`,
            unit: 'WCU',
            better: 'lower',
            params: cparams,
            runs: [relinkUnits / articles],
          }),
        );
      }
      ctx.log(
        `  ${label}: one-entity change (${c.what}) in ${changeS.toFixed(1)} s (first ingest ${listS.toFixed(1)} s), relink ${((mark.ms ?? Number.NaN) / 1000).toFixed(1)} s: ${about}`,
      );
    }
    return { scale, articles, entities, routes };
  } catch (err) {
    // What the sandbox said last (a crash, a refused call) is often the why of a failed size.
    const tail = sb.output().trimEnd().split('\n').slice(-20);
    ctx.log(
      `  ${label}: the sandbox's last ${tail.length} lines of output:\n${tail.map((l) => `    ${l}`).join('\n')}`,
    );
    throw err;
  } finally {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * How many articles and files of the corpus name each news name (the corpus is generated: the same call gives the same
 * articles). A name is in an article when its text holds it as the templates write it.
 */
function namedIn(names: readonly NewsName[], total: number): Map<string, { articles: number; objects: number }> {
  const out = new Map<string, { articles: number; objects: number }>(
    names.map((n) => [n.sourceId, { articles: 0, objects: 0 }]),
  );
  for (let b = 0; b * ARTICLES_PER_FILE < total; b++) {
    const inFile = new Set<string>();
    for (const a of articleBatch(names, b, ARTICLES_PER_FILE, total))
      for (const n of names)
        if (a.text.includes(n.name)) {
          out.get(n.sourceId)!.articles++;
          inFile.add(n.sourceId);
        }
    for (const id of inFile) out.get(id)!.objects++;
  }
  return out;
}

/** The relink pass's mark (RELINK / DONE), read through the sandbox edge. */
async function relinkMark(edgeUrl: string): Promise<{
  mode?: string;
  reason?: string;
  ms?: number;
  objects?: number;
  relinked?: number;
  changedKeys?: number;
  someChangedKeys?: string[];
}> {
  const ddb = makeDynamoClient(edgeUrl);
  try {
    const r = await ddb.send(
      new GetItemCommand({ TableName: TABLE_NAME, Key: marshall(RELINK_MARK_KEY), ConsistentRead: true }),
    );
    return r.Item ? unmarshall(r.Item) : {};
  } finally {
    ddb.destroy();
  }
}

/** p50 and p99 of `requests` sequential Queries of 20 items (after two warm-ups) on the store, through the edge. */
async function storeCallMs(edgeUrl: string, requests: number): Promise<{ p50: number; p99: number }> {
  const ddb = makeDynamoClient(edgeUrl);
  try {
    const ptr = await ddb.send(
      new GetItemCommand({ TableName: TABLE_NAME, Key: marshall(listPointerKey('us-ofac-sdn')), ConsistentRead: true }),
    );
    const version = ptr.Item ? String(unmarshall(ptr.Item).version) : 'none';
    const query = new QueryCommand({
      TableName: TABLE_NAME,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: marshall({ ':pk': listedEntityPartition('us-ofac-sdn', version, 0) }),
      Limit: 20,
    });
    const ms: number[] = [];
    for (let i = 0; i < requests + 2; i++) {
      const t = performance.now();
      const r = await ddb.send(query);
      if (i >= 2) ms.push(performance.now() - t);
      if (!r.Items?.length) throw new Error(`store baseline: no entity of us-ofac-sdn version ${version} to read`);
    }
    const sorted = ms.sort((a, b) => a - b);
    return { p50: quantileOf(sorted, 0.5), p99: quantileOf(sorted, 0.99) };
  } finally {
    ddb.destroy();
  }
}

/** Articles stored, from the ingest records (each file's `written`), paged. */
async function countArticles(ctx: SuiteContext, sb: Bench, label: string): Promise<number> {
  type Ingest = { key: string; status: string; list?: string; records: { written: number } };
  let n = 0;
  const statuses = new Map<string, number>();
  let cursor: string | null | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await sb.get<{ items?: Ingest[]; nextCursor?: string | null }>(
      `/ingests?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`/ingests answered ${page.status}: ${JSON.stringify(page.body)}`);
    for (const it of page.body.items ?? []) {
      if (!it.key.startsWith('articles/')) continue;
      statuses.set(it.status, (statuses.get(it.status) ?? 0) + 1);
      // `unchanged`: a redelivered event found the file ingested already; its articles are in.
      if (it.status === 'done') n += it.records.written;
      else if (it.status === 'unchanged') n += ARTICLES_PER_FILE;
    }
    cursor = page.body.nextCursor;
    if (!cursor) break;
  }
  const notDone = [...statuses].filter(([s]) => s !== 'done' && s !== 'unchanged');
  if (notDone.length)
    ctx.notes.push(`scale ${label}: article files by status: ${JSON.stringify(Object.fromEntries(statuses))}`);
  return n;
}

/** Articles per second of extraction and linking alone, on one core, with the name index the sandbox wrote. */
async function extractAndLinkAlone(
  sb: Bench,
  names: readonly NewsName[],
  total: number,
  sample: number,
  reps: number,
): Promise<number[]> {
  const obj = await sb.s3.send(new GetObjectCommand({ Bucket: BUCKET_NAME, Key: NAME_INDEX_KEY }));
  const index = JSON.parse(gunzipSync(await obj.Body!.transformToByteArray()).toString('utf8')) as NameIndex;
  const matcher = new NameMatcher(index);
  const raws = [];
  for (let b = 0; raws.length < sample; b++)
    raws.push(
      ...articleBatch(names, b, ARTICLES_PER_FILE, total).map((a) => ({
        title: a.title,
        body: a.text,
        publishedAt: a.published,
      })),
    );
  const some = raws.slice(0, sample);
  const all = async () => {
    for (const [i, raw] of some.entries()) analyseArticle(`articles/scale/alone.ndjson`, i, raw, extract, matcher);
  };
  await all(); // JIT warm-up
  const out: number[] = [];
  for (let r = 0; r < reps + 2; r++) out.push(some.length / (await secondsPerCall(all, 0.5)).seconds);
  return out;
}

/** A path without its query, its parameters as `{}`: `/entities/{entity}?x` and `/entities/{id}` are one route. */
const templateOf = (path: string) => path.split('?')[0]!.replace(/\{[^}]*\}/g, '{}');

async function measureRoutes(
  ctx: SuiteContext,
  sb: Bench,
  o: { label: string; requests: number; budgetS: number; articles: number; entities: number },
): Promise<RouteRun[]> {
  // The placeholders, from the data loaded.
  const top = await sb.get<{ items?: { id: string; name: string }[] }>('/counts/entities?listed=true&limit=1');
  const topCountry = await sb.get<{ items?: { country: string }[] }>('/counts/countries?sort=-articles&limit=1');
  const entity = top.body.items?.[0];
  const values: Record<string, string> = {
    entity: entity?.id ?? 'none',
    prefix: (entity?.name ?? 'Ban').slice(0, 3),
    country: topCountry.body.items?.[0]?.country ?? 'CU',
    ...MONTH,
    ...RANGE,
  };
  const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(values[k] ?? k));
  const openapi = await sb.get<{ paths?: Record<string, unknown> }>('/openapi.json');
  const served = new Set(Object.keys(openapi.body.paths ?? {}).map(templateOf));
  // The baseline of every route's latency, in the same run at the same size: one Query of 20 stored items (a list
  // version's entity shard), from here through the edge to DynamoDB Local, as the query function's calls go. A route's
  // multiple of it says what our code costs; its milliseconds move with the machine and with DynamoDB Local.
  const store = await storeCallMs(sb.edgeUrl, o.requests);
  const baselineRuns = { name: 'one Query of 20 items, SDK → edge → DynamoDB Local (p50)', runs: [store.p50] };
  ctx.log(
    `  ${o.label} store baseline: one Query of 20 items p50 ${store.p50.toFixed(1)} ms, p99 ${store.p99.toFixed(1)} ms`,
  );
  await sandboxHotKeys(sb.edgeUrl, { reset: true });
  const out: RouteRun[] = [];
  for (const r of SCALE_ROUTES) {
    const path = fill(r.path);
    const run: RouteRun = {
      path: r.path,
      count: r.count,
      served: true,
      ms: [],
      itemsRead: [],
      itemsReturned: [],
      calls: [],
      units: [],
      scans: 0,
    };
    out.push(run);
    // Warm-up: the first request of a route pays for module paths and DynamoDB Local's JIT.
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${sb.queryUrl}${path}`);
      await res.arrayBuffer();
      run.status = res.status;
    }
    // A route the router does not have yet answers 404 and is missing from the OpenAPI document (an unknown
    // entity's 404 is an answer of a route that exists).
    if (run.status === 404 && !served.has(templateOf(r.path))) {
      run.served = false;
      continue;
    }
    // A time budget per route: a route whose answer takes seconds (reading whole dimensions) would otherwise hold a
    // pass for many minutes to learn what its first three requests already show. At least three are made.
    const t0 = performance.now();
    for (let i = 0; i < o.requests && (i < 3 || performance.now() - t0 < o.budgetS * 1000); i++) {
      const before = await readsOf(sb.edgeUrl);
      const t = performance.now();
      const res = await fetch(`${sb.queryUrl}${path}`);
      await res.arrayBuffer();
      const ms = performance.now() - t;
      const after = await readsOf(sb.edgeUrl);
      run.status = res.status;
      run.ms.push(ms);
      run.itemsRead.push(after.itemsRead - before.itemsRead);
      run.itemsReturned.push(after.itemsReturned - before.itemsReturned);
      run.calls.push(after.calls - before.calls);
      run.units.push(after.readUnits - before.readUnits);
      run.scans += after.scans - before.scans;
    }
    const sorted = [...run.ms].sort((a, b) => a - b);
    const p50 = quantileOf(sorted, 0.5);
    const p99 = quantileOf(sorted, 0.99);
    const params = { size: o.label, articles: o.articles, entities: o.entities, route: r.path };
    const status = run.status === 200 ? '' : `answered ${run.status}`;
    const f50 = figureOf({
      suite: 'scale',
      name: 'p50',
      unit: 'ms',
      better: 'lower',
      params,
      runs: [p50],
      baselineRuns,
    });
    const f99 = figureOf({ suite: 'scale', name: 'p99', unit: 'ms', better: 'lower', params, runs: [p99] });
    f99.note = [
      run.ms.length < o.requests
        ? `${run.ms.length} of ${o.requests} sequential requests (time budget ${o.budgetS} s)`
        : `${o.requests} sequential requests`,
      status,
    ]
      .filter(Boolean)
      .join('; ');
    // The issue's goal is at 100× (100,000 articles, 1,000,000 entities); smaller sizes are the way there.
    if (r.count && o.articles >= 100 * BASE_ARTICLES) f99.goal = { text: 'p99 ≤ 25 ms at 100×', met: p99 <= 25 };
    const items = figureOf({
      suite: 'scale',
      name: 'DynamoDB items read per request',
      unit: 'items',
      better: 'lower',
      params,
      runs: run.itemsRead,
    });
    const medianOf = (xs: number[]) =>
      quantileOf(
        [...xs].sort((a, b) => a - b),
        0.5,
      );
    items.note = [
      `${medianOf(run.calls)} calls, ${medianOf(run.itemsReturned)} items returned, ${medianOf(run.units).toFixed(1)} RCU`,
      run.scans ? `${run.scans} scans` : '',
    ]
      .filter(Boolean)
      .join('; ');
    ctx.figures.push(f50, f99, items);
    ctx.log(
      `  ${o.label} ${path}: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${medianOf(run.itemsRead)} items read (${items.note})${status ? `; ${status}` : ''}`,
    );
  }
  const notServed = out.filter((r) => !r.served).map((r) => r.path);
  if (notServed.length) ctx.notes.push(`scale ${o.label}: not served yet (404), not measured: ${notServed.join(', ')}`);
  const hot = await sandboxHotKeys(sb.edgeUrl, { limit: 5 });
  const rd = hottest(hot, 'read');
  if (rd) {
    const f = figureOf({
      suite: 'scale',
      name: 'hottest partition, reads during the route requests',
      unit: 'RCU/s',
      better: 'lower',
      params: { size: o.label, articles: o.articles, entities: o.entities, route: '' },
      runs: [rd.rate],
    });
    f.note = `${rd.partition}; one request at a time: a load of N concurrent requests multiplies it`;
    f.goal = { text: `≤ ${READ_LIMIT} RCU/s per partition (AWS)`, met: rd.rate <= READ_LIMIT };
    ctx.figures.push(f);
  }
  for (const k of hot.wouldThrottle) ctx.notes.push(`scale ${o.label} routes: ${k.partition} ${k.reason}`);
  return out;
}

/** How each route's cost grows with the corpus: the slope of log(cost) against log(articles). */
function growth(ctx: SuiteContext, runs: SizeRun[]): void {
  if (runs.length < 2) {
    ctx.notes.push('scale: one size only, so no growth exponent (run with --sizes 1,10 or more).');
    return;
  }
  const median = (xs: number[]) =>
    xs.length
      ? quantileOf(
          [...xs].sort((a, b) => a - b),
          0.5,
        )
      : 0;
  const slope = (pts: { size: number; cost: number }[]) =>
    // scalingExponentOf fits time ∝ size^b from (size, throughput = size / time): time is the cost here.
    scalingExponentOf(pts.filter((p) => p.cost > 0).map((p) => ({ size: p.size, throughput: p.size / p.cost })));
  const sizes = runs.map((r) => `${r.scale}×`).join(', ');
  for (const route of SCALE_ROUTES) {
    const at = runs.map((r) => ({ articles: r.articles, run: r.routes.find((x) => x.path === route.path) }));
    if (at.some((a) => !a.run?.served || !a.run.ms.length)) continue;
    for (const [what, unit, cost] of [
      ['items read', 'b', (x: RouteRun) => median(x.itemsRead)],
      ['p50 latency', 'b', (x: RouteRun) => median(x.ms)],
    ] as const) {
      const pts = at.map((a) => ({ size: a.articles, cost: cost(a.run!) }));
      const b = slope(pts);
      if (b === undefined) continue;
      const f = figureOf({
        suite: 'scale',
        name: `growth exponent of ${what} (cost ∝ size^b)`,
        unit,
        better: 'lower',
        params: { size: sizes, articles: pts.map((p) => p.size).join('/'), entities: '', route: route.path },
        runs: [b],
      });
      f.note = pts.map((p) => (what === 'items read' ? String(p.cost) : `${p.cost.toFixed(1)} ms`)).join(' → ');
      f.goal = { text: `≈ 0 (flat: b ≤ ${FLAT})`, met: b <= FLAT };
      ctx.figures.push(f);
    }
  }
}
