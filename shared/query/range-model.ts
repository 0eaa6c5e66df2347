import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Amounts } from '../domain/contribution.ts';
import { type EntityRow, foldName, laneOf, rowLanes } from '../domain/entity-rows.ts';
import { counterPartition, entityRowPartition, ROW_SHARDS, timelineDimension } from '../domain/keys.ts';
import { monthItemCells } from '../domain/timeline.ts';
import { InvalidInputError } from '../errors.ts';
import type { ListCatalog, Position, RangeReader, ReadModel } from '../ports.ts';
import { decodeStateCursor, encodeStateCursor } from './cursor.ts';
import { type StreamPos, walkSegments } from './merge.ts';
import {
  type EntityFilters,
  type EntityOut,
  facetFor,
  type ListedItem,
  listTailSegments,
  rowOut,
  universeFacet,
} from './read-model.ts';

/**
 * `/counts/entities` with any `from`/`to` (issue 17.2), exact, from the read model and the entities' timelines:
 *
 *  - **Sorted access**: the facet's entity rows of a *cover* of the range, the fewest kept periods that hold it
 *    (up to 3 months, else up to 3 years, else all time), 4 row shards each, through the count or name index. An
 *    entity's amount in a cover period bounds its amount in the part of the range inside it, so the sum of the last
 *    values read in each period bounds every entity not read yet (Fagin's threshold algorithm, upper bounds only).
 *  - **Random access**: an entity's exact amounts over the range, from its timeline series (`CNT#tl:<id>`: one item
 *    per month it was in the news, each day an attribute of it): one key range per entity, the months it was in the
 *    news in the range, whatever the number of articles (an article has one date, so the sum is exact).
 *  - Count order, descending: rows are read shard by shard where the threshold comes from, until the `limit`-th best
 *    exact amount is at or above it. By name: the cover's name-ordered rows merged (an entity in two periods once),
 *    those with 0 in the range dropped; a page stops after RANGE_NAME_BUDGET rows (then short, with a cursor).
 *  - The listed universe (`listed=true`, `list=`): by count, those in the range first, then the list versions'
 *    entities with 0 in the range (the all-time read model's tail, each entity's all-time counter read first and its
 *    range only when that is above 0); by name, the all-time read model's merge of the versions' name indexes with
 *    range counts for the page.
 *  - Count order, ascending: no kept period gives a *lower* bound of an entity's range amount (it may have 1 in the
 *    range and any number in the cover), so no read can stop early: a page reads every row of the cover (the facet's
 *    lanes in each cover period) and each distinct entity's months in the range, then sorts. Bounded by the cover,
 *    not by `limit` (nor by the store: a period's rows are the entities in the news then). The listed universe
 *    gives its entities with 0 in the range first (the list versions walked by source id, as the descending tail).
 *
 * What one request reads, then: sorted access of depth D per shard (D ≥ limit / 4, more when the cover's order and
 * the range's disagree), and for each distinct entity read its months in the news in the range (≤ 1 per month). D
 * depends on how the range's ranking differs from the cover's, not on the size of the store. A next page starts
 * again from the top and skips what the cursor's last (amount, id) already gave, reading at least as deep as the
 * page before it (the cursor says how deep, so it is read in one go).
 */

/** Rows looked at per page by name before a page comes back short (with a cursor that resumes after the last one). */
export const RANGE_NAME_BUDGET = 400;
/** Entities of one amount a cursor remembers before the rest of that amount is given in strict id order. */
export const TIE_SET_MAX = 250;
/** Pages larger than this give every amount in strict id order (their shown sets would not fit a cursor). */
const STRICT_LIMIT = 100;
/** Random accesses in flight at once. */
const PARALLEL = 16;

export type RangeFilters = EntityFilters & { from?: string | undefined; to?: string | undefined };
type Deps = ReadModel & RangeReader & Pick<ListCatalog, 'readListPointers' | 'getItems'>;

const monthOf = (d: string) => d.slice(0, 7);
const nextMonth = (m: string) => {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, mo, 1)).toISOString().slice(0, 7);
};
const monthEnd = (m: string) => {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10);
};

/** The open ends of a range: any date before or after. */
const LOW = '0000-00-00';
const HIGH = '9999-99-99';

/**
 * The kept periods whose rows a range's rows are read from: its months when it touches at most `maxMonths` (3 for
 * count order; 1 by name, where each period is one more stream to merge and its year's rows read fewer), else its
 * years when at most 3, else all time (one scope: also for an open end).
 */
export function coverScopes(from: string | undefined, to: string | undefined, maxMonths = 3): string[] {
  if (!from || !to) return [''];
  const months: string[] = [];
  for (let m = monthOf(from); m <= monthOf(to) && months.length <= maxMonths; m = nextMonth(m)) months.push(m);
  if (months.length <= maxMonths) return months.map((m) => `@${m}`);
  const years: string[] = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) years.push(String(y));
  return years.length <= 3 ? years.map((y) => `@${y}`) : [''];
}

/** Ranges of at most this many months are read by key (one batch get for every entity and month), longer by range. */
const BATCH_MONTHS = 4;

/** Adds what one timeline month item holds of [lo, hi]: the whole month if inside, else its days inside. */
function addMonth(into: Amounts, sortKey: string, item: Record<string, unknown>, lo: string, hi: string) {
  const month = sortKey.slice(2);
  const whole = `${month}-01` >= lo && monthEnd(month) <= hi;
  for (const c of monthItemCells(sortKey, item)) {
    const day = c.member.startsWith('d:') ? c.member.slice(2) : undefined;
    if (whole ? day !== undefined : day === undefined || day < lo || day > hi) continue;
    into.articles += c.articles;
    into.mentions += c.mentions;
  }
}

/**
 * Exact amounts of entities over [from, to] (either end open), from their timeline series: a month inside the range
 * counts whole, an edge month by its days. A short range is one batch get of each entity's months (few calls, in
 * parallel: what a page waits for); a longer one a key range per entity (only the months it was in the news).
 */
export async function rangeAmounts(
  ids: readonly string[],
  from: string | undefined,
  to: string | undefined,
  store: RangeReader & Pick<ListCatalog, 'getItems'>,
): Promise<Map<string, Amounts>> {
  const lo = from ?? LOW;
  const hi = to ?? HIGH;
  const out = new Map<string, Amounts>();
  const todo = [...new Set(ids)];
  for (const id of todo) out.set(id, { articles: 0, mentions: 0 });
  if (!todo.length) return out;
  const months: string[] = [];
  if (from && to)
    for (let m = monthOf(lo); m <= monthOf(hi) && months.length <= BATCH_MONTHS; m = nextMonth(m)) months.push(m);
  if (from && to && months.length <= BATCH_MONTHS) {
    const idOf = new Map(todo.map((id) => [counterPartition(timelineDimension(id)), id]));
    const items = await store.getItems([...idOf.keys()].flatMap((pk) => months.map((m) => ({ pk, sk: `m:${m}` }))));
    for (const it of items) addMonth(out.get(idOf.get(String(it.pk))!)!, String(it.sk), it, lo, hi);
    return out;
  }
  let next = 0;
  const one = async (id: string) => {
    const amounts = out.get(id)!;
    let after: string | undefined;
    for (;;) {
      const r = await store.readRange({
        pk: counterPartition(timelineDimension(id)),
        lower: `m:${monthOf(lo)}`,
        upper: `m:${monthOf(hi)}`,
        after,
        descending: false,
        limit: 100,
      });
      for (const { sortKey, item } of r.items) addMonth(amounts, sortKey, item, lo, hi);
      if (!r.more || !r.items.length) break;
      after = r.items[r.items.length - 1]!.sortKey;
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, todo.length) }, async () => {
      while (next < todo.length) await one(todo[next++]!);
    }),
  );
  return out;
}

const At = z.object({
  v: z.number(),
  shown: z.array(z.string().length(8)).max(TIE_SET_MAX),
  strictAfter: z.string().max(2100).optional(),
  strict: z.boolean(),
});
const State = z.union([
  z.object({
    ph: z.literal('ta'),
    at: At.optional(),
    d: z
      .array(z.number().int().min(0).max(1_000_000))
      .max(3 * 2 * ROW_SHARDS)
      .optional(),
  }),
  z.object({ ph: z.literal('names'), after: z.tuple([z.string().max(2100), z.string().max(2100)]).optional() }),
  z.object({ ph: z.literal('asc'), after: z.tuple([z.number().int(), z.string().max(2100)]).optional() }),
  z.object({
    ph: z.literal('tail'),
    t: z.object({
      seg: z.number().int().min(0).max(100_000),
      at: z.union([z.literal(0), z.literal(1), z.array(z.union([z.string().max(2100), z.number()])).max(2)]),
    }),
  }),
]);
type State = z.infer<typeof State>;

interface Shard {
  part: string;
  scope: string;
  /** The last row read (its amount in the index read, its id), and whether the shard may hold more. */
  last?: { v: number; id: string };
  done: boolean;
  chunk: number;
  /** Rows read from it by this request. */
  read: number;
}

type Candidate = EntityOut;

/** The filters a row must pass (beyond its facet); `articles > 0` in the range is checked after the random access. */
function rowFilter(q: RangeFilters, universe: boolean, prefixByIndex: boolean) {
  const prefix = q.q ? foldName(q.q) : undefined;
  return (r: EntityRow) =>
    (!q.country || r.countries.includes(q.country)) &&
    (!q.type || r.type === q.type) &&
    (!q.list || r.lists.includes(q.list)) &&
    (universe ? r.listed : q.listed === undefined || r.listed === (q.listed === 'true')) &&
    (!prefix || prefixByIndex || r.nameKey.startsWith(prefix));
}

/** Whether `a` comes before `b` in descending (amount, id) order. */
const before = (a: { v: number; id: string }, b: { v: number; id: string }) =>
  a.v > b.v || (a.v === b.v && a.id > b.id);

/** A short hash of an id for the cursor's set of entities already shown at its amount (48 bits: 8 characters). */
export const idHash = (id: string) => createHash('sha256').update(id).digest('base64url').slice(0, 8);

/**
 * Where a count-order listing is: the amount of the last page's last entity, the entities already shown with that
 * amount (hashes), and, once that set was full, the last id shown in strict id order within that amount.
 */
export interface TaPosition {
  v: number;
  shown: string[];
  strictAfter?: string | undefined;
  strict: boolean;
}

/**
 * Count order, descending, by the threshold algorithm over the cover's row shards. Amounts are strictly descending
 * from page to page; entities of equal amount come in the order the read finds them (id order, descending, among
 * those it has), each once: the cursor remembers which of the last amount it showed. Only after TIE_SET_MAX of one
 * amount is the rest of it given in strict id order, which reads every row of the cover down to that amount.
 */
async function topByCount(
  q: RangeFilters,
  store: Deps,
  facet: string,
  universe: boolean,
  at: TaPosition | undefined,
  depthHint: readonly number[],
  tieSetMax: number,
): Promise<{ items: Candidate[]; complete: boolean; depth: number[]; next?: TaPosition }> {
  const field = q.sort.replace(/^-/, '') as 'articles' | 'mentions';
  const ok = rowFilter(q, universe, false);
  // A facet's lanes (its shards; `all`: those of `listed` and `news`): an entity is in one, the same in every period.
  const lanes = rowLanes(facet);
  const L = lanes.length;
  const base = Math.ceil(q.limit / L) + 2;
  // A next page reads at least as deep as the one before it in each shard (it starts again from the top): in one go.
  const shards: Shard[] = coverScopes(q.from, q.to).flatMap((scope, p) =>
    lanes.map((lane, s) => ({
      part: entityRowPartition(lane.facet, lane.shard, scope),
      scope,
      done: false,
      chunk: (depthHint[p * L + s] ?? 0) + base,
      read: 0,
    })),
  );
  const shown = new Set(at?.shown ?? []);
  // Strict id order within an amount: for large pages, and for the rest of an amount whose shown set is full.
  const strictAll = q.limit > STRICT_LIMIT;
  const strictLevel = at !== undefined && (at.strict || at.shown.length + q.limit > tieSetMax);
  const strictAt = (v: number) => strictAll || (strictLevel && v === at!.v);
  /** Already on an earlier page: a greater amount, or the same amount and shown (or before the strict position). */
  const given = (c: Candidate) =>
    at !== undefined &&
    (c[field] > at.v ||
      (c[field] === at.v && (shown.has(idHash(c.id)) || (at.strictAfter !== undefined && c.id >= at.strictAfter))));
  const visited = new Set<string>();
  const found: Candidate[] = [];
  for (;;) {
    // An entity is in the same lane in every period (by its id), so an unread one of lane s has at most the sum of
    // lane s's last amounts over the periods: the threshold is the largest such sum. Read where it comes from.
    const bound = (s: number) =>
      shards.filter((x, i) => i % L === s && !x.done).reduce((n, x) => n + (x.last?.v ?? Number.POSITIVE_INFINITY), 0);
    const sums = Array.from({ length: L }, (_, s) => bound(s));
    const tauNow = Math.max(...sums);
    const toRead = shards.filter((x, i) => !x.done && sums[i % L] === tauNow);
    if (!toRead.length) break;
    const fresh: EntityRow[] = [];
    /** This round's rows: entity → period → amount there. */
    const readNow = new Map<string, Map<string, number>>();
    await Promise.all(
      toRead.map(async (s) => {
        const ix = field === 'mentions' ? 'erm' : 'era';
        const start: Position | undefined = s.last
          ? { pk: s.part, sk: s.last.id, erpk: s.part, [ix]: s.last.v }
          : undefined;
        const r = await store.queryEntityRows(s.part, field, true, s.chunk, start);
        for (const { item } of r.items) {
          s.last = { v: item[field], id: item.id };
          const got = readNow.get(item.id) ?? new Map<string, number>();
          readNow.set(item.id, got.set(s.scope, item[field]));
          if (!visited.has(item.id)) {
            visited.add(item.id);
            if (ok(item)) fresh.push(item);
          }
        }
        s.read += r.items.length;
        s.done = !r.last || !r.items.length;
        s.chunk = Math.min(s.chunk * 2, 1000);
      }),
    );
    // No random access for an entity that cannot reach this page: its amounts read this round, plus, in the periods
    // it was not read in, its shard's last amount there (it is further down), are below the k-th found (or equal,
    // where ties may follow it). Those come back on a later page, read again.
    const kthNow = found.length >= q.limit ? found[q.limit - 1]![field] : undefined;
    const worth = fresh.filter((r) => {
      if (kthNow === undefined) return true;
      const got = readNow.get(r.id)!;
      let ub = 0;
      const lane = laneOf(facet, r.id);
      for (const x of shards.filter((_, i) => i % L === lane))
        ub += got.get(x.scope) ?? (x.done ? 0 : (x.last?.v ?? Number.POSITIVE_INFINITY));
      return ub > kthNow || (ub === kthNow && strictAt(kthNow));
    });
    const amounts = await rangeAmounts(
      worth.map((r) => r.id),
      q.from,
      q.to,
      store,
    );
    for (const r of worth) {
      const a = amounts.get(r.id)!;
      if (a.articles <= 0) continue;
      const c = { ...rowOut(r), articles: a.articles, mentions: a.mentions };
      if (!given(c)) found.push(c);
    }
    found.sort((a, b) => (before({ v: a[field], id: a.id }, { v: b[field], id: b.id }) ? -1 : 1));
    if (found.length > q.limit) found.length = q.limit + 1;
    // The threshold (as above, after the reads): no entity not read yet has more in the range, so the k-th found at
    // or above it is final (an unread one of equal amount may follow it: ties come in the order found). In strict
    // id order (the rest of an amount whose shown set is full), equal is not enough: an index returns equal amounts
    // in an order of its own (DynamoDB's is not by id, checked on DynamoDB Local).
    const tau = Math.max(0, ...Array.from({ length: L }, (_, s) => bound(s)));
    const kth = found[q.limit - 1];
    if (kth && (kth[field] > tau || (kth[field] === tau && !strictAt(kth[field])))) break;
  }
  const complete = found.length <= q.limit && shards.every((s) => s.done);
  const depth = shards.map((s) => s.read);
  const items = found.slice(0, q.limit);
  const tail = items.at(-1);
  if (complete || !tail) return { items, complete: true, depth };
  // The next position: the last amount, and which of it are shown (with those of earlier pages at the same amount).
  const v = tail[field];
  const carried = at && at.v === v ? [...shown] : [];
  if (strictAt(v)) return { items, complete, depth, next: { v, shown: carried, strict: true, strictAfter: tail.id } };
  const set = [...carried, ...items.filter((c) => c[field] === v).map((c) => idHash(c.id))];
  return { items, complete, depth, next: { v, shown: set, strict: false } };
}

/**
 * By name (not the listed universe): the cover's name-ordered rows, merged by `nameKey#id` from after the cursor,
 * each entity once, those with 0 in the range dropped.
 */
async function byName(
  q: RangeFilters,
  store: Deps,
  facet: string,
  after: [string, string] | undefined,
): Promise<{ items: Candidate[]; after?: [string, string] }> {
  const desc = q.sort.startsWith('-');
  const prefix = q.q ? foldName(q.q) : undefined;
  const ok = rowFilter(q, false, true);
  const streams = coverScopes(q.from, q.to, 1).flatMap((scope) =>
    rowLanes(facet).map((lane) => ({
      part: entityRowPartition(lane.facet, lane.shard, scope),
      buf: [] as EntityRow[],
      start: after as [string, string] | undefined,
      done: false,
    })),
  );
  const key = (r: EntityRow) => `${r.nameKey}#${r.id}`;
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0) * (desc ? -1 : 1);
  const items: Candidate[] = [];
  let looked = 0;
  let lastKey: [string, string] | undefined = after;
  const per = Math.max(q.limit + 1, 10);
  for (;;) {
    // Refill every stream whose read rows are used up (its next row is unknown until then).
    await Promise.all(
      streams
        .filter((s) => !s.buf.length && !s.done)
        .map(async (s) => {
          const start: Position | undefined = s.start
            ? { pk: s.part, sk: s.start[1], gsi1pk: s.part, gsi1sk: s.start[0] }
            : undefined;
          const r = await store.queryEntityRows(s.part, 'name', desc, per, start, prefix);
          s.buf = r.items.map((x) => x.item);
          s.done = !r.last || !r.items.length;
          const tail = s.buf.at(-1);
          if (tail) s.start = [key(tail), tail.id];
        }),
    );
    if (streams.every((s) => !s.buf.length)) return { items };
    // Take rows in merged order while every stream that may hold more has a row in hand.
    const batch: EntityRow[] = [];
    const want = q.limit - items.length;
    while (batch.length < want * 2 && streams.every((s) => s.buf.length || s.done)) {
      let best: (typeof streams)[number] | undefined;
      for (const s of streams) if (s.buf.length && (!best || cmp(key(s.buf[0]!), key(best.buf[0]!)) < 0)) best = s;
      if (!best) break;
      const r = best.buf.shift()!;
      if (batch.length && key(batch.at(-1)!) === key(r)) continue; // the same entity in another period
      if (lastKey && key(r) === lastKey[0]) continue;
      batch.push(r);
      looked++;
    }
    const keep = batch.filter(ok);
    const amounts = await rangeAmounts(
      keep.map((r) => r.id),
      q.from,
      q.to,
      store,
    );
    let used = 0;
    for (const r of batch) {
      used++;
      lastKey = [key(r), r.id];
      const a = amounts.get(r.id);
      if (!a || a.articles <= 0) continue;
      items.push({ ...rowOut(r), articles: a.articles, mentions: a.mentions });
      if (items.length >= q.limit) break;
    }
    if (items.length >= q.limit) {
      // Rows taken from the streams but not looked at are read again by the next page (it resumes after the last).
      const more = used < batch.length || streams.some((s) => s.buf.length || !s.done);
      return more ? { items, after: lastKey! } : { items };
    }
    if (looked >= RANGE_NAME_BUDGET) return { items, after: lastKey! };
  }
}

/**
 * Count order, ascending: every row of the cover read (each lane of the facet in each cover period), each distinct
 * entity that passes the filters given its exact range amounts, sorted by (amount, id); the page is what follows
 * `after`. Strict (amount, id) order, so the cursor is the last pair shown. A page after the first reads each period
 * from ⌈amount / periods⌉ up: an entity's range amount is at most the sum of its cover amounts, so one below that in
 * every period is below the cursor's amount, shown on an earlier page or not at all.
 */
async function bottomByCount(
  q: RangeFilters,
  store: Deps,
  facet: string,
  universe: boolean,
  limit: number,
  after: [number, string] | undefined,
): Promise<{ items: Candidate[]; after?: [number, string] }> {
  const field = q.sort.replace(/^-/, '') as 'articles' | 'mentions';
  const ok = rowFilter(q, universe, false);
  const rows = new Map<string, EntityRow>();
  const seen = new Set<string>();
  const scopes = coverScopes(q.from, q.to);
  const atLeast = after ? Math.ceil(after[0] / scopes.length) : undefined;
  await Promise.all(
    scopes.flatMap((scope) =>
      rowLanes(facet).map(async (lane) => {
        const part = entityRowPartition(lane.facet, lane.shard, scope);
        let start: Position | undefined;
        for (;;) {
          const r = await store.queryEntityRows(part, field, false, 1000, start, undefined, atLeast);
          for (const { item } of r.items) {
            if (seen.has(item.id)) continue;
            seen.add(item.id);
            if (ok(item)) rows.set(item.id, item);
          }
          if (!r.last || !r.items.length) break;
          start = r.last;
        }
      }),
    ),
  );
  const amounts = await rangeAmounts([...rows.keys()], q.from, q.to, store);
  const found: Candidate[] = [];
  for (const [id, r] of rows) {
    const a = amounts.get(id)!;
    if (a.articles <= 0) continue;
    const v = field === 'mentions' ? a.mentions : a.articles;
    if (after && (v < after[0] || (v === after[0] && id <= after[1]))) continue;
    found.push({ ...rowOut(r), articles: a.articles, mentions: a.mentions });
  }
  found.sort((a, b) => a[field] - b[field] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const items = found.slice(0, limit);
  const tail = items.at(-1);
  return found.length > limit && tail ? { items, after: [tail[field], tail.id] } : { items };
}

/** The range route (`from`/`to` other than one whole month or year), for every sort. */
export async function entitiesInRange(
  q: RangeFilters,
  store: Deps,
  listedNames: (q: RangeFilters) => Promise<{ items: EntityOut[]; nextCursor: string | null }>,
  opts: { tieSetMax?: number } = {},
): Promise<{ items: EntityOut[]; nextCursor: string | null }> {
  const order = q.sort.replace(/^-/, '');
  const desc = q.sort.startsWith('-');
  const universe = Boolean(q.list) || q.listed === 'true';
  if (q.list && q.listed === 'false') return { items: [], nextCursor: null };
  if (universe && order === 'name') return listedNames(q);
  const filters = { ...q, cursor: undefined, limit: undefined };
  const decoded = decodeStateCursor(q.cursor, filters);
  let state: State;
  if (decoded === undefined)
    state =
      order === 'name'
        ? { ph: 'names' }
        : desc
          ? { ph: 'ta' }
          : universe
            ? { ph: 'tail', t: { seg: 0, at: 0 } }
            : { ph: 'asc' };
  else {
    const parsed = State.safeParse(decoded);
    if (!parsed.success) throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
    state = parsed.data;
  }
  const facet = universe ? universeFacet(q) : facetFor(q);
  const ascending = async (items: EntityOut[], after?: [number, string]) => {
    const r = await bottomByCount(q, store, facet, universe, q.limit - items.length, after);
    items.push(...r.items);
    return { items, nextCursor: r.after ? encodeStateCursor({ ph: 'asc', after: r.after }, filters) : null };
  };
  if (state.ph === 'asc') return ascending([], state.after);

  if (state.ph === 'names') {
    const r = await byName(q, store, facet, state.after);
    return { items: r.items, nextCursor: r.after ? encodeStateCursor({ ph: 'names', after: r.after }, filters) : null };
  }
  const items: EntityOut[] = [];
  if (state.ph === 'ta') {
    const r = await topByCount(q, store, facet, universe, state.at, state.d ?? [], opts.tieSetMax ?? TIE_SET_MAX);
    items.push(...r.items);
    if (!r.complete) return { items, nextCursor: encodeStateCursor({ ph: 'ta', at: r.next, d: r.depth }, filters) };
    if (!universe) return { items, nextCursor: null };
    if (items.length >= q.limit)
      return { items, nextCursor: encodeStateCursor({ ph: 'tail', t: { seg: 0, at: 0 } }, filters) };
    state = { ph: 'tail', t: { seg: 0, at: 0 } };
  }
  // The listed universe's entities with nothing in the range: the list versions walked by source id.
  const pointers = (await store.readListPointers())
    .filter((p) => !q.list || p.list === q.list)
    .sort((a, b) => (a.list < b.list ? -1 : a.list > b.list ? 1 : 0));
  const prefix = q.q ? foldName(q.q) : undefined;
  const zero = async (batch: ListedItem[]): Promise<boolean[]> => {
    const pass = batch.map(
      (e) =>
        (!q.country || e.countries.includes(q.country)) &&
        (!q.type || e.type === q.type) &&
        (!prefix || foldName(e.name).startsWith(prefix)),
    );
    const counts = await rangeCountsOf(
      batch.filter((_, i) => pass[i]),
      q,
      store,
    );
    return batch.map((e, i) => pass[i]! && (counts.get(e.cell)?.articles ?? 0) <= 0);
  };
  const w = await walkSegments(
    listTailSegments(pointers, store, ''),
    state.t as { seg: number; at: StreamPos },
    zero,
    q.limit - items.length,
    Math.max(q.limit + 1, 4 * q.limit + 50),
  );
  for (const { cell: _c, nameSort: _n, ...out } of w.taken) items.push(out);
  if (!w.finished) return { items, nextCursor: encodeStateCursor({ ph: 'tail', t: w.next }, filters) };
  if (desc) return { items, nextCursor: null };
  // Ascending: the entities with something in the range follow those with nothing.
  if (items.length >= q.limit) return { items, nextCursor: encodeStateCursor({ ph: 'asc' }, filters) };
  return ascending(items);
}

/**
 * Range amounts of listed entities, by their all-time cell: the all-time counters first (one batch get), and the
 * range only of those with articles at all.
 */
export async function rangeCountsOf(
  items: readonly { id: string; cell: string }[],
  q: { from?: string | undefined; to?: string | undefined },
  store: Pick<ReadModel, 'readEntityStates'> & RangeReader & Pick<ListCatalog, 'getItems'>,
): Promise<Map<string, Amounts>> {
  const all = await store.readEntityStates(items.map((i) => i.cell));
  const mentioned = items.filter((i) => (all.get(i.cell)?.articles ?? 0) > 0);
  const amounts = await rangeAmounts(
    mentioned.map((i) => i.id),
    q.from,
    q.to,
    store,
  );
  const out = new Map<string, Amounts>();
  for (const i of mentioned) out.set(i.cell, amounts.get(i.id)!);
  return out;
}
