import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import type { HotKeyReport } from '../../infra/sandbox/dynamo-capacity.ts';
import { fetchFailure } from '../../infra/sandbox/http.ts';
import { freePort } from '../../infra/sandbox/ports.ts';
import { waitIdle } from '../../scripts/lib/checkout-sandbox.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The edge takes state-changing calls (its /_sandbox/* controls among them) only with AWS-style credentials, as the
 * SDKs send them; any credentials are accepted. A test that calls a control with fetch sends this.
 */
export const SANDBOX_AUTH = {
  authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
} as const;

/**
 * The edge's units per DynamoDB partition per second since the last reset (`/_sandbox/hot-keys`): the hottest
 * partitions by write and by read, and those past AWS's per-partition limits (1,000 WCU/s, 3,000 RCU/s). For the
 * soak and the benchmarks; `reset` starts a new measurement.
 */
export async function sandboxHotKeys(
  edgeUrl: string,
  opts: { limit?: number; reset?: boolean } = {},
): Promise<HotKeyReport> {
  // Both calls are idempotent (a read; a reset to zero), so one that fails on its connection is sent again.
  const res = await onFreshConnection(`hot keys${opts.reset ? ' (reset)' : ''} on ${edgeUrl}`, () =>
    opts.reset
      ? sandboxControl(edgeUrl, '/_sandbox/hot-keys')
      : fetch(`${edgeUrl}/_sandbox/hot-keys?limit=${opts.limit ?? 10}`),
  );
  if (res.status !== 200) throw new Error(`hot keys: ${res.status} ${await res.text()}`);
  return (await res.json()) as HotKeyReport;
}

/**
 * An idempotent call, sent again (up to `attempts` times) when it fails before any answer: a long benchmark leaves its
 * keep-alive connection to the edge idle for minutes, and one the edge closed as it was reused fails with
 * ECONNRESET or "other side closed" (the 10× scale pass of 2026-12-03 died so, 18 minutes in). fetch does not retry;
 * the SDK clients do. A failure that stays names the call and its cause ("fetch failed" alone says neither).
 */
export async function onFreshConnection(what: string, call: () => Promise<Response>, attempts = 3): Promise<Response> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      // A refused connection is a sandbox that is gone, not a stale socket: no point in trying again.
      if (i >= attempts || !(err instanceof TypeError) || code === 'ECONNREFUSED') throw fetchFailure(what, err);
    }
  }
}

/** POSTs to a sandbox control (`/_sandbox/faults`, `/_sandbox/redrive`, `/_sandbox/hot-keys`) with credentials. */
export function sandboxControl(edgeUrl: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${edgeUrl}${path}`, {
    method: 'POST',
    headers: SANDBOX_AUTH,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

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
  // Ready is what the sandbox says it is: /health answers 200 only once the store, S3, the queues and the stream
  // consumer are up and a first count has answered (it is 503 before), not a line of output.
  const deadline = Date.now() + 90_000;
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  for (;;) {
    if (exited !== undefined) throw new Error(`sandbox exited (${exited}) before it was ready:\n${out}`);
    const status = await fetch(`${queryUrl}/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sandbox not ready after 90 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const s3 = new S3Client({
    endpoint: edgeUrl,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'any-key', secretAccessKey: 'any-secret' },
  });
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
      await waitIdle(
        edgeUrl,
        timeoutMs,
        () => `\nthe sandbox's last output:\n${out.split('\n').slice(-60).join('\n')}`,
      );
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
