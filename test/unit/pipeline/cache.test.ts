import { describe, expect, it } from 'vitest';
import { makeTtlCache } from '../../../shared/query/cache.ts';

describe('makeTtlCache', () => {
  it('answers from memory within the TTL, reads again after it, and forgets failures', async () => {
    // Prepare
    let t = 0;
    let reads = 0;
    const cached = makeTtlCache(1000, 10, () => t);
    const load = async () => ++reads;
    // Act + Assess
    expect(await cached('a', load)).toBe(1);
    expect(await Promise.all([cached('a', load), cached('a', load)])).toEqual([1, 1]);
    t = 1500;
    expect(await cached('a', load)).toBe(2);
    await expect(
      cached('b', async () => {
        throw new Error('store down');
      }),
    ).rejects.toThrow('store down');
    expect(await cached('b', load)).toBe(3);
  });
});
