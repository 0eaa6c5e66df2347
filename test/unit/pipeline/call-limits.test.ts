import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_LIMITS, makeDocumentClient, makeS3Client } from '../../../shared/adapters/aws.ts';
import { makeS3Source, readAll } from '../../../shared/adapters/s3-source.ts';
import { loadConfig } from '../../../shared/config.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';

// A server that stalls: it answers S3 GETs with headers and half a body, and DynamoDB calls not at all. The clients
// the functions build must fail such a call (and so the invocation is retried), never wait on it for ever. The real
// limits are a minute; here the same options, scaled down.

let server: Server;
let endpoint: string;
const SMALL = { connectionTimeout: 500, requestTimeout: 600, throwOnRequestTimeout: true, socketTimeout: 600 };

describe('call limits: a stalled S3 or DynamoDB call fails instead of hanging', () => {
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.headers['x-amz-target']) return; // DynamoDB: never answers
      res.writeHead(200, { 'content-length': '100', etag: '"abc"' });
      res.write('x'.repeat(50)); // S3 GET: half the body, then silence
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('the production limits set every option that makes a stall an error', () => {
    for (const limits of Object.values(CALL_LIMITS))
      expect(limits).toMatchObject({
        throwOnRequestTimeout: true,
        socketTimeout: expect.any(Number),
        requestTimeout: expect.any(Number),
      });
  });

  it('an S3 body that stops arriving ends in an error', async () => {
    const config = loadConfig({
      TABLE_NAME: 't',
      BUCKET_NAME: 'b',
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
    });
    const source = makeS3Source(makeS3Client(config, SMALL), 'b');
    const obj = await source.get('k', 1_000);
    await expect(readAll(obj!.body)).rejects.toThrow(/timed out|aborted|closed/i);
  });

  it('a DynamoDB call that is never answered ends in an error', async () => {
    const config = loadConfig({
      TABLE_NAME: 't',
      BUCKET_NAME: 'b',
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
    });
    const doc = makeDocumentClient(config, SMALL);
    // maxAttempts 8: each try ends at the limit, then the last error surfaces.
    await expect(doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } }))).rejects.toThrow(
      /timeout|timed out|exceeded/i,
    );
  }, 60_000);
});
