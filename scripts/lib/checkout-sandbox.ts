import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../../infra/sandbox/ports.ts';

/**
 * A sandbox of any checkout (`root`: this one, or another for a before/after figure) in a process of its own, in
 * memory, without demo data, on free ports; for the measuring scripts. `stop` ends it and removes its folder.
 * (test/helpers/sandbox.ts does the same for this checkout's tests; a script may point at another checkout's code.)
 */
export async function startCheckoutSandbox(root: string): Promise<{
  api: string;
  edge: string;
  s3: S3Client;
  /** The sandbox's own folder (removed by `stop`): room for a script's temporary files. */
  dataDir: string;
  stop(): Promise<void>;
}> {
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
  const s3 = new S3Client({
    endpoint: edge,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const stop = async () => {
    s3.destroy();
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    const status = await fetch(`${api}/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (i > 900) {
      await stop();
      throw new Error('sandbox not ready after 90 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { api, edge, s3, dataDir, stop };
}

/**
 * Waits until the sandbox at `edge` is idle, for up to `timeoutMs`, in long polls of at most 2 minutes: the edge caps
 * one poll at 300 s and Node's fetch gives up on response headers after 300 s, so a single poll of 15 minutes ended
 * after 5 (the scripts then read the status of an ingest still running). Throws with the sandbox's state, and what
 * `more` adds, when the time is spent. (test/helpers/sandbox.ts waits with it too.)
 */
export async function waitIdle(edge: string, timeoutMs: number, more: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const slice = Math.max(1, Math.min(deadline - Date.now(), 120_000));
    const res = await fetch(`${edge}/_sandbox/idle?timeoutMs=${slice}`);
    const body = await res.text();
    if (res.status === 200) return;
    if (res.status !== 504 || Date.now() >= deadline)
      throw new Error(`sandbox not idle after ${timeoutMs} ms: ${body}${more()}`);
  }
}
