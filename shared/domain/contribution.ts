import {
  baseCellOf,
  type EntityInfo,
  entityInfoOf,
  isEntityCell,
  listedInNewsAttributes,
  MAX_FACET_COUNTRIES,
  periodsOfDay,
  scopeOf,
} from './entity-rows.ts';

/**
 * What one uploaded object adds to the counters: cell id → amounts. Counts stay equal to a recount from scratch,
 * whatever the order, duplication or retry of events, because an ingest never adds blindly: it moves the counters by
 * the difference between what the object contributed before and what it contributes now.
 */
export interface Amounts {
  articles: number;
  mentions: number;
}
export type Contribution = Record<string, Amounts>;

export interface Delta {
  cell: string;
  articles: number;
  mentions: number;
  /** More numbers the same ADD moves on the cell's item: a timeline month's days (`a09`, `m09`; see timeline.ts). */
  extra?: Record<string, number>;
}

/** new − old, cells sorted (so chunks of a resumed plan are the same chunks), zero deltas dropped. */
export function diffContributions(oldC: Contribution, newC: Contribution): Delta[] {
  const cells = [...new Set([...Object.keys(oldC), ...Object.keys(newC)])].sort();
  const out: Delta[] = [];
  for (const cell of cells) {
    const a = newC[cell] ?? { articles: 0, mentions: 0 };
    const b = oldC[cell] ?? { articles: 0, mentions: 0 };
    const d = { cell, articles: a.articles - b.articles, mentions: a.mentions - b.mentions };
    if (d.articles !== 0 || d.mentions !== 0) out.push(d);
  }
  return out;
}

/** Adds one article's per-cell mention counts (each cell counts the article once). */
export function addArticle(into: Contribution, mentionsPerCell: ReadonlyMap<string, number>): Contribution {
  for (const [cell, n] of mentionsPerCell) {
    if (n <= 0) continue;
    const cur = (into[cell] ??= { articles: 0, mentions: 0 });
    cur.articles += 1;
    cur.mentions += n;
  }
  return into;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Issue 17: an object's contribution is stored as its own items (parts), written once per generation, and a stream
// aggregator turns their inserts and removes into counter deltas. Nothing an article does writes a shared item.

/** Display fields an entity counter carries (name, kind, countries), set from the newest part that names the cell. */
export type CellInfo = Record<string, string | string[]>;

/** One stored part of an object's contribution: at most PART_CELLS cells and PART_IDS article ids (item < 400 KB). */
export interface ContributionPart {
  index: number;
  cells: Record<string, [number, number]>;
  info: Record<string, CellInfo>;
  articleIds: string[];
}

/** Cells per part: with the ledger and checkpoint, one part's cells fit one transaction (100 actions). */
export const PART_CELLS = 90;
/** Article ids per part (32 hex each): 16 KB, whatever the batch holds (issue 15.2: 20,000+ articles in one file). */
export const PART_IDS = 500;

/** Splits a contribution into parts, cells sorted so the same contribution always gives the same parts. */
export function contributionParts(
  c: Contribution,
  articleIds: readonly string[],
  info: (cell: string) => CellInfo | undefined = () => undefined,
): ContributionPart[] {
  const cells = Object.keys(c)
    .filter((k) => c[k]!.articles !== 0 || c[k]!.mentions !== 0)
    .sort();
  const n = Math.max(Math.ceil(cells.length / PART_CELLS), Math.ceil(articleIds.length / PART_IDS));
  const parts: ContributionPart[] = [];
  for (let i = 0; i < n; i++) {
    const part: ContributionPart = { index: i, cells: {}, info: {}, articleIds: [] };
    for (const cell of cells.slice(i * PART_CELLS, (i + 1) * PART_CELLS)) {
      part.cells[cell] = [c[cell]!.articles, c[cell]!.mentions];
      // A month's or year's twin of an entity cell carries the entity's display fields too (its part may not hold
      // the all-time cell).
      const inf = info(cell) ?? (isEntityCell(cell) ? info(baseCellOf(cell)) : undefined);
      if (inf) part.info[cell] = inf;
    }
    part.articleIds = articleIds.slice(i * PART_IDS, (i + 1) * PART_IDS);
    parts.push(part);
  }
  return parts;
}

/**
 * One change of a stored part, as the table's stream reports it. `object` is the part's partition (one object), `seq`
 * the stream sequence number padded to compare as a string; an image is absent on the side that did not exist.
 */
export interface PartChange {
  seq: string;
  object: string;
  /** A stable id of the record for ReportBatchItemFailures (the stream sequence number as delivered). */
  id: string;
  oldImage?: { gen: string; cells: Record<string, [number, number]>; info?: Record<string, CellInfo> };
  newImage?: { gen: string; cells: Record<string, [number, number]>; info: Record<string, CellInfo> };
}

/** A change still to apply, from its `from`-th cell on (the ones before were applied by an earlier transaction). */
export type PendingChange = PartChange & { from?: number };

/**
 * What one object's changes in a chunk move on its ledger. Positions are checkpoints: `<seq>~` once a change is
 * applied whole, `<seq>#<nnnnn>` once its first n cells are (a part's cells can take more actions than one
 * transaction holds: each entity cell also moves its rows). `firstSeq` is the position the chunk's first cell of
 * the object reaches: the stored checkpoint must still be before it.
 */
export interface LedgerMove {
  object: string;
  firstSeq: string;
  lastSeq: string;
  /** Parts present: +1 per insert, −1 per remove (a modify leaves it); moved with a change's last cell. */
  net: number;
  byGen: Record<string, number>;
}

/** An entity counter as the aggregator finds it: amounts, and the info its rows are filed under (frozen at creation). */
export interface EntityState {
  articles: number;
  mentions: number;
  info: EntityInfo;
  /** How many times a list version refiled its info (shared/ingest/refile-rows.ts); absent: never. */
  rev?: number;
}

/**
 * One entity's move in a chunk: its counter from `before` (undefined: it does not exist yet, created with `info`) to
 * `after`, under the condition that it still holds `before`; its rows in every facet follow (written while articles
 * > 0, deleted when they drop to 0, so the indexes hold only entities in the news).
 */
export interface EntityMove {
  cell: string;
  before?: Amounts;
  after: Amounts;
  info: EntityInfo;
  /**
   * The info revision read with `before` (issue 17.3): the move is conditional on it too, so a batch planned with
   * the info a refile has since replaced is planned again, never filed under the old facets.
   */
  rev?: number;
}

/**
 * What an entity's rows must show after a batch's chunks: its amounts after its last move, and whether it had rows
 * before (so rows at 0 are deleted, not left).
 */
export interface RowMove {
  cell: string;
  info: EntityInfo;
  after: Amounts;
  hadRows: boolean;
  /** Facets whose rows go whatever the amounts: ones an earlier write filed the entity under, and its info left. */
  drop?: string[];
}

/**
 * The rows a batch's chunks leave, one per entity (its last move), whatever the number of chunks that moved it. The
 * aggregator writes them before the chunks' transactions, outside them (issue 17.1): a row is a copy of its counter
 * after the move, and the one aggregator that plans a shard's batch writes its rows, then commits, and after a failed
 * transaction plans again from fresh reads and writes the rows again; so the last rows written for an entity are
 * those of the last transaction that moved it, and a ledger that says "done" (17.3) means its rows count it.
 */
export function rowMovesOf(chunks: readonly AggregationChunk[]): RowMove[] {
  const out = new Map<string, RowMove>();
  for (const c of chunks)
    for (const e of c.entities) {
      const had = out.get(e.cell);
      out.set(e.cell, {
        cell: e.cell,
        info: e.info,
        after: e.after,
        hadRows: (had ? had.hadRows || had.after.articles > 0 : false) || (e.before?.articles ?? 0) > 0,
      });
    }
  return [...out.values()].filter((m) => m.after.articles > 0 || m.hadRows);
}

/** One transaction's worth: ledger moves (each a checkpoint), counter deltas, entity moves, ≤ 100 actions together. */
export interface AggregationChunk {
  ledgers: LedgerMove[];
  /** Plain counters (ADD): countries, dated twins, undated-article counts, timeline cells… */
  deltas: (Delta & { info?: CellInfo })[];
  entities: EntityMove[];
  /** country → attribute (`n`, `l:<list>`, `t:<type>`, `lt:<list>|<type>`) → ±entities: listed entities in the news. */
  listedInNews: Record<string, Record<string, number>>;
  /** period (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`) → `a_<CC>` / `m_<CC>` → amount. */
  rollups: Record<string, Record<string, number>>;
  /** The first change of the chunk (where a redelivery resumes if this chunk fails). */
  firstId: string;
  /** How many changes it completes. */
  changes: number;
}

export const MAX_TX_ACTIONS = 100;

/** The checkpoint a change reaches once its first `n` of `total` cells are applied. */
export const positionAfter = (seq: string, n: number, total: number): string =>
  n >= total ? `${seq}~` : `${seq}#${String(n).padStart(5, '0')}`;

/** A stored checkpoint: a bare sequence number (written before cells could be split) is a whole change. */
const normalisePosition = (p: string): string => (/^\d+$/.test(p) ? `${p}~` : p);

/**
 * Changes not yet applied, in stream order: those after the object's stored checkpoint, resumed from the cell where
 * a change was left, and each sequence number once (a duplicated stream record, or a redelivered batch, is dropped).
 */
export function unappliedChanges(
  changes: readonly PartChange[],
  checkpoints: ReadonlyMap<string, string | undefined>,
): PendingChange[] {
  const last = new Map<string, string>();
  const out: PendingChange[] = [];
  for (const ch of changes) {
    const before = last.get(ch.object);
    if (before !== undefined && ch.seq <= before) continue;
    last.set(ch.object, ch.seq);
    const stored = checkpoints.get(ch.object);
    if (stored === undefined) {
      out.push(ch);
      continue;
    }
    const pos = normalisePosition(stored);
    if (pos >= `${ch.seq}~`) continue;
    if (pos.startsWith(`${ch.seq}#`)) out.push({ ...ch, from: Number(pos.slice(ch.seq.length + 1)) });
    else out.push(ch);
  }
  return out;
}

interface Unit {
  cell: string;
  articles: number;
  mentions: number;
  info?: CellInfo;
}

/** A change's cells, sorted (a resumed change splits at the same cells), with the delta new − old of each. */
function unitsOf(ch: PartChange): Unit[] {
  const cells = [...new Set([...Object.keys(ch.oldImage?.cells ?? {}), ...Object.keys(ch.newImage?.cells ?? {})])];
  cells.sort();
  return cells.map((cell) => {
    const [a1, m1] = ch.newImage?.cells[cell] ?? [0, 0];
    const [a0, m0] = ch.oldImage?.cells[cell] ?? [0, 0];
    const info = ch.newImage?.info[cell] ?? ch.oldImage?.info?.[cell];
    return { cell, articles: a1 - a0, mentions: m1 - m0, ...(info ? { info } : {}) };
  });
}

const DATED_COUNTRY = /^countryd\|(\d{4}-\d{2}-\d{2})#([A-Z]{2})$/;
/** A timeline day cell, stored on its month's item (timelineMonthItemCells reads it back). */
const TIMELINE_DAY = /^(tl:[^|]+)\|d:(\d{4}-\d{2})-(\d{2})$/;

/** The entity cells a set of changes touches (what the aggregator reads before planning). */
export function entityCellsOf(changes: readonly PartChange[]): string[] {
  const out = new Set<string>();
  for (const ch of changes)
    for (const c of [...Object.keys(ch.oldImage?.cells ?? {}), ...Object.keys(ch.newImage?.cells ?? {})])
      if (isEntityCell(c)) {
        out.add(c);
        out.add(baseCellOf(c)); // a month's or year's rows are filed as the entity is (its all-time counter)
      }
  return [...out].sort();
}

/** Countries whose listed-in-news counters an entity cell moves (all-time cells of listed entities only). */
const newsCountries = (cell: string, info: EntityInfo) =>
  info.listed && !scopeOf(cell) ? info.countries.slice(0, MAX_FACET_COUNTRIES) : [];

/**
 * Merges changes into chunks for TransactWriteItems. Plain counters get merged ADDs; an entity counter moves from
 * the state read before planning (`entities`, threaded through the chunks) to its new amounts under a condition, and
 * its rows and listed-in-news counters with it. Chunks are consecutive runs of the changes' cells in stream order,
 * so each object's checkpoint moves forward chunk by chunk, and a chunk is applied whole or not at all.
 */
export function planAggregation(
  changes: readonly PendingChange[],
  entities: ReadonlyMap<string, EntityState> = new Map(),
  maxActions = MAX_TX_ACTIONS,
): AggregationChunk[] {
  const chunks: AggregationChunk[] = [];
  const state = new Map<string, EntityState & { exists: boolean }>();
  for (const [c, s] of entities) state.set(c, { ...s, exists: true });
  let ledgers = new Map<string, LedgerMove>();
  let keys = new Set<string>();
  let cells = new Map<string, Delta & { info?: CellInfo }>();
  let moved = new Map<string, { before?: Amounts }>();
  let rollups: Record<string, Record<string, number>> = {};
  let firstId = '';
  let completed = 0;
  const flush = () => {
    if (!ledgers.size) return;
    for (const d of cells.values())
      if (d.extra) {
        for (const [k, v] of Object.entries(d.extra)) if (v === 0) delete d.extra[k];
        if (!Object.keys(d.extra).length) delete d.extra;
      }
    const deltas = [...cells.values()].filter((d) => d.articles !== 0 || d.mentions !== 0 || d.info || d.extra);
    deltas.sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
    const ents: EntityMove[] = [];
    const lin: Record<string, Record<string, number>> = {};
    for (const [cell, m] of [...moved].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const s = state.get(cell)!;
      const after = { articles: s.articles, mentions: s.mentions };
      const same = m.before && m.before.articles === after.articles && m.before.mentions === after.mentions;
      if (same || (!m.before && after.articles === 0 && after.mentions === 0)) continue;
      ents.push({
        cell,
        ...(m.before ? { before: m.before } : {}),
        after,
        info: s.info,
        ...(m.before && s.rev !== undefined ? { rev: s.rev } : {}),
      });
      s.exists = true;
      const was = (m.before?.articles ?? 0) > 0;
      const is = after.articles > 0;
      if (was !== is)
        for (const cc of newsCountries(cell, s.info))
          for (const attr of listedInNewsAttributes(s.info)) {
            const r = (lin[cc] ??= {});
            r[attr] = (r[attr] ?? 0) + (is ? 1 : -1);
          }
    }
    const roll: Record<string, Record<string, number>> = {};
    for (const [p, attrs] of Object.entries(rollups)) {
      const nz = Object.entries(attrs).filter(([, v]) => v !== 0);
      if (nz.length) roll[p] = Object.fromEntries(nz);
    }
    chunks.push({
      ledgers: [...ledgers.values()],
      deltas,
      entities: ents,
      listedInNews: lin,
      rollups: roll,
      firstId,
      changes: completed,
    });
    completed = 0;
    ledgers = new Map();
    keys = new Set();
    cells = new Map();
    moved = new Map();
    rollups = {};
  };
  /**
   * An entity cell's state. A new one takes its info from its all-time cell (stored, or new in this change, with the
   * display fields the change carries for it), so the rows of a month or year are filed like the entity's own.
   */
  const entityOf = (u: Unit, ch: PartChange) => {
    let s = state.get(u.cell);
    if (s) return s;
    const base = baseCellOf(u.cell);
    let info: EntityInfo;
    if (base === u.cell) info = entityInfoOf(u.cell, u.info);
    else {
      const b = state.get(base);
      info = b?.info ?? entityInfoOf(base, ch.newImage?.info[base] ?? ch.oldImage?.info?.[base] ?? u.info);
    }
    state.set(u.cell, (s = { articles: 0, mentions: 0, info, exists: false }));
    return s;
  };
  /** The items a cell's actions touch (the same item twice in a transaction is refused: merged per chunk). */
  const keysOf = (u: Unit, ch: PartChange): string[] => {
    if (isEntityCell(u.cell)) {
      // The counter and its listed-in-news counters; its rows are written beside the transactions, before them (a
      // copy of the counter: rowMovesOf), which keeps ~15 actions per entity out of each.
      const info = entityOf(u, ch).info;
      return [`C:${u.cell}`, ...newsCountries(u.cell, info).map((cc) => `L:${cc}`)];
    }
    // A dated country cell is stored once, in its day's rollup (with the month's and year's): no counter of its own.
    const dated = DATED_COUNTRY.exec(u.cell);
    if (dated) return periodsOfDay(dated[1]!).map((p) => `P:${p}`);
    const tday = TIMELINE_DAY.exec(u.cell);
    return [`C:${tday ? `${tday[1]}|m:${tday[2]}` : u.cell}`];
  };
  for (const ch of changes) {
    const units = unitsOf(ch);
    const total = Math.max(units.length, 1);
    for (let k = ch.from ?? 0; k < total; k++) {
      const u = units[k];
      const own = u ? keysOf(u, ch) : [];
      if (own.length + 1 > maxActions)
        throw new Error(`cell ${u!.cell} takes ${own.length} actions: more than one transaction holds (${maxActions})`);
      const added = own.filter((x) => !keys.has(x)).length + (ledgers.has(ch.object) ? 0 : 1);
      if (ledgers.size && ledgers.size + keys.size + added > maxActions) flush();
      if (!ledgers.size) firstId = ch.id;
      for (const x of own) keys.add(x);
      const pos = positionAfter(ch.seq, k + 1, units.length);
      const l = ledgers.get(ch.object) ?? { object: ch.object, firstSeq: pos, lastSeq: pos, net: 0, byGen: {} };
      l.lastSeq = pos;
      ledgers.set(ch.object, l);
      if (k === total - 1) {
        completed++;
        if (ch.newImage && !ch.oldImage) {
          l.net += 1;
          l.byGen[ch.newImage.gen] = (l.byGen[ch.newImage.gen] ?? 0) + 1;
        } else if (ch.oldImage && !ch.newImage) {
          l.net -= 1;
          l.byGen[ch.oldImage.gen] = (l.byGen[ch.oldImage.gen] ?? 0) - 1;
        }
      }
      if (!u) continue;
      if (isEntityCell(u.cell)) {
        const s = entityOf(u, ch);
        if (!moved.has(u.cell))
          moved.set(u.cell, s.exists ? { before: { articles: s.articles, mentions: s.mentions } } : {});
        s.articles += u.articles;
        s.mentions += u.mentions;
        continue;
      }
      const dated = DATED_COUNTRY.exec(u.cell);
      if (dated) {
        // Issue 17.1: `CNT#countryd` was written by every chunk (the hottest partition, 1,644 WCU/s at 11 articles/s)
        // and read by nothing the day rollup does not answer: the day's rollup is where a dated country cell lives.
        for (const p of periodsOfDay(dated[1]!)) {
          const r = (rollups[p] ??= {});
          r[`a_${dated[2]}`] = (r[`a_${dated[2]}`] ?? 0) + u.articles;
          r[`m_${dated[2]}`] = (r[`m_${dated[2]}`] ?? 0) + u.mentions;
        }
        continue;
      }
      const tday = TIMELINE_DAY.exec(u.cell);
      if (tday) {
        // Issue 17.1: a timeline's day and month cells were two items per series per chunk; the day's numbers are
        // now attributes of the month's item (one item, one write), read back per day by the timeline route.
        const month = `${tday[1]}|m:${tday[2]}`;
        let d = cells.get(month);
        if (!d) cells.set(month, (d = { cell: month, articles: 0, mentions: 0 }));
        const extra = (d.extra ??= {});
        extra[`a${tday[3]}`] = (extra[`a${tday[3]}`] ?? 0) + u.articles;
        extra[`m${tday[3]}`] = (extra[`m${tday[3]}`] ?? 0) + u.mentions;
        continue;
      }
      let d = cells.get(u.cell);
      if (!d) cells.set(u.cell, (d = { cell: u.cell, articles: 0, mentions: 0 }));
      d.articles += u.articles;
      d.mentions += u.mentions;
      if (u.info && ch.newImage?.info[u.cell]) d.info = u.info;
    }
  }
  flush();
  return chunks;
}

/**
 * Whether the aggregator has applied every part of an object's current generation and the removal of every other:
 * the parts of `gen` present are `parts`, and no part of another generation is (issue 17.3, "done means counted").
 */
export function ledgerCaughtUp(
  ledger: { net?: number; byGen?: Record<string, number> } | undefined,
  gen: string,
  parts: number,
): boolean {
  const net = ledger?.net ?? 0;
  const ofGen = ledger?.byGen?.[gen] ?? 0;
  return net === parts && ofGen === parts;
}
