import { buildNameIndex, type IndexedEntity } from '../domain/name-index.ts';
import type { ListCatalog } from '../ports.ts';
import type { NameIndexStore } from '../adapters/name-index-store.ts';

/**
 * Rebuilds the name index from the current version of every list and writes it to S3. Two lists swapped at once may
 * race: the pointers are read again after the write, and the index rebuilt until it matches them.
 */
export async function rebuildNameIndex(
  store: Pick<ListCatalog, 'readListPointers' | 'readListVersion'>,
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
