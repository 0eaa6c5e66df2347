/**
 * What relinking one article object costs after a one-entity list change (issue 17.4), in write units and seconds:
 * the adjustment in place (one part holding the difference, only the articles whose links changed) against the full
 * rewrite of the object (a fresh generation: every part, article, reference and name posting written, the old ones
 * removed), on the same content in the same run. The corpus is the scale benchmark's (real OFAC SDN records as the
 * list, our own generated news naming them, NDJSON files of `--per-file` articles), loaded through the use cases into
 * DynamoDB Local with the stream aggregator on the table's real stream; every write metered from its request body as
 * the sandbox edge meters it (test/helpers/write-meter.ts). The full rewrite is forced by marking the object's state
 * as carrying more adjustments than it may (a compaction is what the full path then does, the path every relink took
 * before adjustments).
 *
 *   npx tsx scripts/measure-relink-cost.ts [--per-file 100] [--files 3]
 *
 * Prints, per change (the entity of the file named least, then the one named most), WCU and seconds of each way:
 * the relink itself, and the aggregation of what it wrote.
 */
import { parseArgs } from 'node:util';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { articleBatch, loadOfacSet, newsNames, ofacEntities } from '../bench/lib/scale-corpus.ts';
import type { NameIndexStore } from '../shared/adapters/name-index-store.ts';
import { analyseArticle, type Extractor } from '../shared/domain/article.ts';
import { parseArticles } from '../shared/domain/article-formats.ts';
import { extractEntities } from '../shared/domain/extract.ts';
import { objectStateKey } from '../shared/domain/keys.ts';
import { buildNameIndex, NameMatcher } from '../shared/domain/name-index.ts';
import { type ArticleDeps, reconcileArticleObject } from '../shared/ingest/articles.ts';
import { makeMemorySource } from '../test/helpers/memory-source.ts';
import { startMeteredStore } from './lib/metered-store.ts';
import { perArticle } from '../test/helpers/write-meter.ts';

const { values } = parseArgs({
  options: {
    'per-file': { type: 'string', default: '100' },
    files: { type: 'string', default: '3' },
  },
});
const PER_FILE = Number(values['per-file']);
const FILES = Number(values.files);
const TOTAL = PER_FILE * FILES;

const ref = (key: string, eventName = 'ObjectCreated:Put') => ({
  bucket: 'radar-ingest',
  key,
  eventName,
  eventTime: new Date().toISOString(),
});

const { ddb, meter, store, poller, stop } = await startMeteredStore();
try {
  const entities = await ofacEntities(loadOfacSet());
  const names = await newsNames(loadOfacSet());
  // The index as the article ingest loads it: a new etag per build, as the name index store gives.
  let current = { etag: 'build-0', matcher: new NameMatcher(buildNameIndex(entities)) };
  const index = { load: async () => current } as unknown as NameIndexStore;
  const s3 = makeMemorySource();
  const deps: ArticleDeps = {
    source: s3.source,
    store,
    extract: extractEntities,
    parse: parseArticles,
    maxBytes: 20 * 1024 * 1024,
    index,
  };

  // The corpus, and file 0 twice more: one copy relinked in place, the other rewritten whole.
  const batches = Array.from({ length: FILES }, (_, b) => articleBatch(names, b, PER_FILE, TOTAL));
  const ndjson = (b: number) => `${batches[b]!.map((a) => JSON.stringify(a)).join('\n')}\n`;
  const ADJUST = 'articles/measure/adjust.ndjson';
  const FULL = 'articles/measure/full.ndjson';
  for (let b = 1; b < FILES; b++) {
    const key = `articles/measure/batch-${b}.ndjson`;
    await s3.source.put(key, ndjson(b), 'application/x-ndjson');
    await reconcileArticleObject(ref(key), deps);
  }
  for (const key of [ADJUST, FULL]) {
    await s3.source.put(key, ndjson(0), 'application/x-ndjson');
    await reconcileArticleObject(ref(key), deps);
  }
  await poller.drain();

  // The listed entities file 0 names, by the number of its articles naming them.
  const freq = new Map<string, number>();
  const parsed = parseArticles(ndjson(0), ADJUST).articles;
  for (const [i, raw] of parsed.entries())
    for (const id of new Set(
      analyseArticle(ADJUST, i, raw, extractEntities as unknown as Extractor, current.matcher).mentions.flatMap((m) =>
        m.listed.map((l) => l.sourceId),
      ),
    ))
      freq.set(id, (freq.get(id) ?? 0) + 1);
  const byFreq = [...freq].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  const rare = byFreq[0]!;
  const common = byFreq[byFreq.length - 1]!;
  console.log(
    `${TOTAL} articles in ${FILES} files of ${PER_FILE}; ${entities.length} listed entities; file 0 names ` +
      `${freq.size} of them (fewest: ${rare[0]} in ${rare[1]}, most: ${common[0]} in ${common[1]} articles)`,
  );

  const rows: string[] = [];
  let dropped = new Set<string>();
  for (const [what, [id, n]] of [
    ['typical', rare],
    ['worst', common],
  ] as const) {
    // One entity removed from the list: a new build.
    dropped = new Set([...dropped, id]);
    current = {
      etag: `build-${dropped.size}`,
      matcher: new NameMatcher(buildNameIndex(entities.filter((e) => !dropped.has(e.sourceId)))),
    };
    for (const [way, key] of [
      ['full rewrite (before)', FULL],
      ['adjust in place (now)', ADJUST],
    ] as const) {
      if (key === FULL)
        // Marked as carrying more adjustments than it may: this relink then compacts, i.e. rewrites it whole.
        await ddb.send(
          new UpdateItemCommand({
            TableName: 'radar',
            Key: marshall(objectStateKey(key)),
            // Every part counted as an adjustment: past any bound (MAX_ADJUSTMENTS, or the base's part count).
            UpdateExpression: 'SET #a = #p',
            ExpressionAttributeNames: { '#a': 'adjustments', '#p': 'parts' },
          }),
        );
      await poller.drain();
      meter.reset();
      const t0 = performance.now();
      const r = await reconcileArticleObject(ref(key, 'Relink'), deps);
      const t1 = performance.now();
      const relinkUnits = meter.tally.units;
      const byKind = perArticle(meter.tally, 1)
        .slice(0, 6)
        .map((k) => `${k.kind} ${k.wcu.toFixed(0)}`)
        .join(', ');
      await poller.drain();
      const t2 = performance.now();
      const state = await store.readObject(key);
      const row =
        `| ${what}: ${id} (in ${n} of ${PER_FILE}) | ${way} | ${r.status} | ${relinkUnits.toFixed(0)} | ` +
        `${(meter.tally.units - relinkUnits).toFixed(0)} | ${((t1 - t0) / 1000).toFixed(2)} | ` +
        `${((t2 - t1) / 1000).toFixed(2)} | ${state?.parts} (${state?.adjustments ?? 0} adj.) | ${byKind} |`;
      console.log(row);
      rows.push(row);
    }
    // Both copies hold the same content linked against the same index: their parts must sum to the same cells.
    const sum = async (key: string) => {
      const c: Record<string, number[]> = {};
      for (const p of await store.readParts(key))
        for (const [cell, [a, m]] of Object.entries(p.cells)) {
          const x = (c[cell] ??= [0, 0]);
          x[0]! += a;
          x[1]! += m;
        }
      return JSON.stringify(
        Object.entries(c)
          .filter(([, [a, m]]) => a || m)
          .sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    };
    if ((await sum(ADJUST)) !== (await sum(FULL))) throw new Error('the two copies disagree after the relink');
  }
  console.log(
    '\n| change | way | status | WCU relink | WCU aggregation | s relink | s aggregation | parts | relink WCU by kind |',
  );
  console.log('|---|---|---|---:|---:|---:|---:|---|---|');
  for (const r of rows) console.log(r);
} finally {
  await stop();
}
