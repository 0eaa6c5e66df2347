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
const BUILD_KEY = /(\d{15})-([^/]+)\.json\.gz$/;
/** Signatures remembered per container: the current build's and the few before it. */
const SIGNATURES_KEPT = 3;

type Loaded = { etag: string; readonly matcher: NameMatcher; index: NameIndex; buildId?: string };

/** A loaded index whose matcher is built on first use (most of a load's cost: ~0.2 s at 15,000 entities). */
function loaded(etag: string, index: NameIndex & { buildId?: string }): Loaded {
  let matcher: NameMatcher | undefined;
  return {
    etag,
    index,
    ...(index.buildId ? { buildId: index.buildId } : {}),
    get matcher() {
      return (matcher ??= new NameMatcher(index));
    },
  };
}

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
  let cached: Loaded | undefined;
  // The signatures this container computed or read, by build id: the newest few (a relink diffs the current build
  // against the one its last pass linked, often both built here a moment before). Bounded: at a million entities
  // one signature is tens of MB.
  const signatures = new Map<string, Record<string, string>>();
  const remember = (buildId: string, keys: Record<string, string>) => {
    signatures.delete(buildId);
    signatures.set(buildId, keys);
    while (signatures.size > SIGNATURES_KEPT) signatures.delete(signatures.keys().next().value!);
    return keys;
  };
  const saveBuild = async (buildId: string, builtAt: number, index: NameIndex) => {
    const sig = { format: 'radar-name-keys/1', buildId, builtAt, keys: remember(buildId, nameKeySignature(index)) };
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
      const json = JSON.stringify({ ...index, buildId, builtAt });
      const etag = await source.put(NAME_INDEX_KEY, gzipSync(json), 'application/gzip', { 'built-from': builtFrom });
      // What was just written is what a load would read back (the relink right after a rebuild): kept, parsed from
      // the very text written, under the ETag the put answered, so the next load costs a conditional GET (304). The
      // matcher is still built on first use.
      if (etag) cached = loaded(etag, JSON.parse(json) as NameIndex);
      // Without this mark a build may still be on its way to being current (a slow rebuild racing a fast one), and
      // its signature is kept (see relink.ts pruneBuilds).
      await source.put(savedKey(builtAt, buildId), '', 'text/plain');
    },
    async builtFrom(): Promise<string | undefined> {
      return (await source.headMetadata(NAME_INDEX_KEY))?.['built-from'];
    },
    /** The current matcher and the index ETag it was built from; undefined when no list has been ingested yet. */
    async load(): Promise<Loaded | undefined> {
      const r = await source.getIfChanged(NAME_INDEX_KEY, cached?.etag);
      if (r === 'notModified') return cached;
      if (!r) return (cached = undefined);
      return (cached = loaded(r.etag, JSON.parse(gunzipSync(r.bytes).toString('utf8')) as NameIndex));
    },
    /**
     * The name-key signature of a build whose index is `index`: remembered when this container wrote or read it, else
     * read from its stored file (`key`, from listBuilds), else computed (the file is written before the index, so
     * only an index older than signatures has none).
     */
    async signatureOf(buildId: string, index: NameIndex, key?: string): Promise<Record<string, string>> {
      const known = signatures.get(buildId) ?? (key ? await this.readBuild(key) : undefined);
      return known ?? remember(buildId, nameKeySignature(index));
    },
    /** The builds whose signatures are kept; `complete` false when there were too many to list. */
    async listBuilds(): Promise<{ builds: BuildRef[]; complete: boolean }> {
      const listed = await source.listFolder(NAME_BUILDS_PREFIX, MAX_BUILDS);
      const keys = new Set(listed.map((o) => o.key));
      const builds = listed.flatMap((o) => {
        const m = BUILD_KEY.exec(o.key);
        if (!m) return [];
        const [builtAt, buildId] = [Number(m[1]), m[2]!];
        return [{ key: o.key, buildId, builtAt, saved: keys.has(savedKey(builtAt, buildId)) }];
      });
      return { builds, complete: listed.length < MAX_BUILDS };
    },
    /** A build's name-key signature (name key → hash); undefined when it is gone. */
    async readBuild(key: string): Promise<Record<string, string> | undefined> {
      const buildId = BUILD_KEY.exec(key)?.[2];
      const known = buildId ? signatures.get(buildId) : undefined;
      if (known) return known;
      const r = await source.getIfChanged(key);
      if (!r || r === 'notModified') return undefined;
      const keys = (JSON.parse(gunzipSync(r.bytes).toString('utf8')) as { keys: Record<string, string> }).keys;
      return buildId ? remember(buildId, keys) : keys;
    },
    /** Writes the signature of an index whose build has none (an index written before signatures were kept). */
    async saveSignature(buildId: string, index: NameIndex): Promise<void> {
      const builtAt = now();
      await saveBuild(buildId, builtAt, index);
      await source.put(savedKey(builtAt, buildId), '', 'text/plain'); // it is the current index
    },
    /** The signature first, then its mark: a crash between them leaves a mark without signature, which is ignored. */
    async deleteBuild(b: BuildRef): Promise<void> {
      signatures.delete(b.buildId);
      await source.delete(b.key);
      await source.delete(savedKey(b.builtAt, b.buildId));
    },
  };
}
export type NameIndexStore = ReturnType<typeof makeNameIndexStore>;
