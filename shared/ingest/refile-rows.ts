import type { EntityState } from '../domain/contribution.ts';
import {
  type EntityInfo,
  entityInfoOf,
  facetsOf,
  listedInNewsAttributes,
  MAX_FACET_COUNTRIES,
  parseEntityCell,
  sameInfo,
  scopedCell,
} from '../domain/entity-rows.ts';
import {
  cellId,
  counterPartition,
  listedEntityId,
  listedEntityKey,
  refileMarkKey,
  timelineDimension,
  timelineMonthMember,
} from '../domain/keys.ts';
import { DependencyError } from '../errors.ts';
import { codesOf } from './list-delta.ts';
import type { ArticleStore, ChangeLog, CounterAggregator, EntityRefiler, ListCatalog, RangeReader } from '../ports.ts';

/**
 * Issue 17.3: an entity's rows show its name, type and countries, frozen on its counter when it first entered the
 * news. A list version that changes them moves no link count, so the aggregator never files the rows again and views
 * disagree (`/counts/entities?country=CN` still lists an entity `/entities/{id}` says is RU). After a version is
 * current, the entities its change set adds or modifies whose counters exist are refiled here: counter info, rows in
 * the new facets, rows out of the facets left, the listed-in-news counters of the countries left and joined.
 *
 * Cost follows the change, never the corpus: reads the version's ADD/MOD changes (a page of 100 at a time), one batch
 * get of their counters per page, and for each entity whose info differs, its timeline months (one Query of its own
 * series partition) and the counters of those months and years; writes, per refiled cell, its rows (one per facet, and
 * a delete per facet left) and one transaction. A mark per list version makes a repeated call one read.
 *
 * Exact under concurrent ingest (the aggregator writes the same counters and rows): the rows are written *before* the
 * transaction that moves the counter, as the aggregator does (rowMovesOf), and that transaction holds only if the
 * counter still has the amounts and info revision the rows were written from. The aggregator's own moves are
 * conditional on the revision too, so a batch planned with the old info fails, is planned again with the new, and
 * deletes what it filed under the facets the entity left (aggregate.ts). Whoever commits last wrote its rows last.
 */

export type RefileStore = EntityRefiler &
  Pick<CounterAggregator, 'readEntityStates' | 'writeEntityRows'> &
  Pick<ChangeLog, 'pageChanges'> &
  Pick<ListCatalog, 'readListPointers'> &
  Pick<ArticleStore, 'getItem' | 'putItems'> &
  RangeReader;

export interface RefileResult {
  /** Entities of the change sets read (ADD and MOD). */
  entities: number;
  /** Entities whose stored info differed, and the counters (all-time, months, years) refiled for them. */
  refiled: number;
  cells: number;
}

const PAGE = 100;
const MAX_ROUNDS = 8;
/** An entity's timeline months read at most (a century of news); more would be a series no entity has. */
const MAX_MONTHS = 1_200;

/** Refiles the changed entities of every list's current version not refiled yet (see the module's note). */
export async function refileChangedEntities(store: RefileStore): Promise<RefileResult> {
  const out: RefileResult = { entities: 0, refiled: 0, cells: 0 };
  for (const p of await store.readListPointers()) {
    if (!p.changes || p.changes.ADD + p.changes.MOD === 0) continue;
    const mark = refileMarkKey(p.list, p.version);
    if (await store.getItem(mark)) continue;
    for (const type of ['MOD', 'ADD'] as const) {
      let after: string | undefined;
      do {
        const page = await store.pageChanges(p.list, p.version, `T#${type}#`, { after, limit: PAGE });
        after = page.last;
        out.entities += page.items.length;
        const r = await refileEntities(
          store,
          page.items.map((c) => ({
            list: p.list,
            sourceId: String(c.sourceId),
            fields: { name: c.name, kind: c.entityType, countries: c.countries },
          })),
        );
        out.refiled += r.refiled;
        out.cells += r.cells;
      } while (after !== undefined);
    }
    await store.putItems([{ ...mark, at: new Date().toISOString() }]);
  }
  return out;
}

/**
 * Refiles these listed entities under the info their list now gives them (`fields` as a link carries them: name,
 * kind, countries), those whose counters exist and differ: the all-time counter, then each month's and year's.
 */
export async function refileEntities(
  store: Omit<RefileStore, 'pageChanges' | 'readListPointers' | 'getItem' | 'putItems'>,
  entities: readonly { list: string; sourceId: string; fields: Record<string, unknown> }[],
): Promise<{ refiled: number; cells: number }> {
  const cells = entities.map((e) => cellId('listed', `${e.list}|${e.sourceId}`));
  const states = await store.readEntityStates(cells);
  let refiled = 0;
  let moved = 0;
  for (const [i, e] of entities.entries()) {
    const base = cells[i]!;
    const st = states.get(base);
    const info = entityInfoOf(base, e.fields);
    if (!st || sameInfo(st.info, info)) continue;
    refiled++;
    // The months and years the entity has counters in: its own timeline series says which (one partition).
    const months = await store.readRange({
      pk: counterPartition(timelineDimension(listedEntityId(e.list, e.sourceId))),
      lower: timelineMonthMember('0000-00'),
      upper: timelineMonthMember('9999-99'),
      descending: false,
      limit: MAX_MONTHS,
    });
    const periods = [...new Set(months.items.flatMap((m) => [m.sortKey.slice(2), m.sortKey.slice(2, 6)]))];
    for (const cell of [base, ...periods.map((p) => scopedCell(base, `@${p}`))])
      if (await refileCell(store, cell, info, cell === base)) moved++;
  }
  return { refiled, cells: moved };
}

/** What checking the counters an aggregator batch created needs (refileCreatedCounters). */
export type CreatedRefileStore = Omit<RefileStore, 'pageChanges' | 'getItem' | 'putItems'> &
  Pick<ListCatalog, 'getItems'>;

/**
 * The listed entities' counters an aggregator batch has just created took their info from the batch's parts, that is
 * from the list version their articles were linked against. When another version became current and was refiled
 * before the counter existed (the refile found nothing to move), the counter would keep the old info for good: so,
 * after the batch, each created counter's info is compared with the entity in its list's current version, and refiled
 * where they differ. Either order of the two is then exact: a version made current before this check is seen by it;
 * one made current after it is refiled after the counter exists. (A counter left with other info by a crash between
 * the batch and this check stays so until a version changes the entity again: a window of one call, not of an ingest.)
 *
 * Cost, per batch that created listed counters: one Query of the list pointers and one batch get of the created
 * entities in their current versions; a refile only for those that differ.
 */
export async function refileCreatedCounters(
  store: CreatedRefileStore,
  created: readonly { cell: string; info: EntityInfo }[],
): Promise<number> {
  if (!created.length) return 0;
  const current = new Map((await store.readListPointers()).map((p) => [p.list, p.version]));
  // Each cell once (a batch get refuses a key twice).
  const unique = [...new Map(created.map((c) => [c.cell, c])).values()];
  const wanted = unique.flatMap((c) => {
    const parsed = parseEntityCell(c.cell);
    if (parsed?.dim !== 'listed' || parsed.scope) return [];
    const i = parsed.member.indexOf('|');
    const list = parsed.member.slice(0, i);
    const sourceId = parsed.member.slice(i + 1);
    const version = current.get(list);
    return version ? [{ ...c, list, sourceId, key: listedEntityKey(list, version, sourceId) }] : [];
  });
  const found = new Map(
    (await store.getItems(wanted.map((w) => w.key))).map((it) => [`${String(it.pk)}\0${String(it.sk)}`, it]),
  );
  const stale = wanted.flatMap((w) => {
    const it = found.get(`${w.key.pk}\0${w.key.sk}`);
    if (!it) return []; // not in the current version (removed): its links go with the relink
    const fields = { name: it.name, kind: it.type, countries: codesOf(it) };
    return sameInfo(w.info, entityInfoOf(w.cell, fields)) ? [] : [{ list: w.list, sourceId: w.sourceId, fields }];
  });
  return stale.length ? (await refileEntities(store, stale)).refiled : 0;
}

/** One counter refiled (see the module's note on the order of rows and transaction); false if it has none or is filed so. */
async function refileCell(
  store: Pick<RefileStore, 'readEntityStates' | 'writeEntityRows' | 'refileCounter'>,
  cell: string,
  info: EntityInfo,
  allTime: boolean,
): Promise<boolean> {
  let wrote = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const st = (await store.readEntityStates([cell])).get(cell);
    if (!st) {
      if (wrote) await store.writeEntityRows([{ cell, info, after: { articles: 0, mentions: 0 }, hadRows: true }]);
      return false;
    }
    if (sameInfo(st.info, info)) return wrote;
    // Rows first: the new facets at the counter's amounts, the facets left dropped. At 0 it has no rows to move,
    // unless a round before wrote some (then the aggregator took it to 0 since): those go.
    if (st.articles > 0 || wrote)
      await store.writeEntityRows([{ cell, info, after: st, hadRows: true, drop: facetsOf(st.info) }]);
    wrote = true;
    const r = await store.refileCounter({ cell, before: st, info, listedInNews: listedInNewsMoves(st, info, allTime) });
    if (r === 'applied') return true;
  }
  throw new DependencyError(`refiling ${cell}: its counter kept moving after ${MAX_ROUNDS} rounds`);
}

/**
 * A listed entity in the news counts once in each of its countries' listed-in-news counters (by list and type too):
 * refiled, it leaves the old attributes and joins the new, net per country (the aggregator counts on the same
 * countries: MAX_FACET_COUNTRIES). Only the all-time counter counts there.
 */
function listedInNewsMoves(
  st: EntityState,
  info: EntityInfo,
  allTime: boolean,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  if (!allTime || st.articles <= 0) return out;
  const add = (i: EntityInfo, d: number) => {
    if (!i.listed) return;
    for (const cc of i.countries.slice(0, MAX_FACET_COUNTRIES))
      for (const a of listedInNewsAttributes(i)) {
        const r = (out[cc] ??= {});
        r[a] = (r[a] ?? 0) + d;
      }
  };
  add(st.info, -1);
  add(info, 1);
  for (const [cc, attrs] of Object.entries(out)) {
    for (const [a, v] of Object.entries(attrs)) if (v === 0) delete attrs[a];
    if (!Object.keys(attrs).length) delete out[cc];
  }
  return out;
}
