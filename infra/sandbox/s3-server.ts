import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import S3rver from 's3rver';
import { freePort } from './ports.ts';

export interface S3Server {
  port: number;
  stop(): Promise<void>;
}

/**
 * s3rver 3.7.1, the only usable S3 server on npm (design §1). It runs behind our edge, which accepts any credentials
 * and decodes aws-chunked bodies before they reach it. `dir` undefined = a temporary folder removed on stop.
 */
export async function startS3Server(dir: string | undefined): Promise<S3Server> {
  const port = await freePort();
  const directory = dir ? resolve(dir) : mkdtempSync(join(tmpdir(), 'radar-s3-'));
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory,
    silent: true,
    // SigV4 is not checked by s3rver; the edge rewrites any access key to its built-in one.
    allowMismatchedSignatures: true,
    vhostBuckets: false,
  });
  await server.run();
  return {
    port,
    stop: async () => {
      await server.close();
      if (!dir) rmSync(directory, { recursive: true, force: true });
    },
  };
}
