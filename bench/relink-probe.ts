/**
 * Probe (issue 17.4): the scale suite's one-entity list change at a small corpus, with the sanctions function's logs
 * on, printing what the relink did (mode, reason, objects) for a rare and the most-named entity.
 *
 *   node --import tsx bench/relink-probe.ts [--articles 300] [--entities 15000] [--typical-only]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { articleBatch, loadOfacSet, newsNames, writeOfacSet } from './lib/scale-corpus.ts';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { RELINK_MARK_KEY } from '../shared/domain/keys.ts';
import { TABLE_NAME } from '../shared/resources.ts';
import { makeDynamoClient } from '../test/helpers/recount.ts';
import { RUNNING, startBenchSandbox } from './lib/sandbox.ts';

const { values: args } = parseArgs({
  options: {
    articles: { type: 'string', default: '300' },
    entities: { type: 'string', default: '15000' },
    'typical-only': { type: 'boolean', default: false },
  },
});

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const set = loadOfacSet();
  const names = await newsNames(set);
  const dir = join(tmpdir(), `relink-probe-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const nArticles = Number(args.articles);
  const nEntities = Number(args.entities);
  const sb = await startBenchSandbox({ env: { QUERY_CACHE_MS: '0', POWERTOOLS_LOG_LEVEL: 'INFO' } });
  // The sanctions function's log events about relinking, whole (the logger prints one JSON object over many lines).
  const relinkLines = (from: number) =>
    [
      ...sb
        .output()
        .slice(from)
        .matchAll(/\{\n[\s\S]*?\n\}/g),
    ]
      .map((m) => m[0])
      .filter((b) => /"message": "(articles relinked|name index rebuilt|rows refiled)"/.test(b))
      .map((b) => {
        try {
          const { level, message, timestamp, service, sampling_rate, xray_trace_id, ...rest } = JSON.parse(b);
          return `${message} ${JSON.stringify(rest)}`;
        } catch {
          return b.replace(/\s+/g, ' ').slice(0, 600);
        }
      });
  try {
    const list = writeOfacSet(set, nEntities, dir);
    await sb.upload('sanctions/scale/add.csv', list.add);
    await sb.upload('sanctions/scale/alt.csv', list.alt);
    await sb.idle(600_000);
    let t = Date.now();
    await sb.upload('sanctions/scale/sdn.csv', list.sdn);
    await sb.idle(600_000);
    console.log(`list ingest ${((Date.now() - t) / 1000).toFixed(1)} s`);
    console.log(relinkLines(0).join('\n'));
    const files = Math.ceil(nArticles / 100);
    for (let b = 0; b < files; b++) {
      const file = join(dir, `batch-${b}.ndjson`);
      writeFileSync(
        file,
        `${articleBatch(names, b, 100, nArticles)
          .map((a) => JSON.stringify(a))
          .join('\n')}\n`,
      );
      await sb.upload(`articles/scale/batch-${String(b).padStart(5, '0')}.ndjson`, file);
    }
    await sb.idle(600_000);
    // How many articles name each news name (as text), to pick a rare and the most named one.
    // In the names' order, as the scale suite picks (bench/suites/scale.ts: the first of the fewest-named).
    const freq = new Map<string, number>(names.map((n) => [n.sourceId, 0]));
    for (let b = 0; b < files; b++)
      for (const a of articleBatch(names, b, 100, nArticles))
        for (const n of names) if (a.text.includes(n.name)) freq.set(n.sourceId, (freq.get(n.sourceId) ?? 0) + 1);
    const by = [...freq].filter(([, n]) => n > 0).sort((a, b) => a[1] - b[1]);
    console.log(`names[0] = ${names[0]!.name} in ${freq.get(names[0]!.sourceId)} articles; rarest ${by[0]}`);
    // The typical change first (the rarest entity removed), then the worst (the most named removed as well).
    for (const [what, drop] of [
      ['rare', [by[0]![0]]],
      ['most named', [by[0]![0], names[0]!.sourceId]],
    ] as const) {
      if (what === 'most named' && args['typical-only']) break;
      const from = sb.output().length;
      const changed = writeOfacSet(set, nEntities, dir, { drop });
      t = Date.now();
      await sb.upload('sanctions/scale/sdn.csv', changed.sdn);
      await sb.idle(600_000);
      console.log(`${what}: drop ${drop}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
      console.log(relinkLines(from).join('\n'));
      const ddb = makeDynamoClient(sb.edgeUrl);
      const mark = await ddb.send(
        new GetItemCommand({ TableName: TABLE_NAME, Key: marshall(RELINK_MARK_KEY), ConsistentRead: true }),
      );
      console.log(`mark ${JSON.stringify(unmarshall(mark.Item ?? {}))}`);
      ddb.destroy();
    }
  } finally {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  async (err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    await Promise.all([...RUNNING].map((s) => s.stop().catch(() => {})));
    process.exit(1);
  },
);
