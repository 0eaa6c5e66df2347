/**
 * A per-container memo for the aggregate reads behind the counts routes: the same question within `ttlMs` gets the
 * same answer without reading DynamoDB again. Counts may then lag the store by at most `ttlMs` (2 s by default),
 * which a dashboard or an analyst never notices and which keeps p99 latency low under load. Concurrent misses for one
 * key share one read.
 */
export function makeTtlCache(ttlMs: number, maxEntries = 200, now: () => number = Date.now) {
  const entries = new Map<string, { at: number; value: Promise<unknown> }>();
  return async function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = entries.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = load();
    entries.set(key, { at: now(), value });
    value.catch(() => entries.delete(key)); // a failed read is not remembered
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    return value;
  };
}
