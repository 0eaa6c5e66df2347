import type { NameIndexStore } from '../adapters/name-index-store.ts';
import { DependencyError } from '../errors.ts';
import type { ListCatalog } from '../ports.ts';
import { type ArticleDeps, relinkAllArticles } from './articles.ts';
import { rebuildNameIndex } from './name-index.ts';
import type { IngestCall } from './sanctions.ts';

export interface RelinkDeps {
  store: ListCatalog & ArticleDeps['store'];
  index: NameIndexStore;
  /** How stored articles are read and analysed again. */
  articles: Omit<ArticleDeps, 'store' | 'index'>;
  log?: (message: string, data: Record<string, unknown>) => void;
}

/**
 * After a list's current version changed: a new name index, then every stored article relinked against it (design
 * §4), until this call's deadline (issue 14.5: the deadline is the call's, so two batches running at once on one
 * module instance each stop at their own). Unfinished work fails the call so the message comes back; relinking is
 * idempotent, so each try goes further.
 */
export async function relinkAfterListChange(deps: RelinkDeps, call: IngestCall): Promise<void> {
  const built = await rebuildNameIndex(deps.store, deps.index);
  if (built.rebuilt) deps.log?.('name index rebuilt', built);
  const r = await relinkAllArticles(
    { ...deps.articles, store: deps.store, index: deps.index },
    { ...(call.deadline !== undefined ? { deadline: call.deadline } : {}), skipIfCurrent: true },
  );
  if (!r.finished)
    throw new DependencyError(`relinked ${r.relinked} of ${r.total} article objects before the time ran out; retrying`);
  if (r.relinked) deps.log?.('articles relinked', r);
}
