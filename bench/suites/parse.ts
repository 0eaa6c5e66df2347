import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { SaxesParser } from 'saxes';
import { decodeStream, linesOf } from '../../shared/domain/encoding.ts';
import { readJsonResults } from '../../shared/domain/sanctions/us-csl.ts';
import type { FileSummary, ListFormat } from '../../shared/domain/sanctions/types.ts';
import { chunksOf, secondsPerCall, type Suite, type SuiteContext } from '../lib/context.ts';
import { discoverFormats, fixturesByFormat } from '../lib/formats.ts';
import { figureOf, growthOf } from '../lib/report.ts';
import { generateText, makeScaler, verifyScaled, type Family } from '../lib/scale.ts';

/**
 * Tokenise-only baselines: the same bytes, decoded the same way, through the same underlying parser with the options
 * our readers use, but nothing of ours after it (no records built, no names, countries or dates normalised, no zod).
 */
async function tokenise(family: Family, bytes: Buffer): Promise<number> {
  const text = decodeStream(chunksOf(bytes));
  switch (family.kind) {
    case 'xml': {
      let n = 0;
      const p = new SaxesParser({ position: true });
      p.on('opentag', () => n++);
      p.on('text', () => {});
      p.on('closetag', () => {});
      p.on('error', (e) => {
        throw e;
      });
      for await (const chunk of text) p.write(chunk);
      p.close();
      return n;
    }
    case 'csv': {
      let n = 0;
      const parser = Readable.from(text, { objectMode: false }).pipe(
        parseCsv({
          delimiter: family.delimiter,
          quote: '"',
          bom: true,
          relax_column_count: true,
          relax_quotes: true,
          skip_empty_lines: true,
          max_record_size: 1_000_000,
          info: true,
        }),
      );
      for await (const _ of parser) n++;
      return n;
    }
    case 'json-results': {
      let n = 0;
      for await (const _ of readJsonResults(text)) n++;
      return n;
    }
    case 'ndjson': {
      let n = 0;
      for await (const line of linesOf(text)) {
        if (!line.trim()) continue;
        try {
          JSON.parse(line);
        } catch {
          /* a bad line costs what it costs */
        }
        n++;
      }
      return n;
    }
  }
}

const BASELINE_NAME: Record<Family['kind'], string> = {
  xml: 'saxes tokenise',
  csv: 'csv-parse tokenise',
  'json-results': 'results-array split + JSON.parse',
  ndjson: 'line split + JSON.parse',
};

async function parseRecords(format: ListFormat, bytes: Buffer, key: string, head: string): Promise<number> {
  let n = 0;
  const summary: FileSummary = {};
  for await (const r of format.parse(decodeStream(chunksOf(bytes)), { key, head }, summary))
    if (r.kind !== 'reject') n++;
  return n;
}

export const parseSuite: Suite = {
  name: 'parse',
  title: 'Parse throughput per list format',
  async run(ctx: SuiteContext) {
    const { formats, registered } = await discoverFormats();
    const fixtures = await fixturesByFormat(formats);
    const missing = formats.filter((f) => !fixtures.some((x) => x.format.id === f.id)).map((f) => f.id);
    if (missing.length) ctx.notes.push(`parse: no fixture in the repository for ${missing.join(', ')}; not measured.`);
    const baseBytes = ctx.quick ? 16 * 1024 : 64 * 1024;
    const scales = [1, 10, 100];
    const reps = (scale: number) => (ctx.quick ? 3 : scale === 100 ? 3 : 5);
    for (const fx of fixtures) {
      const id = fx.format.id;
      const key = `sanctions/bench/${fx.path.split('/').pop()}`;
      let scaler;
      try {
        scaler = await makeScaler(fx);
      } catch (err) {
        ctx.notes.push(`parse ${id}: fixture could not be scaled (${(err as Error).message}); not measured.`);
        continue;
      }
      const check = await verifyScaled(fx.format, scaler, 3, key);
      if (check.got < check.expected)
        ctx.notes.push(
          `parse ${id}: 3 copies gave ${check.got} distinct records, not ${check.expected} (ids not all renamed).`,
        );
      const baseCopies = scaler.copiesFor(baseBytes);
      const mbPoints: { scale: number; size: number; throughput: number }[] = [];
      const recPoints: typeof mbPoints = [];
      for (const scale of scales) {
        const bytes = Buffer.from(generateText(scaler, baseCopies * scale), 'utf8');
        const head = bytes.subarray(0, 16 * 1024).toString('utf8');
        const mb = bytes.length / 1e6;
        const ours: number[] = [];
        const base: number[] = [];
        let records = 0;
        const minSeconds = ctx.quick ? 0.05 : 0.15;
        // Warm-up (JIT), not counted.
        if (scale === 1)
          await secondsPerCall(
            () => Promise.all([parseRecords(fx.format, bytes, key, head), tokenise(scaler.family, bytes)]),
            minSeconds,
          );
        for (let i = 0; i < reps(scale); i++) {
          // Interleaved, so a noisy moment hits both alike.
          const a = await secondsPerCall(() => parseRecords(fx.format, bytes, key, head), minSeconds);
          const b = await secondsPerCall(() => tokenise(scaler.family, bytes), minSeconds);
          records = a.value;
          ours.push(a.seconds);
          base.push(b.seconds);
        }
        const params = {
          format: `${id}${registered.has(id) ? '' : ' (unregistered)'}`,
          scale: `${scale}×`,
          size: `${mb.toFixed(2)} MB`,
          records,
        };
        const mbs = figureOf({
          suite: 'parse',
          name: 'parse MB/s',
          unit: 'MB/s',
          better: 'higher',
          params,
          runs: ours.map((s) => mb / s),
          baselineRuns: { name: BASELINE_NAME[scaler.family.kind], runs: base.map((s) => mb / s) },
        });
        if (mbs.ratio !== undefined && scale === scales[scales.length - 1])
          mbs.goal = { text: '≥ 50 % of tokenise-only', met: mbs.ratio >= 0.5 };
        ctx.figures.push(mbs);
        const eps = figureOf({
          suite: 'parse',
          name: 'parse records/s',
          unit: 'records/s',
          better: 'higher',
          params,
          runs: ours.map((s) => records / s),
        });
        ctx.figures.push(eps);
        mbPoints.push({ scale, size: mb, throughput: mbs.summary.median });
        recPoints.push({ scale, size: records, throughput: eps.summary.median });
        ctx.log(
          `  ${id} ${scale}× ${mb.toFixed(2)} MB: ${mbs.summary.median.toFixed(1)} MB/s (${Math.round((mbs.ratio ?? 0) * 100)} % of tokenise), ${Math.round(eps.summary.median)} records/s`,
        );
      }
      ctx.growth.push(growthOf({ suite: 'parse', name: `parse ${id}`, unit: 'MB/s', points: mbPoints }));
      ctx.growth.push(growthOf({ suite: 'parse', name: `parse ${id}`, unit: 'records/s', points: recPoints }));
    }
  },
};
