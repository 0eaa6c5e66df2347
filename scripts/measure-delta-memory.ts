/**
 * What applying an OpenSanctions delta file costs, at two list sizes: the list function's heap while it applies a
 * delta of a few operations to a version of N entities, and the time it takes. The version is written anew (each
 * version is a whole copy: a delta makes a version with its own change set), so time follows N; memory should not.
 *
 *   node --expose-gc --import tsx scripts/measure-delta-memory.ts [--sizes 5000,50000]
 *
 * The heap figure is V8's used heap, garbage included; `--max-old-space-size=100` tells what must be kept (a run
 * that needs more dies out of memory).
 *
 * The records are our own synthetic FollowTheMoney persons (not OpenSanctions data), ingested through the list use
 * case into AWS's DynamoDB Local.
 */
import { parseArgs } from 'node:util';
import { reconcileSanctionsObject } from '../shared/ingest/sanctions.ts';
import { makeMemorySource } from '../test/helpers/memory-source.ts';
import { corpusSanctionsDeps } from '../test/helpers/read-corpus.ts';
import { startMeteredStore } from './lib/metered-store.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '5000,50000' } } });
const sizes = values.sizes.split(',').map(Number);

const person = (n: number, nationality = 'ru') =>
  JSON.stringify({
    id: `rt-${n}`,
    caption: `Ivan Examplov ${n}`,
    schema: 'Person',
    properties: {
      name: [`Ivan Examplov ${n}`],
      alias: [`Vanya Examplov ${n}`],
      nationality: [nationality],
      birthDate: ['1970-01-01'],
      program: ['RADAR-TEST'],
      topics: ['sanction'],
    },
    referents: [],
    datasets: ['radar_test'],
    target: true,
  });

const ref = (key: string, eventTime: string) => ({
  bucket: 'radar-ingest',
  key,
  eventName: 'ObjectCreated:Put',
  eventTime,
});

/** Peak heap above the start while `fn` runs (sampled every 10 ms, after a collection when --expose-gc allows). */
async function peakHeap<T>(fn: () => Promise<T>): Promise<{ result: T; peakMiB: number; seconds: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 10);
  const t0 = performance.now();
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, peakMiB: (peak - base) / 2 ** 20, seconds: (performance.now() - t0) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

console.log('| entities | full export ingest | delta (6 operations) applied | heap above start while applying |');
console.log('|---:|---:|---:|---:|');
for (const n of sizes) {
  const { store, stop } = await startMeteredStore();
  try {
    const s3 = makeMemorySource();
    const deps = corpusSanctionsDeps(s3.source, store);
    const full = 'sanctions/opensanctions/radar_test/entities.ftm.json';
    await s3.source.put(full, `${Array.from({ length: n }, (_, i) => person(i)).join('\n')}\n`, 'application/json');
    const t0 = performance.now();
    const f = await reconcileSanctionsObject(ref(full, '2026-11-01T00:00:00Z'), deps);
    if (f.status !== 'done') throw new Error(`full export: ${f.status} ${f.error ?? ''}`);
    const fullSeconds = (performance.now() - t0) / 1000;
    const key = 'sanctions/opensanctions/radar_test/20261102000000-abc/entities.delta.json';
    const ops = [
      { op: 'MOD', entity: JSON.parse(person(1, 'by')) },
      { op: 'MOD', entity: JSON.parse(person(2, 'kz')) },
      { op: 'DEL', entity: { id: 'rt-3' } },
      { op: 'DEL', entity: { id: 'rt-4' } },
      { op: 'ADD', entity: JSON.parse(person(n + 1, 'ge')) },
      { op: 'ADD', entity: JSON.parse(person(n + 2, 'am')) },
    ];
    await s3.source.put(key, `${ops.map((o) => JSON.stringify(o)).join('\n')}\n`, 'application/json');
    const d = await peakHeap(() => reconcileSanctionsObject(ref(key, '2026-11-02T00:00:00Z'), deps));
    if (d.result.status !== 'done') throw new Error(`delta: ${d.result.status} ${d.result.error ?? ''}`);
    console.log(
      `| ${n.toLocaleString('en')} | ${fullSeconds.toFixed(1)} s | ${d.seconds.toFixed(1)} s | ${d.peakMiB.toFixed(0)} MiB |`,
    );
  } finally {
    await stop();
  }
}
