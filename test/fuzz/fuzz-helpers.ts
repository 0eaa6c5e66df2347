import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { InvalidInputError } from '../../shared/errors.ts';

/**
 * Shared pieces of the fuzz suites: mutations of real files, chunkings, a time bound, and a heap measure.
 * Every property is seeded so a failure reproduces on the next run; FUZZ_SEED overrides it for exploration.
 */
export const SEED = Number(process.env.FUZZ_SEED ?? 20260309);

/** One edit of a file: the traps parsers meet in practice (cut files, stray quotes and brackets, lost bytes). */
export type Mutation =
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'flip'; at: number; byte: number };

const TRAPS = [
  '"',
  "'",
  '""',
  '<',
  '>',
  '</',
  '<!DOCTYPE x>',
  '&',
  '&amp;',
  '&xxe;',
  ']]>',
  '<![CDATA[',
  '{',
  '}',
  '[',
  ']',
  ',',
  ';',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '\\',
  '\u0000',
  '\uFEFF',
  '\uFFFD',
  '\u0092',
  '-0- ',
  'null',
  '1e999',
  '"\n"',
];

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom(...TRAPS),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    ),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
);

/** Applies mutations to bytes (positions taken modulo the current length, so every mutation applies). */
export function mutate(input: Buffer, mutations: readonly Mutation[]): Buffer {
  let b = input;
  for (const m of mutations) {
    const at = b.length ? m.at % (b.length + 1) : 0;
    switch (m.op) {
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text, 'utf8'), b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
        break;
      case 'duplicate':
        b = Buffer.concat([b.subarray(0, at + m.length), b.subarray(at)]);
        break;
      case 'flip':
        if (at < b.length) {
          b = Buffer.from(b);
          b[at] = m.byte;
        }
        break;
    }
  }
  return b;
}

/** Cut points (as fractions) that split a buffer into chunks: a streaming parser must not care where chunks end. */
export const chunkingArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 });

export function chunk(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const a of at) {
    if (a > from) out.push(bytes.subarray(from, a));
    from = Math.max(from, a);
  }
  if (from < bytes.length || out.length === 0) out.push(bytes.subarray(from));
  return out;
}

export async function* streamOf(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: InvalidInputError };

/**
 * Runs a parse to completion with a time bound. Anything thrown that is not an InvalidInputError (a TypeError, a
 * RangeError from a recursion or a string limit) fails the property; so does a run past the bound (a hang: the
 * generator is abandoned, and the failure is reported instead of the suite timing out).
 */
export async function bounded(what: string, run: () => Promise<unknown>, ms = 5000): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms (a hang?)`)), ms);
  });
  try {
    return { ok: true, value: await Promise.race([run(), timeout]) };
  } catch (err) {
    if (err instanceof InvalidInputError) return { ok: false, error: err };
    throw new Error(
      `${what}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} escaped (only InvalidInputError may)`,
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** A synchronous call's time: it cannot be interrupted, so the bound is checked after (a true hang hits testTimeout). */
export function timed<T>(what: string, run: () => T, ms: number): T {
  const start = performance.now();
  const value = run();
  const took = performance.now() - start;
  if (took > ms) throw new Error(`${what}: took ${Math.round(took)} ms (bound ${ms} ms)`);
  return value;
}

/** Comparable form of an outcome: records, or the error's class, message and where. */
export const comparable = (o: Outcome): unknown =>
  o.ok ? o.value : { error: o.error.name, message: o.error.message, where: o.error.where };

let gcFn: (() => void) | undefined;
/** Heap in use after a full collection (gc exposed at run time: vitest's workers do not start with --expose-gc). */
export function settledHeap(): number {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
  return process.memoryUsage().heapUsed;
}

export const MB = 1024 * 1024;
