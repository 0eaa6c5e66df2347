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
      const inf = info(cell);
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
  oldImage?: { gen: string; cells: Record<string, [number, number]> };
  newImage?: { gen: string; cells: Record<string, [number, number]>; info: Record<string, CellInfo> };
}

/** What one object's changes in a chunk move on its ledger: the checkpoint range and the parts present per generation. */
export interface LedgerMove {
  object: string;
  firstSeq: string;
  lastSeq: string;
  /** Parts present: +1 per insert, −1 per remove (a modify leaves it). */
  net: number;
  byGen: Record<string, number>;
}

/** One transaction's worth: ledger moves (each a checkpoint) and merged counter deltas, ≤ 100 actions together. */
export interface AggregationChunk {
  ledgers: LedgerMove[];
  deltas: (Delta & { info?: CellInfo })[];
  /** The first change of the chunk (where a redelivery resumes if this chunk fails). */
  firstId: string;
  /** How many changes it merges. */
  changes: number;
}

export const MAX_TX_ACTIONS = 100;

/**
 * Changes not yet applied, in stream order: those after the object's stored checkpoint, and each sequence number once
 * (a duplicated stream record, or a redelivered batch, is dropped here).
 */
export function unappliedChanges(
  changes: readonly PartChange[],
  checkpoints: ReadonlyMap<string, string | undefined>,
): PartChange[] {
  const last = new Map<string, string>();
  const out: PartChange[] = [];
  for (const ch of changes) {
    const seen = last.get(ch.object) ?? checkpoints.get(ch.object);
    if (seen !== undefined && ch.seq <= seen) continue;
    last.set(ch.object, ch.seq);
    out.push(ch);
  }
  return out;
}

/**
 * Merges changes into chunks for TransactWriteItems: per chunk, delta = Σ new cells − Σ old cells merged per cell, one
 * ledger move per object. Chunks are consecutive runs of the changes in stream order, so each object's checkpoint
 * moves forward chunk by chunk, and a chunk is applied whole or not at all.
 */
export function planAggregation(changes: readonly PartChange[], maxActions = MAX_TX_ACTIONS): AggregationChunk[] {
  const chunks: AggregationChunk[] = [];
  let ledgers = new Map<string, LedgerMove>();
  let cells = new Map<string, Delta & { info?: CellInfo }>();
  let firstId = '';
  let count = 0;
  const flush = () => {
    if (!ledgers.size) return;
    const deltas = [...cells.values()].filter((d) => d.articles !== 0 || d.mentions !== 0 || d.info);
    deltas.sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
    chunks.push({ ledgers: [...ledgers.values()], deltas, firstId, changes: count });
    count = 0;
    ledgers = new Map();
    cells = new Map();
  };
  for (const ch of changes) {
    const touched = new Set([...Object.keys(ch.oldImage?.cells ?? {}), ...Object.keys(ch.newImage?.cells ?? {})]);
    const own = touched.size + 1;
    if (own > maxActions)
      throw new Error(`a part change touches ${touched.size} cells: more than one transaction holds (${maxActions})`);
    const added = [...touched].filter((c) => !cells.has(c)).length + (ledgers.has(ch.object) ? 0 : 1);
    if (ledgers.size && ledgers.size + cells.size + added > maxActions) flush();
    if (!ledgers.size) firstId = ch.id;
    count++;
    const l = ledgers.get(ch.object) ?? { object: ch.object, firstSeq: ch.seq, lastSeq: ch.seq, net: 0, byGen: {} };
    l.lastSeq = ch.seq;
    if (ch.newImage && !ch.oldImage) {
      l.net += 1;
      l.byGen[ch.newImage.gen] = (l.byGen[ch.newImage.gen] ?? 0) + 1;
    } else if (ch.oldImage && !ch.newImage) {
      l.net -= 1;
      l.byGen[ch.oldImage.gen] = (l.byGen[ch.oldImage.gen] ?? 0) - 1;
    }
    ledgers.set(ch.object, l);
    const cell = (id: string) => {
      let d = cells.get(id);
      if (!d) cells.set(id, (d = { cell: id, articles: 0, mentions: 0 }));
      return d;
    };
    for (const [id, [a, m]] of Object.entries(ch.newImage?.cells ?? {})) {
      const d = cell(id);
      d.articles += a;
      d.mentions += m;
      const info = ch.newImage!.info[id];
      if (info) d.info = info;
    }
    for (const [id, [a, m]] of Object.entries(ch.oldImage?.cells ?? {})) {
      const d = cell(id);
      d.articles -= a;
      d.mentions -= m;
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
