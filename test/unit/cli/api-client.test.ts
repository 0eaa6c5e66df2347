import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiGet } from '../../../bin/api-client.ts';

/** A stand-in for LocalStack's edge: it answers by the Host header, as LocalStack routes Function URLs. */
let server: Server;
let port: number;
const seen: string[] = [];

describe('radar calls a LocalStack Function URL given in either form (issue 13)', () => {
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.headers.host} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('the IP form and the localhost.localstack.cloud form both reach the edge with the LocalStack Host', async () => {
    // Prepare
    const forms = [
      `http://abc123.lambda-url.us-east-1.127.0.0.1:${port}/`,
      `http://abc123.lambda-url.us-east-1.localhost.localstack.cloud:${port}`,
    ];
    for (const base of forms) {
      // Act
      const body = await apiGet(base, 'health?x=1', z.object({ status: z.string() }));
      // Assess
      expect(body).toEqual({ status: 'ok' });
      expect(seen.pop()).toBe(`abc123.lambda-url.us-east-1.localhost.localstack.cloud:${port} /health?x=1`);
    }
  });
});
