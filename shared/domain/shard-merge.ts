import { compareKeys } from './list-delta.ts';

/** One page of one shard, in sort-key order, after a position; `last` when more may follow (as a Query answers). */
export type ShardPage<T> = { items: T[]; last?: string | undefined };
export type ReadShardPage<T> = (shard: number, after: string | undefined, limit: number) => Promise<ShardPage<T>>;

/**
 * One page of items spread over `shards` partitions, in sort-key order as if they were one partition: a k-way merge
 * (issue 17.1, change items sharded by source id). Sort keys must be unique across the shards (the cursor `after` is
 * the last sort key returned).
 *
 * Read in rounds rather than `limit` items from every shard: each round reads the shards whose read items are all
 * given out (all of them at first), about their share of what the page still needs. An item is given out once no
 * shard still open can hold a smaller one: once it is at or below every open shard's last key read. The shard with
 * the smallest last key has given out all it read, so every round reads on and the merge ends. A shard is read
 * `limit + 1` items at most (it then holds one it has not given out, so it is never read again), hence at most
 * shards × (limit + 1) items a call; with keys spread by a hash, about 1.5 × limit + 2 × shards in 3–4 rounds
 * (measured in test/unit/sanctions/change-shards.test.ts). `last` when more may follow, as a Query's
 * LastEvaluatedKey.
 *
 * Written by hand: a merge of a handful of sorted pages is a few lines; no library merges paged async sources.
 */
export async function pageMergedShards<T extends { sk: unknown }>(
  shards: number,
  limit: number,
  after: string | undefined,
  readPage: ReadShardPage<T>,
): Promise<{ items: T[]; last?: string }> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a page holds at least one item, not ${limit}`);
  const key = (it: T) => String(it.sk);
  const state = Array.from({ length: shards }, (_, shard) => ({
    shard,
    held: [] as T[],
    from: after,
    done: false,
    read: 0,
  }));
  const out: T[] = [];
  for (;;) {
    const need = limit - out.length;
    const dry = state.filter((s) => !s.done && s.held.length === 0);
    await Promise.all(
      dry.map(async (s) => {
        // Never 0: a shard read limit + 1 items still holds one, since at most `limit` were given out.
        const page = await readPage(s.shard, s.from, Math.min(Math.ceil(need / dry.length) + 1, limit + 1 - s.read));
        s.read += page.items.length;
        s.held.push(...page.items);
        if (page.last === undefined) s.done = true;
        else s.from = page.last;
      }),
    );
    const open = state.filter((s) => !s.done).map((s) => s.from!);
    const frontier = open.length ? open.reduce((a, b) => (compareKeys(a, b) <= 0 ? a : b)) : undefined;
    const ready = state
      .flatMap((s) => s.held.filter((it) => frontier === undefined || compareKeys(key(it), frontier) <= 0))
      .sort((a, b) => compareKeys(key(a), key(b)))
      .slice(0, need);
    if (ready.length) {
      // What a shard gives out is a prefix of what it holds (both are in key order).
      const upTo = key(ready[ready.length - 1]!);
      for (const s of state) s.held = s.held.filter((it) => compareKeys(key(it), upTo) > 0);
      out.push(...ready);
    }
    if (out.length === limit) {
      const more = state.some((s) => s.held.length > 0 || !s.done);
      return { items: out, ...(more ? { last: key(out[out.length - 1]!) } : {}) };
    }
    if (!open.length) return { items: out };
  }
}
