import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { localStreamsApi } from '../../../infra/sandbox/stream-poller.ts';

// The poller's Streams calls give up on a store that does not answer, and say which call failed and why, so its loop
// logs something a person can act on and retries (instead of waiting undici's 300 s for a hung GetRecords).
describe('localStreamsApi', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  const listen = (handler: Parameters<typeof createServer>[1]) =>
    new Promise<string>((resolve) => {
      server = createServer(handler);
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server!.address() as AddressInfo).port}`));
    });

  it('gives up on a call that never answers, naming the call', async () => {
    const held: Array<() => void> = [];
    const url = await listen((_req, res) => held.push(() => res.end()));
    const api = localStreamsApi(url, 'us-east-1', 200);
    await expect(api('GetRecords', { ShardIterator: 'x' })).rejects.toThrow(
      /^GetRecords on http:\/\/127\.0\.0\.1:\d+: .*(timeout|aborted)/i,
    );
    for (const end of held) end();
  });

  it('names the call when the store is not there', async () => {
    const url = await listen((_req, res) => res.end());
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    await expect(localStreamsApi(url, 'us-east-1')('DescribeStream', { StreamArn: 'a' })).rejects.toThrow(
      /^DescribeStream on .*fetch failed.*ECONNREFUSED/,
    );
  });

  it('passes the store’s own error through with its type', async () => {
    const url = await listen((_req, res) => {
      res.statusCode = 400;
      res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ExpiredIteratorException', message: 'old' }));
    });
    await expect(localStreamsApi(url, 'us-east-1')('GetRecords', { ShardIterator: 'x' })).rejects.toThrow(
      /^GetRecords: .*ExpiredIteratorException: old$/,
    );
  });
});
