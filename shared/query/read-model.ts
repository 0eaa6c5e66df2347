import { z } from 'zod';
import { type EntityRow, foldName, rowLanes, scopedCell } from '../domain/entity-rows.ts';
import { cellId, ENTITY_SHARDS, entityRowPartition, listedEntityId, ROW_SHARDS } from '../domain/keys.ts';
import type { Amounts } from '../domain/contribution.ts';
import type { ListPointer } from '../domain/stored.ts';
import type { ListCatalog, ReadModel, RowOrder } from '../ports.ts';
import { InvalidInputError } from '../errors.ts';
import { decodeStateCursor, encodeStateCursor } from './cursor.ts';
import { mergeStreams, type Stream, type StreamPos, walkSegments } from './merge.ts';

/**
 * `/counts/entities` without a date range, read from the entity rows (issue 17.2). What one request reads:
 *  - the facet's 4 row shards (8 for no facet filter: `listed` and `news`, rowLanes) through a sorted index, each at
 *    most `limit + 1` items (or the budget `4 × limit + 50` shared among them when filters beyond the facet's own
 *    apply: then a page can come back short, with a cursor that resumes);
 *  - in the listed universe (`listed=true`, `list=`), the list pointers (one item per list), and after the rows (or
 *    before them, ascending) the list versions' unmentioned entities, shard after shard, with one batch get of
 *    their counters to leave out those the rows already gave; by name, each version's name index, merged, with one
 *    batch get of the page's counters.
 * Never a whole facet, list version or counter dimension.
 */

export interface EntityFilters {
  country?: string | undefined;
  type?: string | undefined;
  list?: string | undefined;
  listed?: 'true' | 'false' | undefined;
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
  sort: 'name' | '-name' | 'articles' | '-articles' | 'mentions' | '-mentions';
}

export interface EntityOut {
  id: string;
  name: string;
  type: string;
  countries: string[];
  lists: string[];
  listed: boolean;
  articles: number;
  mentions: number;
}

/** Items read per request at most (beyond one batch get per page and the list pointers): the bound the tests hold. */
export const readBudget = (limit: number) => 4 * limit + 50;

const Pos: z.ZodType<StreamPos> = z.union([
  z.literal(0),
  z.literal(1),
  z.array(z.union([z.string().max(2100), z.number()])).max(2),
]);
const State = z.object({
  ph: z.enum(['rows', 'tail', 'names']),
  r: z
    .array(Pos)
    .min(ROW_SHARDS)
    .max(2 * ROW_SHARDS)
    .optional(),
  t: z.object({ seg: z.number().int().min(0).max(100_000), at: Pos }).optional(),
  n: z
    .array(Pos)
    .max(64 * ENTITY_SHARDS)
    .optional(),
});
type State = z.infer<typeof State>;

type Deps = ReadModel & Pick<ListCatalog, 'readListPointers'>;
/**
 * Counts of a page of the listed universe by name, by the entities' all-time cells (`from`/`to` of any range:
 * range-model.ts); absent, the counters of `scope`.
 */
export type NameCounts = (items: readonly { id: string; cell: string }[]) => Promise<Map<string, Amounts>>;

/** The facet a request reads: the most selective one its filters name (country > list > type > listed > all). */
export function facetFor(f: Pick<EntityFilters, 'country' | 'list' | 'type' | 'listed'>): string {
  if (f.country) return `country:${f.country}`;
  if (f.list) return `list:${f.list}`;
  if (f.type) return `type:${f.type}`;
  if (f.listed === 'true') return 'listed';
  if (f.listed === 'false') return 'news';
  return 'all';
}

/** The facet the listed universe's rows are read from: every row there is of a listed entity. */
export function universeFacet(f: Pick<EntityFilters, 'country' | 'list' | 'type'>): string {
  if (f.country) return `country:${f.country}`;
  if (f.list) return `list:${f.list}`;
  if (f.type) return `type:${f.type}`;
  return 'listed';
}

export const rowOut = (r: EntityRow): EntityOut => ({
  id: r.id,
  name: r.name,
  type: r.type,
  countries: r.countries,
  lists: r.lists,
  listed: r.listed,
  articles: r.articles,
  mentions: r.mentions,
});

export interface ListedItem extends EntityOut {
  cell: string;
  nameSort: string;
}

export function listedItemOf(p: ListPointer, e: Record<string, unknown>, scope: string): ListedItem {
  const sourceId = String(e.sourceId ?? e.sk);
  const name = String(e.name ?? sourceId);
  return {
    id: listedEntityId(p.list, sourceId),
    cell: scopedCell(cellId('listed', `${p.list}|${sourceId}`), scope),
    name,
    nameSort: String(e.gsi1sk ?? `${foldName(name)}#${sourceId}`),
    type: String(e.type ?? 'other'),
    // Sorted, as entity rows hold them: one entity shows the same countries in every view.
    countries: [...new Set(((e.countries as { code?: string }[] | undefined) ?? []).map((c) => String(c.code)))].sort(),
    lists: [p.list],
    listed: true,
    articles: 0,
    mentions: 0,
  };
}

/**
 * The list versions' entities shard after shard: by source id (the listed universe's unmentioned tail is read so),
 * or with `byName` through their name index (the listed universe by name), each item's position its sort key(s).
 */
export function listTailSegments(
  pointers: readonly ListPointer[],
  store: Pick<ReadModel, 'queryListEntities'>,
  scope: string,
  byName?: { desc: boolean; prefix: string | undefined },
): Stream<ListedItem>[] {
  return pointers.flatMap((p) =>
    Array.from({ length: ENTITY_SHARDS }, (_, shard) => ({
      async fetch(limit: number, start: (string | number)[] | undefined) {
        const table = start ? { pk: `LE#${p.list}#${p.version}#${shard}`, sk: String(start[0]) } : undefined;
        const from =
          table && byName
            ? { ...table, gsi1pk: `LEN#${p.list}#${p.version}#${shard}`, gsi1sk: String(start![1]) }
            : table;
        const r = byName
          ? await store.queryListEntities(p.list, p.version, shard, limit, from, byName)
          : await store.queryListEntities(p.list, p.version, shard, limit, from);
        return {
          items: r.items.map((x) => {
            const item = listedItemOf(p, x.item, scope);
            return { item, at: byName ? [String(x.item.sk), item.nameSort] : [String(x.item.sk)] };
          }),
          more: Boolean(r.last),
        };
      },
    })),
  );
}

/**
 * `scope`: '' (all time), or `@YYYY-MM` / `@YYYY` for a `from`/`to` that is exactly one whole month or year: the same
 * read over that period's rows (`ER@<period>#…`) and counter twins.
 */
export async function entitiesFromReadModel(
  q: EntityFilters,
  store: Deps,
  scope = '',
  countsOf?: NameCounts,
): Promise<{ items: EntityOut[]; nextCursor: string | null }> {
  const desc = q.sort.startsWith('-');
  const order = q.sort.replace(/^-/, '') as RowOrder;
  const prefix = q.q ? foldName(q.q) : undefined;
  const filters = { ...q, cursor: undefined, limit: undefined };
  const universe = Boolean(q.list) || q.listed === 'true';
  if (q.list && q.listed === 'false') return { items: [], nextCursor: null };
  const decoded = decodeStateCursor(q.cursor, filters);
  let state: State;
  if (decoded === undefined) state = { ph: universe ? (order === 'name' ? 'names' : desc ? 'rows' : 'tail') : 'rows' };
  else {
    const parsed = State.safeParse(decoded);
    if (!parsed.success) throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
    state = parsed.data;
  }
  const budget = readBudget(q.limit);
  const pointers = universe
    ? (await store.readListPointers())
        .filter((p) => !q.list || p.list === q.list)
        .sort((a, b) => (a.list < b.list ? -1 : a.list > b.list ? 1 : 0))
    : [];
  const matchesListed = (e: EntityOut) =>
    (!q.country || e.countries.includes(q.country)) && (!q.type || e.type === q.type);
  const items: EntityOut[] = [];
  let read = 0;

  // The listed universe by name: every entity of the current versions through their name index, counts joined.
  if (state.ph === 'names') {
    const streams = listTailSegments(pointers, store, scope, { desc, prefix });
    const per = Math.max(2, Math.min(q.limit + 1, Math.ceil(budget / Math.max(1, streams.length))));
    const m = await mergeStreams(
      streams,
      state.n ?? streams.map(() => 0),
      (a, b) => (a.nameSort < b.nameSort ? -1 : a.nameSort > b.nameSort ? 1 : a.id < b.id ? -1 : 1) * (desc ? -1 : 1),
      matchesListed,
      q.limit,
      per,
    );
    const counts: Map<string, Amounts> = countsOf
      ? await countsOf(m.taken)
      : await store.readEntityStates(m.taken.map((t) => t.cell));
    for (const t of m.taken) {
      const c = counts.get(t.cell);
      const { cell: _c, nameSort: _n, ...out } = t;
      items.push({ ...out, articles: Math.max(0, c?.articles ?? 0), mentions: Math.max(0, c?.mentions ?? 0) });
    }
    return { items, nextCursor: m.finished ? null : encodeStateCursor({ ph: 'names', n: m.positions }, filters) };
  }

  const facet = universe ? universeFacet(q) : facetFor(q);
  const byIndexPrefix = order === 'name' && prefix ? prefix : undefined;
  const rowOk = (r: EntityRow) =>
    r.articles > 0 &&
    (!q.country || r.countries.includes(q.country)) &&
    (!q.type || r.type === q.type) &&
    (!q.list || r.lists.includes(q.list)) &&
    (q.listed === undefined || r.listed === (q.listed === 'true')) &&
    (!prefix || byIndexPrefix !== undefined || r.nameKey.startsWith(prefix));
  // Filters the facet does not answer by itself make a page read more of it (and maybe come back short).
  const need = [
    q.country && 'country',
    q.list && 'list',
    q.type && 'type',
    (q.listed || (universe ? 'true' : undefined)) && `listed:${q.listed ?? 'true'}`,
    prefix && !byIndexPrefix && 'q',
  ].filter(Boolean);
  const covered = facet.startsWith('country:')
    ? ['country']
    : facet.startsWith('list:')
      ? ['list', 'listed:true']
      : facet.startsWith('type:')
        ? ['type']
        : facet === 'listed'
          ? ['listed:true']
          : facet === 'news'
            ? ['listed:false']
            : [];
  const residual = need.some((n) => !covered.includes(n as string));
  const lanes = rowLanes(facet);
  if (state.r && state.r.length !== lanes.length)
    throw new InvalidInputError('cursor is not one this API issued', { where: 'cursor' });
  const rowStreams: Stream<EntityRow>[] = lanes.map((lane) => ({
    async fetch(limit: number, start: (string | number)[] | undefined) {
      const part = entityRowPartition(lane.facet, lane.shard, scope);
      const ix = order === 'name' ? ['gsi1pk', 'gsi1sk'] : ['erpk', order === 'mentions' ? 'erm' : 'era'];
      const r = await store.queryEntityRows(
        part,
        order,
        desc,
        limit,
        start ? { pk: part, sk: String(start[0]), [ix[0]!]: part, [ix[1]!]: start[1]! } : undefined,
        byIndexPrefix,
      );
      return {
        items: r.items.map((x) => ({
          item: x.item,
          at: [x.item.id, order === 'name' ? `${x.item.nameKey}#${x.item.id}` : x.item[order]],
        })),
        more: Boolean(r.last),
      };
    },
  }));
  const rowCmp = (a: EntityRow, b: EntityRow) => {
    const c =
      order === 'name'
        ? `${a.nameKey}#${a.id}` < `${b.nameKey}#${b.id}`
          ? -1
          : 1
        : a[order] - b[order] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return desc ? -c : c;
  };
  const tailSegments = listTailSegments(pointers, store, scope);
  /** The unmentioned ones among a read of list entities: filtered, then one batch get of their counters. */
  const unmentioned = async (batch: ListedItem[]): Promise<boolean[]> => {
    const pass = batch.map((e) => matchesListed(e) && (!prefix || foldName(e.name).startsWith(prefix)));
    const counts = await store.readEntityStates(batch.filter((_, i) => pass[i]).map((e) => e.cell));
    read += counts.size;
    return batch.map((e, i) => {
      // Already on this page from the rows: an entity's rows are written before the transaction that moves its
      // counter (shared/ingest/aggregate.ts), so a row can be read while the counter still says 0. Shown once.
      if (!pass[i] || emitted.has(e.id)) return false;
      const c = counts.get(e.cell);
      if (!((c?.articles ?? 0) > 0)) return true;
      // Mentioned now, but not among the rows this request read before: counted between the two reads (the
      // aggregator commits counter and rows together). Shown here, with its counts, rather than lost from the page.
      if (rowsReadHere && !emitted.has(e.id)) {
        e.articles = c!.articles;
        e.mentions = c!.mentions;
        return true;
      }
      return false;
    });
  };
  /** Ids this request has put on the page, and whether it read the whole rows phase (start to end) itself. */
  const emitted = new Set<string>();
  let rowsReadHere = false;

  const phases: ('rows' | 'tail')[] = universe ? (desc ? ['rows', 'tail'] : ['tail', 'rows']) : ['rows'];
  let ph = state.ph as 'rows' | 'tail';
  for (;;) {
    if (ph === 'rows') {
      const fromStart = !state.r;
      const per = residual ? Math.max(q.limit + 1, Math.ceil(budget / lanes.length)) : q.limit + 1;
      const at = state.r ?? lanes.map(() => 0 as const);
      const m = await mergeStreams(rowStreams, at, rowCmp, rowOk, q.limit - items.length, per);
      // A tail entity counted between this request's two reads (ascending order: tail first) is not shown twice.
      for (const r of m.taken.map(rowOut))
        if (!emitted.has(r.id)) {
          emitted.add(r.id);
          items.push(r);
        }
      read += m.read;
      state = { ph: 'rows', r: m.positions };
      if (!m.finished) break;
      // Every row entity is on this page only if this request read the rows from their start.
      rowsReadHere = fromStart;
    } else {
      const w = await walkSegments(
        tailSegments,
        state.t ?? { seg: 0, at: 0 },
        unmentioned,
        q.limit - items.length,
        Math.max(q.limit + 1, budget - read),
      );
      for (const { cell: _c, nameSort: _n, ...out } of w.taken) {
        emitted.add(out.id);
        items.push(out);
      }
      read += w.read;
      state = { ph: 'tail', t: w.next };
      if (!w.finished) break;
    }
    const next = phases[phases.indexOf(ph) + 1];
    if (!next) return { items, nextCursor: null };
    ph = next;
    state = { ph };
    if (items.length >= q.limit || read >= budget) break;
  }
  return { items, nextCursor: encodeStateCursor(state, filters) };
}
