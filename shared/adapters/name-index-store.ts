import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { NameMatcher, type NameIndex } from '../domain/name-index.ts';
import { nameKeySignature } from '../domain/name-postings.ts';
import { NAME_BUILDS_PREFIX, OUTPUT_PREFIXES } from '../resources.ts';
import type { S3Source } from './s3-source.ts';

export const NAME_INDEX_KEY = `${OUTPUT_PREFIXES.index}names.json.gz`;
/** One name-key signature per build (issue 17.4), under NAME_BUILDS_PREFIX: what a relink diffs the index against. */
export { NAME_BUILDS_PREFIX };
const buildStem = (builtAt: number, buildId: string) =>
  `${NAME_BUILDS_PREFIX}${String(builtAt).padStart(15, '0')}-${buildId}`;
const buildKey = (builtAt: number, buildId: string) => `${buildStem(builtAt, buildId)}.json.gz`;
/** Written after the index put: this build has been current (or still is), so a later build supersedes it. */
const savedKey = (builtAt: number, buildId: string) => `${buildStem(builtAt, buildId)}.saved`;
/** More builds than this listed at once means pruning stopped working: the relink then takes the full pass. */
const MAX_BUILDS = 1000;

export interface BuildRef {
  key: string;
  buildId: string;
  builtAt: number;
  /** Its index was put (so once another build is current, this one never will be again). */
  saved: boolean;
}

/**
 * The name index in S3 (design §4): written after a list version is swapped in, read by the article function once per
 * container and again only when its ETag changes. Beside it, the name-key signature of every build since the last
 * finished relink, so a relink can tell which names changed (the index itself is overwritten in place).
 */
export function makeNameIndexStore(source: S3Source, now: () => number = Date.now) {
  let cached: { etag: string; matcher: NameMatcher; index: NameIndex; buildId?: string } | undefined;
  const saveBuild = async (buildId: string, builtAt: number, index: NameIndex) => {
    const sig = { format: 'radar-name-keys/1', buildId, builtAt, keys: nameKeySignature(index) };
    await source.put(buildKey(builtAt, buildId), gzipSync(JSON.stringify(sig)), 'application/gzip');
  };
  return {
    /** `builtFrom` names the list versions it holds (kept in the object's metadata). */
    async save(index: NameIndex, builtFrom: string): Promise<void> {
      // A build id makes every build's ETag new, even for the same content: an ETag seen once never comes back, so
      // "linked against this ETag" always means "linked against this build" (relinkAllArticles relies on it).
      const buildId = randomUUID();
      const builtAt = now();
      // The signature first: every build that is ever current has one, even if this call dies between the two puts
      // (an article may be linked against it from the moment it is current).
      await saveBuild(buildId, builtAt, index);
      const body = gzipSync(JSON.stringify({ ...index, buildId, builtAt }));
      await source.put(NAME_INDEX_KEY, body, 'application/gzip', { 'built-from': builtFrom });
      // Without this mark a build may still be on its way to being current (a slow rebuild racing a fast one), and
      // its signature is kept (see relink.ts pruneBuilds).
      await source.put(savedKey(builtAt, buildId), '', 'text/plain');
    },
    async builtFrom(): Promise<string | undefined> {
      return (await source.headMetadata(NAME_INDEX_KEY))?.['built-from'];
    },
    /** The current matcher and the index ETag it was built from; undefined when no list has been ingested yet. */
    async load(): Promise<{ etag: string; matcher: NameMatcher; index: NameIndex; buildId?: string } | undefined> {
      const r = await source.getIfChanged(NAME_INDEX_KEY, cached?.etag);
      if (r === 'notModified') return cached;
      if (!r) return (cached = undefined);
      const index = JSON.parse(gunzipSync(r.bytes).toString('utf8')) as NameIndex & { buildId?: string };
      cached = {
        etag: r.etag,
        matcher: new NameMatcher(index),
        index,
        ...(index.buildId ? { buildId: index.buildId } : {}),
      };
      return cached;
    },
    /** The builds whose signatures are kept; `complete` false when there were too many to list. */
    async listBuilds(): Promise<{ builds: BuildRef[]; complete: boolean }> {
      const listed = await source.listFolder(NAME_BUILDS_PREFIX, MAX_BUILDS);
      const keys = new Set(listed.map((o) => o.key));
      const builds = listed.flatMap((o) => {
        const m = /(\d{15})-([^/]+)\.json\.gz$/.exec(o.key);
        if (!m) return [];
        const [builtAt, buildId] = [Number(m[1]), m[2]!];
        return [{ key: o.key, buildId, builtAt, saved: keys.has(savedKey(builtAt, buildId)) }];
      });
      return { builds, complete: listed.length < MAX_BUILDS };
    },
    /** A build's name-key signature (name key → hash); undefined when it is gone. */
    async readBuild(key: string): Promise<Record<string, string> | undefined> {
      const r = await source.getIfChanged(key);
      if (!r || r === 'notModified') return undefined;
      return (JSON.parse(gunzipSync(r.bytes).toString('utf8')) as { keys: Record<string, string> }).keys;
    },
    /** Writes the signature of an index whose build has none (an index written before signatures were kept). */
    async saveSignature(buildId: string, index: NameIndex): Promise<void> {
      const builtAt = now();
      await saveBuild(buildId, builtAt, index);
      await source.put(savedKey(builtAt, buildId), '', 'text/plain'); // it is the current index
    },
    /** The signature first, then its mark: a crash between them leaves a mark without signature, which is ignored. */
    async deleteBuild(b: BuildRef): Promise<void> {
      await source.delete(b.key);
      await source.delete(savedKey(b.builtAt, b.buildId));
    },
  };
}
export type NameIndexStore = ReturnType<typeof makeNameIndexStore>;
