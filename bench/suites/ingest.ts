import { createWriteStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Suite, SuiteContext } from '../lib/context.ts';
import { discoverFormats, fixturesByFormat, parseAll, type FormatFixture } from '../lib/formats.ts';
import { figureOf, growthOf } from '../lib/report.ts';
import { startBenchSandbox, runChild } from '../lib/sandbox.ts';
import { makeScaler, verifyScaled, type Scaler } from '../lib/scale.ts';

/**
 * Which format the ingest is measured with: the largest real lists first. OFAC's enhanced XML (`SDN_ENHANCED.XML`,
 * about 100 MB, what its Sanctions List Service recommends) heads the list; its legacy `sdnList` XML follows.
 */
const PREFERRED = [
  'us-ofac-enhanced-xml',
  'us-ofac-xml',
  'un-sc-xml',
  'eu-fsf-xml',
  'us-ofac-sdn-csv',
  'uk-ofsi-conlist-csv',
  'us-csl-csv',
];

/**
 * The formats the ingest suite measures, each at every size (the 100 MB memory bound is checked for each): OFAC's current
 * enhanced XML and its legacy XML, the two formats of the largest list. `BENCH_INGEST_FORMATS=a,b` measures others.
 */
const MEASURED = (process.env.BENCH_INGEST_FORMATS ?? 'us-ofac-enhanced-xml,us-ofac-xml')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

/** The first preferred format (or `only`, when given) with a fixture that scales. */
export async function pickIngestFixture(only?: string): Promise<{ fx: FormatFixture; scaler: Scaler }> {
  const { formats, registered } = await discoverFormats();
  const fixtures = (await fixturesByFormat(formats)).filter(
    (f) => f.format.role === 'full' && registered.has(f.format.id) && (only === undefined || f.format.id === only),
  );
  const ordered = [
    ...PREFERRED.map((id) => fixtures.find((f) => f.format.id === id)).filter((f): f is FormatFixture => !!f),
    ...fixtures,
  ];
  for (const fx of ordered) {
    const scaler = await makeScaler(fx).catch(() => undefined);
    if (!scaler) continue;
    const v = await verifyScaled(fx.format, scaler, 3, 'sanctions/bench/check');
    if (v.got === v.expected) return { fx, scaler };
  }
  throw new Error(`no registered full-list format${only ? ` ${only}` : ''} with a fixture that scales`);
}

export async function writeScaled(scaler: Scaler, copies: number, file: string): Promise<void> {
  const out = createWriteStream(file);
  for (const piece of scaler.pieces(copies)) if (!out.write(piece)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

interface IngestResult {
  seconds: number;
  /** Cross-list resolution after the swap (0 for a bare run). */
  resolveSeconds: number;
  status: string;
  written: number;
  rejected: number;
  error?: string;
  maxRssMiB: number;
}

export const ingestSuite: Suite = {
  name: 'ingest',
  title: 'List ingest into the sandbox (entities/s, peak RSS) against the raw BatchWriteItem ceiling',
  async run(ctx: SuiteContext) {
    const picked: { fx: FormatFixture; scaler: Scaler }[] = [];
    for (const only of MEASURED) {
      const p = await pickIngestFixture(only).catch(() => undefined);
      if (p) picked.push(p);
      else ctx.notes.push(`ingest: no fixture of ${only} scales; not measured.`);
    }
    if (picked.length === 0) picked.push(await pickIngestFixture());
    const sb = await startBenchSandbox();
    try {
      for (const { fx, scaler } of picked) await measureFormat(ctx, sb, fx, scaler);
    } finally {
      await sb.stop();
    }
  },
};

async function measureFormat(
  ctx: SuiteContext,
  sb: Awaited<ReturnType<typeof startBenchSandbox>>,
  fx: FormatFixture,
  scaler: Scaler,
): Promise<void> {
  const id = fx.format.id;
  const sizesMB = ctx.quick ? [0.1, 1, 10] : [1, 10, 100];
  const reps = (mb: number) => (ctx.quick ? (mb >= 10 ? 1 : 2) : mb >= 100 ? 2 : 3);
  const sample = (await parseAll(fx.format, fx.text, { key: 'x', head: fx.text.slice(0, 16384) })).find(
    (r) => r.kind === 'entity',
  );
  {
    ctx.log(`  format ${id} (from ${fx.path.replace(/^.*\/(test|demo)\//, '$1/')}), sandbox at ${sb.edgeUrl}`);
    const points: { scale: number; size: number; throughput: number }[] = [];
    const ceilingItems = ctx.quick ? 4_000 : 20_000;
    const ceilingRuns: number[] = [];
    const ceiling4: number[] = [];
    let sizeCeiling: number[] = [];
    const measureCeiling = async () => {
      const item = sample?.kind === 'entity' ? sample.entity : {};
      const r16 = await runChild<{ seconds: number; written: number }>({
        mode: 'ceiling',
        edgePort: sb.edgePort,
        items: ceilingItems,
        parallel: 16,
        sample: item,
      });
      const r4 = await runChild<{ seconds: number; written: number }>({
        mode: 'ceiling',
        edgePort: sb.edgePort,
        items: ceilingItems,
        parallel: 4,
        sample: item,
      });
      ceilingRuns.push(r16.written / r16.seconds);
      sizeCeiling.push(r16.written / r16.seconds);
      ceiling4.push(r4.written / r4.seconds);
    };
    // DynamoDB Local (a JVM) is slow for its first few thousand writes: warm it before anything is measured.
    await measureCeiling();
    ceilingRuns.length = 0;
    ceiling4.length = 0;
    for (const [i, mb] of sizesMB.entries()) {
      const scale = 10 ** i;
      const copies = scaler.copiesFor(mb * 1e6);
      const runs: number[] = [];
      const rss: number[] = [];
      sizeCeiling = [];
      let entities = 0;
      let actualMB = 0;
      // The baseline of issue 11.7: the same file ingested bare (no change set, no cross-list resolution), first, so
      // the measured run after it is compared against a version it must diff and a list it must resolve whole.
      const bareFile = join(ctx.tmpDir, `list-${mb}-bare`);
      await writeScaled(scaler, copies, bareFile);
      const bareKey = `bench/${id}/${mb}MB-bare-${fx.path.split('/').pop()}`;
      await sb.upload(bareKey, bareFile, { force: 'true' });
      rmSync(bareFile);
      const bare = await runChild<IngestResult>({ mode: 'ingest', edgePort: sb.edgePort, key: bareKey, bare: true });
      if (bare.status !== 'done')
        throw new Error(`bare ingest of ${bareKey} ended ${bare.status}: ${bare.error ?? ''}`);
      ctx.log(
        `  ${id} ${mb} MB bare (no change set, no resolution): ${bare.written} entities in ${bare.seconds.toFixed(1)} s`,
      );
      const withAll: number[] = [];
      const resolveS: number[] = [];
      for (let rep = 0; rep < reps(mb); rep++) {
        // A new object per run (a different key is a different list version); forced, as a smaller file after a
        // bigger one would be refused by the shrink guard.
        const file = join(ctx.tmpDir, `list-${mb}-${rep}`);
        await writeScaled(scaler, copies, file);
        const key = `bench/${id}/${mb}MB-${rep}-${fx.path.split('/').pop()}`;
        await sb.upload(key, file, { force: 'true' });
        actualMB = statSync(file).size / 1e6;
        rmSync(file);
        // The ceiling is measured between ingests, so both see the store in the same state of the run.
        if (!ctx.quick || rep === 0) await measureCeiling();
        const r = await runChild<IngestResult>({ mode: 'ingest', edgePort: sb.edgePort, key });
        if (r.status !== 'done' || r.written === 0)
          throw new Error(`ingest of ${key} ended ${r.status}: ${r.error ?? ''}`);
        entities = r.written;
        runs.push(r.written / r.seconds);
        rss.push(r.maxRssMiB);
        // The first run after the bare one resolves the list whole and diffs every entity; later runs re-upload the
        // same content (no change: resolution has nothing to do), so only the first is the overhead figure.
        if (rep === 0) {
          withAll.push(r.written / (r.seconds + r.resolveSeconds));
          resolveS.push(r.resolveSeconds);
        }
        ctx.log(
          `  ${id} ${actualMB.toFixed(1)} MB run ${rep + 1}: ${r.written} entities in ${r.seconds.toFixed(1)} s = ${(r.written / r.seconds).toFixed(0)}/s, resolution ${r.resolveSeconds.toFixed(1)} s, peak RSS ${r.maxRssMiB.toFixed(0)} MiB`,
        );
      }
      const params = { format: id, scale: `${scale}×`, size: `${actualMB.toFixed(1)} MB`, entities };
      const f = figureOf({
        suite: 'ingest',
        name: 'list ingest',
        unit: 'entities/s',
        better: 'higher',
        params,
        runs,
        baselineRuns: { name: `BatchWriteItem ceiling (16 in flight, ${ceilingItems} items)`, runs: sizeCeiling },
      });
      // Judged at the largest file: small ones are dominated by per-file costs (reads, pointer swap, status), not by writes.
      if (f.ratio !== undefined && i === sizesMB.length - 1)
        f.goal = { text: '≥ 70 % of the BatchWrite ceiling', met: f.ratio >= 0.7 };
      ctx.figures.push(f);
      const o = figureOf({
        suite: 'ingest',
        name: 'list ingest with its change set and cross-list resolution (first resolution of the list)',
        unit: 'entities/s',
        better: 'higher',
        params,
        runs: withAll,
        baselineRuns: {
          name: 'the same file ingested bare (no change set, no resolution)',
          runs: [bare.written / bare.seconds],
        },
      });
      // Issue 11.7: merging and deltas add at most 30 % to list-ingest time, i.e. a throughput ratio ≥ 1 / 1.3.
      if (o.ratio !== undefined)
        o.goal = { text: '≤ +30 % time over the bare ingest (ratio ≥ 0.77)', met: o.ratio >= 1 / 1.3 };
      ctx.figures.push(o);
      ctx.figures.push(
        figureOf({
          suite: 'ingest',
          name: 'cross-list resolution of the list, first time (after the swap)',
          unit: 's',
          better: 'lower',
          params,
          runs: resolveS,
        }),
      );
      const m = figureOf({
        suite: 'ingest',
        name: 'peak RSS of the ingest process (with change set and resolution)',
        unit: 'MiB',
        better: 'lower',
        params,
        runs: rss,
      });
      // With its change set and cross-list resolution in the same process (issue 11.7).
      if (mb >= 100) m.goal = { text: '< 256 MB for a 100 MB file', met: m.summary.max < 256 };
      ctx.figures.push(m);
      points.push({ scale, size: entities, throughput: f.summary.median });
    }
    ctx.figures.push(
      figureOf({
        suite: 'ingest',
        name: 'BatchWriteItem ceiling, 16 in flight',
        unit: 'items/s',
        better: 'higher',
        params: { format: id, entities: ceilingItems },
        runs: ceilingRuns,
      }),
    );
    ctx.figures.push(
      figureOf({
        suite: 'ingest',
        name: 'BatchWriteItem, 4 in flight (what putItems uses)',
        unit: 'items/s',
        better: 'higher',
        params: { format: id, entities: ceilingItems },
        runs: ceiling4,
        baselineRuns: { name: '16 in flight', runs: ceilingRuns },
      }),
    );
    ctx.growth.push(growthOf({ suite: 'ingest', name: `list ingest ${id}`, unit: 'entities/s', points }));
    if (ctx.quick)
      ctx.notes.push(
        `ingest ${id}: quick pass measures 0.1, 1 and 10 MB files; the 100 MB file (and its RSS goal) only in the full run.`,
      );
  }
}
