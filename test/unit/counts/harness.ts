import { storedCells } from '../../helpers/stored-cells.ts';
import { makeMemoryStore, type MemoryStore } from '../../../shared/adapters/memory-store.ts';
import type { ObjectRef } from '../../../shared/adapters/s3-event.ts';
import { analyseArticle, objectContribution, type Extractor } from '../../../shared/domain/article.ts';
import { parseArticles } from '../../../shared/domain/article-formats.ts';
import type { Contribution } from '../../../shared/domain/contribution.ts';
import { EXTRACTOR_VERSION, extractEntities } from '../../../shared/domain/extract.ts';
import type { NameMatcher } from '../../../shared/domain/name-index.ts';
import { aggregateStreamBatch, type StreamChange } from '../../../shared/ingest/aggregate.ts';
import { type ArticleDeps, reconcileArticleObject } from '../../../shared/ingest/articles.ts';
import { makeMemorySource } from '../../helpers/memory-source.ts';

/** The article use case and the aggregator against the in-memory store: the pipeline without a server. */
export function makePipeline(extract: Extractor = extractEntities) {
  const store: MemoryStore = makeMemoryStore();
  const s3 = makeMemorySource();
  const deps: ArticleDeps = {
    source: s3.source,
    store,
    extract,
    // The real extractor's readings are stored as the functions store them (a proportional relink reuses them).
    ...(extract === extractEntities ? { extractedBy: EXTRACTOR_VERSION } : {}),
    parse: parseArticles,
    maxBytes: 20 * 1024 * 1024,
  };
  const ref = (key: string, eventName = 'ObjectCreated:Put'): ObjectRef => ({
    bucket: 'radar-ingest',
    key,
    eventName,
    eventTime: new Date(0).toISOString(),
  });
  return {
    store,
    s3,
    deps,
    reconcile: (key: string) => reconcileArticleObject(ref(key), deps),
    /** What a relink pass does to one object (after a list changed the name index). */
    relink: (key: string) => reconcileArticleObject(ref(key, 'Relink'), deps),
    /** Every stream record so far, handed to the aggregator as one shard in order. */
    async aggregate(): Promise<void> {
      const r = await aggregateStreamBatch(store.takeStream(), store);
      if (r.error) throw r.error;
    },
    aggregateRecords: (records: StreamChange[]) => aggregateStreamBatch(records, store),
    /** The counters as the store holds them: cell → [articles, mentions], zeros dropped. */
    counters(): Record<string, [number, number]> {
      return storedCells(store.items());
    },
    /** A recount from scratch of what the source holds now (linked with `matcher` when the ingest had one). */
    recount(matcher?: NameMatcher): Record<string, [number, number]> {
      const total: Contribution = {};
      for (const key of s3.keys('articles/')) {
        const parsed = parseArticles(s3.text(key)!, key);
        const articles = parsed.articles.map((a, i) => analyseArticle(key, i, a, extract, matcher));
        for (const [cell, a] of Object.entries(objectContribution(articles))) {
          const t = (total[cell] ??= { articles: 0, mentions: 0 });
          t.articles += a.articles;
          t.mentions += a.mentions;
        }
      }
      const out: Record<string, [number, number]> = {};
      for (const [c, a] of Object.entries(total)) if (a.articles || a.mentions) out[c] = [a.articles, a.mentions];
      return out;
    },
  };
}
