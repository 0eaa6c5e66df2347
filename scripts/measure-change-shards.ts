import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startCheckoutSandbox, waitIdle } from './lib/checkout-sandbox.ts';

const here = dirname(fileURLToPath(import.meta.url));
const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? resolve(process.argv[rootArg + 1]!) : resolve(here, '..');
const data = resolve(here, '../../shared/data/sanctions');

async function main() {
  const { api, edge, s3, dataDir, stop } = await startCheckoutSandbox(root);
  try {
    console.log(`checkout: ${root}`);
    const rows = readFileSync(join(data, 'ofac-sdn/watchman-2019/sdn.csv'), 'utf8').split('\n');
    const reissue = rows.map((r) => r.replace(/^(\d+,"[^"]*",[^,]*,")/, '$1MEASURE] [')).join('\n');
    const tmpFile = join(dataDir, 'sdn-reissue.csv');
    writeFileSync(tmpFile, reissue);
    const key = 'sanctions/ofac/sdn.csv';
    for (const [label, file] of [
      ['sdn.csv 2019 (first version)', join(data, 'ofac-sdn/watchman-2019/sdn.csv')],
      ['sdn.csv reissued (every entry changed)', tmpFile],
    ] as const) {
      await fetch(`${edge}/_sandbox/hot-keys`, { method: 'POST' });
      await s3.send(new PutObjectCommand({ Bucket: 'radar-ingest', Key: key, Body: readFileSync(file) }));
      await new Promise((r) => setTimeout(r, 150));
      await waitIdle(edge, 900_000);
      const st = (await (await fetch(`${api}/ingests/${key}`)).json()) as {
        status: string;
        durationMs?: number;
        records: { written: number };
      };
      const hot = (await (await fetch(`${edge}/_sandbox/hot-keys?limit=1000`)).json()) as {
        hottestWrites: { partition: string; peakWritesPerSecond: number; totalWrites: number }[];
        wouldThrottle: { partition: string; reason: string }[];
      };
      const chg = hot.hottestWrites.filter((k) => /\bCHG#/.test(k.partition));
      console.log(
        `${label.padEnd(40)} ${st.status} written ${st.records.written}, ${((st.durationMs ?? 0) / 1000).toFixed(1)} s`,
      );
      console.log(`  change partitions written: ${chg.length}`);
      for (const k of chg.slice(0, 8))
        console.log(`    ${k.partition.padEnd(48)} peak ${k.peakWritesPerSecond} WCU/s, total ${k.totalWrites} WCU`);
      const hottest = hot.hottestWrites[0];
      if (hottest) console.log(`  hottest partition: ${hottest.partition} peak ${hottest.peakWritesPerSecond} WCU/s`);
      for (const t of hot.wouldThrottle) console.log(`  ${t.partition}: ${t.reason}`);
    }
    for (const limit of [50, 200]) {
      const seen: string[] = [];
      const perPage: number[] = [];
      let cursor: string | null = null;
      do {
        // What this page read: the edge's running read totals before and after it (the sandbox is quiet).
        const readsNow = async () =>
          ((await (await fetch(`${edge}/_sandbox/reads`)).json()) as { itemsRead: number }).itemsRead;
        const before = await readsNow();
        const r = await fetch(`${api}/changes?list=us-ofac-sdn&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        const page = (await r.json()) as { items: { type: string; sourceId: string }[]; nextCursor: string | null };
        perPage.push((await readsNow()) - before);
        seen.push(...page.items.map((c) => `${c.type}#${c.sourceId}`));
        cursor = page.nextCursor;
      } while (cursor);
      const sorted = [...seen].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      const inOrder = seen.every((s, i) => s === sorted[i]);
      perPage.sort((a, b) => a - b);
      console.log(
        `/changes?limit=${limit}: ${seen.length} changes (${new Set(seen).size} distinct, ${inOrder ? 'in key order' : 'OUT OF ORDER'}) in ${perPage.length} pages; items read a page: median ${perPage[Math.floor(perPage.length / 2)]}, max ${perPage[perPage.length - 1]} (incl. the 2 × limit article counts)`,
      );
    }
  } finally {
    await stop();
  }
}

await main();
