import { createHash } from 'node:crypto';
import { z } from 'zod';
import { changePrefix, entityRefPartition } from '../domain/keys.ts';
import { ChangeType, newsWindows } from '../domain/list-delta.ts';
import { CountryCode, EntityType, ListId } from '../domain/model.ts';
import { InvalidInputError } from '../errors.ts';
import type { ChangeLog } from '../ports.ts';

/**
 * `GET /changes` (issue 11.3, 11.4): what each new list version added, changed and removed, newest first across lists,
 * with how often the news mentioned each entity in the 30 days before and after the change.
 *
 * Reads per page: change sets (one item per list version) a page at a time, and for each set visited one key-range
 * read of its changes (`T#<type>#…`, or `C#<country>#<type>#…`: every filter is a key range, nothing is filtered
 * after reading), merged from the version's CHANGE_SHARDS partitions in sort-key order (`pageChanges`: a few
 * Queries per shard, at most CHANGE_SHARDS × (limit + 1) items, about 1.5 × limit + 16); at most MAX_SETS_PER_PAGE
 * sets a page, so a filter that matches nothing in many versions returns a
 * short page with a cursor rather than reading on. Then two bounded Count queries per item over the entity's
 * article references (`REF#<entity>`, sorted by date): at most 2 × limit queries, each counting at most NEWS_CAP.
 */

export const MAX_CHANGES_LIMIT = 200;
/** Change sets read for one page at most (a filter that matches little can make a page visit many). */
export const MAX_SETS_PER_PAGE = 25;
/** Articles counted per window at most: more is reported as the cap with `articlesCapped`. */
export const NEWS_CAP = 1000;

const isCalendarDate = (s: string): boolean => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

export const ChangesQuery = z
  .object({
    list: ListId.optional(),
    since: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
      .refine(isCalendarDate, 'not a day of the calendar')
      .optional(),
    type: ChangeType.optional(),
    country: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(CountryCode)
      .optional(),
    limit: z
      .string()
      .regex(/^[1-9]\d{0,3}$/, `expected a whole number from 1 to ${MAX_CHANGES_LIMIT}, written in digits`)
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_CHANGES_LIMIT))
      .default(50),
    cursor: z.string().max(2000).optional(),
  })
  .strict();
export type ChangesQuery = z.infer<typeof ChangesQuery>;

export const ChangeItem = z.object({
  list: z.string(),
  version: z.string(),
  previousVersion: z.string(),
  /** When the version's content was published (its upload time): ISO. */
  changedAt: z.string(),
  type: ChangeType,
  entityId: z.string(),
  sourceId: z.string(),
  name: z.string(),
  entityType: EntityType,
  countries: z.array(z.string()),
  /** For a MOD: the fields whose normalised value changed. */
  fields: z.array(z.string()).optional(),
  firstSeen: z.string(),
  lastChanged: z.string(),
  /** Articles mentioning the entity in the 30 days before the day of the change (dated articles only). */
  articlesBefore: z.number().int(),
  /** … on the day of the change and the 29 days after it. */
  articlesAfter: z.number().int(),
  /** Set when a count reached NEWS_CAP: the number shown is a floor. */
  articlesCapped: z.boolean().optional(),
});
export type ChangeItem = z.infer<typeof ChangeItem>;

export const ChangesResponse = z.object({ items: z.array(ChangeItem), nextCursor: z.string().nullable() });
export type ChangesResponse = z.infer<typeof ChangesResponse>;

/** Where a page stopped: the change set (its position in the listing read) and the last change read in it. */
const Position = z.object({ s: z.string().max(600), k: z.string().max(1200).nullable(), f: z.string() });

function fingerprint(q: ChangesQuery): string {
  const { cursor: _c, limit: _l, ...filters } = q;
  return createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 12);
}

function decodePosition(q: ChangesQuery): { s: string; k: string | null } | undefined {
  if (!q.cursor) return undefined;
  let p: z.infer<typeof Position>;
  try {
    p = Position.parse(JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
  }
  if (p.f !== fingerprint(q))
    throw new InvalidInputError('cursor belongs to other filters; repeat the query without it', { where: 'cursor' });
  return p;
}

const encodePosition = (q: ChangesQuery, s: string, k: string | null) =>
  Buffer.from(JSON.stringify({ s, k, f: fingerprint(q) })).toString('base64url');

export async function listChanges(q: ChangesQuery, store: ChangeLog): Promise<ChangesResponse> {
  const at = decodePosition(q);
  const prefix = changePrefix({ type: q.type, country: q.country });
  const items: Record<string, unknown>[] = [];
  // Sets are listed from `pos` inclusive: the cursor's set is resumed after its key; a set that ended the previous
  // batch was read to its end and is skipped.
  let pos = at?.s;
  let resumeKey = at?.k ?? undefined;
  let posDone = false;
  let visited = 0;
  for (;;) {
    const batch = await store.listChangeSets({ list: q.list, since: q.since, atOrBefore: pos, limit: SET_BATCH });
    for (const set of batch.items) {
      if (set.pos === pos && posDone) continue;
      if (visited >= MAX_SETS_PER_PAGE)
        return { items: await withNews(items, store), nextCursor: encodePosition(q, set.pos, null) };
      visited++;
      const resume = set.pos === pos ? resumeKey : undefined;
      if (q.type && Number(set[q.type] ?? 0) === 0) continue; // the set's counts say nothing of this type is in it
      const page = await store.pageChanges(String(set.list), String(set.version), prefix, {
        after: resume,
        limit: q.limit - items.length,
      });
      items.push(...page.items);
      if (items.length >= q.limit) {
        // Full: the next page resumes after the last change read (an empty look if that ended the set).
        const last = String(items[items.length - 1]!.sk);
        return { items: await withNews(items, store), nextCursor: encodePosition(q, set.pos, last) };
      }
    }
    const last = batch.items[batch.items.length - 1];
    if (!batch.more || !last) break;
    pos = last.pos;
    resumeKey = undefined;
    posDone = true;
  }
  return { items: await withNews(items, store), nextCursor: null };
}

/** Change sets read per listing query. */
const SET_BATCH = 11;

/** Each change with the article counts of its two windows: two bounded Count queries per item. */
async function withNews(items: Record<string, unknown>[], store: ChangeLog): Promise<ChangeItem[]> {
  return Promise.all(
    items.map(async (it) => {
      const w = newsWindows(String(it.changedAt));
      const pk = entityRefPartition(String(it.entityId));
      const [before, afterC] = await Promise.all([
        store.countRange(pk, `${w.before.from}#`, `${w.before.to}#\uffff`, NEWS_CAP),
        store.countRange(pk, `${w.after.from}#`, `${w.after.to}#\uffff`, NEWS_CAP),
      ]);
      return ChangeItem.parse({
        ...it,
        articlesBefore: before.count,
        articlesAfter: afterC.count,
        ...(before.capped || afterC.capped ? { articlesCapped: true } : {}),
      });
    }),
  );
}
