import { createHash } from 'node:crypto';
import { InvalidInputError } from '../errors.ts';

/**
 * Opaque cursors: base64url of an offset into a bounded, precomputed result, bound to the filters it was made for.
 * A forged or reused cursor can only move within that result (never into a scan); a mismatch is a 400.
 */
export function encodeCursor(offset: number, filters: unknown): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint(filters) })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, filters: unknown): number {
  if (!cursor) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
  }
  const p = parsed as { o?: unknown; f?: unknown };
  if (typeof p.o !== 'number' || !Number.isInteger(p.o) || p.o < 0 || p.o > 1_000_000)
    throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
  if (p.f !== fingerprint(filters))
    throw new InvalidInputError('cursor belongs to other filters; repeat the query without it', { where: 'cursor' });
  return p.o;
}

function fingerprint(filters: unknown): string {
  return createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 12);
}

/** Longest cursor accepted: positions in up to a few dozen streams, each a sort key and an id. */
export const MAX_CURSOR_LENGTH = 8000;

/**
 * A cursor holding a position state (per-shard positions of a merged read, issue 17.2), bound to the filters like
 * the offset cursors. The state is checked by the caller's schema: a forged one can only name positions in the
 * partitions the filters already select.
 */
export function encodeStateCursor(state: unknown, filters: unknown): string {
  return Buffer.from(JSON.stringify({ s: state, f: fingerprint(filters) })).toString('base64url');
}

export function decodeStateCursor(cursor: string | undefined, filters: unknown): unknown {
  if (!cursor) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
  }
  const p = parsed as { s?: unknown; f?: unknown };
  if (p === null || typeof p !== 'object' || p.s === undefined)
    throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
  if (p.f !== fingerprint(filters))
    throw new InvalidInputError('cursor belongs to other filters; repeat the query without it', { where: 'cursor' });
  return p.s;
}
