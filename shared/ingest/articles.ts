import { createHash } from 'node:crypto';
import {
  analyseArticle,
  articleId,
  objectContribution,
  readingOf,
  type Extractor,
  type RawArticle,
} from '../domain/article.ts';
import {
  type CellInfo,
  type Contribution,
  contributionParts,
  diffContributions,
  PART_CELLS,
} from '../domain/contribution.ts';
import { binaryOffset, decodeBytes } from '../domain/encoding.ts';
import { articleIndexItems } from '../domain/article-index.ts';
import { articleKey, RELINK_MARK_KEY } from '../domain/keys.ts';
import { type Article, ArticleSchema } from '../domain/model.ts';
import type { IngestStatus, ObjectState } from '../domain/stored.ts';
import type { ArticleStore, IngestLog, NamePostings, ObjectContributions } from '../ports.ts';
import type { ObjectRef } from '../adapters/s3-event.ts';
import { readAll, type S3Source } from '../adapters/s3-source.ts';
import { InvalidInputError } from '../errors.ts';
import type { NameIndexStore } from '../adapters/name-index-store.ts';
import { hasNamePostings, removeNameLists, writeNamePostings } from './name-postings.ts';
import { quarantine } from './quarantine.ts';

export interface ArticleDeps {
  source: S3Source;
  store: ObjectContributions & NamePostings & ArticleStore & IngestLog;
  extract: Extractor;
  parse: (
    text: string,
    key: string,
  ) => { format: string; articles: RawArticle[]; rejects: { where: string; reason: string; kept?: true }[] };
  maxBytes: number;
  /** The listed-name index; absent = no linking. */
  index?: NameIndexStore;
  now?: () => number;
  /** The version `extract` is (EXTRACTOR_VERSION), stored with every article it reads; absent = none stored. */
  extractedBy?: string;
  /**
   * A relink of unchanged content links the articles' stored readings again where `extractedBy` read them, instead
   * of running the extractor (the proportional pass; the full pass reads every text again).
   */
  reuseReadings?: boolean;
}

const MAX_ATTEMPTS = 8;
/**
 * Before another look after losing a race for the object: exponential with full jitter (20 ms, 40 ms … capped at
 * 1.3 s). Each attempt now writes more (parts, listing rows, name postings), so a loser that came back at once kept
 * meeting the winner mid-write; spread out, the duplicates of one event settle within the attempts.
 */
const backoff = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.min(1_300, 20 * 2 ** attempt) * Math.random()));
/** The generation of an object that holds nothing (deleted, or no article in it). */
export const NO_GENERATION = 'none';

/** A generation is what the object's parts were computed from: its content (ETag) and the name index. */
export const generationOf = (etag: string, indexEtag: string): string =>
  createHash('sha256').update(etag).update('\0').update(indexEtag).digest('hex').slice(0, 16);

/**
 * Brings the object's contribution in line with what S3 holds now for this key (level-triggered): the event only says
 * *which* object to look at. So a duplicate, late or reordered event changes nothing, an overwrite replaces the old
 * generation's parts with the new one's, and a delete removes them. The counters move only through the stream
 * aggregator, which turns the parts' inserts and removes into deltas: nothing here writes a shared item (issue 17.1).
 *
 * Order of writes, so that a crash anywhere leaves nothing a retry cannot finish or remove (issue 15.2):
 *  1. claim: the state names the new generation (conditional on the version read), incomplete;
 *  2. the generation's parts (each lists its article ids) — then the articles and references they list;
 *  3. every other generation's parts removed, with the articles only they listed;
 *  4. complete (conditional on the version claimed). A worker that lost the claim removes what it wrote.
 *
 * A relink of unchanged content (same ETag, another index build) adjusts the generation in place instead
 * (adjustInPlace): one part more holding the difference of the counts, and only the articles whose links changed.
 */
export async function reconcileArticleObject(ref: ObjectRef, deps: ArticleDeps): Promise<IngestStatus> {
  const now = deps.now ?? Date.now;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    const state = await deps.store.readObject(ref.key);
    const idx = await deps.index?.load();
    const indexEtag = idx?.etag ?? 'none';
    const unchanged = (): IngestStatus => ({
      key: ref.key,
      status: 'unchanged',
      records: { read: 0, written: 0, rejected: 0 },
      updatedAt: new Date(now()).toISOString(),
    });
    // An object ingested before name postings existed is linked again by a relink pass (same generation), so that
    // it is posted and a later proportional pass can find it (issue 17.4).
    const unposted =
      ref.eventName === 'Relink' &&
      !!state?.complete &&
      state.gen !== NO_GENERATION &&
      (state.indexEtag ?? 'none') === indexEtag &&
      !(await hasNamePostings(ref.key, state.gen, deps.store));
    // A relink pass skips, with one HEAD, an object already linked against this index. It may be the retry of a
    // relink that died between completing and moving the upload's status on: the status read, and moved if it is
    // this upload's and names another generation or part count ("done" would wait for them for ever). A read, not
    // a blind write: a full pass over objects already current writes nothing.
    if (
      ref.eventName === 'Relink' &&
      state?.complete &&
      (state.indexEtag ?? 'none') === indexEtag &&
      state.etag &&
      !unposted &&
      (await deps.source.headEtag(ref.key)) === state.etag
    ) {
      const upload = await deps.store.getIngestStatus(ref.key);
      if (upload?.etag === state.etag && (upload.gen !== state.gen || upload.parts !== state.parts))
        await deps.store.moveIngestGeneration(ref.key, state.etag, state.gen, state.parts);
      return unchanged();
    }
    const obj = await deps.source.get(ref.key, deps.maxBytes).catch(async (err) => {
      if (err instanceof InvalidInputError) return { invalid: err } as const;
      throw err;
    });
    if (obj && 'invalid' in obj) return reject(ref, deps, obj.invalid, started, undefined);

    if (obj && state?.complete && state.etag === obj.etag && (state.indexEtag ?? 'none') === indexEtag && !unposted) {
      obj.discard();
      // A duplicate event may be the retry of a worker that died after writing parts of a generation that lost:
      // the object's own partition is read (bounded by its size) and anything not current removed.
      await removeOtherGenerations(ref.key, state.gen, deps);
      // A relink pass leaves the status of an object it did not change as it was.
      if (ref.eventName === 'Relink') return unchanged();
      return status(
        deps,
        {
          key: ref.key,
          status: 'unchanged',
          etag: obj.etag,
          gen: state.gen,
          parts: state.parts,
          records: { read: 0, written: 0, rejected: 0 },
        },
        started,
      );
    }
    if (!obj && state?.complete && state.gen === NO_GENERATION) {
      await removeOtherGenerations(ref.key, NO_GENERATION, deps);
      return status(
        deps,
        {
          key: ref.key,
          status: 'deleted',
          gen: NO_GENERATION,
          parts: 0,
          records: { read: 0, written: 0, rejected: 0 },
        },
        started,
      );
    }

    let articles: Article[] = [];
    let prefetched: Map<string, Article> | undefined;
    let format = 'none';
    let rejects: { where: string; reason: string; kept?: true }[] = [];
    if (obj) {
      const bytes = await readAll(obj.body);
      try {
        const { text } = decodeBytes(bytes);
        const at = binaryOffset(text);
        if (at !== undefined)
          throw new InvalidInputError(
            'binary content, not text: an article must be text, Markdown, HTML, JSON or NDJSON',
            { where: `character ${at}` },
          );
        const parsed = deps.parse(text, ref.key);
        format = parsed.format;
        rejects = parsed.rejects;
        if (parsed.articles.length === 0)
          throw new InvalidInputError(`no article found (${format})${rejects[0] ? `: ${rejects[0].reason}` : ''}`, {
            where: rejects[0]?.where ?? 'file',
          });
        // The same content linked again (a relink): the articles as stored, whose readings may spare the extractor.
        // Their ids are hashed here only then: on an upload `analyseArticle` hashes each body once, and only once.
        let ids: string[] | undefined;
        if (
          ref.eventName === 'Relink' &&
          deps.reuseReadings &&
          deps.extractedBy &&
          state?.complete &&
          state.etag === obj.etag
        ) {
          ids = parsed.articles.map((raw, i) => articleId(ref.key, i, raw));
          prefetched = new Map((await deps.store.getArticles(ids)).map((a) => [a.id, a]));
        }
        articles = parsed.articles.map((raw, i) => {
          const stored = ids && prefetched?.get(ids[i]!);
          const reading = stored && readingOf(stored, deps.extractedBy!);
          return analyseArticle(
            ref.key,
            i,
            raw,
            reading ? () => reading : deps.extract,
            idx?.matcher,
            deps.extractedBy,
          );
        });
      } catch (err) {
        if (err instanceof InvalidInputError) return reject(ref, deps, err, started, obj.etag, format);
        throw err;
      }
    }

    // What a finished reconcile answers (the same for the full path and an adjustment in place).
    const finished = (gen: string, parts: number): Promise<IngestStatus> =>
      // A relink is not an upload: the object's ingest status stays what its upload left.
      (ref.eventName === 'Relink' ? quietStatus : status)(
        deps,
        {
          key: ref.key,
          status: obj ? 'done' : 'deleted',
          format,
          ...(obj ? { etag: obj.etag } : {}),
          gen,
          parts,
          // A reject marked `kept` is a dropped field of a stored article (a non-web URL), not a rejected record.
          records: {
            read: articles.length + rejects.filter((r) => !r.kept).length,
            written: articles.length,
            rejected: rejects.filter((r) => !r.kept).length,
          },
          ...(rejects.length ? { rejections: rejects.slice(0, 20) } : {}),
        },
        started,
      );

    // The same content linked against another index: the generation adjusted in place when it can be (issue 17.4).
    if (obj && state?.complete && state.etag === obj.etag && !unposted) {
      const adjusted = await adjustInPlace(ref.key, state, articles, indexEtag, deps, prefetched);
      if (adjusted === 'conflict') {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`object ${ref.key}: still conflicting after ${attempt} attempts`);
        await backoff(attempt);
        continue;
      }
      if (adjusted !== 'full') {
        const indexNow = (await deps.index?.load())?.etag ?? 'none';
        if (indexNow !== indexEtag && attempt < MAX_ATTEMPTS) continue;
        return finished(state.gen, adjusted.parts);
      }
    }

    const gen = obj ? generationOf(obj.etag, indexEtag) : NO_GENERATION;
    const parts = contributionParts(
      objectContribution(articles),
      articles.map((a) => a.id),
      cellInfoFrom(articles),
    );
    const version = (state?.version ?? 0) + 1;
    const claimed = await deps.store.claimObject(ref.key, state?.version, {
      key: ref.key,
      version,
      ...(obj ? { etag: obj.etag } : {}),
      indexEtag,
      gen,
      parts: parts.length,
      complete: false,
    });
    if (claimed === 'conflict') {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`object ${ref.key}: still conflicting after ${attempt} attempts`);
      await backoff(attempt);
      continue;
    }
    await deps.store.writeParts(ref.key, gen, parts);
    // An object seen before may hold these very articles, linked otherwise (a relink): drop what they no longer list.
    if (state) await removeDroppedRefs(ref.key, gen, articles, deps);
    await deps.store.putItems([...articles.map(storedForm), ...articles.flatMap(refItems)]);
    // The generation's name postings (issue 17.4), like its parts: a proportional relink finds the object by them.
    if (obj) await writeNamePostings(ref.key, gen, articles, deps.store);
    await removeOtherGenerations(ref.key, gen, deps);
    if ((await deps.store.completeObject(ref.key, version)) === 'conflict') {
      // A newer claim won while we wrote: whatever of ours is not its generation goes, and we look again.
      const winner = await deps.store.readObject(ref.key);
      if (winner && winner.gen !== gen) await removeOtherGenerations(ref.key, winner.gen, deps, gen);
      if (attempt >= MAX_ATTEMPTS) throw new Error(`object ${ref.key}: still conflicting after ${attempt} attempts`);
      await backoff(attempt);
      continue;
    }
    // The index may have changed while we worked, after a relink pass went by: then link again.
    const indexNow = (await deps.index?.load())?.etag ?? 'none';
    if (indexNow !== indexEtag && attempt < MAX_ATTEMPTS) continue;
    return finished(gen, parts.length);
  }
}

/**
 * Adjustment parts a generation may carry before a relink rewrites it whole (a compaction): at most this many, or as
 * many as its base parts if it has more. Each is one more part every later relink reads and a replacement removes:
 * so a relink reads at most twice the object's own parts, and the chain of adjustments stays short.
 */
export const MAX_ADJUSTMENTS = 4;

/**
 * A relink of an object whose content is unchanged (same ETag, another index build), written as the difference
 * (issue 17.4): the generation stays, and
 *  - adjustment parts are added under it (indexes from the parts it has; one, unless the difference has more cells
 *    than a part holds), their cells the signed difference new − old, old being the sum of the generation's stored
 *    parts (earlier adjustments included), new the object's contribution linked against the current index. The
 *    stream aggregator moves the counters by exactly that (an inserted part is new − nothing, negative amounts
 *    included; it carries cell info for the cells it adds), and its ledger counts the parts in the generation's
 *    `byGen`, as the state's `parts` does: `/ingests/{key}` says "done" once they are applied. No difference, no part.
 *  - only the articles whose stored form differs (their mentions' `listed` entries, mostly) are rewritten, with their
 *    references: those dropped first, as removeDroppedRefs does. Name postings depend on the content only: they stay.
 *
 * Order: claim (same generation, the new `indexEtag`, parts n+k, incomplete; conditional on the version read) → the
 * adjustment parts (deterministic: a retry would write the same items) → changed articles and references → complete
 * (conditional). A retry that finds the state incomplete does not resume the adjustment: it takes the full path, a
 * fresh generation, whose removal of every other generation takes the adjusted one's base parts and adjustments
 * together (and which drops the references of articles rewritten here, as for any other generation). Correct and
 * simple; a crash is rare. A worker that loses the claim has written nothing; one whose completion loses removes
 * what it wrote (the whole generation: the winner read the claim incomplete, so it took the full path and replaces
 * it anyway).
 *
 * 'full' when the full path is the right one: no index on either side (the generation `none` names may come back,
 * and a full rewrite must never land on the adjusted generation's name), the object not posted, the adjustments past
 * their bound (MAX_ADJUSTMENTS), or stored parts or articles not as the state says.
 *
 * Reads: the object's parts and name lists (its own partition), its articles (a batch get of its ids: bounded by the
 * object). Writes: the state twice, the adjustment parts (one per 90 cells of difference), and the changed articles
 * with their references; with nothing changed, the state once.
 */
async function adjustInPlace(
  key: string,
  state: ObjectState,
  articles: readonly Article[],
  indexEtag: string,
  deps: ArticleDeps,
  prefetched?: ReadonlyMap<string, Article>,
): Promise<{ parts: number } | 'full' | 'conflict'> {
  const adjustments = state.adjustments ?? 0;
  const bound = Math.max(MAX_ADJUSTMENTS, state.parts - adjustments);
  if (state.gen === NO_GENERATION || indexEtag === 'none' || (state.indexEtag ?? 'none') === 'none') return 'full';
  if (adjustments >= bound || !articles.length) return 'full';
  if (!(await hasNamePostings(key, state.gen, deps.store))) return 'full';
  const own = (await deps.store.readParts(key)).filter((p) => p.gen === state.gen);
  if (own.length !== state.parts) return 'full';
  const old: Contribution = {};
  for (const p of own)
    for (const [cell, [a, m]] of Object.entries(p.cells)) {
      const t = (old[cell] ??= { articles: 0, mentions: 0 });
      t.articles += a;
      t.mentions += m;
    }
  const diff = diffContributions(old, objectContribution(articles));
  if (adjustments + Math.ceil(diff.length / PART_CELLS) > bound) return 'full';
  const ids = own.flatMap((p) => p.articleIds);
  const listed = new Set(ids);
  if (ids.length !== articles.length || !articles.every((a) => listed.has(a.id))) return 'full';
  // Read once: the reconcile may have read them already, for their readings, in this attempt.
  const stored =
    prefetched && ids.every((id) => prefetched.has(id))
      ? prefetched
      : new Map((await deps.store.getArticles(ids)).map((a) => [a.id, a]));
  // One missing (never expected of a complete state) would hide the references to drop: the full path finds them.
  if (stored.size !== ids.length) return 'full';
  const changed = articles.filter((a) => canonical(stored.get(a.id)!) !== canonical(storedForm(a)));

  const adjustment = diff.length
    ? contributionParts(
        Object.fromEntries(diff.map((d) => [d.cell, { articles: d.articles, mentions: d.mentions }])),
        [],
        cellInfoFrom(articles),
      ).map((p) => ({ ...p, index: state.parts + p.index }))
    : [];
  const version = state.version + 1;
  const parts = state.parts + adjustment.length;
  const next: ObjectState = {
    ...state,
    version,
    indexEtag,
    parts,
    ...(adjustment.length || adjustments ? { adjustments: adjustments + adjustment.length } : {}),
    // Nothing to write but the state: it is complete as claimed.
    complete: !adjustment.length && !changed.length,
  };
  if ((await deps.store.claimObject(key, state.version, next)) === 'conflict') return 'conflict';
  if (next.complete) return { parts };
  await deps.store.writeParts(key, state.gen, adjustment);
  if (changed.length) {
    const keep = new Set(changed.flatMap(refItems).map((r) => `${r.pk}\0${r.sk}`));
    const dropped = changed.flatMap((a) => refItems(stored.get(a.id)!)).filter((r) => !keep.has(`${r.pk}\0${r.sk}`));
    if (dropped.length) await deps.store.deleteKeys(dropped.map(({ pk, sk }) => ({ pk, sk })));
    await deps.store.putItems([...changed.map(storedForm), ...changed.flatMap(refItems)]);
  }
  if ((await deps.store.completeObject(key, version)) === 'conflict') {
    const winner = await deps.store.readObject(key);
    if (winner && winner.gen !== state.gen) await removeOtherGenerations(key, winner.gen, deps, state.gen);
    return 'conflict';
  }
  return { parts };
}

/** An article as it is stored (the item's attributes beside its keys). */
const storedForm = (a: Article) => ({ ...articleKey(a.id), ...a, body: a.body.slice(0, 100_000) });

/**
 * An article's comparable form: parsed as the store reads it back (keys and unknown attributes stripped, defaults
 * filled), then written with sorted keys, so an article read back and one analysed again compare equal exactly when
 * the stored item would not change.
 */
function canonical(a: Record<string, unknown>): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([, x]) => x !== undefined)
              .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
              .map(([k, x]) => [k, sorted(x)]),
          )
        : v;
  return JSON.stringify(sorted(ArticleSchema.parse(a)));
}

/**
 * Removes the parts of every generation but `keep` and the one currently claimed (only those of `only`, when given),
 * and the articles (with their references) that no kept part lists. Idempotent: deleting what is gone changes nothing, and the stream reports
 * a remove only for an item that was there.
 */
export async function removeOtherGenerations(
  key: string,
  keep: string,
  deps: Pick<ArticleDeps, 'store'>,
  only?: string,
): Promise<number> {
  const parts = await deps.store.readParts(key);
  const names = await deps.store.readNameLists(key);
  // The state read *after* the parts: every part listed was written after its generation's claim, so a claim newer
  // than the caller's view (a worker that read S3 later) shows here, and its parts are never taken for leftovers.
  const current = (await deps.store.readObject(key))?.gen;
  const protect = new Set([keep, ...(current ? [current] : [])]);
  // The name postings of the same generations go too (they are per generation, as the parts are: issue 17.4).
  await removeNameLists(
    names.filter((l) => !protect.has(l.gen) && (only === undefined || l.gen === only)),
    deps.store,
  );
  const kept = new Set(parts.filter((p) => protect.has(p.gen)).flatMap((p) => p.articleIds));
  const gone = parts.filter((p) => !protect.has(p.gen) && (only === undefined || p.gen === only));
  if (!gone.length) return 0;
  const stale = [...new Set(gone.flatMap((p) => p.articleIds))].filter((id) => !kept.has(id));
  if (stale.length) {
    // Their references first (found through the stored article), then the articles, then the parts that list them.
    const old = await deps.store.getArticles(stale);
    await deps.store.deleteKeys(old.flatMap((a) => refItems(a).map(({ pk, sk }) => ({ pk, sk }))));
    await deps.store.deleteArticles(stale);
  }
  await deps.store.deleteParts(gone);
  return gone.length;
}

/**
 * The items that list an article: its references in the listing of all articles and per entity, country, list and
 * listed (shared/domain/article-index.ts), so `/articles` and an entity's page read a sorted range, never a scan.
 */
const refItems = (a: Article) => articleIndexItems(a);

/**
 * A relink, or an overwrite that keeps an article's title and text but not its date, rewrites articles under the same
 * ids with other references: those the stored version made and the new one does not (an entity no longer linked, the
 * old date) are removed *before* the article is overwritten, so a crash between the two leaves the stored article to
 * find them again. Only ids another generation of the object listed can be stored otherwise (the same generation is
 * the same content and index, so the same references): reads the object's parts, then just those articles.
 */
async function removeDroppedRefs(
  key: string,
  gen: string,
  articles: readonly Article[],
  deps: Pick<ArticleDeps, 'store'>,
): Promise<void> {
  if (!articles.length) return;
  const before = new Set((await deps.store.readParts(key)).filter((p) => p.gen !== gen).flatMap((p) => p.articleIds));
  const same = articles.filter((a) => before.has(a.id));
  if (!same.length) return;
  const stored = await deps.store.getArticles(same.map((a) => a.id));
  const keep = new Set(same.flatMap(refItems).map((r) => `${r.pk}\0${r.sk}`));
  const dropped = stored.flatMap(refItems).filter((r) => !keep.has(`${r.pk}\0${r.sk}`));
  if (dropped.length) await deps.store.deleteKeys(dropped.map(({ pk, sk }) => ({ pk, sk })));
}

/** Display fields stored once on an entity counter cell. */
function cellInfoFrom(articles: readonly Article[]): (cell: string) => CellInfo | undefined {
  const info = new Map<string, CellInfo>();
  for (const a of articles)
    for (const m of a.mentions)
      if (m.kind === 'person' || m.kind === 'organization') {
        info.set(`entity|${m.key}`, { name: m.surface, kind: m.kind, ...(m.country ? { country: m.country } : {}) });
        for (const l of m.listed)
          info.set(`listed|${l.list}|${l.sourceId}`, {
            name: l.name ?? m.surface,
            kind: l.type ?? m.kind,
            countries: l.countries ?? [],
          });
      }
  return (cell) => info.get(cell);
}

async function reject(
  ref: ObjectRef,
  deps: ArticleDeps,
  err: InvalidInputError,
  started: number,
  etag?: string,
  format?: string,
) {
  await quarantine(deps.source, ref.key, err, format);
  return status(
    deps,
    {
      key: ref.key,
      status: 'quarantined',
      ...(format ? { format } : {}),
      ...(etag ? { etag } : {}),
      records: { read: 0, written: 0, rejected: 1 },
      error: `${err.message}${err.where ? ` (at ${err.where})` : ''}`,
    },
    started,
  );
}

async function quietStatus(
  deps: ArticleDeps,
  s: Omit<IngestStatus, 'updatedAt' | 'durationMs'>,
  started: number,
): Promise<IngestStatus> {
  const now = deps.now ?? Date.now;
  // The upload's status stays, but "done" now means this generation counted (else it would say processing for ever).
  if (s.etag && s.gen !== undefined && s.parts !== undefined)
    await deps.store.moveIngestGeneration(s.key, s.etag, s.gen, s.parts);
  return { ...s, durationMs: now() - started, updatedAt: new Date(now()).toISOString() };
}

async function status(
  deps: ArticleDeps,
  s: Omit<IngestStatus, 'updatedAt' | 'durationMs'>,
  started: number,
): Promise<IngestStatus> {
  const now = deps.now ?? Date.now;
  const full: IngestStatus = { ...s, durationMs: now() - started, updatedAt: new Date(now()).toISOString() };
  await deps.store.putIngestStatus(full);
  return full;
}

/**
 * Relinks every stored article against the current name index (after a list changed): each object is reconciled again,
 * and only those whose links were computed with another index are recomputed; the counters move by the difference.
 *
 * With `skipIfCurrent`, a pass is skipped when the last finished one ran wholly under the index build that is current
 * now (duplicate and retried list events then cost one read). Articles ingested since were linked by their own handler
 * against that build, or linked again by it when the index changed under it.
 */
/**
 * Re-ingests these article objects against the current name index, a few at a time (the work is mostly waiting on S3
 * and DynamoDB), until done or past the deadline: the loop of both the full pass and the proportional one (relink.ts).
 */
export async function relinkObjects(
  keys: readonly string[],
  deps: ArticleDeps,
  opts: { deadline?: number; concurrency?: number; onProgress?: (done: number, total: number) => void },
): Promise<{ total: number; relinked: number; finished: boolean }> {
  let relinked = 0;
  let done = 0;
  let next = 0;
  let finished = true;
  const worker = async () => {
    while (next < keys.length) {
      if (opts.deadline && Date.now() > opts.deadline) {
        finished = false;
        return;
      }
      const key = keys[next++]!;
      const s = await reconcileArticleObject(
        { bucket: deps.source.bucket, key, eventName: 'Relink', eventTime: new Date().toISOString() },
        deps,
      );
      if (s.status === 'done') relinked++;
      opts.onProgress?.(++done, keys.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, keys.length) }, worker));
  return { total: keys.length, relinked, finished };
}

export async function relinkAllArticles(
  deps: ArticleDeps,
  opts: {
    deadline?: number;
    concurrency?: number;
    skipIfCurrent?: boolean;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<{ total: number; relinked: number; finished: boolean; skipped?: boolean }> {
  const loaded = await deps.index?.load();
  const indexEtag = loaded?.etag ?? 'none';
  if (opts.skipIfCurrent && (await deps.store.getItem(RELINK_MARK_KEY))?.indexEtag === indexEtag)
    return { total: 0, relinked: 0, finished: true, skipped: true };
  const keys = await deps.store.listArticleObjects();
  const { relinked, finished } = await relinkObjects(keys, deps, opts);
  // Marked done only when the index stayed the same build throughout (build ETags never recur: name-index-store).
  if (finished && ((await deps.index?.load())?.etag ?? 'none') === indexEtag)
    await deps.store.putItems([
      {
        ...RELINK_MARK_KEY,
        indexEtag,
        // The build the next proportional pass diffs against (relink.ts).
        ...(loaded?.buildId ? { buildId: loaded.buildId } : {}),
        at: new Date().toISOString(),
        objects: keys.length,
      },
    ]);
  return { total: keys.length, relinked, finished };
}
