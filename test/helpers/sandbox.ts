import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../../infra/sandbox/ports.ts';
import { attachAggregator } from './stream-poller.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningSandbox {
  edgeUrl: string;
  queryUrl: string;
  edgePort: number;
  queryPort: number;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
  s3: S3Client;
  /** Waits until every queue is drained. */
  idle(timeoutMs?: number): Promise<void>;
  get<T = unknown>(path: string): Promise<{ status: number; body: T; headers: Headers }>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Tests read their writes at once, so the query function's short answer cache is off here (QUERY_CACHE_MS=0).
 *
 * Starts `npm start`'s sandbox as a child process on free ports (as a user runs it), with its own data folder.
 * The legacy OpenSSL provider is what s3rver's continuation tokens (DES) need on Node 20+.
 */
export async function startSandboxProcess(
  opts: { args?: string[]; dataDir?: string; env?: Record<string, string> } = {},
): Promise<RunningSandbox> {
  const edgePort = await freePort();
  const queryPort = await freePort();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'radar-sandbox-'));
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '--import',
      'tsx',
      'infra/sandbox/main.ts',
      '--data-dir',
      dataDir,
      '--visibility',
      '1',
      ...(opts.args ?? ['--memory', '--no-demo']),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        SANDBOX_PORT: String(edgePort),
        QUERY_PORT: String(queryPort),
        SANDBOX_EXIT_WITH_PARENT: '1',
        QUERY_CACHE_MS: '0',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const edgeUrl = `http://127.0.0.1:${edgePort}`;
  const queryUrl = `http://127.0.0.1:${queryPort}`;
  await new Promise<void>((resolveReady, reject) => {
    const onExit = (code: number | null) => reject(new Error(`sandbox exited (${code}) before it was ready:\n${out}`));
    child.once('exit', onExit);
    const timer = setInterval(() => {
      if (out.includes('sandbox ready')) {
        clearInterval(timer);
        child.off('exit', onExit);
        resolveReady();
      }
    }, 50);
    setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`sandbox not ready after 90 s:\n${out}`));
    }, 90_000).unref();
  });
  const s3 = new S3Client({
    endpoint: edgeUrl,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'any-key', secretAccessKey: 'any-secret' },
  });
  // The counters move only through the table's stream (issue 17). Until the sandbox runs the aggregator itself, the
  // tests run it here after every idle; once it does, this second consumer finds every change applied (the per-object
  // checkpoints make a second reader of the stream a no-op) and only proves it.
  const aggregator = await attachAggregator(edgeUrl);
  return {
    edgeUrl,
    queryUrl,
    edgePort,
    queryPort,
    dataDir,
    process: child,
    output: () => out,
    s3,
    async idle(timeoutMs = 60_000) {
      // Events are queued right after the S3 response; give the edge a moment to enqueue them.
      await new Promise((r) => setTimeout(r, 150));
      const res = await fetch(`${edgeUrl}/_sandbox/idle?timeoutMs=${timeoutMs}`);
      if (res.status !== 200)
        throw new Error(
          `sandbox not idle after ${timeoutMs} ms: ${await res.text()}\nthe sandbox's last output:\n${out.split('\n').slice(-60).join('\n')}`,
        );
      await aggregator.drain();
    },
    async get<T>(path: string) {
      const res = await fetch(`${queryUrl}${path}`);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: body as T, headers: res.headers };
    },
    async stop(signal: NodeJS.Signals = 'SIGINT') {
      s3.destroy();
      aggregator.close();
      if (child.exitCode !== null) return child.exitCode;
      const code = await new Promise<number | null>((r) => {
        child.once('exit', (c) => r(c));
        child.kill(signal);
      });
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
