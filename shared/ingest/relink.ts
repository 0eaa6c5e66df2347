import type { BuildRef, NameIndexStore } from '../adapters/name-index-store.ts';
import { RELINK_MARK_KEY } from '../domain/keys.ts';
import { changedNameKeys, EVERY_ARTICLE } from '../domain/name-postings.ts';
import { DependencyError } from '../errors.ts';
import type { ListCatalog } from '../ports.ts';
import { type ArticleDeps, relinkAllArticles, relinkObjects } from './articles.ts';
import { rebuildNameIndex } from './name-index.ts';
import { type RefileStore, refileChangedEntities } from './refile-rows.ts';
import type { IngestCall } from './sanctions.ts';

export interface RelinkDeps {
  store: ListCatalog & ArticleDeps['store'] & RefileStore;
  index: NameIndexStore;
  /** How stored articles are read and analysed again. */
  articles: Omit<ArticleDeps, 'store' | 'index'>;
  log?: (message: string, data: Record<string, unknown>) => void;
}

/**
 * After a list's current version changed: a new name index, then the stored articles whose links it can change
 * relinked against it (design §4, issue 17.4), until this call's deadline (issue 14.5: the deadline is the call's, so
 * two batches running at once on one module instance each stop at their own). Unfinished work fails the call so the
 * message comes back; relinking is idempotent, so each try goes further.
 */
export async function relinkAfterListChange(deps: RelinkDeps, call: IngestCall): Promise<void> {
  const built = await rebuildNameIndex(deps.store, deps.index);
  if (built.rebuilt) deps.log?.('name index rebuilt', built);
  // The rows of entities the new versions changed, before the relink (which may run out of time and come back):
  // their counts may not move at all, and their rows must still show the list's new info (issue 17.3).
  const refiled = await refileChangedEntities(deps.store);
  if (refiled.entities) deps.log?.('rows refiled', { ...refiled });
  const r = await relinkChangedArticles(
    { ...deps.articles, store: deps.store, index: deps.index },
    call.deadline !== undefined ? { deadline: call.deadline } : {},
  );
  if (!r.finished)
    throw new DependencyError(`relinked ${r.relinked} of ${r.total} article objects before the time ran out; retrying`);
  if (r.relinked || r.mode === 'all') deps.log?.('articles relinked', { ...r });
}

export interface RelinkOptions {
  deadline?: number;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  now?: () => number;
}

export interface RelinkResult {
  total: number;
  relinked: number;
  finished: boolean;
  skipped?: boolean;
  /** `changed`: only the objects under changed name keys; `all`: every stored object. */
  mode: 'changed' | 'all';
  /** How many name keys changed (mode `changed`), and the first of them (sorted), to say why objects were found. */
  changedKeys?: number;
  someChangedKeys?: string[];
  /** Why a proportional pass was not possible (mode `all` when not asked for). */
  reason?: string;
}

type Deps = ArticleDeps & { index: NameIndexStore };

/**
 * A build never marked saved (its builder died between the signature and the index put, or put the index and died
 * before the mark) is pruned only when it is older than this: far past any Lambda invocation (15 minutes), so its
 * index, if ever put, was put long before the current one and is superseded.
 */
const UNSAVED_BUILD_TTL_MS = 24 * 3_600_000;

/**
 * Relinks only the article objects a change of the name index can relink (issue 17.4): the name keys whose forms or
 * entities differ between the current index and every build since the last finished pass (their signatures are kept
 * under index/builds/), then the objects posted under those keys (name-postings.ts), each reconciled as a relink.
 * The counts then move as a full pass would move them: an object under no changed key links alike under either index.
 *
 * Why every build since the mark and not only the mark's: an article ingested while a build between them was current
 * is linked against that build, and a key can change and change back. Each finished pass marks the build it linked
 * against (RELINK DONE, with its build id), as the full pass does.
 *
 * Reads: the mark, the listing of index/builds/ and each signature in it, then one Query per changed key and shard.
 * Writes: what relinking each found object writes, the mark, and the deletes of pruned signatures.
 * Falls back to the full pass when there is nothing to diff against (no mark yet, a mark from before signatures
 * were kept, the mark's signature gone) or the change touches every article.
 */
export async function relinkChangedArticles(deps: Deps, opts: RelinkOptions = {}): Promise<RelinkResult> {
  const now = opts.now ?? Date.now;
  const started = now();
  const cur = await deps.index.load();
  const indexEtag = cur?.etag ?? 'none';
  const mark = await deps.store.getItem(RELINK_MARK_KEY);
  if (mark?.indexEtag === indexEtag) return { total: 0, relinked: 0, finished: true, skipped: true, mode: 'changed' };
  const full = (reason: string) => relinkEverything(deps, { ...opts, now }, reason);
  if (!cur) return full('no name index');
  if (!cur.buildId) return full('the name index has no build id');
  const { builds, complete } = await deps.index.listBuilds();
  if (!builds.some((b) => b.buildId === cur.buildId)) await deps.index.saveSignature(cur.buildId, cur.index);
  const markBuild = typeof mark?.buildId === 'string' ? mark.buildId : undefined;
  if (!markBuild) return full(mark ? 'the last pass recorded no build' : 'no pass has finished yet');
  if (!complete) return full('too many builds to diff');
  if (!builds.some((b) => b.buildId === markBuild)) return full("the last pass's build signature is gone");

  const curSig = await deps.index.signatureOf(
    cur.buildId,
    cur.index,
    builds.find((b) => b.buildId === cur.buildId)?.key,
  );
  const changed = new Set<string>();
  for (const b of builds) {
    if (b.buildId === cur.buildId) continue;
    const sig = await deps.index.readBuild(b.key);
    if (!sig) {
      // Pruned by another pass since the listing: only the mark's is indispensable.
      if (b.buildId === markBuild) return full("the last pass's build signature is gone");
      continue;
    }
    for (const k of changedNameKeys(sig, curSig)) changed.add(k);
  }
  if (changed.has(EVERY_ARTICLE)) return full('a form of one word changed');
  const keys = changed.size ? await deps.store.objectsNaming([...changed]) : [];
  // The objects' contents are unchanged, only the index: their stored readings are linked again (extractor spared).
  const r = await relinkObjects(keys, { ...deps, reuseReadings: true }, opts);
  const result: RelinkResult = {
    ...r,
    mode: 'changed',
    changedKeys: changed.size,
    someChangedKeys: [...changed].sort().slice(0, 10),
  };
  if (r.finished && (await markIfStill(deps, indexEtag, cur.buildId, result, now() - started)))
    await pruneBuilds(deps, builds, cur.buildId, started);
  return result;
}

/**
 * The full pass (`radar relink --all`, and the fallback above): every stored object reconciled as a relink. Leaves
 * the current build's signature and the mark, so the next change can be relinked in proportion.
 */
export async function relinkEverything(
  deps: Deps,
  opts: RelinkOptions & { skipIfCurrent?: boolean } = {},
  reason?: string,
): Promise<RelinkResult> {
  const now = opts.now ?? Date.now;
  const started = now();
  const cur = await deps.index.load();
  const listed = cur?.buildId ? await deps.index.listBuilds() : undefined;
  if (cur?.buildId && !listed?.builds.some((b) => b.buildId === cur.buildId))
    await deps.index.saveSignature(cur.buildId, cur.index);
  const r = await relinkAllArticles(deps, {
    ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.skipIfCurrent ? { skipIfCurrent: true } : {}),
  });
  const marked = (await deps.store.getItem(RELINK_MARK_KEY))?.indexEtag === (cur?.etag ?? 'none');
  if (r.finished && !r.skipped && marked && cur?.buildId && listed)
    await pruneBuilds(deps, listed.builds, cur.buildId, started);
  // The mark relinkAllArticles wrote has no mode: a mark without one is a full pass's.
  return { ...r, mode: 'all', ...(reason ? { reason } : {}) };
}

/** What a finished pass leaves on the mark beside its build: what it was, and what it took. */
const markFieldsOf = (r: RelinkResult, ms: number) => ({
  objects: r.total,
  relinked: r.relinked,
  mode: r.mode,
  ms,
  ...(r.changedKeys !== undefined ? { changedKeys: r.changedKeys } : {}),
  ...(r.someChangedKeys?.length ? { someChangedKeys: r.someChangedKeys } : {}),
  ...(r.reason ? { reason: r.reason } : {}),
});

/** The mark, written only when the index stayed the same build throughout (build ETags never recur). */
async function markIfStill(
  deps: Deps,
  indexEtag: string,
  buildId: string,
  r: RelinkResult,
  ms: number,
): Promise<boolean> {
  if (((await deps.index.load())?.etag ?? 'none') !== indexEtag) return false;
  await deps.store.putItems([
    { ...RELINK_MARK_KEY, indexEtag, buildId, at: new Date().toISOString(), ...markFieldsOf(r, ms) },
  ]);
  return true;
}

/**
 * Every stored object now links as the current build does, and every build listed at the pass's start was in its
 * diff: the signatures of the builds the current one superseded are no longer needed. A build whose index put is not
 * marked may still be on its way to being current (a slow rebuild racing this one), so it stays unless very old.
 */
async function pruneBuilds(deps: Deps, builds: readonly BuildRef[], current: string, started: number): Promise<void> {
  for (const b of builds)
    if (b.buildId !== current && (b.saved || b.builtAt < started - UNSAVED_BUILD_TTL_MS))
      await deps.index.deleteBuild(b);
}
