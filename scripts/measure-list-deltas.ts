/**
 * Measures list deltas on the team's real files (issue 11.6, 11.7), through a sandbox (DynamoDB Local + s3rver):
 *
 * - the OFAC SDN CSV set of 2019 (7,379 entries) uploaded one file at a time, sdn.csv first: items written and
 *   duration of each file's ingest (from its ingest record);
 * - the UN consolidated list of 2018, then the one of 2025 as its next version: the duration of the second ingest
 *   (which computes the deltas) and the changes it found.
 *
 *   node --import tsx scripts/measure-list-deltas.ts                 # this checkout
 *   node --import tsx scripts/measure-list-deltas.ts --root ../main  # another checkout (e.g. before this change)
 *   node --import tsx scripts/measure-list-deltas.ts --versions      # only: the SDN list and a next version of it
 *
 * Reads ../shared/data/sanctions (the team's files); nothing is written outside a temporary sandbox folder.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const here = dirname(fileURLToPath(import.meta.url));
const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? resolve(process.argv[rootArg + 1]!) : resolve(here, '..');
const data = resolve(here, '../../shared/data/sanctions');

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });

async function main() {
  const [edgePort, queryPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'radar-measure-'));
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '--import',
      'tsx',
      'infra/sandbox/main.ts',
      '--data-dir',
      dataDir,
      '--memory',
      '--no-demo',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        SANDBOX_PORT: String(edgePort),
        QUERY_PORT: String(queryPort),
        SANDBOX_EXIT_WITH_PARENT: '1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const api = `http://127.0.0.1:${queryPort}`;
  const edge = `http://127.0.0.1:${edgePort}`;
  try {
    for (let i = 0; ; i++) {
      if (
        (await fetch(`${api}/health`).then(
          (r) => r.status,
          () => 0,
        )) === 200
      )
        break;
      if (i > 900) throw new Error('sandbox not ready after 90 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const s3 = new S3Client({
      endpoint: edge,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const upload = async (key: string, file: string) => {
      await s3.send(new PutObjectCommand({ Bucket: 'radar-ingest', Key: key, Body: readFileSync(join(data, file)) }));
      await new Promise((r) => setTimeout(r, 150));
      const idle = await fetch(`${edge}/_sandbox/idle?timeoutMs=900000`);
      if (idle.status !== 200) throw new Error(`not idle: ${await idle.text()}`);
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
        await fetch(`${edge}/_sandbox/idle?timeoutMs=900000`);
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
    s3.destroy();
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
