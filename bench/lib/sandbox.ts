import { execFile } from 'node:child_process';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BUCKET_NAME } from '../../shared/resources.ts';
import { startSandboxProcess, type RunningSandbox } from '../../test/helpers/sandbox.ts';
import { ROOT } from './paths.ts';

export type { RunningSandbox };

/** Sandboxes still running, stopped by run.ts if the bench is interrupted (no orphaned DynamoDB Local). */
export const RUNNING = new Set<{ stop(): Promise<unknown> }>();

/** The sandbox as `npm start` runs it (DynamoDB Local, s3rver, queues), in a child process, on free ports, in memory. */
export async function startBenchSandbox(
  opts: { dataDir?: string; env?: Record<string, string> } = {},
): Promise<RunningSandbox & { upload(key: string, file: string, metadata?: Record<string, string>): Promise<void> }> {
  // With a data folder the sandbox keeps its data on disk, so a restart (other settings) finds it loaded.
  const env = { ...opts.env };
  const sb = await startSandboxProcess({
    ...(opts.dataDir ? { dataDir: opts.dataDir, args: ['--no-demo'] } : {}),
    env,
  });
  // Plain PUTs: the SDK's default CRC trailers would make every upload aws-chunked.
  const s3 = new S3Client({
    endpoint: sb.edgeUrl,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A long load keeps connections idle between uploads; one the edge closed meanwhile fails with ECONNRESET on
    // reuse. Retried (the default is 3 attempts), it goes out on a new connection.
    maxAttempts: 6,
  });
  const stop = sb.stop.bind(sb);
  const handle = { stop: () => stop() };
  RUNNING.add(handle);
  return Object.assign(sb, {
    async upload(key: string, file: string, metadata: Record<string, string> = {}) {
      const size = statSync(file).size;
      // Files up to 64 MB go as a buffer: the SDK retries a buffer when a busy edge drops the connection, but not a
      // stream ("An error was encountered in a non-retryable streaming request").
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET_NAME,
          Key: key,
          Body: size <= 64 * 1024 * 1024 ? readFileSync(file) : createReadStream(file),
          ContentLength: size,
          Metadata: metadata,
        }),
      );
    },
    async stop(signal?: NodeJS.Signals) {
      s3.destroy();
      RUNNING.delete(handle);
      return stop(signal);
    },
  });
}

/**
 * A list ingest runs with its V8 heap capped (`BENCH_INGEST_HEAP_MB`, default 192: what a 256 MB function leaves the
 * heap). Uncapped, V8 lets garbage pile up while memory is free, so the peak RSS would measure how lazily it collects
 * as much as what the ingest holds; capped, an ingest that needed more would fail here, loudly. `0` leaves it uncapped.
 */
function heapCap(job: Record<string, unknown>): string[] {
  const mb = Number(process.env.BENCH_INGEST_HEAP_MB ?? 192);
  return job.mode === 'ingest' && mb > 0 ? [`--max-old-space-size=${mb}`] : [];
}

/** Runs bench/ingest-child.ts with a job; returns its JSON line. */
export function runChild<T>(job: Record<string, unknown>, timeoutMs = 20 * 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...heapCap(job), '--import', 'tsx', 'bench/ingest-child.ts', JSON.stringify(job)],
      {
        cwd: ROOT,
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        env: {
          ...process.env,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
        },
      },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`ingest child failed: ${err.message}\n${stderr}`));
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(line) as T);
        } catch {
          reject(new Error(`ingest child printed no result:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}
