import { describe, expect, it } from 'vitest';
import { isLinearOrBetter, quantileOf, ratioOf, scalingExponentOf, summarise } from '../../../bench/stats.ts';

describe('bench stats', () => {
  it('takes the median of an odd and an even number of runs, in any order', () => {
    // Prepare
    const odd = [5, 1, 3];
    const even = [4, 1, 3, 2];

    // Act
    const a = summarise(odd);
    const b = summarise(even);

    // Assess
    expect(a.median).toBe(3);
    expect(b.median).toBe(2.5);
    expect([a.min, a.max, a.n]).toEqual([1, 5, 3]);
  });

  it('reports quartiles by linear interpolation and the spread relative to the median', () => {
    // Prepare
    const values = [10, 20, 30, 40, 50];

    // Act
    const s = summarise(values);

    // Assess
    expect(s.q1).toBe(20);
    expect(s.q3).toBe(40);
    expect(s.spread).toBeCloseTo(40 / 30, 12);
    expect(quantileOf([1, 2], 0.25)).toBeCloseTo(1.25, 12);
  });

  it('gives a spread of zero when every run agrees, and refuses no values or non-finite ones', () => {
    // Prepare / Act
    const same = summarise([7, 7, 7]);

    // Assess
    expect(same.spread).toBe(0);
    expect(() => summarise([])).toThrow(RangeError);
    expect(() => summarise([1, Number.NaN])).toThrow(RangeError);
    expect(() => quantileOf([1], 1.5)).toThrow(RangeError);
  });

  it('divides a figure by its baseline, and has no ratio to a zero baseline', () => {
    // Prepare / Act / Assess
    expect(ratioOf(30, 60)).toBe(0.5);
    expect(ratioOf(1, 0)).toBeUndefined();
  });

  it('fits a growth exponent of 1 for constant throughput and 2 for throughput falling as the input grows', () => {
    // Prepare
    const linear = [1, 10, 100].map((size) => ({ size, throughput: 50 }));
    const quadratic = [1, 10, 100].map((size) => ({ size, throughput: 50 / size }));
    const sublinear = [1, 10, 100].map((size) => ({ size, throughput: 50 * Math.sqrt(size) }));

    // Act
    const [lin, quad, sub] = [linear, quadratic, sublinear].map((p) => scalingExponentOf(p));

    // Assess
    expect(lin).toBeCloseTo(1, 12);
    expect(quad).toBeCloseTo(2, 12);
    expect(sub).toBeCloseTo(0.5, 12);
    expect(isLinearOrBetter(lin)).toBe(true);
    expect(isLinearOrBetter(quad)).toBe(false);
    expect(scalingExponentOf([{ size: 1, throughput: 1 }])).toBeUndefined();
  });
});
