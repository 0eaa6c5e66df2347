import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { NameMatcher, type NameIndex } from '../domain/name-index.ts';
import { OUTPUT_PREFIXES } from '../resources.ts';
import type { S3Source } from './s3-source.ts';

export const NAME_INDEX_KEY = `${OUTPUT_PREFIXES.index}names.json.gz`;

/**
 * The name index in S3 (design §4): written after a list version is swapped in, read by the article function once per
 * container and again only when its ETag changes.
 */
export function makeNameIndexStore(source: S3Source) {
  let cached: { etag: string; matcher: NameMatcher } | undefined;
  return {
    /** `builtFrom` names the list versions it holds (kept in the object's metadata). */
    async save(index: NameIndex, builtFrom: string): Promise<void> {
      // A build id makes every build's ETag new, even for the same content: an ETag seen once never comes back, so
      // "linked against this ETag" always means "linked against this build" (relinkAllArticles relies on it).
      const body = gzipSync(JSON.stringify({ ...index, buildId: randomUUID() }));
      await source.put(NAME_INDEX_KEY, body, 'application/gzip', { 'built-from': builtFrom });
    },
    async builtFrom(): Promise<string | undefined> {
      return (await source.headMetadata(NAME_INDEX_KEY))?.['built-from'];
    },
    /** The current matcher and the index ETag it was built from; undefined when no list has been ingested yet. */
    async load(): Promise<{ etag: string; matcher: NameMatcher } | undefined> {
      const r = await source.getIfChanged(NAME_INDEX_KEY, cached?.etag);
      if (r === 'notModified') return cached;
      if (!r) return (cached = undefined);
      const index = JSON.parse(gunzipSync(r.bytes).toString('utf8')) as NameIndex;
      cached = { etag: r.etag, matcher: new NameMatcher(index) };
      return cached;
    },
  };
}
export type NameIndexStore = ReturnType<typeof makeNameIndexStore>;
