import { canonicalOfKey, listedEntityId } from '../domain/keys.ts';
import { buildNameIndex, type IndexedEntity } from '../domain/name-index.ts';
import type { ListCatalog } from '../ports.ts';
import type { NameIndexStore } from '../adapters/name-index-store.ts';

/**
 * Rebuilds the name index from the current version of every list and writes it to S3. Two lists swapped at once may
 * race: the pointers are read again after the write, and the index rebuilt until it matches them.
 *
 * The members of one canonical entity (shared/ingest/resolve-lists.ts) answer to every name of it: an article that
 * names KOMID by an alias only OFAC carries links the UN listing too. Every listing of one entity then counts the same
 * articles, so the canonical entity's count is exact (neither a sum that counts an article twice nor one listing's).
 * Resolution runs before the index is rebuilt, in the same list ingest; a cluster that changes changes the entities
 * under its names, so the proportional relink finds the articles that mention them.
 */
export async function rebuildNameIndex(
  store: Pick<ListCatalog, 'readListPointers' | 'readListVersion' | 'getItems'>,
  index: NameIndexStore,
): Promise<{ entities: number; names: number; rebuilt: boolean }> {
  for (let attempt = 0; ; attempt++) {
    const pointers = await store.readListPointers();
    const versions =
      pointers
        .map((p) => `${p.list}@${p.version}`)
        .sort()
        .join(',') || 'none';
    // Idempotent: a retried event finds the index already built from these versions.
    if (attempt === 0 && (await index.builtFrom()) === versions) return { entities: 0, names: 0, rebuilt: false };
    const entities: (IndexedEntity & { aliases?: string[] })[] = [];
    for (const p of pointers)
      for (const e of await store.readListVersion(p.list, p.version))
        entities.push({
          list: p.list,
          sourceId: String(e.sourceId),
          name: String(e.name),
          type: String(e.type),
          countries: ((e.countries as { code: string }[] | undefined) ?? []).map((c) => c.code),
          aliases: (e.aliases as string[] | undefined) ?? [],
        });
    await withClusterNames(store, entities);
    const built = buildNameIndex(entities);
    await index.save(built, versions);
    const after =
      (await store.readListPointers())
        .map((p) => `${p.list}@${p.version}`)
        .sort()
        .join(',') || 'none';
    if (after === versions || attempt >= 4)
      return { entities: built.entities.length, names: Object.keys(built.forms).length, rebuilt: true };
  }
}

/** Gives each member of a cluster the names of the others (one batched read of CANOF items per 100 entities). */
async function withClusterNames(
  store: Pick<ListCatalog, 'getItems'>,
  entities: (IndexedEntity & { aliases?: string[] })[],
): Promise<void> {
  const canonical = new Map<string, string>();
  for (const it of await store.getItems(entities.map((e) => canonicalOfKey(listedEntityId(e.list, e.sourceId)))))
    canonical.set(String(it.pk).slice('CANOF#'.length), String(it.canonical));
  if (!canonical.size) return;
  const names = new Map<string, Set<string>>();
  for (const e of entities) {
    const c = canonical.get(listedEntityId(e.list, e.sourceId));
    if (!c) continue;
    const s = names.get(c) ?? new Set<string>();
    for (const n of [e.name, ...(e.aliases ?? [])]) s.add(n);
    names.set(c, s);
  }
  for (const e of entities) {
    const c = canonical.get(listedEntityId(e.list, e.sourceId));
    if (c) e.aliases = [...names.get(c)!].filter((n) => n !== e.name);
  }
}
