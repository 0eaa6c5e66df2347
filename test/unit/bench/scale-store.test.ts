import { describe, expect, it } from 'vitest';
import { storeOnDisk } from '../../../bench/suites/scale.ts';

// DynamoDB Local in memory would need ~80 GB at 100× (0.8 GB per 1×, measured): that size goes to disk by default.
describe('storeOnDisk', () => {
  it('keeps 1× and 10× in memory and puts 100× on disk by default', () => {
    expect([1, 10, 100].map((s) => storeOnDisk(s, {}))).toEqual([false, false, true]);
  });
  it('follows BENCH_SCALE_STORE at every size', () => {
    expect(storeOnDisk(1, { BENCH_SCALE_STORE: 'disk' })).toBe(true);
    expect(storeOnDisk(100, { BENCH_SCALE_STORE: 'memory' })).toBe(false);
    expect(storeOnDisk(100, { BENCH_SCALE_STORE: '' })).toBe(true);
  });
  it('refuses a value it does not know, saying which it takes', () => {
    expect(() => storeOnDisk(1, { BENCH_SCALE_STORE: 'ssd' })).toThrow(
      /BENCH_SCALE_STORE is "ssd": use disk or memory/,
    );
  });
});
