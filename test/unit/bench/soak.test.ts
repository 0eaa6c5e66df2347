import { describe, expect, it } from 'vitest';
import { growthAfterWarmup, stallsIn } from '../../../bench/soak.ts';

const at = (t: number, backlog: number, processed: number) => ({ t: t * 1000, backlog, processed });

describe('soak verdicts', () => {
  it('a queue with work waiting and nothing processed for a minute is a stall; idle or moving queues are not', () => {
    const moving = [at(0, 5, 0), at(30, 9, 10), at(60, 7, 20), at(90, 8, 30)];
    expect(stallsIn(moving)).toEqual([]);
    const idle = [at(0, 0, 10), at(60, 0, 10), at(120, 0, 10)];
    expect(stallsIn(idle)).toEqual([]);
    // As the soak of 2026-11-29 saw it: two handlers hung on torn S3 reads, 123 messages waiting for eight minutes.
    const hung = [at(0, 5, 0), at(100, 123, 80), at(140, 123, 80), at(300, 123, 80), at(600, 123, 80), at(605, 0, 203)];
    expect(stallsIn(hung)).toEqual([{ from: 100_000, to: 600_000 }]);
    // Shorter than the limit: not a stall.
    expect(stallsIn([at(0, 3, 1), at(40, 3, 1), at(45, 0, 4)])).toEqual([]);
  });

  it('memory growth compares medians after warm-up, so one spike decides nothing', () => {
    const samples = [0, 30, 60, 90, 120, 150, 180].map((t, i) => ({
      t: t * 1000,
      nodeKb: i === 5 ? 900 : 100,
      javaKb: 0,
      totalKb: 0,
      backlog: 0,
      processed: 0,
      longestRunMs: 0,
    }));
    expect(growthAfterWarmup(samples, 30_000, 'nodeKb').growth).toBe(0);
  });
});
