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
    const upload = async (key: string, file: string) => {
      await s3.send(new PutObjectCommand({ Bucket: 'radar-ingest', Key: key, Body: readFileSync(join(data, file)) }));
      await new Promise((r) => setTimeout(r, 150));
      await waitIdle(edge, 900_000);
      const s = (await (await fetch(`${api}/ingests/${key}`)).json()) as {
        status: string;
        durationMs?: number;
        records: { written: number };
        error?: string;
      };
      return s;
    };

    console.log(`checkout: ${root}`);
    if (process.argv.includes('--versions')) {
      // The 2019 SDN list, then a next version of it: every 100th entry removed, every 100th (+50) with a programme
      // added. The second ingest is the one that computes deltas (a first version has no previous to compare).
      const rows = readFileSync(join(data, 'ofac-sdn/watchman-2019/sdn.csv'), 'utf8').split('\n');
      const next = rows
        .filter((_, i) => i % 100 !== 0)
        .map((r, i) => (i % 100 === 50 ? r.replace(/^(\d+,"[^"]*",[^,]*,")/, '$1MEASURE] [') : r))
        .join('\n');
      const tmpFile = join(dataDir, 'sdn-next.csv');
      writeFileSync(tmpFile, next);
      for (const [label, file] of [
        ['sdn.csv 2019 (first version)', join(data, 'ofac-sdn/watchman-2019/sdn.csv')],
        ['sdn.csv next (second version)', tmpFile],
      ] as const) {
        await s3.send(
          new PutObjectCommand({ Bucket: 'radar-ingest', Key: 'sanctions/v/sdn.csv', Body: readFileSync(file) }),
        );
        await new Promise((r) => setTimeout(r, 150));
        await waitIdle(edge, 900_000);
        const st = (await (await fetch(`${api}/ingests/sanctions/v/sdn.csv`)).json()) as {
          status: string;
          durationMs?: number;
          records: { written: number };
        };
        console.log(
          `${label.padEnd(32)} ${st.status} written ${st.records.written}, ${((st.durationMs ?? 0) / 1000).toFixed(1)} s`,
        );
      }
      s3.destroy();
      return;
    }
    console.log('\nOFAC SDN CSV set (watchman-2019), one file at a time:');
    console.log('file               status   written   seconds');
    for (const f of ['sdn.csv', 'add.csv', 'alt.csv', 'sdn_comments.csv']) {
      const s = await upload(`sanctions/ofac/${f}`, `ofac-sdn/watchman-2019/${f}`);
      console.log(
        `${f.padEnd(18)} ${s.status.padEnd(8)} ${String(s.records.written).padStart(7)}   ${((s.durationMs ?? 0) / 1000).toFixed(1).padStart(7)}${s.error ? `  (${s.error})` : ''}`,
      );
    }

    console.log('\nUN consolidated list, 2018 then 2025 as its next version:');
    for (const f of ['un-sc/perchrh-2018/consolidated.xml', 'un-sc/mkweli-2025/un_consolidated.xml']) {
      const s = await upload('sanctions/un/consolidated.xml', f);
      console.log(
        `${f.padEnd(40)} ${s.status.padEnd(8)} written ${s.records.written}, ${((s.durationMs ?? 0) / 1000).toFixed(1)} s`,
      );
    }
    const counts: Record<string, number> = {};
    let cursor: string | null = null;
    do {
      const r = await fetch(`${api}/changes?list=un-sc&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      if (r.status !== 200) break; // a checkout without /changes
      const body = (await r.json()) as { items: { type: string }[]; nextCursor: string | null };
      for (const c of body.items) counts[c.type] = (counts[c.type] ?? 0) + 1;
      cursor = body.nextCursor;
    } while (cursor);
    console.log(`changes found: ${JSON.stringify(counts)}`);
  } finally {
    await stop();
  }
}

await main();
