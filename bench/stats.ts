/**
 * The few statistics the benchmarks report. Shared machines are noisy: a figure is the median of several runs, with
 * its spread (min–max and the interquartile range), and a claim is a ratio to a baseline measured in the same run.
 */

export interface Summary {
  /** Number of runs. */
  n: number;
  median: number;
  min: number;
  max: number;
  /** First and third quartiles (linear interpolation, as R's type 7 and numpy's default). */
  q1: number;
  q3: number;
  /** (max − min) / median: the relative spread, 0 when all runs agree. */
  spread: number;
}

/** The q-quantile of sorted values, interpolating linearly between neighbours. */
export function quantileOf(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  if (q < 0 || q > 1) throw new RangeError(`quantile ${q} outside [0, 1]`);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function summarise(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('summary of no values');
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError('summary of a non-finite value');
  const s = [...values].sort((a, b) => a - b);
  const median = quantileOf(s, 0.5);
  const min = s[0]!;
  const max = s[s.length - 1]!;
  return {
    n: s.length,
    median,
    min,
    max,
    q1: quantileOf(s, 0.25),
    q3: quantileOf(s, 0.75),
    spread: median === 0 ? 0 : (max - min) / median,
  };
}

/** Ratio of two medians (a figure to its baseline); undefined when the baseline is zero. */
export function ratioOf(figure: number, baseline: number): number | undefined {
  return baseline === 0 ? undefined : figure / baseline;
}

/**
 * How a throughput holds up as the input grows: the exponent b of time ∝ size^b fitted through (size, time) points by
 * least squares on logs. b ≈ 1 is linear; b > 1 shows worse than linear (the throughput falls as input grows).
 * Throughput = size / time, so time = size / throughput.
 */
export function scalingExponentOf(points: readonly { size: number; throughput: number }[]): number | undefined {
  const ok = points.filter((p) => p.size > 0 && p.throughput > 0);
  if (ok.length < 2) return undefined;
  const xs = ok.map((p) => Math.log(p.size));
  const ys = ok.map((p) => Math.log(p.size / p.throughput));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? undefined : num / den;
}

/** Verdict for a growth exponent: noise of ±10 % over two decades is within 0.03 of 1; we allow 0.1. */
export const isLinearOrBetter = (exponent: number | undefined): boolean | undefined =>
  exponent === undefined ? undefined : exponent <= 1.1;
