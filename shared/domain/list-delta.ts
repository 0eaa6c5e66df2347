import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ListedEntitySchema } from './model.ts';

/**
 * What one list version changed against the version it replaced (issue 11.3): ADD, MOD (with the fields that changed)
 * and DEL, and each entity's first-seen and last-changed dates carried across versions. Pure: the ingest streams the
 * versions through these functions a page at a time (shared/ingest/list-delta.ts); nothing here holds a version.
 */

export const CHANGE_TYPES = ['ADD', 'MOD', 'DEL'] as const;
export const ChangeType = z.enum(CHANGE_TYPES);
export type ChangeType = z.infer<typeof ChangeType>;

/**
 * The fields of an entity a change is about: every field of the list's entity schema but its identity (list, source
 * id). Taken from the schema, so a field added to it later is compared without anyone remembering to list it here.
 */
export const ENTITY_FIELDS: readonly string[] = Object.keys(ListedEntitySchema.shape).filter(
  (k) => k !== 'list' && k !== 'sourceId',
);

/**
 * A value in a form that does not depend on the order a file (or its part files) listed things in: arrays sorted by
 * their elements' normal form, object keys sorted, empty arrays and absent values the same. Aliases that a part file
 * added in another order are the same aliases; OFAC's add.csv, read before or after alt.csv, gives the same entity.
 */
export function normalForm(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) {
    const xs = [...new Set(v.map(normalForm).filter((x): x is string => x !== undefined))].sort();
    return xs.length ? `[${xs.join(',')}]` : undefined;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, normalForm(x)] as const)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)); // keys of one object: never equal
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${x}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** A stable hash of an entity's normalised fields (stored on the entity item as `hash`). */
export function entityHash(e: Record<string, unknown>): string {
  return digest(ENTITY_FIELDS.map((f) => `${f}=${normalForm(e[f]) ?? ''}`).join('\n'));
}

/** The fields whose normal form differs between two versions of an entity, in schema order. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return ENTITY_FIELDS.filter((f) => normalForm(before[f]) !== normalForm(after[f]));
}

/** The entity's dates as the version carries them: YYYY-MM-DD. */
export interface EntityDates {
  firstSeen: string;
  lastChanged: string;
}

export type EntityVerdict =
  | { change: undefined; hash: string; dates: EntityDates }
  | { change: 'ADD'; hash: string; dates: EntityDates }
  | { change: 'MOD'; hash: string; dates: EntityDates; fields: string[] };

/**
 * One entity of a new version against its counterpart in the version it replaces (undefined: not there). An item of a
 * version written before hashes existed has none stored: its hash is computed from its fields. Dates carry over from
 * the old item; an item without dates was there since before anyone kept them, so it gets the `since` date (the
 * list's first version) rather than a date that would claim it is new.
 */
export function judgeEntity(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  day: string,
  since: string,
): EntityVerdict {
  const hash = entityHash(after);
  if (!before) return { change: 'ADD', hash, dates: { firstSeen: day, lastChanged: day } };
  const firstSeen = typeof before.firstSeen === 'string' ? before.firstSeen : since;
  const lastChanged = typeof before.lastChanged === 'string' ? before.lastChanged : firstSeen;
  const oldHash = typeof before.hash === 'string' ? before.hash : entityHash(before);
  if (oldHash === hash) return { change: undefined, hash, dates: { firstSeen, lastChanged } };
  const fields = changedFields(before, after);
  // Equal normal forms under different hashes: the old hash came from another definition of the fields. Not a change.
  if (!fields.length) return { change: undefined, hash, dates: { firstSeen, lastChanged } };
  return { change: 'MOD', hash, dates: { firstSeen, lastChanged: day }, fields };
}

/**
 * Orders keys as DynamoDB orders string sort keys: by their UTF-8 bytes (JavaScript's `<` compares UTF-16 code
 * units, which differs for characters past U+FFFF against U+E000–U+FFFF).
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export type JoinRow<L, R> =
  | { key: string; left: L; right?: undefined }
  | { key: string; left?: undefined; right: R }
  | { key: string; left: L; right: R };

/**
 * A merge-join of two streams sorted by key (each key at most once per stream): every key once, with the row from the
 * left stream, the right, or both. Holds one row of each stream at a time, whatever their length.
 */
export async function* mergeJoin<L, R>(
  left: AsyncIterable<L>,
  right: AsyncIterable<R>,
  keyOfLeft: (l: L) => string,
  keyOfRight: (r: R) => string,
): AsyncGenerator<JoinRow<L, R>> {
  const li = left[Symbol.asyncIterator]();
  const ri = right[Symbol.asyncIterator]();
  let l = await li.next();
  let r = await ri.next();
  while (!l.done || !r.done) {
    if (r.done || (!l.done && compareKeys(keyOfLeft(l.value), keyOfRight(r.value)) < 0)) {
      const row = l.value as L;
      yield { key: keyOfLeft(row), left: row };
      l = await li.next();
    } else if (l.done || compareKeys(keyOfLeft(l.value), keyOfRight(r.value)) > 0) {
      const row = r.value as R;
      yield { key: keyOfRight(row), right: row };
      r = await ri.next();
    } else {
      yield { key: keyOfLeft(l.value), left: l.value, right: r.value };
      l = await li.next();
      r = await ri.next();
    }
  }
}

/** The day (YYYY-MM-DD) `days` after (or before, negative) a day. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Days of the news windows around a change (issue 11.4). */
export const NEWS_WINDOW_DAYS = 30;

/**
 * The windows `articlesBefore` and `articlesAfter` count over: the 30 days before the day of the change, and the day
 * of the change with the 29 after it (an article of the day itself is the news of the change, not before it).
 */
export function newsWindows(changedAt: string): {
  before: { from: string; to: string };
  after: { from: string; to: string };
} {
  const day = changedAt.slice(0, 10);
  return {
    before: { from: addDays(day, -NEWS_WINDOW_DAYS), to: addDays(day, -1) },
    after: { from: day, to: addDays(day, NEWS_WINDOW_DAYS - 1) },
  };
}
