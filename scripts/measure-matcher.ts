/**
 * What building a `NameMatcher` and finding names with it cost (issue 17.4: a relink builds the matcher of a fresh
 * index before it links anything): construction, the first 100 texts (which build the branches they meet), and 100
 * texts again (warm), medians of 9 runs. The index is the real OFAC SDN set (watchman-2019, 7,379 entries with their
 * aliases) and `--copies` − 1 copies of it under marked names, as the scale corpus makes them; the texts are the
 * scale corpus's first NDJSON file of 100 articles (our own text naming the set's entries).
 *
 *   npx tsx scripts/measure-matcher.ts [--copies 8]
 */
import { parseArgs } from 'node:util';
import { articleBatch, copyName, loadOfacSet, newsNames, ofacEntities } from '../bench/lib/scale-corpus.ts';
import { buildNameIndex, NameMatcher } from '../shared/domain/name-index.ts';

const { values: args } = parseArgs({ options: { copies: { type: 'string', default: '8' } } });

async function main() {
  const set = loadOfacSet();
  const names = await newsNames(set);
  const real = await ofacEntities(set);
  const entities = Array.from({ length: Number(args.copies) }, (_, k) =>
    real.map((e) => ({ ...e, sourceId: `${e.sourceId}-${k}`, name: k ? copyName(e.name, k) : e.name })),
  ).flat();
  // As a load reads it: parsed from JSON.
  const index = JSON.parse(JSON.stringify(buildNameIndex(entities)));
  const texts = articleBatch(names, 0, 100, 1000).map((a) => `${a.title}\n\n${a.text}`);
  const build: number[] = [];
  const first: number[] = [];
  const warm: number[] = [];
  let found = 0;
  for (let run = 0; run < 9; run++) {
    let t = performance.now();
    const matcher = new NameMatcher(index);
    build.push(performance.now() - t);
    t = performance.now();
    for (const x of texts) found += matcher.find(x).length;
    first.push(performance.now() - t);
    t = performance.now();
    for (const x of texts) found += matcher.find(x).length;
    warm.push(performance.now() - t);
  }
  const median = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1]!.toFixed(1);
  console.log(
    `${entities.length} entities, ${Object.keys(index.forms).length} forms: construct ${median(build)} ms, first 100 texts ${median(first)} ms, 100 texts warm ${median(warm)} ms (${found / 18} names found per pass)`,
  );
}
void main();
