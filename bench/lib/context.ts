import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Figure, Growth } from './report.ts';

export interface SuiteContext {
  quick: boolean;
  /** `--sizes 1,10`: the corpus multiples a suite that scales its corpus runs at (the scale suite). */
  sizes?: number[];
  /** A scratch folder for generated files, removed at the end. */
  tmpDir: string;
  figures: Figure[];
  growth: Growth[];
  notes: string[];
  log(line: string): void;
}

export interface Suite {
  name: string;
  title: string;
  run(ctx: SuiteContext): Promise<void>;
}

setFlagsFromString('--expose-gc');
const gcFn = runInNewContext('gc') as (() => void) | undefined;

/** A full collection between runs, so one run's garbage is not billed to the next. */
export function collectGarbage(): void {
  gcFn?.();
}

/** A buffer as a stream of byte chunks, as S3 delivers a body. */
export async function* chunksOf(bytes: Buffer, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, Math.min(bytes.length, i + size));
}

/** Wall time of an async function, in seconds. */
export async function timeOf<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  collectGarbage();
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, value };
}

/**
 * Seconds per call of `fn`, calling it repeatedly until at least `minSeconds` passed: a small input parsed once takes
 * a few milliseconds, where timer and scheduler noise would swamp it.
 */
export async function secondsPerCall<T>(
  fn: () => Promise<T>,
  minSeconds: number,
): Promise<{ seconds: number; value: T }> {
  collectGarbage();
  const t0 = process.hrtime.bigint();
  let calls = 0;
  let value: T;
  let elapsed = 0;
  do {
    value = await fn();
    calls++;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (elapsed < minSeconds);
  return { seconds: elapsed / calls, value };
}
