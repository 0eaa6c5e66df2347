/**
 * Where an article's DynamoDB write units go, by item kind (issue 17.1): the scale benchmark's corpus (real OFAC SDN
 * records as the list, our own generated news naming them, NDJSON files of `--per-file` articles) loaded through
 * the use cases (list ingest, article ingest with linking, the stream aggregator on the table's real stream) into
 * DynamoDB Local, every write metered from its request body as the sandbox edge meters it.
 *
 *   npx tsx scripts/measure-write-cost.ts [--articles 100] [--per-file 100] [--entities 7379] [--detail] [--profile]
 *
 * Prints WCU and items written per article, by kind (pk prefix; sort-key prefix inside an object's partition), and the
 * partitions written most (units per article: at R articles/s a partition takes R × that many units a second).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { articleBatch, loadOfacSet, newsNames, writeOfacSet } from '../bench/lib/scale-corpus.ts';
import { reconcileArticleObject } from '../shared/ingest/articles.ts';
import { reconcileSanctionsObject } from '../shared/ingest/sanctions.ts';
import { makeMemorySource } from '../test/helpers/memory-source.ts';
import { corpusArticleDeps, corpusSanctionsDeps } from '../test/helpers/read-corpus.ts';
import { startMeteredStore } from './lib/metered-store.ts';
import { perArticle, perArticleByFamily } from '../test/helpers/write-meter.ts';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '100' },
    'per-file': { type: 'string', default: '100' },
    entities: { type: 'string', default: '0' },
    top: { type: 'string', default: '12' },
    detail: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const ARTICLES = Number(values.articles);
const PER_FILE = Number(values['per-file']);

const ref = (key: string) => ({
  bucket: 'radar-ingest',
  key,
  eventName: 'ObjectCreated:Put',
  eventTime: new Date().toISOString(),
});

const { meter, store, poller, aggregatorTime, stop } = await startMeteredStore();
try {
  // The list, as the scale bench uploads it (sdn.csv last: it builds the version from the three).
  const set = loadOfacSet();
  const names = await newsNames(set);
  const dir = mkdtempSync(join(tmpdir(), 'write-cost-'));
  mkdirSync(dir, { recursive: true });
  const list = writeOfacSet(set, Number(values.entities) || set.sdn.length, dir);
  const s3 = makeMemorySource();
  for (const f of ['add', 'alt', 'sdn'] as const)
    await s3.source.put(`sanctions/scale/${f}.csv`, readFileSync(list[f]), 'text/csv');
  rmSync(dir, { recursive: true });
  const sanctions = corpusSanctionsDeps(s3.source, store);
  for (const f of ['add', 'alt', 'sdn'])
    await reconcileSanctionsObject(ref(`sanctions/scale/${f}.csv`), sanctions as never);
  await poller.drain();
  const corpus = await corpusArticleDeps(s3.source, store, 'measure-index');
  const { entities } = corpus;
  // With --profile, every store call the article function makes is timed (calls in flight together overlap).
  const fnTimes = new Map<string, { ms: number; calls: number }>();
  const deps = values.profile ? { ...corpus.deps, store: timedCalls(corpus.deps.store, fnTimes) } : corpus.deps;
  console.log(`list: ${entities} entities; ${names.length} names used in the articles`);

  // The articles, metered from here on.
  meter.reset();

  const files = Math.ceil(ARTICLES / PER_FILE);
  const t0 = Date.now();
  // Each file's parts aggregated before the next file (a batch per file: the event source may put several files'
  // parts in one batch, which costs less per article; one file a batch is the figure to compare across changes).
  let ingestUnits = 0;
  let functionMs = 0;
  for (let b = 0; b < files; b++) {
    const batch = articleBatch(names, b, PER_FILE, ARTICLES);
    const key = `articles/scale/batch-${String(b).padStart(5, '0')}.ndjson`;
    await s3.source.put(key, `${batch.map((a) => JSON.stringify(a)).join('\n')}\n`, 'application/x-ndjson');
    const before = meter.tally.units;
    const t = Date.now();
    await reconcileArticleObject(ref(key), deps);
    functionMs += Date.now() - t;
    ingestUnits += meter.tally.units - before;
    await poller.drain();
  }
  const s = (Date.now() - t0) / 1000;
  const n = files * PER_FILE;
  console.log(
    `\n${n} articles in ${files} file(s) of ${PER_FILE}: ${(meter.tally.units / n).toFixed(1)} WCU per article ` +
      `(ingest ${(ingestUnits / n).toFixed(1)}, aggregation ${((meter.tally.units - ingestUnits) / n).toFixed(1)}); ` +
      `${meter.tally.requests} write requests; ${s.toFixed(1)} s in process (the article function ` +
      `${(functionMs / 1000).toFixed(1)} s, the aggregator on the stream ${(s - functionMs / 1000).toFixed(1)} s)\n`,
  );
  const table = (rows: { kind: string; wcu: number; items: number }[]) => {
    console.log('| kind | WCU per article | items written per article | share |');
    console.log('|---|---:|---:|---:|');
    for (const r of rows)
      console.log(
        `| \`${r.kind}\` | ${r.wcu.toFixed(2)} | ${r.items.toFixed(2)} | ${((100 * r.wcu * n) / meter.tally.units).toFixed(1)} % |`,
      );
  };
  table(perArticleByFamily(meter.tally, n));
  if (values.detail) {
    console.log('');
    table(perArticle(meter.tally, n));
  }
  if (values.profile) {
    console.log('\nthe aggregator, by store call (the list ingest before the articles included):');
    console.log('| call | ms | calls | items |');
    console.log('|---|---:|---:|---:|');
    for (const t of aggregatorTime()) console.log(`| ${t.name} | ${t.ms.toFixed(0)} | ${t.calls} | ${t.n} |`);
    // The aggregator's transactions hold its counters, day rollups, listed-in-news counters and ledgers: on DynamoDB
    // Local their time is about their number of actions (it runs transactions one at a time).
    const actions = perArticleByFamily(meter.tally, n).filter((r) => /^(CNT#|CR$|LIN$|OBJ\/AGG$)/.test(r.kind));
    console.log(
      `\ntransaction actions per article: ${actions.reduce((a, r) => a + r.items, 0).toFixed(1)} (` +
        `${actions
          .sort((a, b) => b.items - a.items)
          .map((r) => `${r.kind} ${r.items.toFixed(2)}`)
          .join(', ')})`,
    );
    console.log('\nthe article function, by store call (summed: calls in flight together overlap):');
    console.log('| call | ms | calls |');
    console.log('|---|---:|---:|');
    for (const [name, t] of [...fnTimes].sort((a, b) => b[1].ms - a[1].ms))
      console.log(`| ${name} | ${t.ms.toFixed(0)} | ${t.calls} |`);
  }
  console.log('\nhottest partitions (WCU per article):');
  for (const [p, u] of [...meter.partitions].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
    console.log(`  ${p}: ${(u / n).toFixed(2)}`);
} finally {
  await stop();
}

/** The same object, each of its methods timed into `times` by name. */
function timedCalls<T extends object>(target: T, times: Map<string, { ms: number; calls: number }>): T {
  return new Proxy(target, {
    get(t, name, receiver) {
      const v = Reflect.get(t, name, receiver);
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return await v.apply(t, args);
        } finally {
          const e = times.get(String(name)) ?? { ms: 0, calls: 0 };
          times.set(String(name), { ms: e.ms + performance.now() - t0, calls: e.calls + 1 });
        }
      };
    },
  });
}
