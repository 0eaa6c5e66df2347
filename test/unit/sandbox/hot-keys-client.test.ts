import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { onFreshConnection, sandboxHotKeys } from '../../helpers/sandbox.ts';

// The benchmarks read and reset the edge's hot-key meter between phases minutes apart; a connection the edge dropped
// meanwhile must not end an hour-long pass (fetch itself never retries).
describe('sandboxHotKeys', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  /** An edge that drops the connection of its first `drops` requests unanswered, then answers. */
  const edge = (drops: number) =>
    new Promise<{ url: string; seen: () => number }>((resolve) => {
      let n = 0;
      server = createServer((req, res) => {
        n++;
        if (n <= drops) return req.socket.destroy();
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ since: 0, hottest: [], over: [], totals: { writeUnits: 7, readUnits: 0 } }));
      });
      server.listen(0, '127.0.0.1', () =>
        resolve({ url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen: () => n }),
      );
    });

  it('sends a read and a reset again on a new connection when the edge drops one', async () => {
    const e = await edge(2);
    expect((await sandboxHotKeys(e.url, { limit: 1 })).totals?.writeUnits).toBe(7);
    expect(e.seen()).toBe(3);
    const r = await edge(1);
    expect((await sandboxHotKeys(r.url, { reset: true })).totals?.writeUnits).toBe(7);
    expect(r.seen()).toBe(2);
  });

  it('gives up after three attempts, naming the call and the cause', async () => {
    const e = await edge(99);
    await expect(sandboxHotKeys(e.url)).rejects.toThrow(/^hot keys on http:\/\/127\.0\.0\.1:\d+: fetch failed \(.+\)/);
    expect(e.seen()).toBe(3);
  });

  it('does not try again when nothing listens', async () => {
    let calls = 0;
    const gone = await edge(0);
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    await expect(
      onFreshConnection('probe', () => {
        calls++;
        return fetch(gone.url);
      }),
    ).rejects.toThrow(/^probe: fetch failed .*ECONNREFUSED/);
    expect(calls).toBe(1);
  });
});
