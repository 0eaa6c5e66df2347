import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Suite, SuiteContext } from './lib/context.ts';
import { RUNNING } from './lib/sandbox.ts';
import { machineInfo, writeResults, type Results } from './lib/report.ts';
import { articlesSuite } from './suites/articles.ts';
import { ingestSuite } from './suites/ingest.ts';
import { parseSuite } from './suites/parse.ts';
import { querySuite } from './suites/query.ts';
import { scaleSuite } from './suites/scale.ts';

const SUITES: Suite[] = [parseSuite, articlesSuite, ingestSuite, querySuite, scaleSuite];

const USAGE = `Usage: npm run bench [-- --quick] [-- --only parse,articles,ingest,query,scale] [-- --sizes 1,10]

Runs the benchmarks and writes bench/results/latest.json and bench/results/latest.md (overwritten); a run of some
suites only (--only) writes bench/results/<suites>.json and .md instead, so it never replaces a full run's results.
Every figure is the median of several runs with its spread, and a ratio to a baseline measured in the same run.

  --quick        a one-to-two-minute pass: smaller inputs, fewer runs (the results say so)
  --only LIST    run only these suites: ${SUITES.map((s) => s.name).join(', ')}
  --sizes LIST   corpus multiples for the scale suite (1 = 1,000 articles and 15,000 entities); default 1,10,100,
                 1,10 with --quick
  --out DIR      write the results there instead of bench/results
  --help         this text

Suites:
${SUITES.map((s) => `  ${s.name.padEnd(10)} ${s.title}`).join('\n')}
`;

async function main(): Promise<number> {
  // Node 20 is supported by the pinned SDK (design §7); its once-per-client warning is noise in a results log.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\n${sig}: stopping ${RUNNING.size} sandbox(es)\n`);
      void Promise.all([...RUNNING].map((s) => s.stop().catch(() => {}))).finally(() => process.exit(130));
    });
  }
  let args;
  try {
    args = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        out: { type: 'string' },
        sizes: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const wanted = args.only
    ? args.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : SUITES.map((s) => s.name);
  const unknown = wanted.filter((w) => !SUITES.some((s) => s.name === w));
  if (unknown.length) {
    process.stderr.write(`unknown suite ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  let sizes: number[] | undefined;
  if (args.sizes !== undefined) {
    sizes = args.sizes.split(',').map((s) => Number(s.trim()));
    if (!sizes.length || sizes.some((n) => !Number.isFinite(n) || n <= 0 || n > 1000)) {
      process.stderr.write(`--sizes takes multiples between 0 and 1000, e.g. 1,10 (got ${args.sizes})\n\n${USAGE}`);
      return 2;
    }
  }
  const mode = args.quick ? 'quick' : 'full';
  const started = Date.now();
  const tmpDir = mkdtempSync(join(tmpdir(), 'radar-bench-'));
  const ctx: SuiteContext = {
    quick: args.quick,
    ...(sizes ? { sizes } : {}),
    tmpDir,
    figures: [],
    growth: [],
    notes: [],
    log: (l) => process.stdout.write(`${l}\n`),
  };
  ctx.log(
    `sanctions-radar benchmarks: ${mode === 'quick' ? 'QUICK pass (smaller inputs, fewer runs)' : 'full run'}; suites: ${wanted.join(', ')}`,
  );
  let failed = false;
  try {
    for (const suite of SUITES.filter((s) => wanted.includes(s.name))) {
      const t0 = Date.now();
      ctx.log(`\n▶ ${suite.name}: ${suite.title}`);
      try {
        await suite.run(ctx);
      } catch (err) {
        failed = true;
        ctx.notes.push(`${suite.name}: failed: ${(err as Error).message}`);
        ctx.log(`✗ ${suite.name} failed: ${(err as Error).stack ?? String(err)}`);
      }
      ctx.log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  const results: Results = {
    mode,
    ...(process.argv.length > 2 ? { command: process.argv.slice(2).join(' ') } : {}),
    suites: wanted,
    machine: machineInfo(),
    durationS: (Date.now() - started) / 1000,
    figures: ctx.figures,
    growth: ctx.growth,
    notes: ctx.notes,
  };
  const partial = args.only !== undefined && wanted.length < SUITES.length;
  const out = writeResults(results, args.out, partial ? wanted.join('+') : 'latest');
  ctx.log(`\nwrote ${out.json} and ${out.md} (${results.durationS.toFixed(0)} s)`);
  const missed = results.figures.filter((f) => f.goal?.met === false);
  if (missed.length)
    ctx.log(`goals missed: ${missed.map((f) => `${f.name} [${Object.values(f.params).join(' ')}]`).join('; ')}`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
