/**
 * Paging through sorted partitions (issue 17.2): a page is merged from several sorted streams (the shards of a
 * facet, or of list versions), each read from its own position a bounded number of items, so a request reads
 * O(limit) items whatever the size of the store, and the next page continues from the same positions.
 */

/** A stream's position, compact enough for a cursor: 0 from the start, 1 at its end, or the last item's key parts. */
export type StreamPos = 0 | 1 | (string | number)[];

export interface Stream<T> {
  /** At most `limit` items after `start`, each with its position; `more` when the stream may hold further items. */
  fetch(
    limit: number,
    start: (string | number)[] | undefined,
  ): Promise<{ items: { item: T; at: (string | number)[] }[]; more: boolean }>;
}

export interface Merged<T> {
  taken: T[];
  positions: StreamPos[];
  /** Items read from the store (what the request paid). */
  read: number;
  /** Every stream read to its end and every item read taken. */
  finished: boolean;
}

/**
 * Takes up to `want` accepted items in merged order. Each stream is read once, at most `perStream` items; the merge
 * stops where a stream's read items run out while it may have more (the next page goes on from there), so a page
 * can come back short when filters reject items: the cursor then resumes where this one stopped.
 */
export async function mergeStreams<T>(
  streams: readonly Stream<T>[],
  positions: readonly StreamPos[],
  cmp: (a: T, b: T) => number,
  accept: (t: T) => boolean,
  want: number,
  perStream: number,
): Promise<Merged<T>> {
  const pos = [...positions];
  const reads = await Promise.all(
    streams.map(async (s, i) => {
      const p = pos[i] ?? 0;
      if (p === 1) return { items: [], more: false };
      return s.fetch(perStream, p === 0 ? undefined : p);
    }),
  );
  const buffers = reads.map((r) => [...r.items]);
  const read = reads.reduce((n, r) => n + r.items.length, 0);
  reads.forEach((r, i) => {
    if (!r.items.length && !r.more) pos[i] = 1;
  });
  const taken: T[] = [];
  while (taken.length < want) {
    // A stream whose read items are used up but that may hold more: its next item is unknown, so stop here.
    if (buffers.some((b, i) => !b.length && pos[i] !== 1)) break;
    let best = -1;
    for (let i = 0; i < buffers.length; i++) {
      const head = buffers[i]![0];
      if (head && (best < 0 || cmp(head.item, buffers[best]![0]!.item) < 0)) best = i;
    }
    if (best < 0) break;
    const { item, at } = buffers[best]!.shift()!;
    pos[best] = !buffers[best]!.length && !reads[best]!.more ? 1 : at;
    if (accept(item)) taken.push(item);
  }
  return { taken, positions: pos, read, finished: pos.every((p) => p === 1) };
}

/**
 * Streams read one after another (the unmentioned tail of the listed universe: list by list, shard by shard), from
 * `seg` at `at`, until `want` accepted items or `budget` items read.
 */
export async function walkSegments<T>(
  segments: readonly Stream<T>[],
  start: { seg: number; at: StreamPos },
  accept: (items: T[]) => Promise<boolean[]>,
  want: number,
  budget: number,
): Promise<{ taken: T[]; next: { seg: number; at: StreamPos }; read: number; finished: boolean }> {
  let { seg, at } = start;
  const taken: T[] = [];
  let read = 0;
  while (seg < segments.length && taken.length < want && read < budget) {
    if (at === 1) {
      seg++;
      at = 0;
      continue;
    }
    const limit = Math.min(budget - read, Math.max(want - taken.length + 1, 10));
    const r = await segments[seg]!.fetch(limit, at === 0 ? undefined : at);
    read += r.items.length;
    if (!r.items.length) {
      if (r.more) break; // nothing read yet more promised: stop, the cursor resumes here
      at = 1;
      continue;
    }
    const ok = await accept(r.items.map((x) => x.item));
    let i = 0;
    for (; i < r.items.length && taken.length < want; i++) if (ok[i]) taken.push(r.items[i]!.item);
    if (i < r.items.length) at = r.items[i - 1]!.at;
    else at = r.more ? (r.items[r.items.length - 1]?.at ?? at) : 1;
    if (i < r.items.length) break;
  }
  if (at === 1 && seg < segments.length) {
    seg++;
    at = 0;
  }
  return { taken, next: { seg, at }, read, finished: seg >= segments.length };
}
