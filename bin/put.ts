import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { IngestResponse } from '../shared/query/api.ts';
import { SANDBOX } from '../shared/resources.ts';
import type { IngestStatus } from '../shared/domain/ingest-status.ts';
import { ApiError, apiGet } from './api-client.ts';
import {
  assertFiles,
  forgetEndpointEnv,
  guessPrefix,
  keyPath,
  keyProblem,
  objectKey,
  type Prefix,
  UsageError,
} from './args.ts';
import { describeIngest } from './format.ts';
import { formatBytes, green, progress } from './output.ts';

/** Loaded only by `radar put`: the S3 client and multipart upload are most of the CLI's code. */

export interface PutOptions {
  to?: Prefix;
  key?: string;
  endpoint: string;
  profile?: string;
  bucket: string;
  force?: boolean;
  wait: boolean;
  timeout: string;
  api: string;
  json?: boolean;
}

export async function put(files: string[], o: PutOptions): Promise<void> {
  if (o.key && files.length > 1) throw new UsageError('--key takes one file only');
  if (o.key) {
    const problem = keyProblem(o.key, o.to);
    if (problem) throw new UsageError(problem);
  }
  assertFiles(files);
  const aws = o.endpoint === 'aws';
  if (aws) forgetEndpointEnv();
  if (o.profile) process.env.AWS_PROFILE = o.profile; // the SDK's default chain reads it
  const s3 = new S3Client({
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? SANDBOX.region,
    ...(aws
      ? {}
      : {
          endpoint: o.endpoint,
          forcePathStyle: true,
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test',
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
          },
        }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const results: IngestStatus[] = [];
  let failed = 0;
  for (const file of files) {
    const size = statSync(file).size;
    const key = objectKey(file, o.to ?? guessPrefix(file), o.key);
    const bar = progress(basename(file), size);
    const started = new Date();
    const upload = new Upload({
      client: s3,
      params: {
        Bucket: o.bucket,
        Key: key,
        Body: createReadStream(file),
        ...(o.force ? { Metadata: { force: 'true' } } : {}),
      },
    });
    upload.on('httpUploadProgress', (p) => bar.update(p.loaded ?? 0));
    try {
      await upload.done();
    } catch (err) {
      bar.end();
      throw new Error(
        `upload of ${file} to s3://${o.bucket}/${key} failed: ${(err as Error).message}${aws ? '' : ` (is the sandbox running at ${o.endpoint}? Start it with radar up, or pass --endpoint URL)`}`,
      );
    }
    bar.end();
    if (!o.json) process.stdout.write(`${green('↑')} ${file} → s3://${o.bucket}/${key} (${formatBytes(size)})\n`);
    if (!o.wait) continue;
    const status = await waitForIngest(o.api, key, started, Number(o.timeout) * 1000);
    results.push(status);
    if (status.status === 'failed' || status.status === 'quarantined') failed++;
    if (!o.json) process.stdout.write(`${describeIngest(status)}\n`);
  }
  if (o.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  if (failed) process.exitCode = 2;
}

async function waitForIngest(api: string, key: string, since: Date, timeoutMs: number): Promise<IngestStatus> {
  const deadline = Date.now() + timeoutMs;
  const path = keyPath('ingests', key);
  for (;;) {
    const s = await apiGet(api, path, IngestResponse).catch((err) => {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    });
    if (s && s.status !== 'processing' && new Date(s.updatedAt).getTime() >= since.getTime() - 1000) return s;
    if (Date.now() > deadline)
      throw new Error(`no ingest result for ${key} after ${timeoutMs / 1000} s; see: radar ingests ${key}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
