import { compareKeys } from './list-delta.ts';

/** One page of one shard, in sort-key order, after a position; `last` when more may follow (as a Query answers). */
export type ShardPage<T> = { items: T[]; last?: string | undefined };
export type ReadShardPage<T> = (shard: number, after: string | undefined, limit: number) => Promise<ShardPage<T>>;

/**
 * One page of items spread over `shards` partitions, in sort-key order as if they were one partition: a k-way merge
 * (issue 17.1, change items sharded by source id). Sort keys must be unique across the shards (the cursor `after` is
 * the last sort key returned).
 *
 * Each shard is read from `after` until it gave `limit + 1` items or ran out, so at most shards × (limit + 1) items
 * are read: a shard that did not run out holds `limit + 1` items at or below everything it has not given, so the
 * first `limit` items of the union are the first `limit` of the whole, and the union is longer than `limit` exactly
 * when more follow. A shard read short of its limit with a `last` (DynamoDB stops a Query at 1 MB) is read on.
 *
 * Written by hand: a merge of a handful of sorted arrays is a sort of their concatenation; no library needed.
 */
export async function pageMergedShards<T extends { sk: unknown }>(
  shards: number,
  limit: number,
  after: string | undefined,
  readPage: ReadShardPage<T>,
): Promise<{ items: T[]; last?: string }> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a page holds at least one item, not ${limit}`);
  const want = limit + 1;
  const read = await Promise.all(
    Array.from({ length: shards }, async (_, shard) => {
      const got: T[] = [];
      let from = after;
      for (;;) {
        const page = await readPage(shard, from, want - got.length);
        got.push(...page.items);
        if (page.last === undefined || got.length >= want) return got;
        from = page.last;
      }
    }),
  );
  const all = read.flat().sort((a, b) => compareKeys(String(a.sk), String(b.sk)));
  const items = all.slice(0, limit);
  return { items, ...(all.length > limit ? { last: String(items[items.length - 1]!.sk) } : {}) };
}
