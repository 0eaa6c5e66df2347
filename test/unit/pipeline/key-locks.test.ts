import { describe, expect, it } from 'vitest';
import { KeyLocks } from '../../../infra/sandbox/key-locks.ts';

/** Settles pending promise callbacks. */
const tick = () => new Promise((r) => setImmediate(r));

describe('KeyLocks (the edge orders one key’s requests as S3 does)', () => {
  it('reads share a key; a write waits for them and has it alone', async () => {
    const locks = new KeyLocks();
    const order: string[] = [];
    const r1 = await locks.acquire('b/k', false);
    const r2 = await locks.acquire('b/k', false);
    const w = locks.acquire('b/k', true).then((release) => {
      order.push('write');
      return release;
    });
    await tick();
    expect(order).toEqual([]);
    r1();
    await tick();
    expect(order).toEqual([]);
    r2();
    const releaseWrite = await w;
    expect(order).toEqual(['write']);
    const r3 = locks.acquire('b/k', false).then((release) => {
      order.push('read');
      return release;
    });
    await tick();
    expect(order).toEqual(['write']);
    releaseWrite();
    (await r3)();
    expect(order).toEqual(['write', 'read']);
    expect(locks.size).toBe(0);
  });

  it('a waiting write holds back later reads (no write waits for ever), and keys are independent', async () => {
    const locks = new KeyLocks();
    const order: string[] = [];
    const first = await locks.acquire('b/k', false);
    const w = locks.acquire('b/k', true).then((r) => {
      order.push('write');
      return r;
    });
    const late = locks.acquire('b/k', false).then((r) => {
      order.push('late read');
      return r;
    });
    const other = await locks.acquire('b/other', true); // another key: not held back
    await tick();
    expect(order).toEqual([]);
    first();
    (await w)();
    (await late)();
    other();
    expect(order).toEqual(['write', 'late read']);
    expect(locks.size).toBe(0);
  });

  it('a release called twice releases once', async () => {
    const locks = new KeyLocks();
    const a = await locks.acquire('k', false);
    const b = await locks.acquire('k', false);
    const w = locks.acquire('k', true);
    let granted = false;
    void w.then(() => (granted = true));
    a();
    a();
    await tick();
    expect(granted).toBe(false); // b still reads
    b();
    (await w)();
    expect(locks.size).toBe(0);
  });
});
