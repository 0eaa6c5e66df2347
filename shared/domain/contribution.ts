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
